"""Minibatch training loop for the PyTorch captioning Transformer."""

import torch
from torch.nn import functional as F

from .coco_utils import sample_coco_minibatch


class CaptioningSolverTransformer:
    """Train a CaptioningTransformer with Adam.

    Typical use:

        solver = CaptioningSolverTransformer(model, data, idx_to_word,
                                             num_epochs=100, batch_size=25,
                                             learning_rate=1e-3)
        solver.train()

    After training, loss_history holds the loss of every iteration. Each
    iteration draws its minibatch with replacement (sample_coco_minibatch), and
    an epoch is max(N_train // batch_size, 1) iterations.
    """

    def __init__(self, model, data, idx_to_word, **kwargs):
        """Set up a solver.

        Inputs:
        - model: a CaptioningTransformer
        - data: the dict of coco_utils.load_coco_data
        - idx_to_word: list from word index to word

        Optional keyword arguments:
        - learning_rate: Adam's step size (default 0.001)
        - batch_size: minibatch size (default 100)
        - num_epochs: number of epochs (default 10)
        - print_every: print the loss every this many iterations (default 10)
        - verbose: print progress at all (default True)

        Raises ValueError for an unknown keyword argument.
        """
        self.model = model
        self.data = data

        self.learning_rate = kwargs.pop("learning_rate", 0.001)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
        self.print_every = kwargs.pop("print_every", 10)
        self.verbose = kwargs.pop("verbose", True)

        if kwargs:
            unknown = ", ".join(f'"{k}"' for k in kwargs)
            raise ValueError(f"Unrecognized arguments {unknown}")

        self.optim = torch.optim.Adam(self.model.parameters(), self.learning_rate)
        self._reset()
        self.idx_to_word = idx_to_word

    def _reset(self):
        """Clear the training history."""
        self.epoch = 0
        self.loss_history = []

    def _step(self):
        """One gradient update on a fresh minibatch (called by train())."""
        captions, features, urls = sample_coco_minibatch(
            self.data, batch_size=self.batch_size, split="train")

        captions_in = torch.as_tensor(captions[:, :-1], dtype=torch.long)
        captions_out = torch.as_tensor(captions[:, 1:], dtype=torch.long)
        mask = captions_out != self.model._null
        features = torch.as_tensor(features, dtype=torch.float32)

        logits = self.model(features, captions_in)
        loss = self.transformer_temporal_softmax_loss(logits, captions_out, mask)
        self.loss_history.append(loss.detach().numpy())

        self.optim.zero_grad()
        loss.backward()
        self.optim.step()

    def train(self):
        """Run the optimization for num_epochs epochs (the model is left in
        training mode)."""
        self.model.train()
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

    def transformer_temporal_softmax_loss(self, x, y, mask):
        """Masked cross-entropy averaged over all N * T positions.

        Masked positions add nothing to the sum but still count in the
        denominator (unlike the numpy temporal_softmax_loss, which sums over
        time and divides by N).

        Inputs:
        - x: scores, tensor of shape (N, T, V)
        - y: correct word indices, integer tensor of shape (N, T)
        - mask: boolean tensor of shape (N, T); True where the loss counts

        Returns:
        - loss: a scalar tensor
        """
        N, T, V = x.shape
        per_position = F.cross_entropy(x.reshape(N * T, V), y.reshape(N * T),
                                       reduction="none")
        return torch.mean(per_position * mask.reshape(N * T))
