from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """ kNN classifier: memorise, measure L2 distances, vote """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Store the training data; nothing is learned.

        Inputs:
        - X: numpy array (num_train, D)
        - y: numpy array (num_train,)
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: numpy array (num_test, D)
        - k: number of neighbours in the vote
        - num_loops: distance implementation (0, 1 or 2 loops)

        Returns:
        - y: numpy array (num_test,)
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops should be 0, 1 or 2 (got %d)" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: numpy array (num_test, D)

        Returns:
        - dists: numpy array (num_test, num_train) of Euclidean distances
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO:                                                             #
                # Euclidean distance between the ith test and jth train point.      #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                # sqrt(sum_k (x_k - t_k)^2), vectorised over the D pixels
                pixel_diff = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(np.sum(pixel_diff * pixel_diff))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        As compute_distances_two_loops with one loop over the test data.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO:                                                               #
            # distances from the ith test point to every training point.          #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # X[i] is broadcast against each of the num_train rows
            pixel_diff = self.X_train - X[i]
            dists[i, :] = np.sqrt(np.sum(pixel_diff * pixel_diff, axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        As compute_distances_two_loops without any loop.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO:                                                                 #
        # all distances with no explicit loop.                                  #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # ||x - t||^2 = x.x - 2 x.t + t.t
        #   x.x : one value per test row   -> column (num_test, 1)
        #   t.t : one value per train row  -> row    (1, num_train)
        #   x.t : all pairs at once        -> X X_train^T
        x_dot_x = np.sum(X * X, axis=1).reshape(num_test, 1)
        t_dot_t = np.sum(self.X_train * self.X_train, axis=1).reshape(1, num_train)
        x_dot_t = np.dot(X, self.X_train.T)
        squared = x_dot_x - 2 * x_dot_t + t_dot_t
        # floating point can leave -1e-9 where the true value is 0
        dists = np.sqrt(np.maximum(squared, 0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: numpy array (num_test, num_train)

        Returns:
        - y: numpy array (num_test,)
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # labels of the k training points closest to test point i
            closest_y = []
            #########################################################################
            # TODO:                                                                 #
            # labels of the k nearest neighbours of test point i.                   #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            sorted_train = np.argsort(dists[i])
            closest_y = list(self.y_train[sorted_train[:k]])

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO:                                                                 #
            # the most common label among closest_y (smaller label on ties).        #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # count every label that appears; walking the labels in increasing
            # order and keeping only strictly better counts gives the smaller
            # label on a tie
            best_label, best_votes = -1, 0
            for label in np.unique(closest_y):
                votes = closest_y.count(label)
                if votes > best_votes:
                    best_label, best_votes = label, votes
            y_pred[i] = best_label

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
