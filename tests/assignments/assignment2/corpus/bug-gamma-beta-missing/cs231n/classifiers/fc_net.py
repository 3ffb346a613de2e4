from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


def _hidden_forward(x, w, b, gamma, beta, norm, norm_param):
    """affine -> (batchnorm | layernorm | nothing) -> relu"""
    a, fc = affine_forward(x, w, b)
    nc = None
    if norm == "batchnorm":
        a, nc = batchnorm_forward(a, gamma, beta, norm_param)
    elif norm == "layernorm":
        a, nc = layernorm_forward(a, gamma, beta, norm_param)
    out, rc = relu_forward(a)
    return out, (fc, nc, rc)


def _hidden_backward(dout, cache, norm):
    """backward of _hidden_forward -> dx, dw, db, dgamma, dbeta (last two None without norm)"""
    fc, nc, rc = cache
    da = relu_backward(dout, rc)
    dg = dbt = None
    if norm == "batchnorm":
        da, dg, dbt = batchnorm_backward_alt(da, nc)
    elif norm == "layernorm":
        da, dg, dbt = layernorm_backward(da, nc)
    dx, dw, db = affine_backward(da, fc)
    return dx, dw, db, dg, dbt


class FullyConnectedNet(object):
    """
    fully connected net, softmax loss:
    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        sizes = [input_dim, *hidden_dims, num_classes]
        for l in range(1, self.num_layers + 1):
            self.params[f"W{l}"] = np.random.randn(sizes[l - 1], sizes[l]) * weight_scale
            self.params[f"b{l}"] = np.zeros(sizes[l])
        if self.normalization:
            for l in range(1, self.num_layers):
                self.params[f"gamma{l}"] = np.ones(sizes[l])
                self.params[f"beta{l}"] = np.zeros(sizes[l])

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """scores when y is None, else (loss, grads)"""
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        h = X
        caches = []
        for l in range(1, self.num_layers):
            h, c = _hidden_forward(h, self.params[f"W{l}"], self.params[f"b{l}"],
                                   self.params.get(f"gamma{l}"), self.params.get(f"beta{l}"),
                                   self.normalization,
                                   self.bn_params[l - 1] if self.normalization else None)
            dc = None
            if self.use_dropout:
                h, dc = dropout_forward(h, self.dropout_param)
            caches.append((c, dc))
        L = self.num_layers
        scores, last = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, ds = softmax_loss(scores, y)
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(ds, last)
        for l in range(L - 1, 0, -1):
            c, dc = caches[l - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, dc)
            dh, dw, db, dg, dbt = _hidden_backward(dh, c, self.normalization)
            grads[f"W{l}"], grads[f"b{l}"] = dw, db
            if self.normalization:
                grads[f"gamma{l}"], grads[f"beta{l}"] = dg, dbt

        # l2 penalty on weights
        for l in range(1, L + 1):
            w = self.params[f"W{l}"]
            loss += 0.5 * self.reg * (w ** 2).sum()
            grads[f"W{l}"] = grads[f"W{l}"] + self.reg * w

        return loss, grads
