"""Errors meant for people, not stack traces."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input (a file, a flag, a config value).

    The CLI prints ``str(error)`` and exits with status 2; no traceback is shown.
    Name the file (and line, where there is one) in the message.
    """
