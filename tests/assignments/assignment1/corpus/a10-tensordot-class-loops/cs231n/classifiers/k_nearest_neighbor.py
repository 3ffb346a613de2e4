from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """ nearest neighbours by L2 distance, majority vote """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        kNN has nothing to fit: keep X (num_train, D) and y (num_train,).
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Predicted labels (num_test,) for X (num_test, D), k voters,
        distances computed with num_loops explicit loops (0, 1 or 2).
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("no distance routine with %d loops" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        dists (num_test, num_train) of Euclidean distances, for X (num_test, D).
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: dists[i, j]                                                 #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                dists[i, j] = np.sqrt(((X[i] - self.X_train[j]) ** 2).sum())

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        Same as the two-loop version with a single loop.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: dists[i, :]                                                   #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            dists[i, :] = np.sqrt(np.square(X[i] - self.X_train).sum(axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        Same as the two-loop version, without loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: dists without loops                                             #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        cross = np.tensordot(X, self.X_train, axes=([1], [1]))    # (num_test, num_train)
        test_norm = np.square(X).sum(axis=1).reshape(num_test, 1)
        train_norm = np.square(self.X_train).sum(axis=1).reshape(1, num_train)
        dists = test_norm + train_norm - 2 * cross
        dists[dists < 0] = 0
        dists = np.sqrt(dists)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Majority label of the k nearest training points, for every row of
        dists (num_test, num_train). Returns y_pred (num_test,).
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # the k neighbours' labels
            closest_y = []
            #########################################################################
            # TODO: closest_y                                                       #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            ranked = sorted(range(dists.shape[1]), key=lambda j: dists[i, j])
            closest_y = [self.y_train[j] for j in ranked[:k]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: y_pred[i]                                                       #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # key: more votes first, then the smaller label (hence -label)
            y_pred[i] = max(set(closest_y), key=lambda lab: (closest_y.count(lab), -lab))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
