"""``gradekit report``: gradebook CSVs, similarity and report.html for a graded class."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradekit.course import find_config
from gradekit.errors import UserError


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit report``."""
    parser = subparsers.add_parser(
        "report", help="write gradebook CSVs, similarity.csv/.json and report.html for a class",
        description="Read OUT/<submission>/results.json (and OUT/<submission>/submission/ "
        "when kept) from a class grade and write grades.csv, canvas.csv, checks.csv, "
        "similarity.csv and a self-contained report.html into OUT.")
    parser.add_argument("out", type=Path, metavar="OUT", help="the class grade's output folder")
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help="the assignment (its name in this course, or its "
                             "assignment.toml), for the title and the released skeleton "
                             "(default: the course's only assignment, else ./assignment.toml, "
                             "when there)")
    parser.add_argument("--roster", type=Path, action="append", default=[],
                        help="Gradescope's Export Submissions (folder or zip) or the plain "
                             "folder of submissions, to name the students (default: ids are "
                             "the submission folders); and/or, given again, Canvas's "
                             "gradebook export (.csv), so canvas.csv carries Canvas IDs and "
                             "fills the existing assignment column")
    parser.add_argument("--skeleton", type=Path, default=None,
                        help="the released student folder, whose code the similarity leaves "
                             "out (default: the assignment's [release] template_dir)")
    parser.add_argument("--archive", type=Path, default=None, metavar="DIR",
                        help="earlier terms' hand-ins or public solutions, one folder each: "
                             "the similarity compares every submission with them (not "
                             "with each other)")
    parser.add_argument("--title", default=None,
                        help="the assignment's name in the report and the Canvas column "
                             "(default: the assignment's title)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.classwork.build import build_reports
    from gradekit.classwork.roster import read_roster

    if not args.out.is_dir():
        raise UserError(f"{args.out}: no such folder; give the output folder of a class grade")
    title, skeleton = args.title, args.skeleton
    needed = args.assignment is not None or title is None or skeleton is None
    config = find_config(args.assignment) if needed else None
    if config is not None:
        from gradekit.config import load_assignment

        assignment = load_assignment(config)
        title = title or assignment.title
        if skeleton is None and assignment.release is not None:
            skeleton = assignment.release.template_dir
    if skeleton is not None and not skeleton.is_dir():
        raise UserError(f"{skeleton}: no such skeleton folder (pass --skeleton DIR)")
    from gradekit.classwork.canvas import is_canvas_gradebook, read_gradebook

    gradebooks = [read_gradebook(path) for path in args.roster if is_canvas_gradebook(path)]
    rosters = [path for path in args.roster if not is_canvas_gradebook(path)]
    if len(gradebooks) > 1 or len(rosters) > 1:
        raise UserError("--roster: give at most one class (export or folder) and one Canvas "
                        "gradebook (.csv)")
    roster = read_roster(rosters[0]) if rosters else None
    summary = build_reports(args.out, roster, skeleton, title or args.out.resolve().name,
                            gradebook=gradebooks[0] if gradebooks else None,
                            archive_dir=args.archive)
    for warning in summary.warnings + (roster.warnings if roster else []):
        print(f"warning  {warning}")
    for path in summary.written:
        print(f"wrote    {path}")
    timings = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in summary.seconds.items())
    print(f"{summary.submissions} results, {summary.with_code} with code kept; {timings}")
    return 0
