import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss function, naive implementation (with loops).

    Inputs:
    - W: (D, C) weights.
    - X: (N, D) minibatch of data.
    - y: (N,) labels; 0 <= y[i] < C.
    - reg: (float) regularization strength.

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    # compute the loss and the gradient
    num_classes = W.shape[1]
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)

        # compute the probabilities in numerically stable way
        scores -= np.max(scores)
        p = np.exp(scores)
        p /= p.sum()  # normalize

        loss -= np.log(p[y[i]])  # negative log probability is the loss

        # TODO: the gradient, in the same loop.
        for j in range(num_classes):
            target = 1.0 if j == y[i] else 0.0
            dW[:, j] += (p[j] - target) * X[i]

    # mean over the batch plus regularization
    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    # TODO: the softmax loss and its gradient without explicit loops.
    n, c = X.shape[0], W.shape[1]
    logits = np.matmul(X, W)
    logits = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    probs = probs / probs.sum(axis=1, keepdims=True)
    onehot = np.eye(c)[y]                                  # (n, c)
    loss = -np.mean(np.log(probs[np.arange(n), y])) + reg * np.sum(W * W)
    dW = np.matmul(X.T, probs - onehot) / n + 2 * reg * W

    return loss, dW
