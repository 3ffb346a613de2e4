"""The source rules of the kNN checks (read with ast, never run) and the tie-vote models:
what they accept and what they refuse, on small hand-written classes."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from tests.support.paths import course

A1 = course("assignment1")
for _path in (A1.checks, A1.public_checks):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from a1_common import loop_depth, method_calls, method_node, methods, mentions  # noqa: E402
from votes import first_occurrence, larger_label, smaller_label  # noqa: E402

SOURCE = '''
import numpy as np
from scipy.spatial.distance import cdist


class KNearestNeighbor:
    def two(self, X):
        for i in range(3):
            for j in range(4):
                d = sum([(X[i, k] - X[j, k]) ** 2 for k in range(5)])
        return d

    def one(self, X):
        rows = [np.sqrt(((self.X_train - x) ** 2).sum(1)) for x in X]
        return np.array(rows)

    def none(self, X):
        return np.linalg.norm(X[:, None] - self.X_train[None], axis=2)

    def uses_scipy(self, X):
        return cdist(X, self.X_train)

    def later(self, X):
        return 1

    def later(self, X):
        while True:
            return 2
'''


def node(name):
    return method_node(methods(SOURCE, "KNearestNeighbor"), name)


@pytest.mark.parametrize("name, depth", [("two", 3), ("one", 1), ("none", 0), ("later", 1)])
def test_loop_depth_counts_loops_and_comprehensions_as_nested(name, depth):
    assert loop_depth(node(name)) == depth


def test_calls_and_names_inside_a_method():
    assert "norm" in method_calls(node("none"))
    assert "cdist" in method_calls(node("uses_scipy"))
    assert not mentions(node("one"), "scipy")


def test_a_class_bound_again_or_missing_is_not_read():
    assert methods(SOURCE + "\nKNearestNeighbor = object\n", "KNearestNeighbor") is None
    assert methods("def broken(:\n", "KNearestNeighbor") is None
    assert node("missing") is None


def test_vote_models_break_ties_three_ways():
    votes = [[3, 1], [2, 2, 5], [4, 6, 6, 4]]          # nearest first
    assert smaller_label(votes).tolist() == [1, 2, 4]
    assert first_occurrence(votes).tolist() == [3, 2, 4]
    assert larger_label(votes).tolist() == [3, 2, 6]
    assert np.all(smaller_label([[7]]) == 7)
