from __future__ import print_function, division

from builtins import range
from builtins import object
import numpy as np
from cs231n.classifiers.linear_svm import *
from cs231n.classifiers.softmax import *
from past.builtins import xrange


class LinearClassifier(object):
    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100,
              batch_size=200, verbose=False):
        """
        SGD. X: (N, D), y: (N,) in 0..C-1. Returns the list of losses.
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1
        if self.W is None:
            self.W = 0.001 * np.random.randn(dim, num_classes)

        loss_history = []
        for it in xrange(num_iters):
            X_batch = None
            y_batch = None

            #########################################################################
            # TODO: sample a minibatch                                              #
            #########################################################################
            batch_inds = np.random.choice(num_train, batch_size)
            X_batch = X[batch_inds]
            y_batch = y[batch_inds]
            #########################################################################
            #                       END OF YOUR CODE                                #
            #########################################################################

            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO: update W                                                        #
            #########################################################################
            self.W += -learning_rate * grad
            #########################################################################
            #                       END OF YOUR CODE                                #
            #########################################################################

            if verbose and it % 100 == 0:
                print('iteration %d / %d: loss %f' % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        X: (N, D) -> predicted labels (N,)
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: fill y_pred                                                       #
        ###########################################################################
        y_pred = np.argmax(X.dot(self.W), axis=1)
        ###########################################################################
        #                           END OF YOUR CODE                              #
        ###########################################################################
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        Subclasses: return (loss, gradient with respect to self.W).
        """
        pass


class LinearSVM(LinearClassifier):
    """ Multiclass SVM loss """

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """ Softmax + cross-entropy loss """

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
