"""``report.html``: one self-contained page about a graded class, for staff.

Inline CSS, pictures as base64 PNG data URIs, small inline SVG bars, one small inline
script (:data:`SORTER`: click a column heading of a sortable table to sort by it) and no
link to anything outside the file, so it opens the same offline, attached to an email
or from a course share. Every piece of student text (names, messages, code) is escaped.
The same inputs give the same bytes.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from gradekit.classwork import charts, stats
from gradekit.classwork.classresults import (
    CheckInfo, check_catalog, checks_of, finding_text, fmt_score, grade_failed, notebook_views,
    number_key, total,
)
from gradekit.classwork.roster import Roster
from gradekit.classwork.similarity import Pair, Settings, SharedRegion, is_archive

CONTEXT_LINES = 2   # lines shown around a shared region
SHOWN_PAIRS = 15    # similar pairs shown (the CSV has them all)
SHOWN_REGIONS = 6   # shared regions shown per pair

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1150px;
       color: #1d232b; line-height: 1.4; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #d5dde8; padding-bottom: 0.2em;
     margin-top: 2em; } h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d5dde8; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #eef2f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary span { display: inline-block; margin-right: 1.5em; }
.muted { color: #66707c; } .warn { color: #9a3412; }
.pair { border: 1px solid #d5dde8; border-radius: 4px; margin: 1em 0; padding: 0.2em 0.8em; }
.pair.flagged { border-color: #c2410c; } .pair.archive h3 { color: #5b3a8c; }
table.regions { width: 100%; table-layout: fixed; } .side { width: 50%; }
pre { margin: 0; font-size: 0.85em; overflow-x: auto; }
pre span { display: block; white-space: pre; } pre .hit { background: #ffe8a3; }
pre .ln { display: inline; color: #8a94a0; user-select: none; }
svg.quintiles rect.bar { fill: #3b6ea8; } svg.quintiles rect.bg { fill: #eef2f7; }
table.sortable th { cursor: pointer; } ul.findings { margin: 0; padding-left: 1.1em; }
"""


def render_report(results: dict[str, dict[str, Any]], roster: Roster, title: str,
                  pairs: list[Pair] | None = None,
                  code: dict[str, dict[str, str]] | None = None,
                  warnings: list[str] | None = None,
                  clusters: list[list[str]] | None = None,
                  settings: Settings = Settings()) -> str:
    """The whole page as a string (``clusters``: groups of similar submissions, see
    :func:`gradekit.classwork.similarity.clusters`)."""
    roster = roster.with_keys(list(results))
    catalog = check_catalog(results)
    max_score = sum(c.max_score for c in catalog)
    sections = [
        _scores(results, max_score),
        _students(results, roster, catalog, pairs or []),
        _checks(stats.check_stats(results, catalog)),
        _failures(stats.common_failures(results, catalog), catalog, roster),
        _problems(stats.problems(results), roster),
        _similarity(pairs or [], code or {}, roster, clusters or [], settings),
    ]
    if warnings or roster.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in list(warnings or []) + roster.warnings)
        sections.append(f'<section id="warnings"><h2>Input warnings</h2><ul>{items}</ul>'
                        "</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}: class report</title>\n<style>{_CSS}</style>\n"
            f"</head>\n<body>\n<h1>{escape(title)}</h1>\n"
            + "\n".join(sections) + f"\n<script>{SORTER}</script>\n</body>\n</html>\n")


def write_report(path: Path, *args: Any, **kwargs: Any) -> None:
    """:func:`render_report` into ``path`` (UTF-8)."""
    Path(path).write_text(render_report(*args, **kwargs), encoding="utf-8")


def _scores(results: dict[str, dict[str, Any]], max_score: float) -> str:
    numbers = stats.summary(results, max_score)
    if not numbers["count"]:
        return '<section id="scores"><h2>Scores</h2><p>No graded results.</p></section>'
    totals = sorted(total(r) for r in stats.graded(results).values())
    facts = "".join(f"<span><b>{label}</b> {value}</span>" for label, value in [
        ("graded", numbers["count"]), ("out of", fmt_score(max_score)),
        ("mean", f"{numbers['mean']:.2f}"), ("median", fmt_score(numbers["median"])),
        ("std", f"{numbers['std']:.2f}"), ("min", fmt_score(numbers["min"])),
        ("max", fmt_score(numbers["max"]))])
    histogram = charts.data_uri(charts.histogram_png(totals, max_score))
    boxplot = charts.data_uri(charts.boxplot_png(totals, max_score))
    return ('<section id="scores"><h2>Scores</h2>'
            f'<p class="summary">{facts}</p>'
            f'<img id="histogram" alt="histogram of total scores" src="{histogram}" '
            'width="750" height="300"><br>'
            f'<img id="boxplot" alt="box plot of total scores" src="{boxplot}" '
            'width="750" height="130"></section>')


SORTER = """
document.querySelectorAll("table.sortable th").forEach((th, column) => {
  th.title = "sort by this column";
  th.addEventListener("click", () => {
    const body = th.closest("table").tBodies[0];
    const up = th.dataset.order !== "up";
    th.dataset.order = up ? "up" : "down";
    const key = row => row.cells[column].dataset.sort ?? row.cells[column].textContent;
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
      return up ? order : -order;
    });
    rows.forEach(row => body.appendChild(row));
  });
});
"""
"""Sorts a ``table.sortable`` by the column whose heading is clicked (numbers as numbers,
a cell's ``data-sort`` first); the page reads the same without it."""
SHOWN_FINDINGS = 3  # notebook findings named per student (the rest are counted)


def _students(results: dict[str, dict[str, Any]], roster: Roster, catalog: list[CheckInfo],
              pairs: list[Pair]) -> str:
    """One row per submission, lowest score first: who needs help, and with what."""
    names = {check.number: check.name for check in catalog}
    similar: dict[str, list[Pair]] = {}
    for pair in pairs:
        similar.setdefault(pair.a, []).append(pair)
        similar.setdefault(pair.b, []).append(pair)
    max_score = sum(check.max_score for check in catalog)
    rows = []
    for key in sorted(results, key=lambda k: (total(results[k]), k)):
        result = results[key]
        failed = [number for number, test in sorted(checks_of(result).items(),
                                                     key=lambda item: number_key(item[0]))
                  if test.get("status") == "failed"]
        failed_html = ", ".join(f'<span title="{escape(names.get(n, ""))}">{escape(n)}</span>'
                                for n in failed) or '<span class="muted">none</span>'
        findings = [finding_text(f) for view in notebook_views(result).values()
                    for f in view.get("findings") or []]
        shown = "".join(f"<li>{escape(text)}</li>" for text in findings[:SHOWN_FINDINGS])
        more = (f'<li class="muted">and {len(findings) - SHOWN_FINDINGS} more</li>'
                if len(findings) > SHOWN_FINDINGS else "")
        flags = sorted(similar.get(key, []), key=lambda pair: -pair.score)
        flag_html = "; ".join(
            f"{pair.score:.2f} with {escape(_label(pair.b if pair.a == key else pair.a, roster))}"
            for pair in flags[:2])
        score = total(result)
        status = "grade failed" if grade_failed(result) else fmt_score(score)
        rows.append(
            f'<tr><td>{escape(_label(key, roster))}</td>'
            f'<td class="num" data-sort="{score:g}">{escape(status)}</td>'
            f'<td class="num" data-sort="{len(failed)}">{failed_html}</td>'
            f'<td data-sort="{len(findings)}"><ul class="findings">{shown}{more}</ul></td>'
            f'<td data-sort="{flags[0].score if flags else 0:.4f}">{flag_html}</td></tr>')
    return ('<section id="students"><h2>Students</h2>'
            f'<p class="muted">Lowest score first (out of {fmt_score(max_score)}); click a '
            "heading to sort by it. Failed checks show their names on hover.</p>"
            '<table id="student-table" class="sortable"><thead><tr><th>student</th>'
            "<th>score</th><th>failed checks</th><th>notebook findings</th>"
            "<th>similar to</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            "</section>")


def _checks(rows: list[stats.CheckStats]) -> str:
    body = []
    for row in rows:
        discrimination = "–" if row.discrimination is None else f"{row.discrimination:.2f}"
        body.append(
            f"<tr><td>{escape(row.check.number)}</td><td>{escape(row.check.name)}</td>"
            f'<td class="num">{fmt_score(row.check.max_score)}</td>'
            f'<td class="num">{row.count}</td><td class="num">{row.mean:.2f}</td>'
            f'<td class="num">{100 * row.pass_rate:.0f}%</td>'
            f'<td class="num">{discrimination}</td><td>{_quintile_bars(row.quintiles)}</td></tr>')
    return ('<section id="checks"><h2>Checks</h2>'
            '<p class="muted">Discrimination: correlation of the check\'s score with the rest '
            "of the total (near 0 or below: the check does not separate strong from weak "
            "submissions). Quintiles: mean share of the check's points in each fifth of the "
            "class by total score, lowest fifth on the left.</p>"
            '<table id="check-table"><thead><tr><th>#</th><th>check</th><th>points</th>'
            "<th>graded</th><th>mean</th><th>passed</th><th>discrimination</th>"
            f"<th>by quintile</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            "</section>")


def _quintile_bars(values: list[float | None]) -> str:
    width, height, gap = 14, 28, 3
    parts = [f'<svg class="quintiles" width="{len(values) * (width + gap)}" '
             f'height="{height}" role="img" aria-label="mean by quintile">']
    for index, value in enumerate(values):
        x = index * (width + gap)
        parts.append(f'<rect class="bg" x="{x}" y="0" width="{width}" height="{height}"/>')
        if value is not None:
            bar = round(height * max(0.0, min(1.0, value)), 1)
            parts.append(f'<rect class="bar" x="{x}" y="{height - bar}" width="{width}" '
                         f'height="{bar}"><title>quintile {index + 1}: '
                         f"{100 * value:.0f}%</title></rect>")
    return "".join(parts) + "</svg>"


def _failures(groups: dict[str, list[tuple[str, int, list[str]]]], catalog: list[CheckInfo],
              roster: Roster) -> str:
    parts = ['<section id="failures"><h2>Most common failures</h2>'
             '<p class="muted">Grouped by the bug a check names, else by the first line of '
             "its message with the numbers masked (#).</p>"]
    for check in catalog:
        rows = groups.get(check.number) or []
        if not rows:
            continue
        body = "".join(f'<tr><td>{escape(kind)}</td><td class="num">{count}</td>'
                       f"<td>{_who(keys, roster)}</td></tr>" for kind, count, keys in rows)
        parts.append(f"<h3>{escape(check.number)} {escape(check.name)}</h3>"
                     "<table><thead><tr><th>failure</th><th>count</th><th>for example</th>"
                     f"</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts) + "</section>"


def _problems(found: stats.Problems, roster: Roster) -> str:
    rows = [(label, keys) for label, keys in found.by_kind.items()]
    rows.append(("whole grade failed", found.grade_errors))
    rows += [(f"missing file {name}", keys) for name, keys in sorted(found.missing_files.items())]
    rows += [(f"notebook: {finding}", keys)
             for finding, keys in sorted(found.notebook_findings.items(),
                                         key=lambda item: (-len(item[1]), item[0]))]
    body = "".join(f'<tr><td>{escape(label)}</td><td class="num">{len(keys)}</td>'
                   f"<td>{_who(keys, roster)}</td></tr>" for label, keys in rows)
    return ('<section id="problems"><h2>Timeouts, crashes, missing files, notebook '
            'findings</h2><table id="problem-table"><thead><tr><th>what</th>'
            f"<th>submissions</th><th>for example</th></tr></thead><tbody>{body}</tbody>"
            "</table></section>")


def _who(keys: list[str], roster: Roster, limit: int = 5) -> str:
    names = [escape(_label(key, roster)) for key in keys[:limit]]
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(names) + more


def _label(key: str, roster: Roster) -> str:
    if is_archive(key):
        return f"archive: {key.split('/', 1)[1]}"
    people = [s.name for s in roster.of(key) if s.name and s.name != key]
    return f"{' & '.join(people)} ({key})" if people else key


def _similarity(pairs: list[Pair], code: dict[str, dict[str, str]], roster: Roster,
                clusters: list[list[str]], settings: Settings) -> str:
    parts = ['<section id="similarity"><h2>Similar submissions</h2>'
             '<p class="muted">Score: the larger of the code score (share of the smaller '
             "submission's own fingerprints, skeleton and class-common code left out, that "
             "the other has) and the partial-copy score (the code of whole functions the two "
             "share, short and class-common functions left out; 1 for "
             f"{settings.functions.full_tokens} tokens beyond "
             f"{settings.functions.min_tokens} per function), plus 0.1 for each identical "
             "wrong output and each identical written answer. Flagged: "
             f"{settings.flag:.2f} or more. Entries marked archive are earlier hand-ins or "
             "public solutions, compared with the class only. A high score is a reason to "
             "read the two side by side, not a finding. similarity.csv and similarity.json "
             "list every pair.</p>"]
    if clusters:
        items = "".join(
            f"<li>{len(group)} submissions: "
            f"{escape(', '.join(_label(key, roster) for key in group))}</li>"
            for group in clusters)
        parts.append('<h3 id="clusters">Clusters</h3><p class="muted">Groups of three or '
                     "more joined by flagged pairs.</p>"
                     f'<ul class="clusters">{items}</ul>')
    if not pairs:
        parts.append("<p>No pair shares anything beyond the skeleton and common code.</p>")
    for rank, pair in enumerate(pairs[:SHOWN_PAIRS], start=1):
        evidence = [f"code {pair.code_score:.2f} ({pair.shared} fingerprints)"]
        if pair.functions:
            evidence.append(
                f"partial {pair.partial_score:.2f}: {len(pair.functions)} of "
                f"{pair.functions_a} functions and {len(pair.functions)} of "
                f"{pair.functions_b} match ("
                + ", ".join(a.rsplit(":", 1)[1] for a, _ in pair.functions[:6])
                + (", ..." if len(pair.functions) > 6 else "") + ")")
        if pair.wrong_outputs:
            evidence.append("same wrong output on " + ", ".join(pair.wrong_outputs))
        if pair.answers:
            evidence.append("same answer in " + ", ".join(pair.answers))
        flag = " flagged" if pair.flagged(settings) else ""
        kind = " archive" if pair.archive else ""
        parts.append(f'<div class="pair{flag}{kind}"><h3>{rank}. '
                     f"{escape(_label(pair.a, roster))} and "
                     f"{escape(_label(pair.b, roster))}: {pair.score:.2f}</h3>"
                     f"<p>{escape('; '.join(evidence))}</p>")
        for region in pair.regions[:SHOWN_REGIONS]:
            parts.append(_side_by_side(region, code.get(pair.a, {}), code.get(pair.b, {})))
        if len(pair.regions) > SHOWN_REGIONS:
            parts.append(f'<p class="muted">{len(pair.regions) - SHOWN_REGIONS} more shared '
                         "regions in similarity.csv</p>")
        parts.append("</div>")
    return "".join(parts) + "</section>"


def _side_by_side(region: SharedRegion, files_a: dict[str, str], files_b: dict[str, str]) -> str:
    cells = []
    for name, lines, files in ((region.file_a, region.lines_a, files_a),
                               (region.file_b, region.lines_b, files_b)):
        cells.append(f'<td class="side"><b>{escape(name)}</b> lines {lines[0]}–{lines[1]}'
                     f"<pre>{_excerpt(files.get(name, ''), lines)}</pre></td>")
    return f'<table class="regions"><tr>{"".join(cells)}</tr></table>'


def _excerpt(text: str, lines: tuple[int, int]) -> str:
    source = text.splitlines()
    first = max(1, lines[0] - CONTEXT_LINES)
    last = min(len(source), lines[1] + CONTEXT_LINES)
    rows = []
    for number in range(first, last + 1):
        hit = ' class="hit"' if lines[0] <= number <= lines[1] else ""
        rows.append(f'<span{hit}><span class="ln">{number:>4}  </span>'
                    f"{escape(source[number - 1])}</span>")
    return "".join(rows)
