"""Assignment 1's mutant catalogue: its reference with one seeded bug each, most of them
the bug patterns of COURSE_SPEC A1.6 (declarations only; tests/assignments/
test_mutation_suite.py grades them, tests/support/mutation.py says what a declaration
means)."""

from __future__ import annotations

from tests.support.mutation import mutant

KNN = "cs231n/classifiers/k_nearest_neighbor.py"
SVM = "cs231n/classifiers/linear_svm.py"
SOFTMAX = "cs231n/classifiers/softmax.py"
LINEAR = "cs231n/classifiers/linear_classifier.py"
LAYERS = "cs231n/layers.py"
FC_NET = "cs231n/classifiers/fc_net.py"
CODE_POINTS = 360
"""What the reference scores on the code checks: 90 per notebook with graded code (README:
the point split)."""

TWO_LOOP_LINE = "                dists[i, j] = np.sqrt(np.sum(diff * diff))\n"
NO_LOOP_SQRT = "        dists = np.sqrt(np.maximum(test_sq + train_sq - 2.0 * cross, 0.0))\n"
VOTE = ("            labels, counts = np.unique(closest_y, return_counts=True)\n"
        "            y_pred[i] = labels[np.argmax(counts)]\n")
SVM_VEC_LOSS = "    loss = margins.sum() / num_train + reg * np.sum(W * W)\n"
SOFTMAX_VEC_LOSS = "    loss = -log_probs[rows, y].mean() + reg * np.sum(W * W)\n"
SOFTMAX_VEC_GRAD = "    dW = X.T.dot(dscores) / num_train + 2 * reg * W\n"
NET_LOSS = "        loss = data_loss + 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))\n"

KNN_MUTANTS = [
    mutant("two-loop np.linalg.norm",
           (KNN, TWO_LOOP_LINE, "                dists[i, j] = np.linalg.norm(diff)\n"),
           "1.4", "np.linalg.norm", only=True),
    mutant("two-loop loop over the dimensions",
           (KNN, TWO_LOOP_LINE,
            "                total = 0.0\n"
            "                for d in range(diff.shape[0]):\n"
            "                    total += diff[d] * diff[d]\n"
            "                dists[i, j] = np.sqrt(total)\n"),
           "1.4", "no loop over the dimensions", only=True),
    mutant("one-loop sum over axis 0",
           (KNN, "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))",
            "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=0))"),
           "1.1 1.5", "wrong axis"),
    mutant("no-loop test norms as a row",
           (KNN, "test_sq = np.sum(X * X, axis=1)[:, np.newaxis]", "test_sq = np.sum(X * X, axis=1)"),
           "1.2 1.6", "not reshaped to a column"),
    mutant("no-loop squared distances",
           (KNN, NO_LOOP_SQRT, NO_LOOP_SQRT.replace("np.sqrt(np.maximum(", "(np.maximum(")),
           "1.2 1.6", "squared distances"),
    mutant("no-loop with a loop over test points",
           (KNN, NO_LOOP_SQRT,
            "        for i in range(num_test):\n"
            "            dists[i] = np.sqrt(np.maximum(test_sq[i] + train_sq - 2.0 * cross[i],"
            " 0.0))\n"),
           "1.6", "has a Python loop"),
    mutant("k largest distances",
           (KNN, "nearest = np.argsort(dists[i])[:k]", "nearest = np.argsort(dists[i])[-k:]"),
           "1.3 1.8", "largest distance"),
    mutant("neighbour indices instead of labels",
           (KNN, "closest_y = list(self.y_train[nearest])", "closest_y = list(nearest)"),
           "1.3 1.8", "indices"),
    mutant("ties by first occurrence",
           (KNN, VOTE, "            y_pred[i] = max(closest_y, key=closest_y.count)\n"),
           "1.8", "first occurrence", only=True),
    mutant("predict accepts any num_loops",
           (KNN, '            raise ValueError("Invalid value %d for num_loops" % num_loops)\n',
            "            dists = self.compute_distances_no_loops(X)\n"),
           "1.9", "ValueError", only=True),
]

SVM_MUTANTS = [
    mutant("naive gradient without the count term",
           (SVM, "                dW[:, y[i]] -= X[i]\n", ""),
           "2.3", "count of positive margins", only=True),
    mutant("naive gradient not divided by N",
           (SVM, "    dW /= num_train\n", ""), "2.3", "not divided by N", only=True),
    mutant("SVM naive regularisation gradient reg * W",
           (SVM, "    dW += 2 * reg * W\n", "    dW += reg * W\n"),
           "2.3", "2 * reg * W", only=True),
    mutant("vectorized margins of the correct class kept",
           (SVM, "    margins[rows, y] = 0.0                                    # j = y[i] "
                 "does not count\n", ""),
           "2.1 2.4 2.5", "correct class"),
    mutant("vectorized loss summed",
           (SVM, SVM_VEC_LOSS, SVM_VEC_LOSS.replace(" / num_train", "")),
           "2.1 2.4", "summed"),
    mutant("vectorized gradient without the count term",
           (SVM, "    coeff[rows, y] = -coeff.sum(axis=1)\n", "    coeff[rows, y] = 0.0\n"),
           "2.1 2.5", "count of positive margins"),
    mutant("vectorized regularisation with 1/2",
           (SVM, SVM_VEC_LOSS, SVM_VEC_LOSS.replace("+ reg", "+ 0.5 * reg")),
           "2.4", "factor 1/2", only=True),
    mutant("vectorized scores in a loop",
           (SVM, "    scores = X.dot(W)                                         # (N, C)\n",
            "    scores = np.array([X[i].dot(W) for i in range(num_train)])\n"),
           "2.4", "Python loop", only=True),
]

LINEAR_MUTANTS = [
    mutant("SGD step up the gradient",
           (LINEAR, "            self.W -= learning_rate * grad\n",
            "            self.W += learning_rate * grad\n"),
           "2.2 2.6", "climbs the loss"),
    mutant("SGD without the learning rate",
           (LINEAR, "            self.W -= learning_rate * grad\n", "            self.W -= grad\n"),
           "2.6", "learning_rate not applied"),
    mutant("hard-coded batch size",
           (LINEAR, "np.random.choice(num_train, batch_size, replace=True)",
            "np.random.choice(num_train, 200, replace=True)"),
           "2.6", "batch_size rows", only=True),
    mutant("labels of other rows",
           (LINEAR, "            y_batch = y[batch]\n",
            "            y_batch = y[np.random.choice(num_train, batch_size)]\n"),
           "2.6", "same indices"),
    mutant("losses appended twice",
           (LINEAR, "            loss_history.append(loss)\n",
            "            loss_history.append(loss)\n            loss_history.append(loss)\n"),
           "2.2 2.6", "appended twice"),
    mutant("predict over axis 0",
           (LINEAR, "y_pred = np.argmax(X.dot(self.W), axis=1)",
            "y_pred = np.argmax(X.dot(self.W), axis=0)"),
           "2.7", "axis 0"),
]

SOFTMAX_MUTANTS = [
    mutant("vectorized softmax without the shift",
           (SOFTMAX, "    scores = scores - scores.max(axis=1, keepdims=True)\n", ""),
           "3.4", "each row's maximum", only=True),
    mutant("vectorized softmax shifted by the global maximum",
           (SOFTMAX, "    scores = scores - scores.max(axis=1, keepdims=True)\n",
            "    scores = scores - scores.max()\n"),
           "3.4", "whole batch", only=True),
    mutant("naive softmax without the shift",
           (SOFTMAX, "        scores = scores - np.max(scores)\n", ""),
           "3.3", "each row's maximum", only=True),
    mutant("vectorized gradient without the -1",
           (SOFTMAX, "    dscores[rows, y] -= 1.0                                      # P - Y\n",
            ""),
           "3.2 3.4", "-1 of the correct class"),
    mutant("softmax naive regularisation gradient reg * W",
           (SOFTMAX, "    dW += 2 * reg * W\n", "    dW += reg * W\n"),
           "3.3", "does not match your own loss", only=True),
    mutant("naive with the 1/2 convention, vectorized without",
           ((SOFTMAX, "    loss += reg * np.sum(W * W)\n", "    loss += 0.5 * reg * np.sum(W * W)\n"),
            (SOFTMAX, "    dW += 2 * reg * W\n", "    dW += reg * W\n")),
           "3.5", "one convention", only=True),
]

LAYER_MUTANTS = [
    mutant("affine without flattening",
           (LAYERS, "    out = x.reshape(x.shape[0], -1).dot(w) + b\n", "    out = x.dot(w) + b\n"),
           "4.1 4.4", "not flattened"),
    mutant("affine dx not reshaped",
           (LAYERS, "    dx = dout.dot(w.T).reshape(x.shape)\n", "    dx = dout.dot(w.T)\n"),
           "4.1 4.4", "not reshaped back"),
    mutant("affine db over the wrong axis",
           (LAYERS, "    db = dout.sum(axis=0)\n", "    db = dout.sum(axis=1)\n"),
           "4.1 4.4", "wrong axis"),
    mutant("affine x changed in place",
           (LAYERS, "    out = x.reshape(x.shape[0], -1).dot(w) + b\n",
            "    out = x.reshape(x.shape[0], -1).dot(w) + b\n    x *= 1.5\n"),
           "4.4", "in place"),
    mutant("relu backward in place",
           (LAYERS, "    dx = dout * (x > 0)\n", "    dout[x <= 0] = 0\n    dx = dout\n"),
           "4.5", "in place", only=True),
    mutant("relu backward masked by dout",
           (LAYERS, "    dx = dout * (x > 0)\n", "    dx = dout * (dout > 0)\n"),
           "4.1 4.5", "dout > 0"),
    mutant("svm_loss dx not divided by N",
           (LAYERS, "    dx[rows, y] = -dx.sum(axis=1)\n    dx /= N\n",
            "    dx[rows, y] = -dx.sum(axis=1)\n"),
           "4.2 4.6", "not divided by N"),
    mutant("svm_loss margins of the correct class kept",
           (LAYERS, "    margins[rows, y] = 0.0\n", ""), "4.2 4.6", "is counted"),
    mutant("softmax_loss dx not divided by N",
           (LAYERS, "    dx[rows, y] -= 1.0\n    dx /= N\n", "    dx[rows, y] -= 1.0\n"),
           "4.2 4.7", "not divided by N"),
]

NET_MUTANTS = [
    mutant("ReLU on the scores",
           ((FC_NET, "        scores, scores_cache = affine_forward(hidden, W2, b2)\n",
             "        scores, scores_cache = affine_relu_forward(hidden, W2, b2)\n"),
            (FC_NET, "        dhidden, dW2, grads[\"b2\"] = affine_backward(dscores, scores_cache)\n",
             "        dhidden, dW2, grads[\"b2\"] = affine_relu_backward(dscores, scores_cache)\n")),
           "4.9", "ReLU applied to the output scores", only=True),
    mutant("L2 without 0.5",
           ((FC_NET, NET_LOSS, NET_LOSS.replace("0.5 * ", "")),
            (FC_NET, '        grads["W2"] = dW2 + self.reg * W2\n',
             '        grads["W2"] = dW2 + 2 * self.reg * W2\n'),
            (FC_NET, '        grads["W1"] = dW1 + self.reg * W1\n',
             '        grads["W1"] = dW1 + 2 * self.reg * W1\n')),
           "4.3 4.9", "factor 0.5", only=True),
    mutant("biases regularised",
           ((FC_NET, NET_LOSS, NET_LOSS + "        loss += 0.5 * self.reg * (np.sum(b1 * b1) + "
                                          "np.sum(b2 * b2))\n"),
            (FC_NET, '        grads["W1"] = dW1 + self.reg * W1\n',
             '        grads["W1"] = dW1 + self.reg * W1\n'
             '        grads["b1"] = grads["b1"] + self.reg * b1\n'
             '        grads["b2"] = grads["b2"] + self.reg * b2\n')),
           "4.3 4.9", "biases are regularised"),
    mutant("weights not scaled",
           (FC_NET, 'self.params["W1"] = weight_scale * np.random.randn(',
            'self.params["W1"] = np.random.randn('),
           "4.3 4.8", "not multiplied by weight_scale"),
]

# softmax_loss of layers.py without a shift: 4.7's stability part (scores near 1000).
LAYER_MUTANTS.append(
    mutant("softmax_loss without the shift",
           (LAYERS, "    shifted = x - x.max(axis=1, keepdims=True)\n", "    shifted = x\n"),
           "4.7", "each row's own maximum"))

MUTANTS = KNN_MUTANTS + SVM_MUTANTS + LINEAR_MUTANTS + SOFTMAX_MUTANTS + LAYER_MUTANTS + NET_MUTANTS

# Correct code written another way: full marks, with advice (no points) where ``fails``
# names a check.
VARIANTS = [
    mutant("softmax with the 1/2 convention in both",
           ((SOFTMAX, "    loss += reg * np.sum(W * W)\n", "    loss += 0.5 * reg * np.sum(W * W)\n"),
            (SOFTMAX, "    dW += 2 * reg * W\n", "    dW += reg * W\n"),
            (SOFTMAX, SOFTMAX_VEC_LOSS, SOFTMAX_VEC_LOSS.replace("+ reg", "+ 0.5 * reg")),
            (SOFTMAX, SOFTMAX_VEC_GRAD, SOFTMAX_VEC_GRAD.replace("2 * reg", "reg"))),
           ""),
    mutant("no-loop square root without clipping",
           (KNN, NO_LOOP_SQRT, "        dists = np.sqrt(test_sq + train_sq - 2.0 * cross)\n"),
           ""),  # NaN only where rounding leaves a negative square: advice, if at all
    mutant("integer labels from predict_labels",
           (KNN, "        y_pred = np.zeros(num_test)\n",
            "        y_pred = np.zeros(num_test, dtype=np.int64)\n"),
           ""),
    mutant("no-loop by a broadcast difference",
           (KNN, NO_LOOP_SQRT,
            "        diff = X[:, np.newaxis, :] - self.X_train[np.newaxis, :, :]\n"
            "        dists = np.sqrt(np.sum(diff * diff, axis=2))\n"),
           ""),
]
