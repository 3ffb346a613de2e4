from __future__ import print_function

from builtins import range
from builtins import object
import numpy as np
from ..classifiers.linear_svm import *
from ..classifiers.softmax import *


class LinearClassifier(object):
    def __init__(self):
        self.W = None

    def train(
        self,
        X,
        y,
        learning_rate=1e-3,
        reg=1e-5,
        num_iters=100,
        batch_size=200,
        verbose=False,
    ):
        """
        用随机梯度下降训练线性分类器。

        Inputs:
        - X: 训练数据，形状 (N, D)
        - y: 标签，形状 (N,)，取值 0...C-1
        - learning_rate: (float) 学习率
        - reg: (float) 正则化强度
        - num_iters: (integer) 迭代次数
        - batch_size: (integer) 每步使用的样本数
        - verbose: (boolean) 为 True 时打印训练过程

        Returns:
        - loss_history: 每次迭代的损失
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1  # 假设标签是 0...C-1
        if self.W is None:
            # 随机初始化 W
            self.W = 0.001 * np.random.randn(dim, num_classes)

        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            #########################################################################
            # TODO: 从训练数据中取 batch_size 个样本及其标签，放进 X_batch 和      #
            # y_batch。X_batch 形状 (batch_size, dim)，y_batch 形状 (batch_size,)。 #
            # 可以有放回地采样。                                                    #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # 有放回采样比无放回快
            sample = np.random.choice(np.arange(num_train), size=batch_size)
            X_batch = X[sample]
            y_batch = y[sample]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # 计算损失和梯度
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            #########################################################################
            # TODO: 用梯度和学习率更新权重。                                        #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            self.W = self.W - learning_rate * grad

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        用训练好的权重预测标签。

        Inputs:
        - X: 形状 (N, D)

        Returns:
        - y_pred: 形状 (N,)，每个样本的预测类别
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: 把预测的标签存入 y_pred。                                        #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # 每一行分数最大的类别
        y_pred = np.argmax(np.dot(X, self.W), axis=1)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        计算损失和梯度，由子类实现。

        Returns: (loss, 对 self.W 的梯度)
        """
        pass


class LinearSVM(LinearClassifier):
    """ 使用多类 SVM 损失 """

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """ 使用 Softmax + 交叉熵损失 """

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
