from __future__ import print_function

from builtins import range
from builtins import object
import numpy as np
import matplotlib.pyplot as plt
from ..classifiers.linear_svm import *
from ..classifiers.softmax import *


def _sample_batch(X, y, batch_size):
    """batch_size rows of X (and labels) drawn with replacement."""
    idx = np.random.choice(X.shape[0], batch_size, replace=True)
    return X[idx], y[idx]


class LinearClassifier(object):
    def __init__(self):
        self.W = None

    def train(
        self,
        X,
        y,
        learning_rate=1e-3,
        reg=1e-5,
        num_iters=100,
        batch_size=200,
        verbose=False,
    ):
        """
        Minibatch stochastic gradient descent.

        Inputs:
        - X: (N, D) training data
        - y: (N,) labels in 0..C-1
        - learning_rate: float
        - reg: float
        - num_iters: int
        - batch_size: int
        - verbose: bool

        Returns:
        - loss_history: list of floats, one per iteration
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1
        if self.W is None:
            self.W = 0.001 * np.random.randn(dim, num_classes)

        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            #########################################################################
            # TODO: sample X_batch (batch_size, dim), y_batch (batch_size,).        #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            X_batch, y_batch = _sample_batch(X, y, batch_size)

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO: gradient step.                                                  #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            self.W -= learning_rate * grad

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        Inputs:
        - X: (N, D)

        Returns:
        - y_pred: (N,) predicted labels
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: y_pred from the scores.                                          #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        y_pred = np.argmax(X.dot(self.W), axis=1)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        Loss and gradient of a batch; the subclasses fill this in.
        """
        pass

    def plot_loss(self, loss_history):
        """Quick look at a loss curve (used while tuning, not by the notebook)."""
        plt.plot(loss_history)
        plt.xlabel("iteration")
        plt.ylabel("loss")
        plt.show()


class LinearSVM(LinearClassifier):
    """Multiclass SVM."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """Softmax classifier."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
