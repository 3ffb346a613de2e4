"""``gradekit grade``: grade one submission against the hidden checks (staff, Gradescope)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gradekit.cli.progress import check_progress

if TYPE_CHECKING:
    from gradekit.config import Assignment


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit grade``."""
    grade = subparsers.add_parser(
        "grade", help="grade a submission (zip, folder, notebook or .py file)",
        description="Grade a submission behind the sandbox and print a score table.")
    grade.add_argument("submission", type=Path, help="zip, folder, notebook or .py file")
    grade.add_argument("--assignment", default=None, metavar="NAME",
                       help="the assignment: its name in this course (assignment/NAME/), or its "
                            "assignment.toml (default: the course's only assignment, else "
                            "./assignment.toml)")
    grade.add_argument("--results", type=Path, default=None,
                       help="also write Gradescope results.json here")
    grade.add_argument("--feedback", type=Path, default=None, metavar="FILE",
                       help="also write the score table (what the student sees) to FILE")
    grade.add_argument("--keep-files", type=Path, default=None, metavar="DIR",
                       help="also copy the submitted files the grade took into DIR (emptied "
                            "first; what `gradekit report` compares for similarity)")
    grade.add_argument("--seed", type=int, default=None,
                       help="seed for the checks' random inputs (default: a fresh one)")
    grade.add_argument("--public-only", action="store_true",
                       help="run only the public checks (no reference needed)")
    grade.add_argument("--metadata", type=Path, default=None, metavar="FILE",
                       help="Gradescope's submission_metadata.json: with [grading] "
                            "daily_limit, a student's submissions beyond the limit today "
                            "run the public checks only")
    grade.add_argument("--json", action="store_true",
                       help="print results.json to stdout instead of the table")
    grade.set_defaults(func=run_grade, quick_exit=True)


def run_grade(args: argparse.Namespace) -> int:
    from gradekit.sandbox.blas import one_thread_here

    one_thread_here()  # before numpy loads: the checks compute small products
    from gradekit.config import load_assignment
    from gradekit.course import config_path
    from gradekit.grading.grade import grade_submission

    assignment = load_assignment(config_path(args.assignment))
    live = sys.stdout.isatty() and not args.json
    notice = daily_notice(assignment, args.metadata)
    result = grade_submission(args.submission, assignment, results_path=args.results,
                              seed=args.seed, public_only=args.public_only or bool(notice),
                              on_result=check_progress(live), notice=notice,
                              named=[("the feedback", args.feedback),
                                     ("the kept files", args.keep_files),
                                     ("the metadata", args.metadata)])
    if args.feedback is not None:
        from gradekit.grading.outputs import write_feedback

        write_feedback(result, args.feedback)
    if args.keep_files is not None:
        from gradekit.grading.outputs import keep_submitted

        keep_submitted(args.submission, assignment, args.keep_files)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        if live:
            print()
        print(result.table())
        print(f"\nseed {result.seed}; {result.execution_time:.2f} s")
    if result.staff_log:
        print("\nstaff notes:\n" + "\n".join(result.staff_log), file=sys.stderr)
    return result.exit_code()


def daily_notice(assignment: "Assignment", metadata: Path | None) -> str:
    """The daily limit's note for this submission ('' when no limit applies)."""
    grading = assignment.grading
    if metadata is None or grading is None or not grading.daily_limit:
        return ""
    from gradekit.config import time_zone
    from gradekit.grading.daily_limit import limit_notice

    return limit_notice(metadata, grading.daily_limit, time_zone(grading.day_zone))
