import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """W (D, C), X (N, D), y (N,), reg -> (loss, dW)."""
    loss = 0.0
    dW = np.zeros_like(W)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N = X.shape[0]
    for i in range(N):
        s = X[i] @ W
        p = np.exp(s - s.max())
        p /= p.sum()
        loss -= np.log(p[y[i]])
        p[y[i]] -= 1
        dW += np.outer(X[i], p)
    loss = loss / N + reg * (W * W).sum()
    dW = dW / N + 2 * reg * W
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """Same as softmax_loss_naive, no loops."""
    loss = 0.0
    dW = np.zeros_like(W)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, r = len(y), np.arange(len(y))
    S = X @ W
    P = np.exp(S - S.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    loss = -np.log(P[r, y]).mean() + reg * (W * W).sum()
    P[r, y] -= 1
    dW = X.T @ P / N + 2 * reg * W
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dW
