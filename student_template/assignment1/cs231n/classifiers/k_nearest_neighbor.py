"""A k-nearest-neighbour classifier with the L2 (Euclidean) distance."""

import numpy as np


class KNearestNeighbor:
    """k-nearest-neighbour classifier: labels a point by a vote of the k closest
    training points."""

    def __init__(self):
        pass

    def train(self, X, y):
        """Remember the training data; that is all the training kNN needs.

        Inputs:
        - X: training data, shape (num_train, D), one example per row
        - y: training labels, shape (num_train,); y[i] is the label of X[i]
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """Predict labels for test data.

        Inputs:
        - X: test data, shape (num_test, D)
        - k: number of neighbours that vote
        - num_loops: which distance implementation to use: 0, 1 or 2 Python loops

        Returns:
        - y: predicted labels, shape (num_test,); y[i] is the label of X[i]

        Raises ValueError for any other num_loops.
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
        """L2 distance between every test point and every training point, with a
        loop over the test points and one over the training points.

        Inputs:
        - X: test data, shape (num_test, D)

        Returns:
        - dists: shape (num_test, num_train); dists[i, j] is the Euclidean distance
          between the ith test point and the jth training point
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                ###############################################################
                # TODO: Store in dists[i, j] the L2 distance between the ith  #
                # test point and the jth training point. Do not loop over the #
                # dimensions and do not use np.linalg.norm().                 #
                ###############################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
                pass
                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
                ###############################################################
                #                       END OF YOUR CODE                      #
                ###############################################################
        return dists

    def compute_distances_one_loop(self, X):
        """L2 distances as compute_distances_two_loops, with one loop over the test
        points.

        Inputs:
        - X: test data, shape (num_test, D)

        Returns:
        - dists: shape (num_test, num_train), as compute_distances_two_loops
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            ###################################################################
            # TODO: Fill the row dists[i, :] with the distances from the ith  #
            # test point to all training points at once (broadcasting). Do    #
            # not use np.linalg.norm().                                       #
            ###################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            pass
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            ###################################################################
            #                         END OF YOUR CODE                        #
            ###################################################################
        return dists

    def compute_distances_no_loops(self, X):
        """L2 distances as compute_distances_two_loops, without any Python loop.

        Inputs:
        - X: test data, shape (num_test, D)

        Returns:
        - dists: shape (num_test, num_train), as compute_distances_two_loops
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #######################################################################
        # TODO: Compute all the distances without an explicit loop, using     #
        # only basic array operations (no scipy, no np.linalg.norm()).        #
        # Hint: expand the squared distance ||a - b||^2 into ||a||^2 + ||b||^2#
        # - 2 a.b; one matrix product and two broadcast sums are enough.      #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
        return dists

    def predict_labels(self, dists, k=1):
        """Predict a label for each test point from its distances to the training
        points.

        Inputs:
        - dists: shape (num_test, num_train); dists[i, j] is the distance between
          the ith test point and the jth training point
        - k: number of neighbours that vote

        Returns:
        - y_pred: predicted labels, shape (num_test,). When several labels get the
          most votes, the smallest of them wins.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # The labels of the k training points nearest to the ith test point.
            closest_y = []
            ###################################################################
            # TODO: Find the k nearest training points of the ith test point  #
            # (np.argsort may help) and put their labels, read from           #
            # self.y_train, into closest_y.                                   #
            ###################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            pass
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            ###################################################################
            # TODO: Store in y_pred[i] the label that occurs most often in    #
            # closest_y. A tie between labels goes to the smaller label.      #
            ###################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            pass
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            ###################################################################
            #                         END OF YOUR CODE                        #
            ###################################################################

        return y_pred
