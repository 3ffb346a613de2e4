"""The ``gradekit`` command: one sub-command per job, each defined in its own module.

A command module exposes ``add_command(subparsers) -> None``; the parser it adds sets
``func`` to a callable taking the parsed ``argparse.Namespace`` and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from gradekit import __version__
from gradekit.errors import UserError

COMMAND_MODULES = (
    "gradekit.release_command",
    "gradekit.grade_command",
    "gradekit.collect",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradekit",
        description="Build assignment releases and grade submissions behind a sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"gradekit {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"gradekit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gradekit: interrupted", file=sys.stderr)
        return 130
