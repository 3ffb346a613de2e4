"""First-order update rules.

Every rule has the signature

    next_w, config = update(w, dw, config=None)

- w: current weights, any shape
- dw: gradient of the loss w.r.t. w, same shape as w
- config: dict of hyperparameters plus any state the rule keeps between steps
  (velocities, moving averages); missing entries are filled with defaults

and returns the updated weights and the config to pass to the next call. Build
``next_w`` as a new array rather than changing ``w`` in place.
"""

import numpy as np


def sgd(w, dw, config=None):
    """Plain stochastic gradient descent.

    config:
    - learning_rate: step size (default 1e-2)

    Returns (next_w, config); next_w has the shape of w.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """Stochastic gradient descent with momentum.

    config:
    - learning_rate: step size (default 1e-2)
    - momentum: in [0, 1); 0 gives plain sgd (default 0.9)
    - velocity: running update direction, shape of w (default zeros)

    Returns (next_w, config); next_w has the shape of w.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: per-parameter step sizes from a moving average of squared gradients.

    config:
    - learning_rate: step size (default 1e-2)
    - decay_rate: weight of the old average of squared gradients (default 0.99)
    - epsilon: avoids division by zero (default 1e-8)
    - cache: the moving average, shape of w (default zeros)

    Returns (next_w, config); next_w has the shape of w.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    decay = config["decay_rate"]
    config["cache"] = decay * config["cache"] + (1 - decay) * dw**2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return next_w, config


def adam(w, dw, config=None):
    """Adam: moving averages of the gradient and its square, with bias correction.

    config:
    - learning_rate: step size (default 1e-3)
    - beta1: decay of the gradient average (default 0.9)
    - beta2: decay of the squared-gradient average (default 0.999)
    - epsilon: avoids division by zero (default 1e-8)
    - m, v: the two moving averages, shape of w (default zeros)
    - t: number of steps taken so far (default 0)

    Returns (next_w, config); next_w has the shape of w.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    beta1, beta2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * dw**2
    m_hat = config["m"] / (1 - beta1**t)
    v_hat = config["v"] / (1 - beta2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return next_w, config
