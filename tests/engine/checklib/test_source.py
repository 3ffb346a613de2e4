"""Reading a student function's source with ast: loops, calls, copies, rebinding."""

from __future__ import annotations

from gradekit.checklib import calls, has_loops, read_source, same_code

SOURCE = '''
import numpy as np

def looped(x):
    total = 0
    for v in x:
        total += v
    return total

def squares(x):
    return [v * v for v in x]

def vectorized(x):
    """No loop here."""
    return np.sum(x)

def helper(x):
    return vectorized(x) + np.mean(x)

def renamed(y):
    return np.sum(y)

def rebound(x):
    return looped(x)

rebound = vectorized
'''


def test_has_loops_sees_for_while_and_comprehensions():
    assert has_loops(SOURCE, "looped") and has_loops(SOURCE, "squares")
    assert not has_loops(SOURCE, "vectorized")
    assert not has_loops(SOURCE, "missing")


def test_calls_by_name_or_attribute():
    assert calls(SOURCE, "helper", "vectorized") and calls(SOURCE, "helper", "mean")
    assert not calls(SOURCE, "vectorized", "looped")


def test_same_code_under_other_names():
    assert same_code(SOURCE, "renamed", "vectorized")
    assert not same_code(SOURCE, "helper", "vectorized")


def test_a_rebound_function_is_not_what_runs():
    assert not calls(SOURCE, "rebound", "looped")


def test_unparseable_or_missing_sources_answer_no(tmp_path):
    assert not has_loops("def f(:\n", "f")
    assert read_source(tmp_path / "missing.py") is None
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    assert has_loops(read_source(path), "looped")
