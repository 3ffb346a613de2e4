from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    两层全连接网络：affine - relu - affine - softmax。
    参数存在 self.params 里，训练交给 Solver。
    """

    def __init__(
        self,
        input_dim=3 * 32 * 32,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
    ):
        """
        Inputs:
        - input_dim: 输入维度 D
        - hidden_dim: 隐藏层大小 H
        - num_classes: 类别数 C
        - weight_scale: 权重初始化的标准差
        - reg: L2 正则化强度
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: 初始化权重（均值 0、标准差 weight_scale 的高斯分布）和偏置（0）。  #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = np.random.randn(input_dim, hidden_dim) * weight_scale
        self.params['W2'] = np.random.randn(hidden_dim, num_classes) * weight_scale
        self.params['b1'] = np.zeros((hidden_dim,))
        self.params['b2'] = np.zeros((num_classes,))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: 形状 (N, d_1, ..., d_k)
        - y: 形状 (N,) 的标签，或 None

        Returns:
        y 为 None 时返回分数 (N, C)；否则返回 (loss, grads)。
        """
        scores = None
        ############################################################################
        # TODO: 前向传播，算出分数。                                               #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, cache_h = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, cache_s = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # 测试时直接返回分数
        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: 反向传播。L2 正则项要乘 0.5。                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dscores = softmax_loss(scores, y)
        W1, W2 = self.params['W1'], self.params['W2']
        loss += 0.5 * self.reg * (np.sum(np.square(W1)) + np.sum(np.square(W2)))

        dh, dW2, db2 = affine_backward(dscores, cache_s)
        _, dW1, db1 = affine_relu_backward(dh, cache_h)

        # 正则项的梯度（偏置不做正则化）
        grads['W1'] = dW1 + self.reg * W1
        grads['b1'] = db1
        grads['W2'] = dW2 + self.reg * W2
        grads['b2'] = db2

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
