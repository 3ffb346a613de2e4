"""A layer's forward and backward against the reference, as parts of a check.

The reference runs in the controller on copies of the same inputs; the student's
backward receives the cache of the student's own forward. Gradients of the right size in
a wrong shape are compared after reshaping and charged once, in a small "shapes" part.
"""

from __future__ import annotations

import copy

from checklib import call, forward
from gradekit.checklib import Shapes, compare, fail, outputs

SHAPES_WEIGHT = 0.1


def check_layer(student, ref_layers, rng, parts, forward_name, backward_name, args,
                grad_labels, *, weights=(0.45, 0.45), out_hints=(), grad_hints=None,
                shape_hints=None, grad_shape_hints=None, shapes_weight=None, tol=1e-8,
                label=""):
    """Compare out, then every gradient, then the gradients' shapes.

    ``weights`` are the forward's and the backward's shares; the shapes part gets
    ``shapes_weight`` (default: the rest of 1). ``grad_hints(dout)``, when given, returns
    a dict of bug hints per gradient label; ``grad_shape_hints`` maps a gradient label to
    ``{wrong shape: hint}``. ``label`` names the case in the parts' labels.
    """
    ref_out, ref_cache = getattr(ref_layers, forward_name)(*copy.deepcopy(args))
    dout = rng.standard_normal(ref_out.shape)
    expected = getattr(ref_layers, backward_name)(dout, ref_cache)
    if len(grad_labels) == 1:
        expected = (expected,)
    hints = grad_hints(dout) if grad_hints else {}
    result = {}
    shapes = Shapes()

    def forward_part():
        out, result["cache"], _ = forward(student, forward_name, *copy.deepcopy(args),
                                          shape=ref_out.shape, shape_hints=shape_hints)
        compare(f"{forward_name} out{case}", out, ref_out, tol, hypotheses=out_hints)

    def backward_part():
        if "cache" not in result:
            fail(f"{backward_name}: not checked, {forward_name} failed.")
        grads = outputs(call(student, backward_name, dout, result["cache"]).value,
                        backward_name, grad_labels)
        result["grads"] = True
        for label, value, want in zip(grad_labels, grads, expected):
            name = f"{backward_name} {label}{case}"
            compare(name, shapes.take(value, name, want.shape,
                                      shape_hints=(grad_shape_hints or {}).get(label)),
                    want, tol, hypotheses=hints.get(label, ()))

    case = f" ({label})" if label else ""
    parts.run(weights[0], forward_name + case, forward_part)
    parts.run(weights[1], backward_name + case, backward_part)
    parts.shapes(1 - sum(weights) if shapes_weight is None else shapes_weight,
                 f"{backward_name} shapes{case}", shapes,
                 needs="grads" in result, why=f"{backward_name} returned no gradients")
