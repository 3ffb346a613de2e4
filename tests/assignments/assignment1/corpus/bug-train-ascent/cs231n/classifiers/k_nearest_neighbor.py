from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """kNN with Euclidean distance"""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Store the training set (that is all kNN training does).

        Inputs:
        - X: (num_train, D)
        - y: (num_train,) integer labels
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Inputs:
        - X: (num_test, D)
        - k: neighbours per vote
        - num_loops: distance implementation, 0 / 1 / 2

        Returns:
        - y: (num_test,) labels
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("bad num_loops %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Inputs:
        - X: (num_test, D)

        Returns:
        - dists: (num_test, num_train) Euclidean distances
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: L2 distance of test i and train j into dists[i, j];         #
                # no loop over D, no np.linalg.norm().                              #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                dists[i][j] = np.sum((X[i] - self.X_train[j]) ** 2) ** 0.5

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        One loop over test rows; same in/out as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: fill dists[i, :] (no np.linalg.norm()).                       #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            d = self.X_train - X[i, np.newaxis, :]
            dists[i, :] = np.sum(d * d, axis=-1) ** 0.5

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        Fully vectorised; same in/out as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: all distances, no loops, no scipy, no np.linalg.norm().         #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # outer sum of the squared norms gives ||x_i||^2 + ||t_j||^2 for every pair
        norms = np.add.outer((X * X).sum(axis=1), (self.X_train * self.X_train).sum(axis=1))
        sq = norms - 2 * (X @ self.X_train.T)
        dists = np.sqrt(np.maximum(sq, 0.0))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        Inputs:
        - dists: (num_test, num_train)

        Returns:
        - y: (num_test,) predicted labels
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=np.int64)
        for i in range(num_test):
            # labels of the k nearest neighbours of test i
            closest_y = []
            #########################################################################
            # TODO: labels of the k nearest training points into closest_y.        #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # argpartition puts the k smallest first (in some order); no full sort
            nn = np.argpartition(dists[i], k - 1)[:k]
            closest_y = [int(lbl) for lbl in self.y_train[nn]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: majority label into y_pred[i], smaller label wins ties.         #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            tally = {}
            for lbl in closest_y:
                tally[lbl] = tally.get(lbl, 0) + 1
            # highest count first, then smallest label
            y_pred[i] = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
