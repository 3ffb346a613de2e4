"""Submissions for the alt-speed check (hidden check 3.6), shared by its tests and its bench.

A case is the ``cs231n/layers.py`` of a corpus entry (or of the reference), optionally with
code appended that redefines ``batchnorm_backward_alt`` (a later definition wins): a copy
of the staged backward, a restated chain rule, or an attack on the timing
(``tests/fixtures/alt_speed/*.py``). The rest of the package is the reference's.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path
from tests.support.paths import A2

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

CORPUS = A2.corpus
FIXTURES = A2.tests / "fixtures" / "alt_speed"
SOLUTIONS = A2.solutions
LAYERS = Path("cs231n") / "layers.py"
COPY_OF_STAGED = "copy of staged"   # a snippet made from the base's own staged backward


@dataclass(frozen=True)
class Case:
    name: str
    base: str                 # a corpus entry's folder name, or "reference"
    snippet: str | None       # a fixture file name, COPY_OF_STAGED, or None
    should_pass: bool
    kind: str                 # "closed form", "copy", "attack", "slow" or "broken"
    copy_hint: str = ""       # what the failure message must name ("" : no copy named)

    def layers_source(self) -> str:
        source = self.base_layers().read_text(encoding="utf-8")
        if self.snippet is None:
            return source
        extra = (staged_as_alt(source) if self.snippet == COPY_OF_STAGED
                 else (FIXTURES / self.snippet).read_text(encoding="utf-8"))
        banner = f"# ---- appended for the alt-speed case {self.name!r}"
        return f"{source.rstrip()}\n\n\n{banner}\n{extra}"

    def base_layers(self) -> Path:
        """The path of this case's base layers.py (for reading only)."""
        return SOLUTIONS / LAYERS if self.base == "reference" else _entry(self.base) / LAYERS

    def build(self, destination: Path) -> Path:
        """The reference package with this case's layers.py, at ``destination``."""
        shutil.copytree(SOLUTIONS, destination, ignore=shutil.ignore_patterns("__pycache__"))
        (destination / LAYERS).write_text(self.layers_source(), encoding="utf-8")
        return destination


def _entry(name: str) -> Path:
    found = sorted(CORPUS.glob(f"{name}*"))
    if len(found) != 1:
        raise LookupError(f"no single corpus entry named {name}*")
    return found[0]


def staged_as_alt(source: str) -> str:
    """The module's own batchnorm_backward, copied under the name batchnorm_backward_alt."""
    tree = ast.parse(source)
    staged = [n for n in tree.body if isinstance(n, ast.FunctionDef)
              and n.name == "batchnorm_backward"][-1]
    text = ast.get_source_segment(source, staged)
    return text.replace("def batchnorm_backward(", "def batchnorm_backward_alt(", 1) + "\n"


def closed_form(entry: str) -> Case:
    return Case(entry, entry, None, True, "closed form")


# Corpus entries with notable closed forms (spec §8): the textbook form with inv_std (a06),
# x - mu recomputed with (var + eps)**(-1.5) (a07, b07), dxhat first (a08), np.mean (a09),
# dgamma/dbeta reused (a10, b01, b10), keepdims sums (a11), a one-liner (b09).
NOTABLE = ("a06", "a07", "a08", "a09", "a10", "a11", "b01", "b07", "b09", "b10")
# The closed forms closest to their own staged backward (about 1.05-1.1x): lean staged
# backwards, and (b08) a closed form that sums dxhat again instead of reusing dbeta/dgamma.
CLOSEST = ("b08", "b13")
CLOSED_FORMS = [closed_form(entry) for entry in NOTABLE + CLOSEST]
ALL_CORRECT = sorted(
    p.name.split("-")[0] for p in CORPUS.iterdir()
    if (p / LAYERS).is_file() and (p / "entry.toml").is_file()
    and tomllib.loads((p / "entry.toml").read_text(encoding="utf-8")).get("correct") is True)

COPIES = [
    Case("a06 staged copied", "a06", COPY_OF_STAGED, False, "copy", "with other names"),
    Case("b13 staged copied", "b13", COPY_OF_STAGED, False, "copy", "with other names"),
    Case("b09 staged copied", "b09", COPY_OF_STAGED, False, "copy", "with other names"),
    Case("reference calls staged", "reference", "calls_staged.py", False, "copy",
         "calls batchnorm_backward"),
    Case("a10 calls staged", "a10", "calls_staged.py", False, "copy",
         "calls batchnorm_backward"),
    Case("reference restated (dvar, dmean)", "reference", "restated_reference_cache.py", False,
         "copy", "dvar and dmean"),
    Case("b10 restated node by node", "b10", "restated_minimal_cache.py", False, "copy",
         "d_var and d_mu"),
]

ATTACKS = [
    Case("eager functools.partial", "reference", "eager_partial.py", False, "attack",
         "calls batchnorm_backward"),
    Case("decoder precomputes", "reference", "decoder_precompute.py", False, "attack",
         "bit for bit"),
    Case("hammers memory after replies", "reference", "hammer_after_reply.py", False,
         "attack", "calls batchnorm_backward"),
]

OTHERS = [
    # Work done by the cache inside the timed call is timed, and allowed.
    Case("lazy cache", "reference", "lazy_cache.py", True, "closed form"),
    # Slow but not a copy: fails, and no copy is named.
    Case("slow closed form", "reference", "slow_closed_form.py", False, "slow"),
]
BROKEN_STAGED = Case("broken staged", "reference", "broken_staged.py", False, "broken")

CASES = {case.name: case for case in CLOSED_FORMS + COPIES + ATTACKS + OTHERS}
