"""Batch Normalization stays releasable and gradable alone: assignment/assignment2/
batchnorm-alone.toml releases only its notebook (as before the other notebooks joined),
in step with the whole assignment's config, and grades the reference 90/90 with every
check of another notebook scoring nothing."""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.release.builder import Release
from gradekit.zips import write_folder
from tests.support.paths import A2

ALONE = A2.folder / "batchnorm-alone.toml"
BN_SECTIONS = {"batchnorm-forward", "batchnorm-backward", "fc-net", "layernorm"}
BN_PUBLIC = {"test_public_batchnorm.py", "test_public_fc_net.py", "test_public_layernorm.py"}
BN_CODE_POINTS = 90


@pytest.fixture(scope="module")
def configs():
    return load_assignment(ALONE, check_paths=True), load_assignment(A2.toml)


def test_it_releases_the_batchnorm_notebook_only(configs):
    alone, whole = configs
    assert [p.name for p in alone.release.notebooks] == ["BatchNormalization.ipynb"]
    assert [n.file for n in alone.grading.notebooks] == ["BatchNormalization.ipynb"]
    assert {s.name for s in alone.grading.sections} == BN_SECTIONS
    assert "dist" in alone.release.template_dir.parts, "its student folder is never committed"
    assert alone.release.dist_dir != whole.release.dist_dir


def test_it_is_in_step_with_the_whole_assignment(configs):
    """What Batch Normalization has in the whole assignment, it has alone: the same
    variants (first cell, translations, readmes), notebook scoring and sections."""
    alone, whole = configs
    assert alone.name == whole.name and alone.release.solution_root == whole.release.solution_root
    assert alone.release.variants == whole.release.variants, \
        "batchnorm-alone.toml's [[release.variants]] differ from assignment.toml's"
    def scored(notebooks):  # the released copy lies in each config's own student folder
        return [dataclasses.replace(n, released=None) for n in notebooks
                if n.file == "BatchNormalization.ipynb"]

    assert scored(alone.grading.notebooks) == scored(whole.grading.notebooks)
    assert set(alone.grading.sections) <= set(whole.grading.sections)
    assert set(alone.grading.submit) <= set(whole.grading.submit)
    assert alone.grading.checks == whole.grading.checks
    assert alone.grading.public_checks == whole.grading.public_checks


def test_its_student_folder_has_no_other_notebook_or_its_checks(configs):
    alone, _ = configs
    tree = Release(alone).template_tree
    notebooks = {name for name in tree if name.endswith(".ipynb")}
    assert notebooks == {"BatchNormalization.ipynb",
                         ".gradekit/released/BatchNormalization.ipynb"}  # collect's copy
    public = {name.split("/", 1)[1] for name in tree if name.startswith("public_checks/test_")}
    assert public == BN_PUBLIC
    assert "cs231n/classifiers/cnn.py" not in tree


def _grade_alone(support: str) -> list[tuple[str, float, float, bool, str]]:
    """Grade the reference with batchnorm-alone.toml, its support files at ``support``
    (in a process of its own: a grade loads the reference package in its controller)."""
    from gradekit.grading.grade import grade_submission

    alone = load_assignment(ALONE)
    notebooks = tuple(dataclasses.replace(n, released=Path(support) / n.file)
                      for n in alone.grading.notebooks)
    alone = dataclasses.replace(alone, grading=dataclasses.replace(
        alone.grading, support_root=Path(support), notebooks=notebooks))
    result = grade_submission(A2.solutions, alone, seed=3)
    assert result.error is None, result.error
    parts = {part.number for part in alone.grading.notebooks[0].parts}
    return [(c.number, c.score, c.max_score, c.passed, c.output)
            for c in result.checks if c.number not in parts]


@pytest.mark.confined
@pytest.mark.slow
def test_it_grades_batchnorm_alone(configs, tmp_path):
    alone, _ = configs
    support = tmp_path / "template"
    write_folder(Release(alone).template_tree, support)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        code = pool.submit(_grade_alone, str(support)).result()
    ours = [c for c in code if int(c[0].split(".")[0]) < 6]
    failed = {number: output for number, _, _, passed, output in ours if not passed}
    assert not failed, failed
    assert sum(c[2] for c in code) == BN_CODE_POINTS
    assert sum(c[1] for c in code) == BN_CODE_POINTS
    others = [c[0] for c in code if int(c[0].split(".")[0]) >= 6]
    assert not others, f"the other notebooks' checks score nothing and are not run: {others}"


# Bugs of the net without normalization, in one hand-in: the FullyConnectedNets notebook's
# checks (10.x) own them in the whole assignment; alone, Batch Normalization's net checks
# (5.x) must charge them, since nothing else does.
def _plain_net_bugs() -> dict[str, tuple[str, str]]:
    from tests.assignments.assignment2.mutants import MUTANTS

    wanted = {"L2 without 0.5", "weights without weight_scale"}
    return {m.name: m for m in MUTANTS if m.name in wanted}


PLAIN_CHARGED_ALONE = {"5.1", "5.2", "5.3", "5.7"}
PLAIN_OWNERS = {"10.2", "10.3", "10.5"}


def _grade_plain_bugs(folder: str, config_path: str,
                      support: str | None = None) -> dict[str, tuple[float, float, str]]:
    from gradekit.grading.grade import grade_submission

    config = load_assignment(Path(config_path))
    if support is not None:  # the released notebook lies in that config's student folder
        notebooks = tuple(dataclasses.replace(n, released=Path(support) / n.file)
                          for n in config.grading.notebooks)
        config = dataclasses.replace(config, grading=dataclasses.replace(
            config.grading, support_root=Path(support), notebooks=notebooks))
    result = grade_submission(Path(folder), config, seed=5)
    assert result.error is None, result.error
    return {c.number: (c.score, c.max_score, c.output) for c in result.checks}


@pytest.mark.confined
@pytest.mark.slow
def test_a_plain_net_bug_is_charged_once_alone_and_in_the_whole_assignment(configs, tmp_path):
    from tests.support.mutation import apply

    support = tmp_path / "template"
    write_folder(Release(configs[0]).template_tree, support)
    folder = tmp_path / "hand-in"
    mutants = list(_plain_net_bugs().values())
    assert len(mutants) == 2
    source = A2.solutions
    for index, item in enumerate(mutants):
        folder_i = tmp_path / f"step{index}"
        apply(item, source, folder_i)
        source = folder_i
    source.rename(folder)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        alone_job = pool.submit(_grade_plain_bugs, str(folder), str(ALONE), str(support))
        whole_job = pool.submit(_grade_plain_bugs, str(folder), str(A2.toml))
        alone, whole = alone_job.result(), whole_job.result()
    lost = lambda checks: {n for n, (got, most, _) in checks.items()  # noqa: E731
                           if most > 0 and got < most - 1e-9}
    assert PLAIN_CHARGED_ALONE <= lost(alone), alone
    assert "without the 0.5 factor" in alone["5.7"][2]
    assert PLAIN_OWNERS <= lost(whole)
    assert not PLAIN_CHARGED_ALONE & lost(whole), {n: whole[n] for n in PLAIN_CHARGED_ALONE}
    for number in PLAIN_CHARGED_ALONE:
        assert "charged in check 10." in whole[number][2], (number, whole[number][2])
