"""One long-lived controller process of a class grade: grades submission after submission.

Started by :mod:`gradekit.classwork.pool` as ``python -m gradekit.classwork.slotcontroller
ASSIGNMENT``. It reads one JSON task per line on stdin and answers one JSON line per
task on the pipe that was its stdout; file descriptor 1 is pointed at stderr (the log)
first, so nothing the checks print can garble an answer. Each task is one
:func:`gradekit.grading.grade.grade_submission` in this process's main thread (so
SIGTERM stops a grade cleanly), writing ``results.json``, ``feedback.txt`` and
``submission/`` into the task's staging folder; the parent installs them.

BLAS libraries use one thread (set before numpy loads): the sandbox's worker and this
process each get a core's share, not a pool of threads fighting over two cores.
The process dies with its parent (``PR_SET_PDEATHSIG``: SIGTERM, a clean stop).
"""

from __future__ import annotations

import os

from gradekit.classwork.pool import PARENT_ENV
from gradekit.sandbox.blas import BLAS_ENV

os.environ.update(BLAS_ENV)

import json  # noqa: E402 - after the thread settings, before anything imports numpy
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TextIO  # noqa: E402


def die_with_parent(parent: int) -> None:
    """Ask Linux for SIGTERM when the parent goes; leave at once if it already has."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def rss_mb() -> float:
    """This process's resident size now, MB."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def grade_task(task: dict[str, Any], assignment: Any) -> dict[str, Any]:
    """Grade one task into its staging folder; the answer for the parent."""
    from gradekit.classwork.inbox import Submission, unpack
    from gradekit.grading.grade import GradeStopped, grade_submission
    from gradekit.grading.outputs import (
        FEEDBACK_NAME, RESULTS_NAME, SUBMISSION_DIR, keep_submitted, write_feedback)

    started = time.perf_counter()
    stage = Path(task["stage"])
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    unpacked = stage.parent / ".unpacked" / stage.name
    answer: dict[str, Any] = {"key": task["key"]}
    try:
        submission = Submission(task["key"], Path(task["path"]), task.get("member"))
        try:
            source, left_out = unpack(submission, unpacked)
        except Exception as error:  # noqa: BLE001 - an unreadable export costs this one
            return {**answer, "status": "failed", "message": f"cannot unpack it: {error}"}
        try:
            result = grade_submission(source, assignment, results_path=stage / RESULTS_NAME,
                                      seed=task.get("seed"),
                                      public_only=bool(task.get("public_only")))
        except GradeStopped as stop:
            return {**answer, "status": "stopped", "signal": stop.signum}
        except KeyboardInterrupt:
            return {**answer, "status": "stopped", "signal": int(signal.SIGINT)}
        except Exception as error:  # noqa: BLE001 - a UserError about this submission
            return {**answer, "status": "failed", "message": str(error)}
        write_feedback(result, stage / FEEDBACK_NAME)
        if task.get("keep_files", True):
            keep_submitted(source, assignment, stage / SUBMISSION_DIR)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    memory = result.extra.get("peak_memory_mb", {}) if isinstance(result.extra, dict) else {}
    return {
        **answer, "status": "error" if result.error else "graded",
        "score": result.score, "max_score": result.max_score, "error": result.error,
        "seed": result.seed, "seconds": round(time.perf_counter() - started, 3),
        "grade_seconds": round(result.execution_time, 3), "left_out": left_out,
        "memory_mb": {"controller_peak": round(resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "controller_now": round(rss_mb(), 1),
            "worker_peak": memory.get("worker", 0.0)},
    }


def serve(assignment_path: str, tasks: TextIO, answers: TextIO) -> int:
    """Answer every task read from ``tasks`` until it ends or a grade is stopped."""
    from gradekit.config import load_assignment
    from gradekit.grading import grade as _grade  # noqa: F401 - loaded before the first task
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    assignment = load_assignment(assignment_path)
    _send(answers, {"status": "ready", "pid": os.getpid()})
    for line in tasks:
        if not line.strip():
            continue
        answer = grade_task(json.loads(line), assignment)
        _send(answers, answer)
        if answer["status"] == "stopped":
            return 128 + int(answer.get("signal", signal.SIGTERM))
    return 0


def _send(answers: TextIO, message: dict[str, Any]) -> None:
    answers.write(json.dumps(message, ensure_ascii=False, allow_nan=False) + "\n")
    answers.flush()


def main(argv: list[str]) -> int:
    parent = int(os.environ.get(PARENT_ENV, "0") or 0)
    if parent:
        die_with_parent(parent)
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        return serve(argv[0], sys.stdin, answers)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
