"""The pytest plugin the controller runs the checks with: marks, fixtures, results.

It collects only marked checks (:mod:`gradekit.grading.marks`), settles without running
those that cannot run (a file missing, the grader failed, the time budget spent), turns
each check's outcome and partial credit into one :class:`CheckResult`, and provides the
``student``, ``reference``, ``rng``, ``credit`` and ``scoring`` fixtures.
"""

from __future__ import annotations

import signal
import time
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from gradekit.grading.checks import INTERNAL
from gradekit.grading.fixtures import Credit, Reference, Scoring
from gradekit.grading.intake import needs
from gradekit.grading.marks import (CheckInfo, MarkDefaults, read_mark, scan_file,
                                    unreleased_only)
from gradekit.grading.results import CheckResult
from gradekit.sandbox.controller import Sandbox, SandboxError, StudentError
from gradekit.sandbox.phases import item as item_time, phase

CHECKS_PHASE = "checks: controller (reference computations, comparisons)"
CALLS_PHASE = "checks: student calls"
"""The profile phases (:mod:`gradekit.sandbox.phases`) of a check's own work and of its
sandbox calls."""


class GradingPlugin:
    """The pytest plugin: marks, fixtures, and one :class:`CheckResult` per check."""

    def __init__(self, *, sandbox: Sandbox | None, seed: int, present: set[str],
                 submit: tuple[str, ...], public_dirs: list[Path],
                 reference_root: Path | None,
                 on_result: Callable[[CheckResult], None] | None = None,
                 deadline: float | None = None, budget: float | None = None,
                 select: Callable[[str], bool] | None = None,
                 defaults: MarkDefaults = MarkDefaults(),
                 optional: tuple[str, ...] = ()) -> None:
        self.sandbox = sandbox
        self.defaults = defaults
        self.seed = seed
        self.present = present
        self.submit = submit
        self.optional = optional
        """The files of ``submit`` a student may leave out ([grading] optional)."""
        self.public_dirs = [Path(p).resolve() for p in public_dirs]
        self.reference_root = reference_root
        self.on_result = on_result
        self.deadline = deadline
        self.budget = budget
        self.select = select
        """Which check numbers to run (None: all); the others are left out unscored."""
        self.stopped: int | None = None
        """The signal that interrupted the run, if one did."""
        self.results: list[CheckResult] = []
        self.staff_log: list[str] = []
        self.fatal: str | None = None
        self._info: dict[str, CheckInfo] = {}
        self._points: dict[str, float] = {}
        """Every collected check's points by number, the unselected ones too (scoring)."""
        self._errors: dict[str, BaseException] = {}
        self._credits: dict[str, Credit] = {}
        self._reference: Reference | None = None
        self._done: set[str] = set()
        self._unreleased: dict[str, list[str]] = {}
        """Check numbers by the notebook, left out of this release, they belong to."""
        self._rootpath = Path.cwd()

    # -- configuration and collection
    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "grade(number, points, visibility, files, assignment): a graded check")
        self._rootpath = Path(config.rootpath)
        # Nobody reads pytest's own failure report (a check's message is built from the
        # exception), and its default long form costs ~15 ms a failure (source, argument
        # reprs); the plain Python traceback is cheap and is what the staff log shows.
        config.option.tbstyle = "native"

    def _is_public(self, path: Path) -> bool:
        path = Path(path).resolve()
        return any(folder == path or folder in path.parents for folder in self.public_dirs)

    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        """Leave out, without importing it, a check file whose every check belongs to a
        notebook the release leaves out (they would score nothing)."""
        if self.defaults.notebooks is None or collection_path.suffix != ".py" \
                or not collection_path.name.startswith("test_"):
            return None
        found = unreleased_only(collection_path, self._is_public(collection_path),
                                self.defaults)
        if found is None:
            return None
        for info in found:
            self._leave_out(info)
        return True

    def _leave_out(self, info: CheckInfo) -> None:
        """Not run: a check of a notebook this release leaves out (the staff log says so)."""
        self._unreleased.setdefault(info.elsewhere or "", []).append(info.number)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not report.failed:
            return
        path = self._rootpath / report.nodeid.split("::")[0]
        self.staff_log.append(f"{path}: could not be collected:\n{report.longreprtext}")
        infos = (scan_file(path, self._is_public(path), self.defaults) if path.is_file()
                 else [])
        if not infos:
            infos = [CheckInfo(path.name, f"checks in {path.name}", 0.0, "visible", ())]
        for info in infos:
            if info.elsewhere:
                self._leave_out(info)
            else:
                self._record(info.result(output=INTERNAL))

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        keep: list[pytest.Item] = []
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
                                 item.name, public, self.defaults)
            except ValueError as error:
                self.staff_log.append(f"{item.path}:{item.location[1] + 1}: {error}")
                self._record(CheckInfo(item.nodeid, item.name, 0.0, "visible", ()).result(
                    output=INTERNAL))
                continue
            if public and "reference" in getattr(item, "fixturenames", ()):
                self.staff_log.append(f"{item.nodeid}: a public check may not use `reference`")
                self._record(info.result(output=INTERNAL))
                continue
            self._points[info.number] = max(info.points, self._points.get(info.number, 0.0))
            if info.elsewhere:  # scores nothing in this release: not worth its time
                self._leave_out(info)
                continue
            if self.select is not None and not self.select(info.number):
                continue
            self._info[item.nodeid] = info
            keep.append(item)
        items[:] = keep
        for notebook, numbers in sorted(self._unreleased.items()):
            numbers.sort(key=lambda n: [int(p) if p.isdigit() else 0 for p in n.split(".")])
            self.staff_log.append(f"not run: checks {', '.join(numbers)} of the {notebook} "
                                  "notebook, which this release does not include")

    # -- running
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        """Profile a check apart from pytest's own start and collection."""
        info = self._info.get(item.nodeid)
        with item_time(info.number if info else item.nodeid), \
                phase(CHECKS_PHASE, calls=CALLS_PHASE):
            return (yield)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Score a check without running it when the grade failed or a file is missing.

        Skipping here (before any fixture), as pytest's own skip marks do, keeps the
        fixture stack consistent for the checks that follow.
        """
        info = self._info[item.nodeid]
        if self.fatal:
            self._settled(item, info.result(output="not run: the grader failed"))
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self._settled(item, info.result(
                output=f"not run: the grade's time budget of {self.budget or 0:g} s ran out "
                       "before this check (your code is slow overall)"))
        missing = [f for f in info.files if f in self.submit and f not in self.present]
        unknown = [f for f in info.files if f not in self.submit]
        if unknown:
            self.staff_log.append(f"{item.nodeid}: files {unknown} are not in [grading] submit")
        if missing:
            self._settled(item, info.result(output=needs(missing, self.optional)))

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

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """A signal (SIGTERM, SIGHUP as GradeStopped; SIGINT) ended the run early."""
        self.stopped = getattr(excinfo.value, "signum", signal.SIGINT)

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

    @pytest.fixture(scope="session")
    def scoring(self) -> Scoring:
        """Which checks this grade scores (:class:`Scoring`)."""
        return Scoring(self._points)

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
