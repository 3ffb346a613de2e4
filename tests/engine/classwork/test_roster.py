"""The roster: Gradescope's Export Submissions (folder or zip) and plain class folders."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gradekit.classwork.roster import read_gradescope_export, read_roster
from gradekit.errors import UserError

# Shaped like Gradescope's export: Ruby symbol keys, a BigDecimal score, Ruby timestamps,
# a group submission, a submission without an sid.
METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '0042'
    :email: ada@example.edu
  :created_at: 2026-03-01 12:00:00.123456000 -08:00
  :score: !ruby/object:BigDecimal 18:0.95E2
  :status: :processed
  :history: []
submission_1002:
  :submitters:
  - :name: Alan Turing
    :sid: 7
    :email: alan@example.edu
  - :name: Grace Hopper
    :sid: '9'
    :email: grace@example.edu
  :submission_time: 2026-03-02 09:30:00.000000000 -08:00
  :score: 80.0
submission_1003:
  :submitters:
  - :name: No Sid
    :email: nosid@example.edu
"""


def _export(root: Path, metadata: str | None = METADATA,
            folders=("submission_1001", "submission_1002", "submission_1003")) -> Path:
    root.mkdir(parents=True)
    if metadata is not None:
        (root / "submission_metadata.yml").write_text(metadata, encoding="utf-8")
    for name in folders:
        (root / name / "cs231n").mkdir(parents=True)
        (root / name / "cs231n" / "layers.py").write_text("x = 1\n")
    return root


def test_gradescope_folder(tmp_path):
    roster = read_roster(_export(tmp_path / "export"))
    assert roster.keys() == ["submission_1001", "submission_1002", "submission_1003"]
    ada, alan, grace, nosid = roster.students
    assert (ada.id, ada.name, ada.email, ada.sid) == ("0042", "Ada Lovelace",
                                                      "ada@example.edu", "0042")
    assert ada.submitted_at.startswith("2026-03-01T12:00:00.123456")
    assert (alan.key, alan.sid, grace.key, grace.sid) == ("submission_1002", "7",
                                                          "submission_1002", "9")
    assert [s.name for s in roster.of("submission_1002")] == ["Alan Turing", "Grace Hopper"]
    assert nosid.id == "nosid@example.edu" and nosid.sid == ""
    assert roster.warnings == []


def test_gradescope_zip_with_top_folder(tmp_path):
    folder = _export(tmp_path / "assignment_77_export")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, path.relative_to(tmp_path).as_posix())
        zf.writestr("__MACOSX/assignment_77_export/._submission_metadata.yml", b"\0")
    roster = read_roster(archive)
    assert roster.keys() == ["submission_1001", "submission_1002", "submission_1003"]
    assert roster.source.endswith("export.zip:assignment_77_export/submission_metadata.yml")
    assert roster.warnings == []


def test_folders_and_metadata_disagree(tmp_path):
    root = _export(tmp_path / "export",
                   folders=("submission_1001", "submission_1002", "submission_2000"))
    roster = read_roster(root)
    assert "submission_2000" in roster.keys()
    stray = roster.of("submission_2000")[0]
    assert (stray.id, stray.name) == ("submission_2000", "submission_2000")
    text = "\n".join(roster.warnings)
    assert "submission_2000: not in submission_metadata.yml" in text
    assert "submission_metadata.yml:20: submission_1003: listed, but the export has no " \
           "folder" in text


def test_malformed_yaml_names_file_and_line(tmp_path):
    bad = METADATA.replace("  - :name: Alan Turing\n", "  - :name: [Alan Turing\n")
    root = _export(tmp_path / "export", metadata=bad)
    with pytest.raises(UserError, match=r"submission_metadata\.yml:1[2-4]: not valid YAML"):
        read_roster(root)


@pytest.mark.parametrize("text, message", [
    ("- a\n- b\n", r"submission_metadata\.yml:1: expected a mapping"),
    ("submission_1:\n  :submitters:\n  - just a name\n",
     r"submission_metadata\.yml:1: submission_1: submitter 1 is not a mapping"),
    ("submission_1: 5\n", r"submission_metadata\.yml:1: submission_1: expected a mapping"),
])
def test_wrong_structure_is_a_user_error(tmp_path, text, message):
    root = _export(tmp_path / "export", metadata=text, folders=("submission_1",))
    with pytest.raises(UserError, match=message):
        read_roster(root)


def test_missing_metadata(tmp_path):
    root = _export(tmp_path / "export", metadata=None)
    with pytest.raises(UserError, match="no submission_metadata.yml"):
        read_gradescope_export(root)
    roster = read_roster(root)  # read as a plain folder, with a warning
    assert roster.keys() == ["submission_1001", "submission_1002", "submission_1003"]
    assert "looks like a Gradescope export" in roster.warnings[0]


def test_plain_folder(tmp_path):
    root = tmp_path / "class"
    (root / "carol").mkdir(parents=True)
    (root / "dave.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    (root / "erin.ipynb").write_text("{}")
    (root / "frank.py").write_text("")
    (root / "gina.py").write_text("")
    (root / "gina.zip").write_bytes(b"")
    (root / ".DS_Store").write_text("")
    (root / "__MACOSX").mkdir()
    roster = read_roster(root)
    assert roster.keys() == ["carol", "dave", "erin", "frank", "gina.py", "gina.zip"]
    assert all(s.id == s.key == s.name for s in roster.students)
    assert "gina.py, gina.zip share the id gina" in roster.warnings[0]


def test_not_a_zip_or_folder(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        read_roster(tmp_path / "nothing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UserError, match="neither a folder nor a zip"):
        read_roster(tmp_path / "notes.txt")
