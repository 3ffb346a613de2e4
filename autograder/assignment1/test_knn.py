"""Hidden checks of knn.ipynb: the three distance methods, their loop rules, the speed of
the no-loop one, predict_labels (with ties going to the smaller label) and predict.

The loop rules are the notebook's, read from the source with ``ast`` (never run): the
two-loop method may not loop over the dimensions, the one-loop method loops over the
test points only, the no-loop method has no Python loop, and none of them calls
np.linalg.norm (nor, for the no-loop one, scipy).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from a1_common import (KNN_PY, call, distinct_points, knn, labels_array, loop_depth,
                       method_calls, method_node, methods, mentions)
from votes import first_occurrence, larger_label, smaller_label
from gradekit.checklib import (Parts, Race, SpeedRule, array, charged_elsewhere, compare,
                               fail, implemented, pair_order, split_pairs, timed_call)
from gradekit.checklib.source import read_source
from gradekit.sandbox.controller import StudentException

TWO, ONE, NONE = ("compute_distances_two_loops", "compute_distances_one_loop",
                  "compute_distances_no_loops")
SQUARED = "squared distances returned (no square root)"
TRANSPOSED = "dists transposed: (num_train, num_test) instead of (num_test, num_train)"
# The no-loop method against the two-loop one (the notebook's timing cell: "far faster").
# Measured in the sandbox on the inputs below, the reference and the corpus's no-loop
# methods are 17-55x faster than their two-loop ones; equal code is 0.9-1.1x. A no-loop
# method below 1.5x fails at once, above 3x passes at once; in between 24 more pairs
# decide at 2x.
FASTER = SpeedRule(pass_at=3.0, fail_at=1.5, decide_at=2.0)


def l2(A, B):
    """Euclidean distances between the rows of A (n, d) and of B (m, d): (n, m)."""
    return np.sqrt(np.maximum(
        np.sum(A * A, axis=1)[:, None] + np.sum(B * B, axis=1)[None, :] - 2 * A @ B.T, 0))


def _class_methods(student):
    return methods(read_source(Path(student.folder) / KNN_PY), "KNearestNeighbor")


def _distances(student, method, X_train, X_test, hints=()):
    """The student's distances between X_test and X_train, compared with L2."""
    want = l2(X_test, X_train)
    model = knn(student, X_train, np.arange(len(X_train)) % 3)
    try:
        value = call(student, (model, method), X_test).value
    except StudentException as error:
        hint = next((label for needle, label in hints if needle in str(error)), "")
        fail(f"{method}: {error}" + (f"\nThis looks like: {hint}." if hint else ""))
    shape = (len(X_test), len(X_train))
    dists = array(value, f"{method} dists", shape, shape_hints={shape[::-1]: TRANSPOSED})
    compare(f"{method} dists ({shape[0]} test x {shape[1]} training points)", dists, want,
            1e-6, hypotheses=[(SQUARED, want**2)])


def _no_norm(node, method):
    if "norm" in method_calls(node):
        fail(f"{method} calls np.linalg.norm, which the notebook forbids: compute the "
             "distance from the differences (or the expanded square) yourself.")


def _inputs(rng, n_train=23, n_test=9, d=17):
    X = distinct_points(rng, n_train + n_test, d)
    return X[:n_train], X[n_train:]


@pytest.mark.grade(number="1.4", points=14, notebook="knn", files=[KNN_PY])
def test_two_loops(student, rng, credit):
    """Distances with two loops

    L2 distances against a direct computation; no loop over the dimensions, no
    np.linalg.norm.
    """
    X_train, X_test = _inputs(rng)
    parts = Parts(credit)
    values = parts.run(0.8, "values", lambda: _distances(student, TWO, X_train, X_test))

    def rules():
        node = method_node(_class_methods(student), TWO)
        _no_norm(node, TWO)
        if node is not None and loop_depth(node) > 2:
            fail(f"{TWO} nests {loop_depth(node)} loops; the notebook allows the two loops "
                 "over test and training points only (no loop over the dimensions).")

    parts.run(0.2, "loop rules", rules, needs=values, why="the rules count once the values "
              "are right")
    parts.finish()


@pytest.mark.grade(number="1.5", points=14, notebook="knn", files=[KNN_PY])
def test_one_loop(student, rng, credit):
    """Distances with one loop

    L2 distances against a direct computation; one loop, over the test points; no
    np.linalg.norm.
    """
    X_train, X_test = _inputs(rng)
    parts = Parts(credit)
    values = parts.run(0.7, "values", lambda: _distances(
        student, ONE, X_train, X_test,
        hints=[("broadcast", "the sum over the wrong axis (axis 0 gives a (D,) row)")]))

    def rules():
        node = method_node(_class_methods(student), ONE)
        _no_norm(node, ONE)
        if node is not None and loop_depth(node) > 1:
            fail(f"{ONE} nests {loop_depth(node)} loops; the notebook allows one loop, over "
                 "the test points (broadcast over the training points).")

    parts.run(0.3, "loop rules", rules, needs=values, why="the rules count once the values "
              "are right")
    parts.finish()


NORMS_ROW = "test norms not reshaped to a column ((num_test,) instead of (num_test, 1))"


@pytest.mark.grade(number="1.6", points=19, notebook="knn", files=[KNN_PY])
def test_no_loops(student, rng, credit):
    """Distances without loops

    L2 distances with as many and with fewer test points than training points; no Python
    loop, no np.linalg.norm, no scipy. Advice (no points) for identical rows.
    """
    X_train, X_test = _inputs(rng)
    X_same = distinct_points(rng, 16, 11)
    parts = Parts(credit)
    values = parts.run(0.45, "values", lambda: _distances(
        student, NONE, X_train, X_test, hints=[("broadcast", NORMS_ROW)]))

    def square():
        train, test = X_same[:8], X_same[8:]
        want = l2(test, train)
        model = knn(student, train, np.arange(8) % 3)
        dists = array(call(student, (model, NONE), test).value, f"{NONE} dists", (8, 8))
        row = np.sqrt(np.maximum(np.sum(test**2, 1)[None, :] + np.sum(train**2, 1)[None, :]
                                 - 2 * test @ train.T, 0))
        compare(f"{NONE} dists (8 test x 8 training points)", dists, want, 1e-6,
                hypotheses=[(SQUARED, want**2), (NORMS_ROW, row)])

    square_ok = parts.run(0.15, "as many test as training points", square)

    def rules():
        node = method_node(_class_methods(student), NONE)
        _no_norm(node, NONE)
        if node is not None and loop_depth(node) > 0:
            fail(f"{NONE} has a Python loop; the notebook asks for none (one matrix product "
                 "and two broadcast sums are enough).")
        used = method_calls(node) & {"cdist", "pdist", "squareform", "distance_matrix"}
        if used or mentions(node, "scipy"):
            fail(f"{NONE} uses scipy ({', '.join(sorted(used)) or 'scipy'}), which the "
                 "notebook forbids.")

    parts.run(0.4, "loop rules", rules, needs=values and square_ok,
              why="the rules count once the values are right")

    def identical_rows():
        model = knn(student, X_train, np.arange(len(X_train)) % 3)
        dists = call(student, (model, NONE), X_train[:5]).value
        if isinstance(dists, np.ndarray) and not np.all(np.isfinite(dists)):
            fail(f"{NONE} gives NaN for a test point equal to a training point: rounding "
                 "left a tiny negative square under the square root (clip it at 0 first).")

    parts.advise("identical rows", identical_rows)
    parts.finish()


@pytest.mark.grade(number="1.7", points=6, notebook="knn", files=[KNN_PY])
def test_no_loops_faster(student, rng, credit):
    """No-loop distances clearly faster than two loops

    CPU time in the sandbox, pairs interleaved; decided so that timing noise cannot flip
    the verdict (once the no-loop values are right).
    """
    X_train = distinct_points(rng, 200, 48)
    tests = [rng.standard_normal((20, 48)) for _ in range(4)]
    parts = Parts(credit)
    parts.run(1.0, "clearly faster", lambda: _race(student, X_train, tests))
    parts.finish()


def _race(student, X_train, tests):
    model = knn(student, X_train, np.arange(len(X_train)) % 3)
    for method in (NONE, TWO):
        try:
            got = call(student, (model, method), tests[0], timeout=10).value
            compare(f"{method} dists", array(got, f"{method} dists", (20, len(X_train))),
                    l2(tests[0], X_train), 1e-6)
        except (StudentException, AssertionError) as error:
            if method == NONE:
                fail(f"Not checked: {NONE} must give the right distances first ({error}).")
            raise charged_elsewhere(f"{TWO} gives wrong distances, so it is no yardstick.",
                                    f"a wrong {TWO}", test_two_loops)
    bound = {m: student.getattr(model, m, keep=True) for m in (NONE, TWO)}
    count = [0]

    def repeat(counted):
        order = pair_order(count[0], NONE, TWO)
        count[0] += 1
        seconds = [timed_call(student, bound[m], tests[i % 4], timeout=10,
                              what=f"{m} (the speed check)").cpu_seconds
                   for i, m in enumerate(order)]
        return split_pairs(order, seconds, NONE)

    race = Race(repeat, FASTER)
    race.start()
    verdict = race.decide()
    if not verdict.passed:
        fail(f"{NONE} is {verdict.ratio:.2f}x as fast as {TWO} (CPU time, median of "
             f"{len(verdict.times.a)} pairs); the notebook expects it far faster "
             f"({FASTER.decide_at:g}x or more): use one matrix product instead of "
             "per-row work.")


# ---------------------------------------------------------------- predict_labels
def _votes(dists, y_train, k):
    """For each row, the labels of its k nearest points, nearest first."""
    return [list(y_train[np.argsort(row, kind="stable")[:k]]) for row in dists]


def predict_labels(student, dists, y_train, k):
    model = knn(student, np.zeros((len(y_train), 2)), y_train)
    return labels_array(call(student, (model, "predict_labels"), dists, k=k).value,
                        len(dists))


def _label_hints(dists, y_train, k):
    far = [list(y_train[np.argsort(-row, kind="stable")[:k]]) for row in dists]
    hints = [(f"the k largest distances taken instead of the k smallest",
              smaller_label(far))]
    if k == 1:
        hints.append(("neighbour indices returned instead of their labels",
                      np.argmin(dists, axis=1).astype(float)))
    return hints


def _check_labels(student, dists, y_train, k, what, tie_hints=False):
    votes = _votes(dists, y_train, k)
    want = smaller_label(votes)
    got = predict_labels(student, dists, y_train, k)
    hints = _label_hints(dists, y_train, k)
    if tie_hints:
        hints = [("a tie between labels resolved by first occurrence (the nearest "
                  "neighbour's label) instead of the smaller label", first_occurrence(votes)),
                 ("a tie between labels resolved towards the larger label",
                  larger_label(votes))] + hints
    wrong = np.flatnonzero(got != want)
    if wrong.size:
        named = next((label for label, predicted in hints
                      if np.array_equal(got, predicted)), "")
        rows = "; ".join(f"row {i}: neighbours' labels {[int(v) for v in votes[i]]}, yours "
                         f"{got[i]:g}, expected {want[i]:g}" for i in wrong[:3])
        fail(f"predict_labels with k={k} ({what}): {wrong.size} of {len(want)} labels "
             f"wrong. {rows}." + (f"\nThis looks like: {named}." if named else ""))


def _one_winner(labels) -> bool:
    counts = np.sort(np.unique(labels, return_counts=True)[1])
    return len(counts) == 1 or counts[-1] > counts[-2]


def _tie_free(rng, k, n_test=10, n_train=30, n_labels=6):
    """Distances and labels whose k-votes all have one most frequent label."""
    while True:
        y_train = rng.permutation(np.arange(n_train) % n_labels) + 2
        dists = rng.uniform(0.5, 10.0, (n_test, n_train))
        votes = _votes(dists, y_train, k)
        keep = [i for i, v in enumerate(votes) if _one_winner(v)]
        if len(keep) >= 5:
            return dists[keep], y_train


def _ties(rng, n_train=30, n_labels=6):
    """Rows whose k-votes tie between two labels (k = 2 and k = 4), the larger one
    nearest in most rows: (k, dists, y_train) pairs."""
    y_train = rng.permutation(np.arange(n_train) % n_labels) + 1
    groups = {label: list(np.flatnonzero(y_train == label)) for label in range(1, n_labels + 1)}
    cases = []
    for k, pattern in ((2, "hl"), (4, "hlhl"), (4, "lhhl"), (2, "lh")):
        rows = []
        for _ in range(3):
            lo, hi = sorted(rng.choice(n_labels, 2, replace=False) + 1)
            taken = {"l": list(rng.permutation(groups[lo])),
                     "h": list(rng.permutation(groups[hi]))}
            row = rng.uniform(3.0, 10.0, n_train)
            for rank, which in enumerate(pattern):
                row[taken[which].pop()] = 1.0 + 0.3 * rank + rng.uniform(0, 0.1)
            rows.append(row)
        cases.append((k, np.array(rows), y_train))
    return cases


@pytest.mark.grade(number="1.8", points=21, notebook="knn", files=[KNN_PY])
def test_predict_labels(student, rng, credit):
    """predict_labels

    The most frequent label among the k nearest training points, for k = 1 and k = 5;
    a tie between labels goes to the smaller label.
    """
    parts = Parts(credit)
    parts.run(0.3, "k = 1", lambda: _check_labels(
        student, *_tie_free(rng, 1), 1, "no ties"))
    parts.run(0.35, "k = 5", lambda: _check_labels(
        student, *_tie_free(rng, 5), 5, "no ties between labels"))

    def ties():
        for k, dists, y_train in _ties(rng):
            _check_labels(student, dists, y_train, k, "two labels tie", tie_hints=True)

    parts.run(0.35, "ties go to the smaller label", ties)
    parts.finish()


DISTANCE_CHECKS = {NONE: test_no_loops, ONE: test_one_loop, TWO: test_two_loops}


@pytest.mark.grade(number="1.9", points=4, notebook="knn", files=[KNN_PY])
def test_predict(student, rng, credit):
    """predict dispatch

    predict(X, k, num_loops) gives predict_labels of the distances of the chosen method
    (0, 1 or 2 loops); any other num_loops raises ValueError.
    """
    X_train, X_test = _inputs(rng, 20, 6, 5)
    y_train = rng.permutation(np.arange(20) % 4)
    model = knn(student, X_train, y_train)
    parts = Parts(credit)
    passed = []
    for loops, method in ((0, NONE), (1, ONE), (2, TWO)):
        def dispatch(loops=loops, method=method):
            try:
                dists = call(student, (model, method), X_test).value
            except StudentException as error:
                raise charged_elsewhere(f"num_loops={loops}: {method} raised: {error}",
                                        f"a failing {method}", DISTANCE_CHECKS[method])
            if not implemented(dists):
                fail(f"num_loops={loops}: not checked, {method} is not implemented yet.")
            want = labels_array(call(student, (model, "predict_labels"), dists, k=3).value,
                                len(X_test), "predict_labels")
            got = labels_array(call(student, (model, "predict"), X_test, k=3,
                                    num_loops=loops).value, len(X_test), "predict")
            if not np.array_equal(got, want):
                fail(f"predict(X, k=3, num_loops={loops}) differs from predict_labels of "
                     f"{method}(X) with k=3.")
        passed.append(parts.run(0.25, f"num_loops={loops}", dispatch))

    def invalid():
        try:
            call(student, (model, "predict"), X_test, k=1, num_loops=3)
        except StudentException as error:
            if error.type_name == "ValueError":
                return
            fail(f"predict with num_loops=3 raised {error.type_name}; expected ValueError.")
        fail("predict with num_loops=3 returned; expected it to raise ValueError.")

    parts.run(0.25, "num_loops=3 raises ValueError", invalid, needs=any(passed),
              why="predict is checked once one of its methods works")
    parts.finish()
