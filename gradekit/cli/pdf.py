"""``gradekit pdf``: the PDF of a notebook's written answers, as ``collect`` writes it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit pdf``."""
    parser = subparsers.add_parser(
        "pdf", help="build the PDF of a notebook's written answers",
        description="Build the PDF students upload to Gradescope from a notebook: the cells "
        "tagged pdf-title and pdf-inline, and the figures of cells tagged pdf-ignore-input, "
        "one question per page. Offline; needs the pdf extra (typst, tex2typst).")
    parser.add_argument("notebook", type=Path, help="the notebook (.ipynb)")
    parser.add_argument("--output", type=Path, default=None,
                        help="the PDF to write (default: <notebook>_answers.pdf beside it)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.student.pdf import write_answers_pdf

    notebook: Path = args.notebook
    output = args.output or notebook.with_name(f"{notebook.stem}_answers.pdf")
    began = time.monotonic()
    built = write_answers_pdf([notebook], output)
    for warning in built.warnings:
        print(f"warning  {warning}", file=sys.stderr)
    print(f"Wrote {output}: {built.pages} pages, {built.sections} sections, "
          f"{time.monotonic() - began:.1f} s.")
    return 0
