"""The engine's layout: one subpackage per flow, with import rules that a test enforces.

The rules (docs/ARCHITECTURE.md, "Engine layout") are read from the source with ``ast``,
so a forbidden import fails here whether or not the code path ever runs.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from gradekit.sandbox.runtime import WORKER_MODULES

ENGINE = Path(__file__).resolve().parents[2] / "gradekit"
SHARED = {"gradekit", "gradekit.errors", "gradekit.config", "gradekit.zips", "gradekit.extras",
          "gradekit.cellnames", "gradekit.course", "gradekit.markers", "gradekit.stopping"}

# What each flow may import from the engine, besides the shared modules.
ALLOWED = {
    "release": {"release", "grading"},  # grading: only the proof (release/proof.py)
    "sandbox": {"sandbox"},
    "grading": {"grading", "sandbox"},
    "checklib": {"checklib", "grading", "sandbox"},
    "student": {"student", "grading", "sandbox"},
    "classwork": {"classwork", "grading", "sandbox"},
    "cli": {"cli", "release", "sandbox", "grading", "student", "classwork"},
}
WORKER_SIDE = {"gradekit.sandbox"} | {  # what the runtime folder holds for the worker
    "gradekit." + name[:-3].replace("/", ".") for name in WORKER_MODULES
    if name.startswith("sandbox/")}


def engine_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``gradekit`` import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("gradekit", *path.relative_to(ENGINE).parent.parts))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if (ENGINE.parent / f"{module}.{alias.name}".replace(".", "/")).with_suffix(
                          ".py").is_file()]
    return [(line, name) for line, name in found if name.split(".")[0] == "gradekit"]


def modules() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if "__pycache__" not in p.parts)


def flow(path: Path) -> str | None:
    parts = path.relative_to(ENGINE).parts
    return parts[0] if len(parts) > 1 else None


def test_each_flow_imports_only_what_its_rules_allow():
    broken = []
    for path in modules():
        room = flow(path)
        for line, name in engine_imports(path):
            if name in SHARED or room is None:
                continue
            target = name.split(".")[1]
            if target not in ALLOWED[room]:
                broken.append(f"{path.relative_to(ENGINE.parent)}:{line} imports {name}")
    assert not broken, "\n".join(broken)


def test_the_shared_modules_import_no_flow():
    for path in modules():
        if flow(path) is None and path.name != "__main__.py":
            names = {name for _, name in engine_imports(path)}
            assert names <= SHARED, f"{path.name} imports {names - SHARED}"


def test_the_controller_side_never_imports_the_worker_and_the_worker_imports_little():
    sandbox = ENGINE / "sandbox"
    for path in sandbox.glob("*.py"):
        names = {name for _, name in engine_imports(path)}
        if f"sandbox/{path.name}" in WORKER_MODULES:
            assert names <= WORKER_SIDE, f"{path.name} imports {names - WORKER_SIDE}"
        else:
            assert "gradekit.sandbox.worker" not in names, f"{path.name} imports the worker"


MAX_CLASS_LINES = 250


def test_no_class_is_over_250_lines():
    """A class that grows past this does more than one thing: split it."""
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if lines > MAX_CLASS_LINES:
                    long.append(f"{path.relative_to(ENGINE.parent)}:{node.lineno} "
                                f"{node.name} has {lines} lines")
    assert not long, "\n".join(long)


def test_only_the_sandbox_worker_is_called_a_worker():
    """A worker runs student code; the long-lived processes that grade are controllers."""
    named = sorted(p.relative_to(ENGINE).as_posix() for p in modules() if "worker" in p.stem)
    assert named == ["sandbox/worker.py"]


def test_only_the_cli_parses_arguments():
    for path in modules():
        if flow(path) != "cli":
            assert "argparse" not in path.read_text(encoding="utf-8"), path


def test_nothing_imports_the_cli():
    for path in modules():
        if flow(path) != "cli" and path.name != "__main__.py":
            names = {name for _, name in engine_imports(path)}
            assert not any(name.startswith("gradekit.cli") for name in names), path


def test_every_subpackage_says_what_lives_there_and_what_it_may_import():
    for room in ALLOWED:
        doc = ast.get_docstring(ast.parse((ENGINE / room / "__init__.py").read_text()))
        assert doc and ("import" in doc or "only place" in doc), room


def test_the_student_engine_imports_nothing_outside_itself():
    """What the student zip carries is closed under imports (no release builder, no staff
    commands), so check, collect and pdf run from an unzipped student folder."""
    from gradekit.release.builder import is_student_engine

    for path in modules():
        relative = path.relative_to(ENGINE).as_posix()
        if not is_student_engine(relative):
            continue
        for line, name in engine_imports(path):
            target = name.replace(".", "/")
            candidates = [f"{target[len('gradekit/'):]}.py", f"{target[len('gradekit/'):]}/__init__.py"]
            if name == "gradekit":
                continue
            assert any(is_student_engine(c) for c in candidates if (ENGINE / c).is_file()), \
                f"{relative}:{line} imports {name}, which the student zip lacks"


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """The Jupyter student zip, built now and unzipped."""
    dist = tmp_path_factory.mktemp("dist")
    repo = ENGINE.parent
    subprocess.run([sys.executable, "-m", "gradekit", "release", "assignment/assignment2/assignment.toml",
                    "--dist-dir", str(dist)], cwd=repo, check=True, capture_output=True)
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(next(dist.glob("*-jupyter.zip"))) as archive:
        archive.extractall(target)
    return next(p for p in target.iterdir() if p.is_dir())


# The packages the student README names for the commands (numpy, pytest, and the PDF's
# pip line), as the top-level modules they install, with what pytest itself needs.
STUDENT_MODULES = ("numpy", "numpy.libs", "pytest", "_pytest", "pluggy", "iniconfig",
                   "py", "packaging", "pygments", "typst", "tex2typst", "noto_cjk_sans_otc")


@pytest.fixture(scope="module")
def only_student_packages(tmp_path_factory):
    """A folder with just the student's packages, for ``python -S`` (no site-packages)."""
    import importlib.util

    shim = tmp_path_factory.mktemp("student-site")
    for name in STUDENT_MODULES:
        if name.endswith(".libs"):
            source = Path(importlib.util.find_spec(name[:-5]).origin).parent.parent / name
        else:
            spec = importlib.util.find_spec(name)
            assert spec is not None and spec.origin, f"{name} is not installed"
            source = Path(spec.origin)
            source = source.parent if source.name == "__init__.py" else source
        if source.exists():
            (shim / source.name).symlink_to(source)
    return shim


def run_student(folder: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -S -m gradekit ...`` in the student folder: its own copy of the engine and
    only the packages in ``site``."""
    return subprocess.run([os.path.realpath(sys.executable), "-S", "-m", "gradekit", *args],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONPATH": str(site),
                               "HOME": str(folder)})


def test_the_student_commands_work_from_an_unzipped_student_folder(student_folder,
                                                                   only_student_packages):
    site = only_student_packages
    engine = {p.relative_to(student_folder).as_posix() for p in
              (student_folder / "gradekit").rglob("*.py")}
    assert "gradekit/cli/check.py" in engine and not any(
        p.startswith(("gradekit/release/", "gradekit/classwork/")) for p in engine)
    helped = run_student(student_folder, site, "--help")
    assert helped.returncode == 0, helped.stderr
    commands = helped.stdout.split("commands:", 1)[1]
    assert all(f"    {word} " in commands for word in ("check", "collect", "pdf"))
    assert not any(f"    {word} " in commands for word in ("release", "grade", "report"))
    checked = run_student(student_folder, site, "check")
    assert checked.returncode == 1 and "FAILED" in checked.stdout, checked.stderr[-2000:]
    collected = run_student(student_folder, site, "collect")
    assert "MISSING" not in collected.stdout, collected.stdout
    assert (student_folder / "assignment2_submission.zip").is_file()
    assert (student_folder / "assignment2_answers.pdf").is_file(), collected.stdout
    pdf = run_student(student_folder, site, "pdf", "BatchNormalization.ipynb", "--output",
                      "a.pdf")
    assert pdf.returncode == 0 and (student_folder / "a.pdf").read_bytes()[:4] == b"%PDF"


# Modules a student's Windows Python lacks (macOS has them, but nothing may need them
# either: the student's own machine runs the checks without accounts or rlimits).
UNIX_ONLY = ("resource", "fcntl", "pwd", "grp", "termios")
WITHOUT_UNIX_ONLY = f"""
import runpy, sys
BLOCKED = {set(UNIX_ONLY)!r}
class NoUnix:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not on Windows)", name=name)
        return None
import fcntl, subprocess, types  # subprocess first: it takes msvcrt for Windows
msvcrt = types.ModuleType("msvcrt")  # Windows's file lock, played by flock
msvcrt.LK_NBLCK = 2
msvcrt.locking = lambda fd, mode, size, lock=fcntl.flock: lock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
sys.modules["msvcrt"] = msvcrt
for name in [n for n in sys.modules if n.split(".")[0] in BLOCKED]:
    del sys.modules[name]
sys.meta_path.insert(0, NoUnix())
if sys.argv[1] == "--import":
    import importlib
    for name in sys.argv[2:]:
        importlib.import_module(name)
    print("imported", len(sys.argv) - 2)
else:
    sys.argv[0] = "gradekit"
    runpy.run_module("gradekit", run_name="__main__", alter_sys=True)
"""


def run_without_unix(folder: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    """:func:`run_student` with the Unix-only modules unimportable (as on Windows)."""
    return subprocess.run([os.path.realpath(sys.executable), "-S", "-c", WITHOUT_UNIX_ONLY,
                           *args], cwd=folder, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONPATH": str(site),
                               "HOME": str(folder)})


def test_the_student_commands_need_no_unix_only_module(student_folder, only_student_packages):
    """check, collect and pdf run where resource, fcntl, pwd, grp and termios are missing;
    every module of the student's engine copy (the worker's too) imports without them."""
    site = only_student_packages
    names = sorted(".".join(p.relative_to(student_folder).with_suffix("").parts)
                   .removesuffix(".__init__") for p in (student_folder / "gradekit").rglob("*.py")
                   if p.name != "__main__.py")
    assert "gradekit.sandbox.worker" in names and "gradekit.sandbox.slots" in names
    imported = run_without_unix(student_folder, site, "--import", *names)
    assert imported.returncode == 0, imported.stderr[-2000:]
    assert f"imported {len(names)}" in imported.stdout
    checked = run_without_unix(student_folder, site, "check")
    assert checked.returncode == 1, checked.stderr[-2000:]
    assert "FAILED" in checked.stdout and "not implemented yet" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr, checked.stderr[-2000:]
    assert "autograder failed" not in checked.stdout
    (student_folder / "assignment2_submission.zip").unlink(missing_ok=True)
    collected = run_without_unix(student_folder, site, "collect")
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (student_folder / "assignment2_submission.zip").is_file()
    pdf = run_without_unix(student_folder, site, "pdf", "BatchNormalization.ipynb",
                           "--output", "b.pdf")
    assert pdf.returncode == 0 and (student_folder / "b.pdf").read_bytes()[:4] == b"%PDF"
