from builtins import range
import numpy as np


def affine_forward(x, w, b):
  """
  Computes the forward pass for an affine (fully-connected) layer.

  Inputs:
  - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
  - w: A numpy array of weights, of shape (D, M)
  - b: A numpy array of biases, of shape (M,)

  Returns a tuple of:
  - out: output, of shape (N, M)
  - cache: (x, w, b)
  """
  out = None
  ###########################################################################
  # TODO: Implement the affine forward pass. Store the result in out.       #
  ###########################################################################
  num_inputs = x.shape[0]
  out = x.reshape(num_inputs, -1).dot(w) + b
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  cache = (x, w, b)
  return out, cache


def affine_backward(dout, cache):
  """
  Computes the backward pass for an affine layer.

  Inputs:
  - dout: Upstream derivative, of shape (N, M)
  - cache: Tuple of (x, w, b)

  Returns a tuple of:
  - dx: Gradient with respect to x, of shape (N, d1, ..., d_k)
  - dw: Gradient with respect to w, of shape (D, M)
  - db: Gradient with respect to b, of shape (M,)
  """
  x, w, b = cache
  dx, dw, db = None, None, None
  ###########################################################################
  # TODO: Implement the affine backward pass.                               #
  ###########################################################################
  num_inputs = x.shape[0]
  dx = dout.dot(w.T).reshape(x.shape)
  dw = x.reshape(num_inputs, -1).T.dot(dout)
  db = np.sum(dout, axis=0)
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  return dx, dw, db


def relu_forward(x):
  """
  Computes the forward pass for a layer of rectified linear units (ReLUs).

  Input:
  - x: Inputs, of any shape

  Returns a tuple of:
  - out: Output, of the same shape as x
  - cache: x
  """
  out = None
  ###########################################################################
  # TODO: Implement the ReLU forward pass.                                  #
  ###########################################################################
  out = np.maximum(0, x)
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  cache = x
  return out, cache


def relu_backward(dout, cache):
  """
  Computes the backward pass for a layer of rectified linear units (ReLUs).

  Input:
  - dout: Upstream derivatives, of any shape
  - cache: Input x, of same shape as dout

  Returns:
  - dx: Gradient with respect to x
  """
  dx, x = None, cache
  ###########################################################################
  # TODO: Implement the ReLU backward pass.                                 #
  ###########################################################################
  dx = dout * (x > 0)
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  return dx


def svm_loss(x, y):
  """
  Computes the loss and gradient using for multiclass SVM classification.

  Inputs:
  - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
    class for the ith input.
  - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
    0 <= y[i] < C

  Returns a tuple of:
  - loss: Scalar giving the loss
  - dx: Gradient of the loss with respect to x
  """
  loss, dx = None, None
  ###########################################################################
  # TODO: Implement the loss and gradient for multiclass SVM classification.#
  ###########################################################################
  N = x.shape[0]
  correct_class_scores = x[np.arange(N), y]
  margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
  margins[np.arange(N), y] = 0
  loss = np.sum(margins) / N
  num_pos = np.sum(margins > 0, axis=1)
  dx = np.zeros_like(x)
  dx[margins > 0] = 1
  dx[np.arange(N), y] -= num_pos
  dx /= N
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  return loss, dx


def softmax_loss(x, y):
  """
  Computes the loss and gradient for softmax classification.

  Inputs:
  - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
    class for the ith input.
  - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
    0 <= y[i] < C

  Returns a tuple of:
  - loss: Scalar giving the loss
  - dx: Gradient of the loss with respect to x
  """
  loss, dx = None, None
  ###########################################################################
  # TODO: Implement the loss and gradient for softmax classification.       #
  ###########################################################################
  N = x.shape[0]
  shifted_logits = x - np.max(x, axis=1, keepdims=True)
  Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
  log_probs = shifted_logits - np.log(Z)
  probs = np.exp(log_probs)
  loss = -np.sum(log_probs[np.arange(N), y]) / N
  dx = probs.copy()
  dx[np.arange(N), y] -= 1
  dx /= N
  ###########################################################################
  #                             END OF YOUR CODE                            #
  ###########################################################################
  return loss, dx
