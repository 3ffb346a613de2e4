"""Numeric gradients by centered differences, for checking analytic gradients."""

from random import randrange

import numpy as np


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Numeric gradient of a scalar function at x.

    Inputs:
    - f: function of one array argument returning a scalar
    - x: point at which to evaluate the gradient; changed temporarily, restored
    - verbose: print each coordinate's gradient as it is computed
    - h: half the step of the centered difference

    Returns:
    - grad: array of x's shape, grad[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h)
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numeric gradient of an array-valued function, contracted with df.

    Inputs:
    - f: function of one array argument returning an array
    - x: point at which to evaluate; changed temporarily, restored
    - df: upstream gradient, shape of f(x)
    - h: half the step of the centered difference

    Returns:
    - grad: array of x's shape, grad[i] ~ sum(df * (f(x + h e_i) - f(x - h e_i))) / (2h)
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        out_plus = f(x).copy()
        x[ix] = old - h
        out_minus = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((out_plus - out_minus) * df) / (2 * h)
        it.iternext()
    return grad


def eval_numerical_gradient_blobs(f, inputs, output, h=1e-5):
    """Numeric gradients for functions that read and write blob objects.

    A blob has an array of values ``vals`` and an array of gradients ``diffs``
    of the same shape. f(*inputs, output) writes its result into output.vals;
    the upstream gradient is taken from output.diffs.

    Inputs:
    - f: function of the input blobs and the output blob
    - inputs: tuple of input blobs; their values change temporarily
    - output: the output blob, its diffs set to the upstream gradient
    - h: half the step of the centered difference

    Returns:
    - a list of arrays, the gradient of every input blob's vals
    """
    numeric_diffs = []
    for blob in inputs:
        diff = np.zeros_like(blob.diffs)
        it = np.nditer(blob.vals, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            old = blob.vals[ix]
            blob.vals[ix] = old + h
            f(*(inputs + (output,)))
            pos = np.copy(output.vals)
            blob.vals[ix] = old - h
            f(*(inputs + (output,)))
            neg = np.copy(output.vals)
            blob.vals[ix] = old
            diff[ix] = np.sum((pos - neg) * output.diffs) / (2.0 * h)
            it.iternext()
        numeric_diffs.append(diff)
    return numeric_diffs


def eval_numerical_gradient_net(net, inputs, output, h=1e-5):
    """eval_numerical_gradient_blobs for a net whose forward() takes no
    arguments and fills output.vals."""
    return eval_numerical_gradient_blobs(lambda *args: net.forward(), inputs, output, h=h)


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5):
    """Compare an analytic gradient with numeric ones at a few random coordinates.

    Inputs:
    - f: function of one array argument returning a scalar
    - x: point at which to check; changed temporarily, restored
    - analytic_grad: the gradient to check, shape of x
    - num_checks: how many random coordinates to test
    - h: half the step of the centered difference

    Returns nothing; prints numeric value, analytic value and relative error for
    each coordinate checked.
    """
    for _ in range(num_checks):
        ix = tuple(randrange(n) for n in x.shape)
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        numeric = (f_plus - f_minus) / (2 * h)
        analytic = analytic_grad[ix]
        denom = abs(numeric) + abs(analytic)
        rel_error = abs(numeric - analytic) / denom if denom > 0 else 0.0
        print(f"numerical: {numeric:f} analytic: {analytic:f}, relative error: {rel_error:e}")
