"""PyTorch.ipynb: its interface (COURSE_SPEC A2.1 and A2.3), the cells the checks find in
it and in its student copy, and the torchvision stand-in the notebook check runs it with."""

from __future__ import annotations

import json
import sys

import nbformat
import numpy as np
import pytest

from gradekit.checklib import pick_cell
from gradekit.grading.notebook.reading import parse_notebook
from gradekit.markers import find_regions
from tests.support.paths import A2, REPO

NOTEBOOK = A2.folder / "PyTorch.ipynb"
STUDENT_COPY = A2.template / "PyTorch.ipynb"
STANDINS = A2.folder / "standins"
STUDENT_CELLS = ["three-layer-convnet", "train-three-layer-params", "three-layer-module",
                 "train-three-layer-module", "sequential-three-layer", "challenge"]

sys.path.insert(0, str(A2.public_checks))
import pytorch_cells  # noqa: E402  (the checks' queries)

QUERIES = {"three-layer-convnet": pytorch_cells.CONVNET_FN,
           "train-three-layer-params": pytorch_cells.PART2_PARAMS,
           "three-layer-module": pytorch_cells.CONVNET_CLASS,
           "train-three-layer-module": pytorch_cells.PART3_MODEL,
           "sequential-three-layer": pytorch_cells.PART4_MODEL,
           "challenge": pytorch_cells.CHALLENGE}


@pytest.fixture(scope="module")
def master():
    return nbformat.read(NOTEBOOK, as_version=4)


def by_id(notebook):
    return {cell.id: cell for cell in notebook.cells}


def test_student_cells_have_one_region_and_the_rest_is_given(master):
    cells = by_id(master)
    for ident in STUDENT_CELLS:
        regions = find_regions(cells[ident].source, NOTEBOOK, ident)
        assert regions, f"{ident} has no student region"
    with_regions = {c.id for c in master.cells if c.cell_type == "code"
                    and find_regions(c.source, NOTEBOOK, c.id)}
    assert with_regions == set(STUDENT_CELLS)


def test_given_interface_names_and_printed_labels(master):
    code = "\n".join(c.source for c in master.cells if c.cell_type == "code")
    for name in ("def flatten(x)", "def two_layer_fc(x, params)", "def random_weight(shape)",
                 "def zero_weight(shape)", "def check_accuracy_part2(loader, model_fn, params)",
                 "def train_part2(model_fn, params, learning_rate)", "class TwoLayerFC(nn.Module)",
                 "def check_accuracy_part34(loader, model)",
                 "def train_part34(model, optimizer, epochs=1)", "class Flatten(nn.Module)",
                 "def three_layer_convnet(x, params)",
                 "def __init__(self, in_channel, channel_1, channel_2, num_classes)",
                 "'Iteration %d, loss = %.4f'", "'Got %d / %d correct (%.2f%%)'",
                 "'Got %d / %d correct (%.2f)'", "'Checking accuracy on the %s set'",
                 "'Checking accuracy on %s set'", "USE_GPU = True", "dtype = torch.float32",
                 "print_every = 100", "(0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)",
                 "batch_size=64", "best_model = model",
                 "train_part34(model, optimizer, epochs=quick(10, 1))"):
        assert name in code, name


def test_random_weight_is_kaiming(master):
    cells = by_id(master)
    space = {}
    exec("import numpy as np\nimport torch\ndevice = torch.device('cpu')\n"
         "dtype = torch.float32\n", space)
    exec(cells["init"].source, space)
    torch = space["torch"]
    torch.manual_seed(0)
    conv = space["random_weight"]((16, 32, 3, 3))
    fc = space["random_weight"]((4000, 10))
    assert conv.requires_grad and fc.requires_grad
    assert conv.std().item() == pytest.approx(np.sqrt(2 / (32 * 9)), rel=0.05)
    assert fc.std().item() == pytest.approx(np.sqrt(2 / 4000), rel=0.05)
    assert not space["zero_weight"]((5,)).any()


@pytest.mark.parametrize("copy", ["master", "student copy"])
@pytest.mark.parametrize("ids", [True, False], ids=["with ids", "without ids"])
def test_the_checks_find_each_student_cell(copy, ids):
    path = NOTEBOOK if copy == "master" else STUDENT_COPY
    document = json.loads(path.read_text(encoding="utf-8"))
    expected = {cell["id"]: index for index, cell in enumerate(document["cells"])}
    if not ids:
        for cell in document["cells"]:
            del cell["id"]
        document["nbformat_minor"] = 4
    cells = parse_notebook(json.dumps(document).encode()).cells
    for ident, query in QUERIES.items():
        found = pick_cell(cells, query)
        assert found is not None and found.index == expected[ident], ident


# ------------------------------------------------------------------ the torchvision stand-in
@pytest.fixture(scope="module")
def standin():
    sys.path.insert(0, str(STANDINS))
    try:
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]
        import torchvision
        assert torchvision.__file__.startswith(str(STANDINS))
        yield torchvision
    finally:
        sys.path.remove(str(STANDINS))
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]


def test_standin_cifar10_has_torchvisions_form(standin, capsys):
    from PIL import Image

    T = standin.transforms
    train = standin.datasets.CIFAR10("./nowhere", train=True, download=True)
    test = standin.datasets.CIFAR10(root="./nowhere", train=False, transform=T.Compose([
        T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25))]),
        target_transform=lambda y: y + 100)
    assert "stand-in" in capsys.readouterr().out
    assert (len(train), len(test), train.train, test.train) == (50000, 10000, True, False)
    image, label = train[49999]
    assert isinstance(image, Image.Image) and image.size == (32, 32) and image.mode == "RGB"
    assert isinstance(label, int) and 0 <= label < 10
    assert np.array_equal(np.asarray(train[7][0]), np.asarray(train[7][0]))  # repeatable
    tensor, label = test[0]
    assert tuple(tensor.shape) == (3, 32, 32) and str(tensor.dtype) == "torch.float32"
    assert 100 <= label < 110
    with pytest.raises(IndexError):
        train[50000]


def test_standin_classes_can_be_learned(standin):
    """Class means differ far more than the images within a class vary around them."""
    data = standin.datasets.CIFAR10("x", train=True)
    images = np.stack([data.image(i) for i in range(400)]).astype(float)
    labels = np.array(data.targets[:400])
    means = np.stack([images[labels == k].mean(axis=0) for k in range(10)])
    nearest = np.argmin(((images[:, None] - means[None]) ** 2).sum(axis=(2, 3, 4)), axis=1)
    assert (nearest == labels).mean() > 0.6


def test_standin_is_never_shipped():
    shipped = [p for p in A2.template.rglob("*") if "torchvision" in p.parts]
    assert not shipped
    assert (REPO / "assignment" / "assignment2" / "standins" / "torchvision").is_dir()


def test_without_torch_in_the_worker_a_check_reports_an_environment_limit(tmp_path):
    from gradekit.checklib import CheckFailed
    from gradekit.sandbox.controller import Sandbox

    with Sandbox(tmp_path) as student:  # numpy only: no [grading.sandbox] packages
        if student.mode == "none":
            pytest.skip("an unconfined worker sees every installed package")
        with pytest.raises(CheckFailed, match="an environment limit, not a judgement"):
            pytorch_cells.runner(student)
