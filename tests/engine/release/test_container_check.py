"""`make container-check` (scripts/container_check.py): its verdicts, and one line where
podman cannot run. The container run itself is CI's (`.ci/run`), minutes long."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "container_check.py"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("container_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def document(score, tests, output=""):
    return {"score": score, "output": output, "tests": [
        {"number": number, "score": points, "max_score": 5, "output": text}
        for number, points, text in tests]}


def test_the_reference_and_skeleton_must_score_as_on_the_host(check):
    host = document(10, [("1.1", 5, ""), ("1.2", 5, "")])
    assert check.judge("reference", host, host) == []
    other = document(5, [("1.1", 5, ""), ("1.2", 0, "timed out")])
    assert check.judge("reference", other, host) == ["scores differ from the host's on 1.2"]
    skeleton = document(5, [("1.1", 5, "")])
    assert "skeleton earned 5" in check.judge("skeleton", skeleton, skeleton)


def test_the_hostile_hand_in_must_be_contained_and_score_nothing(check):
    contained = document(0, [("1.1", 0, "RuntimeError: CONTAINED: nothing ...")])
    assert check.judge("hostile", contained, {}) == []
    leaked = document(0, [("1.1", 0, "RuntimeError: LEAKED /autograder/source/x.py: b'def'")])
    assert any("not contained: LEAKED" in p for p in check.judge("hostile", leaked, {}))
    silent = document(0, [("1.1", 0, "ImportError")])
    assert any("no CONTAINED message" in p for p in check.judge("hostile", silent, {}))
    forged = document(1000, [], output="FORGED")
    assert len(check.judge("hostile", forged, {})) == 2


@pytest.mark.parametrize("strict, status", [(False, 0), (True, 1)])
def test_without_podman_it_says_so_in_one_line(check, monkeypatch, capsys, strict, status):
    monkeypatch.setattr(check.shutil, "which", lambda name: None)
    assert check.main(["--strict"] if strict else []) == status
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["container-check: skipped: podman is not installed"]


def test_the_hand_ins_are_the_reference_the_skeleton_and_the_attack(check, tmp_path):
    folders = check.hand_ins("assignment1", tmp_path)
    assert set(folders) == {"reference", "skeleton", "hostile"}
    hostile = sorted(p for p in (folders["hostile"] / "cs231n").rglob("*.py")
                     if p.name != "__init__.py")
    assert hostile and all("CONTAINED" in p.read_text() for p in hostile)
    reference = (folders["reference"] / "cs231n" / "classifiers" / "linear_svm.py").read_text()
    skeleton = (folders["skeleton"] / "cs231n" / "classifiers" / "linear_svm.py").read_text()
    assert reference != skeleton
