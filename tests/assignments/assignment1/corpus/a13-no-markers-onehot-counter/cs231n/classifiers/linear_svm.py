import numpy as np


def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    Inputs:
    - W: (D, C) weights.
    - X: (N, D) minibatch of data.
    - y: (N,) labels; y[i] = c means X[i] has label c, 0 <= c < C.
    - reg: (float) regularization strength.

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    # compute the loss and the gradient
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        violations = 0
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                violations += 1
                dW[:, j] += X[i]
        dW[:, y[i]] -= violations * X[i]

    # Right now the loss is a sum over all training examples, but we want it
    # to be an average instead so we divide by num_train.
    loss /= num_train

    # Add regularization to the loss.
    loss += reg * np.sum(W * W)

    # TODO: compute the gradient of the loss function and store it in dW
    # (the loop above was changed to build it).
    dW = dW / num_train + 2.0 * reg * W

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    # TODO: the structured SVM loss without loops, into loss.
    n = X.shape[0]
    scores = np.matmul(X, W)
    is_true = np.zeros_like(scores, dtype=bool)
    is_true[np.arange(n), y] = True
    true_score = scores[is_true]                           # (n,), row order
    hinge = np.clip(scores - true_score[:, None] + 1.0, 0.0, None)
    hinge[is_true] = 0.0
    loss = hinge.sum() / n + reg * (W ** 2).sum()

    # TODO: the gradient without loops, into dW.
    active = (hinge > 0).astype(float)
    active[is_true] = -active.sum(axis=1)
    dW = np.matmul(X.T, active) / n + 2.0 * reg * W

    return loss, dW
