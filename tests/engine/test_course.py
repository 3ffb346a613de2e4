"""gradekit.course: assignments found by name, never guessed between; every check
belongs to one assignment, the one whose folder holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.course import check_course, config_path, course_configs, find_config, resolve
from gradekit.errors import UserError

CONFIG = """[assignment]
title = "{name}"

[grading]
submit = ["pkg/{name}.py"]
{extra}"""


def add(course: Path, name: str, extra: str = "") -> Path:
    folder = course / "assignment" / name
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(CONFIG.format(name=name, extra=extra))
    for sub in (f"autograder/{name}/public", f"solutions/{name}"):
        (course / sub).mkdir(parents=True, exist_ok=True)
    return folder / "assignment.toml"


def test_names_resolve_to_their_configs(tmp_path):
    one, two = add(tmp_path, "one"), add(tmp_path, "two")
    assert course_configs(tmp_path) == {"one": one, "two": two}
    assert resolve("two", tmp_path) == two
    assert resolve(str(one), tmp_path) == one
    assert resolve(str(one.parent), tmp_path) == one.parent / "assignment.toml"


def test_the_course_layout_gives_names_and_folders(tmp_path):
    assignment = load_assignment(add(tmp_path, "one"))
    assert assignment.name == "one" and assignment.root == tmp_path.resolve()
    grading = assignment.grading
    assert grading.checks == tmp_path.resolve() / "autograder" / "one"
    assert grading.public_checks == tmp_path.resolve() / "autograder" / "one" / "public"
    assert grading.reference_root == tmp_path.resolve() / "solutions" / "one"


def test_a_name_other_than_the_folders_is_refused(tmp_path):
    path = add(tmp_path, "one")
    path.write_text(path.read_text().replace('[assignment]\n', '[assignment]\nname = "uno"\n'))
    with pytest.raises(UserError, match="'uno' must be the name of its folder, 'one'"):
        load_assignment(path)


def test_several_assignments_are_never_guessed_between(tmp_path):
    add(tmp_path, "one")
    assert find_config(None, tmp_path) == tmp_path / "assignment" / "one" / "assignment.toml"
    add(tmp_path, "two")
    with pytest.raises(UserError, match=r"2 assignments \(one, two\); say which with "
                                        "--assignment NAME"):
        find_config(None, tmp_path)
    with pytest.raises(UserError, match="three: no such assignment.*one, two"):
        resolve("three", tmp_path)


def test_no_assignment_at_all_says_where_it_looked(tmp_path):
    with pytest.raises(UserError, match="no assignment here .*--assignment"):
        config_path(None, tmp_path)


def test_two_assignments_claiming_one_checks_folder_are_refused(tmp_path):
    one = load_assignment(add(tmp_path, "one"))
    two = load_assignment(add(tmp_path, "two", 'checks = "autograder/one/extra"\n'))
    (tmp_path / "autograder" / "one" / "extra").mkdir()
    check_course([one])
    with pytest.raises(UserError, match="two assignments would claim the same checks"):
        check_course([one, two])
