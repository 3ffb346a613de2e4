"""Pairs of submissions that look copied, for staff to read side by side.

Only what students wrote counts. In a file with START/END markers that is the lines
strictly between them, plus any line outside them that the released skeleton does not
have (a helper of their own); in a file whose markers were deleted it is every line
the skeleton does not have.

That code becomes tokens with the names people choose and the values they type taken
out: identifiers become ``ID`` (keywords, builtins, attribute names after ``.`` and
keyword-argument names stay), numbers ``NUM``, strings ``STR``; comments, blank lines
and docstrings are dropped. So renaming, re-commenting and re-spacing change nothing,
and reordering functions only moves fingerprints around.

Fingerprints are winnowed k-gram hashes (Schleimer, Wilkerson and Aiken, 2003): hash
every run of ``k`` tokens, keep the smallest hash of each ``window`` consecutive ones.
Any shared run of ``k + window - 1`` tokens is sure to share a fingerprint. Dropped:
fingerprints of the skeleton itself, and fingerprints that a large share of the class
has (a short correct numpy function has few shapes; those shared by many say nothing).

A pair's code score is the share of the smaller submission's fingerprints that the
other has. Beside it, the partial-copy score (:mod:`gradekit.classwork.partial`) counts the
code of whole functions the two share, so a hand-in that copies three of its twenty
functions stands out although it shares little of the whole; the pair is ranked by the
larger of the two. Two kinds of extra evidence add ``EVIDENCE_WEIGHT`` each (three at most of
each kind): the same wrong output on the same check (a failed check's message, with its
numbers, when the class was graded with one seed) and the same inline answer
(``extra_data["notebooks"][<file>]["answers"]``, see :mod:`gradekit.classwork.classresults`);
again only when few students share it. The score is capped at 1; a pair at or above
``Settings.flag`` is flagged, and flagged pairs joined into groups of three or more
are clusters (:func:`clusters`).

An archive (earlier terms' hand-ins, public solutions the staff collected; keys
``archive/<folder>``) is compared with the class, never with itself; what is common is
judged on the class alone, and an archive entry is always side ``b`` of its pairs.

Standard library only, besides :mod:`gradekit.markers`.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import keyword
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from gradekit.classwork.classresults import notebook_views, plain_output
from gradekit.markers import inside_regions, is_marker

if TYPE_CHECKING:
    from gradekit.classwork.partial import FunctionSettings

EVIDENCE_WEIGHT = 0.1
PLACEHOLDER = "[fill this in]"
_KEEP_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''
                              |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<number>(?:\d[\w]*(?:\.\w*)?|\.\d\w*))
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|[-+*/%&|^@<>=~:;,.()\[\]{}])
  | (?P<newline>\n)
  | (?P<skip>[ \t\f\r\\]+|.)
""", re.VERBOSE)
_GAP = 4  # lines between two matches that still count as one shared region
_KWARG = re.compile(r"[ \t]*=(?!=)")
_CODE_SUFFIXES = (".py", ".ipynb")
_MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Settings:
    """Tuning of the comparison (defaults suit a class of tens to hundreds)."""

    k: int = 12                 # tokens per k-gram
    window: int = 5             # winnowing window, in k-grams
    common_share: float = 0.1   # a fingerprint in more than this share of the class ...
    common_min: int = 5         # ... and in more than this many submissions is ignored
    min_fingerprints: int = 15  # smaller submissions are scored as if they had this many
    detailed: int = 50          # shared regions are worked out for this many top pairs
    flag: float = 0.5           # pairs scoring this or more are flagged (and clustered)
    functions: FunctionSettings = field(default_factory=lambda: _function_settings())


def _function_settings() -> FunctionSettings:
    from gradekit.classwork.partial import FunctionSettings

    return FunctionSettings()


ARCHIVE_PREFIX = "archive/"


def is_archive(key: str) -> bool:
    """Whether ``key`` names an archive entry rather than a submission of the class."""
    return key.startswith(ARCHIVE_PREFIX)


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    file: str
    first_line: int
    last_line: int


@dataclass(frozen=True)
class SharedRegion:
    """Lines of one file on each side that share fingerprints (1-based, inclusive)."""

    file_a: str
    lines_a: tuple[int, int]
    file_b: str
    lines_b: tuple[int, int]


@dataclass
class Pair:
    a: str
    b: str
    score: float
    code_score: float
    shared: int
    wrong_outputs: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    regions: list[SharedRegion] = field(default_factory=list)
    partial_score: float = 0.0
    """Code of the whole functions the two share, on the code score's scale (see
    :mod:`gradekit.classwork.partial`)."""
    functions: list[tuple[str, str]] = field(default_factory=list)
    """The matched functions, ``("file:name", "file:name")`` for ``a`` and ``b``."""
    functions_a: int = 0
    functions_b: int = 0
    """How many functions each side has that are long enough to compare."""

    @property
    def archive(self) -> bool:
        """Whether ``b`` is an archive entry (earlier term, public solution)."""
        return is_archive(self.b)

    def flagged(self, settings: Settings) -> bool:
        return self.score >= settings.flag

    def to_json(self) -> dict[str, Any]:
        """The pair as plain data (``similarity.json``)."""
        return {"a": self.a, "b": self.b, "archive": self.archive, "score": self.score,
                "code_score": self.code_score, "partial_score": self.partial_score,
                "shared_fingerprints": self.shared,
                "functions": [list(m) for m in self.functions],
                "functions_a": self.functions_a, "functions_b": self.functions_b,
                "same_wrong_outputs": self.wrong_outputs, "same_answers": self.answers,
                "regions": [{"file_a": r.file_a, "lines_a": list(r.lines_a),
                             "file_b": r.file_b, "lines_b": list(r.lines_b)}
                            for r in self.regions]}


# ---------------------------------------------------------------- reading code


def read_code(folder: Path) -> dict[str, str]:
    """The Python a submission folder holds: ``.py`` files, and each notebook's code
    cells as ``<notebook>#<cell id or index>``; keyed by relative path."""
    folder = Path(folder)
    code: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if (not path.is_file() or path.suffix not in _CODE_SUFFIXES
                or any(part.startswith((".", "__")) for part in path.relative_to(folder).parts)
                or path.stat().st_size > _MAX_FILE_BYTES):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".py":
            code[rel] = text
        else:
            code.update(notebook_cells(text, rel))
    return code


def notebook_cells(text: str, name: str) -> dict[str, str]:
    """A notebook's code cells as ``{"<name>#<cell id>": source}`` (unreadable: none)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return {}
    found = {}
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            found[f"{name}#{cell.get('id') or index}"] = source
    return found


def student_lines(text: str, skeleton_lines: set[str]) -> list[tuple[int, str]]:
    """``(line number, line)`` of what the student wrote in one file (see the module
    docstring)."""
    lines = text.splitlines()
    inside = inside_regions(lines)
    return [(number + 1, line) for number, line in enumerate(lines)
            if inside[number] or not (is_marker(line) or line.strip() in skeleton_lines)]


# ---------------------------------------------------------------- tokens


def normalized_tokens(lines: list[tuple[int, str]]) -> list[tuple[str, int]]:
    """``(token, line number)`` over the given lines, names and values taken out."""
    text = "\n".join(line for _, line in lines) + "\n"
    numbers = [number for number, _ in lines]
    tokens: list[tuple[str, int]] = []
    statement: list[tuple[str, int]] = []
    depth, row, previous = 0, 0, ""

    def close_statement() -> None:
        if statement and not (len(statement) == 1 and statement[0][0] == "STR"):
            tokens.extend(statement)
            tokens.append(("NL", statement[-1][1]))
        statement.clear()

    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        line = numbers[min(row, len(numbers) - 1)] if numbers else 0
        row += value.count("\n")
        if kind in ("comment", "skip"):
            continue
        if kind == "newline":
            if depth == 0:
                close_statement()
            continue
        if kind == "string":
            token = "STR"
        elif kind == "number":
            token = "NUM"
        elif kind == "name":
            keep = value in _KEEP_NAMES or previous == "."
            if not keep and depth > 0:  # a keyword argument's name
                keep = _KWARG.match(text, match.end()) is not None
            token = value if keep else "ID"
        else:
            token = value
            if value in "([{":
                depth += 1
            elif value in ")]}":
                depth = max(0, depth - 1)
        statement.append((token, line))
        previous = value
    close_statement()
    return tokens


# ---------------------------------------------------------------- fingerprints


def kgram_hashes(tokens: list[tuple[str, int]], k: int) -> list[tuple[int, int, int]]:
    """``(hash, first line, last line)`` of every run of ``k`` tokens."""
    hashes = []
    for start in range(len(tokens) - k + 1):
        gram = "\x1f".join(token for token, _ in tokens[start:start + k])
        digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
        hashes.append((int.from_bytes(digest, "big"), tokens[start][1],
                       tokens[start + k - 1][1]))
    return hashes


def winnow(hashes: list[tuple[int, int, int]], window: int) -> list[tuple[int, int, int]]:
    """The smallest hash of every ``window`` consecutive ones (the rightmost on a tie),
    each position once."""
    if len(hashes) <= window:
        return [min(hashes, key=lambda h: h[0])] if hashes else []
    chosen: dict[int, tuple[int, int, int]] = {}
    for start in range(len(hashes) - window + 1):
        best = start
        for index in range(start, start + window):
            if hashes[index][0] <= hashes[best][0]:
                best = index
        chosen[best] = hashes[best]
    return [chosen[index] for index in sorted(chosen)]


def written_tokens(code: dict[str, str],
                   skeleton_lines: set[str]) -> dict[str, list[list[tuple[str, int]]]]:
    """``{file: [tokens of each run of consecutive student-written lines]}``."""
    return {name: [normalized_tokens(block)
                   for block in _blocks(student_lines(code[name], skeleton_lines))]
            for name in sorted(code)}


def fingerprints(code: dict[str, str], skeleton_lines: set[str],
                 settings: Settings,
                 tokens: dict[str, list[list[tuple[str, int]]]] | None = None
                 ) -> list[Fingerprint]:
    """A submission's winnowed fingerprints over its student-written code (``tokens``:
    its :func:`written_tokens`, when already made)."""
    tokens = written_tokens(code, skeleton_lines) if tokens is None else tokens
    found = []
    for name in sorted(tokens):
        for block in tokens[name]:
            for value, first, last in winnow(kgram_hashes(block, settings.k), settings.window):
                found.append(Fingerprint(value, name, first, last))
    return found


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of consecutive lines (k-grams do not reach across given code)."""
    blocks: list[list[tuple[int, str]]] = []
    for number, line in lines:
        if blocks and blocks[-1][-1][0] == number - 1:
            blocks[-1].append((number, line))
        else:
            blocks.append([(number, line)])
    return blocks


def skeleton_index(skeleton: dict[str, str], settings: Settings) -> tuple[set[str], set[int]]:
    """The skeleton's stripped non-empty lines and every one of its k-gram hashes."""
    lines, hashes = set(), set()
    for text in skeleton.values():
        lines.update(line.strip() for line in text.splitlines() if line.strip())
        tokens = normalized_tokens(list(enumerate(text.splitlines(), start=1)))
        hashes.update(h for h, _, _ in kgram_hashes(tokens, settings.k))
    return lines, hashes


# ---------------------------------------------------------------- comparing a class


def compare(code: dict[str, dict[str, str]], skeleton: dict[str, str],
            results: dict[str, dict[str, Any]] | None = None,
            settings: Settings = Settings(),
            archive: dict[str, dict[str, str]] | None = None) -> list[Pair]:
    """Every pair of submissions that shares anything, best first.

    ``code``: ``{key: {file: text}}``; ``skeleton``: ``{file: text}`` as released;
    ``results``: ``{key: results.json}`` for the extra evidence; ``archive``:
    ``{name: {file: text}}`` of earlier hand-ins, each compared with every submission
    (keys become ``archive/<name>``, always side ``b``). Pairs not returned share
    nothing (score 0).
    """
    from gradekit.classwork.partial import copied_tokens, functions_of, match_functions

    results = results or {}
    archived = {ARCHIVE_PREFIX + name: files for name, files in (archive or {}).items()}
    everything = {**code, **archived}
    skeleton_lines, skeleton_hashes = skeleton_index(skeleton, settings)
    tokens = {key: written_tokens(files, skeleton_lines) for key, files in everything.items()}
    prints = {key: [f for f in fingerprints(files, skeleton_lines, settings, tokens[key])
                    if f.hash not in skeleton_hashes] for key, files in everything.items()}
    members = sorted(set(code) | set(results))
    keys = members + sorted(archived)
    limit = max(settings.common_min, settings.common_share * len(members))
    code_sets = _rare({key: {f.hash for f in prints.get(key, [])} for key in keys}, limit,
                      set(members))
    wrong = _rare({key: wrong_outputs(results.get(key)) for key in members}, limit)
    answers = _rare({key: inline_answers(results.get(key)) for key in members}, limit)
    shared_code = _shared_counts(code_sets)
    shared_wrong = _shared_items(wrong)
    shared_answers = _shared_items(answers)
    fs = settings.functions
    functions = {key: functions_of(files, skeleton_lines, fs, tokens[key])
                 for key, files in everything.items()}
    function_limit = max(fs.common_min, settings.common_share * len(members))
    matched = match_functions(functions, function_limit, fs, among=set(members))
    pairs = []
    for a, b in sorted(set(shared_code) | set(shared_wrong) | set(shared_answers)
                       | set(matched)):
        if is_archive(a) and is_archive(b):
            continue
        shared = shared_code.get((a, b), 0)
        smaller = max(min(len(code_sets[a]), len(code_sets[b])), settings.min_fingerprints)
        code_score = shared / smaller
        matches = matched.get((a, b), [])
        partial_score = min(1.0, copied_tokens(matches, fs.min_tokens) / fs.full_tokens)
        bad = sorted({number for number, _ in shared_wrong.get((a, b), [])})
        said = sorted({cell for cell, _ in shared_answers.get((a, b), [])})
        score = min(1.0, max(code_score, partial_score)
                    + EVIDENCE_WEIGHT * (min(len(bad), 3) + min(len(said), 3)))
        names = [(f"{m.a.file}:{m.a.name}", f"{m.b.file}:{m.b.name}") for m in matches]
        if is_archive(a):  # the archive entry goes on side b
            a, b = b, a
            names = [(y, x) for x, y in names]
        pairs.append(Pair(a, b, round(score, 4), round(code_score, 4), shared, bad, said,
                          partial_score=round(partial_score, 4), functions=names,
                          functions_a=len(functions.get(a, [])),
                          functions_b=len(functions.get(b, []))))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    for pair in pairs[:settings.detailed]:
        common = code_sets[pair.a] & code_sets[pair.b]
        pair.regions = shared_regions(prints.get(pair.a, []), prints.get(pair.b, []), common)
    return pairs


def clusters(pairs: Iterable[Pair], settings: Settings = Settings(),
             smallest: int = 3) -> list[list[str]]:
    """Groups of ``smallest`` or more submissions (archive entries too) joined by flagged
    pairs (connected components), largest first; each group sorted."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for pair in pairs:
        if pair.flagged(settings):
            parent[root(pair.a)] = root(pair.b)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in list(parent):
        groups[root(key)].append(key)
    found = [sorted(group) for group in groups.values() if len(group) >= smallest]
    return sorted(found, key=lambda group: (-len(group), group))


def wrong_outputs(result: dict[str, Any] | None) -> set[tuple[str, str]]:
    """``(check number, message)`` of failed checks whose message carries numbers (a
    timeout, a crash or a missing file says nothing about who wrote what)."""
    found = set()
    for test in (result or {}).get("tests", []):
        output = " ".join(plain_output(test).split())
        if (test.get("status") == "failed" and re.search(r"\d", output)
                and not re.search(r"timed out after|crashed:|not in your submission", output)):
            found.add((str(test.get("number")), output))
    return found


def inline_answers(result: dict[str, Any] | None) -> set[tuple[str, str]]:
    """``(cell id, answer)`` of written answers long enough to mean something."""
    found = set()
    for name, view in notebook_views(result).items():
        answers = view.get("answers")
        for cell, text in (answers.items() if isinstance(answers, dict) else []):
            text = " ".join(str(text).casefold().split())
            if len(text) >= 20 and PLACEHOLDER not in text:
                found.add((f"{name}:{cell}", text))
    return found


def _rare(sets: dict[str, set[Any]], limit: float,
          among: set[str] | None = None) -> dict[str, set[Any]]:
    """Each set without the items more than ``limit`` of the sets of ``among`` (default:
    all) hold."""
    counts = Counter(item for key, items in sets.items() if among is None or key in among
                     for item in items)
    return {key: {item for item in items if counts[item] <= limit} for key, items in sets.items()}


def _shared_counts(sets: dict[str, set[Any]]) -> dict[tuple[str, str], int]:
    holders: dict[Any, list[str]] = defaultdict(list)
    for key in sorted(sets):
        for item in sets[key]:
            holders[item].append(key)
    counts: Counter[tuple[str, str]] = Counter()
    for keys in holders.values():
        counts.update(combinations(keys, 2))
    return dict(counts)


def _shared_items(sets: dict[str, set[Any]]) -> dict[tuple[str, str], list[Any]]:
    holders: dict[Any, list[str]] = defaultdict(list)
    for key in sorted(sets):
        for item in sets[key]:
            holders[item].append(key)
    shared: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for item, keys in holders.items():
        for pair in combinations(keys, 2):
            shared[pair].append(item)
    return dict(shared)


def shared_regions(prints_a: list[Fingerprint], prints_b: list[Fingerprint],
                   common: set[int]) -> list[SharedRegion]:
    """Matched fingerprints merged into runs that go on in step on both sides (a few
    lines of comments or blank lines in between do not split a run)."""
    first_b: dict[int, Fingerprint] = {}
    for fp in prints_b:
        first_b.setdefault(fp.hash, fp)
    matches, used = [], set()
    for fp in prints_a:
        if fp.hash in common and fp.hash not in used:
            used.add(fp.hash)
            other = first_b[fp.hash]
            matches.append((fp.file, fp.first_line, fp.last_line,
                            other.file, other.first_line, other.last_line))
    regions: list[list[Any]] = []
    for fa, a1, a2, fb, b1, b2 in sorted(matches):
        last = regions[-1] if regions else None
        if (last and last[0] == fa and last[3] == fb and a1 <= last[2] + _GAP
                and last[4] - _GAP <= b1 <= last[5] + _GAP):
            last[2], last[4], last[5] = max(last[2], a2), min(last[4], b1), max(last[5], b2)
        else:
            regions.append([fa, a1, a2, fb, b1, b2])
    return [SharedRegion(r[0], (r[1], r[2]), r[3], (r[4], r[5])) for r in regions]


# ---------------------------------------------------------------- output


SIMILARITY_CSV = "similarity.csv"


SIMILARITY_JSON = "similarity.json"


def read_archive(folder: Path, warnings: list[str] | None = None) -> dict[str, dict[str, str]]:
    """The archive's entries: each subfolder of ``folder`` (its name the entry's name) as
    :func:`read_code` reads it; folders without code are skipped (named in ``warnings``)."""
    folder = Path(folder)
    if not folder.is_dir():
        from gradekit.errors import UserError

        raise UserError(f"{folder}: no such archive folder (one folder per earlier hand-in)")
    entries = {}
    for entry in sorted(p for p in folder.iterdir() if p.is_dir()
                        and not p.name.startswith((".", "__"))):
        files = read_code(entry)
        if files:
            entries[entry.name] = files
        elif warnings is not None:
            warnings.append(f"{entry}: archive entry without .py or .ipynb files; skipped")
    if not entries and warnings is not None:
        warnings.append(f"{folder}: the archive holds no folder with code")
    return entries


def write_similarity_json(path: Path, pairs: list[Pair], groups: list[list[str]],
                          archive: list[str], settings: Settings = Settings()) -> None:
    """Every pair (ranked, :meth:`Pair.to_json`), the clusters and the archive's entries."""
    data = {"flag": settings.flag, "archive": [ARCHIVE_PREFIX + name for name in archive],
            "clusters": [{"members": group,
                          "archive": [key for key in group if is_archive(key)]}
                         for group in groups],
            "pairs": [dict(rank=rank, flagged=pair.flagged(settings), **pair.to_json())
                      for rank, pair in enumerate(pairs, start=1)]}
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def write_similarity_csv(path: Path, pairs: Iterable[Pair]) -> None:
    """Ranked pairs: scores, evidence, matched functions, and shared regions as
    ``file:lines`` per side; ``archive`` is 1 when ``b`` is an archive entry."""
    from gradekit.classwork.exports import write_csv

    header = ["rank", "a", "b", "archive", "score", "code_score", "partial_score",
              "functions", "shared_fingerprints", "same_wrong_outputs", "same_answers",
              "regions_a", "regions_b"]
    rows = []
    for rank, pair in enumerate(pairs, start=1):
        rows.append([rank, pair.a, pair.b, int(pair.archive), f"{pair.score:.4f}",
                     f"{pair.code_score:.4f}", f"{pair.partial_score:.4f}",
                     "; ".join(f"{x} = {y}" for x, y in pair.functions),
                     pair.shared, " ".join(pair.wrong_outputs), " ".join(pair.answers),
                     "; ".join(f"{r.file_a}:{r.lines_a[0]}-{r.lines_a[1]}" for r in pair.regions),
                     "; ".join(f"{r.file_b}:{r.lines_b[0]}-{r.lines_b[1]}" for r in pair.regions)])
    write_csv(path, header, rows)
