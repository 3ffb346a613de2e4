"""Packages an assignment adds to the worker (``[grading.sandbox] packages``).

The runtime carries each named package with what its distribution requires (found from
the installed metadata, nothing imported), and the worker imports them before the
student's folder is on its path. A package this machine lacks is left out, so a check
can report an environment limit instead of the worker failing to start.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from gradekit.release.builder import gradescope_script
from gradekit.sandbox.controller import Limits, Sandbox
from gradekit.sandbox.runtime import available, package_folders

SCRIPTS = Path(__file__).resolve().parents[3] / "gradekit" / "release" / "gradescope"
needs_jinja2 = pytest.mark.skipif(importlib.util.find_spec("jinja2") is None,
                                  reason="jinja2 is not installed")


@needs_jinja2
def test_a_package_comes_with_what_it_requires():
    names = [path.name for path in package_folders(("jinja2",))]
    assert names[0] == "jinja2"
    assert "markupsafe" in names  # jinja2's distribution requires MarkupSafe


def test_numpy_brings_its_bundled_libraries_and_nothing_is_imported():
    folders = package_folders(("numpy",))
    assert folders[0].name == "numpy"
    assert all(path.exists() for path in folders)


@needs_jinja2
def test_requirements_are_kept_until_something_is_installed(tmp_path, monkeypatch):
    from gradekit.sandbox import runtime

    runtime._with_requirements.cache_clear()
    read = [path.name for path in package_folders(("jinja2",), cache=tmp_path)]
    assert read == [path.name for path in package_folders(("jinja2",))]
    (kept,) = tmp_path.glob("requirements-*.json")
    kept.write_text('["jinja2"]')  # what a later process finds there is used as it is
    runtime._with_requirements.cache_clear()
    assert [path.name for path in package_folders(("jinja2",), cache=tmp_path)] == ["jinja2"]
    installed = tmp_path / "site"  # a folder of the path changes: read again
    (installed / "some_package-1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(installed))
    runtime._with_requirements.cache_clear()
    assert [path.name for path in package_folders(("jinja2",), cache=tmp_path)] == read
    assert len(list(tmp_path.glob("requirements-*.json"))) == 2
    runtime._with_requirements.cache_clear()


def test_the_requirements_stamp_follows_installs_not_other_writes(tmp_path, monkeypatch):
    from gradekit.sandbox.runtime import _installed_stamp

    site, plain = tmp_path / "site", tmp_path / "plain"
    (site / "a_package-1.0.dist-info").mkdir(parents=True)
    plain.mkdir()
    for folder in (site, plain):
        os.utime(folder, ns=(1, 1))
        monkeypatch.syspath_prepend(str(folder))
    before = _installed_stamp(("numpy",))
    (plain / "results.json").write_text("{}")  # e.g. the current folder: a grade's output
    assert _installed_stamp(("numpy",)) == before
    elsewhere = tmp_path / "elsewhere"  # `python -m gradekit` run from another folder
    elsewhere.mkdir()
    monkeypatch.syspath_prepend(str(elsewhere))
    assert _installed_stamp(("numpy",)) == before
    (site / "b_package-2.0.dist-info").mkdir()  # installed
    assert _installed_stamp(("numpy",)) != before


def test_only_installed_packages_are_available():
    assert available(("numpy", "no_such_package_here_1234")) == ("numpy",)


@needs_jinja2
def test_the_worker_imports_the_assignment_packages(tmp_path):
    with Sandbox(tmp_path, limits=Limits(packages=("jinja2", "no_such_package_here_1234"))) \
            as sandbox:
        assert sandbox.preload == ("numpy", "jinja2")
        result = sandbox.call("builtins.exec", "import sys\nprint('jinja2' in sys.modules, "
                              "'markupsafe' in sys.modules)", {})
    assert result.stdout.split() == ["True", "True"]


def test_setup_sh_builds_the_runtime_its_grades_then_take(tmp_path, monkeypatch):
    """Gradescope's image holds the workers' runtime folder: setup.sh builds it for the
    assignment's limits, and a grade under those limits finds that very folder."""
    from gradekit.sandbox.controller import prepare_runtime
    from gradekit.sandbox.runtime import build_runtime
    from gradekit.sandbox.slots import slot_parent

    baked = gradescope_script(SCRIPTS / "setup.sh", "a/assignment.toml").data.decode()
    assert "CONFIG=a/assignment.toml" in baked and "prepare_runtime" in baked
    slots = Path(tempfile.mkdtemp(prefix="gk-prebuilt-"))  # one the accounts may enter
    monkeypatch.setenv("GRADEKIT_SLOT_ROOT", str(slots))
    try:
        limits = Limits(packages=("numpy", "no_such_package_here_1234"))
        built = prepare_runtime(limits)
        (tmp_path / "work").mkdir()
        grade = Sandbox(tmp_path / "work", limits=limits)  # what a grade would boot from
        assert build_runtime(slot_parent(), grade.preload).root == built
        assert [path.name for path in slots.glob("runtime-*")] == [built.name]
    finally:
        shutil.rmtree(slots, ignore_errors=True)


def test_setup_sh_installs_the_assignment_extras():
    plain = gradescope_script(SCRIPTS / "setup.sh", "a/assignment.toml").data.decode()
    baked = gradescope_script(SCRIPTS / "setup.sh", "a/assignment.toml",
                              ("assignment2", "pdf")).data.decode()
    assert 'EXTRAS=""' in plain
    assert "EXTRAS=assignment2,pdf" in baked and 'EXTRAS=""' not in baked
    assert 'TARGET="$SOURCE[$EXTRAS]"' in baked


def test_the_runtime_keeps_this_interpreters_bytecode_only(tmp_path):
    """A worker cannot write its runtime: without the packages' bytecode there, every
    import would compile its module again in every worker."""
    import sys

    from gradekit.sandbox.runtime import build_runtime

    runtime = build_runtime(tmp_path, ("numpy",))
    caches = list((runtime.lib / "numpy").rglob("__pycache__/*.pyc"))
    tag = f".{sys.implementation.cache_tag}."
    assert caches and all(tag in path.name for path in caches)
    assert (runtime.lib / "numpy" / "__pycache__" / f"__init__{tag}pyc").is_file()
    assert list((runtime.engine / "sandbox" / "__pycache__").glob(f"worker{tag}pyc"))


def test_a_runtime_in_use_is_never_pruned_as_old(tmp_path):
    """Runtimes unused for an hour go when another is built; taking one marks it used, so
    one a long class grade keeps taking stays, however long ago it was built."""
    import time

    from gradekit.sandbox.runtime import _prune, build_runtime

    used = build_runtime(tmp_path, ("numpy",)).root
    stale = tmp_path / "runtime-0000000000000000"
    stale.mkdir()
    hours_ago = time.time() - 7200
    for folder in (used, stale):
        os.utime(folder, (hours_ago, hours_ago))
    assert build_runtime(tmp_path, ("numpy",)).root == used  # taken again by a grade
    _prune(tmp_path, keep=tmp_path / "runtime-of-another-version")
    assert used.is_dir() and not stale.exists()


def test_a_namespace_package_is_carried_too(tmp_path, monkeypatch):
    """CUDA builds of torch load their libraries from ``nvidia``, a package without an
    ``__init__.py``: its folder goes into the runtime like any other."""
    site = tmp_path / "site-packages"  # where an unconfined worker looks for packages too
    (site / "gk_namespace_probe" / "cudnn").mkdir(parents=True)
    (site / "gk_namespace_probe" / "cudnn" / "lib.py").write_text("NAME = 'cudnn'\n")
    monkeypatch.syspath_prepend(str(site))
    assert package_folders(("gk_namespace_probe",)) == [site / "gk_namespace_probe"]
    (tmp_path / "work").mkdir()
    with Sandbox(tmp_path / "work", limits=Limits(packages=("gk_namespace_probe",))) as sandbox:
        result = sandbox.call("builtins.exec", "from gk_namespace_probe.cudnn import lib\n"
                              "print(lib.NAME)", {})
    assert result.stdout.split() == ["cudnn"]
