"""Partial copies: functions one submission shares with another, one function at a time.

A whole-submission score hides a hand-in that copies three of its twenty functions: the
copied part is a small share of either side. Here every function (and method) a student
wrote is compared on its own. Its code is what :mod:`gradekit.classwork.similarity`
counts as student-written, in the same normalised tokens (names, numbers and strings
taken out), so renaming and re-commenting change nothing.

Two functions *match* when their token sequences are equal, or when their sets of
``shingle``-token runs overlap by at least ``near`` (Jaccard). Left out, so that they
raise no alarm:

- short functions (fewer than ``min_tokens`` tokens): ``dx = dout * (x > 0)`` is how
  everybody writes it;
- canonical functions: one that matches a function of more than ``common`` other
  submissions of the class is how the class writes it.

A pair's partial-copy score is the code its matched functions hold beyond the
``min_tokens`` each needs (summed over one-to-one matches, the smaller side of each),
divided by ``full_tokens`` and capped at 1: what copying whole functions amounts to,
whatever share of either submission they are. It is shown with how many of each side's
functions matched.
"""

from __future__ import annotations

import ast
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class FunctionSettings:
    """Tuning of the per-function comparison."""

    min_tokens: int = 60         # shorter functions are left out
    shingle: int = 5             # tokens per run compared for near matches
    near: float = 0.9            # Jaccard of the runs at which two functions match
    full_tokens: int = 300       # copied tokens (beyond min_tokens each) scoring 1.0
    common_min: int = 3          # a function matching more submissions than this and
                                 # than the class's common share is canonical


@dataclass(frozen=True)
class Function:
    """One student-written function of a submission."""

    file: str
    name: str
    lines: tuple[int, int]
    tokens: int
    exact: int                   # hash of the whole token sequence
    runs: frozenset[int]         # hashes of its ``shingle``-token runs (this process's)


@dataclass(frozen=True)
class FunctionMatch:
    """A function of ``a`` and the function of ``b`` it matches (Jaccard ``overlap``)."""

    a: Function
    b: Function
    overlap: float


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def functions_of(code: dict[str, str], skeleton_lines: set[str],
                 settings: FunctionSettings = FunctionSettings(),
                 tokens: dict[str, list[list[tuple[str, int]]]] | None = None
                 ) -> list[Function]:
    """The functions of a submission's files (``{file: text}``) that hold at least
    ``min_tokens`` tokens of student-written code; a file that does not parse has none.
    ``tokens``: the files' :func:`~gradekit.classwork.similarity.written_tokens`, when
    already made."""
    from gradekit.classwork.similarity import written_tokens

    tokens = written_tokens(code, skeleton_lines) if tokens is None else tokens

    found = []
    for name in sorted(code):
        text = code[name]
        try:
            tree = ast.parse(_without_magics(text))
        except (SyntaxError, ValueError):
            continue
        by_line: dict[int, list[str]] = defaultdict(list)
        for block in tokens.get(name, []):
            for token, line in block:
                by_line[line].append(token)
        for node in _outer_functions(tree):
            span = (node.lineno, node.end_lineno or node.lineno)
            body = [token for line in range(span[0], span[1] + 1)
                    for token in by_line.get(line, ())]
            if len(body) < settings.min_tokens:
                continue
            runs = frozenset(hash(tuple(body[i:i + settings.shingle]))
                             for i in range(len(body) - settings.shingle + 1))
            found.append(Function(name, node.name, span, len(body),
                                  _hash("\x1f".join(body)), runs))
    return found


def _without_magics(text: str) -> str:
    """``text`` with notebook magics (lines starting ``%`` or ``!``) blanked, line numbers
    kept."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in text.splitlines())


def _outer_functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions at module level and methods of classes (nested helpers stay part of the
    function around them)."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(child)
            elif isinstance(child, (ast.ClassDef, ast.If, ast.Try, ast.With)):
                todo.append(child)
    return sorted(found, key=lambda f: f.lineno)


def overlap(a: Function, b: Function) -> float:
    """1.0 for equal token sequences, else the Jaccard index of their runs."""
    if a.exact == b.exact:
        return 1.0
    union = len(a.runs | b.runs)
    return len(a.runs & b.runs) / union if union else 0.0


def match_functions(functions: dict[str, list[Function]], common: float,
                    settings: FunctionSettings = FunctionSettings(),
                    among: set[str] | None = None
                    ) -> dict[tuple[str, str], list[FunctionMatch]]:
    """Matched functions of every pair of submissions (keys sorted within a pair).

    ``functions``: ``{submission: its functions}``. A function matching functions of more
    than ``common`` other submissions of ``among`` (default: all) is canonical and left
    out. Matches are one to one, best overlap first.
    """
    among = set(functions) if among is None else among
    # Functions with the same tokens are one shape: compared once, however many hold it.
    shapes: dict[int, list[tuple[str, int]]] = defaultdict(list)
    sample: dict[int, Function] = {}
    for key in sorted(functions):
        for index, function in enumerate(functions[key]):
            shapes[function.exact].append((key, index))
            sample.setdefault(function.exact, function)
    by_run: dict[int, list[int]] = defaultdict(list)
    for shape, function in sample.items():
        for run in function.runs:
            by_run[run].append(shape)
    near: dict[int, dict[int, float]] = {shape: {shape: 1.0} for shape in shapes}
    seen: set[tuple[int, int]] = set()
    for holders in by_run.values():
        if not 1 < len(holders) <= common + 1:  # runs most shapes have find no candidates
            continue
        for x, y in combinations(holders, 2):
            if (x, y) in seen:
                continue
            seen.add((x, y))
            value = overlap(sample[x], sample[y])
            if value >= settings.near:
                near[x][y] = near[y][x] = value
    canonical = set()
    for shape, partners in near.items():
        holders = {key for other in partners for key, _ in shapes[other] if key in among}
        if len(holders) > common + 1:  # itself and more than ``common`` others
            canonical.add(shape)
    options: dict[tuple[str, str], list[tuple[float, int, int]]] = defaultdict(list)
    for x, partners in near.items():
        if x in canonical:
            continue
        for y, value in partners.items():
            if y < x or y in canonical:
                continue
            for ka, ia in shapes[x]:
                for kb, ib in shapes[y]:
                    if ka < kb:
                        options[(ka, kb)].append((value, ia, ib))
                    elif kb < ka:
                        options[(kb, ka)].append((value, ib, ia))
    chosen: dict[tuple[str, str], list[FunctionMatch]] = {}
    for (a, b), found in options.items():
        used_a: set[int] = set()
        used_b: set[int] = set()
        picked = []
        for value, ia, ib in sorted(found, key=lambda o: (-o[0], o[1], o[2])):
            if ia not in used_a and ib not in used_b:
                used_a.add(ia)
                used_b.add(ib)
                picked.append(FunctionMatch(functions[a][ia], functions[b][ib], round(value, 4)))
        chosen[(a, b)] = sorted(picked, key=lambda m: (m.a.file, m.a.lines))
    return chosen


def copied_tokens(matches: list[FunctionMatch], beyond: int = 0) -> int:
    """Tokens the matched functions hold (the smaller side of each match), each less
    ``beyond`` (a function just long enough to compare weighs little)."""
    return sum(max(0, min(m.a.tokens, m.b.tokens) - beyond) for m in matches)
