import numpy as np


def svm_loss_naive(W, X, y, reg):
    """W (D, C), X (N, D), y (N,), reg -> (loss, dW)."""
    dW = np.zeros(W.shape)
    C, N = W.shape[1], X.shape[0]
    loss = 0.0
    for i in range(N):
        s = X[i].dot(W)
        for j in range(C):
            if j == y[i]:
                continue
            m = s[j] - s[y[i]] + 1
            if m > 0:
                loss += m
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= N
    loss += reg * np.sum(W * W)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    dW = dW / N + 2 * reg * W
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """Same as svm_loss_naive, no loops."""
    loss = 0.0
    dW = np.zeros(W.shape)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, r = len(y), np.arange(len(y))
    S = X @ W
    M = np.maximum(0, S - S[r, y, None] + 1)
    M[r, y] = 0
    loss = M.sum() / N + reg * (W * W).sum()
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    G = (M > 0).astype(float)
    G[r, y] = -G.sum(1)
    dW = X.T @ G / N + 2 * reg * W
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dW
