"""What check files use: the ``grade`` mark, fixtures, and helpers that explain failures.

Checks are pytest tests run by the controller (see docs/ARCHITECTURE.md, contract 4)::

    @pytest.mark.grade(number="2.1", points=3, visibility="hidden", files=["pkg/mod.py"])
    def test_forward(student, reference, rng):
        \"\"\"Forward pass matches the reference.\"\"\"
        x = rng.standard_normal((4, 5))
        out = expect_array(student.call("pkg.mod.forward", x).value, shape=(4, 5),
                           dtype=np.float64, name="out")
        expect_close(out, reference.module("pkg.mod").forward(x), name="out")

:class:`GradingPlugin` is the pytest plugin behind the fixtures; the grading entry point
(:mod:`gradekit.grading.grade`) registers it.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from gradekit.grading.results import VISIBILITIES, CheckResult
from gradekit.sandbox.controller import Sandbox, SandboxError, StudentError

INTERNAL = ("internal error in check: the grader itself failed here, not your code "
            "(the course staff can see the details)")


class CheckFailed(AssertionError):
    """A check's verdict: the message is all the student sees."""


# ----------------------------------------------------------------------------- helpers
def describe(value: Any) -> str:
    """A short description of what the student's code returned, for messages."""
    if type(value) is np.ndarray:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    name = getattr(value, "type_name", None)
    if isinstance(name, str):
        return f"a {name} object (not plain data)"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return f"the {type(value).__name__} {value!r}"
    if isinstance(value, str):
        return f"the string {value[:60]!r}"
    return f"a {type(value).__name__}"


def expect_array(value: Any, shape: tuple[int, ...] | None = None, dtype: Any = None,
                 name: str = "the result", finite: bool = True) -> np.ndarray:
    """Return ``value`` if it is exactly a ``numpy.ndarray`` of that shape and dtype.

    Raises :class:`CheckFailed` naming ``name`` otherwise, or when it holds NaN or inf
    (unless ``finite=False``).
    """
    wanted = f" of shape {tuple(shape)}" if shape is not None else ""
    if type(value) is not np.ndarray:
        raise CheckFailed(f"{name} should be a numpy array{wanted}, but your code returned "
                          f"{describe(value)}")
    if shape is not None and value.shape != tuple(shape):
        raise CheckFailed(f"{name} should have shape {tuple(shape)}, but yours has shape "
                          f"{value.shape}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise CheckFailed(f"{name} should have dtype {np.dtype(dtype)}, but yours has dtype "
                          f"{value.dtype}")
    if finite and value.dtype.kind in "fc" and not np.isfinite(value).all():
        bad = ~np.isfinite(value)
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailed(f"{name} contains {int(bad.sum())} NaN or infinite values (the "
                          f"first at index {where}: {value[where]})")
    return value


def expect_scalar(value: Any, name: str = "the result") -> float:
    """Return ``value`` as a float if it is a finite real number (python or numpy)."""
    if isinstance(value, np.ndarray) and type(value) is np.ndarray and value.shape == ():
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{name} should be a number, but your code returned {describe(value)}")
    if not np.isfinite(value):
        raise CheckFailed(f"{name} should be a finite number, but yours is {value}")
    return float(value)


def rel_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """The largest relative error: max abs(x - y) / max(1e-8, abs(x) + abs(y))."""
    return float(np.max(np.abs(actual - expected)
                        / np.maximum(1e-8, np.abs(actual) + np.abs(expected)), initial=0.0))


def expect_close(actual: Any, expected: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-8,
                 name: str = "the result") -> np.ndarray:
    """Check ``actual`` is an array of ``expected``'s shape with values close to it."""
    expected = np.asarray(expected)
    actual = expect_array(actual, shape=expected.shape, name=name)
    error = np.abs(actual - expected)
    excess = error - (atol + rtol * np.abs(expected))
    bad = excess > 0
    if bad.any():
        where = np.unravel_index(int(np.argmax(excess)), expected.shape)
        index = tuple(int(i) for i in where)
        raise CheckFailed(
            f"{name} differs from the expected values at {int(bad.sum())} of {bad.size} "
            f"positions; the largest difference is at index {index}: yours "
            f"{actual[where]:.6g}, expected {expected[where]:.6g} "
            f"(relative error {rel_error(actual, expected):.2e})")
    return actual


# ----------------------------------------------------------------------------- fixtures' objects
@dataclass
class Credit:
    """Partial credit: the check scores ``points * min(1, sum of fractions)``."""

    fractions: list[float] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def earn(self, fraction: float, message: str = "") -> None:
        if not 0 <= float(fraction) <= 1:
            raise ValueError(f"credit fraction must be within [0, 1], got {fraction}")
        self.fractions.append(float(fraction))
        if message:
            self.messages.append(message)

    @property
    def used(self) -> bool:
        return bool(self.fractions)

    @property
    def total(self) -> float:
        return min(1.0, sum(self.fractions))


class Reference:
    """The reference solution, imported in the controller from ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._on_path = False

    def module(self, name: str) -> Any:
        """Import ``name`` (``"pkg.mod"``) from the reference root."""
        if not self._on_path:
            sys.path.insert(0, str(self.root))
            self._on_path = True
        module = importlib.import_module(name)
        origin = Path(getattr(module, "__file__", "") or "").resolve()
        if self.root not in origin.parents:
            raise RuntimeError(f"{name} was imported from {origin}, not from {self.root}")
        return module

    def close(self) -> None:
        """Forget the reference modules (so another grade can load another root)."""
        if self._on_path:
            sys.path.remove(str(self.root))
            self._on_path = False
        prefix = os.path.join(str(self.root), "")
        for key, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and path.startswith(prefix):
                del sys.modules[key]


# ----------------------------------------------------------------------------- marks
@dataclass(frozen=True)
class CheckInfo:
    number: str
    name: str
    points: float
    visibility: str
    files: tuple[str, ...]

    def result(self, **changes: Any) -> CheckResult:
        return CheckResult(number=self.number, name=self.name, max_score=self.points,
                           visibility=self.visibility, **changes)


def read_mark(kwargs: dict[str, Any], docstring: str | None, function: str,
              public: bool) -> CheckInfo:
    """Validate a ``grade`` mark's arguments; raise ValueError naming the problem."""
    unknown = set(kwargs) - {"number", "points", "visibility", "files"}
    if unknown:
        raise ValueError(f"unknown grade mark arguments {sorted(unknown)}")
    number = kwargs.get("number")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        number = str(number)
    if not isinstance(number, str) or not number:
        raise ValueError("grade mark needs number=\"1.2\"")
    points = kwargs.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise ValueError("grade mark needs points= (a number >= 0)")
    visibility = kwargs.get("visibility", "visible" if public else "hidden")
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    files = kwargs.get("files", [])
    if isinstance(files, str) or not all(isinstance(f, str) for f in files):
        raise ValueError("files= must be a list of paths")
    name = (docstring or "").strip().splitlines()[0].strip() if (docstring or "").strip() \
        else function
    return CheckInfo(number, name, float(points), visibility, tuple(files))


def scan_file(path: Path, public: bool = False) -> list[CheckInfo]:
    """The checks a file declares, read without importing it (for files that fail)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "grade"):
                kwargs = {}
                for keyword in decorator.keywords:
                    try:
                        kwargs[keyword.arg] = ast.literal_eval(keyword.value)
                    except (ValueError, TypeError, SyntaxError):
                        pass  # e.g. files=SOME_CONSTANT: not needed to list the check
                try:
                    found.append(read_mark(kwargs, ast.get_docstring(node), node.name, public))
                except ValueError:
                    pass
    return found


# ----------------------------------------------------------------------------- the plugin
class GradingPlugin:
    """The pytest plugin: marks, fixtures, and one :class:`CheckResult` per check."""

    def __init__(self, *, sandbox: Sandbox | None, seed: int, present: set[str],
                 submit: tuple[str, ...], public_dirs: list[Path],
                 reference_root: Path | None,
                 on_result: Callable[[CheckResult], None] | None = None) -> None:
        self.sandbox = sandbox
        self.seed = seed
        self.present = present
        self.submit = submit
        self.public_dirs = [Path(p).resolve() for p in public_dirs]
        self.reference_root = reference_root
        self.on_result = on_result
        self.results: list[CheckResult] = []
        self.staff_log: list[str] = []
        self.fatal: str | None = None
        self._info: dict[str, CheckInfo] = {}
        self._errors: dict[str, BaseException] = {}
        self._credits: dict[str, Credit] = {}
        self._reference: Reference | None = None
        self._done: set[str] = set()
        self._rootpath = Path.cwd()

    # -- configuration and collection
    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "grade(number, points, visibility, files): a graded check")
        self._rootpath = Path(config.rootpath)

    def _is_public(self, path: Path) -> bool:
        path = Path(path).resolve()
        return any(folder == path or folder in path.parents for folder in self.public_dirs)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not report.failed:
            return
        path = self._rootpath / report.nodeid.split("::")[0]
        self.staff_log.append(f"{path}: could not be collected:\n{report.longreprtext}")
        infos = scan_file(path, self._is_public(path)) if path.is_file() else []
        if not infos:
            infos = [CheckInfo(path.name, f"checks in {path.name}", 0.0, "visible", ())]
        for info in infos:
            self._record(info.result(output=INTERNAL))

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        keep = []
        for item in items:
            marks = list(item.iter_markers("grade"))
            function = getattr(item, "function", None)
            if not marks:
                self.staff_log.append(f"{item.nodeid}: no grade mark; not run")
                continue
            public = self._is_public(item.path)
            try:
                if len(marks) > 1:
                    raise ValueError("more than one grade mark")
                info = read_mark(dict(marks[0].kwargs), getattr(function, "__doc__", None),
                                 item.name, public)
            except ValueError as error:
                self.staff_log.append(f"{item.path}:{item.location[1] + 1}: {error}")
                self._record(CheckInfo(item.nodeid, item.name, 0.0, "visible", ()).result(
                    output=INTERNAL))
                continue
            if public and "reference" in getattr(item, "fixturenames", ()):
                self.staff_log.append(f"{item.nodeid}: a public check may not use `reference`")
                self._record(info.result(output=INTERNAL))
                continue
            self._info[item.nodeid] = info
            keep.append(item)
        items[:] = keep

    # -- running
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Score a check without running it when the grade failed or a file is missing.

        Skipping here (before any fixture), as pytest's own skip marks do, keeps the
        fixture stack consistent for the checks that follow.
        """
        info = self._info[item.nodeid]
        if self.fatal:
            self._settled(item, info.result(output="not run: the grader failed"))
        missing = [f for f in info.files if f in self.submit and f not in self.present]
        unknown = [f for f in info.files if f not in self.submit]
        if unknown:
            self.staff_log.append(f"{item.nodeid}: files {unknown} are not in [grading] submit")
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            self._settled(item, info.result(
                output=f"needs {', '.join(missing)}, which {verb} not in your submission"))

    def _settled(self, item: pytest.Item, result: CheckResult) -> None:
        self._record(result)
        self._done.add(item.nodeid)
        pytest.skip(result.output)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if call.excinfo is not None and item.nodeid not in self._errors \
                and item.nodeid not in self._done:
            self._errors[item.nodeid] = call.excinfo.value
            if call.when == "teardown" and not isinstance(call.excinfo.value, StudentError):
                self.staff_log.append(f"{item.nodeid} teardown:\n{call.excinfo.getrepr()}")
            elif not isinstance(call.excinfo.value, (AssertionError, StudentError)):
                self.staff_log.append(f"{item.nodeid}:\n{call.excinfo.getrepr(style='short')}")
        return report

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        info = self._info.get(nodeid)
        if info is None or nodeid in self._done:
            self._errors.pop(nodeid, None)
            return
        error = self._errors.pop(nodeid, None)
        credit = self._credits.pop(nodeid, None)
        message = self._explain(error) if error is not None else ""
        if credit is not None and credit.used:
            score = info.points * credit.total
            message = "\n".join([*credit.messages, message]).strip()
        else:
            score = info.points if error is None else 0.0
        passed = error is None and score >= info.points - 1e-9
        self._record(info.result(score=score, passed=passed, output=message))

    def _explain(self, error: BaseException) -> str:
        if isinstance(error, SandboxError):
            self.fatal = self.fatal or str(error)
            return "not run: the grader could not start your code"
        if isinstance(error, StudentError):
            return str(error)
        if isinstance(error, AssertionError):
            return str(error) or "the check failed"
        if isinstance(error, pytest.fail.Exception):
            return str(error.msg) if getattr(error, "msg", None) else "the check failed"
        return INTERNAL

    def _record(self, result: CheckResult) -> None:
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    # -- fixtures
    @pytest.fixture(scope="session")
    def student(self) -> Sandbox:
        """The sandbox running the student's code."""
        if self.sandbox is None:
            raise SandboxError("no sandbox in this session")
        self.sandbox.wait_ready()
        return self.sandbox

    @pytest.fixture(scope="session")
    def reference(self) -> Any:
        """The reference modules: ``reference.module("pkg.mod")``."""
        if self.reference_root is None:
            raise RuntimeError("no reference_root: hidden checks cannot run here")
        self._reference = Reference(self.reference_root)
        yield self._reference
        self._reference.close()

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """A generator seeded from the grade's seed and the check's identity."""
        info = self._info.get(request.node.nodeid)
        key = f"{info.number if info else ''}:{request.node.name}"
        return np.random.default_rng([self.seed, zlib.crc32(key.encode())])

    @pytest.fixture
    def credit(self, request: pytest.FixtureRequest) -> Credit:
        """Partial credit for this check."""
        credit = Credit()
        self._credits[request.node.nodeid] = credit
        return credit


def format_exception(error: BaseException) -> str:
    """A traceback for the staff log."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))
