from builtins import range
from builtins import object
import numpy as np
from past.builtins import xrange


class KNearestNeighbor(object):
    """kNN classifier with the L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Remember the training data (that is all kNN training does).

        Inputs:
        - X: (num_train, D) training rows.
        - y: (num_train,) labels, y[i] is the label of X[i].
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Predict a label for each test row.

        Inputs:
        - X: (num_test, D) test rows.
        - k: number of neighbours that vote.
        - num_loops: which distance routine to use (0, 1 or 2).

        Returns:
        - y: (num_test,) predicted labels.
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("Invalid value %d for num_loops" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Distances with a loop over test rows and a loop over training rows.

        Inputs:
        - X: (num_test, D) test rows.

        Returns:
        - dists: (num_test, num_train), dists[i, j] = L2 distance of X[i] and X_train[j].
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: L2 distance of test row i and training row j into            #
                # dists[i, j], without a loop over dimensions or np.linalg.norm().   #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                diff = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(diff.dot(diff))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        Distances with one loop, over the test rows.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: distances of test row i to every training row, into          #
            # dists[i, :]. No np.linalg.norm().                                   #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            delta = self.X_train - X[i, :]              # (num_train, D)
            dists[i, :] = np.sqrt(np.square(delta).sum(axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        Distances without Python loops.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all distances with basic array operations only (no loops, no  #
        # scipy, no np.linalg.norm()). One matrix product and two broadcast    #
        # sums are enough.                                                      #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        sq = np.square(X).sum(axis=1)[:, np.newaxis]          # (num_test, 1)
        sq = sq + np.square(self.X_train).sum(axis=1)         # (num_test, num_train)
        sq -= 2.0 * (X @ self.X_train.T)
        sq[sq < 0] = 0.0                                      # round-off below zero
        dists = np.sqrt(sq)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Vote among the k nearest training labels.

        Inputs:
        - dists: (num_test, num_train) distances.
        - k: number of voters.

        Returns:
        - y: (num_test,) predicted labels.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # labels of the k nearest neighbours of test row i
            closest_y = []
            #########################################################################
            # TODO: labels of the k nearest training rows of test row i, from      #
            # self.y_train, into closest_y.                                         #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            order = np.argsort(dists[i, :])
            closest_y = self.y_train[order[:k]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: the most common label of closest_y into y_pred[i]; a tie goes   #
            # to the smaller label.                                                 #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # np.unique sorts the labels, argmax keeps the first best count
            labels, counts = np.unique(closest_y, return_counts=True)
            y_pred[i] = labels[counts.argmax()]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
