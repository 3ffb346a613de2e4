"""The student regions of assignment 3's reference: exactly the functions COURSE_SPEC A3.1
gives students (12 required, 4 LSTM extra credit), none in given files, and the stripped
package (what gradekit's release makes) still imports and runs its given code."""

import shutil
import sys

import numpy as np
import pytest

from .reference_helpers import PACKAGE_DIR, load_package
from gradekit.release.markers import find_regions, strip_python

EXPECTED_REGIONS = {
    "rnn_layers.py": 10,            # rnn step/sequence forward/backward, embedding x2, LSTM x4
    "classifiers/rnn.py": 2,        # CaptioningRNN.loss, CaptioningRNN.sample
    "transformer_layers.py": 3,     # PositionalEncoding.__init__ region and forward, MHA forward
    "classifiers/transformer.py": 1,  # CaptioningTransformer.forward
}
STRIPPED_NAME = "stripped_a3_cs231n"


def _python_files():
    return sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in PACKAGE_DIR.rglob("*.py"))


def test_regions_are_exactly_the_student_functions():
    found = {}
    for rel in _python_files():
        regions = find_regions((PACKAGE_DIR / rel).read_text(), rel)
        if regions:
            found[rel] = len(regions)
    assert found == EXPECTED_REGIONS


def test_package_layout():
    files = set(_python_files())
    for rel in ["__init__.py", "classifiers/__init__.py", "rnn_layers.py", "classifiers/rnn.py",
                "transformer_layers.py", "classifiers/transformer.py", "coco_utils.py",
                "captioning_solver.py", "captioning_solver_transformer.py", "image_utils.py",
                "gradient_check.py", "optim.py", "layers.py", "data_utils.py"]:
        assert rel in files, rel
    assert (PACKAGE_DIR / "datasets" / "get_datasets.sh").is_file()


@pytest.fixture
def stripped(tmp_path):
    """The student copy of the package, imported under a private name."""
    target = tmp_path / "cs231n"
    shutil.copytree(PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        path.write_text(strip_python(path.read_text(), path.name))
    package = load_package(target, STRIPPED_NAME)
    yield package
    for name in [m for m in sys.modules if m == STRIPPED_NAME or m.startswith(STRIPPED_NAME + ".")]:
        del sys.modules[name]


def test_stripped_numpy_modules_import_and_run_their_given_code(stripped):
    import importlib

    def mod(name):
        return importlib.import_module(f"{STRIPPED_NAME}.{name}")

    for name in ["coco_utils", "coco_standin", "captioning_solver", "gradient_check", "optim",
                 "layers", "image_utils", "data_utils"]:
        mod(name)
    layers = mod("rnn_layers")
    x, h = np.ones((2, 3)), np.ones((2, 4))
    assert layers.rnn_step_forward(x, h, np.ones((3, 4)), np.ones((4, 4)), np.ones(4)) == (None, None)
    assert layers.word_embedding_forward(np.zeros((1, 2), int), np.ones((3, 2))) == (None, None)
    out, _ = layers.temporal_affine_forward(np.ones((1, 2, 3)), np.ones((3, 4)), np.ones(4))
    assert out.shape == (1, 2, 4)                          # given code is intact

    rnn = mod("classifiers.rnn")
    vocab = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3}
    model = rnn.CaptioningRNN(vocab, input_dim=5, wordvec_dim=3, hidden_dim=4)
    assert model.loss(np.ones((2, 5)), np.ones((2, 4), int)) == (0.0, {})
    sampled = model.sample(np.ones((2, 5)), max_length=3)
    np.testing.assert_array_equal(sampled, np.zeros((2, 3)))


def test_stripped_torch_modules_import_and_build(stripped):
    torch = pytest.importorskip("torch", reason="the Transformer part of assignment 3 needs PyTorch")
    import importlib

    tl = importlib.import_module(f"{STRIPPED_NAME}.transformer_layers")
    tr = importlib.import_module(f"{STRIPPED_NAME}.classifiers.transformer")
    importlib.import_module(f"{STRIPPED_NAME}.captioning_solver_transformer")
    pe = tl.PositionalEncoding(6, max_len=4)
    assert torch.all(pe.pe == 0) and pe.pe.shape == (1, 4, 6)
    attn = tl.MultiHeadAttention(8, num_heads=2)
    assert attn(torch.ones(1, 3, 8), torch.ones(1, 2, 8), torch.ones(1, 2, 8)).shape == (1, 3, 8)
    model = tr.CaptioningTransformer({"<NULL>": 0, "<START>": 1, "<END>": 2}, input_dim=4,
                                     wordvec_dim=8, num_heads=2, num_layers=1)
    assert model(torch.ones(2, 4), torch.ones(2, 3, dtype=torch.long)).shape == (2, 3, 3)
