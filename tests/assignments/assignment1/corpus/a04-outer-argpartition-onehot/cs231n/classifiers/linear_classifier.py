from __future__ import print_function

from builtins import range
from builtins import object
import numpy as np
from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized


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
        Minibatch SGD.

        Inputs:
        - X: (N, D)
        - y: (N,) labels 0..C-1
        - learning_rate: step size
        - reg: L2 strength
        - num_iters: steps
        - batch_size: rows per step
        - verbose: print every 100 steps

        Returns:
        - loss_history: list, one loss per step
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
            # TODO: minibatch of batch_size rows into X_batch / y_batch.            #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            pick = np.random.choice(num_train, batch_size)   # replace=True by default
            X_batch = X[pick]
            y_batch = y[pick]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO: SGD step.                                                       #
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
        - y_pred: (N,) class indices
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: predicted labels into y_pred.                                     #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        y_pred = (X @ self.W).argmax(axis=1)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        Returns (loss, dW); implemented by the subclasses.
        """
        pass


class LinearSVM(LinearClassifier):
    """hinge loss"""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """cross-entropy loss"""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
