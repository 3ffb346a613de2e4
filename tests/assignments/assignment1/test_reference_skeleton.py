"""Assignment 1 reference: the student regions and the stripped skeleton
(COURSE_SPEC section 0 "Markers", A1.1; gradekit/release/markers.py)."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from .reference_helpers import PACKAGE_DIR, ROOT
from gradekit.release.markers import END, START, find_regions, strip_python

# Regions per file. Given code (support modules, data loading, features' extractors)
# has none; features.py ends with one optional, empty region; layers.py and optim.py
# also carry assignment 2's empty regions.
EXPECTED_REGIONS = {
    "__init__.py": 0,
    "classifiers/__init__.py": 0,
    "classifiers/k_nearest_neighbor.py": 5,
    "classifiers/linear_svm.py": 4,
    "classifiers/softmax.py": 2,
    "classifiers/linear_classifier.py": 3,
    "classifiers/fc_net.py": 3,
    "layers.py": 6 + 15,
    "layer_utils.py": 0,
    "optim.py": 3,
    "solver.py": 0,
    "gradient_check.py": 0,
    "features.py": 1,
    "data_utils.py": 0,
    "vis_utils.py": 0,
}


def _python_files():
    return sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in PACKAGE_DIR.rglob("*.py"))


def test_the_package_has_the_kits_files():
    assert _python_files() == sorted(EXPECTED_REGIONS)
    assert (PACKAGE_DIR / "datasets" / "get_datasets.sh").is_file()


@pytest.mark.parametrize("relative", sorted(EXPECTED_REGIONS))
def test_regions_are_well_formed_and_where_expected(relative):
    path = PACKAGE_DIR / relative
    text = path.read_text()
    regions = find_regions(text, path)
    assert len(regions) == EXPECTED_REGIONS[relative]
    stripped = strip_python(text, path)
    compile(stripped, str(path), "exec")
    lines = text.split("\n")
    for region in regions:
        # each START/END pair sits at one indentation
        start, end = lines[region.start - 1], lines[region.end - 1]
        assert start.strip() == START and end.strip() == END
        assert len(start) - len(start.lstrip()) == len(end) - len(end.lstrip())


A1_GRADED = [
    ("classifiers/k_nearest_neighbor.py", 5),
    ("classifiers/linear_svm.py", 4),
    ("classifiers/softmax.py", 2),
    ("classifiers/linear_classifier.py", 3),
    ("classifiers/fc_net.py", 3),
]


@pytest.mark.parametrize("relative, count", A1_GRADED)
def test_every_graded_region_of_the_reference_holds_code(relative, count):
    path = PACKAGE_DIR / relative
    lines = path.read_text().split("\n")
    bodies = [lines[r.start:r.end - 1] for r in find_regions("\n".join(lines), path)]
    assert len(bodies) == count
    for body in bodies:
        assert any(line.strip() and not line.strip().startswith("#") for line in body)


def _strip_package(destination):
    for source in PACKAGE_DIR.rglob("*"):
        if "__pycache__" in source.parts or source.is_dir():
            continue
        target = destination / "cs231n" / source.relative_to(PACKAGE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".py":
            target.write_text(strip_python(source.read_text(), source))
        else:
            shutil.copy2(source, target)


SKELETON_CHECKS = textwrap.dedent("""
    import numpy as np
    import cs231n
    from cs231n.classifiers import KNearestNeighbor, LinearSVM, Softmax
    from cs231n.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized
    from cs231n.classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized
    from cs231n.classifiers.fc_net import TwoLayerNet
    from cs231n import layers, layer_utils, optim, solver, gradient_check, vis_utils
    from cs231n import data_utils
    from cs231n.features import extract_features, hog_feature, color_histogram_hsv

    rng = np.random.default_rng(0)
    X, Xt = rng.normal(size=(6, 4)), rng.normal(size=(3, 4))
    y = np.array([0, 1, 2, 0, 1, 2])
    knn = KNearestNeighbor()
    knn.train(X, y)
    for n in (0, 1, 2):
        assert knn.predict(Xt, k=3, num_loops=n).tolist() == [0.0, 0.0, 0.0]

    W = rng.normal(size=(4, 3))
    loss, dW = svm_loss_naive(W, X, y, 0.1)
    assert loss > 0 and not dW.any()           # the given loop computes the loss
    for fn in (svm_loss_vectorized, softmax_loss_naive, softmax_loss_vectorized):
        loss, dW = fn(W, X, y, 0.1)
        assert loss == 0.0 and dW.shape == W.shape and not dW.any()
    model = LinearSVM()
    model.W = W
    assert model.predict(X).tolist() == [0.0] * 6
    assert Softmax().W is None

    out, cache = layers.affine_forward(X, W, np.zeros(3))
    assert out is None and cache[0] is X
    assert layers.affine_backward(np.ones((6, 3)), cache) == (None, None, None)
    assert layers.relu_forward(X)[0] is None and layers.relu_backward(X, X) is None
    assert layers.svm_loss(X, y) == (None, None)
    assert layers.softmax_loss(X, y) == (None, None)
    assert layers.batchnorm_forward(X, 1, 0, {"mode": "train"}) == (None, None)

    net = TwoLayerNet(input_dim=4, hidden_dim=5, num_classes=3)
    assert net.params == {} and net.reg == 0.0
    assert net.loss(X) is None

    assert optim.sgd(np.ones(2), np.ones(2))[0].tolist() == [0.99, 0.99]
    assert optim.adam(np.ones(2), np.ones(2))[0] is None
    img = rng.uniform(0, 255, size=(32, 32, 3))
    assert extract_features(img[None], [hog_feature, color_histogram_hsv]).shape == (1, 154)
    print("skeleton ok")
""")


def test_stripped_package_imports_and_returns_placeholders(tmp_path):
    pytest.importorskip("scipy")
    _strip_package(tmp_path)
    # the solutions are gone from the copy
    knn = (tmp_path / "cs231n" / "classifiers" / "k_nearest_neighbor.py").read_text()
    assert "np.argsort(dists" not in knn and knn.count("pass") >= 5
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, "-c", SKELETON_CHECKS], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("skeleton ok")
    assert str(ROOT) not in run.stdout
