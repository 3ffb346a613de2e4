"""Hidden checks of the PyTorch notebook (13.2, 13.4, 13.5, 13.7).

The cells come from the submitted PyTorch.ipynb and run in the worker (pytorch_cells.py);
nothing trains for real: train_part2 and train_part34 only record how they were called.

What the challenge check (13.7) certifies, and what it does not: the model builds, its
optimizer updates every parameter, one training step on a batch of 64 random 32x32
images runs within the worker's time and memory and gives (64, 10) finite scores, and
train_part34 is asked for at most 10 epochs. The notebook's "at least 70% validation
accuracy" is a CIFAR-10 result of a GPU-sized run: the check reports the best accuracy
the stored output shows, as claimed, without certifying it.
"""

import re

import numpy as np
import pytest

from gradekit.checklib import Parts, array, check_number, compare, fail, pick_cell
from gradekit.grading.notebook.reading import read_notebook_file, stdout_text
from gradekit.sandbox.controller import StudentException
from pytorch_cells import (CHALLENGE, CONVNET_CLASS, FILES, PART2_PARAMS, PART3_MODEL,
                           conv_layers, evaluate, notebook_path, run_cell, runner,
                           three_layer_scores)

# Our ThreeLayerConvNet, given to the Part III cell (so only that cell can fail 13.5).
REFERENCE_CLASS = r'''
class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, 5, padding=2)
        self.conv2 = nn.Conv2d(channel_1, channel_2, 3, padding=1)
        self.fc = nn.Linear(channel_2 * 32 * 32, num_classes)
        for layer in (self.conv1, self.conv2, self.fc):
            nn.init.kaiming_normal_(layer.weight)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc(flatten(x))
'''
KAIMING_TOLERANCE = 0.15
"""A weight's standard deviation may differ from sqrt(2 / fan_in) by this fraction (the
sampling error of the smallest layer checked is about 2%)."""
MAX_EPOCHS = 10
STRUCTURE_CHECK = check_number("public/test_public_pytorch.py::test_three_layer_module_structure")
ACCURACY = re.compile(r"Got (\d+) / (\d+) correct \((\d+(?:\.\d+)?)%?\)")


def kaiming_problem(std: float, fan_in: int, what: str) -> str:
    want = np.sqrt(2.0 / fan_in)
    if abs(std / want - 1) <= KAIMING_TOLERANCE:
        return ""
    default = 1 / np.sqrt(3 * fan_in)
    how = (" (that is PyTorch's default initialization: call nn.init.kaiming_normal_)"
           if abs(std / default - 1) <= KAIMING_TOLERANCE else "")
    return (f"{what} has standard deviation {std:.4g}; Kaiming initialization gives "
            f"sqrt(2 / {fan_in}) = {want:.4g}{how}")


@pytest.mark.grade(number="13.2", points=10, files=FILES, notebook="PyTorch")
def test_barebones_parameters(student, credit):
    """Barebones ConvNet: the parameters of Part II

    conv_w1 (32, 3, 5, 5), conv_b1 (32,), conv_w2 (16, 32, 3, 3), conv_b2 (16,),
    fc_w (16*32*32, 10), fc_b (10,): Kaiming-scaled weights, zero biases, all requiring
    gradients, handed to train_part2 with three_layer_convnet.
    """
    run = runner(student)
    run_cell(student, run, PART2_PARAMS)
    names = ["conv_w1", "conv_b1", "conv_w2", "conv_b2", "fc_w", "fc_b"]
    shapes = [(32, 3, 5, 5), (32,), (16, 32, 3, 3), (16,), (16 * 32 * 32, 10), (10,)]
    found = evaluate(run, "[(list(t.shape), bool(t.requires_grad), float(t.detach().double()"
                          ".std()) if t.numel() > 1 else 0.0, float(t.detach().abs().max())) "
                          "if isinstance(t, torch.Tensor) else None for t in "
                          f"[{', '.join(names)}]]")
    parts = Parts(credit)

    def shaped():
        problems = []
        for name, shape, item in zip(names, shapes, found):
            if item is None:
                problems.append(f"{name} is not a tensor (still None?)")
            elif tuple(item[0]) != shape:
                problems.append(f"{name} has shape {tuple(item[0])}; expected {shape}")
        if problems:
            fail("; ".join(problems) + ".")

    def initialised():
        problems = []
        for name, shape, item in zip(names, shapes, found):
            if len(shape) == 1:
                if item[3] != 0:
                    problems.append(f"{name} is not all zeros (use zero_weight)")
            else:
                fan_in = shape[0] if len(shape) == 2 else int(np.prod(shape[1:]))
                problem = kaiming_problem(item[2], fan_in, name)
                if problem:
                    problems.append(problem + " (use random_weight)")
            if not item[1]:
                problems.append(f"{name} does not require gradients")
        if problems:
            fail("; ".join(problems) + ".")

    def handed_over():
        call = evaluate(run, "[(c[0], c[1] is three_layer_convnet, len(c[2]), c[3]) "
                             "for c in _grader_calls]")
        if not call or call[-1][0] != "train_part2" or call[-1][2] != 6:
            fail("the cell does not end with train_part2(three_layer_convnet, params, "
                 "learning_rate) on the six parameters")

    ok = parts.run(0.4, "shapes", shaped)
    parts.run(0.4, "initialization and gradients", initialised, needs=ok,
              why="the shapes are wrong")
    parts.run(0.2, "training call", handed_over, needs=ok, why="the shapes are wrong")
    parts.finish()


@pytest.mark.grade(number="13.4", points=15, files=FILES, notebook="PyTorch")
def test_three_layer_module_forward(student, rng, credit):
    """ThreeLayerConvNet: initialization and scores

    ThreeLayerConvNet(3, 32, 16, 10): Kaiming-normal weights in the three layers; on two
    random images, forward gives the scores its own parameters give (conv - ReLU - conv -
    ReLU - flatten - linear), the same on a second call.
    """
    run = runner(student)
    run_cell(student, run, CONVNET_CLASS)
    parts = Parts(credit)
    x = rng.standard_normal((2, 3, 32, 32)).astype(np.float32)
    run.set("_x", x)
    built = {}

    def build():
        built["layers"] = evaluate(run, "(torch.manual_seed(0), _grader_layers("
                                        "_grader_model := ThreeLayerConvNet(3, 32, 16, 10)))[1]")
        convs, linears = conv_layers(built["layers"])
        if len(convs) != 2 or len(linears) != 1:
            fail("expected 2 Conv2d layers and 1 Linear layer created in __init__ "
                 f"(check {STRUCTURE_CHECK} shows what is there)")
        built["layers"] = convs + linears

    def initialised():
        problems = []
        for item, what in zip(built["layers"], ("conv1", "conv2", "fc")):
            shape = item["weight_shape"]
            fan_in = int(np.prod(shape[1:]))
            problem = kaiming_problem(item["weight_std"], fan_in, f"the {what} weight")
            if problem:
                problems.append(problem)
        if problems:
            fail("; ".join(problems) + ".")

    def scores():
        got = evaluate(run, "(lambda s: s.detach().numpy() if isinstance(s, torch.Tensor) "
                            "else s)(_grader_model(torch.from_numpy(_x)))")
        got = array(got, "ThreeLayerConvNet(3, 32, 16, 10) scores", shape=(2, 10),
                    dtype=None).astype(np.float64)
        again = evaluate(run, "_grader_model(torch.from_numpy(_x)).detach().numpy()")
        if not np.array_equal(np.asarray(again, dtype=np.float64), got):
            fail("two calls of forward on the same images give different scores: are layers "
                 "created inside forward? Create them in __init__ (new layers get new random "
                 "weights on every call and never learn).")
        weights = evaluate(run, "[(m.weight.detach().double().numpy(), m.bias.detach()"
                                ".double().numpy()) for m in _grader_model.modules() "
                                "if isinstance(m, (nn.Conv2d, nn.Linear))]")
        (w1, b1), (w2, b2), (fw, fb) = weights
        expected = three_layer_scores(x.astype(np.float64), w1, b1, w2, b2, fw.T, fb)
        compare("ThreeLayerConvNet scores", got, expected, 1e-4, hypotheses=[
            ("ReLU applied to the scores", lambda: np.maximum(expected, 0)),
            ("no ReLU after the second convolution", lambda: three_layer_scores(
                x.astype(np.float64), w1, b1, w2, b2, fw.T, fb, relu2=False)),
        ])

    made = parts.run(0.0, "builds", build)
    parts.run(0.4, "Kaiming initialization", initialised, needs=made,
              why="the model could not be built")
    parts.run(0.6, "scores", scores, needs=made, why="the model could not be built")
    parts.finish()


@pytest.mark.grade(number="13.5", points=10, files=FILES, notebook="PyTorch")
def test_module_training_setup(student, credit):
    """Module API: the model and optimizer of Part III

    ThreeLayerConvNet(3, 32, 16, 10) with optim.SGD on all its parameters, learning rate
    3e-3 and no momentum, handed to train_part34. The cell runs with our ThreeLayerConvNet,
    so a bug in yours is charged only by the checks of the class.
    """
    run = runner(student)
    run.run(REFERENCE_CLASS, "<check>")
    run_cell(student, run, PART3_MODEL)
    parts = Parts(credit)

    def model():
        kind = evaluate(run, "type(model).__name__")
        if kind != "ThreeLayerConvNet":
            fail(f"model is a {kind}; expected a ThreeLayerConvNet")
        convs, linears = conv_layers(evaluate(run, "_grader_layers(model)"))
        sizes = ([c["in_channels"] for c in convs[:1]] + [c["out_channels"] for c in convs]
                 + [item["out_features"] for item in linears])
        if sizes != [3, 32, 16, 10]:
            fail(f"model is ThreeLayerConvNet{tuple(sizes)}; expected "
                 "ThreeLayerConvNet(3, 32, 16, 10)")

    def optimizer():
        found = evaluate(run, "_grader_optimizer(optimizer, model)")
        problems = []
        if found["type"] != "SGD":
            problems.append(f"optimizer is {found['type']}; Part III asks for plain optim.SGD")
        else:
            if not np.isclose(found["lr"], 3e-3):
                problems.append(f"learning rate {found['lr']:g}; expected 3e-3")
            if found["momentum"] != 0 or found["nesterov"]:
                problems.append(f"momentum {found['momentum']:g} (nesterov "
                                f"{found['nesterov']}); Part III asks for plain SGD without "
                                "momentum")
        if found.get("is_optimizer") and not found["covers"]:
            problems.append("the optimizer does not update every parameter of model")
        if problems:
            fail("; ".join(problems) + ".")

    def trained():
        calls = evaluate(run, "[(c[0], c[1] is model, c[2] is optimizer) for c in "
                              "_grader_calls]")
        if not any(call == ["train_part34", True, True] or call == ("train_part34", True, True)
                   for call in calls or []):
            fail("the cell does not call train_part34(model, optimizer)")

    made = parts.run(0.4, "model", model)
    parts.run(0.4, "optimizer", optimizer, needs=made, why="model is not the one asked for")
    parts.run(0.2, "training call", trained, needs=made, why="model is not the one asked for")
    parts.finish()


def stored_accuracy(student) -> str:
    """The best accuracy the challenge cell's stored output shows, as a sentence."""
    try:
        cells = read_notebook_file(notebook_path(student), 20).cells
    except Exception:  # noqa: BLE001 - the notebook was read once already; this is a report
        return ""
    cell = pick_cell(cells, CHALLENGE)
    if cell is None:
        return ""
    found = [float(m.group(3)) for m in ACCURACY.finditer(stdout_text(cell, 1 << 20))]
    if not found:
        return ("The challenge cell's stored output shows no accuracy line (run it and keep "
                "its output).")
    return (f"The challenge cell's stored output shows a best validation accuracy of "
            f"{max(found):.2f}% (as stored; the grader does not re-train the network, so this "
            "is reported, not certified).")


@pytest.mark.grade(number="13.7", points=10, files=FILES, notebook="PyTorch")
def test_challenge(student, credit):
    """Challenge: the model builds, trains a step, and keeps to 10 epochs

    The cell's model and optimizer: one SGD step on 64 random 32x32 images runs in the
    worker's time and memory and gives (64, 10) finite scores; the optimizer updates every
    parameter; train_part34 gets at most 10 epochs. The 70% target is not re-run.
    """
    run = runner(student)
    run_cell(student, run, CHALLENGE, timeout=120)
    parts = Parts(credit)

    def builds():
        kind = evaluate(run, "isinstance(model, nn.Module) and "
                             "sum(p.numel() for p in model.parameters())")
        if not kind:
            fail("model is not an nn.Module with parameters")
        found = evaluate(run, "_grader_optimizer(optimizer, model)")
        if not found["is_optimizer"]:
            fail(f"optimizer is a {found['type']}, not a torch.optim optimizer")
        if not found["covers"]:
            fail("the optimizer does not update every trainable parameter of model")

    def steps():
        try:
            out = evaluate(run, (
                "(lambda m, o: (m.train(), o.zero_grad(), torch.manual_seed(0), "
                "_grader_step := m(torch.randn(64, 3, 32, 32)), "
                "F.cross_entropy(_grader_step, torch.randint(0, 10, (64,))).backward(), "
                "o.step(), _grader_step.detach().numpy())[-1])(model, optimizer)"),
                timeout=60)
        except StudentException as error:
            fail(f"one training step on a batch of 64 images failed: {error.type_name}: "
                 f"{error.message[:300]}")
        out = array(out, "the model's scores on a batch of 64 images", shape=(64, 10),
                    dtype=None)
        if not np.all(np.isfinite(out)):
            fail("the scores of a batch of 64 images are not all finite")

    def epochs():
        calls = evaluate(run, "[(c[0], c[1] is model, c[3]) for c in _grader_calls "
                              "if c[0] == 'train_part34']")
        if not calls:
            parts.advise("epochs", lambda: fail(
                "the cell trains without train_part34, so the number of epochs was not "
                "checked; the course staff will read it"))
            return
        count = calls[-1][2]
        if not isinstance(count, int) or count > MAX_EPOCHS:
            fail(f"train_part34 is asked for {count} epochs; the challenge allows at most "
                 f"{MAX_EPOCHS}")

    def scheduler():
        unused = evaluate(run, "[name for name, v in list(globals().items()) if "
                               "isinstance(v, torch.optim.lr_scheduler.LRScheduler)]")
        calls = evaluate(run, "len(_grader_calls)")
        if unused and calls:
            fail(f"{', '.join(unused)} is a learning-rate scheduler, but train_part34 never "
                 "calls its step(): the schedule has no effect")

    ok = parts.run(0.3, "model and optimizer", builds)
    parts.run(0.4, "one training step", steps, needs=ok, why="the model or optimizer is "
              "missing")
    parts.run(0.3, "at most 10 epochs", epochs, needs=ok,
              why="the model or optimizer is missing")
    parts.advise("scheduler", scheduler)
    claim = stored_accuracy(student)
    if claim:
        credit.earn(0.0, claim)
    parts.finish()
