"""A class of independent corpus entries with copies planted in it, for the similarity.

The class is made of the correct entries of an assignment's student corpus
(``tests/assignments/<name>/corpus/``) that were written independently: ``bug-*``
entries are one correct entry with a bug put in, and a few entries reuse another's code
(their ``entry.toml`` says so, or they share whole functions with it): those are left
out. Three copies are planted, each of a different source entry:

- ``whole``: every file of the source as it is;
- ``renamed``: every file of the source with the names of its local variables changed;
- ``partial``: an independent entry with three of its functions replaced by the
  source's versions of them (renamed too), functions long enough to compare.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass

from gradekit.classwork.similarity import read_code
from tests.support.paths import course

REUSED = {
    # written from another entry's code: not independent of it
    "assignment1": {"a14-relu-forward-in-place"},
    "assignment2": {"a14-own-defaults", "c01-loops-markers", "c02-einsum-dict-caches",
                    "c03-stride-tricks-2025", "c04-im2col-chinese-2019", "c05-2018-no-markers",
                    "c06-typed-sliding-window", "c07-scipy-correlate-prints",
                    "c08-deep-loops-2020"},
    "assignment3": {"c02-2021-kit-own-attn-names", "d01-lstm-per-gate-slices",
                    "d02-2017-kit-lstm-recompute"},
}
LEVELS = ("whole", "renamed", "partial")


@dataclass
class PlantedClass:
    """``code``: ``{key: {file: text}}`` of the class; ``planted``: level -> the pair of
    keys (source, copy); ``skeleton``: the released student files."""

    code: dict[str, dict[str, str]]
    planted: dict[str, tuple[str, str]]
    skeleton: dict[str, str]


def independent_entries(name: str) -> dict[str, dict[str, str]]:
    """The corpus's independently written correct entries of assignment ``name``."""
    corpus = course(name).corpus
    return {path.name: read_code(path) for path in sorted(corpus.iterdir())
            if path.is_dir() and not path.name.startswith("bug-")
            and path.name not in REUSED.get(name, set())
            and 'correct = true' in (path / "entry.toml").read_text(encoding="utf-8")}


def rename_locals(text: str, given: set[str] = frozenset(), suffix: str = "_v") -> str:
    """``text`` with every assigned local name of its functions renamed (what a copier
    does first), except on the lines ``given`` holds (stripped: the skeleton's);
    attributes and keyword names are left alone."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
    names -= {"self", "cls"}
    if not names:
        return text
    pattern = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, names))) +
                         r")\b(?!\s*=[^=])")
    return "".join(line if line.strip() in given
                   else pattern.sub(lambda m: m.group(1) + suffix, line)
                   for line in text.splitlines(keepends=True))


def functions_in(text: str) -> dict[str, tuple[int, int]]:
    """Top-level functions of a file: name -> (first, last) line, 1-based."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {}
    return {node.name: (node.lineno, node.end_lineno or node.lineno) for node in tree.body
            if isinstance(node, ast.FunctionDef)}


def replace_functions(target: str, source: str, names: list[str]) -> str:
    """``target`` with the functions ``names`` taken from ``source`` (both files)."""
    lines = target.splitlines()
    theirs = source.splitlines()
    spans, given = functions_in(target), functions_in(source)
    for name in sorted(names, key=lambda n: -spans[n][0]):
        first, last = spans[name]
        gf, gl = given[name]
        lines[first - 1:last] = theirs[gf - 1:gl]
    return "\n".join(lines) + "\n"


def long_functions(text: str, skeleton: str, smallest: int = 12) -> list[str]:
    """Functions of ``text`` with at least ``smallest`` lines the skeleton does not have."""
    given = {line.strip() for line in skeleton.splitlines()}
    lines = text.splitlines()
    return [name for name, (first, last) in functions_in(text).items()
            if sum(1 for line in lines[first - 1:last]
                   if line.strip() and line.strip() not in given) >= smallest]


def planted_class(name: str, seed: int = 0, copied: int = 3) -> PlantedClass:
    """The independent class of assignment ``name`` with the three levels of copies."""
    rng = random.Random(seed)
    code = independent_entries(name)
    skeleton = read_code(course(name).template)
    keys = sorted(code)
    rng.shuffle(keys)
    whole, renamed, rest = keys[0], keys[1], keys[2:]
    planted = {"whole": (whole, f"copy-whole-{whole}"),
               "renamed": (renamed, f"copy-renamed-{renamed}")}
    code[planted["whole"][1]] = dict(code[whole])
    code[planted["renamed"][1]] = {f: rename_locals(t, _lines(skeleton.get(f, "")))
                                   if f.endswith(".py") else t
                                   for f, t in code[renamed].items()}
    for source, target in ((s, t) for s in rest for t in rest if s != t):
        # functions the source and the target both have, in the same file
        theirs, options = {}, []
        for file in sorted(set(code[source]) & set(code[target])):
            if not file.endswith(".py"):
                continue
            theirs[file] = rename_locals(code[source][file], _lines(skeleton.get(file, "")))
            common = (set(long_functions(code[source][file], skeleton.get(file, "")))
                      & set(functions_in(code[target][file])) & set(functions_in(theirs[file])))
            options += [(file, function) for function in sorted(common)]
        if len(options) >= copied:
            break
    else:
        raise ValueError(f"no two entries of {name} share {copied} long functions")
    chosen = rng.sample(options, copied)
    mixed = dict(code.pop(target))
    for file in sorted({file for file, _ in chosen}):
        names = [function for f, function in chosen if f == file]
        mixed[file] = replace_functions(mixed[file], theirs[file], names)
    planted["partial"] = (source, f"copy-{copied}-functions-{target}")
    code[planted["partial"][1]] = mixed
    return PlantedClass(code, planted, skeleton)


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def rank_of(pairs: list, a: str, b: str) -> int:
    """1-based rank of the pair (a, b) in ranked pairs (either order); 0 if absent."""
    for rank, pair in enumerate(pairs, start=1):
        if {pair.a, pair.b} == {a, b}:
            return rank
    return 0

