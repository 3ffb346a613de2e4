"""Public checks of the PyTorch notebook (13.1, 13.3, 13.6): the student cells of Parts II-IV.

The cells are taken from the submitted PyTorch.ipynb and run in the worker on small
inputs; nothing trains. See pytorch_cells.py for how cells are found and what they are
given.
"""

import numpy as np
import pytest

from gradekit.checklib import Parts, array, compare, fail
from pytorch_cells import (CONVNET_CLASS, CONVNET_FN, FILES, PART4_MODEL, conv_layers,
                           conv_problems, describe_layer, evaluate, linear_problems,
                           run_cell, runner, softmax, three_layer_scores)


@pytest.mark.grade(number="13.1", points=15, files=FILES, notebook="PyTorch")
def test_three_layer_convnet_values(student, rng):
    """three_layer_convnet: scores on random inputs

    Two images of 3x8x8, 4 and 5 filters, 7 classes, float64: the scores must equal
    conv(pad 2) - ReLU - conv(pad 1) - ReLU - flatten - affine computed with numpy.
    """
    x = rng.standard_normal((2, 3, 8, 8))
    params = [rng.standard_normal((4, 3, 5, 5)) * 0.3, rng.standard_normal(4),
              rng.standard_normal((5, 4, 3, 3)) * 0.3, rng.standard_normal(5),
              rng.standard_normal((5 * 8 * 8, 7)) * 0.1, rng.standard_normal(7)]
    expected = three_layer_scores(x, *params)
    run = runner(student)
    run_cell(student, run, CONVNET_FN)
    run.set("_x", x)
    run.set("_params", params)
    scores = evaluate(run, "(lambda s: s.detach().numpy() if isinstance(s, torch.Tensor) "
                           "else s)(three_layer_convnet(torch.from_numpy(_x), "
                           "[torch.from_numpy(p) for p in _params]))")
    scores = array(scores, "three_layer_convnet scores", shape=(2, 7), dtype=None)
    # Float64 inputs: 1e-6 still passes code that computes in float32, and no bug.
    compare("three_layer_convnet scores", scores.astype(np.float64), expected, 1e-6,
            hypotheses=[
        ("softmax applied to the scores (F.cross_entropy applies it itself)",
         lambda: softmax(expected)),
        ("ReLU applied to the scores", lambda: np.maximum(expected, 0)),
        ("no ReLU after the second convolution",
         lambda: three_layer_scores(x, *params, relu2=False)),
        ("the biases left out", lambda: three_layer_scores(
            x, params[0], np.zeros(4), params[2], np.zeros(5), params[4], np.zeros(7))),
    ])


@pytest.mark.grade(number="13.3", points=15, files=FILES, notebook="PyTorch")
def test_three_layer_module_structure(student, credit):
    """ThreeLayerConvNet: layers and output shape

    ThreeLayerConvNet(3, 6, 5, 7): a 5x5 convolution 3 -> 6 with padding 2, a 3x3
    convolution 6 -> 5 with padding 1, a linear layer 5*32*32 -> 7, each with a bias; a
    batch of 2 images gives scores of shape (2, 7).
    """
    run = runner(student)
    run_cell(student, run, CONVNET_CLASS)
    parts = Parts(credit)
    built = {}

    def build():
        built["layers"] = evaluate(run, "(torch.manual_seed(0), _grader_layers("
                                        "_grader_model := ThreeLayerConvNet(3, 6, 5, 7)))[1]")

    def layers():
        convs, linears = conv_layers(built["layers"])
        if len(convs) != 2 or len(linears) != 1:
            shown = ", ".join(describe_layer(item) for item in convs + linears) or "none"
            fail(f"expected 2 Conv2d layers and 1 Linear layer created in __init__; found: "
                 f"{shown}")
        problems = (conv_problems(convs[0], 3, 6, 5, 2, "the first convolution")
                    + conv_problems(convs[1], 6, 5, 3, 1, "the second convolution")
                    + linear_problems(linears[0], 5 * 32 * 32, 7, "the linear layer"))
        if problems:
            fail("; ".join(problems) + ".")

    def shape():
        out = evaluate(run, "(lambda s: s.detach().numpy() if isinstance(s, torch.Tensor) "
                            "else s)(_grader_model(torch.zeros((2, 3, 32, 32))))")
        array(out, "ThreeLayerConvNet(3, 6, 5, 7) scores", shape=(2, 7), dtype=None)

    made = parts.run(0.0, "builds", build)
    parts.run(0.6, "layers", layers, needs=made, why="the model could not be built")
    parts.run(0.4, "output shape", shape, needs=made, why="the model could not be built")
    parts.finish()


@pytest.mark.grade(number="13.6", points=15, files=FILES, notebook="PyTorch")
def test_sequential_model(student, credit):
    """Sequential API: the three-layer ConvNet and its optimizer

    nn.Sequential of Conv2d(3, 32, 5, padding 2), ReLU, Conv2d(32, 16, 3, padding 1),
    ReLU, Flatten, Linear(16*32*32, 10); optim.SGD with lr 1e-2, momentum 0.9, Nesterov.
    """
    run = runner(student)
    run_cell(student, run, PART4_MODEL)
    parts = Parts(credit)

    def layers():
        kind = evaluate(run, "type(model).__name__")
        if kind != "Sequential":
            fail(f"model is a {kind}; build it with nn.Sequential(...)")
        found = evaluate(run, "_grader_layers(model)")
        names = [item["type"] for item in found]
        if "Flatten" not in names:
            fail("no Flatten() between the last ReLU and the Linear layer: the Linear layer "
                 "would receive (N, 16, 32, 32) tensors")
        wanted = ["Conv2d", "ReLU", "Conv2d", "ReLU", "Flatten", "Linear"]
        if names != wanted:
            fail(f"the layers are {', '.join(names)}; expected {', '.join(wanted)}")
        problems = (conv_problems(found[0], 3, 32, 5, 2, "the first convolution")
                    + conv_problems(found[2], 32, 16, 3, 1, "the second convolution")
                    + linear_problems(found[5], 16 * 32 * 32, 10, "the linear layer"))
        if problems:
            fail("; ".join(problems) + ".")

    def optimizer():
        found = evaluate(run, "_grader_optimizer(optimizer, model)")
        if not found["is_optimizer"]:
            fail(f"optimizer is a {found['type']}, not a torch.optim optimizer")
        problems = []
        if found["type"] != "SGD":
            problems.append(f"optimizer is {found['type']}; expected optim.SGD")
        else:
            if not np.isclose(found["lr"], 1e-2):
                problems.append(f"learning rate {found['lr']:g}; expected 1e-2")
            if not np.isclose(found["momentum"], 0.9):
                problems.append(f"momentum {found['momentum']:g}; expected 0.9")
            if not found["nesterov"]:
                problems.append("Nesterov momentum is off (nesterov=True)")
        if not found["covers"]:
            problems.append("the optimizer does not update every parameter of model "
                            "(give it model.parameters())")
        if problems:
            fail("; ".join(problems) + ".")

    def shape():
        out = evaluate(run, "(lambda s: s.detach().numpy() if isinstance(s, torch.Tensor) "
                            "else s)(model(torch.zeros((2, 3, 32, 32))))")
        array(out, "model scores", shape=(2, 10), dtype=None)

    made = parts.run(0.5, "layers", layers)
    parts.run(0.3, "optimizer", optimizer, needs=made, why="model is not the one asked for")
    parts.run(0.2, "output shape", shape, needs=made, why="model is not the one asked for")
    parts.finish()
