"""What one worker may use; set per assignment under ``[grading.sandbox]``.

:class:`Limits` is declared with the rest of ``assignment.toml``'s tables in
:mod:`gradekit.config` (so the config is checked whole when it is loaded, and the shared
modules import no flow); it is imported from here by the sandbox.
"""

from __future__ import annotations

from gradekit.config import Limits

__all__ = ["Limits"]
