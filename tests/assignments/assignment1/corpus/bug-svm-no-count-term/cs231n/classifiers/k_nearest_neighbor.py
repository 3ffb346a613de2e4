from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """ kNN, L2 distance """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Inputs:
        - X: training data, (num_train, D)
        - y: training labels, (num_train,)
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: test data, (num_test, D)
        - k: size of the vote
        - num_loops: 0, 1 or 2

        Returns:
        - y: predictions, (num_test,)
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("unknown num_loops %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: test data, (num_test, D)

        Returns:
        - dists: (num_test, num_train); dists[i, j] is the L2 distance
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: dists[i, j].                                                #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                dists[i, j] = np.sqrt(np.square(X[i, :] - self.X_train[j, :]).sum())

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        One loop; same as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: dists[i, :].                                                  #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            dists[i, :] = np.sqrt(np.square(self.X_train - X[i, :]).sum(axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        No loops; same as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all of dists at once.                                           #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        sq = -2.0 * X.dot(self.X_train.T)
        sq += np.sum(X ** 2, axis=1, keepdims=True)
        sq += np.sum(self.X_train ** 2, axis=1)
        dists = np.sqrt(np.where(sq > 0, sq, 0.0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: (num_test, num_train)

        Returns:
        - y: (num_test,)
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # k nearest labels
            closest_y = []
            #########################################################################
            # TODO: closest_y.                                                      #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            order = dists[i].argsort()
            closest_y = [self.y_train[t] for t in order[:k]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: y_pred[i] = majority label (smaller one on a tie).              #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            votes = np.array(closest_y)
            candidates = np.unique(votes)                      # ascending
            counts = np.array([(votes == c).sum() for c in candidates])
            y_pred[i] = candidates[counts == counts.max()].min()

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
