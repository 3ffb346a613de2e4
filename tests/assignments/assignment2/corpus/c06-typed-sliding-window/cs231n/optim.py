from typing import Any, Dict, Optional, Tuple

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


def sgd_momentum(w: np.ndarray, dw: np.ndarray, config: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
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
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    next_w, v = w + (config["momentum"] * v - config["learning_rate"] * dw), config["momentum"] * v - config["learning_rate"] * dw

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    config["velocity"] = v

    return next_w, config


def rmsprop(w: np.ndarray, dw: np.ndarray, config: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
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
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    config.update(cache=config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw ** 2)
    next_w = w - config["learning_rate"] * dw / (config["cache"] ** 0.5 + config["epsilon"])

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return next_w, config


def adam(w: np.ndarray, dw: np.ndarray, config: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
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
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    t = config["t"] = config["t"] + 1
    m = config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    v = config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    next_w = w - config["learning_rate"] * (m / (1 - config["beta1"] ** t)) / ((v / (1 - config["beta2"] ** t)) ** 0.5 + config["epsilon"])

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return next_w, config
