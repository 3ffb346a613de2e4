"""The three-layer ConvNet in the sandbox and its twin from the reference, with the same
parameters; and the net built from the student's own affine, ReLU and softmax layers (for
bugs those layers' checks charge)."""

import numpy as np

from checklib import call
from fc_nets import StudentOps
from gradekit.checklib import remote_constant

CNN = "cs231n.classifiers.cnn.ThreeLayerConvNet"
CNN_FILES = ["cs231n/classifiers/cnn.py", "cs231n/layers.py", "cs231n/layer_utils.py"]
SMALL = {"input_dim": (3, 8, 6), "num_filters": 4, "filter_size": 3, "hidden_dim": 9,
         "num_classes": 5}


def build(student, dtype=None, **kwargs):
    """A ThreeLayerConvNet built in the sandbox (a Remote handle)."""
    if dtype is not None:
        kwargs["dtype"] = remote_constant(student, "numpy.dtype", dtype)
    return call(student, CNN, **kwargs).value


def random_params(rng, input_dim, num_filters, filter_size, hidden_dim, num_classes):
    C, H, W = input_dim
    shapes = {"W1": (num_filters, C, filter_size, filter_size), "b1": (num_filters,),
              "W2": (num_filters * (H // 2) * (W // 2), hidden_dim), "b2": (hidden_dim,),
              "W3": (hidden_dim, num_classes), "b3": (num_classes,)}
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    params["W1"] /= np.sqrt(C * filter_size ** 2)
    params["W2"] /= np.sqrt(shapes["W2"][0])
    params["W3"] /= np.sqrt(hidden_dim)
    for k in ("b1", "b2", "b3"):
        params[k] *= 0.1
    return params


def run_convnet(ops, utils, params, X, y=None, reg=0.0, half=True, reg_w1=True):
    """Scores (y None) or (loss, grads) of conv - relu - pool - affine - relu - affine -
    softmax, with the convolution's sandwich from ``utils`` (the reference's) and the
    affine, ReLU and softmax layers of ``ops``. ``half`` and ``reg_w1`` model L2 bugs."""
    fs = params["W1"].shape[2]
    conv = {"stride": 1, "pad": (fs - 1) // 2}
    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    a, c1 = utils.conv_relu_pool_forward(X, params["W1"], params["b1"], conv, pool)
    h, c2 = ops.affine_forward(a, params["W2"], params["b2"])
    r, c3 = ops.relu_forward(h)
    scores, c4 = ops.affine_forward(r, params["W3"], params["b3"])
    if y is None:
        return scores
    loss, ds = ops.softmax_loss(scores, y)
    grads = {}
    dr, grads["W3"], grads["b3"] = ops.affine_backward(ds, c4)
    dh = ops.relu_backward(dr, c3)
    da, grads["W2"], grads["b2"] = ops.affine_backward(dh, c2)
    _, grads["W1"], grads["b1"] = utils.conv_relu_pool_backward(
        np.asarray(da, float).reshape(a.shape), c1)
    factor = 0.5 if half else 1.0
    for k in ("W1", "W2", "W3") if reg_w1 else ("W2", "W3"):
        loss += factor * reg * float(np.sum(params[k] ** 2))
        grads[k] = grads[k] + 2 * factor * reg * params[k]
    return loss, grads


def with_their_layers(student, reference, params, X, y=None, reg=0.0):
    """The net from the student's affine, ReLU and softmax (None when they agree with the
    reference's: then they excuse nothing)."""
    ops = StudentOps(student, reference.module("cs231n.layers"))
    value = run_convnet(ops, reference.module("cs231n.layer_utils"), params, X, y, reg)
    return value if ops.differs else None
