"""Intake: only the expected files get through, as plain regular files, size-capped."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from gradekit.errors import UserError
from gradekit.grading.intake import IntakeLimits, copy_support, needs, take_in

EXPECTED = ("cs/layers.py", "cs/classifiers/net.py", "Notebook.ipynb")


def make_zip(path: Path, entries: dict[str, bytes], symlinks: dict[str, str] = {}) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in symlinks.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def test_zip_nested_two_folders_deep_with_junk_ignored(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {
        "assignment2/cs/layers.py": b"x = 1\n",
        "assignment2/cs/classifiers/net.py": b"y = 2\n",
        "assignment2/Notebook.ipynb": b"{}",
        "__MACOSX/assignment2/cs/._layers.py": b"junk",
        "assignment2/.ipynb_checkpoints/Notebook-checkpoint.ipynb": b"old",
        "assignment2/cs/layers.py~": b"backup",
        "assignment2/cs/.layers.py.swp": b"swap",
    })
    out = tmp_path / "out"
    result = take_in(submission, EXPECTED, out)
    assert result.found == {"cs/layers.py": "assignment2/cs/layers.py",
                            "cs/classifiers/net.py": "assignment2/cs/classifiers/net.py",
                            "Notebook.ipynb": "assignment2/Notebook.ipynb"}
    assert result.missing == [] and result.rejected == []
    assert (out / "cs" / "layers.py").read_bytes() == b"x = 1\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        sorted(EXPECTED)


def test_three_folders_deep_is_too_deep(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"a/b/c/cs/layers.py": b"x"})
    result = take_in(submission, EXPECTED, tmp_path / "out")
    assert "cs/layers.py" in result.missing


def test_unsafe_zip_entries_are_rejected_and_nothing_escapes(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"../cs/layers.py": b"evil",
                                               "/cs/classifiers/net.py": b"evil"},
                          symlinks={"Notebook.ipynb": "/etc/passwd"})
    out = tmp_path / "deep" / "out"
    result = take_in(submission, EXPECTED, out)
    assert result.found == {}
    reasons = dict(result.rejected)
    assert reasons["Notebook.ipynb"] == "is a symbolic link"
    assert reasons["../cs/layers.py"] == "has an unsafe path"
    assert reasons["/cs/classifiers/net.py"] == "has an unsafe path"
    assert not (tmp_path / "deep" / "cs").exists() and not any(out.rglob("*.py"))


def test_zip_bomb_is_cut_off_while_reading(tmp_path):
    bomb = b"\0" * (5 << 20)  # compresses to a few kilobytes
    submission = make_zip(tmp_path / "s.zip", {"cs/layers.py": bomb, "Notebook.ipynb": b"{}"})
    assert submission.stat().st_size < 100_000
    result = take_in(submission, EXPECTED, tmp_path / "out", IntakeLimits(file_mb=1))
    assert dict(result.rejected)["cs/layers.py"] == "is larger than 1 MB"
    assert not (tmp_path / "out" / "cs" / "layers.py").exists()
    assert "Notebook.ipynb" in result.found


def test_lying_zip_header_does_not_get_past_the_cap(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"cs/layers.py": b"a" * (3 << 20)})
    data = bytearray(submission.read_bytes())
    # Claim a tiny uncompressed size in the central directory.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    submission.write_bytes(bytes(data))
    result = take_in(submission, EXPECTED, tmp_path / "out", IntakeLimits(file_mb=1))
    assert "cs/layers.py" not in result.found
    out = tmp_path / "out" / "cs" / "layers.py"
    assert not out.exists() or out.stat().st_size <= 1 << 20


def test_total_size_cap(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"cs/layers.py": os.urandom(700_000),
                                               "cs/classifiers/net.py": os.urandom(700_000)})
    result = take_in(submission, EXPECTED, tmp_path / "out", IntakeLimits(file_mb=1, total_mb=1))
    assert len(result.found) == 1
    assert any("over 1 MB" in why for _, why in result.rejected)


def test_duplicates_resolve_to_the_shallowest_copy_with_a_note(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"old/cs/layers.py": b"old",
                                               "cs/layers.py": b"new",
                                               "b/cs/layers.py": b"other"})
    result = take_in(submission, EXPECTED, tmp_path / "out")
    assert result.found["cs/layers.py"] == "cs/layers.py"
    assert (tmp_path / "out" / "cs" / "layers.py").read_bytes() == b"new"
    assert any("ignored b/cs/layers.py, old/cs/layers.py" in note for note in result.notes)


def test_ties_at_the_same_depth_are_broken_alphabetically(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"b/cs/layers.py": b"b", "a/cs/layers.py": b"a"})
    result = take_in(submission, EXPECTED, tmp_path / "out")
    assert result.found["cs/layers.py"] == "a/cs/layers.py"


def test_flat_files_are_matched_by_name_with_a_note(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"layers.py": b"x", "net.py": b"y"})
    result = take_in(submission, EXPECTED, tmp_path / "out")
    assert set(result.found) == {"cs/layers.py", "cs/classifiers/net.py"}
    assert (tmp_path / "out" / "cs" / "classifiers" / "net.py").read_bytes() == b"y"
    assert "cs/layers.py: used layers.py." in result.notes


def test_backslash_names_from_windows_zips(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"hw\\cs\\layers.py": b"x"})
    result = take_in(submission, EXPECTED, tmp_path / "out")
    assert result.found == {"cs/layers.py": "hw\\cs\\layers.py"}


def test_folder_symlinks_are_not_followed(tmp_path):
    folder = tmp_path / "sub"
    (folder / "cs").mkdir(parents=True)
    secret = tmp_path / "secret.py"
    secret.write_text("answers")
    (folder / "cs" / "layers.py").symlink_to(secret)
    (folder / "cs" / "classifiers").symlink_to(tmp_path, target_is_directory=True)
    (folder / "Notebook.ipynb").write_text("{}")
    result = take_in(folder, EXPECTED, tmp_path / "out")
    assert dict(result.rejected)["cs/layers.py"] == "is a symbolic link"
    assert result.found == {"Notebook.ipynb": "Notebook.ipynb"}
    assert not (tmp_path / "out" / "cs" / "layers.py").exists()


def test_copies_are_plain_regular_files(tmp_path):
    folder = tmp_path / "sub" / "cs"
    folder.mkdir(parents=True)
    (folder / "layers.py").write_text("x")
    (folder / "layers.py").chmod(0o4777)
    take_in(tmp_path / "sub", EXPECTED, tmp_path / "out")
    copied = (tmp_path / "out" / "cs" / "layers.py").lstat()
    assert stat.S_ISREG(copied.st_mode) and stat.S_IMODE(copied.st_mode) == 0o644


def test_lone_python_file_goes_to_its_submit_path(tmp_path):
    lone = tmp_path / "net.py"
    lone.write_text("z = 3\n")
    result = take_in(lone, EXPECTED, tmp_path / "out")
    assert result.found == {"cs/classifiers/net.py": "net.py"}
    assert result.missing == ["cs/layers.py", "Notebook.ipynb"]


def test_lone_notebook_and_unknown_files(tmp_path):
    notebook = tmp_path / "Notebook.ipynb"
    notebook.write_text("{}")
    assert take_in(notebook, EXPECTED, tmp_path / "a").found == {"Notebook.ipynb":
                                                                 "Notebook.ipynb"}
    other = tmp_path / "other.py"
    other.write_text("")
    result = take_in(other, EXPECTED, tmp_path / "b")
    assert result.found == {} and "is not one of the files" in result.rejected[0][1]
    pdf = tmp_path / "answers.pdf"
    pdf.write_bytes(b"%PDF")
    assert "is not a zip" in take_in(pdf, EXPECTED, tmp_path / "c").rejected[0][1]


def test_gradescope_folder_holding_one_zip(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    make_zip(folder / "mine.zip", {"cs/layers.py": b"x"})
    (folder / "answers.pdf").write_bytes(b"%PDF")
    result = take_in(folder, EXPECTED, tmp_path / "out")
    assert result.found == {"cs/layers.py": "cs/layers.py"}
    assert "Looked inside mine.zip." in result.notes


def test_corrupt_zip_is_reported_not_raised(tmp_path):
    bad = tmp_path / "s.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = take_in(bad, EXPECTED, tmp_path / "out")
    assert result.found == {} and result.rejected


def test_missing_submission_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        take_in(tmp_path / "nope.zip", EXPECTED, tmp_path / "out")


def test_summary_says_what_happened(tmp_path):
    submission = make_zip(tmp_path / "s.zip", {"cs/layers.py": b"x", "../x.py": b"y"})
    summary = take_in(submission, ("cs/layers.py", "x.py"), tmp_path / "out").summary()
    assert "Found 1 of 2 expected files." in summary
    assert "Missing: x.py" in summary and "Ignored ../x.py: has an unsafe path" in summary


def test_support_files_skip_submitted_files_checks_and_junk(tmp_path):
    support = tmp_path / "support"
    for name in ("cs/__init__.py", "cs/layers.py", "cs/helpers.py", "checks/test_x.py",
                 ".hidden", "cs/__pycache__/x.pyc", "cs/.ipynb_checkpoints/y.py"):
        path = support / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    (support / "cs" / "data.bin").write_bytes(b"\0" * (2 << 20))
    out = tmp_path / "out"
    left_out = copy_support(support, out, [support / "checks"], ("cs/layers.py",), max_mb=1)
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert copied == ["cs/__init__.py", "cs/helpers.py"] and left_out == ["cs/data.bin"]


def test_bytes_in_memory_zip_round_trip(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cs/layers.py", "print('hi')\n")
    path = tmp_path / "x.zip"
    path.write_bytes(buffer.getvalue())
    assert take_in(path, EXPECTED, tmp_path / "out").found["cs/layers.py"] == "cs/layers.py"


# ------------------------------------------------------------------ optional files


def folder_without_notebook(tmp_path: Path) -> Path:
    folder = tmp_path / "hand-in"
    (folder / "cs" / "classifiers").mkdir(parents=True)
    (folder / "cs" / "layers.py").write_text("x = 1\n")
    (folder / "cs" / "classifiers" / "net.py").write_text("y = 2\n")
    return folder


def test_an_absent_optional_file_is_said_in_one_calm_line(tmp_path):
    result = take_in(folder_without_notebook(tmp_path), EXPECTED, tmp_path / "out",
                     optional=("Notebook.ipynb",))
    assert result.missing == [] and result.not_handed_in == ["Notebook.ipynb"]
    summary = result.summary().splitlines()
    assert summary == ["Found 2 of 2 expected files.",
                       "Notebook.ipynb: not handed in (optional)"]
    assert "Missing" not in result.summary()


def test_an_absent_required_file_is_still_missing(tmp_path):
    result = take_in(folder_without_notebook(tmp_path), EXPECTED, tmp_path / "out")
    assert result.missing == ["Notebook.ipynb"] and result.not_handed_in == []
    assert "Missing: Notebook.ipynb" in result.summary()
    assert "optional" not in result.summary()


def test_an_optional_file_handed_in_is_taken_like_any_other(tmp_path):
    folder = folder_without_notebook(tmp_path)
    (folder / "Notebook.ipynb").write_text("{}")
    result = take_in(folder, EXPECTED, tmp_path / "out", optional=("Notebook.ipynb",))
    assert set(result.found) == set(EXPECTED)
    assert result.missing == [] and result.not_handed_in == []
    assert (tmp_path / "out" / "Notebook.ipynb").read_text() == "{}"


def test_an_unreadable_submission_leaves_optional_files_not_handed_in(tmp_path):
    os.symlink(tmp_path, tmp_path / "link")
    result = take_in(tmp_path / "link", EXPECTED, tmp_path / "out",
                     optional=("Notebook.ipynb",))
    assert result.missing == ["cs/layers.py", "cs/classifiers/net.py"]
    assert result.not_handed_in == ["Notebook.ipynb"]


def test_what_a_check_needing_an_absent_file_says():
    assert needs(["a.ipynb"], ("a.ipynb",)) == "a.ipynb: not handed in (optional)"
    assert needs(["a.ipynb"]) == "needs a.ipynb, which is not in your submission"
    # One required file among them: the submission lacks something it should have.
    assert needs(["a.ipynb", "b.py"], ("a.ipynb",)) == \
        "needs a.ipynb, b.py, which are not in your submission"
