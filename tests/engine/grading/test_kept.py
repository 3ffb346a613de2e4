"""Derived data kept on disk for the next grade (gradekit.grading.kept): read back when
its sources are unchanged, derived again when they change, when the kept file is spoilt
or when there is nowhere to keep it; and what the marks of a check file become."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from gradekit.grading import kept as kept_module
from gradekit.grading import marks
from gradekit.grading.kept import PREFIX, kept
from gradekit.grading.marks import MarkDefaults, unreleased_only
from gradekit.sandbox.slots import PARENT_ENV


@pytest.fixture
def folder(monkeypatch):
    """A sandbox folder of the test's own (a temporary folder others can traverse)."""
    path = Path(tempfile.mkdtemp(prefix="gradekit-kept-"))
    monkeypatch.setenv(PARENT_ENV, str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Deriving:
    """A derivation that counts its calls."""

    def __init__(self, data: bytes) -> None:
        self.data, self.calls = data, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.data


def test_kept_data_is_read_back_while_its_sources_are_unchanged(folder):
    derive = Deriving(b"derived")
    assert kept("probe", [b"source"], derive, bytes.upper) == b"DERIVED"
    assert kept("probe", [b"source"], derive, bytes.upper) == b"DERIVED"
    assert derive.calls == 1
    assert [path.name.startswith(f"{PREFIX}probe-") for path in folder.iterdir()] == [True]
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    assert kept("probe", [b"source", b"changed"], derive, bytes.upper) == b"DERIVED"
    assert kept("probe", [b"sourcechanged"], derive, bytes.upper) == b"DERIVED"
    assert derive.calls == 3  # neither a new source nor the same bytes split otherwise hit


def test_a_spoilt_kept_file_is_derived_again_and_replaced(folder):
    def use(data: bytes) -> int:
        return int(data)

    assert kept("number", [b"x"], Deriving(b"41"), use) == 41
    (path,) = folder.iterdir()
    path.write_bytes(b"not a number")
    derive = Deriving(b"42")
    assert kept("number", [b"x"], derive, use) == 42 and derive.calls == 1
    assert path.read_bytes() == b"42"


def test_with_nowhere_to_keep_it_everything_is_derived(monkeypatch, tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(PARENT_ENV, str(blocked))
    derive = Deriving(b"7")
    assert [kept("n", [b"s"], derive, int) for _ in range(2)] == [7, 7]
    assert derive.calls == 2


def test_old_kept_files_go_with_old_runtimes(folder):
    from gradekit.sandbox.runtime import _prune

    kept("old", [b"s"], Deriving(b"1"), int)
    kept("new", [b"s"], Deriving(b"2"), int)
    old = next(folder.glob(f"{PREFIX}old-*"))
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    _prune(folder, keep=folder / "runtime-in-use")
    assert not old.exists() and len(list(folder.glob(f"{PREFIX}new-*"))) == 1


CHECKS = textwrap.dedent('''
    import pytest

    @pytest.mark.grade(number="7.1", points=3, notebook="Extra")
    def test_one():
        """First check of the extra notebook"""

    class TestMore:
        @pytest.mark.grade(number="7.2", points=2.5, notebook="Extra", files=["a.py"])
        def test_two(self):
            """Second"""
''')


def test_the_marks_of_a_check_file_left_out_come_back_the_same_without_parsing(
        folder, tmp_path, monkeypatch):
    checks = tmp_path / "test_extra.py"
    checks.write_text(CHECKS)
    defaults = MarkDefaults(notebooks=frozenset({"Main", "Other"}))
    first = unreleased_only(checks, False, defaults)
    assert [(info.number, info.name, info.files, info.elsewhere) for info in first] == [
        ("7.1", "First check of the extra notebook", (), "Extra"),
        ("7.2", "Second", ("a.py",), "Extra")]

    def no_parsing(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(marks, "_marks_of", no_parsing)
    assert unreleased_only(checks, False, MarkDefaults(
        notebooks=frozenset({"Other", "Main"}))) == first  # any order of the same set
    with pytest.raises(AssertionError, match="parsed again"):  # other defaults: other marks
        unreleased_only(checks, True, defaults)
    checks.write_text(CHECKS.replace('points=3', 'points=4'))
    with pytest.raises(AssertionError, match="parsed again"):  # a changed file
        unreleased_only(checks, False, defaults)


def test_a_released_notebook_keeps_its_file_at_a_glance(folder, tmp_path):
    checks = tmp_path / "test_extra.py"
    checks.write_text(CHECKS)
    assert unreleased_only(checks, False, MarkDefaults(notebooks=frozenset({"Extra"}))) is None
    assert not list(folder.glob(f"{PREFIX}*"))


def test_the_kept_folder_is_the_sandbox_folder(folder):
    assert kept_module._folder() == folder


def test_check_numbers_named_in_messages_are_read_from_a_kept_file_too(
        folder, tmp_path, monkeypatch):
    from gradekit.checklib import numbers

    (tmp_path / "test_extra.py").write_text(CHECKS)
    assert numbers.check_number("test_extra.py::test_two", tmp_path) == "7.2"
    monkeypatch.setattr(numbers, "_CACHE", {})  # a new process's

    def no_parsing(text):
        raise AssertionError("parsed again")

    monkeypatch.setattr(numbers, "_numbers_in", no_parsing)
    assert numbers.check_number("test_extra.py::test_one", tmp_path) == "7.1"
