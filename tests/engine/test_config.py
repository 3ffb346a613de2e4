"""assignment.toml is checked whole when it is loaded: unknown keys (with their line and
the closest known key), bad values, [grading.sandbox], missing paths; and
docs/CONFIGURATION.md is what the declarations render."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradekit.config import Limits, load_assignment, load_student_folder
from gradekit.config_docs import render
from gradekit.errors import UserError
from tests.support.paths import A2, ENGINE_FIXTURES, REPO

# Every table written out as a header of its own, so a key can go under any of them.
BASE = """\
[assignment]
name = "lab"

[release]
solution_root = "reference"
student_files = ["pkg/*.py"]

[release.notebook_check]
timeout_per_cell = 60

[[release.variants]]
name = "local"

[grading]
submit = ["lab.ipynb", "pkg/a.py"]
public_checks = "checks/public"

[grading.visibility]
default = "visible"

[grading.sections.first]
title = "First part"
checks = ["1."]

[grading.sandbox]
timeout = 5

[[grading.notebooks]]
file = "lab.ipynb"
parts = [
    { kind = "complete", number = "9.1", points = 1 },
    { kind = "answered", number = "9.2", points = 1 },
]
rerun = ["a", { cell = "b", rtol = 0.1 }]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assignment.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **options: bool) -> str:
    with pytest.raises(UserError) as caught:
        load_assignment(path, **options)
    return str(caught.value)


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The 1-based number of the first line holding ``needle`` from line ``after`` on."""
    lines = text.splitlines()
    return next(n for n in range(after, len(lines)) if needle in lines[n]) + 1


def test_the_base_config_loads(tmp_path):
    assignment = load_assignment(write(tmp_path, BASE))
    assert assignment.grading.sandbox == Limits(timeout=5.0)
    assert [r.cell for r in assignment.grading.notebooks[0].rerun] == ["a", "b"]


@pytest.mark.parametrize("header,typo,label,right", [
    ("[assignment]", 'titel = "x"', "assignment", "title"),
    ("[release]", 'dist_dri = "out"', "release", "dist_dir"),
    ("[release.notebook_check]", "timeout_per_cel = 5", "release.notebook_check",
     "timeout_per_cell"),
    ("[[release.variants]]", "embed_image = true", "release.variants[0]", "embed_images"),
    ("[grading]", "time_budjet = 5", "grading", "time_budget"),
    ("[grading.visibility]", 'publik = "visible"', "grading.visibility", "public"),
    ("[grading.sections.first]", 'titl = "x"', "grading.sections.first", "title"),
    ("[grading.sandbox]", "timout = 5", "grading.sandbox", "timeout"),
    ("[[grading.notebooks]]", "max_mbs = 5", "grading.notebooks[0]", "max_mb"),
])
def test_an_unknown_key_is_refused_with_its_line_and_the_closest_key(tmp_path, header, typo,
                                                                     label, right):
    text = BASE.replace(f"{header}\n", f"{header}\n{typo}\n", 1)
    path = write(tmp_path, text)
    key = typo.split(" =")[0]
    assert error_of(path) == (f"{path}:{line_of(text, typo)}: {label}: unknown key {key!r} "
                              f"(did you mean {right!r}?)")


def test_unknown_keys_inside_inline_tables_point_at_their_own_line(tmp_path):
    text = BASE.replace('number = "9.2", points = 1', 'number = "9.2", point = 1')
    path = write(tmp_path, text)
    assert error_of(path) == (f"{path}:{line_of(text, 'point = 1')}: grading.notebooks[0]."
                              "parts[1]: unknown key 'point' (did you mean 'points'?)")
    text = BASE.replace("rtol = 0.1", "rtl = 0.1")
    assert error_of(write(tmp_path, text)).endswith(
        f":{line_of(text, 'rtl')}: grading.notebooks[0].rerun[1]: unknown key 'rtl' "
        "(did you mean 'rtol'?)")


def test_an_unknown_table_and_a_key_far_from_any_are_refused(tmp_path):
    text = BASE + "\n[relase]\nx = 1\n"
    assert error_of(write(tmp_path, text)).endswith(
        f":{line_of(text, '[relase]')}: unknown table 'relase' (did you mean 'release'?)")
    text = BASE.replace("[grading.sandbox]\n", "[grading.sandbox]\nzzz = 1\n")
    message = error_of(write(tmp_path, text))
    assert "grading.sandbox: unknown key 'zzz' (known: timeout, memory_mb," in message


def test_the_real_config_with_a_typo_names_line_and_suggestion(tmp_path):
    folder = tmp_path / "assignment" / "assignment2"
    folder.mkdir(parents=True)
    text = A2.toml.read_text(encoding="utf-8").replace("embed_images = true",
                                                        "embed_image = true")
    path = write(folder, text)
    assert error_of(path) == (f"{path}:{line_of(text, 'embed_image =')}: release.variants[1]: "
                              "unknown key 'embed_image' (did you mean 'embed_images'?)")


@pytest.mark.parametrize("old,new,message", [
    ("timeout_per_cell = 60", 'timeout_per_cell = "60"',
     "release.notebook_check.timeout_per_cell must be an integer"),
    ("timeout_per_cell = 60", "timeout_per_cell = 0",
     "release.notebook_check.timeout_per_cell must be positive"),
    ('name = "local"', 'name = "local"\nembed_images = "yes"',
     "release.variants[0].embed_images must be true or false"),
    ('name = "local"', 'name = "a/b"', "release.variants[0].name must be fit for a file name"),
    ('student_files = ["pkg/*.py"]', 'student_files = "pkg/*.py"',
     "release.student_files must be a list of strings"),
    ('default = "visible"', 'default = "soon"', "grading.visibility.default must be one of"),
    ('"complete", number = "9.1", points = 1', '"complete", number = "9.1", points = -1',
     "grading.notebooks[0].parts[0].points must be >= 0"),
    ('"answered"', '"vibes"', "grading.notebooks[0].parts[1].kind must be one of complete,"),
    ("timeout = 5", "timeout = -5", "grading.sandbox.timeout must be positive"),
    ("timeout = 5", "memory_mb = 1.5", "grading.sandbox.memory_mb must be an integer"),
    ("timeout = 5", "timeout = true", "grading.sandbox.timeout must be a number"),
    ('checks = ["1."]', 'checks = [1]', "grading.sections.first.checks must be a list of strings"),
    ('submit = ["lab.ipynb", "pkg/a.py"]', 'submit = ["lab.ipynb", "pkg/a.py"]\ndaily_limit = -1',
     "grading.daily_limit must be >= 0"),
    ('submit = ["lab.ipynb", "pkg/a.py"]', 'submit = ["lab.ipynb", "pkg/a.py"]\nday_zone = "Mars"',
     "grading.day_zone must be a time zone this machine knows"),
])
def test_bad_values_are_refused_with_file_line_and_key(tmp_path, old, new, message):
    text = BASE.replace(old, new, 1)
    path = write(tmp_path, text)
    found = re.fullmatch(rf"{re.escape(str(path))}:(\d+): (.*)", error_of(path))
    assert found and found.group(2).startswith(message), error_of(path)
    assert int(found.group(1)) == line_of(text, new.splitlines()[-1])


def test_a_sandbox_typo_is_refused_at_load_not_at_grade_time(tmp_path):
    """The grader reads the limits from the loaded config, so a release cannot ship one."""
    text = BASE.replace("timeout = 5", "timout = 5")
    path = write(tmp_path, text)
    done = subprocess.run([sys.executable, "-m", "gradekit", "release", str(path),
                           "--template-only"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (f"gradekit: error: {path}:{line_of(text, 'timout')}: "
                           "grading.sandbox: unknown key 'timout' (did you mean 'timeout'?)\n")


def test_a_missing_key_names_its_table(tmp_path):
    text = BASE.replace('file = "lab.ipynb"\n', "")
    path = write(tmp_path, text)
    assert error_of(path) == (f"{path}:{line_of(text, '[[grading.notebooks]]')}: "
                              "missing key grading.notebooks[0].file")


# ---------------------------------------------------------------- paths


@pytest.fixture()
def release_copy(tmp_path: Path) -> Path:
    """A copy of the release fixture (every path it names exists); its config's path."""
    shutil.copytree(ENGINE_FIXTURES / "release", tmp_path / "a")
    return tmp_path / "a" / "assignment" / "assignment.toml"


def test_every_path_of_the_fixture_exists(release_copy):
    assert load_assignment(release_copy, check_paths=True).release is not None


@pytest.mark.parametrize("remove,key", [
    ("reference", "release.solution_root: reference does not exist"),
    ("assignment/Norms.ipynb", "release.notebooks: assignment/Norms.ipynb does not exist"),
    ("assignment/diagram.png",
     "release.extra_files.assignment/diagram.png: assignment/diagram.png does not exist"),
    ("assignment/cloud_cell.py",
     "release.variants[1].first_cell: assignment/cloud_cell.py does not exist"),
    ("assignment/i18n/fr.toml",
     "release.variants[2].translations: assignment/i18n/fr.toml does not exist"),
    ("assignment/readme/fr.md", "release.variants[2].readme: assignment/readme/fr.md does not"),
    ("checks", "grading.checks: checks does not exist"),
    ("checks/public", "grading.public_checks: checks/public does not exist"),
])
def test_a_missing_path_is_one_line_naming_the_key(release_copy, remove, key):
    root = release_copy.parents[1]
    target = root / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    load_assignment(release_copy)  # the grader's load does not look
    message = error_of(release_copy, check_paths=True)
    assert re.fullmatch(rf"{re.escape(str(release_copy))}:\d+: {re.escape(key)}.*; fix the "
                        r"path, or create the (file|folder|file or folder)", message), message


def test_a_glob_matching_nothing_is_refused_when_paths_are_checked(release_copy):
    text = release_copy.read_text().replace('"vecops/fetch_data.sh"', '"vecops/*.pyx"')
    release_copy.write_text(text)
    assert error_of(release_copy, check_paths=True).endswith(
        f":{line_of(text, 'student_files')}: release.student_files: 'vecops/*.pyx' matches no "
        f"file under {release_copy.parents[1] / 'reference'}; fix the pattern or remove it")


def test_the_release_command_reports_a_missing_folder_in_one_line(release_copy):
    shutil.rmtree(release_copy.parents[1] / "checks")
    done = subprocess.run([sys.executable, "-m", "gradekit", "release",
                           "assignment/assignment.toml", "--template-only"],
                          cwd=release_copy.parents[1], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("gradekit: error: assignment/assignment.toml:")
    assert "grading.checks: checks does not exist" in done.stderr


# ---------------------------------------------------------------- the real configs


def test_the_real_assignment2_config_loads_with_every_path():
    assignment = load_assignment(A2.toml, check_paths=True)
    assert assignment.name == "assignment2"
    assert [v.name for v in assignment.release.variants] == ["jupyter", "colab", "zh-CN"]
    assert assignment.release.variants[1].embed_images
    assert assignment.grading.sandbox == Limits(packages=("torch", "scipy"))  # the PyTorch notebook
    assert assignment.grading.extras == ("assignment2",)
    assert assignment.grading.checks == REPO / "autograder" / "assignment2"


def test_the_student_folder_config_loads_without_release():
    assignment = load_student_folder(A2.template, "check")
    assert assignment.release is None and assignment.grading.sections
    assert load_assignment(A2.template / "assignment.toml", check_paths=True).grading


def test_a_student_folder_without_public_checks_still_loads(tmp_path):
    """gradekit collect needs no checks: a folder lacking them is not a config error."""
    write(tmp_path, '[assignment]\nname = "Lab"\nroot = "."\n[grading]\nsubmit = ["a.py"]\n'
                    'public_checks = "public_checks"\n')
    assert load_student_folder(tmp_path, "collect").grading.submit == ("a.py",)


# ---------------------------------------------------------------- the docs


def test_the_committed_configuration_docs_are_what_the_declarations_render():
    committed = (REPO / "docs" / "CONFIGURATION.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/CONFIGURATION.md is out of date: run make docs"


def test_the_docs_cover_every_table_and_key():
    text = render()
    for header in ("[assignment]", "[release]", "[release.notebook_check]",
                   "[[release.variants]]", "[grading]", "[grading.visibility]",
                   "[grading.sections.NAME]", "[[grading.notebooks]]", "[grading.sandbox]"):
        assert f"## `{header}`" in text
    for key in ("embed_images", "timeout_per_cell", "startup_timeout", "skip_imports",
                "hand_in_also", "small"):
        assert f"- **`{key}`**" in text


def test_an_unknown_subtable_points_at_its_header(tmp_path):
    text = BASE + "\n[grading.sandboxx]\ntimeout = 1\n"
    assert error_of(write(tmp_path, text)).endswith(
        f":{line_of(text, '[grading.sandboxx]')}: grading: unknown key 'sandboxx' "
        "(did you mean 'sandbox'?)")


def test_optional_files_must_be_handed_in_files(tmp_path):
    text = BASE.replace("[grading]\n", "[grading]\noptional = [\"other.ipynb\"]\n", 1)
    assert "optional = [" in text
    message = error_of(write(tmp_path, text))
    assert "grading.optional: other.ipynb not in grading.submit" in message


def test_optional_files_are_read(tmp_path):
    text = BASE.replace("[grading]\n", "[grading]\noptional = [\"lab.ipynb\"]\n", 1)
    assert load_assignment(write(tmp_path, text)).grading.optional == ("lab.ipynb",)
    assert load_assignment(write(tmp_path, BASE)).grading.optional == ()
