"""``gradekit grade-class``: grade every submission of a class, then write the reports."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gradekit.course import config_path


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``gradekit grade-class``."""
    parser = subparsers.add_parser(
        "grade-class", help="grade a folder of submissions or a Gradescope export into OUT",
        description="Grade every submission of SUBMISSIONS (a folder of zips, folders, "
        "notebooks or .py files, or Gradescope's Export Submissions as a folder or zip) "
        "with the checks of `gradekit grade`, into OUT/<key>/ (results.json, feedback.txt, "
        "submission/), then write grades.csv, canvas.csv, checks.csv, similarity.csv/.json and "
        "report.html into OUT. OUT/manifest.json records what was graded: a rerun resumes "
        "an interrupted run and grades only submissions (or checks) that changed.")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                        help="class folder, or Gradescope's Export Submissions (folder or zip)")
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder")
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help="the assignment: its name in this course (assignment/NAME/), or its "
                             "assignment.toml (default: the course's only assignment, else "
                             "./assignment.toml)")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help=f"submissions graded at once, each in its own sandbox slot "
                             f"(default: one more than the CPUs, {(os.cpu_count() or 1) + 1}, "
                             "at most the sandbox accounts named in $GRADEKIT_SANDBOX_USERS)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for every grade's random inputs (default: a fresh one each)")
    parser.add_argument("--public-only", action="store_true",
                        help="run only the public checks (no reference needed)")
    parser.add_argument("--retry-errors", action="store_true",
                        help="grade again the submissions whose grade failed as a whole")
    parser.add_argument("--archive", type=Path, default=None, metavar="DIR",
                        help="earlier terms' hand-ins or public solutions, one folder each: "
                             "the similarity compares every submission with them")
    parser.add_argument("--no-report", action="store_true",
                        help="grade only; leave the CSVs and report.html to `gradekit report`")
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="local: controller processes here (default); dask: tasks on a "
                             "Dask cluster (pip install 'gradekit[dask]')")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="the Dask scheduler, e.g. tcp://head:8786 (with --executor dask)")
    parser.add_argument("--dask-tls", type=Path, default=None, metavar="FOLDER",
                        help="the cluster's TLS credentials (ca.pem, cert.pem, key.pem; "
                             "`python -m gradekit.classwork.dasktls FOLDER` makes them): a "
                             "tls:// scheduler is required")
    parser.add_argument("--worker-assignment", default=None, metavar="PATH",
                        help="where assignment.toml is on the Dask workers (default: the same "
                             "path as here)")
    parser.add_argument("--emit-tasks", type=Path, default=None, metavar="FILE",
                        help="grade nothing: write one `gradekit grade` command per submission "
                             "to FILE (for GNU parallel, a Slurm array, a Kubernetes indexed "
                             "job); `gradekit report OUT` builds the reports afterwards")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gradekit.classwork.gradeclass import ClassGradeStopped, Options, grade_class
    from gradekit.cli.class_progress import ClassProgress
    from gradekit.config import load_assignment
    from gradekit.errors import UserError

    assignment = load_assignment(config_path(args.assignment))
    if args.emit_tasks is not None:
        from gradekit.classwork.tasks import emit_tasks

        count, warnings = emit_tasks(args.submissions, args.out, assignment, args.emit_tasks,
                                     seed=args.seed, public_only=args.public_only)
        for warning in warnings:
            print(f"warning  {warning}")
        print(f"wrote    {args.emit_tasks}: {count} commands; then: gradekit report {args.out}")
        return 0
    if args.jobs < 0:
        raise UserError("--jobs must be a positive number")
    if args.executor == "dask" and not args.scheduler:
        raise UserError("--executor dask needs --scheduler ADDRESS")
    options = Options(jobs=args.jobs, seed=args.seed, public_only=args.public_only,
                      retry_errors=args.retry_errors, executor=args.executor,
                      scheduler=args.scheduler, dask_tls=args.dask_tls,
                      worker_assignment=args.worker_assignment,
                      build_reports=not args.no_report, archive=args.archive)
    show = ClassProgress(sys.stdout, live=sys.stdout.isatty())
    try:
        summary = grade_class(args.submissions, args.out, assignment, options, on_progress=show)
    except ClassGradeStopped as stop:
        show.close()
        progress = stop.summary.progress
        print(f"stopped: {progress.done + progress.failed} graded in this run, "
              f"{progress.remaining} left; run the same command again to go on", file=sys.stderr)
        return 128 + int(stop.signum)
    finally:
        show.close()
    progress = summary.progress
    for warning in summary.warnings:
        print(f"warning  {warning}")
    for path in summary.written:
        print(f"wrote    {path}")
    rate = f", {progress.rate:.2f}/s" if progress.done + progress.failed else ""
    print(f"{progress.done} graded, {progress.failed} failed, {progress.up_to_date} up to date"
          f"{rate}; {summary.seconds:.1f} s")
    if progress.failed:
        print("some grades failed as a whole (see feedback.txt); after fixing the cause: "
              "gradekit grade-class ... --retry-errors")
    return 1 if progress.failed else 0
