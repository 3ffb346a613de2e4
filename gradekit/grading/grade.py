"""The grading entry point: submission in, :class:`GradeResult` (and results.json) out.

The controller runs the checks with pytest in this process; student code only ever runs
in the sandbox's worker. ``results.json`` is written last, atomically, and always: when
grading itself fails, a fallback result with score 0 names the error and lists every
check that is known.
"""

from __future__ import annotations

import os
import resource
import secrets
import shutil
import stat
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

from gradekit.config import Assignment, GradingConfig
from gradekit.errors import UserError
from gradekit.grading.results import CheckResult, GradeResult, write_results

_ENGINE_DIR = Path(__file__).resolve().parent.parent


def grade_submission(submission: Path, assignment: Assignment, *,
                     results_path: Path | None = None, seed: int | None = None,
                     public_only: bool = False,
                     on_result: Callable[[CheckResult], None] | None = None) -> GradeResult:
    """Grade ``submission`` (zip, folder, notebook or .py) against ``assignment``.

    Hidden mode runs every check under ``[grading] checks`` (and ``public_checks``);
    ``public_only`` runs the public checks only and needs no reference. ``on_result`` is
    called with each check's result as soon as it is known.
    """
    from gradekit.sandbox.allocator import steady_malloc

    started = time.perf_counter()
    steady_malloc()  # the controller times reference code: same allocator as the worker
    seed = secrets.randbits(32) if seed is None else int(seed)
    before = _listing(results_path)
    try:
        grading = _grading(assignment)
        result = _grade(Path(submission), assignment, grading, seed, public_only, on_result)
    except BaseException as error:  # noqa: BLE001 - a valid results.json whatever happens
        result = _fallback(assignment, seed, public_only, error)
        result.execution_time = time.perf_counter() - started
        if results_path is not None:
            _discard_planted(results_path, before)
            write_results(result, results_path)
        if isinstance(error, (UserError, KeyboardInterrupt)):
            raise
        return result
    result.execution_time = time.perf_counter() - started
    if results_path is not None:
        _discard_planted(results_path, before)
        write_results(result, results_path)
    return result


def _grading(assignment: Assignment) -> GradingConfig:
    if assignment.grading is None:
        raise UserError(f"{assignment.path}: missing table [grading]")
    return assignment.grading


def _grade(submission: Path, assignment: Assignment, grading: GradingConfig, seed: int,
           public_only: bool, on_result: Callable[[CheckResult], None] | None) -> GradeResult:
    # Imported here so that `gradekit --help` and the release commands stay light.
    from gradekit.grading.intake import copy_support, take_in
    from gradekit.sandbox.controller import Limits, Sandbox

    paths = _check_paths(grading, public_only)
    limits = Limits.from_table(_sandbox_table(assignment), f"{assignment.path}: grading.sandbox")
    if not public_only and grading.reference_root is None:
        raise UserError(f"{assignment.path}: grading.reference_root is needed to run the "
                        "hidden checks (or grade with --public-only)")
    private = Path(tempfile.mkdtemp(prefix="gradekit-run-"))
    shared = Path(tempfile.mkdtemp(prefix="gradekit-sandbox-"))
    sandbox = None
    notebook = None
    try:
        folder = shared / "code"
        folder.mkdir()
        skip = [p for p in (grading.checks, grading.public_checks, grading.reference_root,
                            _ENGINE_DIR) if p is not None]
        left_out = copy_support(grading.support_root, folder, skip, grading.submit)
        intake = take_in(submission, grading.submit, folder)
        _open_to_all(shared)
        sandbox = Sandbox(folder, limits=limits)
        sandbox.start()
        plugin = _run_checks(paths, private, sandbox, seed, set(intake.found), grading,
                             public_only, on_result)
        notebook = _score_notebook(assignment, grading, folder, sandbox, intake.found,
                                   public_only, on_result)
    finally:
        if sandbox is not None:
            sandbox.close()
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(shared, ignore_errors=True)
    result = GradeResult(checks=plugin.results, seed=seed, staff_log=plugin.staff_log)
    result.staff_log += [f"support file {path} is over 16 MB and was left out of the sandbox"
                         for path in left_out]
    if sandbox.account is not None:
        result.staff_log += [f"warning: the sandbox user can read {path}; lock it away "
                             "(chmod 700, as setup.sh does) when grading real submissions"
                             for path in (grading.checks, grading.reference_root)
                             if path is not None and _world_readable(path)]
    if intake.missing or intake.rejected or intake.notes:
        result.output = intake.summary()
    result.extra["files"] = {"found": intake.found, "missing": intake.missing,
                             "rejected": [list(r) for r in intake.rejected]}
    result.extra["calls"] = sandbox.calls
    result.extra["peak_memory_mb"] = {
        "controller": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker": round(sandbox.peak_rss_kb / 1024, 1)}
    if notebook is not None:
        notebook.add_to(result)
    if plugin.fatal:
        result.error = plugin.fatal
    return result


def _score_notebook(assignment: Assignment, grading: GradingConfig, folder: Path,
                    sandbox: object, found: dict[str, str], public_only: bool,
                    on_result: Callable[[CheckResult], None] | None):  # type: ignore[no-untyped-def]
    """The notebook parts of ``[grading.notebook]`` (hidden mode only), scored after the
    checks with the same sandbox; None when there is nothing to score."""
    if public_only or grading.notebook is None:
        return None
    from gradekit.grading.notebook import score_notebook

    return score_notebook(grading.notebook, assignment.path, folder, sandbox, set(found),
                          grading.submit, on_result)


def _run_checks(paths: list[Path], private: Path, sandbox: object, seed: int, present: set[str],
                grading: GradingConfig, public_only: bool,
                on_result: Callable[[CheckResult], None] | None):  # type: ignore[no-untyped-def]
    import pytest

    from gradekit.grading.checks import GradingPlugin

    plugin = GradingPlugin(
        sandbox=sandbox, seed=seed, present=present, submit=grading.submit,  # type: ignore[arg-type]
        public_dirs=[grading.public_checks],
        reference_root=None if public_only else grading.reference_root, on_result=on_result)
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


def _sandbox_table(assignment: Assignment) -> dict:  # type: ignore[type-arg]
    table = assignment.raw.get("grading", {}).get("sandbox", {})
    if not isinstance(table, dict):
        raise UserError(f"{assignment.path}: grading.sandbox must be a table")
    return table


def _world_readable(path: Path) -> bool:
    """True when any user can reach and read ``path`` (by its 'other' permission bits)."""
    path = path.resolve()
    try:
        if not path.stat().st_mode & stat.S_IROTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)
    except OSError:
        return False


def _open_to_all(root: Path) -> None:
    """Make the sandbox folder readable (not writable) by the sandbox user."""
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def known_checks(assignment: Assignment, public_only: bool) -> list[CheckResult]:
    """Every check the check files declare (read without importing them), scored 0."""
    from gradekit.grading.checks import scan_file

    grading = assignment.grading
    if grading is None:
        return []
    try:
        paths = _check_paths(grading, public_only)
    except UserError:
        return []
    public = grading.public_checks.resolve()
    found = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("test_*.py"))
        for path in files:
            is_public = public == path.resolve() or public in path.resolve().parents
            found += [info.result() for info in scan_file(path, is_public)]
    if grading.notebook is not None and not public_only:
        from gradekit.grading.notebook import part_results

        found += part_results(grading.notebook)
    return found


def _fallback(assignment: Assignment, seed: int, public_only: bool,
              error: BaseException) -> GradeResult:
    if isinstance(error, UserError):
        message = str(error)
    elif isinstance(error, KeyboardInterrupt):
        message = "grading was interrupted"
    else:
        message = f"internal error ({type(error).__name__}); the course staff have been told"
    try:
        checks = known_checks(assignment, public_only)
    except Exception:  # noqa: BLE001 - the fallback must not fail
        checks = []
    for check in checks:
        check.output = "not run: the autograder failed"
    log = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if not isinstance(error, (UserError, KeyboardInterrupt)):
        print(f"gradekit: grading failed:\n{log}", file=sys.stderr)
    return GradeResult(checks=checks, seed=seed, error=message, staff_log=[log])


def _listing(results_path: Path | None) -> set[str] | None:
    if results_path is None:
        return None
    try:
        return set(os.listdir(Path(results_path).parent))
    except OSError:
        return None


def _discard_planted(results_path: Path, before: set[str] | None) -> None:
    """Remove whatever appeared next to results.json while grading (student code's doing)."""
    if before is None:
        return
    folder = Path(results_path).parent
    for name in set(os.listdir(folder)) - before - {Path(results_path).name}:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
