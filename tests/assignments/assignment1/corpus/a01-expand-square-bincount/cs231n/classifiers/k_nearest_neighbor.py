from builtins import range
from builtins import object
import numpy as np
from past.builtins import xrange


class KNearestNeighbor(object):
    """ k-nearest-neighbour classifier, Euclidean distance """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        "Training" a kNN model only stores the data.

        Inputs:
        - X: training rows, shape (num_train, D).
        - y: labels, shape (num_train,); y[i] belongs to X[i].
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Labels for the rows of X.

        Inputs:
        - X: test rows, shape (num_test, D).
        - k: how many neighbours vote.
        - num_loops: 0, 1 or 2, picks the distance routine.

        Returns:
        - y: predicted labels, shape (num_test,).
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops must be 0, 1 or 2, got %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        L2 distances, one (test, train) pair per inner iteration.

        Inputs:
        - X: test rows, shape (num_test, D).

        Returns:
        - dists: shape (num_test, num_train); dists[i, j] = ||X[i] - X_train[j]||.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO:                                                             #
                # l2 distance between test point i and training point j, stored in  #
                # dists[i, j]. No loop over the dimension, no np.linalg.norm().     #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        L2 distances with one loop, over the test rows only.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO:                                                               #
            # distances from test point i to all training points -> dists[i, :].  #
            # Do not use np.linalg.norm().                                        #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            dists[i, :] = np.sqrt(np.sum((self.X_train - X[i]) ** 2, axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        L2 distances with no python loop.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO:                                                                 #
        # all distances without any python loop, using only basic array ops     #
        # (no scipy, no np.linalg.norm()).                                      #
        # HINT: one matrix multiplication and two broadcast sums.               #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b
        test_sq = np.sum(X ** 2, axis=1).reshape(-1, 1)              # (num_test, 1)
        train_sq = np.sum(self.X_train ** 2, axis=1).reshape(1, -1)  # (1, num_train)
        cross = X.dot(self.X_train.T)                                # (num_test, num_train)
        # clip tiny negatives from round-off before the sqrt
        dists = np.sqrt(np.maximum(test_sq + train_sq - 2 * cross, 0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Majority vote of the k nearest training labels.

        Inputs:
        - dists: shape (num_test, num_train), as returned above.
        - k: number of voters.

        Returns:
        - y: shape (num_test,); y[i] is the label predicted for test row i.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # labels of the k neighbours of test row i
            closest_y = []
            #########################################################################
            # TODO:                                                                 #
            # find the k nearest training points of test point i and put their     #
            # labels (from self.y_train) into closest_y.                            #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            nearest = np.argsort(dists[i])[:k]
            closest_y = list(self.y_train[nearest])

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO:                                                                 #
            # most common label in closest_y -> y_pred[i]; ties go to the smaller  #
            # label.                                                                #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # bincount is indexed by label and argmax returns the first maximum,
            # so a tie is won by the smallest label
            votes = np.bincount(closest_y)
            y_pred[i] = np.argmax(votes)

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
