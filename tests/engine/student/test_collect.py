"""gradekit collect: the student's hand-in zip and what it warns about."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

CONFIG = """[assignment]
name = "Lab"
root = "."

[grading]
submit = ["lab.ipynb", "pkg/code.py", "pkg/more.py"]
public_checks = "public_checks"
hand_in_also = ["a PDF of your written answers"]
"""


def notebook(*counts: int | None, error: bool = False) -> str:
    cells = [{"cell_type": "code", "execution_count": count, "metadata": {}, "source": "1",
              "outputs": []} for count in counts]
    if error:
        cells[-1]["outputs"] = [{"output_type": "error", "ename": "E", "evalue": "",
                                 "traceback": []}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "Lab"
    for name, text in {"assignment.toml": CONFIG, **files}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def collect(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradekit", "collect", str(folder), *extra],
                          capture_output=True, text=True, timeout=60)


def test_complete_hand_in_is_zipped_with_only_the_listed_files(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"lab.ipynb": notebook(1, 2), "pkg/code.py": "x = 1\n",
                                    "pkg/more.py": "y = 2\n", "pkg/notes.txt": "private"})
    done = collect(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(folder / "Lab_submission.zip") as archive:
        assert archive.namelist() == ["lab.ipynb", "pkg/code.py", "pkg/more.py"]
    assert "warning" not in done.stdout
    assert "Also hand in: a PDF of your written answers" in done.stdout


def test_missing_file_is_named_and_fails(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"lab.ipynb": notebook(1), "pkg/code.py": "x = 1\n"})
    done = collect(folder, "--output", str(tmp_path / "out.zip"))
    assert done.returncode == 1
    assert "MISSING  pkg/more.py" in done.stdout
    assert "with 2 of 3 files" in done.stdout
    assert (tmp_path / "out.zip").is_file()


def test_unrun_notebook_and_broken_python_are_warned_about(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"lab.ipynb": notebook(None, None),
                                    "pkg/code.py": "def f(:\n", "pkg/more.py": ""})
    done = collect(folder)
    assert done.returncode == 0
    assert "lab.ipynb: has no outputs: run it from top to bottom" in done.stdout
    assert "pkg/code.py: line 1:" in done.stdout


def test_partly_run_notebook_with_an_error_cell(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"lab.ipynb": notebook(1, None, 3, error=True),
                                    "pkg/code.py": "", "pkg/more.py": ""})
    done = collect(folder)
    assert "1 of its 3 code cells were not run" in done.stdout
    assert 'the code cell at the top ("1") ends in an error' in done.stdout


def test_not_an_assignment_folder_is_one_clear_line(tmp_path: Path) -> None:
    done = collect(tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"gradekit: error: {tmp_path.resolve()} is not an assignment folder (it has no "
        "assignment.toml): open a terminal in your assignment folder, the one with "
        "assignment.toml and gradekit/, and run python -m gradekit collect")



def test_collect_says_what_the_notebook_parts_would_charge(tmp_path: Path) -> None:
    """The release keeps a pristine copy of each notebook in the student folder; collect
    compares with it as the grader does and names unanswered questions, cells not run,
    edited given cells and missing plots, with the part and its points."""
    from tests.support.paths import A2

    released_folder = A2.template
    folder = tmp_path / "assignment2"
    shutil.copytree(released_folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
    lab = folder / "BatchNormalization.ipynb"
    cells = json.loads(lab.read_text())
    counter = 0
    for cell in cells["cells"]:
        if cell["cell_type"] == "code":
            counter += 1
            cell["execution_count"] = counter
            # A run stores what the cell prints (a count typed in without it is no run).
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
    questions = [c for c in cells["cells"] if "**Your Answer:**" in "".join(c["source"])]
    questions[0]["source"] = "Because the batch statistics differ."
    given = next(c for c in cells["cells"] if c["cell_type"] == "code" and "np.random.seed"
                 in "".join(c["source"]) and "START" not in "".join(c["source"]))
    given["source"] = "".join(given["source"]).replace("np.random.seed(231)",
                                                       "np.random.seed(1)")
    lab.write_text(json.dumps(cells))
    printed = collect(folder).stdout
    assert "part 8.1 (complete" not in printed, "every cell ran, in order"
    assert "part 8.2 (answered, 2 points) would lose points: 1 of the 4" in printed
    assert "part 8.3 (untampered, 2 points) would lose points" in printed
    assert "part 8.5 (figures, 1 points) would lose points" in printed
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if "part 8.2 (answered" in line)
    block = []
    for line in lines[start + 1:]:
        if not line.startswith("warning      "):
            break
        block.append(line)
    assert sum("still holds the placeholder" in line for line in block) == 3
    assert (folder / "assignment2_submission.zip").is_file()


def test_an_optional_file_left_out_is_no_failure(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"pkg/code.py": "x = 1\n", "pkg/more.py": "y = 2\n"})
    config = folder / "assignment.toml"
    config.write_text(config.read_text().replace(
        "public_checks", 'optional = ["lab.ipynb"]\npublic_checks', 1))
    done = collect(folder, "--output", str(tmp_path / "out.zip"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "optional lab.ipynb: not handed in (optional)" in done.stdout
    assert "MISSING" not in done.stdout
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.namelist() == ["pkg/code.py", "pkg/more.py"]
    # Required files are still missing when absent.
    (folder / "pkg" / "more.py").unlink()
    done = collect(folder, "--output", str(tmp_path / "out.zip"))
    assert done.returncode == 1 and "MISSING  pkg/more.py" in done.stdout
