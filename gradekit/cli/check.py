"""``gradekit check``: the public checks on a student's own folder (offline, no reference)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradekit.cli.progress import check_progress


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit check``."""
    check = subparsers.add_parser(
        "check", help="run the public checks on your assignment folder",
        description="Run the public checks on an assignment folder (offline).")
    check.add_argument("folder", type=Path, nargs="?", default=Path("."),
                       help="the assignment folder (default: the current folder)")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.config import load_student_folder
    from gradekit.grading.grade import grade_submission

    folder = args.folder
    assignment = load_student_folder(folder, "check")
    print(f"Running the public checks of {assignment.title} on {folder.resolve()} ...",
          flush=True)
    live = sys.stdout.isatty()
    result = grade_submission(folder, assignment, public_only=True,
                              on_result=check_progress(live))
    if live:
        print()
    print(result.table())
    if result.all_passed:
        print("\nAll public checks passed. The hidden checks test more; keep testing.")
    else:
        print("\nSome checks failed; the messages above say why.")
    return result.exit_code()
