from collections import Counter

import numpy as np


class KNearestNeighbor(object):
    """kNN (L2)."""

    def __init__(self):
        pass

    def train(self, X, y):
        """X: (num_train, D), y: (num_train,)."""
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """X: (num_test, D) -> (num_test,) labels."""
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops=%d is not supported" % num_loops)
        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """X: (num_test, D) -> dists (num_test, num_train)."""
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
                dists[i, j] = np.sqrt(np.sum(np.square(X[i] - self.X_train[j])))
                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """X: (num_test, D) -> dists (num_test, num_train)."""
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            dists[i] = np.sqrt(np.square(self.X_train - X[i]).sum(1))
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """X: (num_test, D) -> dists (num_test, num_train)."""
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        sq = lambda A: np.square(A).sum(1)
        dists = np.sqrt(np.maximum(sq(X)[:, None] + sq(self.X_train) - 2 * X @ self.X_train.T, 0))
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """dists: (num_test, num_train) -> y_pred (num_test,)."""
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            closest_y = []
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            closest_y = self.y_train[dists[i].argsort()[:k]]
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            y_pred[i] = Counter(closest_y).most_common(1)[0][0]
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred
