"""The ``grade`` (staff, Gradescope) and ``check`` (students) commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gradekit.errors import UserError


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit grade`` and ``gradekit check``."""
    grade = subparsers.add_parser(
        "grade", help="grade a submission (zip, folder, notebook or .py file)",
        description="Grade a submission behind the sandbox and print a score table.")
    grade.add_argument("submission", type=Path, help="zip, folder, notebook or .py file")
    grade.add_argument("--assignment", type=Path, default=None,
                       help="assignment.toml (default: assignment/assignment.toml, "
                            "else ./assignment.toml)")
    grade.add_argument("--results", type=Path, default=None,
                       help="also write Gradescope results.json here")
    grade.add_argument("--seed", type=int, default=None,
                       help="seed for the checks' random inputs (default: a fresh one)")
    grade.add_argument("--public-only", action="store_true",
                       help="run only the public checks (no reference needed)")
    grade.add_argument("--json", action="store_true",
                       help="print results.json to stdout instead of the table")
    grade.set_defaults(func=run_grade)

    check = subparsers.add_parser(
        "check", help="run the public checks on your assignment folder",
        description="Run the public checks on an assignment folder (offline).")
    check.add_argument("folder", type=Path, nargs="?", default=Path("."),
                       help="the assignment folder (default: the current folder)")
    check.set_defaults(func=run_check)


def _assignment_path(given: Path | None) -> Path:
    if given is not None:
        return given
    for candidate in (Path("assignment/assignment.toml"), Path("assignment.toml")):
        if candidate.is_file():
            return candidate
    raise UserError("no assignment.toml here (looked for assignment/assignment.toml and "
                    "./assignment.toml); pass --assignment PATH")


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    def show(check) -> None:  # type: ignore[no-untyped-def]
        verdict = "ok" if check.passed else "FAILED"
        print(f"  {check.number:>6}  {check.name[:60]:<60}  "
              f"{check.score:g}/{check.max_score:g}  {verdict}", flush=True)
    return show if enabled else None


def run_grade(args: argparse.Namespace) -> int:
    from gradekit.config import load_assignment
    from gradekit.grading import grade_submission

    assignment = load_assignment(_assignment_path(args.assignment))
    live = sys.stdout.isatty() and not args.json
    result = grade_submission(args.submission, assignment, results_path=args.results,
                              seed=args.seed, public_only=args.public_only,
                              on_result=_progress(live))
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


def run_check(args: argparse.Namespace) -> int:
    from gradekit.config import load_student_folder
    from gradekit.grading import grade_submission

    folder = args.folder
    assignment = load_student_folder(folder, "check")
    print(f"Running the public checks of {assignment.title} on {folder.resolve()} ...",
          flush=True)
    live = sys.stdout.isatty()
    result = grade_submission(folder, assignment, public_only=True,
                              on_result=_progress(live))
    if live:
        print()
    print(result.table())
    if result.all_passed:
        print("\nAll public checks passed. The hidden checks test more; keep testing.")
    else:
        print("\nSome checks failed; the messages above say why.")
    return result.exit_code()
