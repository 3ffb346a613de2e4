"""Minibatch training loop for the numpy captioning model."""

from . import optim
from .coco_utils import sample_coco_minibatch


class CaptioningSolver:
    """Train a captioning model with minibatch gradient descent.

    The model must provide:
    - model.params: dict mapping parameter names to numpy arrays
    - model.loss(features, captions): returns (loss, grads), grads keyed like
      params

    Typical use:

        solver = CaptioningSolver(model, data, update_rule="adam",
                                  optim_config={"learning_rate": 5e-3},
                                  num_epochs=50, batch_size=25, lr_decay=0.95)
        solver.train()

    After training, loss_history holds the loss of every iteration. Each
    iteration draws its minibatch with replacement (sample_coco_minibatch), and
    an epoch is max(N_train // batch_size, 1) iterations.
    """

    def __init__(self, model, data, **kwargs):
        """Set up a solver.

        Inputs:
        - model: the model to train (see the class docstring)
        - data: the dict of coco_utils.load_coco_data

        Optional keyword arguments:
        - update_rule: name of a function in cs231n.optim (default 'sgd')
        - optim_config: hyperparameters for the update rule, copied for every
          parameter (default {})
        - lr_decay: the learning rate is multiplied by this after each epoch
          (default 1.0)
        - batch_size: minibatch size (default 100)
        - num_epochs: number of epochs (default 10)
        - print_every: print the loss every this many iterations (default 10)
        - verbose: print progress at all (default True)

        Raises ValueError for an unknown keyword argument or update rule.
        """
        self.model = model
        self.data = data

        self.update_rule = kwargs.pop("update_rule", "sgd")
        self.optim_config = kwargs.pop("optim_config", {})
        self.lr_decay = kwargs.pop("lr_decay", 1.0)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
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
        """Clear the training history and give every parameter its own
        copy of the optimizer configuration."""
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {name: dict(self.optim_config) for name in self.model.params}

    def _step(self):
        """One gradient update on a fresh minibatch (called by train())."""
        captions, features, urls = sample_coco_minibatch(
            self.data, batch_size=self.batch_size, split="train")

        loss, grads = self.model.loss(features, captions)
        self.loss_history.append(loss)

        for name, value in self.model.params.items():
            next_value, next_config = self.update_rule(
                value, grads[name], self.optim_configs[name])
            self.model.params[name] = next_value
            self.optim_configs[name] = next_config

    def train(self):
        """Run the optimization for num_epochs epochs."""
        num_train = self.data["train_captions"].shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch

        for t in range(num_iterations):
            self._step()

            if self.verbose and t % self.print_every == 0:
                print("(Iteration %d / %d) loss: %f"
                      % (t + 1, num_iterations, self.loss_history[-1]))

            if (t + 1) % iterations_per_epoch == 0:
                self.epoch += 1
                for config in self.optim_configs.values():
                    config["learning_rate"] *= self.lr_decay
