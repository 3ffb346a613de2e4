"""What is wrong with a submitted notebook, part by part, against the released copy.

Each function returns an :class:`Outcome`: the fraction of the part earned and the
findings behind it. A finding with ``staff_only`` is recorded for staff and costs nothing
(edited markdown: translated variants and stray double-clicks change it harmlessly).
"""

from __future__ import annotations

import ast
import base64
import binascii
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from gradekit.config import StoredOutput
from gradekit.markers import strip_magics

from gradekit.grading.notebook.matching import (Matching, digest, longest_increasing,
                                                normal_markdown)
from gradekit.grading.notebook import pictures as pictures_module
from gradekit.grading.notebook.reading import Cell, Notebook, error_outputs, safe_text, stdout_text

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


@dataclass
class Finding:
    part: str
    cell: str
    """The released cell's id."""
    problem: str
    """A short key: unrun, error, out-of-order, deleted, changed, blank, placeholder, ..."""
    message: str
    """One line for the student."""
    staff_only: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"part": self.part, "cell": self.cell, "problem": self.problem,
                "message": self.message[:500]}


@dataclass
class Outcome:
    kind: str
    earned: float
    """The fraction of the part's points earned, in [0, 1]."""
    summary: str
    findings: list[Finding] = field(default_factory=list)


def _ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def answer_cells(released: Notebook, tag: str, placeholders: tuple[str, ...]) -> list[Cell]:
    """The released cells a student writes in: tagged ``tag`` and holding a placeholder."""
    wanted = {normal_markdown(p) for p in placeholders}
    return [c for c in released.cells if c.kind == "markdown" and tag in c.tags
            and normal_markdown(c.source) in wanted]


def complete(released: Notebook, submitted: Notebook, matching: Matching) -> Outcome:
    """Every released code cell was run, in order, and shows no error."""
    code = [c for c in released.cells if c.kind == "code"]
    findings = []
    counts: list[tuple[int, int, Cell, Cell]] = []
    for cell in code:
        s = matching.pairs.get(cell.index)
        if s is None:
            findings.append(Finding("complete", cell.id or "", "deleted",
                                    f"{cell.label} of the release is missing from your notebook"))
            continue
        mine = submitted.cells[s]
        if mine.execution_count is None:
            findings.append(Finding("complete", cell.id or "", "unrun",
                                    f"{mine.label} was not run"))
            continue
        if not mine.outputs and prints_when_run(cell.source):
            findings.append(Finding("complete", cell.id or "", "no-output",
                                    f"{mine.label} has an execution count but none of the "
                                    "output it prints when run: run it and save the notebook "
                                    "with its outputs"))
            continue
        errors = error_outputs(mine)
        if errors:
            findings.append(Finding("complete", cell.id or "", "error",
                                    f"{mine.label} ends in an error ({errors[0][:150]})"))
            continue
        counts.append((s, mine.execution_count, cell, mine))
    in_order = set(longest_increasing([count for _, count, _, _ in sorted(counts, key=lambda x: x[0])]))
    for position, (_, count, cell, mine) in enumerate(sorted(counts, key=lambda x: x[0])):
        if position not in in_order:
            findings.append(Finding("complete", cell.id or "", "out-of-order",
                                    f"{mine.label} was run out of order (execution count "
                                    f"{count}); restart the kernel and run all cells"))
    good = len(code) - len(findings)
    summary = (f"All {len(code)} code cells of the release ran in order without errors."
               if good == len(code) else
               f"{good} of the {len(code)} code cells of the release ran in order without "
               "errors.")
    return Outcome("complete", _ratio(good, len(code)), summary, findings)


def prints_when_run(source: str) -> bool:
    """Whether a released code cell always prints when it runs: a ``print(...)`` call as a
    statement of its own at the top level (an error stores an output too)."""
    try:
        tree = ast.parse(strip_magics(source))
    except (SyntaxError, ValueError, RecursionError):
        return False
    return any(isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
               and isinstance(node.value.func, ast.Name) and node.value.func.id == "print"
               for node in tree.body)


_MARKUP = re.compile(r"[*_#>`~]")
_FILLER = re.compile(r"\[[^\]]*\]")


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split()).strip()


def answer_state(text: str, placeholders: tuple[str, ...]) -> str:
    """``answered``, ``blank`` (nothing written) or ``placeholder`` (left as released)."""
    plain = _plain(text)
    if not plain:
        return "blank"
    filled_in = False
    rest = plain
    for placeholder in placeholders:
        pattern = _plain(placeholder)
        if plain.lower() == pattern.lower():
            return "placeholder"
        for filler in _FILLER.findall(pattern):
            if filler.lower() in rest.lower():
                filled_in = True
                rest = re.sub(re.escape(filler), " ", rest, flags=re.IGNORECASE)
        label = _FILLER.sub(" ", pattern).strip()
        if label and rest.lower().lstrip().startswith(label.lower()):
            rest = rest.lstrip()[len(label):]
    if re.search(r"\w", rest):
        return "answered"
    return "placeholder" if filled_in else "blank"


def answered(released: Notebook, submitted: Notebook, matching: Matching,
             tag: str, placeholders: tuple[str, ...],
             limit: int) -> tuple[Outcome, dict[str, str]]:
    """Each answer cell holds an answer; also returns the answers (cell id -> text)."""
    cells = answer_cells(released, tag, placeholders)
    findings = []
    answers: dict[str, str] = {}
    for cell in cells:
        s = matching.pairs.get(cell.index)
        if s is None:
            findings.append(Finding("answered", cell.id or "", "deleted",
                                    f"the answer cell after {_question(released, cell)} is "
                                    "missing from your notebook"))
            continue
        mine = submitted.cells[s]
        answers[cell.id or str(cell.index)] = safe_text(mine.source, limit)
        state = answer_state(mine.source, placeholders)
        if state == "blank":
            findings.append(Finding("answered", cell.id or "", "blank",
                                    f"{mine.label}, the answer to {_question(released, cell)}, "
                                    "is empty"))
        elif state == "placeholder":
            findings.append(Finding("answered", cell.id or "", "placeholder",
                                    f"{mine.label}, the answer to {_question(released, cell)}, "
                                    "still holds the placeholder"))
    good = len(cells) - len(findings)
    summary = (f"All {len(cells)} inline questions have an answer (graded by the staff)."
               if good == len(cells) else
               f"{good} of the {len(cells)} inline questions have an answer.")
    return Outcome("answered", _ratio(good, len(cells)), summary, findings), answers


def _question(released: Notebook, answer: Cell) -> str:
    """The heading of the markdown cell before ``answer`` ("Inline Question 1")."""
    for cell in reversed(released.cells[:answer.index]):
        if cell.kind == "markdown":
            for line in cell.source.splitlines():
                if line.strip():
                    return f'"{line.strip().lstrip("#").strip()[:60]}"'
    return "its question"


def untampered(released: Notebook, submitted: Notebook, matching: Matching,
               answers: list[Cell], figures: tuple[str, ...] = ()) -> Outcome:
    """Given cells (all but answer cells and student regions) are as released.

    In ``figures`` cells (plots), string literals do not count: their titles and labels
    are presentation, and translated variants (zh-CN) change them.
    """
    skip = {cell.index for cell in answers}
    findings = []
    for cell in released.cells:
        if cell.index in skip:
            continue
        s = matching.pairs.get(cell.index)
        staff_only = cell.kind != "code"
        if s is None:
            findings.append(Finding("untampered", cell.id or "", "deleted",
                                    f"{cell.given_label} was deleted", staff_only))
            continue
        strings = cell.id not in figures
        if digest(submitted.cells[s], strings) != digest(cell, strings):
            findings.append(Finding("untampered", cell.id or "", "changed",
                                    f"{submitted.cells[s].given_label} was changed",
                                    staff_only))
    counted = [f for f in findings if not f.staff_only]
    cells = "1 given code cell was" if len(counted) == 1 else f"{len(counted)} given code cells were"
    summary = ("No given code cell was changed or deleted." if not counted else
               f"{cells} changed or deleted; the grader uses the released copy of every "
               "given cell. Put your own experiments in new cells.")
    return Outcome("untampered", 0.0 if counted else 1.0, summary, findings)


def figures(released: Notebook, submitted: Notebook, matching: Matching,
            cell_ids: tuple[str, ...]) -> tuple[Outcome, list[dict[str, Any]]]:
    """Each figure cell's stored outputs hold a picture; also the pictures' digests."""
    by_id = {cell.id: cell for cell in released.cells}
    findings = []
    found: list[dict[str, Any]] = []
    for ident in cell_ids:
        cell = by_id[ident]
        s = matching.pairs.get(cell.index)
        if s is None:
            findings.append(Finding("figures", ident, "deleted",
                                    f"{cell.label} of the release is missing from your notebook"))
            continue
        pictures = _pictures(submitted.cells[s])
        plots = [p for p in pictures if p["problem"] is None]
        if not pictures:
            findings.append(Finding("figures", ident, "missing-figure",
                                    f"{submitted.cells[s].label} has no plot stored: run it and "
                                    "save the notebook with its outputs"))
        elif not plots:
            findings.append(Finding("figures", ident, "placeholder-figure",
                                    f"{submitted.cells[s].label} stores a picture that "
                                    f"{pictures[0]['problem']}, not the plot the cell draws: "
                                    "run it and save the notebook with its outputs"))
        for picture in pictures[:4]:
            found.append({"cell_id": ident, **picture})
    good = len(cell_ids) - len(findings)
    summary = (f"All {len(cell_ids)} plots are in the notebook." if good == len(cell_ids) else
               f"{good} of the {len(cell_ids)} plots are in the notebook.")
    return Outcome("figures", _ratio(good, len(cell_ids)), summary, findings), found


def _pictures(cell: Cell) -> list[dict[str, Any]]:
    pictures = []
    for output in cell.outputs:
        data = output.get("data")
        if output.get("output_type") not in ("display_data", "execute_result") or \
                not isinstance(data, dict):
            continue
        for mime in IMAGE_TYPES:
            if mime not in data:
                continue
            raw = safe_text(data[mime])
            if mime == "image/svg+xml":
                content = raw.encode("utf-8")
            else:
                try:
                    content = base64.b64decode(raw.encode("ascii", "ignore"))
                except (binascii.Error, ValueError):
                    continue
            if content:
                key = "png_sha256" if mime == "image/png" else "sha256"
                pictures.append({"mime": mime, key: hashlib.sha256(content).hexdigest(),
                                 "bytes": len(content),
                                 "problem": pictures_module.problem(mime, content)})
            break
    return pictures


MAX_LINE = 1000
"""Longest stored line an ``outputs`` rule reads (longer ones are cut to this length)."""


def stored_outputs(released: Notebook, submitted: Notebook, matching: Matching,
                   rules: Sequence[StoredOutput], limit: int) -> Outcome:
    """Each rule's cell printed lines of the expected form (``StoredOutput``): read from
    the stored outputs (at most ``limit`` characters per cell), never re-run."""
    by_id = {cell.id: cell for cell in released.cells}
    findings = []
    for rule in rules:
        cell = by_id[rule.cell]
        s = matching.pairs.get(cell.index)
        if s is None:
            findings.append(Finding("outputs", rule.cell, "deleted",
                                    f"{cell.label} of the release is missing from your notebook"))
            continue
        mine = submitted.cells[s]
        problem = output_problem(stdout_text(mine, limit), rule)
        if problem is not None:
            findings.append(Finding("outputs", rule.cell, "output", f"{mine.label} {problem}"))
    good = len(rules) - len(findings)
    summary = (f"What the {_cells(len(rules))} printed has the expected form."
               if good == len(rules) else
               f"What {good} of the {_cells(len(rules))} printed has the expected form (the "
               "grader reads the stored outputs; run the cells and save the notebook).")
    return Outcome("outputs", _ratio(good, len(rules)), summary, findings)


def _cells(count: int) -> str:
    return "cell" if count == 1 else f"{count} cells"


def output_problem(text: str, rule: StoredOutput) -> str | None:
    """What is wrong with a cell's stored stdout ``text`` under ``rule``, or None."""
    pattern = re.compile(rule.pattern)
    matched = [m for m in (pattern.fullmatch(line[:MAX_LINE].rstrip())
                           for line in text.splitlines()) if m is not None]
    if not matched:
        return "printed no line of the expected form (was it run, and its output saved?)"
    if rule.low is not None or rule.high is not None:
        for m in matched:
            value = _number(m.group(pattern.groups))
            if value is None or (rule.low is not None and value < rule.low) or \
                    (rule.high is not None and value > rule.high):
                bounds = f"between {rule.low:g} and {rule.high:g}" if None not in (
                    rule.low, rule.high) else (f"at least {rule.low:g}" if rule.low is not None
                                               else f"at most {rule.high:g}")
                return f"printed {_quote(m.group(0))}: the number should be {bounds}"
    if not rule.keys:
        if rule.count and len(matched) != rule.count:
            return (f"printed {len(matched)} lines like {_quote(matched[0].group(0))}, "
                    f"not {rule.count}")
        return None
    counts = Counter(m.group(1) for m in matched)
    example = {}
    for m in matched:
        example.setdefault(m.group(1), m.group(0))
    unexpected = [key for key in counts if key not in rule.keys]
    if unexpected:
        return (f"printed {_quote(example[unexpected[0]])}, which is not expected (the lines "
                f"should be for {_listing(rule.keys)} only)")
    missing = [key for key in rule.keys if not counts[key]]
    if missing:
        return f"printed no line for {_listing(missing)} (expected lines for {_listing(rule.keys)})"
    if rule.count:
        for key in rule.keys:
            if counts[key] != rule.count:
                return (f"printed {counts[key]} lines like {_quote(example[key])}, "
                        f"not {rule.count}")
    return None


def _number(text: str | None) -> float | None:
    """The finite number ``text`` spells, or None (nan and inf are out of every range)."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _quote(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 80 else line[:77] + "...")


def _listing(keys: Sequence[str]) -> str:
    shown = ", ".join(keys[:12])
    return shown + (", ..." if len(keys) > 12 else "")


def judged_without_rerun(released: Notebook, submitted: Notebook, matching: Matching,
                         answer_tag: str, placeholders: tuple[str, ...],
                         figure_cells: tuple[str, ...], answer_chars: int,
                         rules: Sequence[StoredOutput] = (), output_chars: int = 0
                         ) -> tuple[dict[str, Outcome], dict[str, str], list[dict[str, Any]]]:
    """The parts judged from the stored notebook alone (``complete``, ``answered``,
    ``untampered``, ``figures``, ``outputs`` under ``rules``), the answers and the
    pictures. A notebook none of whose code cells ran earns nothing for ``untampered``:
    untouched is not work."""
    answers_given = answer_cells(released, answer_tag, placeholders)
    answered_outcome, answers = answered(released, submitted, matching, answer_tag,
                                         placeholders, answer_chars)
    outcomes = {"answered": answered_outcome,
                "complete": complete(released, submitted, matching),
                "untampered": untampered(released, submitted, matching, answers_given,
                                         figure_cells)}
    if outcomes["complete"].earned == 0:
        outcomes["untampered"] = Outcome(
            "untampered", 0.0, "Not scored: none of the notebook's code cells was run.",
            outcomes["untampered"].findings)
    outcomes["figures"], pictures = figures(released, submitted, matching, figure_cells)
    outcomes["outputs"] = stored_outputs(released, submitted, matching, rules, output_chars)
    return outcomes, answers, pictures
