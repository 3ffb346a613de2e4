from builtins import range
from builtins import object
from typing import List

import numpy as np


def _squared_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Squared L2 distances between the rows of A (m, D) and B (n, D) -> (m, n)."""
    a_sq = np.sum(A * A, axis=1)[:, np.newaxis]      # (m, 1)
    b_sq = np.sum(B * B, axis=1)[np.newaxis, :]      # (1, n)
    return a_sq + b_sq - 2.0 * A.dot(B.T)


def _vote(labels: List[int]) -> int:
    """Most frequent label; a tie goes to the smallest of the tied labels."""
    best_label, best_count = None, -1
    for label in sorted(set(labels)):
        count = labels.count(label)
        if count > best_count:          # strict: an equal count keeps the smaller label
            best_label, best_count = label, count
    return best_label


class KNearestNeighbor(object):
    """kNN classifier with the L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Memorise the training data.

        Inputs:
        - X: (num_train, D) array
        - y: (num_train,) array of labels
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: (num_test, D) array
        - k: number of neighbours voting
        - num_loops: 0, 1 or 2

        Returns:
        - y: (num_test,) array of predicted labels
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops out of range: %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: (num_test, D) array

        Returns:
        - dists: (num_test, num_train) array of L2 distances
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: dists[i, j] (no loop over D, no np.linalg.norm).            #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                dists[i, j] = np.sqrt(np.sum(np.power(X[i] - self.X_train[j], 2)))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        One loop over the test points; see compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: dists[i, :] (no np.linalg.norm).                              #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            sq = _squared_distances(X[i:i + 1], self.X_train)[0]
            dists[i, :] = np.sqrt(np.maximum(sq, 0.0))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        No loops; see compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all distances, no loops (no scipy, no np.linalg.norm).          #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        dists = np.sqrt(np.maximum(_squared_distances(X, self.X_train), 0.0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: (num_test, num_train) array

        Returns:
        - y: (num_test,) array of predicted labels
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # labels of the k closest training points
            closest_y = []
            #########################################################################
            # TODO: fill closest_y.                                                 #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            closest_y = [int(v) for v in self.y_train[np.argsort(dists[i])[:k]]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: majority vote into y_pred[i] (smaller label on ties).           #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            y_pred[i] = _vote(closest_y)

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
