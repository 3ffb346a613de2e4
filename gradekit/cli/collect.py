"""``gradekit collect``: zip the files a student hands in, naming what is missing, and write
the PDF of their written answers."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradekit.config import load_student_folder


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
                             "folder); the answers PDF goes beside it")
    parser.add_argument("--no-pdf", action="store_true",
                        help="do not write <assignment>_answers.pdf, the PDF of your written "
                             "answers")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.student.collect import collect  # numpy and nbformat: not for --help

    assignment = load_student_folder(args.folder, "collect")
    assert assignment.grading is not None
    output = args.output or args.folder / f"{assignment.name}_submission.zip"
    pdf = None if args.no_pdf else output.with_name(f"{assignment.name}_answers.pdf")
    collected = collect(args.folder, assignment, output, pdf)
    for name in collected.missing:
        print(f"MISSING  {name}")
    for name in collected.not_handed_in:
        print(f"optional {name}: not handed in (optional)")
    for warning in collected.warnings:
        print(f"warning  {warning}")
    if collected.files:
        print(f"Wrote {output} with {len(collected.files)} of "
              f"{len(assignment.grading.submit)} files.")
    else:
        print("Nothing to zip: none of the files to hand in is here.")
    if collected.pdf is not None:
        print(f"Wrote {collected.pdf} ({collected.pdf_pages} pages), the PDF of your written "
              "answers: check it, then upload it.")
    for note in collected.pdf_notes:
        print(f"pdf      {note}")
    for item in assignment.grading.hand_in_also:
        print(f"Also hand in: {item}")
    return 1 if collected.missing else 0
