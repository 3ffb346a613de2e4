"""``gradekit check``: the public checks on a student's own folder (offline, no reference)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradekit.cli.progress import check_progress, live_terminal
from gradekit.config import Section
from gradekit.errors import UserError


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit check``."""
    check = subparsers.add_parser(
        "check", help="run the public checks on your assignment folder",
        description="Run the public checks on an assignment folder (offline).")
    check.add_argument("folder", type=Path, nargs="?", default=Path("."),
                       help="the assignment folder (default: the current folder)")
    check.add_argument("--section", "--part", dest="section", metavar="NAME", default=None,
                       help="only the checks of one section of the assignment (the notebook "
                            "runs this after each section; the assignment.toml's "
                            "[grading.sections] lists them)")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.config import load_student_folder
    from gradekit.grading.grade import grade_submission

    folder = args.folder
    assignment = load_student_folder(folder, "check")
    assert assignment.grading is not None
    what, select = f"the public checks of {assignment.title}", None
    if args.section is not None:
        section = _section(assignment.grading.sections, args.section, assignment.path)
        what, select = f"the public checks of \"{section.title}\"", section.takes
    print(f"Running {what} on {folder.resolve()} ...", flush=True)
    live = live_terminal()
    result = grade_submission(folder, assignment, own_code=True,
                              on_result=check_progress(live), select=select)
    if live:
        print()
    print(result.table())
    if not result.checks:
        print("\nThis section has no public checks.")
    elif result.all_passed:
        print("\nAll of them passed. The hidden checks test more; keep testing.")
    else:
        print("\nSome checks failed; the messages above say why.")
    return result.exit_code()


def _section(sections: tuple[Section, ...], name: str, where: Path) -> Section:
    for section in sections:
        if section.name == name:
            return section
    known = ", ".join(s.name for s in sections) or "none are declared"
    raise UserError(f"{where}: no section {name!r} in [grading.sections] (sections: {known})")
