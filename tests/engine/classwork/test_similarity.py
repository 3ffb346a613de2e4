"""Similarity: planted copies rank above every pair of independent solutions.

``fixtures/similarity/independent/`` holds nine batchnorm solutions (forward, staged and
closed-form backward) written separately in different styles: vectorised, per-feature
loops, a dict cache, keepdims, module-level helpers, einsum with a Jacobian, markers
deleted with Chinese comments. ``copies/`` holds five planted copies, each named after
its source: variables renamed, functions reordered, re-commented, partly rewritten,
and one with all of that at once.
"""

from __future__ import annotations

import csv
import json
import random
from itertools import combinations
from pathlib import Path

import pytest

from gradekit.classwork.similarity import (
    Settings, compare, kgram_hashes, normalized_tokens, read_code, student_lines, winnow,
    write_similarity_csv,
)
from tests.support.paths import ENGINE_FIXTURES

FIXTURES = ENGINE_FIXTURES / "similarity"
SKELETON = {"cs231n/layers.py": (FIXTURES / "skeleton" / "layers.py").read_text()}


def _class() -> dict[str, dict[str, str]]:
    return {path.stem: {"cs231n/layers.py": path.read_text(encoding="utf-8")}
            for folder in ("independent", "copies")
            for path in sorted((FIXTURES / folder).glob("*.py"))}


def _is_copy(a: str, b: str) -> bool:
    return b.startswith(a + "_") or a.startswith(b + "_")


def _scores(pairs) -> dict[tuple[str, str], float]:
    return {(p.a, p.b): p.score for p in pairs}


def test_every_copy_pair_ranks_above_every_independent_pair():
    code = _class()
    assert len([k for k in code if "_" not in k]) >= 8
    scores = _scores(compare(code, SKELETON))
    pairs = list(combinations(sorted(code), 2))
    copies = {pair: scores.get(pair, 0.0) for pair in pairs if _is_copy(*pair)}
    independent = {pair: scores.get(pair, 0.0) for pair in pairs if not _is_copy(*pair)}
    assert len(copies) == 5 and len(independent) == len(pairs) - 5
    weakest_copy = min(copies.items(), key=lambda kv: kv[1])
    strongest_other = max(independent.items(), key=lambda kv: kv[1])
    assert weakest_copy[1] > strongest_other[1], (weakest_copy, strongest_other)
    # and by a margin: the partly rewritten copy still shares most of its code
    assert weakest_copy[1] >= 0.5 and strongest_other[1] <= 0.3


def test_names_comments_and_spacing_do_not_change_tokens():
    skeleton_lines = {line.strip() for line in SKELETON["cs231n/layers.py"].splitlines()}

    def tokens(name: str, folder: str) -> list[str]:
        text = (FIXTURES / folder / f"{name}.py").read_text()
        return [t for t, _ in normalized_tokens(student_lines(text, skeleton_lines))]

    assert tokens("s1", "independent") == tokens("s1_renamed", "copies")
    assert tokens("s5", "independent") == tokens("s5_recommented", "copies")
    assert tokens("s1", "independent") != tokens("s4", "independent")


def test_tokens_keep_structure_drop_names_and_values():
    lines = list(enumerate([
        '    """A docstring."""',
        "    total = np.sum(values * 2.5, axis=0, keepdims=True)  # a comment",
        "    if total == 0:",
        "        return len(label + 'x')",
    ], start=10))
    assert [t for t, _ in normalized_tokens(lines)] == [
        "ID", "=", "ID", ".", "sum", "(", "ID", "*", "NUM", ",", "axis", "=", "NUM", ",",
        "keepdims", "=", "True", ")", "NL",
        "if", "ID", "==", "NUM", ":", "NL",
        "return", "len", "(", "ID", "+", "STR", ")", "NL"]
    assert {line for _, line in normalized_tokens(lines)} == {11, 12, 13}


def test_student_lines_use_markers_else_skip_skeleton_lines():
    skeleton_lines = {line.strip() for line in SKELETON["cs231n/layers.py"].splitlines()}
    marked = (FIXTURES / "independent" / "s7.py").read_text()
    kept = [line.strip() for _, line in student_lines(marked, skeleton_lines)]
    assert "sample_mean" not in " ".join(kept)
    assert "def _ema(old, new, momentum):" in kept           # own helper, outside the markers
    assert "z = (x - center) * inv_sd" in kept               # inside the markers
    assert 'mode = bn_param["mode"]' not in kept             # given code
    unmarked = (FIXTURES / "independent" / "s8.py").read_text()
    assert "START OF YOUR CODE" not in unmarked
    kept = [line.strip() for _, line in student_lines(unmarked, skeleton_lines)]
    assert "mean_ = x.mean(0)" in kept and 'print("alt backward done")' in kept
    assert 'eps = bn_param.get("eps", 1e-5)' not in kept
    assert "def batchnorm_backward(dout, cache):" not in kept


def test_skeleton_code_is_not_evidence():
    untouched = SKELETON["cs231n/layers.py"]
    code = {"a": {"cs231n/layers.py": untouched}, "b": {"cs231n/layers.py": untouched},
            "s1": {"cs231n/layers.py": (FIXTURES / "independent" / "s1.py").read_text()}}
    # markers deleted, the given code kept: still nothing of the student's in common
    code["c"] = {"cs231n/layers.py": "\n".join(
        line for line in untouched.splitlines() if "*****" not in line)}
    assert compare(code, SKELETON) == []


def test_fingerprints_most_of_the_class_shares_are_ignored():
    helper = ('\n\ndef _check_shapes(x, gamma, beta):\n'
              '    assert x.ndim == 2 and gamma.shape == beta.shape == (x.shape[1],), '
              '"bad shapes"\n    return x.shape[0], x.shape[1]\n')
    code = {key: files for key, files in _class().items() if "_" not in key}
    shared = {key: {"cs231n/layers.py": files["cs231n/layers.py"] + helper}
              for key, files in code.items()}
    baseline = _scores(compare(code, SKELETON))
    filtered = _scores(compare(shared, SKELETON, settings=Settings(common_share=0.5,
                                                                    common_min=2)))
    unfiltered = _scores(compare(shared, SKELETON, settings=Settings(common_min=100)))
    for pair in combinations(sorted(code), 2):
        assert filtered.get(pair, 0.0) == pytest.approx(baseline.get(pair, 0.0), abs=0.02)
        assert unfiltered[pair] > baseline.get(pair, 0.0) + 0.05


def _result(outputs: dict[str, str], answers: dict[str, str] | None = None) -> dict:
    tests = [{"number": number, "name": f"check {number}", "score": 0, "max_score": 1,
              "status": "failed", "output": output, "visibility": "hidden"}
             for number, output in outputs.items()]
    extra = {"seed": 1, "staff_log": []}
    if answers is not None:
        extra["notebooks"] = {"n.ipynb": {"answers": answers}}
    return {"score": 0, "tests": tests, "extra_data": extra}


def test_same_wrong_outputs_and_answers_add_evidence():
    same_bug = "out[0, 1] is 0.73125, expected 0.81620 (max abs error 0.2231)"
    answer = "Batch norm makes the network less sensitive to the weight scale we pick."
    results = {
        "p": _result({"2.1": same_bug, "2.2": "timed out after 10 s"}, {"cell-a": answer}),
        "q": _result({"2.1": same_bug, "2.2": "timed out after 10 s"},
                     {"cell-a": "  " + answer.upper() + " ", "cell-b": "[FILL THIS IN]"}),
        "r": _result({"2.1": "out[0, 1] is 0.1, expected 0.81620"}, {"cell-b": "[FILL THIS IN]"}),
    }
    # eight more students share another wrong output: too common to mean anything
    for index in range(8):
        results[f"many{index}"] = _result({"3.1": "dx[0, 0] is 1.5, expected 0.5"})
    pairs = {(p.a, p.b): p for p in compare({}, SKELETON, results)}
    pq = pairs[("p", "q")]
    assert (pq.wrong_outputs, pq.answers) == (["2.1"], ["n.ipynb:cell-a"])
    assert pq.score == pytest.approx(0.2) and pq.code_score == 0
    assert not any(key in ("many0", "many1") for pair in pairs for key in pair)
    assert ("q", "r") not in pairs  # placeholders and timeouts are not evidence


def test_shared_regions_line_up_on_both_sides():
    code = _class()
    skeleton_lines = {line.strip() for line in SKELETON["cs231n/layers.py"].splitlines()}
    pairs = {(p.a, p.b): p for p in compare(code, SKELETON)}

    def tokens(key: str, lines: tuple[int, int]) -> list[str]:
        kept = [(n, line) for n, line in student_lines(code[key]["cs231n/layers.py"],
                                                       skeleton_lines)
                if lines[0] <= n <= lines[1]]
        return [t for t, _ in normalized_tokens(kept)]

    renamed = pairs[("s1", "s1_renamed")]
    assert all(r.lines_a == r.lines_b for r in renamed.regions)
    covered = {n for r in renamed.regions for n in range(r.lines_a[0], r.lines_a[1] + 1)}
    student = {n for n, line in student_lines(code["s1"]["cs231n/layers.py"], skeleton_lines)
               if line.strip()}
    # what is left out is what most of this small class writes alike (the two lines of
    # test mode, unpacking the cache)
    assert len(student - covered) <= len(student) // 5, sorted(student - covered)
    reordered = pairs[("s3", "s3_reordered")]
    assert len(reordered.regions) >= 3  # the alt backward moved to the top
    assert any(r.lines_a[0] > r.lines_b[0] for r in reordered.regions)
    for region in reordered.regions:
        assert tokens("s3", region.lines_a) == tokens("s3_reordered", region.lines_b)


def test_winnowing_picks_one_fingerprint_in_every_window():
    rng = random.Random(3)
    hashes = [(rng.randrange(1000), i, i) for i in range(200)]
    chosen = {first for _, first, _ in winnow(hashes, 6)}
    for start in range(len(hashes) - 5):
        assert chosen & set(range(start, start + 6))
    assert len(chosen) < len(hashes) / 2
    tokens = [(t, 1) for t in "a b c d e f".split()]
    assert len(kgram_hashes(tokens, 4)) == 3 and kgram_hashes(tokens, 7) == []


def test_similarity_csv(tmp_path):
    pairs = compare(_class(), SKELETON)
    write_similarity_csv(tmp_path / "similarity.csv", pairs)
    with (tmp_path / "similarity.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["rank"]) for r in rows] == list(range(1, len(pairs) + 1))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert _is_copy(rows[0]["a"], rows[0]["b"])
    assert rows[0]["regions_a"].startswith("cs231n/layers.py:")


def test_read_code_takes_py_files_and_notebook_cells(tmp_path):
    (tmp_path / "cs231n").mkdir()
    (tmp_path / "cs231n" / "layers.py").write_text("x = 1\n")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "layers.py").write_text("junk\n")
    (tmp_path / "notes.txt").write_text("not code")
    notebook = {"cells": [{"cell_type": "markdown", "id": "m1", "source": "# Title"},
                          {"cell_type": "code", "id": "c1", "source": ["a = 1\n", "b = 2\n"]},
                          {"cell_type": "code", "source": "c = 3"}]}
    (tmp_path / "BN.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert read_code(tmp_path) == {"BN.ipynb#c1": "a = 1\nb = 2\n", "BN.ipynb#2": "c = 3",
                                   "cs231n/layers.py": "x = 1\n"}
