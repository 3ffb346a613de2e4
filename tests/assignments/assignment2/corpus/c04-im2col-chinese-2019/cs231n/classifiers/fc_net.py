from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """两层网络：affine - relu - affine - softmax（从作业一拷过来的）。

    参数 W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)。
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """X (N, d_1..d_k)；y 为 None 时返回 scores (N, C)，否则返回 (loss, grads)。"""
        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, c1 = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, c2 = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, ds = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(self.params['W1'] ** 2) + np.sum(self.params['W2'] ** 2))
        dh, grads['W2'], grads['b2'] = affine_backward(ds, c2)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dh, c1)
        grads['W1'] += self.reg * self.params['W1']
        grads['W2'] += self.reg * self.params['W2']

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return loss, grads


class FullyConnectedNet(object):
    """Fully connected net with any number of hidden layers.

    Architecture: {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax.
    Learnable parameters live in self.params, keyed W1, b1, ..., WL, bL (and
    gamma1, beta1, ... for the normalised hidden layers).
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
        """Build the net.

        Inputs:
        - hidden_dims: list of hidden layer sizes
        - input_dim: size of one input
        - num_classes: number of classes
        - dropout: keep probability of dropout (1 = no dropout)
        - normalization: None, "batchnorm" or "layernorm"
        - reg: L2 strength
        - weight_scale: std of the Gaussian initial weights
        - dtype: dtype of every parameter
        - seed: seed for dropout, for gradient checks
        """
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # 每一层的输入输出维度，最后一层没有 gamma/beta
        in_dims = [input_dim] + list(hidden_dims)
        out_dims = list(hidden_dims) + [num_classes]
        for l in range(self.num_layers):
            self.params['W' + str(l + 1)] = np.random.randn(in_dims[l], out_dims[l]) * weight_scale
            self.params['b' + str(l + 1)] = np.zeros(out_dims[l])
        if self.normalization in ('batchnorm', 'layernorm'):
            for l in range(self.num_layers - 1):
                self.params['gamma' + str(l + 1)] = np.ones(out_dims[l])
                self.params['beta' + str(l + 1)] = np.zeros(out_dims[l])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # dropout: one dict shared by every dropout layer
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # one dict of running statistics per normalised layer
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Scores (test mode, y None) or (loss, grads) (train mode).

        Inputs:
        - X: inputs, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,), or None

        Returns scores (N, C) when y is None, else (loss, grads) with grads keyed
        like self.params.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        cache_list = []
        out = X
        for l in range(1, self.num_layers):
            key = str(l)
            if self.normalization is None:
                # 没有归一化时直接用 affine_relu
                out, c = affine_relu_forward(out, self.params['W' + key], self.params['b' + key])
                cache_list.append(('ar', c))
            else:
                a, c_fc = affine_forward(out, self.params['W' + key], self.params['b' + key])
                if self.normalization == 'batchnorm':
                    a, c_norm = batchnorm_forward(a, self.params['gamma' + key], self.params['beta' + key], self.bn_params[l - 1])
                else:
                    a, c_norm = layernorm_forward(a, self.params['gamma' + key], self.params['beta' + key], self.bn_params[l - 1])
                out, c_relu = relu_forward(a)
                cache_list.append(('anr', (c_fc, c_norm, c_relu)))
            if self.use_dropout:
                out, c_drop = dropout_forward(out, self.dropout_param)
                cache_list.append(('drop', c_drop))
        key = str(self.num_layers)
        scores, c = affine_forward(out, self.params['W' + key], self.params['b' + key])
        cache_list.append(('a', c))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dout = softmax_loss(scores, y)
        # L2 正则，只对 W，前面乘 0.5
        for l in range(1, self.num_layers + 1):
            loss += 0.5 * self.reg * np.sum(self.params['W' + str(l)] ** 2)

        l = self.num_layers
        # 按相反的顺序把 cache 取出来
        for kind, c in reversed(cache_list):
            key = str(l)
            if kind == 'drop':
                dout = dropout_backward(dout, c)
                continue
            if kind == 'a':
                dout, grads['W' + key], grads['b' + key] = affine_backward(dout, c)
            elif kind == 'ar':
                dout, grads['W' + key], grads['b' + key] = affine_relu_backward(dout, c)
            else:
                c_fc, c_norm, c_relu = c
                da = relu_backward(dout, c_relu)
                if self.normalization == 'batchnorm':
                    da, grads['gamma' + key], grads['beta' + key] = batchnorm_backward(da, c_norm)
                else:
                    da, grads['gamma' + key], grads['beta' + key] = layernorm_backward(da, c_norm)
                dout, grads['W' + key], grads['b' + key] = affine_backward(da, c_fc)
            grads['W' + key] += self.reg * self.params['W' + key]
            l -= 1

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
