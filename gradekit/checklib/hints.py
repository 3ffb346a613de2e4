"""Bug models: naming a recognised bug when a value is wrong, and crediting a value that
is wrong only because of a bug another check charges (one bug, charged where it lives)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gradekit.checklib.measures import scaled_error
from gradekit.checklib.numbers import check_number
from gradekit.grading.checks import CheckFailed


@dataclass(frozen=True)
class Elsewhere:
    """A prediction of a bug that another check charges.

    When a value matches it, the part comparing that value earns its credit anyway
    (:class:`gradekit.checklib.Parts`) and the message says where the bug is charged.
    """

    label: str
    prediction: Any
    """The predicted value, or a callable computing it (asked only when needed)."""
    charged_in: Any
    """Where the bug is charged: a check function (its grade mark gives the number), a
    number from :func:`check_number`, or a callable giving the text once the prediction
    is computed."""
    confirm: Any = None
    """Optional callable: True when the bug is really there (asked only on a match)."""

    def where(self) -> str:
        """The text naming the check that charges the bug."""
        charged = self.charged_in
        if callable(charged) and not hasattr(charged, "pytestmark"):
            return str(charged())
        return check_number(charged) if callable(charged) else str(charged)


class ChargedElsewhere(CheckFailed):
    """A value was wrong only because of a bug another check charges (see :class:`Elsewhere`).

    :class:`gradekit.checklib.Parts` credits the part; anywhere else it fails like any
    CheckFailed.
    """


def charged_elsewhere(message: str, label: str, check: Any) -> ChargedElsewhere:
    """The exception for a value wrong only because of ``label``, a bug charged in
    ``check`` (a check function, or a number from :func:`check_number`)."""
    where = check_number(check) if callable(check) else check
    return ChargedElsewhere(f"{message}\nThis looks like: {label}. That bug is charged in "
                            f"check {where}, not here.")


def _predicted(value):
    return value() if callable(value) else value


def diagnose(actual, hypotheses, error=None, tol: float = 1e-6):
    """The first bug hypothesis whose predicted value matches ``actual``, or None.

    ``hypotheses`` holds ``(label, value)`` pairs and :class:`Elsewhere` items; a value may
    be a callable that computes the prediction only when needed (one that raises, or
    gives None, predicts nothing). A match is ``error(actual, value) <= tol`` on arrays of
    one shape (``error`` defaults to :func:`scaled_error`). Returns the label, or the
    Elsewhere item.
    """
    error = error or scaled_error
    actual = np.asarray(actual, dtype=float)
    for hypothesis in hypotheses:
        if isinstance(hypothesis, Elsewhere):
            label, predicted = hypothesis, hypothesis.prediction
        else:
            label, predicted = hypothesis
        try:
            predicted = _predicted(predicted)
        except Exception:  # noqa: BLE001 - a prediction that needs student code which failed
            continue
        if predicted is None:
            continue
        predicted = np.asarray(predicted, dtype=float)
        if predicted.shape == actual.shape and error(actual, predicted) <= tol:
            if isinstance(label, Elsewhere) and label.confirm is not None:
                try:
                    if not label.confirm():
                        continue
                except Exception:  # noqa: BLE001 - as above
                    continue
            return label
    return None


def verdict(message: str, hint) -> CheckFailed:
    """The exception for a mismatch: with the named bug, or a bug charged in another check
    (:class:`ChargedElsewhere`), or the bare message when ``hint`` is empty."""
    if isinstance(hint, Elsewhere):
        return ChargedElsewhere(f"{message}\nThis looks like: {hint.label}. That bug is "
                                f"charged in check {hint.where()}, not here.")
    if hint:
        return CheckFailed(f"{message}\nThis looks like: {hint}.")
    return CheckFailed(message)
