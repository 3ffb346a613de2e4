"""Minibatch training loop for classification models."""

import os
import pickle

import numpy as np

from . import optim


class Solver:
    """Train a classification model with minibatch gradient descent.

    The model must provide:
    - model.params: dict mapping parameter names to numpy arrays
    - model.loss(X, y=None): with y, returns (loss, grads), grads keyed like
      params; without y, returns class scores of shape (N, C)

    Typical use:

        solver = Solver(model, data, update_rule="adam",
                        optim_config={"learning_rate": 1e-3},
                        num_epochs=10, batch_size=100)
        solver.train()
        model.params = solver.best_params  # already done at the end of train()

    After training, loss_history holds the loss of every iteration;
    train_acc_history and val_acc_history hold accuracies measured once per
    epoch; best_val_acc and best_params describe the best epoch on the
    validation set.
    """

    def __init__(self, model, data, **kwargs):
        """Set up a solver.

        Inputs:
        - model: the model to train (see the class docstring)
        - data: dict with 'X_train' (N_train, d_1, ..., d_k), 'y_train' (N_train,),
          'X_val' (N_val, d_1, ..., d_k) and 'y_val' (N_val,)

        Optional keyword arguments:
        - update_rule: name of a function in cs231n.optim (default 'sgd')
        - optim_config: hyperparameters for the update rule, copied for every
          parameter (default {})
        - lr_decay: the learning rate is multiplied by this after each epoch
          (default 1.0)
        - batch_size: minibatch size (default 100)
        - num_epochs: number of passes over the training data (default 10)
        - num_train_samples: training examples used to measure training
          accuracy (default 1000)
        - num_val_samples: validation examples used to measure validation
          accuracy; None means all (default None)
        - checkpoint_name: when given, the solver is pickled to
          '<checkpoint_name>_epoch_<e>.pkl' after every epoch (default None)
        - print_every: print the loss every this many iterations (default 10)
        - verbose: print progress at all (default True)

        Raises ValueError for an unknown keyword argument or update rule.
        """
        self.model = model
        self.X_train = data["X_train"]
        self.y_train = data["y_train"]
        self.X_val = data["X_val"]
        self.y_val = data["y_val"]

        self.update_rule = kwargs.pop("update_rule", "sgd")
        self.optim_config = kwargs.pop("optim_config", {})
        self.lr_decay = kwargs.pop("lr_decay", 1.0)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
        self.num_train_samples = kwargs.pop("num_train_samples", 1000)
        self.num_val_samples = kwargs.pop("num_val_samples", None)
        self.checkpoint_name = kwargs.pop("checkpoint_name", None)
        self.print_every = kwargs.pop("print_every", 10)
        self.verbose = kwargs.pop("verbose", True)

        if kwargs:
            unknown = ", ".join(f'"{k}"' for k in kwargs)
            raise ValueError(f"Unrecognized arguments {unknown}")

        if not hasattr(optim, self.update_rule):
            raise ValueError(f'Invalid update_rule "{self.update_rule}"')
        self.update_rule = getattr(optim, self.update_rule)

        self._reset()

    def _reset(self):
        """Reset the bookkeeping; called by __init__, not meant to be called by hand."""
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        # Each parameter gets its own copy of the optimizer config (and state).
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        """One gradient update on a random minibatch; records the loss."""
        num_train = self.X_train.shape[0]
        batch = np.random.choice(num_train, self.batch_size)
        X_batch, y_batch = self.X_train[batch], self.y_train[batch]

        loss, grads = self.model.loss(X_batch, y_batch)
        self.loss_history.append(loss)

        for name, w in self.model.params.items():
            next_w, next_config = self.update_rule(w, grads[name], self.optim_configs[name])
            self.model.params[name] = next_w
            self.optim_configs[name] = next_config

    def _save_checkpoint(self):
        """Pickle the training state to '<checkpoint_name>_epoch_<e>.pkl'."""
        if self.checkpoint_name is None:
            return
        checkpoint = {
            "model": self.model,
            "update_rule": self.update_rule,
            "lr_decay": self.lr_decay,
            "optim_config": self.optim_config,
            "batch_size": self.batch_size,
            "num_train_samples": self.num_train_samples,
            "num_val_samples": self.num_val_samples,
            "epoch": self.epoch,
            "loss_history": self.loss_history,
            "train_acc_history": self.train_acc_history,
            "val_acc_history": self.val_acc_history,
        }
        filename = f"{self.checkpoint_name}_epoch_{self.epoch}.pkl"
        if self.verbose:
            print(f'Saving checkpoint to "{filename}"')
        with open(filename, "wb") as f:
            pickle.dump(checkpoint, f)

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """Accuracy of the model on some data.

        Inputs:
        - X: data, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,)
        - num_samples: when given and smaller than N, use a random subset of
          this size
        - batch_size: examples scored per model call

        Returns:
        - acc: fraction of examples classified correctly (a float)
        """
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            subset = np.random.choice(N, num_samples)
            N = num_samples
            X, y = X[subset], y[subset]

        num_batches = (N + batch_size - 1) // batch_size
        y_pred = []
        for i in range(num_batches):
            start, end = i * batch_size, (i + 1) * batch_size
            scores = self.model.loss(X[start:end])
            y_pred.append(np.argmax(scores, axis=1))
        y_pred = np.hstack(y_pred)
        return float(np.mean(y_pred == y))

    def train(self):
        """Run the optimization, then keep the parameters of the best epoch."""
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch

        for t in range(num_iterations):
            self._step()

            if self.verbose and t % self.print_every == 0:
                print(f"(Iteration {t + 1} / {num_iterations}) loss: {self.loss_history[-1]:f}")

            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for config in self.optim_configs.values():
                    if "learning_rate" in config:
                        config["learning_rate"] *= self.lr_decay

            # Measure accuracy after the first iteration, the last one and at
            # the end of every epoch.
            first_it = t == 0
            last_it = t == num_iterations - 1
            if first_it or last_it or epoch_end:
                train_acc = self.check_accuracy(
                    self.X_train, self.y_train, num_samples=self.num_train_samples
                )
                val_acc = self.check_accuracy(
                    self.X_val, self.y_val, num_samples=self.num_val_samples
                )
                self.train_acc_history.append(train_acc)
                self.val_acc_history.append(val_acc)
                self._save_checkpoint()

                if self.verbose:
                    print(f"(Epoch {self.epoch} / {self.num_epochs}) "
                          f"train acc: {train_acc:f}; val_acc: {val_acc:f}")

                if val_acc > self.best_val_acc or not self.best_params:
                    self.best_val_acc = val_acc
                    self.best_params = {k: v.copy() for k, v in self.model.params.items()}

        self.model.params = self.best_params
