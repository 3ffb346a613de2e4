"""The grading entry point: submission in, :class:`GradeResult` (and results.json) out.

The controller runs the checks with pytest in this process; student code only ever runs
in the sandbox's worker. ``results.json`` is written last, atomically, and always: when
grading itself fails, a fallback result with score 0 names the error and lists every
check that is known.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

from gradekit.config import Assignment, GradingConfig
from gradekit.errors import UserError
from gradekit.grading.results import CheckResult, GradeResult, write_results
from gradekit.stopping import Stopped, stop_on_signals

_ENGINE_DIR = Path(__file__).resolve().parent.parent


def grade_submission(submission: Path, assignment: Assignment, *,
                     results_path: Path | None = None, seed: int | None = None,
                     public_only: bool = False, own_code: bool = False,
                     on_result: Callable[[CheckResult], None] | None = None,
                     select: Callable[[str], bool] | None = None,
                     notice: str = "", named: Iterable[tuple[str, Path | None]] = ()
                     ) -> GradeResult:
    """Grade ``submission`` (zip, folder, notebook or .py) against ``assignment``.

    ``select`` keeps only the checks whose number it accepts (a part of the assignment).
    Hidden mode runs every check under ``[grading] checks`` (and ``public_checks``);
    ``public_only`` runs the public checks only and needs no reference; ``own_code``
    (``gradekit check``: a student's code on their own machine, public checks only) runs
    the worker as the caller, with no sandbox account. ``on_result`` is
    called with each check's result as soon as it is known; ``notice`` is said to the
    student first (why this grade is what it is). ``extra_data.mode`` records ``hidden``
    or ``public``. ``named`` (what, path) are the other paths the caller names (its
    results, feedback and kept files): in account mode they must be out of the sandbox
    accounts' reach too (see :func:`refuse_unconfined`). SIGTERM, SIGHUP and SIGINT
    stop the grade cleanly: the results known so far are written, every other check is
    listed as not run, and :class:`GradeStopped` is raised.
    """
    from gradekit.grading.garbage import collecting_less_often
    from gradekit.sandbox import phases
    from gradekit.sandbox.allocator import steady_malloc

    started = time.perf_counter()
    steady_malloc()  # the controller times reference code: same allocator as the worker
    seed = secrets.randbits(32) if seed is None else int(seed)
    accounts: set[int] = set()
    try:
        with stop_on_signals(GradeStopped), collecting_less_often(), \
                phases.recording() as profile:
            grading = _grading(assignment)
            named = [("the submission", Path(submission)),
                     ("the results", None if results_path is None else Path(results_path)),
                     *named]
            result = _grade(Path(submission), assignment, grading, seed,
                            public_only or own_code, on_result, accounts, select, own_code,
                            named)
        result.extra["profile"] = profile.as_json()
    except BaseException as error:  # noqa: BLE001 - a valid results.json whatever happens
        result = _fallback(assignment, seed, public_only, error)
        result.execution_time = time.perf_counter() - started
        if results_path is not None:
            discard_planted(results_path, accounts)
            write_results(result, results_path)
        if isinstance(error, (UserError, KeyboardInterrupt)):
            raise
        return result
    result.execution_time = time.perf_counter() - started
    result.extra["mode"] = "public" if public_only or own_code else "hidden"
    if notice:
        result.output = f"{notice}\n{result.output}".strip()
    if results_path is not None:
        discard_planted(results_path, accounts)
        try:
            write_results(result, results_path)
        except (OSError, KeyboardInterrupt):
            raise
        except Exception as error:  # noqa: BLE001 - e.g. a value json cannot encode
            result = _fallback(assignment, seed, public_only, error)
            result.execution_time = time.perf_counter() - started
            write_results(result, results_path)
    return result


GRADER_FAULT = ("the grader could not start the sandbox that runs your code. This is a "
                "problem of the grading machine, not of your code; the course staff have the "
                "details. Please submit again later.")
"""What a student is told when no worker would start (the details go to the staff log)."""


class GradeStopped(Stopped):
    """A signal stopped the grade; ``partial`` holds the checks finished before it."""

    def __init__(self, signum: int, partial: list[CheckResult] | None = None) -> None:
        super().__init__(signum, "grading was stopped")
        self.partial = partial or []


def _grading(assignment: Assignment) -> GradingConfig:
    if assignment.grading is None:
        raise UserError(f"{assignment.path}: missing table [grading]")
    return assignment.grading


def _grade(submission: Path, assignment: Assignment, grading: GradingConfig, seed: int,
           public_only: bool, on_result: Callable[[CheckResult], None] | None,
           accounts: set[int], select: Callable[[str], bool] | None = None,
           own_code: bool = False, named: Iterable[tuple[str, Path | None]] = ()
           ) -> GradeResult:
    # Imported here so that `gradekit --help` and the release commands stay light.
    from gradekit.grading.intake import copy_support, take_in
    from gradekit.sandbox.controller import Sandbox
    from gradekit.sandbox.phases import phase

    deadline = time.monotonic() + grading.time_budget
    paths = _check_paths(grading, public_only)
    limits = grading.sandbox
    if not public_only and grading.reference_root is None:
        raise UserError(f"{assignment.path}: grading.reference_root is needed to run the "
                        "hidden checks (or grade with --public-only)")
    if not public_only:
        refuse_unconfined(grading, assignment.path, named)
    private = Path(tempfile.mkdtemp(prefix="gradekit-run-"))
    sandbox = None
    notebooks: list = []  # type: ignore[type-arg]
    try:
        folder = private / "code"
        folder.mkdir()
        skip = [p for p in (grading.checks, grading.public_checks, grading.reference_root,
                            _ENGINE_DIR) if p is not None]
        with phase("intake"):
            left_out = copy_support(grading.support_root, folder, skip, grading.submit)
            intake = take_in(submission, grading.submit, folder, optional=grading.optional)
        # `gradekit check` runs a student's own code on their own machine: never as a
        # sandbox account (none is created, root or not). Staff grades always use one.
        with phase("sandbox: slot, runtime, spawn"):
            sandbox = Sandbox(folder, limits=limits, deadline=deadline,
                              budget=grading.time_budget, user=not own_code, seed=seed)
            sandbox.start()
        if sandbox.account is not None:
            accounts.add(sandbox.account.pw_uid)
        with phase("pytest: start, collection, teardown"):
            plugin = _run_checks(paths, private, sandbox, seed, set(intake.found), assignment,
                                 public_only, on_result, deadline, select)
        if plugin.stopped is None and select is None:
            notebooks = _score_notebooks(assignment, grading, folder, sandbox, intake.found,
                                         public_only, on_result, deadline)
    finally:
        with phase("sandbox: close, slot cleaning"):
            if sandbox is not None:
                sandbox.close()
            shutil.rmtree(private, ignore_errors=True)
    if plugin.stopped is not None:
        raise GradeStopped(plugin.stopped, plugin.results)
    result = GradeResult(checks=plugin.results, seed=seed, staff_log=plugin.staff_log)
    result.staff_log += [f"support file {path} is over 16 MB and was left out of the sandbox"
                         for path in left_out]
    result.staff_log += [f"the sandbox slot was not left clean: {note}"
                         for note in sandbox.leftovers]
    if intake.missing or intake.rejected or intake.notes or intake.not_handed_in:
        result.output = intake.summary()
    result.extra["files"] = {"found": intake.found, "missing": intake.missing,
                             "not_handed_in": intake.not_handed_in,
                             "rejected": [list(r) for r in intake.rejected]}
    result.extra["calls"] = sandbox.calls
    result.extra["confinement"] = sandbox.mode
    result.extra["confinement_reason"] = sandbox.mode_reason
    result.extra["worker_memory_mb"] = sandbox.limits.memory_mb
    if sandbox.memory_note:
        result.staff_log.append(sandbox.memory_note)
    result.extra["peak_memory_mb"] = {"controller": _own_peak_mb(),
                                      "worker": round(sandbox.peak_rss_kb / 1024, 1)}
    for notebook in notebooks:
        notebook.add_to(result)
    result.staff_log += [f"a worker failed to start and was started again: {why}"
                         for why in sandbox.start_failures]
    if plugin.fatal:
        result.error = plugin.fatal
        if not own_code:  # the grader's machine is at fault: the student is told so,
            # staff get the why (a student's own `check` keeps the advice: it is theirs)
            result.staff_log.append(f"the sandbox could not start: {plugin.fatal}")
            result.error = GRADER_FAULT
    return result


def _own_peak_mb() -> float | None:
    """This process's peak resident size in MB (None where ``resource`` is missing: Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1024), 1)


def no_confinement() -> str:
    """Why hidden grading cannot run on this machine at all ('' when it can)."""
    from gradekit.sandbox.launch import bwrap_problem, confinement

    if confinement() != "none":
        return ""
    return ("the hidden checks need a confined sandbox, and there is none here: "
            f"{bwrap_problem()}. Install bubblewrap (scripts/install-system-packages.sh) "
            "with user namespaces enabled, or grade as root; `gradekit check` runs the "
            "public checks without one.")


def refuse_unconfined(grading: GradingConfig, config: Path | None = None,
                      named: Iterable[tuple[str, Path | None]] = ()) -> None:
    """Refuse hidden grading where student code could reach the checks or the reference.

    In account mode (no bubblewrap) every path the grader names, and the whole tree under
    it, must be out of the sandbox accounts' reach: the checkout of ``config`` (the
    assignment's config: its release folder, its tests), the checks, the reference and
    ``named`` (what it is, its path: the submission, the results, the class output).
    """
    from gradekit.sandbox.exposure import checkout_of, exposed
    from gradekit.sandbox.launch import bwrap_problem, confinement

    problem = no_confinement()
    if problem:
        raise UserError(problem)
    if confinement() != "account":
        return
    paths = [("the assignment's checkout", None if config is None else checkout_of(config)),
             ("the checks", grading.checks), ("the public checks", grading.public_checks),
             ("the reference", grading.reference_root), *named]
    found = exposed([(what, Path(path)) for what, path in paths if path is not None])
    if found is None:
        return
    what, path, readable = found
    folder = path if path.is_dir() else path.parent
    fix = (f"run `chmod 700 {folder}` (or on a folder above it; Gradescope's run_autograder "
           "does)") if folder.exists() else f"make {folder} first with `mkdir -m 700`"
    raise UserError(
        f"the sandbox accounts could read {readable} ({what}: {path}) and bubblewrap does "
        f"not confine the worker ({bwrap_problem() or 'turned off by $GRADEKIT_CONFINEMENT'}): "
        f"{fix}, or install bubblewrap.")


def _score_notebooks(assignment: Assignment, grading: GradingConfig, folder: Path,
                     sandbox: object, found: dict[str, str], public_only: bool,
                     on_result: Callable[[CheckResult], None] | None,
                     deadline: float | None = None) -> list:  # type: ignore[type-arg]
    """The parts of each ``[[grading.notebooks]]`` (hidden mode only), scored after the
    checks with the same sandbox; a notebook reached after ``deadline`` scores 0 with the
    time budget's message (see :func:`score_notebook`)."""
    if public_only:
        return []
    from gradekit.grading.notebook import score_notebook

    return [score_notebook(notebook, assignment.path, folder, sandbox, set(found),
                           grading.submit, on_result, deadline=deadline,
                           budget=grading.time_budget, package_root=grading.support_root,
                           optional=grading.optional)
            for notebook in grading.notebooks]


def _run_checks(paths: list[Path], private: Path, sandbox: object, seed: int, present: set[str],
                assignment: Assignment, public_only: bool,
                on_result: Callable[[CheckResult], None] | None,
                deadline: float,
                select: Callable[[str], bool] | None = None):  # type: ignore[no-untyped-def]
    import pytest

    from gradekit.grading.plugin import GradingPlugin

    grading = _grading(assignment)
    plugin = GradingPlugin(
        sandbox=sandbox, seed=seed, present=present, submit=grading.submit,  # type: ignore[arg-type]
        public_dirs=[grading.public_checks],
        reference_root=None if public_only else grading.reference_root, on_result=on_result,
        deadline=deadline, budget=grading.time_budget, select=select,
        defaults=mark_defaults(assignment), optional=grading.optional)
    ini = private / "pytest.ini"
    ini.write_text("[pytest]\n")
    rootdir = Path(os.path.commonpath([str(p.parent if p.is_file() else p) for p in paths]))
    args = [*(str(p) for p in paths), "-c", str(ini), "--rootdir", str(rootdir),
            "--assert=plain", "--import-mode=importlib", "--capture=sys",
            "--continue-on-collection-errors",
            "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:stepwise",
            "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:doctest",
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    saved_path = list(sys.path)
    try:
        _forget_modules(paths)
        code = pytest.main(args, plugins=[plugin])
    finally:
        _forget_modules(paths)
        sys.path[:] = saved_path
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
    if int(code) in (2, 3, 4) and not plugin.fatal:
        plugin.fatal = f"the checks could not be run (pytest exit code {int(code)})"
    return plugin


def _forget_modules(paths: list[Path]) -> None:
    """Drop check modules (and their helpers) imported from ``paths`` by an earlier grade
    in this process, so each grade imports the check files it is given."""
    folders: set[str] = set()
    for path in paths:
        folder = path.parent if path.is_file() else path
        folders.update(os.path.join(str(f), "") for f in (folder.absolute(), folder.resolve()))
    prefixes = tuple(folders)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(prefixes):
            del sys.modules[name]


def _check_paths(grading: GradingConfig, public_only: bool) -> list[Path]:
    paths = [grading.public_checks] if public_only or grading.checks is None else [grading.checks]
    if not public_only and grading.checks is not None:
        checks = grading.checks.resolve()
        public = grading.public_checks.resolve()
        if checks != public and checks not in public.parents:
            paths.append(grading.public_checks)
    for path in paths:
        if not path.exists():
            raise UserError(f"no checks at {path}")
    return paths


def mark_defaults(assignment: Assignment):  # type: ignore[no-untyped-def]
    """What a ``grade`` mark that leaves something out gets, from ``[grading]``."""
    from gradekit.grading.marks import MarkDefaults

    visibility = assignment.grading.visibility if assignment.grading else {}
    base = MarkDefaults()
    notebooks = None if assignment.release is None else frozenset(
        path.stem for path in assignment.release.notebooks)
    return MarkDefaults(hidden=visibility.get("default", base.hidden),
                        public=visibility.get("public", base.public),
                        notebooks=notebooks)


def known_checks(assignment: Assignment, public_only: bool) -> list[CheckResult]:
    """Every check a grade runs, as the check files declare them (read without importing
    them), scored 0: those of notebooks the release leaves out are not among them."""
    from gradekit.grading.marks import scan_file

    grading = assignment.grading
    if grading is None:
        return []
    try:
        paths = _check_paths(grading, public_only)
    except UserError:
        return []
    public = grading.public_checks.resolve()
    defaults = mark_defaults(assignment)
    found = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("test_*.py"))
        for path in files:
            is_public = public == path.resolve() or public in path.resolve().parents
            found += [info.result() for info in scan_file(path, is_public, defaults)
                      if not info.elsewhere]
    if not public_only:
        from gradekit.grading.notebook import part_results

        for notebook in grading.notebooks:
            found += part_results(notebook)
    return found


def _fallback(assignment: Assignment, seed: int, public_only: bool,
              error: BaseException) -> GradeResult:
    if isinstance(error, UserError):
        message = str(error)
    elif isinstance(error, GradeStopped):
        message = str(error)
    elif isinstance(error, KeyboardInterrupt):
        message = "grading was interrupted"
    else:
        message = f"internal error ({type(error).__name__}); the course staff have been told"
    try:
        checks = known_checks(assignment, public_only)
    except Exception:  # noqa: BLE001 - the fallback must not fail
        checks = []
    finished = {check.number: check for check in getattr(error, "partial", [])}
    for check in checks:
        check.output = (f"not run: {message}" if isinstance(error, KeyboardInterrupt)
                        else "not run: the autograder failed")
    checks = [finished.get(check.number, check) for check in checks]
    log = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if not isinstance(error, (UserError, KeyboardInterrupt)):
        print(f"gradekit: grading failed:\n{log}", file=sys.stderr)
    return GradeResult(checks=checks, seed=seed, error=message, staff_log=[log])


def discard_planted(results_path: Path, accounts: set[int]) -> None:
    """Remove what the sandbox accounts wrote next to results.json (and nothing else).

    A confined worker cannot see the folder at all; an account's files are found by
    their owner, so files other jobs write there meanwhile are never touched.
    """
    folder = Path(results_path).parent
    if not accounts or not folder.is_dir():
        return
    for entry in os.scandir(folder):
        try:
            owner = entry.stat(follow_symlinks=False).st_uid
        except OSError:
            continue
        if owner in accounts:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
