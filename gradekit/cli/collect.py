"""``gradekit collect``: zip the files a student hands in, naming what is missing."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradekit.config import load_student_folder
from gradekit.student.collect import collect


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit collect``."""
    parser = subparsers.add_parser(
        "collect", help="zip the files you hand in and list anything missing",
        description="Zip the files the assignment asks for from your assignment folder, "
        "and warn about missing files, files that do not parse and notebooks that were not "
        "run. Exits with status 1 when a file is missing.")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("."),
                        help="the assignment folder (default: the current folder)")
    parser.add_argument("--output", type=Path, default=None,
                        help="the zip to write (default: <assignment>_submission.zip in the "
                             "folder)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    assignment = load_student_folder(args.folder, "collect")
    assert assignment.grading is not None
    output = args.output or args.folder / f"{assignment.name}_submission.zip"
    collected = collect(args.folder, assignment, output)
    for name in collected.missing:
        print(f"MISSING  {name}")
    for warning in collected.warnings:
        print(f"warning  {warning}")
    if collected.files:
        print(f"Wrote {output} with {len(collected.files)} of "
              f"{len(assignment.grading.submit)} files.")
    else:
        print("Nothing to zip: none of the files to hand in is here.")
    for item in assignment.grading.hand_in_also:
        print(f"Also hand in: {item}")
    return 1 if collected.missing else 0
