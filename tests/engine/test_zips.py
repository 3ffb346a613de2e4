"""Zips from outside: intake, the class inbox and the roster judge entries and junk alike."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

import pytest

import gradekit
from gradekit.classwork.inbox import unpack_tree
from gradekit.classwork.roster import read_roster
from gradekit.grading.intake import IntakeLimits, take_in
from gradekit.zips import (UNSAFE_PATH, File, atomic_file, entry_name, entry_problem, is_junk,
                           open_zip, write_atomically, write_zip)


def info(name: str, mode: int = 0, size: int = 0, flags: int = 0) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)
    entry.external_attr = mode << 16
    entry.file_size = size
    entry.flag_bits |= flags
    return entry


@pytest.mark.parametrize("entry, problem", [
    (info("cs/layers.py"), ""),
    (info("cs/layers.py", stat.S_IFREG | 0o644), ""),
    (info("hw\\cs\\layers.py"), ""),
    (info("./cs/layers.py"), ""),
    (info("../cs/layers.py"), UNSAFE_PATH),
    (info("cs/../../layers.py"), UNSAFE_PATH),
    (info("/etc/layers.py"), UNSAFE_PATH),
    (info("hw\\..\\..\\layers.py"), UNSAFE_PATH),
    (info("C:\\layers.py"), UNSAFE_PATH),
    (info("cs/layers.py:stream"), UNSAFE_PATH),
    (info("cs/layers.py", stat.S_IFLNK | 0o777), "is a symbolic link"),
    (info("cs/layers.py", stat.S_IFIFO | 0o644), "is not a regular file"),
    (info("cs/layers.py", stat.S_IFCHR | 0o644), "is not a regular file"),
    (info("cs/layers.py", stat.S_IFDIR | 0o755), "is not a regular file"),
    (info("cs/", stat.S_IFDIR | 0o755), ""),
    (info("cs/layers.py", flags=0x1), "is encrypted"),
    (info("cs/layers.py", size=(2 << 20) + 1), "is larger than 2 MB"),
])
def test_each_kind_of_entry_is_judged(entry, problem):
    assert entry_problem(entry, file_mb=2) == problem


def test_windows_separators_name_folders():
    assert entry_name(info("hw\\cs\\layers.py")) == "hw/cs/layers.py"


def hostile_zip(path: Path) -> Path:
    """One entry of every kind, each at the name intake expects."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.py", "ok = 1\n")
        archive.writestr("sub\\b.py", "ok = 2\n")
        archive.writestr("../c.py", "escape\n")
        archive.writestr("x:/d.py", "drive\n")
        for name, mode in (("e.py", stat.S_IFLNK | 0o777), ("f.py", stat.S_IFIFO | 0o644)):
            entry = zipfile.ZipInfo(name)
            entry.external_attr = mode << 16
            archive.writestr(entry, "/etc/passwd")
        archive.writestr("g.py", "x" * ((1 << 20) + 1))
    return path


def test_intake_and_the_inbox_take_and_refuse_the_same_entries(tmp_path):
    archive_path = hostile_zip(tmp_path / "s.zip")
    limits = IntakeLimits(file_mb=1)
    expected = ("a.py", "sub/b.py", "c.py", "d.py", "e.py", "f.py", "g.py")
    taken = take_in(archive_path, expected, tmp_path / "intake", limits)
    with zipfile.ZipFile(archive_path) as archive:
        notes = unpack_tree(archive, "", tmp_path / "inbox", limits)
    unpacked = sorted(p.relative_to(tmp_path / "inbox").as_posix()
                      for p in (tmp_path / "inbox").rglob("*") if p.is_file())
    assert sorted(taken.found) == unpacked == ["a.py", "sub/b.py"]
    refused = {where.replace("\\", "/"): why for where, why in taken.rejected}
    assert refused == dict(note.split(": ", 1) for note in notes) == {
        "../c.py": UNSAFE_PATH, "x:/d.py": UNSAFE_PATH, "e.py": "is a symbolic link",
        "f.py": "is not a regular file", "g.py": "is larger than 1 MB"}
    assert not (tmp_path / "c.py").exists()


def false_utf8_zip(path: Path, names: list[str]) -> Path:
    """A zip whose names are flagged UTF-8 but hold Latin-1 bytes (é as \\xe9)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "x = 1\n")
    data = path.read_bytes().replace("\u00e9\u00e9".encode(), b"\xe9\xe9\xe9\xe9")
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(path)
    return path


def test_false_utf8_names_open_everywhere(tmp_path):
    path = false_utf8_zip(tmp_path / "class.zip", ["alice/a.py", "b\u00e9\u00e9/a.py"])
    with open_zip(path) as archive:
        assert len(archive.namelist()) == 2
    roster = read_roster(path)
    assert len(roster.keys()) == 2 and "alice" in roster.keys()
    with open_zip(path) as archive:
        assert unpack_tree(archive, "alice", tmp_path / "alice") == []
    assert (tmp_path / "alice" / "a.py").read_text() == "x = 1\n"


def test_the_roster_lists_no_entry_with_an_unsafe_name(tmp_path):
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("alice/a.py", "../evil/a.py", "/abs/a.py", "c:/a.py", "bob.py"):
            archive.writestr(name, "x = 1\n")
    assert read_roster(path).keys() == ["alice", "bob"]


JUNK = ("__MACOSX/hw/._a.py", "hw/.DS_Store", "hw/Thumbs.db", "hw/desktop.ini",
        "hw/__pycache__/a.cpython-311.pyc", "hw/.ipynb_checkpoints/a-checkpoint.py",
        "hw/.git/config", "hw/a.py~", "hw/.a.py.swp", "hw/a.pyc", "hw/.hidden.py")


@pytest.mark.parametrize("name", JUNK)
def test_one_list_of_junk(name):
    assert is_junk(name, hidden=True) and is_junk(PurePosixPath(name), hidden=True)
    assert is_junk(name) == (name != "hw/.hidden.py")  # releases may ship hidden files
    assert not is_junk("hw/a.py", hidden=True) and not is_junk("../a.py", hidden=True)


def test_intake_the_inbox_and_the_roster_pass_over_the_same_junk(tmp_path):
    path = tmp_path / "hw.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hw/a.py", "ok = 1\n")
        for name in JUNK:
            archive.writestr(name, "junk\n")
    expected = tuple(sorted({PurePosixPath(n).name for n in JUNK} | {"a.py"}))
    taken = take_in(path, expected, tmp_path / "intake")
    assert taken.found == {"a.py": "hw/a.py"} and not taken.rejected
    with zipfile.ZipFile(path) as archive:
        assert unpack_tree(archive, "", tmp_path / "inbox") == []
    assert [p.name for p in (tmp_path / "inbox").rglob("*") if p.is_file()] == ["a.py"]
    classroom = tmp_path / "class"
    for name in ("alice.py", *(n.removeprefix("hw/") for n in JUNK)):
        (classroom / name).parent.mkdir(parents=True, exist_ok=True)
        (classroom / name).write_text("x = 1\n")
    assert read_roster(classroom).keys() == ["alice"]


def test_an_atomic_write_is_flushed_to_disk_and_readable_by_all(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    target = tmp_path / "deep" / "out.txt"
    write_atomically(target, "caf\u00e9\n")
    assert target.read_bytes() == "caf\u00e9\n".encode() and len(synced) == 1
    assert target.stat().st_mode & 0o777 == 0o644 and os.listdir(target.parent) == ["out.txt"]


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.zip"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_zip(target, {"x.py": File(12345)})  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        with atomic_file(target) as handle:
            handle.write(b"half")
            raise RuntimeError("stopped")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.zip"]
    write_zip(target, {"x.py": File(b"x = 1\n")})
    with zipfile.ZipFile(target) as archive:
        assert archive.read("x.py") == b"x = 1\n"


def test_every_file_the_engine_replaces_goes_through_one_writer():
    engine = Path(gradekit.__file__).parent
    writers = sorted(p.relative_to(engine).as_posix() for p in engine.rglob("*.py")
                     if re.search(r"mkstemp\(|\"\.partial\"", p.read_text(encoding="utf-8")))
    assert writers == ["zips.py"]
