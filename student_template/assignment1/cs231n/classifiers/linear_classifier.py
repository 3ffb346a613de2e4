"""Linear classifiers trained by minibatch stochastic gradient descent."""

import numpy as np

from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized


class LinearClassifier:
    """A linear classifier: scores = X.dot(W), one column of W per class.

    Subclasses choose the loss by overriding loss().
    """

    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100,
              batch_size=200, verbose=False):
        """Train the classifier with stochastic gradient descent.

        On the first call W is drawn as 0.001 * randn(D, C); later calls go on from
        the current W.

        Inputs:
        - X: training data, shape (N, D)
        - y: training labels, shape (N,); y[i] = c means that X[i] has label c,
          0 <= c < C
        - learning_rate: step size of each update
        - reg: regularization strength
        - num_iters: number of updates
        - batch_size: examples per update
        - verbose: print the loss every 100 iterations

        Returns:
        - loss_history: list of the num_iters minibatch losses, in order
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1  # labels are 0, ..., C - 1
        if self.W is None:
            # small random initial weights
            self.W = 0.001 * np.random.randn(dim, num_classes)

        # Stochastic gradient descent.
        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            ###################################################################
            # TODO: Draw batch_size examples and their labels at random from  #
            # the training data into X_batch, shape (batch_size, dim), and    #
            # y_batch, shape (batch_size,). Drawing with replacement is fine  #
            # (np.random.choice).                                             #
            ###################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            pass
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            ###################################################################
            #                         END OF YOUR CODE                        #
            ###################################################################

            # loss and gradient of the minibatch
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            ###################################################################
            # TODO: Update the weights self.W with the gradient and the       #
            # learning rate.                                                  #
            ###################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            pass
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            ###################################################################
            #                         END OF YOUR CODE                        #
            ###################################################################

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """Predict labels with the trained weights.

        Inputs:
        - X: data, shape (N, D)

        Returns:
        - y_pred: predicted labels, shape (N,), integers; y_pred[i] is the class
          with the highest score for X[i]
        """
        y_pred = np.zeros(X.shape[0])
        #######################################################################
        # TODO: Store the predicted labels in y_pred.                         #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """Loss and gradient of a minibatch; subclasses override this.

        Inputs:
        - X_batch: minibatch of data, shape (N, D)
        - y_batch: labels, shape (N,)
        - reg: regularization strength (a float)

        Returns a tuple of:
        - loss: a float
        - grad: gradient w.r.t. self.W, shape of W
        """
        pass


class LinearSVM(LinearClassifier):
    """A linear classifier with the multiclass SVM loss."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """A linear classifier with the softmax (cross-entropy) loss."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
