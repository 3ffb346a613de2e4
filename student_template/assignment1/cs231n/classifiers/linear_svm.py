"""The multiclass SVM (structured hinge) loss of a linear classifier."""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """Multiclass SVM loss and gradient, with explicit loops.

    For scores s = X[i].dot(W) the loss of example i is
    sum over j != y[i] of max(0, s[j] - s[y[i]] + 1). The data loss is the mean of
    these over the minibatch; the regularization adds reg * sum(W * W).

    Inputs:
    - W: weights, shape (D, C)
    - X: minibatch of data, shape (N, D)
    - y: labels, shape (N,); y[i] = c means that X[i] has label c, 0 <= c < C
    - reg: regularization strength (a float)

    Returns a tuple of:
    - loss: a float
    - dW: gradient of the loss w.r.t. W, shape (D, C)
    """
    dW = np.zeros(W.shape)  # the gradient starts at zero

    # Loss and gradient, one example and one class at a time.
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # the margin delta is 1
            if margin > 0:
                loss += margin
                ###############################################################
                # TODO: This margin is active: add its contribution to dW.    #
                # It raises the score of class j and lowers the score of the  #
                # correct class.                                              #
                ###############################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
                pass
                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
                ###############################################################
                #                       END OF YOUR CODE                      #
                ###############################################################

    # The data loss is a mean over the minibatch.
    loss /= num_train

    # Regularization.
    loss += reg * np.sum(W * W)

    ###########################################################################
    # TODO: Finish the gradient: average the data part over the minibatch,    #
    # as the loss is averaged, and add the gradient of the regularization     #
    # term reg * sum(W * W).                                                  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """Multiclass SVM loss and gradient, without loops over examples or classes.

    Inputs and outputs are the same as for svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # the gradient starts at zero

    ###########################################################################
    # TODO: Compute the loss (data loss plus regularization) without loops    #
    # and store it in `loss`.                                                 #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    ###########################################################################
    # TODO: Compute the gradient without loops and store it in dW. Values     #
    # computed for the loss can be reused.                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return loss, dW
