"""Staff commands on hostile class input: one task line per submission whatever its name
holds, and ``submission_metadata.yml`` read within bounds (size, depth, aliases)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import pytest

from gradekit.classwork import roster as roster_module
from gradekit.classwork.inbox import read_inbox
from gradekit.classwork.roster import parse_metadata, read_roster
from gradekit.errors import UserError
from gradekit.classwork.tasks import emit_tasks
from gradekit.config import load_assignment
from tests.support.paths import REPO, TOY

NAMES = ["plain", "new\nline", "carriage\rreturn", "sep\u2028arator", "q'uo\"te",
         "$(touch PWNED)", "semi;colon && touch PWNED2", "`touch PWNED3`", "spa ce",
         "tab\there"]
SAFE = ["plain", "q'uo\"te", "$(touch PWNED)", "semi;colon && touch PWNED2",
        "`touch PWNED3`", "spa ce"]


def _solution(target):
    shutil.copytree(TOY / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))


def test_emitted_tasks_are_one_line_per_submission_whatever_the_name(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    for name in NAMES:
        _solution(klass / name)
    assignment = load_assignment(TOY / "assignment" / "assignment.toml")
    tasks, out = tmp_path / "tasks.sh", tmp_path / "out"
    count, warnings = emit_tasks(klass, out, assignment, tasks, program=["true"])
    text = tasks.read_text()
    lines = text.split("\n")[:-1]
    assert count == len(lines) == len(SAFE)
    # every way a tool splits lines sees the same lines
    assert text.splitlines() == lines
    sources = [shlex.split(line)[2] for line in lines]
    assert sorted(sources) == sorted(str((klass / name).resolve()) for name in SAFE)
    for name in set(NAMES) - set(SAFE):
        notes = [w for w in warnings if w.startswith(repr(name))]
        assert len(notes) == 1 and "not emitted" in notes[0] and "\n" not in notes[0], name
    # run as a line-based scheduler would: nothing in a name is executed
    work = tmp_path / "cwd"
    work.mkdir()
    for index in range(1, len(lines) + 1):
        done = subprocess.run(["bash", "-c", f'sed -n "{index}p" {shlex.quote(str(tasks))} '
                               "| bash"], cwd=work, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == []


def test_the_cli_warns_about_a_refused_name(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    _solution(klass / "good")
    _solution(klass / "bad\nname")
    tasks = tmp_path / "tasks.sh"
    done = subprocess.run([sys.executable, "-m", "gradekit", "grade-class", str(klass),
                           str(tmp_path / "out"), "--assignment",
                           str(TOY / "assignment" / "assignment.toml"), "--emit-tasks",
                           str(tasks)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "'bad\\nname': not emitted" in done.stdout
    assert "1 commands" in done.stdout
    assert len(tasks.read_text().splitlines()) == 1


# ---------------------------------------------------------------- submission_metadata.yml
def _bomb(levels: int, width: int = 9) -> str:
    """An alias bomb: ``width ** levels`` values from a few hundred bytes."""
    rows = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        rows.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(rows)


def _export(root, metadata: str):
    root.mkdir()
    (root / "submission_metadata.yml").write_text(metadata)
    for key in ("submission_1", "submission_2"):
        _solution(root / key)
    return root


GOOD_ENTRY = "submission_2:\n  :submitters:\n  - :name: Ada\n    :sid: '1'\n"


def test_an_alias_bomb_is_refused_and_the_class_still_listed(tmp_path):
    bomb = _bomb(7)  # 9**7 = 4.8 million values expanded
    metadata = ("bombs:\n" + "\n".join("  " + row for row in bomb.splitlines()) + "\n"
                "submission_1:\n  :submitters:\n  - :name: Eve\n  :history: *l7\n" + GOOD_ENTRY)
    export = _export(tmp_path / "export", metadata)
    inbox = read_inbox(export)
    assert [s.key for s in inbox.submissions] == ["submission_1", "submission_2"]
    assert any("submission_metadata.yml" in w and "alias bomb" in w for w in inbox.warnings)
    with pytest.raises(UserError, match="submission_metadata.yml"):
        parse_metadata(metadata, "submission_metadata.yml")


@pytest.mark.parametrize("metadata, why", [
    ("a: &a [*a]\n", "refers to a value that holds it"),
    ("x: " + "[" * 200 + "]" * 200 + "\n", "nested deeper"),
])
def test_recursive_and_deep_metadata_refused(metadata, why):
    with pytest.raises(UserError, match=why):
        parse_metadata(metadata, "submission_metadata.yml")


def test_many_aliases_and_a_large_file_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_module, "MAX_METADATA_ALIASES", 5)
    with pytest.raises(UserError, match="more than 5 aliases"):
        parse_metadata("a: &a 1\nb: [" + ", ".join(["*a"] * 6) + "]\n", "meta.yml")
    monkeypatch.setattr(roster_module, "MAX_METADATA_BYTES", 100)
    export = _export(tmp_path / "export", GOOD_ENTRY + "#" * 200 + "\n")
    roster = read_roster(export)
    assert roster.keys() == ["submission_1", "submission_2"]
    assert "larger than 100 bytes" in roster.warnings[0]
    assert str(export / "submission_metadata.yml") in roster.warnings[0]


def test_ordinary_metadata_still_read(tmp_path):
    roster = read_roster(_export(tmp_path / "export", "submission_1:\n  :submitters:\n"
                                 "  - &eve\n    :name: Eve\n    :sid: '5'\n" + GOOD_ENTRY))
    assert [s.name for s in roster.students] == ["Eve", "Ada"]
    assert roster.warnings == []
