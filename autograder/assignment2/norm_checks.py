"""Gradient checks shared by the batchnorm and layer norm backward checks.

The expected gradients are centered differences of the REFERENCE forward, computed in
the controller; the student's backward gets the cache of the student's own forward. A
backward that is right for what a buggy forward computed is not charged here: the
forward's check charges that bug.
"""

import bug_models as bugs
from checklib import call, forward
from gradekit.checklib import (Elsewhere, Parts, Shapes, array, check_number, compare, fail,
                               numeric_gradient, outputs, relative_error, scaled_error)
from gradekit.sandbox.controller import StudentException
from draws import features, scale_shift

N, D = 6, 4
LABELS = ("dx", "dgamma", "dbeta")
# The checks that charge a forward pass (the backward checks credit a backward that is
# right for the student's own forward).
FORWARD_CHECK = {
    "batchnorm": check_number("test_batchnorm_forward.py::test_batchnorm_train_forward"),
    "layernorm": check_number("test_layernorm.py::test_layernorm_forward"),
}
OWN_CACHE = ("batchnorm_backward_alt reads a cache layout of its own, not the one your "
             "batchnorm_forward returns (both backwards must accept the same cache)")


def _student_grads(student, backward, dout, cache):
    """The student's (dx, dgamma, dbeta); an alt that fails on a cache the staged backward
    accepts is told that it reads its own cache layout."""
    try:
        return outputs(call(student, backward, dout, cache).value, backward, LABELS)
    except StudentException as error:
        if backward.endswith("_alt") and error.type_name in (
                "ValueError", "KeyError", "IndexError", "TypeError", "AttributeError"):
            try:
                call(student, "batchnorm_backward", dout, cache)
            except StudentException:
                raise error from None
            fail(f"{error}\nThis looks like: {OWN_CACHE}.")
        raise


def check_backward(student, ref_layers, rng, credit, norm, backward, param, tol=1e-8,
                   shapes_weight=0.0):
    """Grade ``backward`` (dx, dgamma, dbeta) against centered differences, in parts.

    Values are compared after reshaping; with ``shapes_weight`` a part of that weight
    charges wrong shapes (batchnorm has test_batchnorm_gradient_shapes for them instead).
    """
    x = features(rng, N, D, low=0.5)
    gamma, beta = scale_shift(rng, D)
    dout = rng.standard_normal((N, D))
    ref_forward = getattr(ref_layers, f"{norm}_forward")
    axis = 0 if norm == "batchnorm" else 1

    def out(x_, gamma_, beta_):
        return ref_forward(x_, gamma_, beta_, dict(param))[0]

    numeric = (numeric_gradient(lambda v: out(v, gamma, beta), x, dout),
               numeric_gradient(lambda v: out(x, v, beta), gamma, dout),
               numeric_gradient(lambda v: out(x, gamma, v), beta, dout))
    theirs_out, cache, _ = forward(student, f"{norm}_forward", x, gamma, beta, dict(param),
                                   shape=x.shape)
    grads = _student_grads(student, backward, dout, cache)
    hints = list(bugs.norm_backward(x, gamma, dout, axis=axis))
    if backward.endswith("_alt"):
        hints[0] = [*hints[0], (OWN_CACHE, bugs.alt_with_std_for_inv_std(x, gamma, dout))]
    # Only a forward that is wrong (as its own check measures it) excuses a backward.
    wrong_forward = scaled_error(theirs_out, out(x, gamma, beta)) > 1e-8
    for_forward = (bugs.backward_for_forward(x, theirs_out, gamma, beta, dout, axis)
                   if wrong_forward else None)
    if for_forward is not None:
        label = (f"a backward that is right for what your {norm}_forward computes; that "
                 f"forward differs from the expected one")
        hints = [[*h, Elsewhere(label, value, FORWARD_CHECK[norm])]
                 for h, value in zip(hints, for_forward)]
    shapes = Shapes()
    parts = Parts(credit)
    weights = [w * (1 - shapes_weight) for w in (0.6, 0.2, 0.2)]
    for label, value, expected, hint, weight in zip(LABELS, grads, numeric, hints, weights):
        taken = (lambda value=value, label=label, expected=expected:
                 shapes.take(value, f"{backward} {label}", expected.shape)
                 if shapes_weight else
                 array(value, f"{backward} {label}", expected.shape, reshape=True))
        parts.run(weight, label, lambda: compare(
            f"{backward} {label} vs centered differences ({N}x{D} input)", taken(), expected,
            tol, hypotheses=hint))
    if shapes_weight:
        parts.shapes(shapes_weight, f"{backward} gradient shapes", shapes)
    parts.finish()


def cell_gradient_check(student, ref_layers, parts, norm, param, inputs, tol):
    """A notebook's gradient-check cell in the grade (checks 3.1 and 4.3): the student's backward,
    on the cache of the student's own forward, against centered differences of the
    REFERENCE forward on the cell's inputs. A forward bug is charged in the forward's
    check only: a backward that is right for what that forward computed earns its part
    with a note naming that check, and known backward bugs are named.

    ``inputs`` is (x, gamma, beta, dout); one part per gradient (0.5, 0.25, 0.25).
    """
    x, gamma, beta, dout = inputs
    fwd, bwd = f"{norm}_forward", f"{norm}_backward"
    axis = 0 if norm == "batchnorm" else 1
    ref_forward = getattr(ref_layers, fwd)

    def out(x_, gamma_, beta_):
        return ref_forward(x_, gamma_, beta_, dict(param))[0]

    numeric = (numeric_gradient(lambda v: out(v, gamma, beta), x.copy(), dout),
               numeric_gradient(lambda v: out(x, v, beta), gamma.copy(), dout),
               numeric_gradient(lambda v: out(x, gamma, v), beta.copy(), dout))
    theirs_out, cache, _ = forward(student, fwd, x, gamma, beta, dict(param), shape=x.shape)
    grads = outputs(call(student, bwd, dout, cache).value, bwd, LABELS)
    hints = [list(h) for h in bugs.norm_backward(x, gamma, dout, axis=axis)]
    if scaled_error(theirs_out, out(x, gamma, beta)) > 1e-8:
        for_forward = bugs.backward_for_forward(x, theirs_out, gamma, beta, dout, axis)
        if for_forward is not None:
            label = (f"a backward that is right for what your {fwd} computes; that forward "
                     f"differs from the expected one")
            hints = [[Elsewhere(label, value, FORWARD_CHECK[norm]), *h]
                     for h, value in zip(hints, for_forward)]
    for label, value, expected, hint, weight in zip(LABELS, grads, numeric, hints,
                                                    (0.5, 0.25, 0.25)):
        parts.run(weight, label, lambda value=value, label=label, expected=expected,
                  hint=hint: compare(
                      f"{bwd} {label} vs centered differences of the expected {fwd} "
                      f"(notebook: 1e-8 or less)",
                      array(value, f"{bwd} {label}", expected.shape, reshape=True),
                      expected, tol, error=relative_error, hypotheses=hint))
