"""The ``gradekit release`` command: its flags, and a lazy hand-over to gradekit.release."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gradekit.config import Assignment, load_assignment
from gradekit.course import check_course, config_path, course_configs, resolve
from gradekit.errors import UserError


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit release``."""
    parser = subparsers.add_parser(
        "release",
        help="build the student template, student zips, solutions and autograder zip",
        description="Build every artefact of the course's assignments (or of those named) "
        "from their assignment.toml: the committed student folder ([release] template_dir, "
        "student_template/NAME/) and, in [release] dist_dir (dist/NAME/), one student zip per "
        "variant, NAME-solutions.zip and autograder.zip. Prints a table of what it wrote. "
        "Before anything is written the release proves itself (gradekit/release/proof.py): "
        "solutions and student copies parse, check numbers are unique, the reference scores "
        "full marks and the template zero, graded from the planned autograder.zip. Mistakes "
        "in the config or the markers, and a failed proof, stop it with one line naming the "
        "file and line, or the check.",
    )
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignment names of this course (assignment/NAME/) or paths "
                             "to assignment.toml files (default: every assignment of the "
                             "course in the current folder)")
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
        "of [release.notebook_check], then grade its notebook parts with the reference "
        "(full marks needed, unless --no-proof); fails naming the first failing cell or "
        "part (needs nbclient)",
    )
    parser.add_argument(
        "--no-proof",
        action="store_true",
        help="skip the proof (the reference and template grades); --template-only never "
        "runs it",
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
    from gradekit.release.proof import grade_executed, prove

    began = time.monotonic()
    assignments = chosen(args.assignments)
    if args.dist_dir is not None and len(assignments) > 1:
        raise UserError("--dist-dir takes one assignment; name it")
    if args.check_notebooks:
        for assignment in assignments:
            check_notebooks(assignment, None if args.no_proof else grade_executed,
                            args.dist_dir)
        return 0
    releases = [Release(assignment) for assignment in assignments]
    planned = [[] if args.template_only else plan_dist(release) for release in releases]
    proofs = [] if args.template_only or args.no_proof else \
        [prove(release, zips) for release, zips in zip(releases, planned)]
    artefacts = []
    for release, zips in zip(releases, planned):
        artefacts.append(write_template(release))
        artefacts += write_dist(zips, args.dist_dir or release.config.dist_dir)
    print_summary(artefacts, time.monotonic() - began)
    for proof in proofs:
        print(proof.summary())
        for warning in proof.warnings:
            print(f"  warning: {warning}")
    return 0


def chosen(given: list[str]) -> list[Assignment]:
    """The assignments named (all of the course's when none is), loaded and checked."""
    if given:
        paths = [resolve(name) for name in given]
    else:
        paths = list(course_configs(Path(".")).values()) or [config_path(None)]
    assignments = [load_assignment(path, check_paths=True) for path in paths]
    check_course(assignments)
    return assignments
