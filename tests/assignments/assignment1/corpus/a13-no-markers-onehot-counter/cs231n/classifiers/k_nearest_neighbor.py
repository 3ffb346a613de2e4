from collections import Counter

import numpy as np


class KNearestNeighbor:
    """A kNN classifier with L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Train the classifier: for kNN this only memorises the training data.

        Inputs:
        - X: (num_train, D) training data.
        - y: (num_train,) training labels.
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Predict labels for test data.

        Inputs:
        - X: (num_test, D) test data.
        - k: number of nearest neighbours that vote.
        - num_loops: which distance implementation to use.

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
        Distances with a nested loop over test and training data.

        Inputs:
        - X: (num_test, D) test data.

        Returns:
        - dists: (num_test, num_train); dists[i, j] is the Euclidean distance
          between the ith test point and the jth training point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                # TODO: the l2 distance between the ith test point and the jth
                # training point into dists[i, j]. No loop over dimensions and
                # no np.linalg.norm().
                d = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(np.inner(d, d))
        return dists

    def compute_distances_one_loop(self, X):
        """
        Distances with one loop over the test data.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            # TODO: the l2 distances between the ith test point and all
            # training points into dists[i, :]. No np.linalg.norm().
            d = self.X_train - X[i][np.newaxis, :]
            dists[i] = np.sqrt(np.einsum("jd,jd->j", d, d))
        return dists

    def compute_distances_no_loops(self, X):
        """
        Distances without explicit loops.

        Inputs/Returns: as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        # TODO: all distances without loops, using basic array operations
        # (no scipy, no np.linalg.norm()).
        # |x - t|^2 = |x|^2 - 2 x.t + |t|^2
        x_sq = np.einsum("id,id->i", X, X)
        t_sq = np.einsum("jd,jd->j", self.X_train, self.X_train)
        d2 = x_sq[:, None] - 2.0 * np.matmul(X, self.X_train.T) + t_sq[None, :]
        dists = np.sqrt(np.clip(d2, 0.0, None))
        return dists

    def predict_labels(self, dists, k=1):
        """
        Predict a label for each test point from its k nearest neighbours.

        Inputs:
        - dists: (num_test, num_train) distances.
        - k: number of voters.

        Returns:
        - y: (num_test,) predicted labels.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=int)
        for i in range(num_test):
            # A list of length k storing the labels of the k nearest neighbors
            # to the ith test point.
            closest_y = []
            # TODO: labels of the k nearest training points into closest_y.
            nearest = np.argpartition(dists[i], k - 1)[:k] if k < dists.shape[1] else np.arange(dists.shape[1])
            closest_y = [int(self.y_train[j]) for j in nearest]
            # TODO: the most common label into y_pred[i]; ties go to the
            # smaller label.
            tally = Counter(closest_y)
            y_pred[i] = min(tally, key=lambda label: (-tally[label], label))
        return y_pred
