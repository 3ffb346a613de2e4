from builtins import range
from builtins import object
import numpy as np


class KNearestNeighbor(object):
    """ 使用 L2 距离的 kNN 分类器 """

    def __init__(self):
        pass

    def train(self, X, y):
        """
        训练：kNN 只是把训练数据记下来。

        Inputs:
        - X: 训练数据，形状 (num_train, D)
        - y: 标签，形状 (num_train,)，y[i] 是 X[i] 的标签
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        预测测试数据的标签。

        Inputs:
        - X: 测试数据，形状 (num_test, D)
        - k: 参与投票的近邻个数
        - num_loops: 计算距离时用几重循环（0、1 或 2）

        Returns:
        - y: 预测标签，形状 (num_test,)
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("num_loops 只能是 0、1、2，收到 %d" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        两重循环计算每个测试点与每个训练点之间的距离。

        Inputs:
        - X: 测试数据，形状 (num_test, D)

        Returns:
        - dists: 形状 (num_test, num_train)，dists[i, j] 是第 i 个测试点与
          第 j 个训练点之间的欧氏距离
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO: 计算第 i 个测试点和第 j 个训练点的 L2 距离，存入 dists[i, j]。 #
                # 不要对维度做循环，也不要用 np.linalg.norm()。                       #
                #####################################################################
                # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

                # 逐元素相减，平方，求和，再开方
                dists[i, j] = np.sqrt(np.sum(np.square(X[i] - self.X_train[j])))

                # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_one_loop(self, X):
        """
        只对测试数据做一重循环。输入输出同 compute_distances_two_loops。
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO: 计算第 i 个测试点到所有训练点的距离，存入 dists[i, :]。        #
            #######################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # X[i] 的形状是 (D,)，广播到 (num_train, D)；按 axis=1 求和
            dists[i, :] = np.sqrt(np.sum(np.square(self.X_train - X[i]), axis=1))

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def compute_distances_no_loops(self, X):
        """
        完全不用循环。输入输出同 compute_distances_two_loops。
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO: 不用任何循环计算全部距离（不能用 scipy 和 np.linalg.norm()）。  #
        # 提示：一次矩阵乘法加两次广播求和。                                    #
        #########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # (a-b)^2 = a^2 + b^2 - 2ab
        # keepdims=True 得到 (num_test, 1)，和 (num_train,) 广播成 (num_test, num_train)
        a2 = np.sum(np.square(X), axis=1, keepdims=True)
        b2 = np.sum(np.square(self.X_train), axis=1)
        ab = np.matmul(X, self.X_train.T)
        # 数值误差可能让结果略小于 0，先截断再开方
        dists = np.sqrt(np.clip(a2 + b2 - 2 * ab, 0, None))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return dists

    def predict_labels(self, dists, k=1):
        """
        根据距离矩阵为每个测试点预测标签。

        Inputs:
        - dists: 形状 (num_test, num_train)，dists[i, j] 是第 i 个测试点与第 j 个
          训练点之间的距离

        Returns:
        - y: 形状 (num_test,)，y[i] 是第 i 个测试点的预测标签
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # 长度为 k 的列表，存第 i 个测试点的 k 个最近邻的标签
            closest_y = []
            #########################################################################
            # TODO: 找出第 i 个测试点的 k 个最近邻，把它们的标签放进 closest_y。    #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            idx = np.argsort(dists[i, :])     # 距离从小到大的下标
            closest_y = self.y_train[idx[:k]]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
            #########################################################################
            # TODO: 在 closest_y 中找出现次数最多的标签，存入 y_pred[i]。           #
            # 平票时取较小的标签。                                                  #
            #########################################################################
            # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

            # np.unique 返回排好序的标签，argmax 取第一个最大值 => 平票取较小的标签
            labels, counts = np.unique(closest_y, return_counts=True)
            y_pred[i] = labels[np.argmax(counts)]

            # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return y_pred
