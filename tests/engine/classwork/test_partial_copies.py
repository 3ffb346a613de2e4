"""Similarity on real student code: planted whole, renamed and 3-function copies rank at the
top of a class of independent corpus entries, which raise no flag; an archive is compared
with the class only; three or more similar submissions form a cluster.

The classes come from :mod:`tests.support.planting` (the correct, independently written
entries of each assignment's student corpus).
"""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from gradekit.classwork.partial import FunctionSettings, functions_of, match_functions
from gradekit.classwork.report import render_report
from gradekit.classwork.roster import Roster
from gradekit.classwork.similarity import (
    Settings, clusters, compare, skeleton_index, write_similarity_json,
)
from gradekit.cli import main
from tests.support.planting import LEVELS, independent_entries, planted_class, rank_of

SETTINGS = Settings()


def _is_planted(pair, planted) -> bool:
    return any({pair.a, pair.b} == set(keys) for keys in planted.values())


def _touches_copy(pair) -> bool:
    return pair.a.startswith("copy-") or pair.b.startswith("copy-")


@pytest.mark.parametrize("name", ["assignment1", "assignment2", "assignment3"])
def test_planted_copies_rank_at_the_top_and_independent_entries_raise_no_flag(name):
    planted = planted_class(name, seed=0)
    assert len(planted.code) >= 12
    pairs = compare(planted.code, planted.skeleton)
    ranks = {level: rank_of(pairs, *planted.planted[level]) for level in LEVELS}
    assert sorted(ranks.values()) == [1, 2, 3], ranks
    partial = pairs[ranks["partial"] - 1]
    assert partial.functions and len(partial.functions) <= 3
    assert partial.partial_score > partial.code_score  # the whole score alone is low
    assert partial.functions_a >= 8 and partial.functions_b >= 8
    for level in ("whole", "renamed"):
        assert pairs[ranks[level] - 1].flagged(SETTINGS)
    independent = [p for p in pairs
                   if not _touches_copy(p) and not _is_planted(p, planted.planted)]
    assert independent
    assert max(p.score for p in independent) < SETTINGS.flag, independent[0]
    assert max(p.score for p in independent) < partial.score
    assert clusters(pairs, SETTINGS) == []


def test_the_function_signal_lifts_the_partial_copy_clear_of_independent_pairs():
    """With the signal off, the 3-function copy scores within the independent pairs'
    noise; with it on, well above all of them."""
    planted = planted_class("assignment2", seed=0)
    off = Settings(functions=FunctionSettings(full_tokens=10 ** 9))
    keys = planted.planted["partial"]

    def margin(settings: Settings) -> float:
        pairs = compare(planted.code, planted.skeleton, settings=settings)
        noise = max(p.score for p in pairs
                    if not _touches_copy(p) and not _is_planted(p, planted.planted))
        return pairs[rank_of(pairs, *keys) - 1].score - noise

    assert margin(off) < 0.1 and margin(SETTINGS) > 0.3


def test_short_and_class_common_functions_are_not_evidence():
    code = independent_entries("assignment1")
    short = "\n\ndef _clip(v):\n    return v if v > 0 else 0\n"
    canonical = ("\n\ndef _normalise_rows(m):\n    total = m.sum(axis=1, keepdims=True)\n"
                 "    total[total == 0] = 1\n    out = m / total\n"
                 "    for i in range(out.shape[0]):\n"
                 "        if not (out[i] >= 0).all():\n            raise ValueError(i)\n"
                 "    return out, total.ravel(), out.argmax(axis=1)\n")
    everyone = {key: {**files, "extra.py": short + canonical} for key, files in code.items()}
    skeleton = planted_class("assignment1").skeleton
    lines, _ = skeleton_index(skeleton, SETTINGS)
    found = {key: functions_of(files, lines) for key, files in everyone.items()}
    assert not any(f.name == "_clip" for fs in found.values() for f in fs)  # too short
    assert any(f.name == "_normalise_rows" for fs in found.values() for f in fs)
    matched = match_functions(found, common=3)
    assert not any("_normalise_rows" in (m.a.name, m.b.name)
                   for ms in matched.values() for m in ms)  # everybody has it: canonical
    pairs = compare(everyone, skeleton)
    assert max(p.score for p in pairs) < SETTINGS.flag


def test_archive_entries_are_compared_with_the_class_only(tmp_path):
    planted = planted_class("assignment2", seed=1)
    source, copy = planted.planted["whole"]
    code = dict(planted.code)
    others = sorted(k for k in code if not k.startswith("copy-") and k != source)[:3]
    archive = {name: code.pop(name) for name in [source, *others]}
    archive["again-" + source] = archive[source]  # the same hand-in twice in the archive
    pairs = compare(code, planted.skeleton, archive=archive)
    stored = {"archive/" + source, "archive/again-" + source}
    top = pairs[0]
    assert top.a == copy and top.b in stored and top.archive and top.flagged(SETTINGS)
    assert {p.b for p in pairs[:2]} == stored
    assert not any(p.a.startswith("archive/") for p in pairs)  # archive always side b
    assert not any(p.a.startswith("archive/") and p.b.startswith("archive/") for p in pairs)
    assert {p.b for p in pairs if p.archive} <= {"archive/" + k for k in archive}
    groups = clusters(pairs, SETTINGS)
    assert groups == [sorted([copy, "archive/" + source, "archive/again-" + source])]
    write_similarity_json(tmp_path / "similarity.json", pairs, groups, sorted(archive))
    data = json.loads((tmp_path / "similarity.json").read_text())
    assert data["archive"] == sorted("archive/" + k for k in archive)
    assert data["clusters"][0]["archive"] == sorted(["archive/" + source,
                                                     "archive/again-" + source])
    first = data["pairs"][0]
    assert first["archive"] and first["flagged"] and first["rank"] == 1
    assert first["a"] == copy and first["b"] in stored


def test_clusters_group_three_or_more_similar_submissions():
    planted = planted_class("assignment1", seed=2)
    source, copy = planted.planted["renamed"]
    code = dict(planted.code)
    code["copy-again"] = dict(code[copy])
    pairs = compare(code, planted.skeleton)
    groups = clusters(pairs, SETTINGS)
    assert sorted([source, copy, "copy-again"]) in groups
    whole_source, whole_copy = planted.planted["whole"]
    assert all(set(group) != {whole_source, whole_copy} for group in groups)  # a pair only
    for a, b in combinations(sorted([source, copy, "copy-again"]), 2):
        assert next(p for p in pairs if {p.a, p.b} == {a, b}).flagged(SETTINGS)


def _result(score: float) -> dict:
    return {"score": score, "tests": [{"number": "1.1", "name": "a check", "score": score,
                                       "max_score": 10, "status": "passed"}]}


def test_report_shows_archive_entries_clusters_and_matched_functions(tmp_path):
    planted = planted_class("assignment1", seed=0)
    source, copy = planted.planted["whole"]
    code = dict(planted.code)
    archive = {source: code.pop(source)}
    code["copy-again"] = dict(code[copy])
    pairs = compare(code, planted.skeleton, archive=archive)
    groups = clusters(pairs, SETTINGS)
    results = {key: _result(5.0) for key in code}
    shown = {**code, "archive/" + source: archive[source]}
    html = render_report(results, Roster(), "T", pairs=pairs, code=shown, clusters=groups)
    assert 'id="clusters"' in html and f"archive: {source}" in html
    assert "partial " in html and "functions" in html
    partial = planted.planted["partial"]
    assert f"{len(pairs[rank_of(pairs, *partial) - 1].functions)} of" in html


def test_report_command_takes_an_archive(tmp_path):
    planted = planted_class("assignment1", seed=0)
    source, copy = planted.planted["whole"]
    out, archive = tmp_path / "out", tmp_path / "archive"
    for key, files in planted.code.items():
        home = (archive / key) if key == source else (out / key / "submission")
        for name, text in files.items():
            path = home / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if key != source:
            (out / key / "results.json").write_text(json.dumps(_result(3.0)))
    skeleton = tmp_path / "skeleton"
    for name, text in planted.skeleton.items():
        (skeleton / name).parent.mkdir(parents=True, exist_ok=True)
        (skeleton / name).write_text(text, encoding="utf-8")
    assert main(["report", str(out), "--skeleton", str(skeleton), "--title", "A1",
                 "--archive", str(archive)]) == 0
    data = json.loads((out / "similarity.json").read_text(encoding="utf-8"))
    assert data["archive"] == ["archive/" + source]
    found = [p for p in data["pairs"] if p["archive"]]
    assert (found[0]["a"], found[0]["b"]) == (copy, "archive/" + source)
    assert found[0]["flagged"] and found[0]["score"] == 1.0
    assert f"archive: {source}" in (out / "report.html").read_text(encoding="utf-8")
    header = (out / "similarity.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "partial_score" in header and "archive" in header


def test_grade_class_passes_its_archive_to_the_reports(tmp_path, monkeypatch):
    """``grade-class --archive DIR`` reaches :func:`build_reports` (the grading itself is
    covered by test_grade_class.py)."""
    from types import SimpleNamespace

    from gradekit.classwork import build, gradeclass
    from gradekit.config import load_assignment
    from tests.support.paths import TOY

    seen = {}

    def fake_grade_class(submissions, out, assignment, options, on_progress=None):
        seen["options"] = options
        return gradeclass.Summary(gradeclass.Progress())

    monkeypatch.setattr(gradeclass, "grade_class", fake_grade_class)
    toml = TOY / "assignment" / "assignment.toml"
    archive = tmp_path / "archive"
    archive.mkdir()
    assert main(["grade-class", str(tmp_path), str(tmp_path / "out"), "--assignment",
                 str(toml), "--archive", str(archive)]) == 0
    assert seen["options"].archive == archive

    def fake_build(out_dir, roster, skeleton, title, **kwargs):
        seen["build"] = kwargs
        return build.BuildSummary()

    monkeypatch.setattr(build, "build_reports", fake_build)
    gradeclass._reports(tmp_path, SimpleNamespace(roster=None), load_assignment(toml), archive)
    assert seen["build"]["archive_dir"] == archive
