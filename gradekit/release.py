"""Placeholder: the 'release' command is being written."""

from __future__ import annotations

import argparse


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register no command yet."""
