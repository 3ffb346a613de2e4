"""The one result model, rendered as Gradescope ``results.json``, a table and an exit code."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradekit.config import VISIBILITIES  # noqa: F401  (re-exported)
from gradekit.grading.markdown import has_table, to_markdown
from gradekit.zips import write_atomically

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2

OUTPUT_CAP = 8 * 1024
"""Bytes of one check's output in results.json (Gradescope shows it all; nobody reads more)."""
RESULTS_CAP = 1 << 20
"""Bytes of the whole results.json."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(value: Any) -> str:
    """``value`` as text that encodes as UTF-8: a lone surrogate (from a student's exception
    message, or a file name that is not UTF-8, decoded with ``surrogateescape``) becomes
    ``\\xNN`` for an escaped byte and U+FFFD otherwise; pairs are joined."""
    text = value if isinstance(value, str) else str(value)
    if not _SURROGATE.search(text):
        return text
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    return _SURROGATE.sub(lambda m: (f"\\x{ord(m.group()) - 0xDC00:02x}"
                                     if 0xDC80 <= ord(m.group()) <= 0xDCFF else "\ufffd"), text)


def safe_data(value: Any) -> Any:
    """Plain JSON data with every string (keys too) made safe and non-finite numbers None."""
    if isinstance(value, dict):
        return {safe_text(k): safe_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_data(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return safe_text(value)


def cut(text: str, cap: int) -> str:
    """``text`` (made safe) cut to at most ``cap`` UTF-8 bytes, on a character boundary,
    with a note saying how much was left out."""
    text = safe_text(text)
    data = text.encode("utf-8")
    if len(data) <= cap:
        return text
    room = len(f"\n... (output cut here: {len(data)} more bytes)".encode("utf-8"))
    kept = data[:max(0, cap - room)].decode("utf-8", "ignore")
    return f"{kept}\n... (output cut here: {len(data) - len(kept.encode('utf-8'))} more bytes)"




@dataclass
class CheckResult:
    """One graded check (a Gradescope test)."""

    number: str
    name: str
    max_score: float
    score: float = 0.0
    passed: bool = False
    output: str = ""
    visibility: str = "visible"

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed"

    def sort_key(self) -> tuple[Any, ...]:
        return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", self.number))

    def to_json(self, cap: int = OUTPUT_CAP) -> dict[str, Any]:
        """This check as a Gradescope test; text made safe, the output cut at ``cap`` bytes.
        Feedback with a table of differences is given as Markdown (:mod:`.markdown`)."""
        test = {
            "name": safe_text(self.name), "number": safe_text(self.number),
            "score": _round(self.score), "max_score": _round(self.max_score),
            "status": self.status, "output": cut(self.output, cap),
            "visibility": self.visibility,
        }
        if has_table(test["output"]):
            test["output"] = cut(to_markdown(test["output"]), cap)
            test["output_format"] = "md"
        return test


@dataclass
class GradeResult:
    """A whole grade: every check, the seed, notes for the student and for staff."""

    checks: list[CheckResult] = field(default_factory=list)
    seed: int | None = None
    output: str = ""
    execution_time: float = 0.0
    error: str | None = None
    staff_log: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return 0.0 if self.error else sum(check.score for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    @property
    def all_passed(self) -> bool:
        return self.error is None and all(check.passed for check in self.checks)

    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_ERROR
        return EXIT_PASSED if self.all_passed else EXIT_FAILED

    def to_json(self, limit: int = RESULTS_CAP) -> dict[str, Any]:
        """The Gradescope ``results.json`` document: every string safe to encode as UTF-8,
        each check's output at most :data:`OUTPUT_CAP` bytes, the whole (as JSON) at most
        ``limit`` bytes, with a note where something was cut."""
        output = "\n".join([*import_errors(self.checks), self.output]).strip()
        if self.error:
            output = (f"The autograder could not grade this submission: {self.error}\n"
                      + output).strip()
        cap, log_cap = OUTPUT_CAP, OUTPUT_CAP * 4
        while True:
            document = {
                "score": _round(self.score),
                "execution_time": round(self.execution_time, 3),
                "output": cut(output, cap * 4),
                "visibility": "visible",
                "stdout_visibility": "hidden",
                "tests": [check.to_json(cap) for check in self.ordered()],
                "extra_data": safe_data({"seed": self.seed, **self.extra,
                                         "staff_log": [cut(entry, log_cap)
                                                       for entry in self.staff_log]}),
            }
            size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
            if size <= limit or cap <= 64:
                break
            cap, log_cap = cap // 2, log_cap // 4
        if cap < OUTPUT_CAP:
            note = (f"(results.json would be over {limit // 1024} KB: the output of each test "
                    f"was cut to {cap} bytes.)")
            document["output"] = f"{document['output']}\n{note}".strip()
        if size > limit:  # thousands of checks: the tests stay, the staff log goes
            document["extra_data"]["staff_log"] = ["(left out: results.json too large)"]
        return document

    def ordered(self) -> list[CheckResult]:
        return sorted(self.checks, key=CheckResult.sort_key)

    def decisive(self) -> list[str]:
        """What decides this grade before any check does, one line each: the grading error,
        the intake's notes (missing files first) and each module that does not import."""
        lines = [f"error: {self.error}"] if self.error else []
        notes = [line for line in self.output.splitlines() if line.strip()]
        lines += sorted(notes, key=lambda line: not line.startswith("Missing"))
        lines += import_errors(self.checks)
        return lines

    def table(self, width: int = 100) -> str:
        """The decisive lines (:meth:`decisive`) first, then a terminal table (number, name,
        score, verdict), then the failure messages, each distinct message once."""
        rows = [(c.number, safe_text(c.name), f"{_fmt(c.score)}/{_fmt(c.max_score)}",
                 "ok" if c.passed else "FAILED") for c in self.ordered()]
        name_width = min(max([len(r[1]) for r in rows] + [5]), max(20, width - 30))
        lead = self.decisive()
        lines = [*lead, ""] if lead else []
        for number, name, score, verdict in rows:
            short = name if len(name) <= name_width else name[: name_width - 1] + "…"
            lines.append(f"{number:>6}  {short:<{name_width}}  {score:>9}  {verdict}")
        lines.append(f"{'':>6}  {'total':<{name_width}}  "
                     f"{_fmt(self.score) + '/' + _fmt(self.max_score):>9}")
        for first, others in _same_failures(self.ordered()):
            lines += ["", f"{first.number} {first.name}:", _indent(cut(first.output, OUTPUT_CAP))]
            if others:
                numbers = ", ".join(c.number for c in others[:8]) + (", ..." if len(others) > 8
                                                                       else "")
                lines.append(f"    ... and {len(others)} more with the same message "
                             f"({numbers})")
        return safe_text("\n".join(lines))


_IMPORT_ERROR = re.compile(
    r"(?P<error>SyntaxError|IndentationError|TabError|ImportError|ModuleNotFoundError)"
    r": (?P<message>.*)")
_WHO_RAISED = re.compile(r"^\S+ raised ")


def import_errors(checks: list[CheckResult]) -> list[str]:
    """One line per distinct error that stops a module of the submission importing (a
    SyntaxError in ``ops.py`` fails every check that calls into it: it is named once)."""
    found: dict[str, str] = {}
    for check in checks:
        if check.passed or not check.output:
            continue
        match = _IMPORT_ERROR.search(check.output.splitlines()[0])
        if match:
            line = f"{match['error']}: {match['message'].strip()}"
            found.setdefault(line, f"Your code does not import: {line}")
    return list(found.values())


def _same_failures(checks: list[CheckResult]) -> list[tuple[CheckResult, list[CheckResult]]]:
    """The failed checks with a message, grouped by that message (the name of what raised
    it left out), in order of their first check."""
    groups: dict[str, tuple[CheckResult, list[CheckResult]]] = {}
    for check in checks:
        if check.passed or not check.output:
            continue
        key = _WHO_RAISED.sub("raised ", check.output.strip())
        if key in groups:
            groups[key][1].append(check)
        else:
            groups[key] = (check, [])
    return list(groups.values())


def write_results(result: GradeResult, path: Path) -> None:
    """Write ``results.json`` atomically."""
    data = json.dumps(result.to_json(), indent=2, ensure_ascii=False, allow_nan=False)
    write_atomically(Path(path), data + "\n")


def _round(value: float) -> float:
    value = round(float(value), 4)
    return int(value) if value == int(value) else value


def _fmt(value: float) -> str:
    return f"{_round(value):g}"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
