"""Write the master notebook and its zh-CN translation from one source.

    .venv/bin/python assignment/tools/build_notebook.py          # write both files
    .venv/bin/python assignment/tools/build_notebook.py --check  # fail if they are stale

Outputs:
- assignment/BatchNormalization.ipynb: the master notebook (nbformat 4.5, no outputs);
  the release engine builds the student copies from it.
- assignment/i18n/zh-CN.toml: the zh-CN translation (contract 2 of docs/ARCHITECTURE.md):
  the Chinese source of every markdown cell, keyed by cell id, and every comment line
  of the code cells.

Edit the cells here, next to their translation, and rerun. Every cell has a stable
id: keep ids when you edit a cell, since translations and tests refer to them. Code
cells keep comments on lines of their own (no trailing comments), so that each one can
be translated as a whole line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import nbformat

ASSIGNMENT = Path(__file__).resolve().parent.parent
NOTEBOOK = ASSIGNMENT / "BatchNormalization.ipynb"
ZH_CN = ASSIGNMENT / "i18n" / "zh-CN.toml"

ZH_ANSWER_PLACEHOLDER = "**你的回答：** *[FILL THIS IN]*"

CELLS: list[dict] = []


def markdown(cell_id: str, tags: list[str], en: str, zh: str) -> None:
    CELLS.append({"id": cell_id, "type": "markdown", "tags": tags,
                  "source": en.strip("\n"), "zh": zh.strip("\n")})


def code(cell_id: str, tags: list[str], source: str) -> None:
    CELLS.append({"id": cell_id, "type": "code", "tags": tags, "source": source.strip("\n")})


# ----------------------------------------------------------------------------- title
markdown("title", ["pdf-title"], r"""
# Batch Normalization

Deep networks are hard to train partly because the inputs of every layer keep changing their distribution while the layers before it learn. Batch normalization [1] deals with this inside the network: each feature is standardized over the current minibatch to mean 0 and variance 1, and then two learned parameters per feature, a scale $\gamma$ and a shift $\beta$, let the network adjust the result wherever that helps. Networks with batch normalization are much less sensitive to their initial weights and train well with larger learning rates.

During training, a batch normalization layer uses the statistics of the minibatch it is given. At test time the prediction for an image should not depend on which other images share its batch, so the layer keeps running averages of the means and variances it saw during training and normalizes with those instead.

In this notebook you will:

1. implement the forward and backward passes of batch normalization in `cs231n/layers.py`, check them, and derive a faster backward pass;
2. add batch normalization to `FullyConnectedNet` in `cs231n/classifiers/fc_net.py`, and see what it changes in training, in the choice of the initial weights and in the choice of the batch size;
3. do the same for layer normalization, which normalizes each data point over its own features instead of each feature over the batch.

This exercise builds on the fully connected network exercise: the affine and ReLU layers and `softmax_loss` in `cs231n/layers.py`, the `FullyConnectedNet` without normalization and the update rules in `cs231n/optim.py` must already work. Copy your code for them into the marked regions before you start.

You only edit files in `cs231n/`. Every code cell here is complete: run them in order as you go. To run the public checks on your code, run `python -m gradekit check` in the assignment folder.

[1] Sergey Ioffe and Christian Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift", ICML 2015. https://arxiv.org/abs/1502.03167
""", r"""
# 批归一化（Batch Normalization）

深度网络难以训练，部分原因在于：前面的层在学习的同时，后面每一层输入的分布也在不断变化。批归一化 [1] 直接在网络内部处理这个问题：把每个特征在当前小批量上标准化为均值 0、方差 1，再用每个特征的两个可学习参数——缩放 $\gamma$ 和平移 $\beta$——让网络在需要的地方调整结果。使用批归一化的网络对初始权重不那么敏感，也能用更大的学习率稳定训练。

训练时，批归一化层使用它所接收的小批量的统计量。测试时，一张图像的预测结果不应取决于同一批中还有哪些其他图像，因此该层在训练期间维护均值和方差的滑动平均，测试时改用它们来归一化。

在本 notebook 中，你将：

1. 在 `cs231n/layers.py` 中实现批归一化的前向和反向传播，检验它们，并推导一个更快的反向传播；
2. 把批归一化加入 `cs231n/classifiers/fc_net.py` 中的 `FullyConnectedNet`，观察它对训练过程、初始权重的选择以及批大小的选择有什么影响；
3. 对层归一化做同样的事情：层归一化是对每个数据点在其自身的特征上做归一化，而不是对每个特征在整个批上做归一化。

本练习建立在全连接网络练习的基础之上：`cs231n/layers.py` 中的仿射层、ReLU 层和 `softmax_loss`，不带归一化的 `FullyConnectedNet`，以及 `cs231n/optim.py` 中的更新规则都必须已经能正常工作。开始之前，请把你为它们写的代码复制到标记好的区域中。

你只需要修改 `cs231n/` 中的文件。本 notebook 里的每个代码单元都已写好，边做边按顺序运行即可。要用公开检查测试你的代码，请在作业文件夹中运行 `python -m gradekit check`。

[1] Sergey Ioffe and Christian Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift", ICML 2015. https://arxiv.org/abs/1502.03167
""")

# ----------------------------------------------------------------------------- setup
markdown("setup-md", ["pdf-ignore"], r"""
## Setup

Run the next cell first. It imports what the notebook needs, sets plotting defaults and defines two helpers: `rel_error(x, y)`, the largest relative difference between two arrays, and `print_mean_std(x, axis)`, which prints the means and standard deviations of `x` along an axis. The `autoreload` extension re-imports your edited files in `cs231n/` before every cell, so you don't need to restart the kernel after changing them.
""", r"""
## 准备工作

请先运行下一个单元。它导入本 notebook 需要的模块，设置绘图的默认参数，并定义两个辅助函数：`rel_error(x, y)` 返回两个数组之间最大的相对误差；`print_mean_std(x, axis)` 打印 `x` 沿某一轴的均值和标准差。`autoreload` 扩展会在每个单元运行前重新导入你在 `cs231n/` 中修改过的文件，因此修改代码后无需重启内核。
""")

code("setup", ["pdf-ignore"], r"""
# Re-import edited files from cs231n/ before every cell runs.
%load_ext autoreload
%autoreload 2

import os
import time

import matplotlib.pyplot as plt
import numpy as np

from cs231n.classifiers.fc_net import FullyConnectedNet
from cs231n.data_utils import get_CIFAR10_data
from cs231n.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array
from cs231n.layers import (
    batchnorm_backward,
    batchnorm_backward_alt,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
)
from cs231n.solver import Solver

%matplotlib inline
plt.rcParams['figure.figsize'] = (10.0, 8.0)
plt.rcParams['image.interpolation'] = 'nearest'
plt.rcParams['image.cmap'] = 'gray'


def rel_error(x, y):
    # Largest elementwise relative difference between x and y.
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def print_mean_std(x, axis=0):
    # Means and standard deviations of x along the given axis.
    print('  means: ', x.mean(axis=axis))
    print('  stds:  ', x.std(axis=axis))
    print()


# Size of the training experiments. Leave this as it is: without the environment
# variable BN_NOTEBOOK_QUICK you get the assignment's settings. Our automated checks
# set BN_NOTEBOOK_QUICK=1 to run every experiment at a smaller size.
QUICK = os.environ.get('BN_NOTEBOOK_QUICK', '') == '1'


def quick(full, small):
    # The assignment's setting `full`, or the smaller `small` in quick mode.
    return small if QUICK else full


if QUICK:
    print('Quick mode (BN_NOTEBOOK_QUICK=1): the experiments run at a reduced size.')
""")

# ----------------------------------------------------------------------------- data
markdown("load-data-md", ["pdf-ignore"], r"""
## Load the data

The next cell loads CIFAR-10, preprocessed for you: the mean training image is subtracted from every image, and each image is an array of shape (3, 32, 32). If the data is missing, the error message tells you how to download it (`cd cs231n/datasets && bash get_datasets.sh`).
""", r"""
## 加载数据

下一个单元加载已经预处理好的 CIFAR-10：每张图像都减去了训练集的平均图像，每张图像是形状为 (3, 32, 32) 的数组。如果数据缺失，错误信息会告诉你如何下载（`cd cs231n/datasets && bash get_datasets.sh`）。
""")

code("load-data", ["pdf-ignore"], r"""
# Load the preprocessed CIFAR-10 data and show the shape of every split.
data = get_CIFAR10_data()
for name, array in data.items():
    print(f'{name}: {array.shape}')
""")

# ----------------------------------------------------------------------------- BN forward
markdown("bn-forward-md", [], r"""
## Batch normalization: forward pass

Implement `batchnorm_forward` in `cs231n/layers.py`. Its input `x` has shape (N, D): a minibatch of N data points with D features each. Every feature (column) is normalized on its own.

- **Training mode** (`bn_param['mode'] == 'train'`): compute the mean $\mu$ and the variance $v = \frac{1}{N}\sum_i (x_i - \mu)^2$ of every feature over the batch (divide by N, not N − 1), normalize, $\hat{x} = (x - \mu)/\sqrt{v + \epsilon}$, and return $\gamma \hat{x} + \beta$. Then fold the batch statistics into the running averages, `running_mean = momentum * running_mean + (1 - momentum) * mean` and likewise `running_var` with the batch variance, and store both back in `bn_param`.
- **Test mode** (`bn_param['mode'] == 'test'`): normalize with `running_mean` and `running_var` instead of the batch statistics, and leave them unchanged.

Keep in the cache whatever the backward pass will need, and don't modify `x` in place.

The next cell passes random data through a small two-layer ReLU network and normalizes its three output features. Before normalization, their means and standard deviations are far from 0 and 1. Afterwards every feature should have a mean close to 0 and a standard deviation close to 1; with other values of `gamma` and `beta`, a mean close to $\beta$ and a standard deviation close to $\gamma$.
""", r"""
## 批归一化：前向传播

在 `cs231n/layers.py` 中实现 `batchnorm_forward`。输入 `x` 的形状为 (N, D)：一个包含 N 个数据点、每个数据点有 D 个特征的小批量。每个特征（每一列）分别归一化。

- **训练模式**（`bn_param['mode'] == 'train'`）：在批上计算每个特征的均值 $\mu$ 和方差 $v = \frac{1}{N}\sum_i (x_i - \mu)^2$（除以 N，而不是 N − 1），归一化得到 $\hat{x} = (x - \mu)/\sqrt{v + \epsilon}$，并返回 $\gamma \hat{x} + \beta$。然后把本批的统计量并入滑动平均：`running_mean = momentum * running_mean + (1 - momentum) * mean`，`running_var` 同理使用本批的方差；最后把两者写回 `bn_param`。
- **测试模式**（`bn_param['mode'] == 'test'`）：用 `running_mean` 和 `running_var` 代替本批的统计量来归一化，并且不要改变它们。

把反向传播需要的量存进 cache，并且不要原地修改 `x`。

下一个单元让随机数据通过一个小型的两层 ReLU 网络，再对它的三个输出特征做归一化。归一化之前，它们的均值和标准差与 0 和 1 相差很远。归一化之后，每个特征的均值应接近 0、标准差应接近 1；如果 `gamma` 和 `beta` 取其他值，均值应接近 $\beta$，标准差应接近 $\gamma$。
""")

code("bn-forward-train", [], r"""
# Activations to normalize: random data through a two-layer ReLU network.
np.random.seed(231)
N, D1, D2, D3 = 200, 50, 60, 3
X = np.random.randn(N, D1)
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)
a = np.maximum(0, X.dot(W1)).dot(W2)

print('Before batch normalization:')
print_mean_std(a, axis=0)

# With gamma = 1 and beta = 0: means should be near 0 and stds near 1.
gamma = np.ones((D3,))
beta = np.zeros((D3,))
print('After batch normalization (gamma=1, beta=0)')
a_norm, _ = batchnorm_forward(a, gamma, beta, {'mode': 'train'})
print_mean_std(a_norm, axis=0)

# With other gamma and beta: means should be near beta and stds near gamma.
gamma = np.asarray([1.0, 2.0, 3.0])
beta = np.asarray([11.0, 12.0, 13.0])
print('After batch normalization (gamma=', gamma, ', beta=', beta, ')')
a_norm, _ = batchnorm_forward(a, gamma, beta, {'mode': 'train'})
print_mean_std(a_norm, axis=0)
""")

markdown("bn-forward-test-md", [], r"""
Now test mode. The next cell runs 50 batches through the layer in training mode so that its running averages settle, then normalizes a new batch in test mode. The means should again be close to 0 and the standard deviations close to 1, but less precisely than in training mode: the running averages only estimate the statistics of a batch the layer has never seen.
""", r"""
接下来检查测试模式。下一个单元先在训练模式下让 50 个批通过该层，使滑动平均趋于稳定，然后在测试模式下归一化一个新的批。均值应当仍然接近 0，标准差接近 1，但不如训练模式下那么精确：滑动平均只是对一个该层从未见过的批的统计量的估计。
""")

code("bn-forward-test", [], r"""
# Warm up the running averages with 50 batches in training mode.
np.random.seed(231)
N, D1, D2, D3 = 200, 50, 60, 3
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)

bn_param = {'mode': 'train'}
gamma = np.ones(D3)
beta = np.zeros(D3)

for t in range(50):
    X = np.random.randn(N, D1)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    batchnorm_forward(a, gamma, beta, bn_param)

# Normalize a new batch with the running averages.
bn_param['mode'] = 'test'
X = np.random.randn(N, D1)
a = np.maximum(0, X.dot(W1)).dot(W2)
a_norm, _ = batchnorm_forward(a, gamma, beta, bn_param)

# Means near 0 and stds near 1, but noisier than in training mode.
print('After batch normalization (test-time):')
print_mean_std(a_norm, axis=0)
""")

# ----------------------------------------------------------------------------- BN backward
markdown("bn-backward-md", [], r"""
## Batch normalization: backward pass

Implement `batchnorm_backward`. Take the route you took for earlier layers: write the forward pass as a chain of simple steps, keep their intermediate results in the cache, and backpropagate through the steps one at a time, from the output back to the input. Remember that a sum over the batch in the forward pass becomes a broadcast in the backward pass, and a broadcast becomes a sum.

The next cell compares your gradients with numerical ones on a small input. The relative errors should be between 1e-13 and 1e-8.
""", r"""
## 批归一化：反向传播

实现 `batchnorm_backward`。沿用你实现之前各层时的做法：把前向传播写成一串简单的步骤，把中间结果存进 cache，然后从输出到输入逐步反向传播。记住：前向传播中在批上的求和，在反向传播中变成广播；而广播则变成求和。

下一个单元在一个小输入上把你的梯度与数值梯度进行比较。相对误差应在 1e-13 到 1e-8 之间。
""")

code("bn-backward-check", [], r"""
# Compare the analytic gradients with numerical ones on a small batch.
np.random.seed(231)
N, D = 4, 5
x = 5 * np.random.randn(N, D) + 12
gamma = np.random.randn(D)
beta = np.random.randn(D)
dout = np.random.randn(N, D)

bn_param = {'mode': 'train'}
fx = lambda x: batchnorm_forward(x, gamma, beta, bn_param)[0]
fg = lambda a: batchnorm_forward(x, a, beta, bn_param)[0]
fb = lambda b: batchnorm_forward(x, gamma, b, bn_param)[0]

dx_num = eval_numerical_gradient_array(fx, x, dout)
da_num = eval_numerical_gradient_array(fg, gamma.copy(), dout)
db_num = eval_numerical_gradient_array(fb, beta.copy(), dout)

_, cache = batchnorm_forward(x, gamma, beta, bn_param)
dx, dgamma, dbeta = batchnorm_backward(dout, cache)

# Expect relative errors between 1e-13 and 1e-8.
print('dx error: ', rel_error(dx_num, dx))
print('dgamma error: ', rel_error(da_num, dgamma))
print('dbeta error: ', rel_error(db_num, dbeta))
""")

markdown("bn-backward-alt-md", [], r"""
## A faster backward pass

Backpropagating step by step is reliable, but it takes many small array operations. If you first work out the gradient with respect to the input on paper, it collapses into one short expression that is quicker to evaluate.

Look at a single feature: the values $x_1, \dots, x_N$ of one column of the batch. The forward pass computes

$$\mu = \frac{1}{N}\sum_{k=1}^{N} x_k, \qquad v = \frac{1}{N}\sum_{k=1}^{N} (x_k - \mu)^2, \qquad \sigma = \sqrt{v + \epsilon}, \qquad y_i = \frac{x_i - \mu}{\sigma},$$

and then $\text{out}_i = \gamma y_i + \beta$. The graph shows which quantity depends on which:

![The computation graph of batch normalization for one feature](batchnorm_graph.png)

Every $y_i$ depends on every $x_k$, along three paths: directly (for $k = i$ only), through $\mu$, and through $v$ and $\sigma$.

**Your task.** The gradients of $\gamma$ and $\beta$ are easy, and the upstream gradient of $y$ is $\frac{\partial L}{\partial y_i} = \gamma \frac{\partial L}{\partial \text{out}_i}$. Derive $\frac{\partial L}{\partial x_i}$ in closed form. Start from the local derivatives $\frac{\partial \mu}{\partial x_k}$, $\frac{\partial v}{\partial x_k}$, $\frac{\partial \sigma}{\partial v}$ and $\frac{\partial y_i}{\partial x_k}$, add up the contributions of all paths, and simplify until the result uses only $N$, $\sigma$, the $y_i$ and the $\frac{\partial L}{\partial y_i}$. Simplified far enough, it fits on one line of code.

Then implement `batchnorm_backward_alt` with your formula, vectorized over all D features at once. It receives the same cache as `batchnorm_backward`. The next cell checks that the two backward passes agree (differences of about 1e-12 or less) and prints how much faster the new one is; the exact speedup depends on your machine, but it should be clearly above 1.
""", r"""
## 更快的反向传播

逐步反向传播很可靠，但需要许多细碎的数组运算。如果先在纸上推导出对输入的梯度，它就能化简成一个简短的表达式，计算起来也更快。

只看一个特征：批中某一列的取值 $x_1, \dots, x_N$。前向传播计算

$$\mu = \frac{1}{N}\sum_{k=1}^{N} x_k, \qquad v = \frac{1}{N}\sum_{k=1}^{N} (x_k - \mu)^2, \qquad \sigma = \sqrt{v + \epsilon}, \qquad y_i = \frac{x_i - \mu}{\sigma},$$

然后计算 $\text{out}_i = \gamma y_i + \beta$。下图展示了各个量之间的依赖关系：

![单个特征上批归一化的计算图](batchnorm_graph.png)

每个 $y_i$ 都依赖于每个 $x_k$，途径有三条：直接依赖（仅当 $k = i$ 时）、通过 $\mu$，以及通过 $v$ 和 $\sigma$。

**你的任务。** $\gamma$ 和 $\beta$ 的梯度很容易求，$y$ 的上游梯度为 $\frac{\partial L}{\partial y_i} = \gamma \frac{\partial L}{\partial \text{out}_i}$。请推导 $\frac{\partial L}{\partial x_i}$ 的闭式表达式。从局部导数 $\frac{\partial \mu}{\partial x_k}$、$\frac{\partial v}{\partial x_k}$、$\frac{\partial \sigma}{\partial v}$ 和 $\frac{\partial y_i}{\partial x_k}$ 出发，把所有路径的贡献加起来，再不断化简，直到结果只用到 $N$、$\sigma$、各个 $y_i$ 以及各个 $\frac{\partial L}{\partial y_i}$。化简充分的话，它只需一行代码。

然后用你的公式实现 `batchnorm_backward_alt`，并对全部 D 个特征同时做向量化计算。它接收与 `batchnorm_backward` 相同的 cache。下一个单元检查两种反向传播的结果是否一致（差异约为 1e-12 或更小），并打印新方法快了多少倍；具体的加速比取决于你的机器，但应明显大于 1。
""")

code("bn-backward-alt-compare", [], r"""
# Both backward passes on the same forward cache: results and speed.
np.random.seed(231)
N, D = 100, 500
x = 5 * np.random.randn(N, D) + 12
gamma = np.random.randn(D)
beta = np.random.randn(D)
dout = np.random.randn(N, D)

bn_param = {'mode': 'train'}
out, cache = batchnorm_forward(x, gamma, beta, bn_param)
dx1, dgamma1, dbeta1 = batchnorm_backward(dout, cache)
dx2, dgamma2, dbeta2 = batchnorm_backward_alt(dout, cache)
print('dx difference: ', rel_error(dx1, dx2))
print('dgamma difference: ', rel_error(dgamma1, dgamma2))
print('dbeta difference: ', rel_error(dbeta1, dbeta2))


def best_time(backward, repeats=20):
    # Shortest of several runs, which is less noisy than a single run.
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        backward(dout, cache)
        times.append(time.perf_counter() - start)
    return min(times)


print('speedup: %.2fx' % (best_time(batchnorm_backward) / best_time(batchnorm_backward_alt)))
""")

# ----------------------------------------------------------------------------- FC net + BN
markdown("fc-bn-md", [], r"""
## Fully connected networks with batch normalization

Now add batch normalization to `FullyConnectedNet` in `cs231n/classifiers/fc_net.py`. With `normalization='batchnorm'`, every hidden layer becomes affine → batch norm → ReLU (→ dropout, when dropout is on). The last affine layer, which computes the class scores, is not normalized.

- In the constructor, add `gamma1, beta1, ..., gamma(L-1), beta(L-1)` to `self.params`, one pair per hidden layer: `gamma` initialized to ones, `beta` to zeros. `self.bn_params` holds one parameter dict per normalization layer; pass the i-th dict to the i-th layer.
- In `loss`, apply the normalization layers in the forward pass and return their gradients in `grads` under the same names as the parameters.

You may want to add an affine → norm → ReLU helper to `cs231n/layer_utils.py`, in the region marked for your code.

The next cell checks the gradients of a small network with two hidden layers and batch normalization, without and with regularization. The initial loss should be about 2.3 without regularization. Expect relative errors of about 1e-4 or less for the weights W, 1e-8 or less for the biases b, and 1e-8 or less for gamma and beta.
""", r"""
## 带批归一化的全连接网络

现在把批归一化加入 `cs231n/classifiers/fc_net.py` 中的 `FullyConnectedNet`。当 `normalization='batchnorm'` 时，每个隐藏层变为 仿射 → 批归一化 → ReLU（启用 dropout 时再接 → dropout）。最后一个仿射层负责计算各类别的得分，不做归一化。

- 在构造函数中，为每个隐藏层向 `self.params` 添加一对参数 `gamma1, beta1, ..., gamma(L-1), beta(L-1)`：`gamma` 初始化为全 1，`beta` 初始化为全 0。`self.bn_params` 为每个归一化层保存一个参数字典；把第 i 个字典传给第 i 个归一化层。
- 在 `loss` 中，在前向传播里加入归一化层，并在 `grads` 中以与参数相同的名字返回它们的梯度。

你可以在 `cs231n/layer_utils.py` 中标记给你写代码的区域里，添加一个 仿射 → 归一化 → ReLU 的辅助函数。

下一个单元检查一个带批归一化、有两个隐藏层的小网络的梯度，分别在不加和加正则化的情况下。不加正则化时，初始损失应约为 2.3。权重 W 的相对误差应约为 1e-4 或更小，偏置 b 的应不超过 1e-8，gamma 和 beta 的应不超过 1e-8。
""")

code("fc-bn-gradcheck", [], r"""
# Gradient check of a small network with batch normalization.
np.random.seed(231)
N, D, H1, H2, C = 2, 15, 20, 30, 10
X = np.random.randn(N, D)
y = np.random.randint(C, size=(N,))

for reg in [0, 3.14]:
    print('Running check with reg = ', reg)
    model = FullyConnectedNet([H1, H2], input_dim=D, num_classes=C,
                              reg=reg, weight_scale=5e-2, dtype=np.float64,
                              normalization='batchnorm')

    loss, grads = model.loss(X, y)
    print('Initial loss: ', loss)

    for name in sorted(grads):
        f = lambda _: model.loss(X, y)[0]
        grad_num = eval_numerical_gradient(f, model.params[name], verbose=False, h=1e-5)
        print('%s relative error: %.2e' % (name, rel_error(grad_num, grads[name])))
    if reg == 0:
        print()
""")

# ----------------------------------------------------------------------------- deep net
markdown("deep-net-md", [], r"""
## Training a deep network with batch normalization

Time to see what batch normalization does in practice. The next cell trains a network with five hidden layers of 100 units on 1000 training images twice: once with batch normalization and once without, with otherwise identical settings. Training uses the `Solver` and your `adam` update rule.

The cell after it plots the training loss, the training accuracy and the validation accuracy of both runs. If your implementation is correct, the network with batch normalization converges clearly faster.
""", r"""
## 用批归一化训练深度网络

现在来看看批归一化在实践中的效果。下一个单元在 1000 张训练图像上训练一个有五个隐藏层、每层 100 个单元的网络，训练两次：一次使用批归一化，一次不使用，其余设置完全相同。训练使用 `Solver` 和你实现的 `adam` 更新规则。

再下一个单元绘制两次训练的训练损失、训练准确率和验证准确率。如果你的实现正确，使用批归一化的网络应当明显收敛得更快。
""")

code("deep-net-train", [], r"""
# Train the same deep network with and without batch normalization.
np.random.seed(231)
hidden_dims = [100] * 5

num_train = quick(1000, 500)
small_data = {
    'X_train': data['X_train'][:num_train],
    'y_train': data['y_train'][:num_train],
    'X_val': data['X_val'],
    'y_val': data['y_val'],
}

weight_scale = 2e-2
bn_model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, normalization='batchnorm')
model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, normalization=None)

print('Solver with batch norm:')
bn_solver = Solver(bn_model, small_data,
                   num_epochs=quick(10, 2), batch_size=50,
                   update_rule='adam',
                   optim_config={'learning_rate': 1e-3},
                   verbose=True, print_every=20)
bn_solver.train()

print('\nSolver without batch norm:')
solver = Solver(model, small_data,
                num_epochs=quick(10, 2), batch_size=50,
                update_rule='adam',
                optim_config={'learning_rate': 1e-3},
                verbose=True, print_every=20)
solver.train()
""")

code("deep-net-plot", ["pdf-ignore-input"], r"""
def plot_runs(solvers, labels, show_loss=True):
    # One panel per history: training loss per iteration (optional), then
    # training and validation accuracy per epoch; one line per solver.
    panels = [
        ('train_acc_history', 'Training accuracy', 'Epoch'),
        ('val_acc_history', 'Validation accuracy', 'Epoch'),
    ]
    if show_loss:
        panels.insert(0, ('loss_history', 'Training loss', 'Iteration'))
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 4 * len(panels)))
    for ax, (history, title, xlabel) in zip(axes, panels):
        for run, label in zip(solvers, labels):
            style = '.' if history == 'loss_history' else '-o'
            ax.plot(getattr(run, history), style, label=label)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.legend()
    plt.tight_layout()
    plt.show()


plot_runs([bn_solver, solver], ['with batch norm', 'baseline (no normalization)'])
""")

# ----------------------------------------------------------------------------- weight scale
markdown("weight-scale-md", [], r"""
## Batch normalization and weight initialization

Without normalization, a deep network trains well only if its initial weights have about the right scale. This experiment trains networks with seven hidden layers of 50 units, with and without batch normalization, for 20 weight scales evenly spaced on a log scale from 1e-4 to 1. Apart from the weight scale, all runs use the same data and settings.

The experiment trains 40 networks and takes a few minutes. The plots then show, against the weight scale, the best validation accuracy, the best training accuracy and the final training loss (the mean over the last 100 iterations).
""", r"""
## 批归一化与权重初始化

不使用归一化时，只有初始权重的尺度大致合适，深度网络才能训练好。本实验训练有七个隐藏层、每层 50 个单元的网络，分别使用和不使用批归一化，共试验 20 个权重尺度，它们在对数刻度上从 1e-4 到 1 均匀分布。除了权重尺度之外，所有训练使用相同的数据和设置。

本实验要训练 40 个网络，需要几分钟时间。随后的图以权重尺度为横轴，展示最佳验证准确率、最佳训练准确率和最终训练损失（最后 100 次迭代的平均值）。
""")

code("weight-scale-train", [], r"""
# For every weight scale, train one network with and one without batch normalization.
np.random.seed(231)
hidden_dims = [50] * 7
weight_scales = np.logspace(-4, 0, num=quick(20, 5))

bn_solvers_ws = []
solvers_ws = []
for i, weight_scale in enumerate(weight_scales):
    print('Running weight scale %d / %d' % (i + 1, len(weight_scales)))
    bn_model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, normalization='batchnorm')
    model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, normalization=None)

    bn_solver = Solver(bn_model, small_data,
                       num_epochs=quick(10, 2), batch_size=50,
                       update_rule='adam',
                       optim_config={'learning_rate': 1e-3},
                       verbose=False, print_every=200)
    bn_solver.train()
    bn_solvers_ws.append(bn_solver)

    solver = Solver(model, small_data,
                    num_epochs=quick(10, 2), batch_size=50,
                    update_rule='adam',
                    optim_config={'learning_rate': 1e-3},
                    verbose=False, print_every=200)
    solver.train()
    solvers_ws.append(solver)
""")

code("weight-scale-plot", ["pdf-ignore-input"], r"""
# Three summaries of every run, plotted against the weight scale.
summaries = [
    ('Best validation accuracy', lambda run: run.best_val_acc),
    ('Best training accuracy', lambda run: max(run.train_acc_history)),
    ('Final training loss', lambda run: np.mean(run.loss_history[-100:])),
]
fig, axes = plt.subplots(len(summaries), 1, figsize=(10, 13))
for ax, (title, summary) in zip(axes, summaries):
    ax.semilogx(weight_scales, [summary(run) for run in bn_solvers_ws], '-o', label='with batch norm')
    ax.semilogx(weight_scales, [summary(run) for run in solvers_ws], '-o', label='baseline (no normalization)')
    ax.set_title(title + ' vs. weight initialization scale')
    ax.set_xlabel('Weight initialization scale')
    ax.set_ylabel(title)
    ax.legend()

# The loss of badly initialized baselines can be huge: a log scale keeps the rest readable.
axes[2].set_yscale('log')
plt.tight_layout()
plt.show()
""")

markdown("q1", ["pdf-inline"], r"""
## Inline Question 1

Describe what the three plots show. How does the scale of the initial weights affect the networks with and without batch normalization, and why do the two react so differently?
""", r"""
## 课堂问题 1

描述这三幅图展示的结果。初始权重的尺度对使用和不使用批归一化的网络分别有什么影响？为什么两者的反应如此不同？
""")

markdown("a1", ["pdf-inline", "solution"], r"""
**Model answer:** Without batch normalization, the network learns only within a narrow band of weight scales, a few times 1e-2 up to about 1e-1. With smaller weights, each of the eight layers shrinks the signal by a constant factor, so the scores and the gradients reaching the early layers are nearly zero: the loss stays near $\ln 10 \approx 2.3$ and the accuracy near chance. With larger weights, the activations instead grow layer after layer; the scores become huge, the softmax saturates, the loss explodes and the updates are erratic.

With batch normalization, the network learns at every scale, its final loss stays low, and it beats the baseline almost everywhere; the accuracy still varies with the scale, but much less. Every batch normalization layer rescales its input to mean 0 and variance 1, so multiplying the weights in front of it by a constant does not change its output: the signal reaches every layer at a healthy scale whatever the initialization, and the gradients neither vanish nor explode with depth. What is left of the effect comes from what normalization does not cover: the last affine layer is not normalized, and with tiny weights each Adam step (about 1e-3) is large compared with the weights themselves, which acts like a much larger learning rate.
""", r"""
**参考答案：** 不使用批归一化时，网络只在很窄的权重尺度范围内（从几倍的 1e-2 到大约 1e-1）能够学习。权重更小时，八层中的每一层都会把信号按一个固定比例缩小，于是得分和传回前几层的梯度几乎为零：损失停留在 $\ln 10 \approx 2.3$ 附近，准确率接近随机猜测。权重更大时，激活值反而逐层增大；得分变得极大，softmax 饱和，损失爆炸，参数更新也变得不稳定。

使用批归一化时，网络在每个尺度下都能学习，最终损失保持较低，几乎处处优于基线；准确率仍会随尺度变化，但变化小得多。每个批归一化层都把输入重新缩放为均值 0、方差 1，因此把它前面的权重乘以一个常数不会改变它的输出：无论如何初始化，信号都能以合适的尺度到达每一层，梯度也不会随深度消失或爆炸。剩余的影响来自归一化没有覆盖的部分：最后一个仿射层没有被归一化；而权重极小时，Adam 每一步的更新量（约 1e-3）相对于权重本身很大，相当于使用了大得多的学习率。
""")

# ----------------------------------------------------------------------------- batch size
markdown("batch-size-md", [], r"""
## Batch normalization and batch size

Batch normalization estimates the mean and variance of every feature from the current minibatch, so the batch size should matter. The next cell trains the network with five hidden layers and batch normalization for batch sizes 5, 10 and 50 and, as a baseline, the same network without normalization with batch size 5. All runs use the same learning rate and number of epochs. The plots after it compare the training and validation accuracy per epoch.

`run_batch_size_experiment` takes the kind of normalization as its argument: you will reuse it for layer normalization below.
""", r"""
## 批归一化与批大小

批归一化用当前小批量来估计每个特征的均值和方差，因此批大小应当有影响。下一个单元用批大小 5、10 和 50 分别训练带批归一化、有五个隐藏层的网络；作为基线，还用批大小 5 训练同一个不带归一化的网络。所有训练使用相同的学习率和轮数（epoch）。随后的图比较每一轮的训练准确率和验证准确率。

`run_batch_size_experiment` 以归一化的类型为参数：后面做层归一化时还会用到它。
""")

code("batch-size-train", [], r"""
def run_batch_size_experiment(normalization):
    # Train with the given normalization for several batch sizes, plus a baseline
    # without normalization at the smallest batch size (on small_data from above).
    np.random.seed(231)
    hidden_dims = [100] * 5
    weight_scale = 2e-2
    batch_sizes = [5, 10, 50]
    learning_rate = 10**(-3.5)
    num_epochs = quick(10, 2)

    print('No normalization: batch size = ', batch_sizes[0])
    model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, normalization=None)
    baseline = Solver(model, small_data,
                      num_epochs=num_epochs, batch_size=batch_sizes[0],
                      update_rule='adam',
                      optim_config={'learning_rate': learning_rate},
                      verbose=False)
    baseline.train()

    norm_solvers = []
    for batch_size in batch_sizes:
        print('Normalization: batch size = ', batch_size)
        norm_model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale,
                                       normalization=normalization)
        norm_solver = Solver(norm_model, small_data,
                             num_epochs=num_epochs, batch_size=batch_size,
                             update_rule='adam',
                             optim_config={'learning_rate': learning_rate},
                             verbose=False)
        norm_solver.train()
        norm_solvers.append(norm_solver)

    return norm_solvers, baseline, batch_sizes


bn_solvers_bsize, solver_bsize, batch_sizes = run_batch_size_experiment('batchnorm')
""")

code("batch-size-plot", ["pdf-ignore-input"], r"""
# Accuracy per epoch for every batch size, and the baseline.
labels = ['batch norm, batch size %d' % b for b in batch_sizes]
labels.append('baseline, batch size %d' % batch_sizes[0])
plot_runs(bn_solvers_bsize + [solver_bsize], labels, show_loss=False)
""")

markdown("q2", ["pdf-inline"], r"""
## Inline Question 2

What does this experiment tell you about how batch normalization depends on the batch size? Why does it behave this way?
""", r"""
## 课堂问题 2

这个实验说明了批归一化与批大小之间有怎样的关系？为什么会这样？
""")

markdown("a2", ["pdf-inline", "solution"], r"""
**Model answer:** Batch normalization needs batches that are large enough. With batch size 50 the network with batch normalization does best; with batch size 10 it does worse, and with batch size 5 its accuracy drops to about that of the baseline without normalization, or below it. There are two reasons:

- The mean and variance of 5 data points are very noisy estimates of a feature's statistics. Each normalized value then depends strongly on which other examples happen to share the batch, which adds noise to every forward and backward pass and makes the fit harder.
- At test time the layer normalizes with its running averages. The smaller the batch, the more these differ from the per-batch statistics the network was trained with, so the network computes something different from what it was trained to compute. (The solver measures both accuracies in test mode, so both plots show this.)

So batch normalization helps less, and can even hurt, when memory or the task forces small batches; that is what motivates normalizations that do not depend on the batch, such as layer normalization.
""", r"""
**参考答案：** 批归一化需要足够大的批。批大小为 50 时，带批归一化的网络效果最好；批大小为 10 时效果变差；批大小为 5 时，它的准确率降到与不带归一化的基线差不多，甚至更低。原因有两个：

- 5 个数据点的均值和方差是对特征统计量噪声很大的估计。于是每个归一化后的值都强烈依赖于恰好与它同批的其他样本，这给每一次前向和反向传播都加入了噪声，使拟合更加困难。
- 测试时，该层用滑动平均来归一化。批越小，滑动平均与网络训练时所用的每批统计量差别越大，于是网络实际计算的结果与它训练时学到的计算不同。（solver 在测试模式下计算两种准确率，因此两幅图都反映了这一点。）

因此，当内存或任务本身迫使我们使用小批量时，批归一化的帮助会变小，甚至有害；这正是提出层归一化这类不依赖于批的归一化方法的动机。
""")

# ----------------------------------------------------------------------------- layer norm
markdown("ln-md", [], r"""
## Layer normalization

Batch normalization works best with large batches, and large batches are not always possible: a big model may fit in memory only with small batches, and some settings, such as recurrent networks or learning from one example at a time, have no natural batch at all. Layer normalization [2] keeps the idea but changes the axis: every data point is normalized over its own features. For a data point with D features it computes the mean and variance of those D values, standardizes them, and then applies a learned per-feature scale $\gamma$ and shift $\beta$, just as batch normalization does.

Since its statistics come from a single data point, layer normalization does not depend on the batch at all: it computes the same thing in training and at test time, and needs no running averages.

[2] Jimmy Lei Ba, Jamie Ryan Kiros and Geoffrey E. Hinton, "Layer Normalization", 2016. https://arxiv.org/abs/1607.06450
""", r"""
## 层归一化

批归一化在大批量下效果最好，但大批量并不总是可行的：大模型可能只有在批很小时才放得进内存；还有些场景，例如循环神经网络或逐个样本学习，根本没有天然的批。层归一化 [2] 保留了同样的思想，只是换了一个轴：每个数据点在它自身的特征上做归一化。对于一个有 D 个特征的数据点，它计算这 D 个值的均值和方差，将其标准化，然后像批归一化一样，施加可学习的逐特征缩放 $\gamma$ 和平移 $\beta$。

由于统计量来自单个数据点，层归一化完全不依赖于批：训练和测试时的计算完全相同，也不需要滑动平均。

[2] Jimmy Lei Ba, Jamie Ryan Kiros and Geoffrey E. Hinton, "Layer Normalization", 2016. https://arxiv.org/abs/1607.06450
""")

markdown("q3", ["pdf-inline"], r"""
## Inline Question 3

Normalizing each feature over the data points (as batch normalization does) and each data point over its features (as layer normalization does) also happen in ordinary data preprocessing. Which of these preprocessing steps is analogous to batch normalization, and which to layer normalization?

1. Scale each image so that, in each row of pixels, the RGB values sum to 1.
2. Scale each image so that all of its RGB values sum to 1.
3. Subtract the mean image of the dataset from every image.
4. Set every RGB value to 0 or 1 according to a threshold.
""", r"""
## 课堂问题 3

对每个特征在各数据点上做归一化（如批归一化），以及对每个数据点在其特征上做归一化（如层归一化），在普通的数据预处理中也会出现。下列预处理步骤中，哪一个类似于批归一化，哪一个类似于层归一化？

1. 缩放每张图像，使其每一行像素的 RGB 值之和为 1。
2. 缩放每张图像，使其全部 RGB 值之和为 1。
3. 从每张图像中减去数据集的平均图像。
4. 按照一个阈值把每个 RGB 值设为 0 或 1。
""")

markdown("a3", ["pdf-inline", "solution"], r"""
**Model answer:** Step 3 is analogous to batch normalization, and step 2 to layer normalization.

- **3 ↔ batch normalization.** The mean image holds one statistic per feature (per pixel and color channel), computed over many data points and then applied to every image, just as batch normalization computes each feature's statistics over the batch. The dataset plays the role of the batch; the closest match is batch normalization at test time, with its running averages.
- **2 ↔ layer normalization.** The scale factor is a statistic of a single image over all of its features, and it is applied to that image only, just as layer normalization uses the statistics of one data point over all of its features.
- Step 1 also works on each image alone, but it normalizes every row of pixels separately, that is, over a subset of the features; it is closer to group normalization than to layer normalization.
- Step 4 computes no statistic at all: thresholding is a fixed elementwise function, so it is like neither.
""", r"""
**参考答案：** 步骤 3 类似于批归一化，步骤 2 类似于层归一化。

- **3 ↔ 批归一化。** 平均图像为每个特征（每个像素的每个颜色通道）保存一个统计量，它在许多数据点上计算得到，然后应用到每一张图像上，正如批归一化在批上计算每个特征的统计量。数据集相当于批；最贴切的对应是测试时使用滑动平均的批归一化。
- **2 ↔ 层归一化。** 缩放系数是单张图像在其全部特征上的统计量，并且只应用于这张图像，正如层归一化使用一个数据点在其全部特征上的统计量。
- 步骤 1 同样只针对单张图像，但它对每一行像素分别归一化，也就是只在一部分特征上计算统计量；它更接近组归一化，而不是层归一化。
- 步骤 4 根本不计算任何统计量：阈值化是一个固定的逐元素函数，因此两者都不像。
""")

markdown("ln-forward-md", [], r"""
## Layer normalization: forward and backward

Implement `layernorm_forward` and `layernorm_backward` in `cs231n/layers.py`. Much of your batch normalization code carries over: the main change is the axis over which the statistics are taken. In the backward pass, think about which of your batch normalization steps still work once the roles of the two axes are swapped. `gamma` and `beta` have shape (D,) as before, `eps` comes from `ln_param` (default 1e-5), and there are neither running averages nor a difference between training and test mode.

The next cell reuses the small random network from above, with N = 4 data points, and prints the means and standard deviations over the features of each data point (axis 1). After normalization, every data point should have a mean close to 0 and a standard deviation close to 1; with `gamma` = 3 and `beta` = 5, a mean close to 5 and a standard deviation close to 3.
""", r"""
## 层归一化：前向和反向传播

在 `cs231n/layers.py` 中实现 `layernorm_forward` 和 `layernorm_backward`。批归一化的大部分代码都可以沿用：主要的变化是计算统计量所沿的轴。在反向传播中，想一想当两个轴的角色互换之后，批归一化的哪些步骤依然成立。`gamma` 和 `beta` 的形状仍为 (D,)，`eps` 取自 `ln_param`（默认 1e-5），既没有滑动平均，训练模式和测试模式也没有区别。

下一个单元沿用前面那个随机的小网络，取 N = 4 个数据点，打印每个数据点在其特征上（axis 1）的均值和标准差。归一化之后，每个数据点的均值应接近 0、标准差应接近 1；当 `gamma` = 3、`beta` = 5 时，均值应接近 5、标准差应接近 3。
""")

code("ln-forward-check", [], r"""
# The same kind of activations, now normalized per data point (axis 1).
np.random.seed(231)
N, D1, D2, D3 = 4, 50, 60, 3
X = np.random.randn(N, D1)
W1 = np.random.randn(D1, D2)
W2 = np.random.randn(D2, D3)
a = np.maximum(0, X.dot(W1)).dot(W2)

print('Before layer normalization:')
print_mean_std(a, axis=1)

# With gamma = 1 and beta = 0: means should be near 0 and stds near 1.
gamma = np.ones(D3)
beta = np.zeros(D3)
print('After layer normalization (gamma=1, beta=0)')
a_norm, _ = layernorm_forward(a, gamma, beta, {'mode': 'train'})
print_mean_std(a_norm, axis=1)

# With gamma = 3 and beta = 5: means should be near 5 and stds near 3.
gamma = np.asarray([3.0, 3.0, 3.0])
beta = np.asarray([5.0, 5.0, 5.0])
print('After layer normalization (gamma=', gamma, ', beta=', beta, ')')
a_norm, _ = layernorm_forward(a, gamma, beta, {'mode': 'train'})
print_mean_std(a_norm, axis=1)
""")

markdown("ln-backward-md", [], r"""
The next cell compares `layernorm_backward` with numerical gradients. The relative errors should be between 1e-12 and 1e-8.
""", r"""
下一个单元把 `layernorm_backward` 与数值梯度进行比较。相对误差应在 1e-12 到 1e-8 之间。
""")

code("ln-backward-check", [], r"""
# Compare the analytic gradients with numerical ones on a small batch.
np.random.seed(231)
N, D = 4, 5
x = 5 * np.random.randn(N, D) + 12
gamma = np.random.randn(D)
beta = np.random.randn(D)
dout = np.random.randn(N, D)

ln_param = {}
fx = lambda x: layernorm_forward(x, gamma, beta, ln_param)[0]
fg = lambda a: layernorm_forward(x, a, beta, ln_param)[0]
fb = lambda b: layernorm_forward(x, gamma, b, ln_param)[0]

dx_num = eval_numerical_gradient_array(fx, x, dout)
da_num = eval_numerical_gradient_array(fg, gamma.copy(), dout)
db_num = eval_numerical_gradient_array(fb, beta.copy(), dout)

_, cache = layernorm_forward(x, gamma, beta, ln_param)
dx, dgamma, dbeta = layernorm_backward(dout, cache)

# Expect relative errors between 1e-12 and 1e-8.
print('dx error: ', rel_error(dx_num, dx))
print('dgamma error: ', rel_error(da_num, dgamma))
print('dbeta error: ', rel_error(db_num, dbeta))
""")

markdown("ln-batch-size-md", [], r"""
## Layer normalization and batch size

Now add layer normalization to `FullyConnectedNet`. With `normalization='layernorm'`, every hidden layer becomes affine → layer norm → ReLU (→ dropout). The parameters are named `gamma1, beta1, ...` as for batch normalization, and the dicts in `self.bn_params` serve as the `ln_param` of each layer. If you wrote an affine → norm → ReLU helper, extending it should be all you need.

Then run the batch-size experiment again, this time with layer normalization. Compared with batch normalization, the batch size should matter much less.
""", r"""
## 层归一化与批大小

现在把层归一化加入 `FullyConnectedNet`。当 `normalization='layernorm'` 时，每个隐藏层变为 仿射 → 层归一化 → ReLU（→ dropout）。参数的命名与批归一化相同，为 `gamma1, beta1, ...`；`self.bn_params` 中的字典用作每一层的 `ln_param`。如果你写过 仿射 → 归一化 → ReLU 的辅助函数，只需扩展它即可。

然后再运行一次批大小实验，这次使用层归一化。与批归一化相比，批大小的影响应当小得多。
""")

code("ln-batch-size-train", [], r"""
# The batch-size experiment again, with layer normalization.
ln_solvers_bsize, solver_bsize, batch_sizes = run_batch_size_experiment('layernorm')
""")

code("ln-batch-size-plot", ["pdf-ignore-input"], r"""
# Accuracy per epoch for every batch size, and the baseline.
labels = ['layer norm, batch size %d' % b for b in batch_sizes]
labels.append('baseline, batch size %d' % batch_sizes[0])
plot_runs(ln_solvers_bsize + [solver_bsize], labels, show_loss=False)
""")

markdown("q4", ["pdf-inline"], r"""
## Inline Question 4

In which of these situations is layer normalization likely to work poorly, and why?

1. Using it in a very deep network.
2. Using it on layers with very few features (a small feature dimension).
3. Using it together with very strong regularization.
""", r"""
## 课堂问题 4

在下列哪些情况下，层归一化可能效果不好？为什么？

1. 在非常深的网络中使用。
2. 在特征数很少（特征维度很小）的层上使用。
3. 与非常强的正则化一起使用。
""")

markdown("a4", ["pdf-inline", "solution"], r"""
**Model answer:** Situation 2; situation 3 can also be argued; situation 1 is not a problem.

- **2, a small feature dimension.** Layer normalization estimates each data point's mean and variance from its D features. With only a few features these estimates are very noisy, and the normalization throws away much of what the layer computes: with D = 2 every normalized data point becomes (−1, 1) or (1, −1), and with D = 1 the output is $\beta$ whatever the input. It is the same problem batch normalization has with small batches, along the other axis.
- **3, strong regularization** (defensible). A strong L2 penalty pushes the weights towards zero, but the output of a normalization layer does not change when the weights before it are scaled, so the penalty no longer restrains what the network computes. It only shrinks the weights, which makes each update relatively larger and training less stable, and once the pre-activations become tiny compared with $\epsilon$ the normalization flattens the signal. And if the network already underfits because of the regularization, normalization cannot fix that.
- **1, a very deep network**, is not a weakness: normalization is most useful in deep networks, since every layer's inputs are standardized no matter how many layers come before it.
""", r"""
**参考答案：** 情况 2；情况 3 也可以成立；情况 1 不是问题。

- **2，特征维度很小。** 层归一化用每个数据点的 D 个特征来估计它的均值和方差。特征很少时，这些估计噪声很大，归一化会丢掉该层计算结果中的大量信息：当 D = 2 时，每个归一化后的数据点都变成 (−1, 1) 或 (1, −1)；当 D = 1 时，无论输入是什么，输出都是 $\beta$。这和批归一化在小批量下遇到的问题相同，只是换了一个轴。
- **3，很强的正则化**（可以成立）。很强的 L2 惩罚会把权重推向零，但归一化层的输出不随其前面权重的缩放而改变，因此惩罚不再约束网络所计算的函数。它只会让权重变小，使每次更新相对更大、训练更不稳定；而一旦预激活值相对于 $\epsilon$ 变得极小，归一化就会把信号抹平。此外，如果网络已经因为正则化而欠拟合，归一化也无法解决这个问题。
- **1，非常深的网络**，并不是弱点：归一化在深度网络中最有用，因为无论前面有多少层，每一层的输入都会被标准化。
""")

# ----------------------------------------------------------------------------- comments
# Every comment line of the code cells above (stripped), in Simplified Chinese.
COMMENTS = {
    "# Re-import edited files from cs231n/ before every cell runs.":
        "# 每个单元运行前，重新导入 cs231n/ 中修改过的文件。",
    "# Largest elementwise relative difference between x and y.":
        "# x 与 y 之间逐元素相对误差的最大值。",
    "# Means and standard deviations of x along the given axis.":
        "# x 沿给定轴的均值和标准差。",
    "# Size of the training experiments. Leave this as it is: without the environment":
        "# 训练实验的规模。请保持原样：不设置环境变量 BN_NOTEBOOK_QUICK 时，",
    "# variable BN_NOTEBOOK_QUICK you get the assignment's settings. Our automated checks":
        "# 使用的就是作业规定的设置。我们的自动检查会设置 BN_NOTEBOOK_QUICK=1，",
    "# set BN_NOTEBOOK_QUICK=1 to run every experiment at a smaller size.":
        "# 以较小的规模运行每个实验。",
    "# The assignment's setting `full`, or the smaller `small` in quick mode.":
        "# 返回作业规定的设置 `full`；快速模式下返回较小的 `small`。",
    "# Load the preprocessed CIFAR-10 data and show the shape of every split.":
        "# 加载预处理好的 CIFAR-10 数据，并显示每个划分的形状。",
    "# Activations to normalize: random data through a two-layer ReLU network.":
        "# 待归一化的激活值：随机数据通过一个两层 ReLU 网络。",
    "# With gamma = 1 and beta = 0: means should be near 0 and stds near 1.":
        "# gamma = 1、beta = 0 时：均值应接近 0，标准差应接近 1。",
    "# With other gamma and beta: means should be near beta and stds near gamma.":
        "# 取其他 gamma 和 beta 时：均值应接近 beta，标准差应接近 gamma。",
    "# Warm up the running averages with 50 batches in training mode.":
        "# 在训练模式下运行 50 个批，让滑动平均趋于稳定。",
    "# Normalize a new batch with the running averages.":
        "# 用滑动平均归一化一个新的批。",
    "# Means near 0 and stds near 1, but noisier than in training mode.":
        "# 均值接近 0、标准差接近 1，但噪声比训练模式下更大。",
    "# Compare the analytic gradients with numerical ones on a small batch.":
        "# 在一个小批量上比较解析梯度与数值梯度。",
    "# Expect relative errors between 1e-13 and 1e-8.":
        "# 相对误差应在 1e-13 到 1e-8 之间。",
    "# Both backward passes on the same forward cache: results and speed.":
        "# 用同一个前向 cache 运行两种反向传播：比较结果和速度。",
    "# Shortest of several runs, which is less noisy than a single run.":
        "# 取多次运行中最短的时间，比单次运行的噪声小。",
    "# Gradient check of a small network with batch normalization.":
        "# 对一个带批归一化的小网络做梯度检查。",
    "# Train the same deep network with and without batch normalization.":
        "# 分别在使用和不使用批归一化的情况下训练同一个深度网络。",
    "# One panel per history: training loss per iteration (optional), then":
        "# 每种历史记录一个子图：每次迭代的训练损失（可选），然后是",
    "# training and validation accuracy per epoch; one line per solver.":
        "# 每一轮的训练准确率和验证准确率；每个 solver 一条曲线。",
    "# For every weight scale, train one network with and one without batch normalization.":
        "# 对每个权重尺度，各训练一个使用和一个不使用批归一化的网络。",
    "# Three summaries of every run, plotted against the weight scale.":
        "# 每次训练的三项汇总指标，以权重尺度为横轴作图。",
    "# The loss of badly initialized baselines can be huge: a log scale keeps the rest readable.":
        "# 初始化不当的基线网络损失可能极大：使用对数刻度，其余曲线才看得清。",
    "# Train with the given normalization for several batch sizes, plus a baseline":
        "# 用给定的归一化方式在几种批大小下训练，另外在最小的批大小下",
    "# without normalization at the smallest batch size (on small_data from above).":
        "# 训练一个不带归一化的基线（使用上面的 small_data）。",
    "# Accuracy per epoch for every batch size, and the baseline.":
        "# 每种批大小以及基线在每一轮的准确率。",
    "# The same kind of activations, now normalized per data point (axis 1).":
        "# 同类的激活值，这次按每个数据点（axis 1）归一化。",
    "# With gamma = 3 and beta = 5: means should be near 5 and stds near 3.":
        "# gamma = 3、beta = 5 时：均值应接近 5，标准差应接近 3。",
    "# Expect relative errors between 1e-12 and 1e-8.":
        "# 相对误差应在 1e-12 到 1e-8 之间。",
    "# The batch-size experiment again, with layer normalization.":
        "# 再做一次批大小实验，这次使用层归一化。",
}


# ----------------------------------------------------------------------------- writing
def comment_lines(source: str) -> list[str]:
    """The comment lines of a code cell: stripped lines starting with '#'."""
    return [line.strip() for line in source.splitlines() if line.strip().startswith("#")]


def build_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for spec in CELLS:
        metadata = {"tags": list(spec["tags"])} if spec["tags"] else {}
        if spec["type"] == "markdown":
            cell = nbformat.v4.new_markdown_cell(spec["source"], id=spec["id"], metadata=metadata)
        else:
            cell = nbformat.v4.new_code_cell(spec["source"], id=spec["id"], metadata=metadata)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def toml_basic_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def build_translation() -> str:
    used = [c for spec in CELLS if spec["type"] == "code" for c in comment_lines(spec["source"])]
    missing = sorted(set(used) - set(COMMENTS))
    stale = sorted(set(COMMENTS) - set(used))
    if missing or stale:
        sys.exit(f"comment translations out of date: missing {missing}, unused {stale}")

    lines = [
        "# zh-CN translation of assignment/BatchNormalization.ipynb (contract 2 of",
        "# docs/ARCHITECTURE.md). Generated by assignment/tools/build_notebook.py:",
        "# edit the translation there, next to the English, and rerun the script.",
        "",
        f"answer_placeholder = {toml_basic_string(ZH_ANSWER_PLACEHOLDER)}",
        "",
    ]
    for spec in CELLS:
        if spec["type"] != "markdown":
            continue
        if "'''" in spec["zh"]:
            sys.exit(f"cell {spec['id']}: ''' cannot appear in a TOML literal string")
        lines += [f"[cells.{spec['id']}]", f"source = '''\n{spec['zh']}'''", ""]
    lines.append("[comments]")
    for english in dict.fromkeys(used):
        lines.append(f"{toml_basic_string(english)} = {toml_basic_string(COMMENTS[english])}")
    text = "\n".join(lines) + "\n"

    parsed = tomllib.loads(text)
    assert parsed["comments"] == {k: COMMENTS[k] for k in used}
    assert all(parsed["cells"][s["id"]]["source"] == s["zh"]
               for s in CELLS if s["type"] == "markdown")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a file differs from what would be written")
    args = parser.parse_args()

    ids = [spec["id"] for spec in CELLS]
    if len(ids) != len(set(ids)):
        sys.exit("duplicate cell ids")
    outputs = {
        NOTEBOOK: nbformat.writes(build_notebook()) + "\n",
        ZH_CN: build_translation(),
    }
    stale = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ASSIGNMENT.parent)}")
    if stale:
        print("out of date (rerun assignment/tools/build_notebook.py):",
              ", ".join(str(p.relative_to(ASSIGNMENT.parent)) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
