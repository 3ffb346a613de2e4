from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    全连接网络, 结构为
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

        # 参数初始化
        d_in = input_dim
        for i in range(self.num_layers - 1):
            d_out = hidden_dims[i]
            self.params[f"W{i + 1}"] = weight_scale * np.random.randn(d_in, d_out)
            self.params[f"b{i + 1}"] = np.zeros(d_out)
            if self.normalization is not None:
                self.params[f"gamma{i + 1}"] = np.ones(d_out)
                self.params[f"beta{i + 1}"] = np.zeros(d_out)
            d_in = d_out
        # 输出层
        self.params[f"W{self.num_layers}"] = weight_scale * np.random.randn(d_in, num_classes)
        self.params[f"b{self.num_layers}"] = np.zeros(num_classes)

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
        """
        y 是 None: 返回 scores; 否则返回 loss 和 grads
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # 前向传播
        caches, drops = [], []
        out = X
        for i in range(1, self.num_layers):
            W, b = self.params[f"W{i}"], self.params[f"b{i}"]
            if self.normalization is None:
                out, c = affine_relu_forward(out, W, b)
            else:
                out, c = affine_norm_relu_forward(out, W, b, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                                  self.bn_params[i - 1], self.normalization)
            caches.append(c)
            if self.use_dropout:
                out, dc = dropout_forward(out, self.dropout_param)
                drops.append(dc)
        L = self.num_layers
        scores, c = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append(c)

        if mode == "test":
            return scores

        loss, grads = 0.0, {}

        # 反向传播
        loss, dout = softmax_loss(scores, y)
        dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, caches[-1])
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dout = dropout_backward(dout, drops[i - 1])
            if self.normalization is None:
                dout, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(dout, caches[i - 1])
            else:
                dout, grads[f"W{i}"], grads[f"b{i}"], grads[f"gamma{i}"], grads[f"beta{i}"] = \
                    affine_norm_relu_backward(dout, caches[i - 1], self.normalization)

        # 正则化
        for i in range(1, L + 1):
            loss += 0.5 * self.reg * np.sum(self.params[f"W{i}"] ** 2)
            grads[f"W{i}"] += self.reg * self.params[f"W{i}"]

        return loss, grads
