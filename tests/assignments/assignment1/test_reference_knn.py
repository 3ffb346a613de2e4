"""Assignment 1 reference: the k-nearest-neighbour classifier (COURSE_SPEC A1.1, A1.2)."""

import numpy as np
import pytest

from .reference_helpers import PACKAGE_DIR, ref
from gradekit.release.markers import find_regions

KNearestNeighbor = ref("classifiers.k_nearest_neighbor").KNearestNeighbor


def _trained(num_train=40, num_test=15, dim=12, seed=0):
    rng = np.random.default_rng(seed)
    X_train = rng.normal(size=(num_train, dim)) * 50 + 100
    y_train = rng.integers(0, 10, size=num_train)
    X_test = rng.normal(size=(num_test, dim)) * 50 + 100
    knn = KNearestNeighbor()
    knn.train(X_train, y_train)
    return knn, X_train, y_train, X_test


def test_train_stores_the_data():
    knn, X_train, y_train, _ = _trained()
    assert knn.X_train is X_train and knn.y_train is y_train


def test_three_distance_versions_agree_with_euclidean_distances():
    knn, X_train, _, X_test = _trained()
    expected = np.sqrt(((X_test[:, None, :] - X_train[None, :, :]) ** 2).sum(axis=2))
    two = knn.compute_distances_two_loops(X_test)
    one = knn.compute_distances_one_loop(X_test)
    none = knn.compute_distances_no_loops(X_test)
    for dists in (two, one, none):
        assert dists.shape == (15, 40)
        np.testing.assert_allclose(dists, expected, rtol=0, atol=1e-6)
    # the notebook's check: Frobenius norm of the difference below 0.001
    assert np.linalg.norm(two - one, ord="fro") < 1e-6
    assert np.linalg.norm(two - none, ord="fro") < 1e-6


def test_no_loop_distance_has_no_nan_for_identical_rows():
    knn, X_train, _, _ = _trained()
    dists = knn.compute_distances_no_loops(X_train[:5])
    assert not np.isnan(dists).any()
    np.testing.assert_allclose(np.diag(dists[:, :5]), 0.0, atol=1e-4)


def test_distance_code_uses_no_norm_helper():
    path = PACKAGE_DIR / "classifiers" / "k_nearest_neighbor.py"
    lines = path.read_text().split("\n")
    regions = find_regions("\n".join(lines), path)
    code = "\n".join("\n".join(lines[r.start:r.end - 1]) for r in regions)
    assert "np.sqrt" in code  # the regions were found
    assert "linalg.norm" not in code and "scipy" not in code


def test_predict_labels_votes_among_the_k_nearest():
    knn = KNearestNeighbor()
    knn.train(np.zeros((6, 2)), np.array([4, 2, 2, 7, 7, 7]))
    dists = np.array([[0.1, 0.5, 0.6, 0.9, 0.95, 0.99],    # k=3: 4, 2, 2 -> 2
                      [0.9, 0.8, 0.7, 0.1, 0.2, 0.3]])    # k=3: 7, 7, 7 -> 7
    np.testing.assert_array_equal(knn.predict_labels(dists, k=1), [4, 7])
    np.testing.assert_array_equal(knn.predict_labels(dists, k=3), [2, 7])
    assert knn.predict_labels(dists, k=3).shape == (2,)


def test_tie_between_labels_goes_to_the_smaller_label():
    knn = KNearestNeighbor()
    knn.train(np.zeros((4, 2)), np.array([3, 1, 9, 5]))
    # k=2: neighbours labelled 3 (nearest) and 1 -> the spec's {3, 1} example gives 1
    dists = np.array([[0.1, 0.2, 0.3, 0.4]])
    assert knn.predict_labels(dists, k=2)[0] == 1
    # k=4: four labels once each -> the smallest, 1, not the nearest one's label 3
    assert knn.predict_labels(dists, k=4)[0] == 1
    # 9 nearest, then 5: tie 9 / 5 -> 5
    dists = np.array([[0.9, 0.8, 0.1, 0.2]])
    assert knn.predict_labels(dists, k=2)[0] == 5


def test_predict_dispatches_on_num_loops_and_rejects_others():
    knn, _, _, X_test = _trained()
    predictions = [knn.predict(X_test, k=3, num_loops=n) for n in (0, 1, 2)]
    np.testing.assert_array_equal(predictions[0], predictions[1])
    np.testing.assert_array_equal(predictions[0], predictions[2])
    with pytest.raises(ValueError):
        knn.predict(X_test, num_loops=3)


def test_one_nearest_neighbour_has_zero_training_error():
    knn, X_train, y_train, _ = _trained()
    np.testing.assert_array_equal(knn.predict(X_train, k=1), y_train)
