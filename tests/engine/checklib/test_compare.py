"""Scaled error measures, comparisons with their messages, bug hints and check numbers."""

from __future__ import annotations

import numpy as np
import pytest

from gradekit.checklib import (ChargedElsewhere, CheckFailed, Elsewhere, charged_elsewhere,
                               check_number, compare, diagnose, largest_differences,
                               relative_error, scale_of, scaled_error, show, verdict)
from gradekit.grading.checks import rel_error


@pytest.mark.grade(number="9.7", points=1)
def marked_check():
    """A check function with a grade mark (not collected: its name has no test_ prefix)."""


def noise_near_zero():
    """Values of magnitude 1 with one entry that is zero in theory, off by rounding."""
    expected = np.array([1.0, -2.0, 0.0])
    return expected + np.array([0.0, 0.0, 3e-17]), expected


def test_rounding_noise_of_a_zero_entry_is_tiny_against_the_scaled_floor():
    actual, expected = noise_near_zero()
    assert relative_error(actual, expected) < 1e-12
    assert scaled_error(actual, expected) < 1e-12
    old_fixed_floor = np.max(np.abs(actual - expected) / np.maximum(
        1e-8, np.abs(actual) + np.abs(expected)))
    assert old_fixed_floor > 1e-9  # what the 1e-8 floor made of the same noise


def test_the_engine_rel_error_is_the_scaled_one():
    actual, expected = noise_near_zero()
    assert rel_error is relative_error
    assert rel_error(actual, expected) < 1e-12
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)


def test_a_real_difference_is_still_seen():
    assert relative_error(np.array([1.0, 1.0]), np.array([1.0, 1.1])) == pytest.approx(0.1 / 2.1)
    assert scaled_error(np.array([0.0, 10.0]), np.array([1.0, 10.0])) == pytest.approx(0.1)
    assert scale_of(np.array([1.0, -3.0]), np.array([2.0])) == 3.0


def test_compare_returns_the_error_when_within_tolerance():
    assert compare("out", np.ones(3), np.ones(3), 1e-8) == 0.0


def test_compare_shows_the_largest_differences_with_their_indices():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[1, 2] = 5.0
    with pytest.raises(CheckFailed) as failed:
        compare("out", actual, expected, 1e-8)
    message = str(failed.value)
    assert message.startswith("out: max rel error 1.0e+00; expected 1e-08 or less.")
    assert "(1, 2): 5 / 0" in message


def test_largest_differences_in_order_and_when_shapes_differ():
    text = largest_differences(np.array([1.0, 5.0, 2.0]), np.zeros(3), count=2)
    assert text.index("1: 5") < text.index("2: 2") and "0: 1" not in text
    assert "yours:" in largest_differences(np.ones(2), np.ones(3))
    assert show(np.arange(7), count=3) == "[0, 1, 2, ...]"


def test_a_matching_bug_model_is_named():
    expected = np.array([1.0, 2.0, 3.0])
    hypotheses = [("doubled", lambda: 2 * expected), ("halved", expected / 2)]
    with pytest.raises(CheckFailed) as failed:
        compare("out", expected / 2, expected, 1e-8, hypotheses=hypotheses)
    assert "This looks like: halved." in str(failed.value)
    assert diagnose(expected * 3, hypotheses) is None


def test_a_prediction_that_raises_predicts_nothing():
    def broken():
        raise RuntimeError("student code failed")
    assert diagnose(np.ones(2), [("broken", broken), ("ones", np.ones(2))]) == "ones"


def test_a_bug_charged_elsewhere_names_the_check_from_its_mark():
    expected = np.ones(3)
    elsewhere = Elsewhere("a bug of the layer", lambda: expected * 2, marked_check)
    with pytest.raises(ChargedElsewhere) as failed:
        compare("out", expected * 2, expected, 1e-8, hypotheses=[elsewhere])
    assert "That bug is charged in check 9.7, not here." in str(failed.value)


def test_an_unconfirmed_elsewhere_is_not_taken():
    hint = Elsewhere("bug", np.ones(2), "1.1", confirm=lambda: False)
    assert diagnose(np.ones(2), [hint]) is None


def test_verdict_and_charged_elsewhere_messages():
    assert str(verdict("wrong", "")) == "wrong"
    assert type(verdict("wrong", "a bug")) is CheckFailed
    error = charged_elsewhere("params wrong.", "a bug", marked_check)
    assert isinstance(error, ChargedElsewhere)
    assert str(error) == ("params wrong.\nThis looks like: a bug. That bug is charged in "
                          "check 9.7, not here.")
    assert "check 1.2," in str(verdict("x", Elsewhere("b", None, lambda: "1.2")))


def test_check_number_reads_a_file_without_importing_it(tmp_path):
    (tmp_path / "test_other.py").write_text(
        "import pytest\nraise SystemExit('never imported')\n\n"
        "@pytest.mark.grade(number=\"4.2\", points=3)\ndef test_forward():\n    pass\n")
    assert check_number("test_other.py::test_forward", tmp_path) == "4.2"
    with pytest.raises(LookupError):
        check_number("test_other.py::test_missing", tmp_path)
    with pytest.raises(LookupError):
        check_number(noise_near_zero)


def test_check_number_finds_files_beside_the_calling_module():
    assert check_number("test_compare.py::marked_check") == "9.7"
