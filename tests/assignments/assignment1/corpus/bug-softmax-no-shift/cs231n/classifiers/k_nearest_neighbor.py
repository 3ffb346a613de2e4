from __future__ import print_function, division

from builtins import range
from builtins import object
import numpy as np
from past.builtins import xrange


class KNearestNeighbor(object):
    """ kNN, euclidean """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Just keep the data around.
        X: (num_train, D), y: (num_train,)
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        X: (num_test, D) -> labels (num_test,), voting over k neighbours.
        num_loops picks the distance code (0, 1, 2).
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError('Invalid num_loops: %d' % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        X: (num_test, D) -> dists (num_test, num_train), Euclidean.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in xrange(num_test):
            for j in xrange(num_train):
                #####################################################################
                # TODO: dists[i, j] = distance(test i, train j)                     #
                #####################################################################
                dists[i, j] = np.sqrt(np.sum((X[i, :] - self.X_train[j, :]) ** 2))
                #####################################################################
                #                       END OF YOUR CODE                            #
                #####################################################################
        return dists

    def compute_distances_one_loop(self, X):
        """
        Same result, one loop over the test rows.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in xrange(num_test):
            #######################################################################
            # TODO: dists[i, :]                                                   #
            #######################################################################
            dists[i, :] = np.sqrt(((self.X_train - X[i, :]) ** 2).sum(axis=1))
            #######################################################################
            #                         END OF YOUR CODE                            #
            #######################################################################
        return dists

    def compute_distances_no_loops(self, X):
        """
        Same result, no loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all of dists with matrix ops only                               #
        #########################################################################
        te = (X ** 2).sum(axis=1)[:, np.newaxis]
        tr = (self.X_train ** 2).sum(axis=1)[np.newaxis, :]
        d2 = te + tr - 2.0 * np.dot(X, self.X_train.T)
        d2 = np.maximum(d2, 0.0)
        dists = np.sqrt(d2)
        #########################################################################
        #                         END OF YOUR CODE                              #
        #########################################################################
        return dists

    def predict_labels(self, dists, k=1):
        """
        dists: (num_test, num_train) -> y_pred (num_test,)
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in xrange(num_test):
            # labels of the k nearest neighbours of test point i
            closest_y = []
            #########################################################################
            # TODO: labels of the k nearest neighbours -> closest_y                 #
            #########################################################################
            closest_y = self.y_train[np.argsort(dists[i])[:k]]
            #########################################################################
            # TODO: most common label -> y_pred[i] (ties: smaller label)            #
            #########################################################################
            counts = np.bincount(closest_y)
            winners = np.flatnonzero(counts == counts.max())   # sorted ascending
            y_pred[i] = winners[0]
            #########################################################################
            #                           END OF YOUR CODE                            #
            #########################################################################

        return y_pred
