"""Gradient checks shared by the batchnorm and layer norm backward checks.

The expected gradients are centered differences of the REFERENCE forward, computed in
the controller; the student's backward gets the cache of the student's own forward.
"""

import bug_models as bugs
from checklib import Parts, array, call, forward, outputs
from numerics import compare, numeric_gradient
from draws import features, scale_shift

N, D = 6, 4
LABELS = ("dx", "dgamma", "dbeta")


def check_backward(student, ref_layers, rng, credit, norm, backward, param, tol=1e-8):
    """Grade ``backward`` (dx, dgamma, dbeta) against centered differences, in 3 parts.

    Values only: a gradient of D numbers is accepted in any shape (3.5 grades shapes).
    """
    x = features(rng, N, D, low=0.5)
    gamma, beta = scale_shift(rng, D)
    dout = rng.standard_normal((N, D))
    ref_forward = getattr(ref_layers, f"{norm}_forward")

    def out(x_, gamma_, beta_):
        return ref_forward(x_, gamma_, beta_, dict(param))[0]

    numeric = (numeric_gradient(lambda v: out(v, gamma, beta), x, dout),
               numeric_gradient(lambda v: out(x, v, beta), gamma, dout),
               numeric_gradient(lambda v: out(x, gamma, v), beta, dout))
    cache = forward(student, f"{norm}_forward", x, gamma, beta, dict(param), shape=x.shape)[1]
    grads = outputs(call(student, backward, dout, cache).value, backward, LABELS)
    hints = bugs.norm_backward(x, gamma, dout, axis=0 if norm == "batchnorm" else 1)
    parts = Parts(credit)
    for label, value, expected, hint, weight in zip(LABELS, grads, numeric, hints,
                                                     (0.6, 0.2, 0.2)):
        parts.run(weight, label, lambda: compare(
            f"{backward} {label} vs centered differences ({N}x{D} input)",
            array(value, f"{backward} {label}", expected.shape, reshape=True), expected, tol,
            hypotheses=hint))
    parts.finish()
