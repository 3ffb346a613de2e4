"""A worker's memory limit fits inside the grader's control group (a container's limit)."""

from __future__ import annotations

from pathlib import Path

from gradekit.sandbox.cgroup import FLOOR_MB, MARGIN_MB, fitted_memory_mb, memory_room_mb


def group(tmp_path: Path, files: dict[str, str], membership: str) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (tmp_path / "self").write_text(membership)
    return root, tmp_path / "self"


def test_cgroup_v2_room_is_the_limit_less_the_use(tmp_path: Path) -> None:
    root, me = group(tmp_path, {"grader/memory.max": str(768 << 20),
                                "grader/memory.current": str(150 << 20)}, "0::/grader\n")
    assert memory_room_mb(root, me) == 618
    (root / "grader" / "memory.max").write_text("max\n")
    assert memory_room_mb(root, me) is None


def test_cgroup_v1_and_unknown(tmp_path: Path) -> None:
    root, me = group(tmp_path, {"memory/docker/abc/memory.limit_in_bytes": str(512 << 20),
                                "memory/docker/abc/memory.usage_in_bytes": str(100 << 20)},
                     "5:cpuset:/x\n4:memory:/docker/abc\n")
    assert memory_room_mb(root, me) == 412
    (root / "memory/docker/abc/memory.limit_in_bytes").write_text(str(2**63 - 4096))
    assert memory_room_mb(root, me) is None
    assert memory_room_mb(tmp_path / "none", tmp_path / "missing") is None


def test_the_limit_is_lowered_only_when_the_group_is_smaller() -> None:
    assert fitted_memory_mb(1024, None) == (1024, "")
    assert fitted_memory_mb(1024, 4096) == (1024, "")
    fitted, why = fitted_memory_mb(1024, 618)
    assert fitted == 618 - MARGIN_MB and "lowered from 1024 MB to 554 MB" in why
    assert fitted_memory_mb(1024, 100)[0] == FLOOR_MB
    assert fitted_memory_mb(200, 100) == (200, "")  # never raised above what is asked


def test_the_bubblewrap_probe_uses_the_workers_flags(monkeypatch) -> None:
    """A bubblewrap that lacks a flag the workers use (``--size`` before 0.7) must fail the
    probe, so the grader falls back at once instead of failing every worker start."""
    import subprocess

    from gradekit.sandbox import launch

    seen: list[list[str]] = []

    def run(command, **kwargs):
        seen.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(launch.shutil, "which", lambda name: "/usr/bin/bwrap")
    monkeypatch.setattr(launch.subprocess, "run", run)
    launch.bwrap_problem.cache_clear()
    try:
        assert launch.bwrap_problem() == ""
    finally:
        launch.bwrap_problem.cache_clear()
    probe = seen[0]
    worker = launch._sandbox_flags(1 << 20, 1 << 20)
    assert probe[1:1 + len(worker)] == worker and "--size" in probe
