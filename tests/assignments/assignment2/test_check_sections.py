"""gradekit check --section: one section's public checks, as the notebook runs after each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gradekit.config import load_assignment
from tests.support.paths import A2



def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradekit", *args], cwd=folder,
                          capture_output=True, text=True, timeout=300)


def solved_folder(tmp_path: Path) -> Path:
    """The student folder with the reference solution's files in place."""
    from gradekit.release.builder import Release
    from gradekit.zips import write_folder

    release = Release(load_assignment(A2.toml))
    folder = tmp_path / "solved"
    write_folder(release.template_tree | release.package, folder)
    return folder


def test_check_runs_one_section_of_the_assignment(tmp_path):
    """What the notebook runs after each section: only that section's public checks."""
    folder = solved_folder(tmp_path)
    done = run(folder, "check", "--section", "batchnorm-forward")
    assert done.returncode == 0, done.stdout + done.stderr
    numbers = [line.split()[0] for line in done.stdout.splitlines()
               if line.strip()[:1].isdigit()]
    assert numbers and all(n.startswith("2.") for n in numbers), done.stdout
    skeleton = run(A2.template, "check", "--section", "layernorm")
    assert skeleton.returncode == 1 and "4.1" in skeleton.stdout and "2.1" not in skeleton.stdout
    unknown = run(folder, "check", "--section", "nope")
    assert unknown.returncode == 2 and "batchnorm-forward, batchnorm-backward" in unknown.stderr


def test_every_public_check_is_in_exactly_one_section():
    """Section prefixes never overlap: each public check runs after one part only."""
    from gradekit.grading.marks import scan_file

    config = load_assignment(A2.toml)
    numbers = [info.number for path in sorted(A2.public_checks.glob("test_*.py"))
               for info in scan_file(path, public=True)]
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        owners = [s.name for s in config.grading.sections if s.takes(number)]
        assert len(owners) == 1, f"public check {number} is in sections {owners}"
    for section in config.grading.sections:
        assert any(section.takes(n) for n in numbers), f"{section.name} takes no check"


def test_new_sections_pass_on_the_reference_and_fail_on_the_skeleton(tmp_path):
    """Whichever notebooks the release includes (a public check file of a notebook it
    leaves out is not shipped), the other notebooks' sections work once their checks are
    there."""
    import shutil

    folder = solved_folder(tmp_path)
    shutil.rmtree(folder / "public_checks")
    shutil.copytree(A2.public_checks, folder / "public_checks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for section, prefix in (("update-rules", "10."), ("dropout", "11.")):
        done = run(folder, "check", "--section", section)
        assert done.returncode == 0, done.stdout + done.stderr
        numbers = [line.split()[0] for line in done.stdout.splitlines()
                   if line.strip()[:1].isdigit()]
        assert numbers and all(n.startswith(prefix) for n in numbers), done.stdout
    skeleton = tmp_path / "skeleton"
    shutil.copytree(A2.template, skeleton, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(skeleton / "public_checks")
    shutil.copytree(A2.public_checks, skeleton / "public_checks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = run(skeleton, "check", "--section", "pool")
    assert done.returncode == 1 and "12.4" in done.stdout, done.stdout
