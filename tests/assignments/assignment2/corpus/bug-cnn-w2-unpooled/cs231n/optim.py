import numpy as np

"""Update rules for the Solver: rule(w, dw, config) -> (next_w, config)."""


def sgd(w, dw, config=None):
    """Plain SGD; config: learning_rate (1e-2)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    w -= config["learning_rate"] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    """Momentum SGD; config: learning_rate (1e-2), momentum (0.9), velocity."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    next_w = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    mu, lr = config["momentum"], config["learning_rate"]
    v = mu * v - lr * dw      # velocity integrates the (negative) gradient
    next_w = w + v
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    config["velocity"] = v

    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp; config: learning_rate (1e-2), decay_rate (0.99), epsilon (1e-8), cache."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    rho, lr, eps = config["decay_rate"], config["learning_rate"], config["epsilon"]
    cache = rho * config["cache"] + (1 - rho) * np.square(dw)
    next_w = w - lr * dw / (np.sqrt(cache) + eps)
    config["cache"] = cache
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return next_w, config


def adam(w, dw, config=None):
    """Adam; config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8), m, v, t."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    next_w = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    b1, b2, eps, lr = config["beta1"], config["beta2"], config["epsilon"], config["learning_rate"]
    t = config["t"] + 1
    m = b1 * config["m"] + (1 - b1) * dw
    v = b2 * config["v"] + (1 - b2) * dw * dw
    mt = m / (1 - b1 ** t)
    vt = v / (1 - b2 ** t)
    next_w = w - lr * mt / (np.sqrt(vt) + eps)
    config["t"], config["m"], config["v"] = t, m, v
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return next_w, config
