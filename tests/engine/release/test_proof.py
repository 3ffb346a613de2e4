"""The release proves itself before it writes anything (gradekit/release/proof.py).

Each failing case is a small course built in tmp_path (one assignment, ``tiny``) with
one thing broken; the real assignment2 must prove.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.release.builder import Release, plan_dist
from gradekit.release.proof import ProofFailed, prove
from tests.support.paths import A2, REPO

START = "# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"
END = "# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"

CONFIG = """\
[assignment]
title = "Tiny"
version = "1"

[release]
student_files = ["calc/*.py"]

[[release.variants]]
name = "local"

[grading]
submit = ["calc/ops.py"]
"""

OPS = f"""\
def double(x):
    \"\"\"Return 2 * x.\"\"\"
    result = None
    {START}
    result = 2 * x
    {END}
    return result


def square(x):
    \"\"\"Return x * x.\"\"\"
    result = None
    {START}
    result = x * x
    {END}
    return result
"""

HIDDEN = """\
import pytest

from gradekit.grading.checks import CheckFailed

OPS = ["calc/ops.py"]


@pytest.mark.grade(number="1.1", points=2, files=OPS)
def test_double(student):
    \"\"\"double: twice its argument.\"\"\"
    got = student.call("calc.ops.double", 3).value
    if got != 6:
        raise CheckFailed(f"double(3) should be 6, not {got!r}")


@pytest.mark.grade(number="1.2", points=3, files=OPS)
def test_square(student):
    \"\"\"square: its argument times itself.\"\"\"
    got = student.call("calc.ops.square", 4).value
    if got != 16:
        raise CheckFailed(f"square(4) should be 16, not {got!r}")
"""

PUBLIC = """\
import pytest

from gradekit.grading.checks import CheckFailed


@pytest.mark.grade(number="0.1", points=1, files=["calc/ops.py"])
def test_double_zero(student):
    \"\"\"double: of zero is zero.\"\"\"
    if student.call("calc.ops.double", 0).value != 0:
        raise CheckFailed("double(0) should be 0")
"""


def course(root: Path, ops: str = OPS, hidden: str = HIDDEN, public: str = PUBLIC) -> Path:
    """A course with one assignment, ``tiny``, at ``root``; return its config path."""
    files = {
        "assignment/tiny/assignment.toml": CONFIG,
        "solutions/tiny/calc/__init__.py": "",
        "solutions/tiny/calc/ops.py": ops,
        "autograder/tiny/test_ops.py": hidden,
        "autograder/tiny/public/test_public_ops.py": public,
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root / "assignment/tiny/assignment.toml"


def proof_of(config: Path):  # type: ignore[no-untyped-def]
    release = Release(load_assignment(config))
    return prove(release, plan_dist(release))


def release_command(root: Path, *args: str) -> subprocess.CompletedProcess:
    env_path = f"{REPO}"
    return subprocess.run([sys.executable, "-m", "gradekit", "release", "tiny", *args],
                          cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONPATH": env_path,
                               "HOME": str(root)})


@pytest.mark.confined
def test_a_tiny_course_proves_and_says_so(tmp_path):
    proof = proof_of(course(tmp_path))
    assert (proof.reference, proof.full, proof.checks, proof.template) == (6, 6, 3, 0)
    assert proof.summary().startswith("tiny: proved: reference 6/6 on 3 checks, template 0, ")
    assert proof.warnings == []


def test_a_solution_region_that_does_not_parse_stops_the_release_and_writes_nothing(tmp_path):
    broken = OPS.replace("result = x * x", "result = x * (x")
    course(tmp_path, ops=broken)
    done = release_command(tmp_path)
    assert done.returncode == 2, done.stdout
    line = broken.splitlines().index("    result = x * (x") + 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"solutions/tiny/calc/ops.py:{line}: the solution does not parse" in lines[0]
    assert not (tmp_path / "dist").exists()
    assert not (tmp_path / "student_template").exists()


def test_no_proof_skips_it(tmp_path):
    course(tmp_path, ops=OPS.replace("result = x * x", "result = x + x"))
    done = release_command(tmp_path, "--no-proof")
    assert done.returncode == 0, done.stderr
    assert "proved" not in done.stdout
    assert (tmp_path / "dist/tiny/autograder.zip").is_file()


def test_the_release_prints_the_proof_and_writes_the_zips(tmp_path):
    course(tmp_path)
    done = release_command(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tiny: proved: reference 6/6 on 3 checks, template 0," in done.stdout
    assert (tmp_path / "dist/tiny/autograder.zip").is_file()


@pytest.mark.confined
def test_a_reference_that_fails_a_check_stops_it_naming_the_check(tmp_path):
    config = course(tmp_path, ops=OPS.replace("result = x * x", "result = x + x"))
    with pytest.raises(ProofFailed, match=r"reference scores 0/3 on check 1\.2 \(square: "
                                          r"its argument times itself\.\) in 3 tries: "
                                          r".*square\(4\) should be 16"):
        proof_of(config)


@pytest.mark.confined
def test_a_template_that_scores_stops_it(tmp_path):
    # double's result is computed outside the region: the stripped copy still earns it.
    given = OPS.replace(f"    result = None\n    {START}\n    result = 2 * x\n",
                        f"    result = 2 * x\n    {START}\n    pass\n", 1)
    config = course(tmp_path, ops=given)
    with pytest.raises(ProofFailed, match=r"template scores 1/1 on check 0\.1"):
        proof_of(config)


@pytest.mark.confined
def test_a_check_helper_the_zip_lacks_stops_it(tmp_path):
    # The helper lies beside the checks folder, not in it: the repository has it, the
    # autograder zip does not.
    helper = tmp_path / "autograder" / "shared" / "expected.py"
    helper.parent.mkdir(parents=True)
    helper.write_text("DOUBLE_OF_THREE = 6\n", encoding="utf-8")
    hidden = HIDDEN.replace(
        "import pytest\n",
        "import sys\nfrom pathlib import Path\n\nimport pytest\n\n"
        "sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'shared'))\n"
        "from expected import DOUBLE_OF_THREE  # noqa: E402\n", 1)
    config = course(tmp_path, hidden=hidden)
    with pytest.raises(ProofFailed, match=r"check 1\.1 .*autograder/tiny/test_ops\.py could not be "
                                          r"imported from autograder\.zip: .*expected"):
        proof_of(config)


def test_duplicate_check_numbers_stop_it(tmp_path):
    config = course(tmp_path, public=PUBLIC.replace('number="0.1"', 'number="1.2"'))
    with pytest.raises(ProofFailed, match=r"autograder/tiny/(public/test_public_ops|test_ops)"
                                          r"\.py:\d+: check number 1\.2 is already declared "
                                          r"at autograder/tiny/"):
        proof_of(config)


def test_a_check_number_typed_in_a_message_stops_it_with_file_and_line(tmp_path):
    hidden = HIDDEN.replace('f"double(3) should be 6, not {got!r}"',
                            'f"double(3) should be 6, not {got!r} "\n'
                            '                          "(see check 1.2 too)"')
    line = hidden.splitlines().index('                          "(see check 1.2 too)")') + 1
    with pytest.raises(ProofFailed, match=rf"autograder/tiny/test_ops.py:{line}: a check "
                                          r"message names 'check 1.2' as a literal; resolve "
                                          r"the number from the marks instead"):
        proof_of(course(tmp_path, hidden=hidden))


@pytest.mark.confined
def test_the_real_assignment2_release_proves():
    release = Release(load_assignment(A2.toml))
    proof = prove(release, plan_dist(release))
    assert proof.reference == proof.full > 0 and proof.template == 0
    assert proof.checks >= 30 and proof.paths > 100


# ---------------------------------------------------------------- notebook parts

NOTEBOOK_GRADING = """
[[grading.notebooks]]
file = "Tiny.ipynb"
parts = [
    { kind = "complete", number = "9.1", points = 1 },
    { kind = "answered", number = "9.2", points = 1 },
    { kind = "untampered", number = "9.3", points = 1 },
]
"""


def notebook_course(root: Path) -> Path:
    """The tiny course with a master notebook whose parts are scored."""
    import nbformat

    config = course(root)
    text = config.read_text(encoding="utf-8")
    text = text.replace('student_files = ["calc/*.py"]',
                        'student_files = ["calc/*.py"]\n'
                        'notebooks = ["assignment/tiny/Tiny.ipynb"]')
    text = text.replace('submit = ["calc/ops.py"]',
                        'submit = ["calc/ops.py", "Tiny.ipynb"]') + NOTEBOOK_GRADING
    config.write_text(text, encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("# Tiny"),
             nbformat.v4.new_code_cell("from calc.ops import double\nprint(double(3))"),
             nbformat.v4.new_markdown_cell("Why is double(3) six?"),
             nbformat.v4.new_markdown_cell("Because two threes make six.")]
    cells[-1].metadata["tags"] = ["solution", "pdf-inline"]
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index}"
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, config.parent / "Tiny.ipynb")
    return config


@pytest.mark.confined
def test_an_unexecuted_reference_notebook_does_not_prove_its_parts(tmp_path):
    from gradekit.release.proof import prove_notebook

    config = notebook_course(tmp_path)
    release = Release(load_assignment(config))
    master = (config.parent / "Tiny.ipynb").read_bytes()
    with pytest.raises(ProofFailed, match=r"Tiny\.ipynb: the executed reference notebook "
                                          r"scores 0/1 on part 9\.1"):
        prove_notebook(release, "Tiny.ipynb", master)


def test_check_notebooks_grades_the_executed_notebook_parts(tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook_course(tmp_path)
    done = subprocess.run([sys.executable, "-m", "gradekit", "release", "tiny",
                           "--check-notebooks"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONPATH": str(REPO),
                                            "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    for number in ("9.1", "9.2", "9.3"):
        assert f"proved: Tiny.ipynb part {number} 1/1" in done.stdout, done.stdout
    # For the staff: the executed notebook, its outputs and its model answers.
    import zipfile

    import nbformat

    with zipfile.ZipFile(tmp_path / "dist" / "tiny" / "tiny-solutions-executed.zip") as made:
        executed = nbformat.reads(made.read("tiny-solutions/Tiny.ipynb").decode(), 4)
    assert any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
    assert any("solution" in cell.metadata.get("tags", []) for cell in executed.cells)


def test_a_notebook_solution_cell_that_does_not_parse_stops_it(tmp_path):
    import nbformat

    config = notebook_course(tmp_path)
    path = config.parent / "Tiny.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source = (f"%matplotlib inline\n{START}\nanswer = double(3\n{END}\n"
                                "print(answer)")
    nbformat.write(notebook, path)
    with pytest.raises(ProofFailed, match=r"assignment/tiny/Tiny\.ipynb: cell cell-1: line 3: "
                                          r"the solution does not parse"):
        proof_of(config)
