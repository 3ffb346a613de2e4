from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """k-nearest-neighbour classifier (L2)."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Keep a reference to the training data.

        Inputs:
        - X: shape (num_train, D)
        - y: shape (num_train,)
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: shape (num_test, D)
        - k: neighbours that vote
        - num_loops: 0, 1 or 2

        Returns:
        - y: shape (num_test,)
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("invalid num_loops (%d)" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: shape (num_test, D)

        Returns:
        - dists: shape (num_test, num_train), Euclidean distances
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: dists[i, j], no loop over dimensions, no linalg.norm.       #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                delta = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(np.inner(delta, delta))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        As compute_distances_two_loops, looping over test rows only.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: dists[i, :], no linalg.norm.                                  #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # ||t - x||^2 = ||t||^2 - 2 t.x + ||x||^2 for every training row t
            sq = np.sum(self.X_train ** 2, axis=1) - 2 * self.X_train.dot(X[i]) + X[i].dot(X[i])
            dists[i, :] = np.sqrt(np.maximum(sq, 0))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        As compute_distances_two_loops, without loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all distances, no loops, no scipy, no linalg.norm.              #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        dists = np.sqrt(np.maximum(
            0,
            -2 * X @ self.X_train.T
            + (X ** 2).sum(1)[:, None]
            + (self.X_train ** 2).sum(1),
        ))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: shape (num_test, num_train)

        Returns:
        - y: shape (num_test,)
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        num_labels = int(np.max(self.y_train)) + 1
        for i in range(num_test):
            # the k labels that vote for test point i
            closest_y = []
            #########################################################################
            # TODO: labels of the k nearest neighbours into closest_y.             #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            order = np.argsort(dists[i])
            for n in range(k):
                closest_y.append(self.y_train[order[n]])

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: most common label into y_pred[i]; ties to the smaller label.   #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            tally = np.zeros(num_labels, dtype=int)
            for label in closest_y:
                tally[label] += 1
            y_pred[i] = np.argmax(tally)     # first index of the max = smallest label

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
