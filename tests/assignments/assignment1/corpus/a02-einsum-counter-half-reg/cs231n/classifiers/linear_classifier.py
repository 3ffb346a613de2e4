from __future__ import print_function

from builtins import range
from builtins import object
import numpy as np
from .linear_svm import *
from .softmax import *


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
        Train with stochastic gradient descent.

        Inputs:
        - X: (N, D) training data
        - y: (N,) labels in 0..C-1
        - learning_rate, reg: floats
        - num_iters: number of steps
        - batch_size: examples per step
        - verbose: print progress

        Returns:
        - loss_history: list of the training loss at each step
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
            # TODO: sample batch_size examples into X_batch (batch_size, dim) and   #
            # y_batch (batch_size,); replacement is allowed.                        #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            rows = np.random.randint(0, num_train, size=batch_size)
            X_batch, y_batch = X[rows, :], y[rows]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO: update the weights with the gradient.                           #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            self.W += -learning_rate * grad

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        Inputs:
        - X: (N, D) data

        Returns:
        - y_pred: (N,) predicted classes
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: predicted labels into y_pred.                                     #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        scores = X @ self.W
        y_pred = scores.argmax(axis=1)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        Subclasses return (loss, gradient w.r.t. self.W).
        """
        pass


class LinearSVM(LinearClassifier):
    """Linear classifier with the multiclass SVM loss."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """Linear classifier with the softmax loss."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
