"""Assignment 2's mutants of the PyTorch notebook (checks 13.x): the master notebook, which
the reference hands in, with one seeded bug each in a student cell (declarations only;
tests/assignments/test_mutation_suite.py grades them with the rest of mutants.py).

Edits are made on the notebook's JSON text: :func:`source` writes code lines as the
notebook stores them (one JSON string per line, ``\\n`` escaped), so an edit still occurs
exactly once.
"""

from __future__ import annotations

import json

from tests.support.mutation import mutant

NOTEBOOK = "PyTorch.ipynb"
POINTS = 90
"""What the reference scores on the PyTorch checks (13.1-13.7)."""


def source(*code: str) -> str:
    """Consecutive code lines as the notebook's JSON holds them."""
    return ",\n    ".join(json.dumps(line + "\n") for line in code)


def edit(old: tuple[str, ...] | str, new: tuple[str, ...] | str):
    old = (old,) if isinstance(old, str) else old
    new = (new,) if isinstance(new, str) else new
    return (NOTEBOOK, source(*old), source(*new))


RELU2 = "    x = F.relu(F.conv2d(x, conv_w2, conv_b2, padding=1))"
SCORES = "    scores = flatten(x).mm(fc_w) + fc_b"
KAIMING = ("        for layer in (self.conv1, self.conv2, self.fc):",
           "            nn.init.kaiming_normal_(layer.weight)")
PART3 = ("model = ThreeLayerConvNet(3, channel_1, channel_2, 10)",
         "optimizer = optim.SGD(model.parameters(), lr=learning_rate)")
PART4_END = ("    Flatten(),", "    nn.Linear(channel_2 * 32 * 32, 10),", ")",
             "optimizer = optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9, "
             "nesterov=True)")
CHALLENGE_OPT = "optimizer = optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)"

MUTANTS = [
    mutant("torch: softmax before cross-entropy",
           edit(SCORES, "    scores = F.softmax(flatten(x).mm(fc_w) + fc_b, dim=1)"),
           "13.1", "softmax applied to the scores", only=True),
    mutant("torch: no ReLU after the second convolution",
           edit(RELU2, "    x = F.conv2d(x, conv_w2, conv_b2, padding=1)"),
           "13.1", "no ReLU after the second convolution", only=True),
    mutant("torch: fc weights sized for an unpadded convolution",
           edit("fc_w = random_weight((16 * 32 * 32, 10))",
                "fc_w = random_weight((16 * 28 * 28, 10))"),
           "13.2", "fc_w has shape (12544, 10)", only=True),
    mutant("torch: Kaiming-scaled biases",
           edit("conv_b1 = zero_weight((32,))", "conv_b1 = random_weight((32,))"),
           "13.2", "conv_b1 is not all zeros", only=True),
    mutant("torch: Module left at the default initialization",
           edit(KAIMING, "        pass"),
           "13.4", "PyTorch's default initialization", only=True),
    mutant("torch: layer created inside forward",
           edit("        x = F.relu(self.conv1(x))",
                "        x = F.relu(nn.Conv2d(x.shape[1], self.conv1.out_channels, 5, "
                "padding=2)(x))"),
           "13.4", "layers created inside forward", only=True),
    mutant("torch: super().__init__() after the layers",
           ((NOTEBOOK, source("        super().__init__()",
                              "        # TODO: create the layers and initialize their weights."),
             source("        # TODO: create the layers and initialize their weights.")),
            edit(KAIMING, (*KAIMING, "        super().__init__()"))),
           "13.3 13.4", "AttributeError", only=True),
    mutant("torch: momentum in Part III",
           edit(PART3, (PART3[0], PART3[1][:-1] + ", momentum=0.9)")),
           "13.5", "without momentum", only=True),
    mutant("torch: Sequential without Flatten",
           edit(PART4_END, PART4_END[1:]),
           "13.6", "no Flatten()", only=True),
    mutant("torch: Part IV without Nesterov",
           edit(PART4_END, (*PART4_END[:3], PART4_END[3].replace(", nesterov=True", ""))),
           "13.6", "Nesterov", only=True),
    mutant("torch: challenge trained for 20 epochs",
           (NOTEBOOK, '"train_part34(model, optimizer, epochs=quick(10, 1))"',
            '"train_part34(model, optimizer, epochs=quick(20, 1))"'),
           "13.7", "at most 10", only=True),
    mutant("torch: challenge model that cannot run a batch",
           edit("    nn.Linear(128, 10),", "    nn.Linear(256, 10),"),
           "13.7", "one training step", only=True),
]

VARIANTS = [
    mutant("torch: three_layer_convnet with F.linear and torch.flatten",
           edit(SCORES, "    scores = F.linear(torch.flatten(x, 1), fc_w.t(), fc_b)"),
           ""),
    mutant("torch: Module with ReLU and Flatten modules",
           edit(("        x = F.relu(self.conv1(x))", "        x = F.relu(self.conv2(x))",
                 "        scores = self.fc(flatten(x))"),
                ("        x = nn.ReLU()(self.conv1(x))", "        x = nn.ReLU()(self.conv2(x))",
                 "        scores = self.fc(nn.Flatten()(x))")),
           ""),
    mutant("torch: cell ids lost (a notebook saved without them)",
           tuple((NOTEBOOK, f'   "id": "{ident}",\n', "") for ident in (
               "three-layer-convnet", "train-three-layer-params", "three-layer-module",
               "train-three-layer-module", "sequential-three-layer", "challenge")),
           ""),
    mutant("torch: challenge with a scheduler train_part34 never steps",
           edit(CHALLENGE_OPT, (CHALLENGE_OPT,
                                "scheduler = optim.lr_scheduler.StepLR(optimizer, 5)")),
           "13.7", "never calls its step()"),
]
