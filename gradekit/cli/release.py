"""The ``gradekit release`` command: its flags, and a lazy hand-over to gradekit.release."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gradekit.config import load_assignment


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit release``."""
    parser = subparsers.add_parser(
        "release",
        help="build the student template, student zips, solutions and autograder zip",
        description="Build every artefact of an assignment from its assignment.toml: the "
        "committed student folder ([release] template_dir) and, in [release] dist_dir, one "
        "student zip per variant, <name>-solutions.zip and autograder.zip. Prints a table of "
        "what it wrote. Mistakes in the config or the markers stop it with one line naming "
        "the file and line.",
    )
    parser.add_argument("config", type=Path, metavar="CONFIG", help="the assignment.toml")
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--template-only",
        action="store_true",
        help="only regenerate [release] template_dir (the committed student folder)",
    )
    what.add_argument(
        "--check-notebooks",
        action="store_true",
        help="only execute each master notebook against the solution, with the environment "
        "of [release.notebook_check]; fails naming the first failing cell (needs nbclient)",
    )
    parser.add_argument(
        "--dist-dir",
        type=Path,
        metavar="DIR",
        help="where to write the zips (default: [release] dist_dir)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: building a release needs nbformat, which `gradekit check` must not.
    from gradekit.release.builder import Release, check_notebooks, plan_dist, print_summary
    from gradekit.release.builder import write_dist, write_template

    began = time.monotonic()
    assignment = load_assignment(args.config)
    if args.check_notebooks:
        check_notebooks(assignment)
        return 0
    release = Release(assignment)
    planned = [] if args.template_only else plan_dist(release)
    artefacts = [write_template(release)]
    artefacts += write_dist(planned, args.dist_dir or release.config.dist_dir)
    print_summary(artefacts, time.monotonic() - began)
    return 0
