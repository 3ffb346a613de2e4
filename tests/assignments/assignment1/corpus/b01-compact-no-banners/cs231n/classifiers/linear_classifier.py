import numpy as np
from .linear_svm import *
from .softmax import *


class LinearClassifier(object):
    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100,
              batch_size=200, verbose=False):
        """SGD; X (N, D), y (N,) -> list of losses."""
        num_train, dim = X.shape
        num_classes = np.max(y) + 1
        if self.W is None:
            self.W = 0.001 * np.random.randn(dim, num_classes)
        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            b = np.random.choice(num_train, batch_size)
            X_batch, y_batch = X[b], y[b]
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            self.W -= learning_rate * grad
            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))
        return loss_history

    def predict(self, X):
        """X (N, D) -> (N,) labels."""
        y_pred = np.zeros(X.shape[0])
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        y_pred = (X @ self.W).argmax(1)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """Subclasses."""
        pass


class LinearSVM(LinearClassifier):
    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
