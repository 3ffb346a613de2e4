"""Public checks: the kNN notebook's comparisons of the distance methods (under
"Distances with one loop" and "Distances without loops") and
1-NN on the training points, on small random inputs."""

import numpy as np
import pytest

from a1_common import KNN, KNN_PY, call, distinct_points, knn
from gradekit.checklib import Parts, array, fail, implemented

TWO, ONE, NONE = ("compute_distances_two_loops", "compute_distances_one_loop",
                  "compute_distances_no_loops")


def _yardstick(student, cell_reference, X_train, X_test):
    """The two-loop distances the cell compares with: the student's own, or in the grade
    the reference's (so that only the method the cell is about can fail it)."""
    if cell_reference is None:
        model = knn(student, X_train, np.zeros(len(X_train), dtype=int))
        dists = array(call(student, (model, TWO), X_test).value, f"{TWO} dists",
                      (len(X_test), len(X_train)))
        if not implemented(dists):
            fail(f"Not checked: {TWO} is not implemented yet (the cell compares with it).")
        return dists
    ours = cell_reference.module("cs231n.classifiers.k_nearest_neighbor").KNearestNeighbor()
    ours.train(X_train, np.zeros(len(X_train), dtype=int))
    return ours.compute_distances_two_loops(X_test)


def _difference_cell(student, cell_reference, rng, method, label):
    X = distinct_points(rng, 60, 12)
    X_train, X_test = X[:45], X[45:]
    want = _yardstick(student, cell_reference, X_train, X_test)
    model = knn(student, X_train, np.zeros(45, dtype=int))
    dists = array(call(student, (model, method), X_test).value, f"{method} dists",
                  want.shape)
    difference = float(np.linalg.norm(dists - want, ord="fro"))
    if difference >= 0.001:
        fail(f"{label} difference was: {difference:f} (Frobenius norm of {method} minus "
             f"{TWO}); the notebook wants below 0.001. Uh-oh! The distance matrices are "
             "different.")


@pytest.mark.grade(number="1.1", points=4, notebook="knn", files=[KNN_PY])
def test_one_loop_notebook(student, cell_reference, rng, credit):
    """One-loop distances, under "Distances with one loop"

    The Frobenius norm of the difference from the two-loop distances is below 0.001.
    """
    parts = Parts(credit)
    parts.run(1.0, "one loop", lambda: _difference_cell(student, cell_reference, rng, ONE,
                                                         "One loop"))
    parts.finish()


@pytest.mark.grade(number="1.2", points=4, notebook="knn", files=[KNN_PY])
def test_no_loops_notebook(student, cell_reference, rng, credit):
    """No-loop distances, under "Distances without loops"

    The Frobenius norm of the difference from the two-loop distances is below 0.001.
    """
    parts = Parts(credit)
    parts.run(1.0, "no loops", lambda: _difference_cell(student, cell_reference, rng, NONE,
                                                         "No loop"))
    parts.finish()


@pytest.mark.grade(number="1.3", points=4, notebook="knn", files=[KNN_PY])
def test_predict_labels_nearest(student, rng, credit):
    """predict_labels, k = 1

    With k = 1 each point's label is the label of the training point nearest to it (given
    distances, no ties).
    """
    dists = rng.uniform(0.5, 10.0, (8, 15))
    y_train = rng.integers(0, 5, 15) + 3
    model = call(student, KNN).value
    call(student, (model, "train"), np.zeros((15, 2)), y_train)
    got = array(call(student, (model, "predict_labels"), dists, k=1).value, "y_pred", (8,),
                dtype=None)
    want = y_train[np.argmin(dists, axis=1)]
    if not np.array_equal(got, want):
        hint = ""
        if np.array_equal(got, np.argmin(dists, axis=1)):
            hint = " This looks like: neighbour indices returned instead of their labels."
        elif np.array_equal(got, y_train[np.argmax(dists, axis=1)]):
            hint = " This looks like: the largest distance taken instead of the smallest."
        fail(f"predict_labels(dists, k=1) gave {got.tolist()}; expected the labels of the "
             f"nearest training points, {want.tolist()}.{hint}")
