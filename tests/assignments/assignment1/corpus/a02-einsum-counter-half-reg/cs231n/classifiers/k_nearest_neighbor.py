from builtins import range
from builtins import object
from collections import Counter

import numpy as np


class KNearestNeighbor(object):
    """kNN classifier, L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Remember the training set.

        Inputs:
        - X: (num_train, D) training data
        - y: (num_train,) labels, y[i] for X[i]
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: (num_test, D) test data
        - k: number of voting neighbours
        - num_loops: 0, 1 or 2 (which distance function)

        Returns:
        - y: (num_test,) predicted labels
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("unsupported num_loops: %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: (num_test, D) test data

        Returns:
        - dists: (num_test, num_train), dists[i, j] = L2 distance between
          test row i and training row j
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: dists[i, j] = L2 distance of test i and train j.            #
                # No loop over dimensions, no np.linalg.norm().                     #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                diff = X[i, :] - self.X_train[j, :]
                dists[i, j] = np.sqrt(diff.dot(diff))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        One loop over the test rows. Same inputs/outputs as the two-loop one.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: row i of dists, no np.linalg.norm().                          #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            diff = self.X_train - X[i]                  # (num_train, D)
            dists[i] = np.sqrt(np.einsum('ij,ij->i', diff, diff))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        No loops. Same inputs/outputs as the two-loop one.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: every distance at once, without loops, scipy or                 #
        # np.linalg.norm(). Hint: a matrix product and two broadcast sums.      #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # row norms with einsum (no temporary X**2 array)
        te_norm2 = np.einsum('ij,ij->i', X, X)
        tr_norm2 = np.einsum('ij,ij->i', self.X_train, self.X_train)
        sq = te_norm2[:, None] + tr_norm2[None, :] - 2.0 * (X @ self.X_train.T)
        sq[sq < 0] = 0.0    # round-off can give -1e-12 for equal rows
        dists = np.sqrt(sq)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: (num_test, num_train) distances

        Returns:
        - y: (num_test,) predicted labels
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # labels of the k nearest neighbours
            closest_y = []
            #########################################################################
            # TODO: the k nearest training rows of test i; their labels go in       #
            # closest_y.                                                            #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            knn_idx = np.argsort(dists[i])[:k]
            closest_y = self.y_train[knn_idx].tolist()

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: most frequent label in closest_y into y_pred[i]; on a tie take  #
            # the smaller label.                                                    #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # most_common() would keep insertion order on ties (nearest first),
            # so pick the smallest label among those with the top count instead
            counts = Counter(closest_y)
            top = max(counts.values())
            y_pred[i] = min(lab for lab, c in counts.items() if c == top)

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
