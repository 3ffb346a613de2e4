"""Re-run the released copy's deterministic cells and compare the numbers they print.

The *released* source of each cell (never the student's copy of it) runs in the
controller, in one namespace kept for the notebook: the setup cells first, then the
re-run cells in notebook order, against the released package in which every function
and class of a submitted file calls the student's version in the sandbox worker
(:mod:`.trusted`): what the cell prints is computed from what the student's code
returns, never by a process the student's code could prepare. IPython magics become
``pass``; imports of ``skip_imports`` modules (plotting, say) and the top-level statements
that use what they bind are left out. Warnings and stderr are dropped, so that what is
compared is what the cell prints to stdout, as Jupyter stores it. A cell that stops on
an error earns nothing, even when the notebook stored the same error: it shows no numbers
that the code produced.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradekit.config import RerunCell
from gradekit.errors import UserError
from gradekit.grading.notebook import trusted
from gradekit.grading.notebook.released import released_package
from gradekit.markers import strip_magics
from gradekit.sandbox.controller import Sandbox, SandboxError, StudentError, StudentException

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf)",
                    re.IGNORECASE)
_TRUNCATED = re.compile(r"\n\[\.\.\. \d+ more bytes of output not shown\]$")
MAX_NUMBERS = 20000
MAX_PRINTED = 256 * 1024
"""Characters of a re-run cell's printout kept (what is past it is cut, as the worker's
output is)."""

def prepare(source: str, skip_imports: tuple[str, ...], where: str,
            until: str | None = None) -> str:
    """The source a re-run runs: magics out, skipped imports and their uses out, and,
    with ``until``, the statements from the first one whose first line it matches.

    ``where`` names the cell in the error raised when the released source does not parse
    (or ``until`` matches none of its statements).
    """
    source = strip_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise UserError(f"{where}: the released cell does not parse: {error}") from None
    if until is not None:
        lines = source.splitlines()
        stop = next((i for i, statement in enumerate(tree.body)
                     if re.match(until, lines[statement.lineno - 1].strip())), None)
        if stop is None:
            raise UserError(f"{where}: rerun's until = {until!r} matches no statement of "
                            "the released cell")
        tree.body = tree.body[:stop]
    elif not skip_imports:
        return source
    skipped: set[str] = set()
    kept = []
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            modules = ([alias.name for alias in statement.names]
                       if isinstance(statement, ast.Import) else [statement.module or ""])
            if any(name.split(".")[0] in skip_imports for name in modules):
                skipped.update((alias.asname or alias.name).split(".")[0]
                               for alias in statement.names)
                continue
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and _uses(statement, skipped):
            skipped.update(_binds(statement))
            continue
        kept.append(statement)
    tree.body = kept or [ast.Pass()]
    return ast.unparse(ast.fix_missing_locations(tree))


def _uses(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _binds(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


@dataclass
class Rerun:
    """What re-running one cell gave: its stdout, or the error that stopped it."""

    cell: str
    stdout: str = ""
    error: str = ""
    error_type: str = ""
    seconds: float = 0.0


class Runner:
    """Runs released cells in one namespace of the controller (rebuilt after the worker
    restarts), the student's callables relayed to the worker (:mod:`.trusted`).

    Every cell is bounded by ``timeout`` and, together, by ``budget`` seconds. Setup cells
    that time out or crash are not tried again: the cells after them are not re-run.
    """

    def __init__(self, sandbox: Sandbox, setup: list[tuple[str, str]], env: dict[str, str],
                 timeout: float, budget: float) -> None:
        self.sandbox = sandbox
        self.setup = setup
        self.env = env
        self.timeout = timeout
        self.deadline = time.perf_counter() + budget
        self.cell_deadline = self.deadline
        self.cell_allowed = timeout
        self.namespace: dict[str, Any] | None = None
        self.setup_errors: list[str] = []
        self.broken = ""
        self.printed = io.StringIO()
        self.relay = trusted.Relay(sandbox, self._clock, self.printed.write)

    def _clock(self) -> tuple[float, float]:
        now = time.perf_counter()
        return self.cell_deadline - now, self.deadline - now

    def run(self, cell: str, source: str) -> Rerun:
        began = time.perf_counter()
        outcome = Rerun(cell)
        try:
            if self.namespace is None and not self.broken:
                self._fresh()
            if not self.broken:
                outcome.stdout = self._exec(source)
        except _OutOfTime:
            pass
        except StudentException as error:
            outcome.error_type = error.type_name
            outcome.error = f"{error.type_name}: {error.message}"[:600]
        except StudentError as error:
            outcome.error_type = "Stopped"
            outcome.error = str(error)[:600]
            self.namespace = None  # the worker was restarted: its objects are gone
        except trusted.CellTimeUp:
            outcome.error_type, outcome.error = "Stopped", self._timed_out()
        except trusted.BrokenReply as error:
            outcome.error_type, outcome.error = "Stopped", str(error)[:600]
            self.namespace = None
        except Exception as error:  # noqa: BLE001 - the released code stopped on a value
            outcome.error_type = type(error).__name__
            outcome.error = f"{outcome.error_type}: {error}"[:600]
        if self.broken and not outcome.error and not outcome.stdout:
            outcome.error_type, outcome.error = "NotRun", f"not re-run: {self.broken}"
        outcome.seconds = time.perf_counter() - began
        return outcome

    def _exec(self, source: str) -> str:
        """Run ``source`` here; what it printed (and the student's calls printed)."""
        now = time.perf_counter()
        if self.deadline - now < 0.5:
            self.broken = "the time for re-running cells ran out"
            raise _OutOfTime
        self.cell_deadline = min(self.deadline, now + self.timeout)
        self.cell_allowed = self.cell_deadline - now
        self.printed.seek(0)
        self.printed.truncate()
        assert self.namespace is not None
        with warnings.catch_warnings(), contextlib.redirect_stdout(self.printed), \
                contextlib.redirect_stderr(io.StringIO()), \
                trusted.alarm(self.relay, self.cell_deadline - now):
            warnings.simplefilter("ignore")
            try:
                exec(compile(source, "<notebook cell>", "exec"), self.namespace)
            finally:
                text = self.printed.getvalue()
        return text if len(text) <= MAX_PRINTED else (
            text[:MAX_PRINTED] + f"\n[... {len(text) - MAX_PRINTED} more bytes of output not shown]")

    def _timed_out(self) -> str:
        """Why a cell stopped on its time (the whole re-run's, when that is spent too)."""
        if time.perf_counter() >= self.deadline - 0.5:
            self.broken = "the time for re-running cells ran out"
        return f"re-running it timed out after {round(self.cell_allowed, 1):g} s"

    def _fresh(self) -> None:
        """A new namespace, the worker's environment set, the setup cells run."""
        self.namespace = {"__name__": "__main__"}
        if self.env:
            self.sandbox.call("os.environ.update", dict(self.env))
        for cell, source in self.setup:
            try:
                self._exec(source)
            except (StudentException, trusted.BrokenReply) as error:
                self.setup_errors.append(f"the setup cell {cell} raised {_error_name(error)}")
            except (StudentError, trusted.CellTimeUp) as error:
                why = str(error) if isinstance(error, StudentError) else self._timed_out()
                self.setup_errors.append(f"the setup cell {cell}: {why[:300]}")
                self.broken = f"the setup cell {cell} did not finish"
                self.namespace = None
                return
            except Exception as error:  # noqa: BLE001 - the released code stopped on a value
                self.setup_errors.append(f"the setup cell {cell} raised {_error_name(error)}")


def _error_name(error: BaseException) -> str:
    if isinstance(error, StudentException):
        return f"{error.type_name}: {error.message[:300]}"
    return f"{type(error).__name__}: {str(error)[:300]}"


class _OutOfTime(Exception):
    """The re-run budget is spent (not the student's error)."""


def numbers(text: str, ignore: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(token, line)`` for every number printed in ``text``, outside ignored lines."""
    patterns = [re.compile(p) for p in ignore]
    found = []
    for line in text.splitlines():
        if any(p.search(line) for p in patterns):
            continue
        for match in NUMBER.finditer(line):
            found.append((match.group(0), line.strip()))
            if len(found) >= MAX_NUMBERS:
                return found
    return found


def agree(stored: str, now: str, rule: RerunCell) -> bool:
    """Whether two printed numbers agree under ``rule`` (see :class:`RerunCell`)."""
    try:
        a, b = float(stored), float(now)
    except (ValueError, OverflowError):
        return stored == now
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    scale = max(abs(a), abs(b))
    if abs(a - b) <= rule.atol + rule.rtol * scale:
        return True
    low = min(abs(a), abs(b))
    return rule.small > 0 and low < rule.small and a * b > 0 and scale <= 10 * low


def compare(stored: str, now: str, rule: RerunCell, stored_cut: bool = False) -> str | None:
    """``None`` when the numbers printed now agree with the stored ones, else why not.

    Output cut short (the worker keeps ``output_kb`` per call; ``stored_cut`` says the
    stored text was) is compared as far as both go; a number at the cut is left out.
    """
    truncated = bool(_TRUNCATED.search(now))
    now = _TRUNCATED.sub("", now)
    old, new = numbers(stored, rule.ignore), numbers(now, rule.ignore)
    if truncated:
        new = new[:-1]
    if stored_cut:
        old = old[:-1]
    if not old:
        return ("its stored output has no numbers to compare: run it and save the notebook "
                "with its outputs")
    count = min(len(old), len(new))
    for index in range(count):
        if not agree(old[index][0], new[index][0], rule):
            return (f"its stored output does not match what your code prints now: "
                    f"number {index + 1} is {old[index][0]} in the notebook "
                    f"(\"{old[index][1][:120]}\") but {new[index][0]} when re-run "
                    f"(\"{new[index][1][:120]}\")")
    if len(old) != len(new) and not (truncated and len(new) < len(old)) \
            and not (stored_cut and len(old) < len(new)):
        return (f"its stored output shows {len(old)} numbers, but re-running it with your code "
                f"prints {len(new)}")
    return None


@dataclass(frozen=True)
class Stored:
    """A cell's stored outputs: its stdout (``cut`` when capped) and its error outputs."""

    text: str
    errors: list[str]
    cut: bool = False


@dataclass
class Verdicts:
    """Per re-run cell id: ``None`` when consistent, else what is wrong (for the student)."""

    cells: dict[str, str | None]
    setup_errors: list[str]
    notes: list[str]
    seconds: float


def run_and_compare(sandbox: Sandbox, setup: list[tuple[str, str]],
                    cells: list[tuple[RerunCell, str]],
                    stored: dict[str, Stored | None], env: dict[str, str],
                    timeout: float, budget: float, released: Path,
                    submitted: list[str]) -> Verdicts:
    """Re-run ``cells`` (rule, prepared source) after ``setup``; compare with ``stored``
    (None for a cell the submission does not have). ``timeout`` bounds each cell,
    ``budget`` all of them. ``released`` holds the released package; the ``submitted``
    files (paths under it) are the student's, run in the worker."""
    began = time.perf_counter()
    runner = Runner(sandbox, setup, env, timeout, budget)
    with released_package(released, submitted, runner.relay), _environment(env):
        verdicts, notes = _rerun(runner, cells, stored)
    return Verdicts(verdicts, runner.setup_errors, notes, time.perf_counter() - began)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Any:
    """``os.environ`` with ``env`` on top for the length of the block (the cells read it)."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _rerun(runner: Runner, cells: list[tuple[RerunCell, str]],
           stored: dict[str, Stored | None]) -> tuple[dict[str, str | None], list[str]]:
    verdicts: dict[str, str | None] = {}
    notes: list[str] = []
    for rule, source in cells:
        kept = stored.get(rule.cell)
        if kept is None:
            verdicts[rule.cell] = "it is missing from your notebook"
            continue
        try:
            outcome = runner.run(rule.cell, source)
        except SandboxError as error:
            notes.append(f"re-run of {rule.cell} not done: {error}")
            verdicts[rule.cell] = "not re-run: the grader could not start your code"
            continue
        notes.append(f"re-ran {rule.cell} in {outcome.seconds:.2f} s"
                     + (f" ({outcome.error})" if outcome.error else ""))
        if outcome.error_type in ("NotRun", "Stopped"):
            verdicts[rule.cell] = outcome.error
        elif outcome.error:
            same = any(e.split(":", 1)[0] == outcome.error_type for e in kept.errors)
            verdicts[rule.cell] = (
                f"it stops with {outcome.error_type}, in your notebook and when re-run, so "
                "it shows no numbers your code computed" if same else
                f"re-running it with your code raised {outcome.error}")
        else:
            verdicts[rule.cell] = compare(kept.text, outcome.stdout, rule, kept.cut)
    return verdicts, notes
