from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    全连接网络: {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
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

        # 初始化每一层的参数
        all_dims = [input_dim] + hidden_dims + [num_classes]
        for l in range(self.num_layers):
            self.params["W%d" % (l + 1)] = weight_scale * np.random.randn(all_dims[l], all_dims[l + 1])
            self.params["b%d" % (l + 1)] = np.zeros(all_dims[l + 1])
        # 隐藏层的 gamma / beta
        if self.normalization is not None:
            for l in range(self.num_layers - 1):
                self.params["gamma%d" % (l + 1)] = np.ones(hidden_dims[l])
                self.params["beta%d" % (l + 1)] = np.zeros(hidden_dims[l])

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
        """y 为 None 时返回 scores, 否则返回 (loss, grads)"""
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # 前向
        caches = []
        dropout_caches = []
        out = X
        for l in range(1, self.num_layers):
            w, b = self.params["W%d" % l], self.params["b%d" % l]
            if self.normalization == "batchnorm":
                out, c = affine_batchnorm_relu_forward(out, w, b, self.params["gamma%d" % l],
                                                       self.params["beta%d" % l], self.bn_params[l - 1])
            elif self.normalization == "layernorm":
                out, c = affine_layernorm_relu_forward(out, w, b, self.params["gamma%d" % l],
                                                       self.params["beta%d" % l], self.bn_params[l - 1])
            else:
                out, c = affine_relu_forward(out, w, b)
            caches.append(c)
            if self.use_dropout:
                out, dc = dropout_forward(out, self.dropout_param)
                dropout_caches.append(dc)
        L = self.num_layers
        scores, c = affine_forward(out, self.params["W%d" % L], self.params["b%d" % L])
        caches.append(c)

        if mode == "test":
            return scores

        loss, grads = 0.0, {}

        # 损失 + L2 正则
        loss, dscores = softmax_loss(scores, y)
        for l in range(1, L + 1):
            loss += self.reg * np.sum(self.params["W%d" % l] ** 2)

        # 反向
        dout, dw, db = affine_backward(dscores, caches[L - 1])
        grads["W%d" % L] = dw + 2 * self.reg * self.params["W%d" % L]
        grads["b%d" % L] = db
        for l in range(L - 1, 0, -1):
            if self.use_dropout:
                dout = dropout_backward(dout, dropout_caches[l - 1])
            if self.normalization == "batchnorm":
                dout, dw, db, dgamma, dbeta = affine_batchnorm_relu_backward(dout, caches[l - 1])
            elif self.normalization == "layernorm":
                dout, dw, db, dgamma, dbeta = affine_layernorm_relu_backward(dout, caches[l - 1])
            else:
                dout, dw, db = affine_relu_backward(dout, caches[l - 1])
            grads["W%d" % l] = dw + 2 * self.reg * self.params["W%d" % l]
            grads["b%d" % l] = db
            if self.normalization is not None:
                grads["gamma%d" % l] = dgamma
                grads["beta%d" % l] = dbeta

        return loss, grads
