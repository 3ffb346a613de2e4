"""The memory the grader's control group leaves, so a worker's limit fits inside it.

A container (Gradescope gives 768 MB) limits the memory of everything in it together. A
worker allowed more than is left would meet the kernel's out-of-memory killer instead of
its own limit: the student's allocation would look like a crash or a timeout, not like
memory. The room is the group's limit less what it uses now (cgroup v2's ``memory.max``
and ``memory.current``, or v1's ``memory.limit_in_bytes`` and ``memory.usage_in_bytes``).
"""

from __future__ import annotations

from pathlib import Path

UNLIMITED = 1 << 60
"""cgroup v1 writes a huge number (about 2**63) for "no limit"."""
MARGIN_MB = 64
"""Kept free for the grader's own processes beside the worker."""
FLOOR_MB = 256
"""Never fit a worker below this: numpy alone needs about that much address space."""


def memory_room_mb(root: Path = Path("/sys/fs/cgroup"),
                   membership: Path = Path("/proc/self/cgroup")) -> int | None:
    """MB this process's control group may still use, or None when unlimited or unknown."""
    for limit_file, used_file in _candidates(root, membership):
        try:
            limit_text = limit_file.read_text().strip()
            used = int(used_file.read_text().strip())
        except (OSError, ValueError):
            continue
        if limit_text == "max" or not limit_text.isdigit() or int(limit_text) >= UNLIMITED:
            return None
        return max(0, int(limit_text) - used) >> 20
    return None


def fitted_memory_mb(wanted_mb: int, room_mb: int | None) -> tuple[int, str]:
    """The worker's memory limit, and why when it is lower than ``wanted_mb``."""
    if room_mb is None or wanted_mb <= room_mb - MARGIN_MB:
        return wanted_mb, ""
    fitted = max(FLOOR_MB, room_mb - MARGIN_MB)
    if fitted >= wanted_mb:
        return wanted_mb, ""
    return fitted, (f"worker memory limit lowered from {wanted_mb} MB to {fitted} MB: the "
                    f"grader's control group has {room_mb} MB left")


def _candidates(root: Path, membership: Path) -> list[tuple[Path, Path]]:
    groups: list[tuple[Path, Path]] = []
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:  # "0::/path" (v2) or "4:memory:/path" (v1)
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        path = parts[2].lstrip("/")
        if parts[0] == "0" and not parts[1]:
            folder = root / path
            groups.append((folder / "memory.max", folder / "memory.current"))
        elif "memory" in parts[1].split(","):
            folder = root / "memory" / path
            groups.append((folder / "memory.limit_in_bytes", folder / "memory.usage_in_bytes"))
    groups += [(root / "memory.max", root / "memory.current"),
               (root / "memory" / "memory.limit_in_bytes",
                root / "memory" / "memory.usage_in_bytes")]
    return groups
