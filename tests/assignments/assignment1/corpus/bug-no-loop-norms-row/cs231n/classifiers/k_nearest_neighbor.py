from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """Nearest-neighbour classifier; L2 distance, majority vote of k."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Save the training set.

        Inputs:
        - X: (num_train, D) float array
        - y: (num_train,) int array
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: (num_test, D) float array
        - k: vote size
        - num_loops: which compute_distances_* to use

        Returns:
        - y: (num_test,) int array
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops must be one of 0, 1, 2, not %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: (num_test, D)

        Returns:
        - dists: (num_test, num_train), Euclidean
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: Euclidean distance between X[i] and X_train[j].             #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                d = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(np.dot(d, d))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        Inputs / Returns: as compute_distances_two_loops (one loop over X).
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: row i of the distance matrix.                                 #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            dists[i] = np.sqrt(np.sum((X[i] - self.X_train) ** 2, axis=-1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        Inputs / Returns: as compute_distances_two_loops (no loops).
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: the whole matrix with array operations only.                    #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        gram = np.matmul(X, self.X_train.T)              # (num_test, num_train)
        te = (X * X).sum(-1)
        tr = (self.X_train * self.X_train).sum(-1)[None, :]
        dists = np.sqrt(np.maximum(te - 2.0 * gram + tr, 0.0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: (num_test, num_train)

        Returns:
        - y: (num_test,) int array
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=int)
        n_classes = int(self.y_train.max()) + 1
        for i in range(num_test):
            # labels of the k nearest training images
            closest_y = []
            #########################################################################
            # TODO: closest_y for test i.                                           #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # stable sort: equal distances keep the training order
            nearest = np.argsort(dists[i], kind='stable')[:k]
            closest_y = self.y_train[nearest]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: y_pred[i] by majority, smaller label on a tie.                  #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            counts = np.bincount(closest_y, minlength=n_classes)
            y_pred[i] = counts.argmax()

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
