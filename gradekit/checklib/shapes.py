"""Validating returned arrays; a wrong shape is charged once, in a part of its own, and
the values are compared after reshaping."""

from __future__ import annotations

import numpy as np

from gradekit.checklib.parts import fail
from gradekit.grading.checks import expect_array


def keepdims_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """The hint for a shape that differs from ``want`` only by an axis of length 1."""
    if len(got) == len(want) + 1 and tuple(d for d in got if d != 1) == tuple(
            d for d in want if d != 1):
        return "a sum or mean with keepdims=True kept an axis of length 1"
    return ""


def array(value, name: str, shape=None, dtype=np.float64, shape_hints=None, reshape=False):
    """``value`` as a finite ndarray of ``shape`` and ``dtype``; else fail.

    A known wrong shape gets a hint: ``shape_hints`` maps shapes to what they look like,
    and a stray axis of length 1 is recognised. With ``reshape``, an array of the right
    size is accepted in any shape (for checks that grade values while another check
    grades the shape).
    """
    if value is None:
        fail(f"{name} is None — not implemented yet?")
    if shape is not None and isinstance(value, np.ndarray) and value.shape != tuple(shape):
        if reshape and value.size == np.prod(shape):
            return array(value.reshape(shape), name, shape, dtype)
        hint = (shape_hints or {}).get(value.shape) or keepdims_hint(value.shape, tuple(shape))
        fail(f"{name} has shape {value.shape}; expected {tuple(shape)}."
             + (f" This looks like: {hint}." if hint else ""))
    return expect_array(value, shape=shape, dtype=dtype, name=name)


def implemented(value) -> bool:
    """False for what a stub or a constant implementation returns (None, or an array that
    holds one value everywhere): a side property of such an output proves nothing."""
    if not isinstance(value, np.ndarray) or value.size == 0 or value.dtype.kind not in "fiu":
        return False
    return bool(np.ptp(value) > 0)


class Shapes:
    """Arrays of the right size in a wrong shape: their values are compared after
    reshaping, and the shapes are charged once, in a small part of their own
    (:meth:`gradekit.checklib.Parts.shapes`)."""

    def __init__(self) -> None:
        self.wrong: dict[str, str] = {}
        self.taken = 0
        self.real = False
        """True once an array that is not a constant was taken (a stub's zeros have the
        right shapes and earn nothing for them)."""

    def take(self, value, name: str, shape, dtype=np.float64, shape_hints=None):
        """``value`` validated as :func:`array`, reshaped (and noted) when only its shape is off."""
        shape = tuple(shape)
        self.taken += 1
        self.real = self.real or implemented(value)
        if (isinstance(value, np.ndarray) and value.shape != shape
                and value.size == int(np.prod(shape))):
            hint = (shape_hints or {}).get(value.shape) or keepdims_hint(value.shape, shape)
            self.wrong.setdefault(name, f"{name} has shape {value.shape}; expected {shape}"
                                  + (f" ({hint})" if hint else ""))
            value = value.reshape(shape)
        return array(value, name, shape, dtype, shape_hints)

    def check(self) -> None:
        """Fail naming every wrong shape taken (or the constants, if nothing was real)."""
        if self.taken and not self.real:
            fail("Shapes: not checked, the values are constants (zeros?): implement the "
                 "function first.")
        if self.wrong:
            fail("Shapes: " + "; ".join(self.wrong.values())
                 + ". The values were compared after reshaping.")
