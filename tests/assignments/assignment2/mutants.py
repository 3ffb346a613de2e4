"""Assignment 2's mutant catalogue: its reference with one seeded bug each (declarations
only; tests/assignments/test_mutation_suite.py grades them, tests/support/mutation.py
says what a declaration means)."""

from __future__ import annotations

from tests.support.mutation import mutant

LAYERS = "cs231n/layers.py"
FC_NET = "cs231n/classifiers/fc_net.py"
OPTIM = "cs231n/optim.py"
CODE_POINTS = 90
"""What the reference scores on the code checks (README: the point split)."""


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
           "2.1 2.2", "applied before normalizing"),
    mutant("x mutated in place",
           (LAYERS, "        xc = x - mean\n" + BN_TRAIN_VAR,
            "        x -= mean\n        xc = x\n" + BN_TRAIN_VAR),
           "2.7", "x mutated in place", only=True),
    mutant("layer norm over the batch axis",
           ((LAYERS, "    mean = x.mean(axis=1, keepdims=True)\n",
             "    mean = x.mean(axis=0, keepdims=True)\n"),
            (LAYERS, "    var = (xc**2).mean(axis=1, keepdims=True)\n",
             "    var = (xc**2).mean(axis=0, keepdims=True)\n")),
           "4.1 4.2", "over the batch axis"),
    mutant("gamma and beta for the last layer",
           (FC_NET, "if self.normalization is not None and k < self.num_layers:",
            "if self.normalization is not None:"),
           "5.2", "created for the last layer"),  # 5.3 (layernorm): charged in 5.2
    mutant("L2 without 0.5",
           (FC_NET, "loss += 0.5 * self.reg * np.sum(w * w)", "loss += self.reg * np.sum(w * w)"),
           "5.1 5.7", "without the 0.5 factor", only=True),
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
           "6.1", "scaled by p instead of 1/p"),
    mutant("conv stride ignored",
           (LAYERS, "            top, left = i * stride, j * stride\n"
                    "            window = x_pad[:, :, top:top + HH, left:left + WW].reshape(",
            "            top, left = i, j\n"
            "            window = x_pad[:, :, top:top + HH, left:left + WW].reshape("),
           "6.2"),
    mutant("max pool gradient to every position",
           (LAYERS, "            dx[n_idx, c_idx, top + r, left + s] += dout[:, :, i, j]\n",
            "            dx[:, :, top:top + ph, left:left + pw] += "
            "dout[:, :, i, j][:, :, None, None]\n"),
           "6.3", "every position of the window"),
    mutant("spatial batchnorm without moving channels",
           ((LAYERS, "    rows = x.transpose(0, 2, 3, 1).reshape(-1, C)\n",
             "    rows = x.reshape(-1, C)\n"),
            (LAYERS, "    out = out_rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)\n",
             "    out = out_rows.reshape(N, C, H, W)\n")),
           "6.4", "without moving the channel axis last"),
    mutant("groupnorm with G channels per group",
           (LAYERS, "    groups = x.reshape(N, G, -1)\n",
            "    groups = x.reshape(N, C // G, -1)\n"),
           "6.5", "number of channels per group"),
    mutant("fc net forgets dropout",
           ((FC_NET, "            if self.use_dropout:\n                h, drop_cache",
             "            if False:\n                h, drop_cache"),
            (FC_NET, "            if self.use_dropout:\n                dh = dropout_backward",
             "            if False:\n                dh = dropout_backward")),
           "6.6", "dropout not applied in train mode"),
    mutant("bn_params stay in train mode",
           (FC_NET, '                bn_param["mode"] = mode\n',
            '                bn_param["mode"] = "train"\n'),
           "5.4", "mode not set to 'test'"),
    mutant("sgd_momentum steps backwards",
           (OPTIM, "    next_w = w + v\n", "    next_w = w - v\n"), "7.1"),
    mutant("rmsprop without square root",
           (OPTIM, "/ (np.sqrt(config[\"cache\"]) + config[\"epsilon\"])",
            "/ (config[\"cache\"] + config[\"epsilon\"])"),
           "7.2"),
    mutant("adam without bias correction",
           ((OPTIM, '    m_hat = config["m"] / (1 - beta1**t)\n', '    m_hat = config["m"]\n'),
            (OPTIM, '    v_hat = config["v"] / (1 - beta2**t)\n', '    v_hat = config["v"]\n')),
           "7.3", "without bias correction"),
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
           "2.1 2.2 2.3 2.4 2.5 2.6 2.7 3.1 3.2 3.3 3.4 3.5 3.6 5.1 5.4 5.5 5.7 6.4", "timed out",
           only=True),
]

MUTANTS = SPEC_PATTERNS + OWN_BUGS + HOSTILE

# ------------------------------------------------------------ correct variants: full marks
PLAIN_ALT = """\
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return gamma * inv_std / N * (N * dout - dbeta - xhat * dgamma), dgamma, dbeta
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
]
