"""Grade a whole class: every submission with the engine of ``gradekit grade``, into OUT.

For each submission that is new or changed (:mod:`gradekit.classwork.manifest`), an
executor grades it into a staging folder ``OUT/.work/<key>/`` (``results.json``,
``feedback.txt``, ``submission/``); the runner then moves that folder to ``OUT/<key>/``
and records it in ``OUT/manifest.json``, one submission at a time. Executors:

- ``local`` (:mod:`gradekit.classwork.pool`): long-lived controller processes here,
  ``jobs`` at once, each grade in a sandbox slot of its own;
- ``dask`` (:mod:`gradekit.classwork.cluster`): the same grade as a task on a Dask
  cluster's Dask workers, each host with its own slots; results come back as data.

A submission whose controller dies or overruns the time budget gets an error result (a
valid ``results.json`` saying so) and never touches the others. SIGTERM, SIGINT and
SIGHUP stop the run: running grades are stopped, finished ones stay installed and
recorded, and :class:`ClassGradeStopped` is raised; the next run resumes. At the end
:func:`gradekit.classwork.build.build_reports` writes the exports and ``report.html``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from gradekit.classwork.inbox import Inbox, Submission, read_inbox
from gradekit.classwork.manifest import ERROR, GRADED, Manifest, grading_digest
from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.grading.outputs import FEEDBACK_NAME, RESULTS_NAME
from gradekit.grading.results import GradeResult
from gradekit.stopping import Stopped, on_signals

WORK_DIR = ".work"
LOG_DIR = ".logs"
WATCHDOG_MARGIN = 60.0
"""Seconds past the assignment's whole-grade budget before a controller is killed."""


@dataclass
class Options:
    """How to grade the class (the command's flags)."""

    jobs: int = 0
    """Controllers at once (0: one per CPU)."""
    seed: int | None = None
    public_only: bool = False
    retry_errors: bool = False
    executor: str = "local"
    scheduler: str | None = None
    dask_tls: Path | None = None
    """The cluster's TLS credentials (a folder of :mod:`gradekit.classwork.dasktls`)."""
    worker_assignment: str | None = None
    """Where the assignment is on the cluster's Dask workers (default: the same path)."""
    watchdog: float | None = None
    """Seconds one grade may take before its controller is killed (default: the
    assignment's time budget plus :data:`WATCHDOG_MARGIN`)."""
    recycle: int = 250
    build_reports: bool = True
    archive: Path | None = None
    """Earlier hand-ins (one folder each) the similarity compares the class with."""


@dataclass
class Progress:
    """Where a class grade is, for progress bars and logs."""

    total: int = 0
    """Submissions to grade in this run."""
    up_to_date: int = 0
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    last: dict[str, Any] = field(default_factory=dict)
    """The latest finished submission: key, status, score, max_score, seconds, error."""
    fresh: bool = False
    """True when ``last`` has just finished; False on a redraw once a second."""

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.failed

    @property
    def rate(self) -> float:
        """Submissions finished per second in this run."""
        elapsed = time.monotonic() - self.started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return self.remaining / rate if rate > 0 else None


@dataclass
class Summary:
    """What a class grade did."""

    progress: Progress
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The manifest entries of the submissions graded in this run."""
    seconds: float = 0.0


class ClassGradeStopped(Stopped):
    """A signal stopped the class grade; what finished is installed and recorded."""

    def __init__(self, signum: int, summary: Summary) -> None:
        super().__init__(signum, "the class grade was stopped")
        self.summary = summary


def grade_class(submissions: Path, out_dir: Path, assignment: Assignment, options: Options,
                on_progress: Callable[[Progress], None] | None = None) -> Summary:
    """Grade every new or changed submission of ``submissions`` into ``out_dir``."""
    started = time.monotonic()
    grading = _preflight(assignment, options)
    out_dir = Path(out_dir).resolve()
    inbox = read_inbox(Path(submissions))
    private_folder(out_dir)
    if options.executor == "local" and not options.public_only:
        from gradekit.grading.grade import refuse_unconfined

        refuse_unconfined(grading, Path(assignment.path), [
            ("the submissions", Path(submissions)), ("the class output", out_dir)])
    manifest = Manifest(out_dir)
    settings = {"seed": options.seed, "public_only": options.public_only}
    digest = grading_digest(assignment, settings,
                            leave_out=(out_dir, Path(submissions).resolve()))
    work = out_dir / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)  # stages of a run that was killed
    todo = [s for s in inbox.submissions
            if not manifest.up_to_date(s.key, s.digest, digest, options.retry_errors, out_dir)]
    progress = Progress(total=len(todo), up_to_date=len(inbox.submissions) - len(todo))
    summary = Summary(progress, warnings=manifest.warnings + inbox.warnings)
    gone = sorted(set(manifest.submissions) - {s.key for s in inbox.submissions})
    summary.warnings += [f"{key}: no longer among the submissions; its results are kept"
                         for key in gone if (out_dir / key / RESULTS_NAME).is_file()]
    run = manifest.start_run(executor=options.executor, jobs=slot_count(options),
                             to_grade=len(todo), up_to_date=progress.up_to_date)
    by_key = {s.key: s for s in todo}

    def finished(task: Any, answer: dict[str, Any]) -> None:
        submission = by_key[task.key]
        stage = Path(task.stage)
        record = _settle(assignment, options, submission, stage, answer)
        if record is None:
            return
        _install(stage, out_dir / submission.key, work)
        entry = manifest.record(submission.key, digest=submission.digest, grading=digest,
                                **record)
        summary.records[submission.key] = entry
        if record["status"] == GRADED:
            progress.done += 1
        else:
            progress.failed += 1
        progress.last, progress.fresh = {"key": submission.key, **record}, True
        if on_progress is not None:
            on_progress(progress)
            progress.fresh = False

    if on_progress is not None:
        on_progress(progress)
    tasks = [_task(s, work, options) for s in todo]
    ticked = [time.monotonic()]

    def poll() -> bool:
        """Asked between steps of the executor's loop: stop now? (and a redraw a second)"""
        if on_progress is not None and time.monotonic() - ticked[0] >= 1.0:
            ticked[0] = time.monotonic()
            on_progress(progress)
        return stopped[0] is not None

    with _stop_signals() as stopped:
        completed = True
        if tasks:
            executor = _executor(assignment, options, grading, out_dir)
            completed = executor.run(tasks, finished, poll)
    run.update(finished=_now(), graded=progress.done, errors=progress.failed,
               stopped=None if completed else signal.Signals(stopped[0] or 15).name)
    manifest.save()
    shutil.rmtree(work, ignore_errors=True)
    summary.seconds = time.monotonic() - started
    if not completed:
        raise ClassGradeStopped(stopped[0] or signal.SIGTERM, summary)
    if options.build_reports and inbox.submissions:
        summary.written, notes = _reports(out_dir, inbox, assignment, options.archive)
        summary.warnings += notes
    summary.seconds = time.monotonic() - started
    return summary


def _preflight(assignment: Assignment, options: Options) -> Any:
    """Refuse, before any work, what would fail every grade the same way."""
    from gradekit.grading.grade import refuse_unconfined

    grading = assignment.grading
    if grading is None:
        raise UserError(f"{assignment.path}: missing table [grading]")
    if not options.public_only:
        if grading.reference_root is None:
            raise UserError(f"{assignment.path}: grading.reference_root is needed to run the "
                            "hidden checks (or grade with --public-only)")
        if options.executor == "local":
            refuse_unconfined(grading)
    if options.executor not in ("local", "dask"):
        raise UserError(f"unknown executor {options.executor!r} (local or dask)")
    if options.executor == "dask" and options.scheduler is not None:
        try:
            from gradekit.classwork.cluster import authenticated

            authenticated(options.scheduler, options.dask_tls)  # before any work
        except ImportError:
            pass  # the executor says how to install the dask extra
    return grading


def _task(submission: Submission, work: Path, options: Options) -> Any:
    from gradekit.classwork.pool import Task

    return Task(key=submission.key, path=str(submission.path), member=submission.member,
                stage=str(work / submission.key), seed=options.seed,
                public_only=options.public_only)


def _executor(assignment: Assignment, options: Options, grading: Any, out_dir: Path) -> Any:
    watchdog = options.watchdog or grading.time_budget + WATCHDOG_MARGIN
    if options.executor == "dask":
        from gradekit.classwork.cluster import DaskExecutor

        return DaskExecutor(options.scheduler, Path(assignment.path).resolve(),
                            worker_assignment=options.worker_assignment, timeout=watchdog,
                            credentials=options.dask_tls)
    from gradekit.classwork.pool import SlotPool
    from gradekit.sandbox import accounts, slots

    jobs = slot_count(options)
    limit = accounts.slot_count_limit()
    if limit is not None and limit < jobs:
        raise UserError(f"--jobs {jobs} needs {jobs} sandbox accounts; "
                        f"${accounts.USERS_ENV} names {limit}")
    env = {}
    if slots.max_slots() < jobs:
        env[slots.SLOTS_ENV] = str(jobs)
    return SlotPool(Path(assignment.path), jobs, out_dir / LOG_DIR, watchdog,
                    recycle=options.recycle, env=env)


def slot_count(options: Options) -> int:
    """``--jobs``, else one slot more than the CPUs (a grade waits on its worker part of
    the time: a hanging call, the worker's start), at most as many as the sandbox accounts
    named in ``$GRADEKIT_SANDBOX_USERS``."""
    if options.jobs:
        return options.jobs
    from gradekit.sandbox import accounts

    jobs, limit = (os.cpu_count() or 1) + 1, accounts.slot_count_limit()
    return jobs if limit is None else max(1, min(jobs, limit))


def _settle(assignment: Assignment, options: Options, submission: Submission, stage: Path,
            answer: dict[str, Any]) -> dict[str, Any] | None:
    """The manifest record of one finished task, after making sure its stage holds a
    valid result (an error result for a task that died or ran out of time)."""
    status = answer.get("status")
    if status == "stopped":
        return None
    message = None
    if status == "died":
        code = answer.get("returncode")
        how = f"signal {-code}" if isinstance(code, int) and code < 0 else f"exit status {code}"
        message = f"the grading process died ({how}) while grading this submission"
    elif status == "timeout":
        message = (f"grading took longer than {answer.get('seconds', 0):.0f} s and was "
                   "stopped")
    elif status == "failed":
        message = str(answer.get("message") or "the submission could not be graded")
    elif status not in (GRADED, ERROR) or not (stage / RESULTS_NAME).is_file():
        message = "the grader returned no result for this submission"
    if message is not None:
        result = error_result(assignment, options.public_only, message)
        _write_stage(stage, result)
        return {"status": ERROR, "score": 0, "max_score": result.max_score, "error": message,
                "seconds": answer.get("seconds"), "seed": None}
    record = {key: answer.get(key) for key in ("status", "score", "max_score", "error",
                                               "seconds", "seed")}
    if answer.get("memory_mb"):
        record["memory_mb"] = answer["memory_mb"]
    if answer.get("left_out"):
        record["left_out"] = answer["left_out"]
    return record


def error_result(assignment: Assignment, public_only: bool, message: str) -> GradeResult:
    """A result for a submission that could not be graded: every known check at 0."""
    from gradekit.grading.grade import known_checks

    checks = known_checks(assignment, public_only)
    for check in checks:
        check.output = "not run: the autograder failed"
    return GradeResult(checks=checks, error=message, staff_log=[message])


def _write_stage(stage: Path, result: GradeResult) -> None:
    from gradekit.grading.outputs import write_feedback
    from gradekit.grading.results import write_results

    stage.mkdir(parents=True, exist_ok=True)
    write_results(result, stage / RESULTS_NAME)
    write_feedback(result, stage / FEEDBACK_NAME)


def _install(stage: Path, target: Path, work: Path) -> None:
    """Put the staged folder at ``target``, replacing an earlier grade's; the grader's
    alone (folders 0700, files 0600), whatever modes the copies came with."""
    private_tree(stage)
    old = None
    if target.exists() or target.is_symlink():
        old = work / ".replaced" / target.name
        shutil.rmtree(old, ignore_errors=True)
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, old)
    os.replace(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def private_folder(folder: Path) -> None:
    """Make ``folder`` (and missing parents) and close it to everyone but the grader
    (0700): a sandbox account must not read a classmate's results or files in it."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def private_tree(root: Path) -> None:
    """Folders under ``root`` (itself too) 0700, files 0600; symbolic links untouched."""
    os.chmod(root, 0o700)
    for parent, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o700 if os.path.isdir(path) else 0o600)


def _reports(out_dir: Path, inbox: Inbox, assignment: Assignment,
             archive: Path | None = None) -> tuple[list[Path], list[str]]:
    from gradekit.classwork.build import build_reports

    skeleton = None
    if assignment.release is not None and assignment.release.template_dir.is_dir():
        skeleton = assignment.release.template_dir
    built = build_reports(out_dir, inbox.roster, skeleton, assignment.title,
                          archive_dir=archive)
    return built.written, built.warnings


@contextlib.contextmanager
def _stop_signals() -> Iterator[list[int | None]]:
    """While grading, SIGTERM, SIGINT and SIGHUP only ask the run to stop (in the main
    thread; elsewhere the caller's own handling stays)."""
    stopped: list[int | None] = [None]

    def stop(signum: int) -> None:
        stopped[0] = signum

    with on_signals(stop, (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)):
        yield stopped


def _now() -> str:
    from gradekit.classwork.manifest import now

    return now()
