from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def softmax_loss_naive(W, X, y, reg):
  """
  Softmax loss function, naive implementation (with loops)

  Inputs:
  - W: A numpy array of shape (D, C) containing weights.
  - X: A numpy array of shape (N, D) containing a minibatch of data.
  - y: A numpy array of shape (N,) containing training labels.
  - reg: (float) regularization strength

  Returns a tuple of:
  - loss as single float
  - gradient with respect to weights W; an array of same shape as W
  """
  # Initialize the loss and gradient to zero.
  loss = 0.0
  dW = np.zeros_like(W)

  #############################################################################
  # TODO: Compute the softmax loss and its gradient using explicit loops.     #
  # Store the loss in loss and the gradient in dW. Here I use the 0.5 * reg   #
  # convention for the L2 term, so its gradient is reg * W.                  #
  #############################################################################
  num_train = X.shape[0]
  num_classes = W.shape[1]
  for i in xrange(num_train):
    f = X[i].dot(W)
    f = f - np.max(f)
    exp_f = np.exp(f)
    total = np.sum(exp_f)
    loss += -f[y[i]] + np.log(total)
    for j in xrange(num_classes):
      p_j = exp_f[j] / total
      if j == y[i]:
        dW[:, j] += (p_j - 1) * X[i]
      else:
        dW[:, j] += p_j * X[i]

  loss /= num_train
  dW /= num_train
  loss += 0.5 * reg * np.sum(W * W)
  dW += reg * W
  #############################################################################
  #                          END OF YOUR CODE                                 #
  #############################################################################

  return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
  """
  Softmax loss function, vectorized version.

  Inputs and outputs are the same as softmax_loss_naive.
  """
  # Initialize the loss and gradient to zero.
  loss = 0.0
  dW = np.zeros_like(W)

  #############################################################################
  # TODO: Compute the softmax loss and its gradient using no explicit loops.  #
  # Same 0.5 * reg convention as the naive version.                           #
  #############################################################################
  num_train = X.shape[0]
  f = X.dot(W)
  f -= np.max(f, axis=1)[:, np.newaxis]
  exp_f = np.exp(f)
  p = exp_f / np.sum(exp_f, axis=1)[:, np.newaxis]
  loss = np.sum(-np.log(p[np.arange(num_train), y])) / num_train
  loss += 0.5 * reg * np.sum(W * W)

  p[np.arange(num_train), y] -= 1
  dW = X.T.dot(p) / num_train
  dW += reg * W
  #############################################################################
  #                          END OF YOUR CODE                                 #
  #############################################################################

  return loss, dW
