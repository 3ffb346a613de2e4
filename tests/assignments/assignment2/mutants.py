"""Assignment 2's mutant catalogue: its reference with one seeded bug each (declarations
only; tests/assignments/test_mutation_suite.py grades them, tests/support/mutation.py
says what a declaration means)."""

from __future__ import annotations

from tests.support.mutation import mutant

LAYERS = "cs231n/layers.py"
FC_NET = "cs231n/classifiers/fc_net.py"
OPTIM = "cs231n/optim.py"
CNN = "cs231n/classifiers/cnn.py"
SOLVER = "cs231n/solver.py"

NOTEBOOK_CODE_POINTS = {"BatchNormalization": 90, "FullyConnectedNets": 90, "Dropout": 90,
                        "ConvolutionalNetworks": 90}
"""Code points per notebook of this catalogue's checks (README: the point split). The
checks of a notebook the release leaves out score nothing, so the total follows
assignment.toml's notebooks. PyTorch's checks have a catalogue of their own
(mutants_pytorch.py, whose POINTS the suite adds)."""


def _code_points() -> int:
    from gradekit.config import load_assignment
    from tests.support.paths import A2

    release = load_assignment(A2.toml).release
    return sum(NOTEBOOK_CODE_POINTS.get(path.stem, 0) for path in release.notebooks)


CODE_POINTS = _code_points()
"""What the reference scores on the code checks."""


BN_TRAIN_VAR = "        var = (xc**2).mean(axis=0)\n"
BN_OUT = "        out = gamma * xhat + beta\n\n        running_mean = momentum"
ALT_START = ('    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****\n'
             '    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]\n')
BN_START = ('        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****\n'
            '        mean = x.mean(axis=0)\n')
STAGED_SUMS = ("    # out = gamma * xhat + beta\n    dbeta = dout.sum(axis=0)\n"
               "    dgamma = (dout * xhat).sum(axis=0)\n")
NUMPY_IMPORT = "\nimport numpy as np\n"
HOSTILE_ALLCLOSE = NUMPY_IMPORT + (
    "np.allclose = lambda *args, **kwargs: True\n"
    "np.testing.assert_allclose = lambda *args, **kwargs: None\n")

# ------------------------------------------------------------ the bug patterns of spec §7
SPEC_PATTERNS = [
    mutant("eps in running var",
           (LAYERS, "(1 - momentum) * var\n", "(1 - momentum) * (var + eps)\n"),
           "2.3", "eps added into the stored running variance"),
    mutant("ddof=1 variance",
           (LAYERS, BN_TRAIN_VAR, "        var = (xc**2).sum(axis=0) / (N - 1)\n"),
           "2.1 2.2", "ddof=1"),  # 2.3: the running variance is charged in 2.2
    mutant("running stats not written back",
           (LAYERS, '    bn_param["running_mean"] = running_mean\n'
                    '    bn_param["running_var"] = running_var\n', ""),
           "2.3", "not written back"),  # 2.4 warms up with the reference (charge once)
    mutant("running stats updated in test mode",
           (LAYERS, "        xhat = (x - running_mean) / np.sqrt(running_var + eps)\n",
            "        xhat = (x - running_mean) / np.sqrt(running_var + eps)\n"
            "        running_mean = momentum * running_mean + (1 - momentum) * x.mean(axis=0)\n"),
           "2.5", "running stats updated in test mode"),  # 5.4: charged in 2.5
    mutant("gamma and beta not applied",
           (LAYERS, BN_OUT, "        out = xhat\n\n        running_mean = momentum"),
           "2.1 2.2", "gamma and beta not applied"),
    mutant("gamma and beta before normalizing",
           ((LAYERS, BN_START, BN_START.replace(
               "        mean =", "        x = gamma * x + beta\n        mean =")),
            (LAYERS, BN_OUT, "        out = xhat\n\n        running_mean = momentum")),
           "2.1 2.2", "applied before normalizing"),  # 3.x: a cache of gamma * x + beta
    mutant("x mutated in place",
           (LAYERS, "        xc = x - mean\n" + BN_TRAIN_VAR,
            "        x -= mean\n        xc = x\n" + BN_TRAIN_VAR),
           "2.7", "x mutated in place", only=True),
    mutant("layer norm over the batch axis",
           ((LAYERS, "    mean = x.mean(axis=1, keepdims=True)\n",
             "    mean = x.mean(axis=0, keepdims=True)\n"),
            (LAYERS, "    var = (xc**2).mean(axis=1, keepdims=True)\n",
             "    var = (xc**2).mean(axis=0, keepdims=True)\n")),
           "4.1 4.2", "over the batch axis"),  # 4.3, 4.4: row-wise backward, column stats
    mutant("gamma and beta for the last layer",
           (FC_NET, "if self.normalization is not None and k < self.num_layers:",
            "if self.normalization is not None:"),
           "5.2", "created for the last layer"),  # 5.3 (layernorm): charged in 5.2
    mutant("L2 without 0.5",
           (FC_NET, "loss += 0.5 * self.reg * np.sum(w * w)", "loss += self.reg * np.sum(w * w)"),
           "10.2 10.5", "without the 0.5 factor", only=True),  # 5.1, 5.7: noted, not charged
    mutant("gamma and beta regularized",
           (FC_NET, "            grads[f\"W{k}\"] += self.reg * w\n",
            "            grads[f\"W{k}\"] += self.reg * w\n"
            "        for name in self.params:\n"
            "            if name.startswith((\"gamma\", \"beta\")):\n"
            "                loss += 0.5 * self.reg * np.sum(self.params[name] ** 2)\n"
            "                grads[name] += self.reg * self.params[name]\n"),
           "5.1 5.7", "gamma/beta regularized", only=True),
    mutant("alt is the staged backward",
           (LAYERS, ALT_START, ALT_START.replace(
               "    xhat,", "    return batchnorm_backward(dout, cache)\n    xhat,")),
           "3.6", "copy of the staged one", only=True),
    mutant("dgamma of shape (1, D)",
           (LAYERS, STAGED_SUMS, STAGED_SUMS.replace("(dout * xhat).sum(axis=0)",
                                                     "(dout * xhat).sum(axis=0, keepdims=True)")),
           "3.5", "(1, D)"),
]

# ------------------------------------------------------------ more bugs of our own
OWN_BUGS = [
    mutant("relu backward masks by dout",
           (LAYERS, "    dx = dout * (x > 0)\n", "    dx = dout * (dout > 0)\n"),
           "1.2", "instead of x > 0"),
    mutant("affine db averaged",
           (LAYERS, "    db = dout.sum(axis=0)\n    # *****END", "    db = dout.mean(axis=0)\n"
                                                              "    # *****END"),
           "1.1"),
    mutant("dbeta summed over features",
           (LAYERS, STAGED_SUMS, STAGED_SUMS.replace("dbeta = dout.sum(axis=0)",
                                                     "dbeta = dout.sum(axis=1)")),
           "3.2 3.5", "feature axis"),
    mutant("momentum swapped",
           (LAYERS, "running_mean = momentum * running_mean + (1 - momentum) * mean",
            "running_mean = (1 - momentum) * running_mean + momentum * mean"),
           "2.3", "swapped"),  # 2.4 warms up with the reference (charge once)
    mutant("eps fixed at 1e-5",
           (LAYERS, '    eps = bn_param.get("eps", 1e-5)\n', "    eps = 1e-5\n"),
           "2.2"),
    mutant("bad mode accepted",
           (LAYERS, "        raise ValueError(f\"Invalid batchnorm mode",
            "        mode = \"train\"\n        str(f\"Invalid batchnorm mode"),
           "2.6", only=True),
    mutant("test mode without eps",
           (LAYERS, "        xhat = (x - running_mean) / np.sqrt(running_var + eps)\n",
            "        xhat = (x - running_mean) / np.sqrt(running_var)\n"),
           "2.5", "eps missing in test mode"),
    mutant("staged backward misses the variance path",
           (LAYERS, "    dxc = dxc + 2 * xc * dsq\n", "    dxc = dxc + 0 * dsq\n"),
           "3.1 3.2", "misses the path through the variance"),  # 3.3: alt vs the reference
    mutant("alt misses a term",
           (LAYERS, "        block -= mean_dout\n", ""),
           "3.3 3.4 3.6", "misses the path through the mean"),
    mutant("layer norm ignores eps",
           (LAYERS, '    eps = ln_param.get("eps", 1e-5)\n', "    eps = 1e-5\n"),
           "4.2"),
    mutant("dropout scales by p",
           (LAYERS, "< p).astype(x.dtype) / p\n", "< p).astype(x.dtype) * p\n"),
           "11.1 11.3", "multiplied by p instead of divided by p"),
    mutant("conv stride ignored",
           (LAYERS, "            top, left = i * stride, j * stride\n"
                    "            window = x_pad[:, :, top:top + HH, left:left + WW].reshape(",
            "            top, left = i, j\n"
            "            window = x_pad[:, :, top:top + HH, left:left + WW].reshape("),
           "12.1 12.3", "conv_forward_naive out (stride 2, pad 1)", only=True),
    mutant("max pool gradient to every position",
           (LAYERS, "            dx[n_idx, c_idx, top + r, left + s] += dout[:, :, i, j]\n",
            "            dx[:, :, top:top + ph, left:left + pw] += "
            "dout[:, :, i, j][:, :, None, None]\n"),
           "12.5 12.6", "every position of the window"),
    mutant("spatial batchnorm without moving channels",
           ((LAYERS, "    rows = x.transpose(0, 2, 3, 1).reshape(-1, C)\n",
             "    rows = x.reshape(-1, C)\n"),
            (LAYERS, "    out = out_rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)\n",
             "    out = out_rows.reshape(N, C, H, W)\n")),
           "12.7 12.10", "without moving the channel axis last"),
    mutant("groupnorm with G channels per group",
           (LAYERS, "    groups = x.reshape(N, G, -1)\n",
            "    groups = x.reshape(N, C // G, -1)\n"),
           "12.8 12.11", "number of channels per group"),
    mutant("fc net forgets dropout",
           ((FC_NET, "            if self.use_dropout:\n                h, drop_cache",
             "            if False:\n                h, drop_cache"),
            (FC_NET, "            if self.use_dropout:\n                dh = dropout_backward",
             "            if False:\n                dh = dropout_backward")),
           "11.6", "dropout not applied in train mode"),
    mutant("bn_params stay in train mode",
           (FC_NET, '                bn_param["mode"] = mode\n',
            '                bn_param["mode"] = "train"\n'),
           "5.4", "mode not set to 'test'"),
    mutant("sgd_momentum steps backwards",
           (OPTIM, "    next_w = w + v\n", "    next_w = w - v\n"), "10.6 10.9"),
    mutant("rmsprop without square root",
           (OPTIM, "/ (np.sqrt(config[\"cache\"]) + config[\"epsilon\"])",
            "/ (config[\"cache\"] + config[\"epsilon\"])"),
           "10.7 10.10", "square root of the cache missing"),
    mutant("adam without bias correction",
           ((OPTIM, '    m_hat = config["m"] / (1 - beta1**t)\n', '    m_hat = config["m"]\n'),
            (OPTIM, '    v_hat = config["v"] / (1 - beta2**t)\n', '    v_hat = config["v"]\n')),
           "10.8 10.11", "without bias correction"),
]

# ------------------------------------------------------------ the other notebooks (spec A2.6)
DROP_MASK = "        mask = (np.random.rand(*x.shape) < p).astype(x.dtype) / p\n"
CONV_UNPAD = "    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]\n"
POOL_ACC = "            dx[n_idx, c_idx, top + r, left + s] += dout[:, :, i, j]\n"
POOL_UNRAVEL = "            r, s = np.unravel_index(window.argmax(axis=2), (ph, pw))\n"
ADAM_STEP = ('    config["t"] += 1\n    t = config["t"]\n'
             '    config["m"] = beta1 * config["m"] + (1 - beta1) * dw\n'
             '    config["v"] = beta2 * config["v"] + (1 - beta2) * dw**2\n'
             '    m_hat = config["m"] / (1 - beta1**t)\n'
             '    v_hat = config["v"] / (1 - beta2**t)\n')
CNN_REG = ('        for name in ("W1", "W2", "W3"):\n            w = self.params[name]\n'
           '            loss += 0.5 * self.reg * np.sum(w * w)\n'
           '            grads[name] += self.reg * w\n')
FC_DROP_FWD = ("            if self.use_dropout:\n"
               "                h, drop_cache = dropout_forward(h, self.dropout_param)\n")

OTHER_NOTEBOOKS = [
    # FullyConnectedNets
    mutant("hidden_dims mutated",
           (FC_NET, "        dims = [input_dim] + list(hidden_dims) + [num_classes]\n",
            "        hidden_dims.insert(0, input_dim)\n        hidden_dims.append(num_classes)\n"
            "        dims = hidden_dims\n"),
           "10.3", "the caller's hidden_dims list mutated", only=True),
    mutant("weights without weight_scale",
           (FC_NET, 'self.params[f"W{k}"] = weight_scale * np.random.randn(fan_in, fan_out)',
            'self.params[f"W{k}"] = np.random.randn(fan_in, fan_out)'),
           "10.3", "weights drawn without weight_scale"),
    mutant("ReLU on the scores of a plain net",
           (FC_NET, '        scores, last_cache = affine_forward(h, self.params[f"W{L}"], '
                    'self.params[f"b{L}"])\n',
            '        scores, last_cache = affine_relu_forward(h, self.params[f"W{L}"], '
            'self.params[f"b{L}"])\n'),
           "10.4", "ReLU applied to the output scores"),
    mutant("momentum velocity with the opposite sign",
           ((OPTIM, '    v = config["momentum"] * v - config["learning_rate"] * dw\n',
             '    v = config["momentum"] * v + config["learning_rate"] * dw\n'),
            (OPTIM, "    next_w = w + v\n", "    next_w = w - v\n")),
           "10.6 10.9", "opposite sign", only=True),
    mutant("rmsprop cache never stored",
           ((OPTIM, '    config["cache"] = decay * config["cache"] + (1 - decay) * dw**2\n',
             '    cache = decay * config["cache"] + (1 - decay) * dw**2\n'),
            (OPTIM, 'dw / (np.sqrt(config["cache"]) + config["epsilon"])',
             'dw / (np.sqrt(cache) + config["epsilon"])')),
           "10.7 10.10", "config['cache']"),
    mutant("adam increments t after the bias correction",
           (OPTIM, ADAM_STEP, ADAM_STEP.replace('    config["t"] += 1\n    t = config["t"]\n',
                                                '    t = max(config["t"], 1)\n')
            .replace('    v_hat = config["v"] / (1 - beta2**t)\n',
                     '    v_hat = config["v"] / (1 - beta2**t)\n    config["t"] += 1\n')),
           "10.8 10.11", "t incremented after the bias correction"),
    mutant("solver never applies the update",
           (SOLVER, "            self.model.params[name] = next_w\n", ""),
           "10.12", "Solver with your", only=True),
    # Dropout
    mutant("dropout p as the drop probability",
           (LAYERS, DROP_MASK, DROP_MASK.replace("< p)", "> p)")),
           "11.1 11.3", "drop probability"),
    mutant("vanilla dropout",
           (LAYERS, DROP_MASK, DROP_MASK.replace(" / p\n", "\n")),
           "11.1 11.3", "vanilla dropout"),
    mutant("dropout divides by 1 - p",
           (LAYERS, DROP_MASK, DROP_MASK.replace(" / p\n", " / (1 - p)\n")),
           "11.1 11.3", "division by 1 - p"),
    mutant("dropout mask stored as booleans",
           ((LAYERS, DROP_MASK, "        mask = np.random.rand(*x.shape) < p\n"),
            (LAYERS, "        out = x * mask\n", "        out = x * mask / p\n")),
           "11.2 11.4", "booleans"),
    mutant("dropout active in test mode",
           (LAYERS, "        out = x\n        # *****END",
            "        out = x * (np.random.rand(*x.shape) < p)\n        # *****END"),
           "11.1 11.3", "dropout active in test mode"),
    mutant("dropout after the scores too",
           (FC_NET, '        scores, last_cache = affine_forward(h, self.params[f"W{L}"], '
                    'self.params[f"b{L}"])\n',
            '        scores, last_cache = affine_forward(h, self.params[f"W{L}"], '
            'self.params[f"b{L}"])\n        if self.use_dropout:\n'
            '            scores = dropout_forward(scores, self.dropout_param)[0]\n'),
           "11.6", "after the last affine layer"),
    mutant("dropout after the first layer only",
           ((FC_NET, FC_DROP_FWD, FC_DROP_FWD.replace("if self.use_dropout:",
                                                      "if self.use_dropout and k == 1:")),
            (FC_NET, "            if self.use_dropout:\n                dh = dropout_backward",
             "            if self.use_dropout and k == 1:\n"
             "                dh = dropout_backward")),
           "11.6", "only after the first hidden layer"),
    # ConvolutionalNetworks
    mutant("conv dx un-padded with [pad:-pad]",
           (LAYERS, CONV_UNPAD, "    dx = dx_pad[:, :, pad:-pad, pad:-pad]\n"),
           "12.3", "[pad:-pad]"),
    mutant("conv kernel flipped",
           (LAYERS, "    w_rows = w.reshape(F, -1)\n",
            "    w_rows = w[:, :, ::-1, ::-1].reshape(F, -1)\n"),
           "12.1 12.3", "kernel flipped", only=True),  # 12.2 differentiates the expected one
    mutant("conv bias added once per image",
           (LAYERS, "            out[:, :, i, j] = window.dot(w_rows.T) + b\n",
            "            out[:, :, i, j] = window.dot(w_rows.T) + (b if i == j == 0 else 0)\n"),
           "12.1 12.3", "bias added once per image", only=True),
    # The forward raises: 12.2 gives the (right) backward the expected forward's cache.
    mutant("conv output size with /",
           (LAYERS, "    H_out = 1 + (H + 2 * pad - HH) // stride\n",
            "    H_out = 1 + (H + 2 * pad - HH) / stride\n"),
           "12.1 12.3", "cannot be interpreted as an integer", only=True),
    mutant("max pool overwrites instead of accumulating",
           (LAYERS, POOL_ACC, POOL_ACC.replace("+=", "=")),
           "12.6", "overwrite dx", only=True),
    mutant("max pool arg-max unravelled with pool_height",
           (LAYERS, POOL_UNRAVEL, "            r, s = np.divmod(window.argmax(axis=2), ph)\n"),
           "12.6", "max_pool_backward_naive (3x2 windows, stride 1)", only=True),
    mutant("groupnorm per channel",
           (LAYERS, "    groups = x.reshape(N, G, -1)\n", "    groups = x.reshape(N, C, -1)\n"),
           "12.8 12.11", "instead of per group"),
    mutant("groupnorm dgamma of shape (C,)",
           (LAYERS, "    dgamma = (dout * xhat).sum(axis=(0, 2, 3), keepdims=True)\n",
            "    dgamma = (dout * xhat).sum(axis=(0, 2, 3))\n"),
           "12.11", "dgamma returned as (C,)", only=True),
    mutant("convnet W2 sized for the un-pooled map",
           (CNN, "        pooled = num_filters * (H // 2) * (W // 2)\n",
            "        pooled = num_filters * H * W\n"),
           "12.9 12.12", "un-pooled map"),
    mutant("convnet L2 without 0.5",
           (CNN, CNN_REG, CNN_REG.replace("0.5 * self.reg", "self.reg")
            .replace("+= self.reg * w", "+= 2 * self.reg * w")),
           "12.9 12.13", "without the 0.5 factor", only=True),
    mutant("convnet W1 not regularized",
           (CNN, CNN_REG, CNN_REG.replace('("W1", "W2", "W3")', '("W2", "W3")')),
           "12.13", "W1 not regularized", only=True),
    mutant("convnet weights without weight_scale",
           (CNN, "        self.params[\"W3\"] = weight_scale * np.random.randn(hidden_dim, "
                 "num_classes)\n",
            "        self.params[\"W3\"] = np.random.randn(hidden_dim, num_classes)\n"),
           "12.9 12.12", "weight_scale"),
]

# ------------------------------------------------------------ hostile submissions
HOSTILE = [
    mutant("hostile: allclose always true, with ddof=1",
           ((LAYERS, NUMPY_IMPORT, HOSTILE_ALLCLOSE),
            (LAYERS, BN_TRAIN_VAR, "        var = (xc**2).sum(axis=0) / (N - 1)\n")),
           "2.1 2.2", "ddof=1", same_as="ddof=1 variance"),
    mutant("hostile: batchnorm_forward never returns",
           (LAYERS, BN_START, BN_START.replace(
               "        mean =", "        while True:\n            pass\n        mean =")),
           "2.1 2.2 2.3 2.4 2.5 2.6 2.7 3.1 3.2 3.3 3.4 3.5 3.6 5.1 5.4 5.5 5.7 12.7 12.10", "timed out",
           only=True),
]

MUTANTS = SPEC_PATTERNS + OWN_BUGS + OTHER_NOTEBOOKS + HOSTILE

# ------------------------------------------------------------ correct variants: full marks
PLAIN_ALT = """\
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return gamma * inv_std / N * (N * dout - dbeta - xhat * dgamma), dgamma, dbeta
"""
POOL_MASK = """\
            window = x[:, :, top:top + ph, left:left + pw]
            hit = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, top:top + ph, left:left + pw] += hit * dout[:, :, i, j][:, :, None, None]
"""
VARIANTS = [
    # The closed form as students usually write it: must pass the speed check too.
    mutant("plain closed-form alt",
           (LAYERS, ALT_START, ALT_START.replace("    xhat,", PLAIN_ALT + "    xhat,", 1)), ""),
    # Not wrong for this assignment (its scores never come near overflow): full marks,
    # with advice in check 1.3's output (``hint``).
    mutant("softmax without max shift",
           (LAYERS, "    shifted = x - x.max(axis=1, keepdims=True)\n", "    shifted = x\n"),
           "1.3", "without subtracting the row maximum"),
    # Any mask draw is right: binomial instead of rand < p.
    mutant("dropout mask from binomial",
           (LAYERS, DROP_MASK, "        mask = np.random.binomial(1, p, size=x.shape) / p\n"), ""),
    # The arg-max as a mask (window == max): right on the checks' tie-free inputs.
    mutant("max pool backward with a mask",
           (LAYERS, "            window = x[:, :, top:top + ph, left:left + pw].reshape(N, C, -1)\n"
                    + POOL_UNRAVEL + POOL_ACC, POOL_MASK), ""),
    # The rearranged Adam of later references (eps scaled by sqrt(1 - beta2**t)).
    mutant("adam in the rearranged form",
           (OPTIM, '    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + '
                   'config["epsilon"])\n',
            '    step = config["learning_rate"] * np.sqrt(1 - beta2**t) / (1 - beta1**t)\n'
            '    next_w = w - step * config["m"] / (np.sqrt(config["v"]) + config["epsilon"])\n'),
           ""),
]
