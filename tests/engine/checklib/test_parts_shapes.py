"""Partial credit in parts, shapes charged once, validated returns."""

from __future__ import annotations

import numpy as np
import pytest

from gradekit.checklib import (ChargedElsewhere, CheckFailed, Parts, Shapes, array,
                               implemented, keepdims_hint, outputs, scalar)
from gradekit.grading.fixtures import Credit


def test_each_passing_part_earns_its_share_and_finish_lists_the_failures():
    credit = Credit()
    parts = Parts(credit)
    assert parts.run(0.5, "first", lambda: None)
    assert not parts.run(0.3, "second", lambda: (_ for _ in ()).throw(CheckFailed("bad")))
    assert not parts.run(0.2, "third", lambda: None, needs=False, why="second failed")
    assert credit.fractions == [0.5]
    with pytest.raises(CheckFailed) as failed:
        parts.finish()
    assert str(failed.value) == "bad\nthird: not checked, second failed."


def test_a_part_wrong_only_because_of_a_bug_charged_elsewhere_earns_its_credit():
    credit = Credit()
    parts = Parts(credit)

    def part():
        raise ChargedElsewhere("charged in check 1.1")
    assert parts.run(0.4, "values", part)
    parts.finish()
    assert credit.fractions == [0.4] and "but note" in credit.messages[0]


def test_advice_costs_nothing():
    credit = Credit()
    Parts(credit).advise("style", lambda: (_ for _ in ()).throw(CheckFailed("use numpy")))
    assert credit.fractions == [0.0] and "use numpy" in credit.messages[0]


def test_shapes_compare_values_after_reshaping_and_charge_the_shape_once():
    shapes = Shapes()
    value = shapes.take(np.arange(4.0).reshape(1, 4), "dbeta", (4,))
    assert value.shape == (4,)
    shapes.take(np.arange(4.0).reshape(1, 4), "dbeta", (4,))
    credit = Credit()
    parts = Parts(credit)
    assert not parts.shapes(0.1, "shapes", shapes)
    with pytest.raises(CheckFailed) as failed:
        parts.finish()
    message = str(failed.value)
    assert message.count("dbeta has shape (1, 4)") == 1 and "keepdims=True" in message


def test_shapes_of_constants_earn_nothing():
    shapes = Shapes()
    shapes.take(np.zeros(3), "out", (3,))
    with pytest.raises(CheckFailed, match="constants"):
        shapes.check()


def test_array_validates_and_hints():
    assert array(np.ones((2, 3)), "out", (2, 3)).shape == (2, 3)
    with pytest.raises(CheckFailed, match="This looks like: transposed"):
        array(np.ones((3, 2)), "out", (2, 3), shape_hints={(3, 2): "transposed"})
    assert array(np.ones((3, 2)), "out", (2, 3), reshape=True).shape == (2, 3)
    with pytest.raises(CheckFailed, match="not implemented"):
        array(None, "out", (2, 3))
    with pytest.raises(CheckFailed, match="NaN"):
        array(np.array([1.0, np.nan]), "out", (2,))
    assert keepdims_hint((1, 4), (4,)) and not keepdims_hint((2, 4), (4,))


def test_implemented_refuses_constants():
    assert implemented(np.arange(3.0))
    assert not implemented(np.zeros(3)) and not implemented(None)


def test_outputs_and_scalar():
    assert outputs((1, 2), "f", ("out", "cache")) == (1, 2)
    assert outputs(5, "f", ("out",)) == (5,)
    with pytest.raises(CheckFailed, match="should return a tuple"):
        outputs((1,), "f", ("out", "cache"))
    with pytest.raises(CheckFailed, match="cache=None"):
        outputs((1, None), "f", ("out", "cache"))
    assert outputs((1, None), "f", ("out", "cache"), allow_none=("cache",)) == (1, None)
    assert scalar(np.float64(2.5), "loss") == 2.5
    with pytest.raises(CheckFailed):
        scalar(None, "loss")
