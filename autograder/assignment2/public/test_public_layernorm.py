"""Public checks: the layer normalization cells of the notebook, on its fixed inputs."""

import numpy as np
import pytest

import notebook_inputs as nb
from checklib import LAYERS_PY, forward, ln_param, norm_gradient_check
from gradekit.checklib import Parts, fail, max_abs_error, show


def _check_row_stats(student, a, gamma, beta):
    out, _, _ = forward(student, "layernorm_forward", a, gamma, beta, ln_param(), shape=a.shape)
    label = f"with gamma={gamma.tolist()}, beta={beta.tolist()}"
    expected = np.full(a.shape[0], beta[0]), np.full(a.shape[0], gamma[0])
    actual = out.mean(axis=1), out.std(axis=1)
    if max(map(max_abs_error, actual, expected)) > 1e-4:
        # The same statistics per column instead: normalized over the wrong axis.
        over_batch = max(max_abs_error(out.mean(axis=0), beta),
                         max_abs_error(out.std(axis=0), gamma)) < 1e-4
        fail(f"Per-row means and stds of out {label}: {show(actual[0])} and "
             f"{show(actual[1])}; expected {beta[0]:g} and {gamma[0]:g} in every row."
             + (" This looks like: layer norm statistics over the batch axis instead of "
                "the feature axis." if over_batch else ""))


@pytest.mark.grade(number="4.1", points=2, files=[LAYERS_PY])
def test_layernorm_forward_notebook(student, credit):
    """Layer norm forward, under "Layer normalization: forward and backward"

    Each row of the output has mean beta and std gamma.
    """
    a = nb.forward_batch(rows=4)
    parts = Parts(credit)
    parts.run(0.4, "gamma=1, beta=0",
              lambda: _check_row_stats(student, a, np.ones(3), np.zeros(3)))
    parts.run(0.6, "gamma=3, beta=5",
              lambda: _check_row_stats(student, a, np.full(3, 3.0), np.full(3, 5.0)))
    parts.finish()


@pytest.mark.grade(number="4.3", points=2, files=[LAYERS_PY])
def test_layernorm_gradient_check_notebook(student, credit, cell_reference):
    """Layer norm gradient check, under "Layer normalization: forward and backward"

    Centered differences of the student's forward against its backward, once the
    forward normalizes; in the grade, of the reference's forward (a forward bug is
    charged in the forward's check, not here).
    """
    parts = Parts(credit)
    norm_gradient_check(student, parts, "layernorm", ln_param(), nb.gradient_check_inputs(),
                        reference_layers=cell_reference)
    parts.finish()
