"""What one worker may use; set per assignment under ``[grading.sandbox]``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from gradekit.errors import UserError


@dataclass(frozen=True)
class Limits:
    """What one worker may use. Set per assignment under ``[grading.sandbox]``."""

    timeout: float = 10.0
    """Default wall-clock seconds for one call."""
    memory_mb: int = 1024
    """Address-space limit of the worker (numpy alone maps about 150 MB)."""
    cpu_seconds: int = 300
    """CPU seconds for the worker's whole life (a backstop; calls are bounded by timeout)."""
    file_mb: int = 16
    """Largest file the student's code may write."""
    open_files: int = 64
    """Open file descriptors."""
    output_kb: int = 64
    """Printed output kept per call; the rest is discarded."""
    max_message_mb: int = 48
    """Largest answer the controller accepts from the worker (bounds the controller's
    memory: it is checked before anything is allocated or decoded)."""
    scratch_mb: int = 64
    """Bytes all of the worker's own files may take, together (its temp folder and home;
    a sized tmpfs where the worker is confined)."""
    shm_mb: int = 16
    """Shared memory (``/dev/shm``) the worker may fill, where it is confined."""
    startup_timeout: float = 60.0
    """Seconds the worker may take to start and import numpy."""

    @classmethod
    def from_table(cls, table: dict[str, Any], where: str) -> Limits:
        """Read limits from a TOML table; errors name ``where`` and the key."""
        known = {field.name: field for field in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise UserError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")
            kind = float if isinstance(getattr(cls, key), float) else int
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (
                kind is int and not isinstance(value, int)
            ):
                raise UserError(f"{where}.{key} must be a positive {kind.__name__}")
            values[key] = kind(value)
        return cls(**values)
