"""The grading entry point, the pytest plugin and the commands, on the toy assignment.

The toy assignment (tests/fixtures/toy_assignment) has nothing to do with any course: a
``toy`` package of small array functions, a reference, hidden and public checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gradekit.grading import grade as grading
from gradekit.grading.checks import INTERNAL
from gradekit.config import load_assignment
from gradekit.errors import UserError
from gradekit.grading.grade import GRADER_FAULT, grade_submission
from tests.support.paths import ENGINE_FIXTURES, REPO
from tests.support.results_validation import validate

TOY = ENGINE_FIXTURES / "toy_assignment"
ALL = {"0.1", "0.2", "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2"}


@pytest.fixture(scope="module")
def toy():
    return load_assignment(TOY / "assignment" / "assignment.toml")


def copy_toy(tmp_path: Path) -> Path:
    """A private copy of the toy assignment to modify."""
    target = tmp_path / "toy"
    shutil.copytree(TOY, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def submission(tmp_path: Path, **replace: str) -> Path:
    """The reference solution with some functions' source replaced (by module name)."""
    folder = tmp_path / "submission"
    shutil.copytree(TOY / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module, extra in replace.items():
        path = folder / "toy" / f"{module}.py"
        path.write_text(path.read_text() + "\n\n" + extra)
    return folder


def by_number(result):
    return {check.number: check for check in result.checks}


@pytest.mark.confined
def test_reference_scores_full_marks_and_results_json_is_valid(toy, tmp_path):
    results = tmp_path / "results" / "results.json"
    result = grade_submission(TOY / "solutions", toy, results_path=results, seed=5)
    assert {c.number for c in result.checks} == ALL
    assert all(c.passed for c in result.checks), result.table()
    assert result.score == result.max_score == 13 and result.exit_code() == 0
    document = validate(json.loads(results.read_text()))
    assert document["score"] == 13 and document["extra_data"]["seed"] == 5
    assert document["tests"][0]["number"] == "0.1"
    assert {t["visibility"] for t in document["tests"]} == {"visible", "hidden", "after_due_date"}
    # Hidden checks ran with a confined worker (never with the grader's own identity).
    assert document["extra_data"]["confinement"] in ("bwrap", "account")
    # The profile of where the time went (bench/profile_grade.py prints it).
    profile = document["extra_data"]["profile"]
    assert {"intake", "pytest: start, collection, teardown", "checks: student calls",
            "worker start"} <= set(profile["phases"])
    assert profile["phases"]["checks: student calls"]["count"] == document["extra_data"]["calls"]
    assert profile["phases"]["worker start"]["worker_cpu"] > 0
    assert set(profile["items"]) == ALL


@pytest.mark.confined
def test_skeleton_scores_zero_with_a_message_per_check(toy):
    result = grade_submission(TOY / "student_template", toy, seed=5)
    assert {c.number for c in result.checks} == ALL
    assert result.score == 0 and result.exit_code() == 1
    for check in result.checks:
        assert check.output and "Traceback" not in check.output and "def test_" not in check.output
    assert "returned None" in by_number(result)["1.1"].output


@pytest.mark.confined
def test_a_missing_file_costs_only_its_checks_without_running_them(toy, tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(TOY / "solutions" / "toy" / "ops.py", "hw/toy/ops.py")
    result = grade_submission(archive, toy, seed=5)
    checks = by_number(result)
    for number in ("0.2", "2.1", "2.2"):
        assert checks[number].score == 0
        assert checks[number].output == "needs toy/stats.py, which is not in your submission"
    assert all(checks[n].passed for n in ALL - {"0.2", "2.1", "2.2"})
    assert "Missing: toy/stats.py" in result.output


@pytest.mark.confined
def test_an_optional_file_left_out_costs_its_checks_with_one_calm_line(tmp_path):
    toy_copy = copy_toy(tmp_path)
    config = toy_copy / "assignment" / "assignment.toml"
    config.write_text(config.read_text().replace(
        'submit = ["toy/ops.py", "toy/stats.py"]\n',
        'submit = ["toy/ops.py", "toy/stats.py"]\noptional = ["toy/stats.py"]\n'))
    optional_toy = load_assignment(config)
    assert optional_toy.grading.optional == ("toy/stats.py",)
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(TOY / "solutions" / "toy" / "ops.py", "hw/toy/ops.py")
    result = grade_submission(archive, optional_toy, seed=5)
    checks = by_number(result)
    for number in ("0.2", "2.1", "2.2"):
        assert checks[number].score == 0
        assert checks[number].output == "toy/stats.py: not handed in (optional)"
    assert all(checks[n].passed for n in ALL - {"0.2", "2.1", "2.2"})
    assert "toy/stats.py: not handed in (optional)" in result.output.splitlines()
    assert "Missing" not in result.output and "not in your submission" not in result.table()
    assert result.extra["files"]["missing"] == []
    assert result.extra["files"]["not_handed_in"] == ["toy/stats.py"]


@pytest.mark.confined
def test_partial_credit(toy, tmp_path):
    uniform = "def softmax(x):\n    return np.full(x.shape, 1.0 / x.shape[1])\n"
    result = grade_submission(submission(tmp_path, ops=uniform), toy, seed=5)
    check = by_number(result)["1.3"]
    assert check.score == 1 and check.max_score == 2 and not check.passed
    assert check.output.startswith("rows sum to one\nsoftmax(x) differs from the expected")
    assert sum(c.score for c in result.checks) == 12


@pytest.mark.confined
def test_student_exceptions_and_timeouts_are_explained(toy, tmp_path):
    ops = ("def scale(x, factor):\n    return helper(x)\n\n\ndef helper(x):\n"
           "    raise ValueError('my bug')\n\n\ndef center_(x):\n    while True:\n        pass\n")
    result = grade_submission(submission(tmp_path, ops=ops), toy, seed=5)
    checks = by_number(result)
    assert checks["1.1"].output.startswith("toy.ops.scale raised ValueError: my bug\n"
                                           '  File "toy/ops.py"')
    assert "in helper" in checks["1.1"].output
    assert checks["1.2"].output == "toy.ops.center_ timed out after 2 s"
    assert checks["1.3"].passed and checks["2.2"].passed


def test_public_only_needs_no_reference(tmp_path):
    copy = copy_toy(tmp_path)
    shutil.rmtree(copy / "solutions")
    toml = copy / "assignment" / "assignment.toml"
    toml.write_text(toml.read_text().replace('reference_root = "solutions"\n', ""))
    assignment = load_assignment(toml)
    result = grade_submission(TOY / "solutions", assignment, public_only=True, seed=1)
    assert {c.number for c in result.checks} == {"0.1", "0.2"}
    assert result.all_passed
    with pytest.raises(UserError, match="reference_root"):
        grade_submission(TOY / "solutions", assignment, seed=1)


@pytest.mark.confined
def test_same_seed_same_grade(toy, tmp_path):
    broken = "def scale(x, factor):\n    return x * factor + (x[0, 0] > 0)\n"
    folder = submission(tmp_path, ops=broken)
    first = grade_submission(folder, toy, seed=99)
    second = grade_submission(folder, toy, seed=99)
    assert by_number(first)["1.1"].output == by_number(second)["1.1"].output
    assert first.seed == 99


@pytest.mark.confined
def test_bugs_in_checks_are_internal_errors_for_staff(tmp_path):
    copy = copy_toy(tmp_path)
    checks = copy / "autograder" / "test_stats.py"
    checks.write_text(checks.read_text().replace(
        "    want = reference.module", "    undefined_name_in_check()\n    want = reference.module"))
    (copy / "autograder" / "test_broken_import.py").write_text(
        "import pytest\nimport no_such_module_anywhere\n\n\n"
        "@pytest.mark.grade(number='9.1', points=4, visibility='hidden')\n"
        "def test_x(student):\n    \"\"\"Never runs.\"\"\"\n")
    checks.write_text(checks.read_text() + (
        "\n\n@pytest.mark.grade(number='2.9', points='three')\n"
        "def test_bad_mark(student):\n    \"\"\"Bad mark.\"\"\"\n"))
    public = copy / "autograder" / "public" / "test_public.py"
    public.write_text(public.read_text() + (
        "\n\n@pytest.mark.grade(number='0.9', points=1, visibility='visible')\n"
        "def test_peek(student, reference):\n    \"\"\"Uses the reference.\"\"\"\n"))
    result = grade_submission(TOY / "solutions", load_assignment(
        copy / "assignment" / "assignment.toml"), seed=3)
    checks = by_number(result)
    for number in ("2.1", "9.1", "0.9"):
        assert checks[number].output == INTERNAL and checks[number].score == 0
    assert checks["9.1"].name == "Never runs." and checks["9.1"].max_score == 4
    assert checks["2.2"].passed and checks["1.1"].passed
    log = "\n".join(result.staff_log)
    assert "undefined_name_in_check" in log and "no_such_module_anywhere" in log
    assert "may not use `reference`" in log
    assert re.search(r"test_stats\.py:\d+: grade mark needs points=", log)
    assert "undefined_name_in_check" not in json.dumps([c.output for c in result.checks])


@pytest.mark.confined
def test_a_grader_crash_still_writes_a_valid_fallback(toy, tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("grader bug")

    monkeypatch.setattr(grading, "_run_checks", explode)
    results = tmp_path / "results.json"
    result = grade_submission(TOY / "solutions", toy, results_path=results, seed=8)
    assert result.exit_code() == 2 and "internal error (RuntimeError)" in result.error
    document = validate(json.loads(results.read_text()))
    assert document["score"] == 0
    assert {t["number"] for t in document["tests"]} == ALL
    assert "grader bug" in document["extra_data"]["staff_log"][0]


def test_a_sandbox_setting_is_checked_when_the_config_is_loaded(tmp_path):
    copy = copy_toy(tmp_path)
    toml = copy / "assignment" / "assignment.toml"
    toml.write_text(toml.read_text().replace("timeout = 2.0", 'timeout = "soon"'))
    with pytest.raises(UserError, match=r"assignment.toml:15: grading.sandbox.timeout must be "
                                        "a number"):
        load_assignment(toml)


def test_user_errors_write_a_fallback_and_are_raised(tmp_path):
    copy = copy_toy(tmp_path)
    assignment = load_assignment(copy / "assignment" / "assignment.toml")
    shutil.rmtree(copy / "autograder")  # gone after the config was read
    results = tmp_path / "results.json"
    with pytest.raises(UserError, match="no checks at "):
        grade_submission(TOY / "solutions", assignment, results_path=results)
    assert validate(json.loads(results.read_text()))["score"] == 0


@pytest.mark.confined
def test_files_others_write_next_to_results_survive_the_grade(toy, tmp_path):
    """Only what the sandbox's accounts wrote is removed; another job's files stay."""
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "kept.txt").write_text("was here before")

    def other_job(check):
        (folder / f"other-job-{check.number}.json").write_text("{}")

    grade_submission(TOY / "solutions", toy, results_path=folder / "results.json",
                     on_result=other_job, seed=1)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["kept.txt", "results.json"] + [f"other-job-{n}.json" for n in ALL])


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradekit", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.mark.confined
def test_grade_command_json_table_and_exit_codes(tmp_path):
    toml = str(TOY / "assignment" / "assignment.toml")
    done = run_cli("grade", str(TOY / "solutions"), "--assignment", toml, "--json", "--seed", "4")
    assert done.returncode == 0, done.stderr
    assert validate(json.loads(done.stdout))["score"] == 13
    done = run_cli("grade", str(TOY / "student_template"), "--assignment", toml,
                   "--results", str(tmp_path / "r.json"))
    assert done.returncode == 1
    assert "FAILED" in done.stdout and "0/13" in done.stdout
    assert validate(json.loads((tmp_path / "r.json").read_text()))["score"] == 0
    done = run_cli("grade", str(tmp_path / "missing.zip"), "--assignment", toml)
    assert done.returncode == 2 and "no such file or folder" in done.stderr
    assert "Traceback" not in done.stderr


def student_folder(tmp_path: Path) -> Path:
    """What a student unzips: the package, the public checks and assignment.toml."""
    folder = tmp_path / "Toy"
    shutil.copytree(TOY / "solutions" / "toy", folder / "toy")
    shutil.copytree(TOY / "autograder" / "public", folder / "public_checks")
    (folder / "assignment.toml").write_text(
        '[assignment]\nname = "Toy"\nroot = "."\n\n[grading]\n'
        'submit = ["toy/ops.py", "toy/stats.py"]\npublic_checks = "public_checks"\n'
        'support_root = "."\n')
    return folder


def test_student_check_command(tmp_path):
    folder = student_folder(tmp_path)
    done = run_cli("check", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0.1" in done.stdout and "All of them passed" in done.stdout
    ops = folder / "toy" / "ops.py"
    ops.write_text(ops.read_text().replace("return x * factor", "return x + factor"))
    done = run_cli("check", cwd=folder)
    assert done.returncode == 1
    assert "scale(x, 2.0) should be 2 * x" in done.stdout and "FAILED" in done.stdout
    done = run_cli("check", str(tmp_path))
    assert done.returncode == 2 and "no assignment.toml" in done.stderr


def test_student_grading_path_is_light(tmp_path):
    folder = student_folder(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from gradekit.config import load_assignment\n"
        "from gradekit.grading.grade import grade_submission\n"
        f"folder = Path({str(folder)!r})\n"
        "result = grade_submission(folder, load_assignment(folder / 'assignment.toml'),"
        " public_only=True)\n"
        "assert result.all_passed, result.table()\n"
        "heavy = [m for m in ('nbformat', 'jsonschema', 'nbclient', 'matplotlib')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


BLOCKED_IMPORTS = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('nbformat', 'jsonschema', 'nbclient', 'matplotlib'):
            raise ImportError('not installed on a student machine: ' + name)
sys.meta_path.insert(0, Block())
from gradekit.cli import main
sys.exit(main(['check', sys.argv[1]]))
"""


def test_check_command_needs_only_numpy_and_pytest(tmp_path):
    folder = student_folder(tmp_path)
    done = subprocess.run([sys.executable, "-c", BLOCKED_IMPORTS, str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.confined
def test_a_sandbox_that_cannot_start_fails_the_grade_not_the_student(toy, tmp_path, monkeypatch):
    from gradekit.sandbox.controller import Sandbox, SandboxError

    def refuse(self):
        raise SandboxError("the sandbox cannot start: test")

    monkeypatch.setattr(Sandbox, "wait_ready", refuse)
    results = tmp_path / "results.json"
    result = grade_submission(TOY / "solutions", toy, results_path=results, seed=2)
    assert result.exit_code() == 2 and result.error == GRADER_FAULT  # not your code's fault
    assert any("cannot start: test" in line for line in result.staff_log)  # staff: the why
    assert {c.number for c in result.checks} == ALL and result.score == 0
    assert all(c.output.startswith("not run") for c in result.checks)
    assert validate(json.loads(results.read_text()))["score"] == 0


@pytest.mark.confined
def test_a_worker_that_fails_to_start_once_is_started_again(toy, monkeypatch):
    """A worker start the grader's machine failed (nothing of the student's ran yet) is
    tried again: the grade is whole, and staff read what happened."""
    from gradekit.sandbox import launch
    from gradekit.sandbox.controller import SandboxError

    real, failed = launch.start_worker, []

    def flaky(*args, **kwargs):
        if not failed:
            failed.append(1)
            raise SandboxError("the sandbox cannot start: a passing hiccup")
        return real(*args, **kwargs)

    monkeypatch.setattr(launch, "start_worker", flaky)
    result = grade_submission(TOY / "solutions", toy, seed=2)
    assert result.error is None and result.score == result.max_score
    assert any("started again: the sandbox cannot start: a passing hiccup" in line
               for line in result.staff_log)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_check_as_root_uses_and_creates_no_sandbox_account(toy, monkeypatch):
    """A student running ``check`` as root (a dev container, conda in /root) runs the public
    checks with their own identity: no account is looked up, none is created."""
    from gradekit.sandbox import accounts

    def refuse(*_args):
        raise AssertionError("check asked for a sandbox account")

    monkeypatch.setattr(accounts, "account", refuse)
    monkeypatch.setattr(accounts, "_create", refuse)
    result = grade_submission(TOY / "solutions", toy, own_code=True, seed=1)
    assert result.error is None, result.error
    assert result.checks and all(c.passed for c in result.checks), result.table()
    assert result.extra["confinement"] in ("bwrap", "none")


@pytest.mark.confined
def test_feedback_for_a_syntax_error_names_it_first_and_once(toy, tmp_path):
    folder = submission(tmp_path, ops="def broken(:\n")
    table = grade_submission(folder, toy, seed=3).table()
    first = table.splitlines()[0]
    assert first.startswith("Your code does not import: SyntaxError: invalid syntax (ops.py")
    assert table.count("def broken(:") == 1
    assert re.search(r"\.\.\. and 5 more with the same message \(1\.1, 1\.2", table), table


def test_feedback_for_an_empty_hand_in_leads_with_the_missing_files(toy, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    table = grade_submission(empty, toy, public_only=True, seed=3).table()
    lines = table.splitlines()
    assert lines[:3] == ["Missing: toy/ops.py", "Missing: toy/stats.py",
                         "Found 0 of 2 expected files."], table
    assert table.count("which is not in your submission") <= 2
