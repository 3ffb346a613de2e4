"""Everything staff read after a class grade, written into its output folder.

Reads ``OUT/<key>/results.json`` and, when the class runner kept them,
``OUT/<key>/submission/`` (the submitted files, for the similarity); writes
``grades.csv``, ``canvas.csv``, ``checks.csv``, ``similarity.csv``, ``similarity.json``
and ``report.html`` into ``OUT``. An archive folder (earlier hand-ins, one folder each)
is compared with the class.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.classwork import exports, similarity
from gradekit.classwork.classresults import load_results
from gradekit.classwork.report import write_report
from gradekit.classwork.canvas import CanvasGradebook
from gradekit.classwork.roster import Roster
from gradekit.errors import UserError

REPORT_HTML = "report.html"
SUBMISSION_DIR = "submission"


@dataclass
class BuildSummary:
    """What was written, what was odd, how long each part took (seconds)."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    submissions: int = 0
    with_code: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def build_reports(out_dir: Path, roster: Roster | None, skeleton_dir: Path | None,
                  assignment_title: str,
                  settings: similarity.Settings = similarity.Settings(),
                  gradebook: CanvasGradebook | None = None,
                  archive_dir: Path | None = None) -> BuildSummary:
    """Write the CSVs and ``report.html`` into ``out_dir`` from what it holds.

    ``roster`` names the students (``None``: one pseudo-student per result);
    ``gradebook`` (Canvas's export) gives ``canvas.csv`` its Canvas IDs and column;
    ``skeleton_dir`` is the released student folder whose code the similarity ignores
    (``None``: nothing is subtracted but the class-common code); ``archive_dir`` holds
    earlier hand-ins or public solutions, one folder each, compared with every submission.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"{out_dir}: no such folder")
    summary = BuildSummary()
    clock = time.perf_counter()
    results, summary.warnings = load_results(out_dir)
    if not results:
        raise UserError(f"{out_dir}: no */results.json here; grade the class first")
    summary.submissions = len(results)
    roster = roster if roster is not None else Roster()
    summary.written += exports.write_exports(out_dir, results, roster, assignment_title,
                                             gradebook, summary.warnings)
    summary.seconds["exports"] = _lap(clock)

    clock = time.perf_counter()
    code = {key: similarity.read_code(out_dir / key / SUBMISSION_DIR) for key in results
            if (out_dir / key / SUBMISSION_DIR).is_dir()}
    summary.with_code = sum(1 for files in code.values() if files)
    skeleton = similarity.read_code(skeleton_dir) if skeleton_dir else {}
    if skeleton_dir is not None and not skeleton:
        summary.warnings.append(f"{skeleton_dir}: no .py or .ipynb files; no skeleton code "
                                "is left out of the similarity")
    archive = similarity.read_archive(archive_dir, summary.warnings) if archive_dir else {}
    pairs = similarity.compare(code, skeleton, results, settings, archive)
    groups = similarity.clusters(pairs, settings)
    similarity.write_similarity_csv(out_dir / similarity.SIMILARITY_CSV, pairs)
    similarity.write_similarity_json(out_dir / similarity.SIMILARITY_JSON, pairs, groups,
                                     sorted(archive), settings)
    summary.written += [out_dir / similarity.SIMILARITY_CSV,
                        out_dir / similarity.SIMILARITY_JSON]
    summary.seconds["similarity"] = _lap(clock)

    clock = time.perf_counter()
    code.update({similarity.ARCHIVE_PREFIX + name: files for name, files in archive.items()})
    write_report(out_dir / REPORT_HTML, results, roster, assignment_title, pairs=pairs,
                 code=code, warnings=summary.warnings, clusters=groups, settings=settings)
    summary.written.append(out_dir / REPORT_HTML)
    summary.seconds["report"] = _lap(clock)
    return summary


def _lap(start: float) -> float:
    return round(time.perf_counter() - start, 3)
