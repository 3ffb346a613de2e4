"""The release builder end to end: a fixture assignment always, the real one when present."""

from __future__ import annotations

import ast
import base64
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from gradekit.config import load_assignment, release_placeholders
from gradekit.errors import UserError
from gradekit.release.markers import START, find_regions
from gradekit.release.notebooks import SOLUTION_ONLY_TAG, SOLUTION_TAG, tags
from gradekit.release.builder import (
    ENGINE,
    Release,
    plan_dist,
    template_differences,
    write_dist,
    write_template,
)
from gradekit.release.translate import comment_free_code, load_language, load_translations
from gradekit.release.notebooks import CJK_FONT_CELL
from gradekit.zips import File, Tree, read_tree, write_folder, write_zip
from tests.support.paths import A2, ENGINE_FIXTURES, REPO, course

FIXTURE = ENGINE_FIXTURES / "release"
REAL_CONFIG = A2.toml
SECRET_MIN_LENGTH = 12


def fixture_release(where: Path) -> Release:
    """A fresh copy of the fixture assignment in ``where``, ready to release."""
    shutil.copytree(FIXTURE, where)
    return Release(load_assignment(where / "assignment" / "assignment.toml"), where / "gradescope")


def build(release: Release) -> dict[str, Path]:
    """Write the template and every zip; return the zips by file name."""
    planned = plan_dist(release)
    write_template(release)
    artefacts = write_dist(planned, release.config.dist_dir)
    return {artefact.path.name: artefact.path for artefact in artefacts}


def unzip(path: Path) -> Tree:
    with zipfile.ZipFile(path) as archive:
        return {name: File(archive.read(name)) for name in archive.namelist()}


@pytest.fixture(scope="module")
def fixture_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Release, dict[str, Path]]:
    release = fixture_release(tmp_path_factory.mktemp("first") / "VectorNorms")
    return release, build(release)


def real_release() -> Release:
    """The real assignment, or a skip while its content has not landed."""
    assignment = load_assignment(REAL_CONFIG)
    assert assignment.release is not None
    needed = [*assignment.release.notebooks, assignment.release.solution_root]
    for variant in assignment.release.variants:
        needed += [p for p in (variant.first_cell, variant.translations) if p is not None]
    missing = [str(p.relative_to(REPO)) for p in needed if not p.exists()]
    if missing:
        pytest.skip(f"real assignment content not there yet: {', '.join(missing)}")
    return Release(assignment)


# ---------------------------------------------------------------- the fixture, end to end


def test_every_artefact_is_written(fixture_built) -> None:
    release, zips = fixture_built
    assert sorted(zips) == [
        "VectorNorms-cloud.zip",
        "VectorNorms-fr.zip",
        "VectorNorms-local.zip",
        "VectorNorms-solutions.zip",
        "autograder.zip",
    ]
    assert sorted(read_tree(release.config.template_dir)) == [
        ".gradekit/released/Norms.ipynb",
        "Norms.ipynb",
        "README.md",
        "assignment.toml",
        "diagram.png",
        "public_checks/test_public_norms.py",
        "vecops/__init__.py",
        "vecops/fetch_data.sh",
        "vecops/norms.py",
        "vecops/util/__init__.py",
        "vecops/util/shapes.py",
    ]


def test_student_zip_is_the_template_plus_the_engine(fixture_built) -> None:
    release, zips = fixture_built
    tree = unzip(zips["VectorNorms-local.zip"])
    template = read_tree(release.config.template_dir)
    assert {f"VectorNorms/{p}": f.data for p, f in template.items()} == {
        p: f.data for p, f in tree.items() if not p.startswith("VectorNorms/gradekit/")
    }
    engine = {p for p in tree if p.startswith("VectorNorms/gradekit/")}
    assert {"VectorNorms/gradekit/__main__.py", "VectorNorms/gradekit/cli/check.py",
            "VectorNorms/gradekit/cli/collect.py", "VectorNorms/gradekit/sandbox/worker.py",
            "VectorNorms/gradekit/student/collect.py"} <= engine
    # Only what students run: no release builder, Gradescope scripts or staff commands.
    assert not any(p.startswith(("VectorNorms/gradekit/release/", "VectorNorms/gradekit/classwork/"))
                   or p in ("VectorNorms/gradekit/cli/release.py", "VectorNorms/gradekit/cli/grade.py")
                   for p in engine)
    assert not any("__pycache__" in p or p.endswith(".pyc") for p in tree)


def test_student_config_is_relative_to_the_student_folder(fixture_built) -> None:
    release, _ = fixture_built
    student = load_assignment(release.config.template_dir / "assignment.toml")
    assert student.root == release.config.template_dir.resolve()
    assert student.grading is not None and student.release is None
    assert student.grading.submit == ("Norms.ipynb", "vecops/norms.py")
    assert student.grading.public_checks == student.root / "public_checks"
    readme = (release.config.template_dir / "README.md").read_text()
    assert "# Vector Norms" in readme and "- `vecops/norms.py`" in readme


def test_variants_differ_only_in_the_notebook_and_readme(fixture_built) -> None:
    _, zips = fixture_built
    local, cloud, french = (unzip(zips[f"VectorNorms-{v}.zip"]) for v in ("local", "cloud", "fr"))
    notebook, readme = "VectorNorms/Norms.ipynb", "VectorNorms/README.md"
    released = "VectorNorms/.gradekit/released/Norms.ipynb"  # the variant's own, untouched
    for variant in (local, cloud, french):
        assert variant[released] == variant[notebook]
    differ = (notebook, readme, released)
    for other in (cloud, french):
        assert {p: f for p, f in other.items() if p not in differ} == {
            p: f for p, f in local.items() if p not in differ
        }
    assert cloud[readme] == local[readme], "without a readme key: the engine's README"
    cells = nbformat.reads(cloud[notebook].data.decode(), as_version=4).cells
    assert cells[0].id == "cloud-first-cell" and "sys.path.append" in cells[0].source
    french_cells = nbformat.reads(french[notebook].data.decode(), as_version=4).cells
    assert french_cells[0].source.startswith("# Normes de vecteurs")


def test_a_variant_readme_is_its_template_filled_in(fixture_built) -> None:
    _, zips = fixture_built
    french = unzip(zips["VectorNorms-fr.zip"])["VectorNorms/README.md"].data.decode()
    assert french.startswith("# Vector Norms (version 1.0)\n\nOuvrez `Norms.ipynb` dans le "
                             "dossier `VectorNorms` et suivez-le")
    assert f"    {START}\n" in french and "`public_checks/`" in french
    assert french.endswith("rendez ces fichiers :\n\n- `Norms.ipynb`\n- `vecops/norms.py`\n")
    local = unzip(zips["VectorNorms-local.zip"])["VectorNorms/README.md"].data.decode()
    assert "## Check your work" in local and "Ouvrez" not in local


def test_a_bad_variant_readme_is_a_clear_error(tmp_path: Path) -> None:
    release = fixture_release(tmp_path / "a")
    template = release.assignment.root / "assignment" / "readme" / "fr.md"
    template.write_text("# {title} {folder}\n")
    with pytest.raises(UserError, match=r"readme/fr\.md: not a README template: bad "
                                        r"placeholder 'folder'"):
        plan_dist(release)
    template.unlink()
    with pytest.raises(UserError, match=r"readme/fr\.md: readme of variant fr missing"):
        plan_dist(release)


def test_autograder_zip_mirrors_the_repository(fixture_built) -> None:
    _, zips = fixture_built
    with zipfile.ZipFile(zips["autograder.zip"]) as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o100755
    assert modes["skeleton/vecops/fetch_data.sh"] == 0o100755
    assert modes["assignment/assignment.toml"] == 0o100644
    for path in (
        "pyproject.toml",
        "gradekit/cli/__init__.py",
        "gradekit/release/gradescope/setup.sh",
        "checks/test_hidden_norms.py",
        "checks/public/test_public_norms.py",
        "reference/vecops/norms.py",
        "skeleton/Norms.ipynb",
    ):
        assert path in modes, path
    assert "reference/vecops/fetch_data.sh" not in modes  # the reference is its Python only
    assert not any(p.startswith(("assignment/Norms", "VectorNorms")) for p in modes)


def test_autograder_zip_carries_the_instructors_readme(fixture_built) -> None:
    """README.md is for whoever uploads the zip (Gradescope's settings, the PDF assignment,
    trying it locally), with this assignment filled in; pip still finds the readme it names."""
    release, zips = fixture_built
    files = unzip(zips["autograder.zip"])
    readme = files["README.md"].data.decode()
    title, name = release.assignment.title, release.assignment.name
    assert readme.startswith(f"# {title}: the Gradescope autograder")
    assert f"`{name}`" in readme and "{title}" not in readme and "{name}" not in readme
    for needed in ("Programming Assignment", "Ubuntu 22.04", "autograder.zip",
                   "separate **Assignment**", "docker build", "run_autograder",
                   "assignment/assignment.toml"):
        assert needed in readme, needed
    developers = (REPO / "README.md").read_text()
    assert readme != developers and "Dockerfile" in files and "constraints.txt" in files
    assert b'readme = "README.md"' in files["pyproject.toml"].data


def test_the_grader_in_autograder_zip_knows_each_languages_placeholder(fixture_built,
                                                                       tmp_path: Path) -> None:
    """A translated notebook whose questions still hold its language's placeholder is
    unanswered on Gradescope too: the zip carries the translation files that say it."""
    release, zips = fixture_built
    write_folder(unzip(zips["autograder.zip"]), tmp_path / "zip")
    tmp_path = tmp_path / "zip"
    inside = load_assignment(tmp_path / "assignment" / "assignment.toml")
    french = load_translations(release.config.variants[-1].translations).answer_placeholder
    assert french in release_placeholders(inside.release)
    (tmp_path / "assignment" / "i18n" / "fr.toml").unlink()
    assert french not in release_placeholders(load_assignment(
        tmp_path / "assignment" / "assignment.toml").release)


def test_solutions_zip_holds_the_unstripped_sources(fixture_built) -> None:
    _, zips = fixture_built
    tree = unzip(zips["VectorNorms-solutions.zip"])
    assert b"total = sum(value * value" in tree["VectorNorms-solutions/vecops/norms.py"].data
    assert tree["VectorNorms-solutions/Norms.ipynb"].data == (
        FIXTURE / "assignment" / "Norms.ipynb"
    ).read_bytes()


def test_two_builds_are_byte_identical(fixture_built, tmp_path: Path) -> None:
    _, first = fixture_built
    release = fixture_release(tmp_path / "elsewhere")
    for junk in ("reference/vecops/__pycache__/norms.pyc", "checks/.ipynb_checkpoints/x"):
        (tmp_path / "elsewhere" / junk).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "elsewhere" / junk).write_bytes(b"junk")
    second = build(release)
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    with zipfile.ZipFile(first["autograder.zip"]) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_sets_the_zip_timestamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    write_zip(tmp_path / "a.zip", {"b.txt": File(b"b")})
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)


def test_unzipped_student_folder_imports_and_opens(fixture_built, tmp_path: Path) -> None:
    release, zips = fixture_built
    check_unzipped_student_folder(release, zips["VectorNorms-local.zip"].read_bytes(), tmp_path)


def check_unzipped_student_folder(release: Release, zipped: bytes, into: Path) -> None:
    """Unzip into an empty folder: the packages import and the notebooks open."""
    zipfile.ZipFile(io.BytesIO(zipped)).extractall(into)
    folder = into / release.assignment.name
    modules = sorted(
        path[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        for path in release.package
        if path.endswith(".py")
    )
    code = "import importlib, sys\nfor name in sys.argv[1:]: importlib.import_module(name)"
    done = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    for path in release.masters:
        nbformat.validate(nbformat.read(folder / path.name, as_version=4))


def test_no_leak_in_the_fixture(fixture_built) -> None:
    release, zips = fixture_built
    artefacts = {
        name: unzip(path) for name, path in zips.items() if name.startswith("VectorNorms-")
    }
    artefacts.pop("VectorNorms-solutions.zip")
    artefacts["skeleton/"] = read_tree(release.config.template_dir)
    secrets = instructor_only(release)
    # The scanner must know the fixture's secrets, or a clean result would mean nothing.
    assert "total = sum(value * value for value in values)" in secrets
    assert "instructor-only assertion" in " ".join(secrets)
    assert "Pythagorean triple" in " ".join(secrets)
    assert "test_hidden_norms.py" in secrets
    assert_no_leak(artefacts, secrets)


def test_the_leak_scanner_finds_a_leak(fixture_built) -> None:
    release, _ = fixture_built
    leaky = {"Norms.ipynb": File(b'"    total = sum(value * value for value in values)\\n"')}
    with pytest.raises(AssertionError, match="demo.zip: Norms.ipynb: .*total = sum"):
        assert_no_leak({"demo.zip": leaky}, instructor_only(release))


# ---------------------------------------------------------------- errors people make


def test_missing_notebook_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "a")
    (tmp_path / "a" / "assignment" / "Norms.ipynb").unlink()
    with pytest.raises(UserError, match=r"Norms\.ipynb: configured notebook does not exist"):
        Release(load_assignment(tmp_path / "a" / "assignment" / "assignment.toml"))


def test_missing_gradescope_scripts_are_a_clear_error(tmp_path: Path) -> None:
    release = fixture_release(tmp_path / "a")
    release.gradescope_dir = tmp_path / "nowhere"
    with pytest.raises(UserError, match=r"nowhere/setup\.sh: missing; autograder\.zip needs"):
        plan_dist(release)


def test_student_files_glob_that_matches_nothing(tmp_path: Path) -> None:
    release = fixture_release(tmp_path / "a")
    object.__setattr__(release.config, "student_files", ("vecops/*.pyx",))
    with pytest.raises(UserError, match=r"'vecops/\*\.pyx' matches no file under reference"):
        release.template_tree


def test_markers_in_other_files_are_refused(tmp_path: Path) -> None:
    release = fixture_release(tmp_path / "a")
    script = release.config.solution_root / "vecops" / "fetch_data.sh"
    script.write_text(script.read_text() + START + "\n")
    with pytest.raises(UserError, match=r"reference/vecops/fetch_data\.sh: markers are stripped"):
        release.template_tree


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradekit", "release", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONPATH": str(ENGINE.parent)},
    )


def test_cli_marker_error_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "a")
    module = tmp_path / "a" / "reference" / "vecops" / "norms.py"
    module.write_text(module.read_text().replace("CODE (DO NOT", "CODE (PLEASE DO NOT", 1))
    done = run_cli("assignment/assignment.toml", "--template-only", cwd=tmp_path / "a")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("gradekit: error: reference/vecops/norms.py:10: altered marker")


def test_cli_bad_config_is_one_line(tmp_path: Path) -> None:
    config = '[assignment]\nname = "x"\n[release]\nsolution_root = 3\n'
    (tmp_path / "assignment.toml").write_text(config)
    done = run_cli("assignment.toml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "gradekit: error: assignment.toml:4: release.solution_root must be a string, not int\n"
    )


def test_cli_template_only_prints_a_summary(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "a")
    done = run_cli("assignment/assignment.toml", "--template-only", cwd=tmp_path / "a")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("skeleton/ ")
    assert (tmp_path / "a" / "skeleton" / "vecops" / "norms.py").is_file()
    assert not (tmp_path / "a" / "out").exists()


def test_engine_names_no_assignment() -> None:
    engine_files = sorted(path for path in ENGINE.rglob("*") if path.is_file()
                          and "__pycache__" not in path.parts)
    assert len(engine_files) > 10
    for path in engine_files:
        text = path.read_text().lower()
        assert "cs231n" not in text and "batchnorm" not in text, path
    for path in engine_files:
        text = path.read_text().lower()
        assert "cs231n" not in text and "batchnorm" not in text, path


# ---------------------------------------------------------------- notebook check


def test_notebook_check_runs_the_master_with_its_environment(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    shutil.copytree(FIXTURE, tmp_path / "a")
    done = run_cli("assignment/assignment.toml", "--check-notebooks", cwd=tmp_path / "a")
    assert done.returncode == 0, done.stderr
    assert "cell 4/4 (instructor-check)" in done.stdout and "ran without errors" in done.stdout


def test_notebook_check_names_the_failing_cell(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    shutil.copytree(FIXTURE, tmp_path / "a")
    config = tmp_path / "a" / "assignment" / "assignment.toml"
    config.write_text(config.read_text().replace('"fixture"', '"other"'))
    done = run_cli("assignment/assignment.toml", "--check-notebooks", cwd=tmp_path / "a")
    assert done.returncode == 2
    assert "cell instructor-check failed: AssertionError: the notebook check sets" in done.stderr


def test_a_stopped_notebook_check_leaves_nothing_behind(tmp_path: Path) -> None:
    """SIGTERM while a notebook runs: its kernel is shut down, the staging folder goes, and
    the command says why it stopped (exit status 128 + 15)."""
    pytest.importorskip("nbclient")
    shutil.copytree(FIXTURE, tmp_path / "a")
    master = tmp_path / "a" / "assignment" / "Norms.ipynb"
    notebook = json.loads(master.read_text())
    (cell,) = [c for c in notebook["cells"] if c.get("id") == "instructor-check"]
    cell["source"] = "".join(cell["source"]) + "\nimport time\ntime.sleep(600)"
    master.write_text(json.dumps(notebook))
    scratch, runtime = tmp_path / "tmp", tmp_path / "kernels"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "gradekit", "release", "assignment/assignment.toml",
         "--check-notebooks"], cwd=tmp_path / "a", stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(scratch), "PYTHONPATH": str(ENGINE.parent),
             "JUPYTER_RUNTIME_DIR": str(runtime)})
    assert process.stdout is not None
    for line in process.stdout:  # cell 4 (the sleeping one) starts after cell 3 reports
        if "cell 3/4" in line:
            break
    assert list(scratch.glob("gradekit-notebook-check-*"))  # the check is under way
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    # the kernel shares stderr, and its own KeyboardInterrupt may print after this line
    assert "gradekit: stopped by SIGTERM" in stderr.splitlines()
    assert not list(scratch.glob("gradekit-notebook-check-*"))
    assert not list(runtime.glob("kernel-*.json"))  # the kernel was shut down


# ---------------------------------------------------------------- the real assignment


@pytest.mark.parametrize("name", ["assignment1", "assignment2", "assignment3"])
def test_student_template_is_up_to_date(tmp_path: Path, name: str) -> None:
    """Each assignment's committed student_template/ is what a release writes now (it is
    generated: a check or reference edited without `make template` shows here)."""
    release = Release(load_assignment(course(name).toml))
    write_folder(release.template_tree, tmp_path / "fresh")
    fresh, committed = read_tree(tmp_path / "fresh"), read_tree(release.config.template_dir)
    stale = sorted(p for p in set(fresh) | set(committed) if fresh.get(p) != committed.get(p))
    assert not stale, f"student_template/ is stale ({', '.join(stale[:5])}): run `make template`"
    assert template_differences(release) == []


def test_no_leak_in_the_real_student_artefacts() -> None:
    release = real_release()
    artefacts = {v.name: release.student_zip_tree(v) for v in release.config.variants}
    artefacts["template"] = release.template_tree
    assert_no_leak(artefacts, instructor_only(release))


def test_real_jupyter_zip_imports_and_opens(tmp_path: Path) -> None:
    release = real_release()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, file in release.student_zip_tree(release.config.variants[0]).items():
            archive.writestr(path, file.data)
    check_unzipped_student_folder(release, buffer.getvalue(), tmp_path)


def real_zip_texts(release: Release, path: str) -> dict[str, str]:
    """The text of ``path`` (relative to the student folder) in every variant's zip."""
    name = release.assignment.name
    return {
        variant.name: release.student_zip_tree(variant)[f"{name}/{path}"].data.decode()
        for variant in release.config.variants
    }


def test_each_real_zip_has_a_readme_in_its_language_for_its_setup() -> None:
    release = real_release()
    name, grading = release.assignment.name, release.grading
    readmes = real_zip_texts(release, "README.md")
    assert set(readmes) == {"jupyter", "colab", "zh-CN"}
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for variant, text in readmes.items():
        assert not re.search(r"\{\w*\}", text), f"{variant}: a placeholder is left in its README"
        assert all(f"- `{path}`" in text for path in grading.submit), variant
        assert "python -m gradekit check" in text and "python -m gradekit collect" in text
        assert f"`{name}_submission.zip`" in text, variant
    jupyter, colab, chinese = readmes["jupyter"], readmes["colab"], readmes["zh-CN"]
    assert not cjk.search(jupyter) and not cjk.search(colab)
    assert "jupyter lab" in jupyter and "bash get_datasets.sh" in jupyter
    assert "Drive" not in jupyter and "Colab" not in jupyter
    assert "Google Drive" in colab and "`FOLDERNAME`" in colab and "!python -m gradekit check" in colab
    assert f"folder named `{name}`" in colab and f"'cs231n/assignments/{name}'" in colab
    assert len(cjk.findall(chinese)) > 300, "the zh-CN README is written in Chinese"
    assert "jupyter lab" in chinese and "bash get_datasets.sh" in chinese
    assert "Drive" not in chinese and "随堂问题" in chinese


def test_real_colab_folder_name_is_the_folder_its_zip_unpacks_to() -> None:
    release = real_release()
    colab = next(v for v in release.config.variants if v.name == "colab")
    tree = release.student_zip_tree(colab)
    roots = {path.split("/", 1)[0] for path in tree}
    assert roots == {release.assignment.name}
    notebook = nbformat.reads(tree[f"{release.assignment.name}/BatchNormalization.ipynb"]
                              .data.decode(), as_version=4)
    assert f"'cs231n/assignments/{release.assignment.name}'" in notebook.cells[0].source


def test_real_colab_notebook_shows_the_picture_inline() -> None:
    release = real_release()
    picture = base64.b64encode((A2.folder / "batchnorm_graph.png").read_bytes())
    notebooks = real_zip_texts(release, "BatchNormalization.ipynb")
    for variant, text in notebooks.items():
        markdown = [c.source for c in nbformat.reads(text, as_version=4).cells
                    if c.cell_type == "markdown"]
        if variant == "colab":
            inline = f"](data:image/png;base64,{picture.decode()})"
            assert sum(inline in source for source in markdown) == 1
            assert "attachment" not in text and "batchnorm_graph.png)" not in text
        else:
            assert sum("](batchnorm_graph.png)" in source for source in markdown) == 1, variant
            assert "data:image" not in text, variant


def test_real_zh_cn_code_differs_only_in_comments_and_figure_strings() -> None:
    release = real_release()
    variants = {v.name: v for v in release.config.variants}
    assert variants["zh-CN"].translations is not None
    language = load_language(variants["zh-CN"].translations)
    assert set(language) == {path.stem for path in release.config.notebooks}
    for notebook in release.config.notebooks:
        strings = language[notebook.stem].strings
        english, chinese = (
            nbformat.reads(text, as_version=4).cells
            for name, text in real_zip_texts(release, notebook.name).items()
            if name in ("jupyter", "zh-CN")
        )
        assert chinese[0].source == CJK_FONT_CELL  # the zh-CN copy's own first cell
        chinese = chinese[1:]
        changed = set()
        for mine, theirs in zip(english, chinese, strict=True):
            if mine.cell_type != "code" or comment_free_code(mine.source) == comment_free_code(
                theirs.source
            ):
                continue
            changed.add(mine.id)
            assert mine.id in strings, f"{notebook.name} cell {mine.id}: code changed without a [strings] entry"
            assert _without_strings(mine.source) == _without_strings(theirs.source), mine.id
        assert changed == set(strings), f"{notebook.name}: every [strings] cell is translated"


def _without_strings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


# ---------------------------------------------------------------- the leak scanner


def instructor_only(release: Release) -> dict[str, str]:
    """Instructor-only text (model answers, solution lines, hidden checks) -> its source.

    Lines shorter than :data:`SECRET_MIN_LENGTH` or also found, even as part of a line,
    where students may see them (outside regions, in public checks, in the engine) do
    not count.
    """
    secret: dict[str, str] = {}
    public: set[str] = set()
    for relative, file in release.package.items():
        if relative.endswith(".py"):
            _split(file.data.decode(), f"{relative} (region)", secret, public)
    for path, master in release.masters.items():
        for cell in master.cells:
            where = f"{path.name} cell {cell.id}"
            if {SOLUTION_TAG, SOLUTION_ONLY_TAG} & set(tags(cell)):
                for line in cell.source.split("\n"):
                    secret[line.strip()] = where
            elif cell.cell_type == "code":
                _split(cell.source, where, secret, public)
            else:
                public.update(line.strip() for line in cell.source.split("\n"))
    checks, shipped = release.grading.checks, release.grading.public_checks
    assert checks is not None
    hidden = {
        p: f for p, f in read_tree(checks).items() if not (checks / p).is_relative_to(shipped)
    }
    for tree in (read_tree(shipped), release.engine):
        for file in tree.values():
            text = file.data.decode("utf-8", "replace")
            public.update(line.strip() for line in text.split("\n"))
    for relative, file in hidden.items():
        secret[Path(relative).name] = f"hidden check {relative}"
        for line in file.data.decode().split("\n"):
            secret[line.strip()] = f"hidden check {relative}"
    public.update(Path(p).name for p in [*read_tree(shipped), *release.engine, *release.package])
    everything_public = "\n".join(public)
    return {
        text: where
        for text, where in secret.items()
        if len(text) >= SECRET_MIN_LENGTH and text not in everything_public
    }


def _split(source: str, where: str, secret: dict[str, str], public: set[str]) -> None:
    lines = source.split("\n")
    inside = set()
    for region in find_regions(source, where):
        inside.update(range(region.start, region.end - 1))  # 0-based body lines
    for index, line in enumerate(lines):
        if index in inside:
            secret[line.strip()] = where
        else:
            public.add(line.strip())


def assert_no_leak(artefacts: dict[str, Tree], secrets: dict[str, str]) -> None:
    leaks = []
    for artefact, tree in artefacts.items():
        for path, file in tree.items():
            text = path + "\n" + file.data.decode("utf-8", "replace")
            if path.endswith(".ipynb"):
                text += "\n" + "\n".join(_notebook_texts(file.data))
            leaks += [
                f"{artefact}: {path}: {secret!r} (from {where})"
                for secret, where in secrets.items()
                if secret in text
            ]
    assert not leaks, "instructor-only text in student artefacts:\n" + "\n".join(leaks)


def _notebook_texts(data: bytes) -> list[str]:
    try:
        cells = json.loads(data)["cells"]
    except (ValueError, KeyError, TypeError):
        return []
    return ["".join(cell.get("source", "")) for cell in cells]


def test_public_checks_of_a_notebook_the_release_leaves_out_stay_out(tmp_path):
    """A public check file whose checks all belong (notebook=) to a notebook the release
    does not include is not shipped: `gradekit check` would only fail it. Files with a
    check of a released notebook, or of none, are shipped."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    public = root / "checks" / "public"
    (public / "test_public_later.py").write_text(
        'import pytest\n\n\n@pytest.mark.grade(number="7.1", points=2, notebook="Later")\n'
        "def test_later():\n    assert True\n", encoding="utf-8")
    (public / "test_public_mixed.py").write_text(
        'import pytest\n\n\n@pytest.mark.grade(number="7.2", points=1, notebook="Later")\n'
        "def test_later():\n    assert True\n\n\n"
        '@pytest.mark.grade(number="7.3", points=1, notebook="Norms")\n'
        "def test_now():\n    assert True\n", encoding="utf-8")
    release = Release(load_assignment(root / "assignment" / "assignment.toml"),
                      root / "gradescope")
    shipped = {name.split("/", 1)[1] for name in release.student_base
               if name.startswith("public_checks/")}
    assert "test_public_later.py" not in shipped
    assert {"test_public_mixed.py", "test_public_norms.py"} <= shipped
