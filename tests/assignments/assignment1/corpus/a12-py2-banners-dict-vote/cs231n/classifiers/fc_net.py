from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


class TwoLayerNet(object):
  """
  A two-layer fully-connected neural network with ReLU nonlinearity and
  softmax loss: affine - relu - affine - softmax.
  """

  def __init__(self, input_dim=3*32*32, hidden_dim=100, num_classes=10,
               weight_scale=1e-3, reg=0.0):
    """
    Initialize a new network.

    Inputs:
    - input_dim: An integer giving the size of the input
    - hidden_dim: An integer giving the size of the hidden layer
    - num_classes: An integer giving the number of classes to classify
    - weight_scale: Scalar giving the standard deviation for random
      initialization of the weights.
    - reg: Scalar giving L2 regularization strength.
    """
    self.params = {}
    self.reg = reg

    ############################################################################
    # TODO: Initialize the weights and biases of the two-layer net.           #
    ############################################################################
    self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
    self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
    self.params['b1'] = np.zeros((hidden_dim,))
    self.params['b2'] = np.zeros((num_classes,))
    ############################################################################
    #                             END OF YOUR CODE                             #
    ############################################################################

  def loss(self, X, y=None):
    """
    Compute loss and gradient for a minibatch of data.

    Inputs:
    - X: Array of input data of shape (N, d_1, ..., d_k)
    - y: Array of labels, of shape (N,). y[i] gives the label for X[i].

    Returns:
    If y is None, then run a test-time forward pass of the model and return:
    - scores: Array of shape (N, C) giving classification scores.

    If y is not None, return a tuple of:
    - loss: Scalar value giving the loss
    - grads: Dictionary with the same keys as self.params.
    """
    scores = None
    ############################################################################
    # TODO: Implement the forward pass for the two-layer net.                 #
    ############################################################################
    a1, fc1_cache = affine_forward(X, self.params['W1'], self.params['b1'])
    h1, relu_cache = relu_forward(a1)
    scores, fc2_cache = affine_forward(h1, self.params['W2'], self.params['b2'])
    ############################################################################
    #                             END OF YOUR CODE                             #
    ############################################################################

    # If y is None then we are in test mode so just return scores
    if y is None:
      return scores

    loss, grads = 0, {}
    ############################################################################
    # TODO: Implement the backward pass for the two-layer net (0.5 * reg L2).  #
    ############################################################################
    loss, dscores = softmax_loss(scores, y)
    W1, W2 = self.params['W1'], self.params['W2']
    loss += 0.5 * self.reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

    dh1, dW2, db2 = affine_backward(dscores, fc2_cache)
    da1 = relu_backward(dh1, relu_cache)
    dX, dW1, db1 = affine_backward(da1, fc1_cache)

    grads['W1'] = dW1 + self.reg * W1
    grads['b1'] = db1
    grads['W2'] = dW2 + self.reg * W2
    grads['b2'] = db2
    ############################################################################
    #                             END OF YOUR CODE                             #
    ############################################################################

    return loss, grads
