from __future__ import print_function

from builtins import range
from builtins import object
import numpy as np
from ..classifiers.linear_svm import *
from ..classifiers.softmax import *
from past.builtins import xrange


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
        Minibatch SGD on this classifier's loss.

        Inputs:
        - X: training rows, shape (N, D).
        - y: labels, shape (N,), values 0 ... C-1.
        - learning_rate: step size (float).
        - reg: regularization strength (float).
        - num_iters: number of SGD steps.
        - batch_size: rows per step.
        - verbose: print progress every 100 steps.

        Returns:
        - loss_history: list with the loss of every step.
        """
        num_train, dim = X.shape
        num_classes = (
            np.max(y) + 1
        )  # labels are 0 ... C-1
        if self.W is None:
            # small random start
            self.W = 0.001 * np.random.randn(dim, num_classes)

        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            #########################################################################
            # TODO:                                                                 #
            # draw batch_size rows (and their labels) from the training data into  #
            # X_batch (batch_size, dim) and y_batch (batch_size,). Sampling with    #
            # replacement is fine.                                                  #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            batch_idx = np.random.choice(num_train, batch_size, replace=True)
            X_batch = X[batch_idx]
            y_batch = y[batch_idx]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # loss and gradient on the batch
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO:                                                                 #
            # one gradient step on self.W.                                          #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            self.W -= learning_rate * grad

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        Labels from the trained weights.

        Inputs:
        - X: rows to classify, shape (N, D).

        Returns:
        - y_pred: shape (N,), integer class of each row.
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO:                                                                   #
        # fill y_pred with the highest-scoring class of each row.                 #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        y_pred = np.argmax(X.dot(self.W), axis=1)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        Loss and gradient; subclasses override this.

        Inputs:
        - X_batch: shape (N, D).
        - y_batch: shape (N,).
        - reg: regularization strength (float).

        Returns: (loss as a float, gradient with the shape of self.W)
        """
        pass


class LinearSVM(LinearClassifier):
    """ multiclass SVM loss """

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """ softmax + cross-entropy loss """

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
