"""The fully connected net in the sandbox and its twin from the reference.

The student's net is built in the sandbox, then given the same parameters as a
reference net in the controller, so that scores, losses and gradients can be compared
exactly.
"""

import copy

import numpy as np

from checklib import call, fail, model, outputs, scalar

D, H, C = 15, [20, 30], 10   # the notebook's gradient-check sizes


def random_params(rng, normalization):
    """Parameters with non-trivial biases, gammas and betas."""
    dims = [D, *H, C]
    params = {}
    for k in range(1, len(dims)):
        params[f"W{k}"] = rng.standard_normal((dims[k - 1], dims[k])) / np.sqrt(dims[k - 1])
        params[f"b{k}"] = 0.1 * rng.standard_normal(dims[k])
        if normalization and k < len(dims) - 1:
            params[f"gamma{k}"] = rng.uniform(0.5, 1.5, dims[k])
            params[f"beta{k}"] = 0.2 * rng.standard_normal(dims[k])
    return params


def twin_nets(student, reference, rng, **options):
    """(student net, reference net) with the same random parameters; returns params too."""
    fc = reference.module("cs231n.classifiers.fc_net")
    params = random_params(rng, options.get("normalization"))
    ours = fc.FullyConnectedNet(H, input_dim=D, num_classes=C, dtype=np.float64, **options)
    ours.params = copy.deepcopy(params)
    theirs = model(student, H, input_dim=D, num_classes=C, dtype="float64", **options)
    student.setattr(theirs, "params", params)
    return theirs, ours, params


def student_loss(student, net, X, y):
    what = "model.loss(X, y)"
    loss, grads = outputs(call(student, (net, "loss"), X, y).value, what, ("loss", "grads"))
    if not isinstance(grads, dict):
        fail(f"{what}: grads should be a dict; it is a {type(grads).__name__}.")
    return scalar(loss, f"{what} loss"), grads
