"""report.html and ``gradekit report``: statistics, a self-contained page, a real browser.

A synthetic class of 30 results (tests/class_results.py) is laid out as the class
runner leaves it, some with their submitted code (the similarity fixtures), and reported
on. The page is then opened in headless Chromium (Debian's package; see
scripts/install-system-packages.sh) with every request sent to a local proxy that only
counts: the page must need nothing from the network.
"""

from __future__ import annotations

import base64
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from tests.support.paths import ENGINE_FIXTURES
from tests.support.class_results import synthetic_class
from gradekit.classwork import stats
from gradekit.classwork.report import SORTER
from gradekit.classwork.build import build_reports
from gradekit.classwork.classresults import check_catalog, checks_of, total
from gradekit.classwork.roster import Roster, Student
from gradekit.cli import main

FIXTURES = ENGINE_FIXTURES / "similarity"
HOSTILE_NAME = '<script>alert("x")</script> & Co'


class _Page(HTMLParser):
    """Tags, attributes and the rows of each table, as the parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _lay_out_class(out: Path, n: int = 30, seed: int = 11) -> tuple[dict, Roster]:
    results = synthetic_class(n, seed=seed)
    code = sorted((FIXTURES / "independent").glob("*.py")) + sorted(
        (FIXTURES / "copies").glob("*.py"))
    students = []
    for index, (key, result) in enumerate(results.items()):
        (out / key).mkdir(parents=True)
        (out / key / "results.json").write_text(json.dumps(result, indent=2))
        if index < len(code):
            (out / key / "submission" / "cs231n").mkdir(parents=True)
            shutil.copy(code[index], out / key / "submission" / "cs231n" / "layers.py")
        name = HOSTILE_NAME if index == 3 else f"Student {index:02d}"
        students.append(Student(key=key, id=f"u{index:02d}", name=name, sid=str(5000 + index)))
    return results, Roster(students=students, source="roster")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("class") / "out"
    skeleton = tmp_path_factory.mktemp("skeleton")
    (skeleton / "cs231n").mkdir()
    shutil.copy(FIXTURES / "skeleton" / "layers.py", skeleton / "cs231n" / "layers.py")
    results, roster = _lay_out_class(out)
    summary = build_reports(out, roster, skeleton, "Batch Normalization")
    return out, results, roster, summary, skeleton


def test_build_writes_every_output(built):
    out, results, _, summary, _ = built
    names = sorted(path.name for path in summary.written)
    assert names == ["canvas.csv", "checks.csv", "grades.csv", "report.html", "similarity.csv",
                     "similarity.json"]
    assert summary.submissions == 30 and summary.with_code == 14
    similar = (out / "similarity.csv").read_text().splitlines()
    assert len(similar) > 5  # the planted copies are among the kept code


def test_page_is_self_contained_and_escaped(built):
    out = built[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    page = _parse(html)
    tags = [tag for tag, _ in page.tags]
    assert "link" not in tags and "iframe" not in tags
    assert tags.count("script") == 1 and f"<script>{SORTER}</script>" in html  # ours alone
    for tag, attributes in page.tags:
        for name in ("src", "href", "srcset", "action", "data"):
            value = attributes.get(name)
            assert value is None or value.startswith(("data:image/png;base64,", "#")), (tag, value)
    assert "url(" not in html and "@import" not in html
    assert HOSTILE_NAME not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html


def test_histogram_and_boxplot_are_png_data(built):
    from PIL import Image

    page = _parse((built[0] / "report.html").read_text(encoding="utf-8"))
    images = {a["id"]: a["src"] for tag, a in page.tags if tag == "img"}
    assert set(images) == {"histogram", "boxplot"}
    for uri in images.values():
        picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
        picture.load()
        assert picture.format == "PNG" and picture.size[0] >= 700
        # not blank: the bars and the box are drawn in colour
        assert len(picture.convert("RGB").getcolors(maxcolors=1 << 16) or []) > 10


def test_report_is_deterministic(built, tmp_path):
    out, _, roster, _, skeleton = built
    again = tmp_path / "out"
    shutil.copytree(out, again)
    build_reports(again, roster, skeleton, "Batch Normalization")
    for name in ("report.html", "similarity.csv", "grades.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_check_table_matches_the_results(built):
    out, results, _, _, _ = built
    page = _parse((out / "report.html").read_text(encoding="utf-8"))
    header, *rows = page.tables["check-table"]
    assert header[:7] == ["#", "check", "points", "graded", "mean", "passed", "discrimination"]
    catalog = check_catalog(results)
    assert [row[0] for row in rows] == [c.number for c in catalog]
    graded = stats.graded(results)
    assert len(graded) < len(results)  # a grade that failed is not averaged in
    for row, check in zip(rows, catalog):
        scores = np.array([checks_of(r)[check.number]["score"] for r in graded.values()])
        rest = np.array([total(r) for r in graded.values()]) - scores
        passed = np.mean([checks_of(r)[check.number]["status"] == "passed"
                          for r in graded.values()])
        assert float(row[4]) == pytest.approx(scores.mean(), abs=0.005)
        assert row[5] == f"{100 * passed:.0f}%"
        assert float(row[6]) == pytest.approx(np.corrcoef(scores, rest)[0, 1], abs=0.005)


def _result(scores: dict[str, float], outputs: dict[str, str] | None = None) -> dict:
    outputs = outputs or {}
    tests = [{"number": n, "name": f"check {n}", "score": s, "max_score": 1,
              "status": "passed" if s == 1 else "failed", "output": outputs.get(n, ""),
              "visibility": "hidden"} for n, s in scores.items()]
    return {"score": sum(scores.values()), "output": "", "tests": tests,
            "extra_data": {"seed": 1, "staff_log": []}}


def test_quintiles_and_discrimination():
    # 20 students; check "b" is passed by the strongest fifth only, "c" by everyone
    results = {}
    for i in range(20):
        strong = i >= 16
        results[f"k{i:02d}"] = _result({"a": i / 20, "b": 1.0 if strong else 0.0,
                                        "c": 1.0})
    by_number = {s.check.number: s for s in stats.check_stats(results, check_catalog(results))}
    assert by_number["b"].quintiles == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert by_number["b"].discrimination > 0.5
    assert by_number["c"].discrimination is None and by_number["c"].pass_rate == 1.0
    assert by_number["a"].quintiles[0] < by_number["a"].quintiles[-1]


def test_failures_are_grouped_by_named_bug_else_masked_message():
    results = {
        "k1": _result({"a": 0}, {"a": "out is 0.5, expected 0.7. This looks like: ddof=1."}),
        "k2": _result({"a": 0}, {"a": "out is 0.1, expected 0.9. This looks like: ddof=1."}),
        "k3": _result({"a": 0}, {"a": "out[0, 2] is 0.25, expected 0.75\nmore detail"}),
        "k4": _result({"a": 0}, {"a": "Passed: shapes.\nout[1, 3] is 0.5, expected 0.1"}),
        "k5": _result({"a": 0}, {"a": "cs231n.layers.f timed out after 10 s"}),
    }
    results["k5"]["extra_data"]["files"] = {"missing": ["cs231n/layers.py"]}
    results["k5"]["extra_data"]["notebooks"] = {
        "n.ipynb": {"findings": ["cell 7 was not run", {
            "part": "complete", "cell": "c9", "problem": "unrun",
            "message": "the code cell under \"Setup\" (\"x = 1\") was not run"}]}}
    groups = stats.common_failures(results, check_catalog(results))["a"]
    assert groups[0] == ("ddof=1", 2, ["k1", "k2"])
    assert groups[1] == ("out[#, #] is #, expected #", 2, ["k3", "k4"])
    assert groups[2][0] == "cs231n.layers.f timed out after # s"
    found = stats.problems(results)
    assert found.by_kind["timeouts"] == ["k5"]
    assert found.missing_files == {"cs231n/layers.py": ["k5"]}
    assert found.notebook_findings == {"cell # was not run": ["k5"], 'the code cell under '
                                       '"Setup" ("x = #") was not run': ["k5"]}


def test_gradekit_report_command(tmp_path, capsys):
    out = tmp_path / "out"
    _lay_out_class(out, n=8, seed=3)
    export = tmp_path / "export"
    export.mkdir()
    (export / "submission_metadata.yml").write_text(
        "submission_1000:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '1'\n"
        "    :email: ada@example.edu\n")
    (export / "submission_1000").mkdir()
    code = main(["report", str(out), "--roster", str(export), "--title", "BN",
                 "--skeleton", str(FIXTURES / "skeleton")])
    printed = capsys.readouterr().out
    assert code == 0 and "wrote" in printed and "8 results" in printed
    grades = (out / "grades.csv").read_text()
    assert "Ada Lovelace" in grades and "BN" in (out / "canvas.csv").read_text()
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "no such folder" in capsys.readouterr().err

    # Canvas's gradebook export beside the Gradescope one: Canvas IDs, the existing column.
    gradebook = tmp_path / "canvas-export.csv"
    gradebook.write_text("Student,ID,SIS User ID,SIS Login ID,Section,BN (77)\n"
                         "    Points Possible,,,,,100\nAda Lovelace,4242,1,,A,\n")
    skeleton = ["--skeleton", str(FIXTURES / "skeleton")]
    assert main(["report", str(out), "--roster", str(export), "--roster", str(gradebook),
                 "--title", "BN", *skeleton]) == 0
    printed = capsys.readouterr().out
    canvas = (out / "canvas.csv").read_text().splitlines()
    assert canvas[0].endswith(",BN (77)") and canvas[2].startswith("Ada Lovelace,4242,1,")
    assert "not in the Canvas gradebook" in printed  # the seven others
    assert main(["report", str(out), "--roster", str(gradebook), "--roster",
                 str(gradebook), "--title", "BN", *skeleton]) == 2
    assert "at most one" in capsys.readouterr().err


# ---------------------------------------------------------------- the page in a browser


class _CountingProxy(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _any(self):
        type(self).requests.append(f"{self.command} {self.path}")
        self.send_response(403)
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_CONNECT = _any

    def log_message(self, *args):
        pass


# Chromium's own background services, which it calls whatever page it shows (even
# with --disable-background-networking and --disable-component-update); answered 403.
BROWSER_SERVICES = {"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                    "redirector.gvt1.com", "edgedl.me.gvt1.com"}
CONTROL_HOSTS = ("control.gradekit.invalid", "control-tls.gradekit.invalid")


def _host(request: str) -> str:
    """The host of a proxied request line (``GET http://host/...`` or ``CONNECT host:443``)."""
    target = request.split(" ", 1)[1]
    return re.sub(r"^[a-z]+://", "", target).split("/", 1)[0].rsplit(":", 1)[0]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed; "
                    "scripts/install-system-packages.sh installs it (Debian's package)")
def test_report_in_headless_chromium(built, tmp_path):
    out = built[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    # The test's copy reports what the browser made of every picture. Controls show the
    # checks can fail: a broken picture, and two pictures from the network, which the
    # proxy must see (and nothing else from the page).
    probe = ('<img id="control" alt="" src="data:image/png;base64,AAAA">'
             f'<img id="net1" alt="" src="http://{CONTROL_HOSTS[0]}/pixel.png">'
             f'<img id="net2" alt="" src="https://{CONTROL_HOSTS[1]}/pixel.png">'
             "<script>window.addEventListener('load', () => document.body.setAttribute("
             "'data-images', [...document.images].map(i => i.id + ':' + (i.complete && "
             "i.naturalWidth > 0 ? i.naturalWidth + 'x' + i.naturalHeight : 'broken'))"
             ".join(' ')));</script>"
             # The student table as loaded, then after two clicks on its score heading.
             "<script>window.addEventListener('load', () => {"
             "const table = document.getElementById('student-table');"
             "const scores = () => [...table.tBodies[0].rows].map(r => r.cells[1].dataset.sort)"
             ".join(' ');"
             "document.body.setAttribute('data-loaded', scores());"
             "const th = table.tHead.rows[0].cells[1]; th.click(); th.click();"
             "document.body.setAttribute('data-resorted', scores());});</script>")
    page = tmp_path / "probe.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")

    _CountingProxy.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = f"--proxy-server=http://127.0.0.1:{server.server_address[1]}"
    base = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--hide-scrollbars", proxy, "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=5000", "--window-size=1200,2400"]
    env = {**os.environ, "HOME": str(tmp_path)}
    try:
        dom = subprocess.run(base + [f"--user-data-dir={tmp_path / 'profile1'}", "--dump-dom",
                                     page.as_uri()],
                             capture_output=True, text=True, timeout=120, env=env, check=True)
        shot = tmp_path / "report.png"
        subprocess.run(base + [f"--user-data-dir={tmp_path / 'profile2'}",
                               f"--screenshot={shot}", (out / "report.html").as_uri()],
                       capture_output=True, timeout=120, env=env, check=True)
    finally:
        server.shutdown()
        server.server_close()

    images = dict(item.split(":") for item in re.search(
        r'data-images="([^"]*)"', dom.stdout).group(1).split())
    assert images["histogram"] == "750x300" and images["boxplot"] == "750x130"
    assert images["control"] == images["net1"] == images["net2"] == "broken"
    def scores(name: str) -> list[float]:
        return [float(v) for v in re.search(rf'{name}="([^"]*)"', dom.stdout).group(1).split()]

    loaded, resorted = scores("data-loaded"), scores("data-resorted")
    assert len(loaded) == len(built[1]) and loaded == sorted(loaded), "lowest score first"
    assert resorted == sorted(loaded, reverse=True), "two clicks: highest first"
    rendered = _parse(dom.stdout)
    assert len(rendered.tables["check-table"]) == 1 + len(check_catalog(built[1]))
    from_page = sorted({_host(r) for r in _CountingProxy.requests} - BROWSER_SERVICES)
    assert from_page == sorted(CONTROL_HOSTS), _CountingProxy.requests

    from PIL import Image

    picture = Image.open(shot).convert("RGB")
    assert picture.size == (1200, 2400)
    top = picture.crop((0, 0, 1200, 700))
    assert len(top.getcolors(maxcolors=1 << 20) or []) > 50  # text and a chart, not blank


def test_student_table_names_each_students_failed_checks_and_findings(built):
    """Who needs help: one row per submission, lowest score first, with the numbers of the
    checks it failed and its notebook findings in words (never a raw structure)."""
    out, results = built[0], built[1]
    html = (out / "report.html").read_text(encoding="utf-8")
    rows = _parse(html).tables["student-table"][1:]
    assert len(rows) == len(results)
    by_key = {}
    for row in rows:
        key = re.search(r"\(([^()]+)\)$", row[0])
        by_key[key.group(1) if key else row[0]] = row
    for key, result in results.items():
        failed = [n for n, t in checks_of(result).items() if t["status"] == "failed"]
        cell = by_key[key][2]
        assert sorted(cell.split(", ")) == sorted(failed) if failed else cell == "none", key
    assert [float(row[1]) for row in rows if row[1] != "grade failed"] == sorted(
        total(r) for r in results.values() if not r["output"].startswith("The autograder"))
    assert "{'" not in html and "'message':" not in html
