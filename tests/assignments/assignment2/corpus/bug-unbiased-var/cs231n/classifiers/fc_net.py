from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    多层全连接网络:
    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    参数都存在 self.params 里。
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        """
        - hidden_dims: 每个隐藏层的大小
        - dropout: 保留概率, 等于 1 表示不用 dropout
        - normalization: None, 'batchnorm' 或 'layernorm'
        """
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # 初始化参数: W ~ N(0, weight_scale^2), b = 0, gamma = 1, beta = 0
        layer_dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(1, self.num_layers + 1):
            fan_in, fan_out = layer_dims[i - 1], layer_dims[i]
            self.params['W' + str(i)] = np.random.normal(0.0, weight_scale, (fan_in, fan_out))
            self.params['b' + str(i)] = np.zeros(fan_out)
            # 最后一层不做归一化
            if self.normalization and i != self.num_layers:
                self.params['gamma' + str(i)] = np.ones(fan_out)
                self.params['beta' + str(i)] = np.zeros(fan_out)

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout}
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
        y 为 None 时返回 scores (N, C), 否则返回 (loss, grads)。
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # 前向传播, 每一层的 cache 放进列表
        caches = []
        h = X
        for i in range(1, self.num_layers):
            layer_cache = {}
            a, layer_cache['fc'] = affine_forward(h, self.params['W' + str(i)], self.params['b' + str(i)])
            if self.normalization == "batchnorm":
                a, layer_cache['norm'] = batchnorm_forward(a, self.params['gamma' + str(i)],
                                                           self.params['beta' + str(i)], self.bn_params[i - 1])
            elif self.normalization == "layernorm":
                a, layer_cache['norm'] = layernorm_forward(a, self.params['gamma' + str(i)],
                                                           self.params['beta' + str(i)], self.bn_params[i - 1])
            h, layer_cache['relu'] = relu_forward(a)
            if self.use_dropout:
                h, layer_cache['drop'] = dropout_forward(h, self.dropout_param)
            caches.append(layer_cache)

        last = str(self.num_layers)
        scores, last_cache = affine_forward(h, self.params['W' + last], self.params['b' + last])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}

        # 反向传播
        loss, dscores = softmax_loss(scores, y)
        dh, grads['W' + last], grads['b' + last] = affine_backward(dscores, last_cache)

        for i in range(self.num_layers - 1, 0, -1):
            layer_cache = caches[i - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, layer_cache['drop'])
            da = relu_backward(dh, layer_cache['relu'])
            if self.normalization == "batchnorm":
                da, grads['gamma' + str(i)], grads['beta' + str(i)] = batchnorm_backward(da, layer_cache['norm'])
            elif self.normalization == "layernorm":
                da, grads['gamma' + str(i)], grads['beta' + str(i)] = layernorm_backward(da, layer_cache['norm'])
            dh, grads['W' + str(i)], grads['b' + str(i)] = affine_backward(da, layer_cache['fc'])

        # L2 正则, 只对 W
        for i in range(1, self.num_layers + 1):
            W = self.params['W' + str(i)]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W' + str(i)] += self.reg * W

        return loss, grads
