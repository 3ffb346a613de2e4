import numpy as np

"""Update rules: each takes (w, dw, config) and returns (next_w, config);
config carries the hyperparameters and whatever state the rule keeps between steps.
"""


def sgd(w, dw, config=None):
    """Plain SGD. config: learning_rate (default 1e-2)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    w -= config["learning_rate"] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum.

    config: learning_rate (1e-2), momentum (0.9), velocity (same shape as w).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    next_w = None
    ###########################################################################
    # TODO: write this part (see the docstring for shapes).
    ###########################################################################

    v = config.get("momentum") * v - config.get("learning_rate") * dw
    next_w = w + v

    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    config["velocity"] = v

    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: step scaled by a decaying average of squared gradients.

    config: learning_rate (1e-2), decay_rate (0.99), epsilon (1e-8), cache.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    ###########################################################################
    # TODO: write this part (see the docstring for shapes).
    ###########################################################################

    config["cache"] = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * np.power(dw, 2)
    step = config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    next_w = w - step

    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return next_w, config


def adam(w, dw, config=None):
    """Adam with bias correction.

    config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8),
    m, v (moment estimates) and t (step count).
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

    next_w = None
    ###########################################################################
    # TODO: write this part (see the docstring for shapes).
    ###########################################################################

    config["t"] = config["t"] + 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    mt = config["m"] / (1 - np.power(config["beta1"], config["t"]))
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * np.power(dw, 2)
    vt = config["v"] / (1 - np.power(config["beta2"], config["t"]))
    next_w = w - config["learning_rate"] * mt / (np.sqrt(vt) + config["epsilon"])

    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return next_w, config
