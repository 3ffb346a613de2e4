"""What a dropout output says about the bug that made it: shared by the public and hidden
dropout checks. Nothing here depends on how the mask is drawn (``rand < p``,
``binomial``, ``random_sample`` all pass); only on the fraction of units kept and the
values of the kept ones.
"""

from __future__ import annotations

import numpy as np

from gradekit.checklib import fail


def kept_fraction_hint(kept: float, p: float, tol: float) -> str:
    """The bug a kept fraction suggests, or ""."""
    if abs(kept - (1 - p)) <= tol:
        return (" This looks like: p treated as the drop probability (the 2017 meaning, "
                "mask = rand > p); p is the probability of keeping a unit.")
    if kept > 1 - tol:
        return " This looks like: no mask applied in train mode."
    return ""


def check_kept_fraction(out, p: float, tol: float, what: str) -> None:
    kept = float(np.mean(out != 0))
    if abs(kept - p) > tol:
        fail(f"{what}: {kept:.4f} of the units are kept; expected about p = {p:.4f} "
             f"(within {tol:.3f}).{kept_fraction_hint(kept, p, tol)}")


def check_kept_values(out, x, p: float, what: str) -> None:
    """Every non-zero output must be x / p (inverted dropout)."""
    kept = out != 0
    if not kept.any():
        fail(f"{what}: every output is zero.")
    ratio = out[kept] / x[kept]
    for value, hint in ((1.0, "no division by p in train mode (vanilla dropout, not "
                              "inverted)"),
                        (p, "kept units multiplied by p instead of divided by p"),
                        (1 / (1 - p), "division by 1 - p instead of p")):
        if np.allclose(ratio, value, rtol=1e-10):
            fail(f"{what}: kept units are x * {value:.4g}; expected x / p = x * "
                 f"{1 / p:.4g}. This looks like: {hint}.")
    if not np.allclose(ratio, 1 / p, rtol=1e-10, atol=0):
        worst = float(np.max(np.abs(ratio * p - 1)))
        fail(f"{what}: the kept units are not x / p (largest relative difference "
             f"{worst:.2e}).")


def check_test_mode(out, x, p: float, what: str) -> None:
    if out is None:
        fail(f"{what}: out is None in test mode — not implemented yet?")
    if np.array_equal(out, x):
        return
    if np.allclose(out, x * p, rtol=1e-12):
        fail(f"{what}: test mode returns x * p; expected x unchanged. This looks like: "
             "vanilla dropout scaling (multiplying by p at test time) with inverted "
             "dropout in training, or test mode scaling by p.")
    if np.mean(out == 0) > 0.05:
        fail(f"{what}: test mode zeroes {np.mean(out == 0):.2%} of the units; expected x "
             "unchanged. This looks like: dropout active in test mode.")
    fail(f"{what}: test mode should return x unchanged; largest difference "
         f"{float(np.max(np.abs(out - x))):.3g}.")
