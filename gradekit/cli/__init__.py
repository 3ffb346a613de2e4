"""The ``gradekit`` command line: argument parsing only, one module per command.

A command module exposes ``add_command(subparsers) -> None``; the parser it adds sets
``func`` to a callable taking the parsed ``argparse.Namespace`` and returning an exit code.
Command modules stay thin over the library and import it lazily, so ``--help`` is quick.
This package is the only place in the engine that parses arguments; nothing imports it.
A command whose module is absent (the student copy of the engine ships only the student
commands) is simply not offered.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from typing import NoReturn

from gradekit import __version__
from gradekit.errors import UserError
from gradekit.stopping import stop_on_signals

COMMAND_MODULES = (
    "gradekit.cli.release",
    "gradekit.cli.grade",
    "gradekit.cli.check",
    "gradekit.cli.collect",
    "gradekit.cli.pdf",
    "gradekit.cli.report",
    "gradekit.cli.grade_class",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradekit",
        description="Build assignment releases and grade submissions behind a sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"gradekit {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue  # not part of this copy of the engine
        module.add_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names; its exit status."""
    _line_buffered()
    parser = build_parser()
    return _run(parser, parser.parse_args(argv))


def run_and_exit() -> NoReturn:
    """``python -m gradekit``: :func:`main` on the command line, then the process ends.

    A command that sets ``quick_exit`` (a grade) ends it at once once its output is
    flushed, without the interpreter's teardown of every module: its files are written
    and closed by then, and tearing down a controller that imported torch (for a torch
    reference) costs about half a second of CPU.
    """
    _line_buffered()
    parser = build_parser()
    args = parser.parse_args()
    code = _run(parser, args)
    if getattr(args, "quick_exit", False):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


def _line_buffered() -> None:
    """Progress shows line by line in a pipe or a CI log too, not when the command ends."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(line_buffering=True)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        with stop_on_signals():  # a command stopped by SIGTERM cleans up as on Ctrl-C
            return int(args.func(args) or 0)
    except UserError as error:
        print(f"gradekit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        signum = getattr(stop, "signum", signal.SIGINT)  # a command stopped by a signal
        print(f"gradekit: {stop or 'interrupted'}", file=sys.stderr)
        return 128 + signum
