"""Match the cells of a submitted notebook to the released copy's cells.

In order of trust:

1. by cell id (same id, same cell type; ids used twice in the submission are ignored);
2. by identical content, for contents that occur once on each side (as patience diff
   anchors lines), so notebooks whose ids were lost (Colab, VS Code) still line up;
3. by similar content (difflib ratio at least :data:`MIN_RATIO`), between the anchors
   around each cell, so a cell moved far away is not taken for another one; each released
   cell is compared with at most :data:`MAX_CANDIDATES` submitted cells (those nearest
   where it is expected) and the whole notebook within :data:`SIMILARITY_BUDGET`
   comparisons and :data:`SIMILARITY_WORK` character pairs, so a crafted notebook with
   thousands of cells is matched in bounded work (what is left falls to position);
4. by position: what is left between two anchors is paired in order (an answer cell
   rewritten from scratch sits between its question and the next cell).

Contents compare after :func:`normal_code` / :func:`normal_markdown`, so comment-only or
whitespace-only changes (such as a translated variant's comments) do not count.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field

from gradekit.grading.notebook.reading import Cell
from gradekit.markers import inside_regions, strip_magics

MIN_RATIO = 0.5
SIMILARITY_CHARS = 3000
SIMILARITY_BUDGET = 20000
"""At most this many difflib comparisons per notebook (hostile notebooks have many cells)."""
SIMILARITY_WORK = 40_000_000
"""At most this many character pairs (``len(a) * len(b)``, difflib's worst case) through
full ratios per notebook."""
MAX_CANDIDATES = 64
"""At most this many submitted cells compared with one released cell."""

_ATTACHMENT = re.compile(r"\]\(attachment:")


def strip_student_regions(source: str) -> str:
    """Drop what lies between START and END marker lines (the markers stay): in a code
    cell that belongs to the student (:func:`gradekit.markers.inside_regions`)."""
    lines = source.split("\n")
    return "\n".join(line for line, inside in zip(lines, inside_regions(lines)) if not inside)


def normal_code(source: str, strings: bool = True) -> str:
    """Code as compared: student regions emptied, magics, comments and layout dropped;
    with ``strings`` False, the text of string literals too (a figure's labels)."""
    source = strip_magics(strip_student_regions(source.replace("\r\n", "\n")))
    try:
        tokens = [(token.type, token.string) for token in
                  tokenize.generate_tokens(io.StringIO(source).readline)
                  if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError, ValueError):
        lines = (line.split("#", 1)[0].rstrip() for line in source.split("\n"))
        return "\n".join(line for line in lines if line)
    words = []
    for kind, text in tokens:
        if kind == tokenize.NEWLINE:
            words.append("\n")
        elif kind == tokenize.INDENT:
            words.append("<indent>")
        elif kind == tokenize.DEDENT:
            words.append("<dedent>")
        elif kind == tokenize.STRING and not strings:
            words.append("<string>")
        else:
            words.append(text)
    return " ".join(words).replace(" \n ", "\n").strip()


def normal_markdown(source: str) -> str:
    """Markdown as compared: line ends, trailing spaces, blank runs and attachment links
    (pictures carried inside the cell for Colab) do not count."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _ATTACHMENT.sub("](", text)


def normal(cell: Cell, strings: bool = True) -> str:
    if cell.kind == "code":
        return normal_code(cell.source, strings)
    return normal_markdown(cell.source)


def digest(cell: Cell, strings: bool = True) -> str:
    """sha256 of the cell's type and normalised content (see :func:`normal_code`)."""
    text = f"{cell.kind}\0{normal(cell, strings)}"
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


@dataclass
class Matching:
    """``pairs`` maps released cell index -> submitted cell index; ``how`` says by what."""

    pairs: dict[int, int] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    comparisons: int = 0
    """difflib comparisons made (bounded by :data:`SIMILARITY_BUDGET`)."""
    work: int = 0
    """Character pairs through full ratios (bounded by :data:`SIMILARITY_WORK`)."""
    by_submitted: dict[int, int] = field(default_factory=dict, repr=False)
    """``pairs`` inverted: submitted cell index -> released cell index."""

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.how.values()))


def match_cells(released: list[Cell], submitted: list[Cell]) -> Matching:
    """Pair released cells with submitted ones (see the module docstring)."""
    matching = Matching()
    taken: set[int] = set()
    window = _Windows(len(released), len(submitted))

    def pair(r: int, s: int, how: str) -> None:
        matching.pairs[r] = s
        matching.how[r] = how
        matching.by_submitted[s] = r
        taken.add(s)
        window.add(r, s)

    ids = Counter(cell.id for cell in submitted if cell.id)
    by_id = {cell.id: cell.index for cell in submitted if cell.id and ids[cell.id] == 1}
    for cell in released:
        s = by_id.get(cell.id) if cell.id else None
        if s is not None and submitted[s].kind == cell.kind:
            pair(cell.index, s, "id")

    digests_r = {c.index: digest(c) for c in released if c.index not in matching.pairs}
    digests_s = {c.index: digest(c) for c in submitted if c.index not in taken}
    once_r = Counter(digests_r.values())
    once_s = Counter(digests_s.values())
    where_s = {d: s for s, d in digests_s.items() if once_s[d] == 1}
    anchors = [(r, where_s[d]) for r, d in digests_r.items()
               if once_r[d] == 1 and d in where_s]
    for r, s in _increasing(anchors):
        pair(r, s, "content")

    _similar(released, submitted, matching, taken, pair, window)
    _by_position(released, submitted, matching, taken, pair, window)
    return matching


def longest_increasing(values: list[int]) -> list[int]:
    """Positions of the longest strictly increasing subsequence of ``values``, in order."""
    tails: list[int] = []
    links: list[int] = []
    for index, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            mid = (low + high) // 2
            if values[tails[mid]] < value:
                low = mid + 1
            else:
                high = mid
        links.append(tails[low - 1] if low else -1)
        if low == len(tails):
            tails.append(index)
        else:
            tails[low] = index
    chain = []
    at = tails[-1] if tails else -1
    while at >= 0:
        chain.append(at)
        at = links[at]
    return chain[::-1]


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by the first item) whose second items increase."""
    pairs = sorted(pairs)
    return [pairs[at] for at in longest_increasing([s for _, s in pairs])]


class _Windows:
    """For a released index ``r``, the submitted indices strictly between the partners of
    ``r``'s matched neighbours (the largest partner before ``r``, the smallest after), in
    O(log n) per pair and per query (Fenwick trees of prefix maxima and suffix minima)."""

    def __init__(self, released: int, submitted: int) -> None:
        self.size, self.count = released, submitted
        self.before = [-1] * (released + 1)         # prefix max over r' <= r
        self.after = [submitted] * (released + 1)   # prefix min over reversed r'

    def add(self, r: int, s: int) -> None:
        at = r + 1
        while at <= self.size:
            self.before[at] = max(self.before[at], s)
            at += at & -at
        at = self.size - r
        while at <= self.size:
            self.after[at] = min(self.after[at], s)
            at += at & -at

    def __call__(self, r: int) -> tuple[int, int]:
        low, at = -1, r  # released indices < r
        while at > 0:
            low = max(low, self.before[at])
            at -= at & -at
        high, at = self.count, self.size - r - 1  # released indices > r
        while at > 0:
            high = min(high, self.after[at])
            at -= at & -at
        return low, max(high, low + 1)


def _free_by_kind(submitted, taken) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Sorted submitted indices not yet taken, per cell type."""
    free: dict[str, list[int]] = {}
    for cell in submitted:
        if cell.index not in taken:
            free.setdefault(cell.kind, []).append(cell.index)
    return free


def _nearest(indices: list[int], low: int, high: int, expected: int, limit: int) -> list[int]:
    """Up to ``limit`` of the sorted ``indices`` strictly between ``low`` and ``high``,
    nearest ``expected`` first."""
    start, stop = bisect.bisect_right(indices, low), bisect.bisect_left(indices, high)
    middle = min(max(bisect.bisect_left(indices, expected), start), stop)
    left, right, found = middle - 1, middle, []
    while len(found) < limit and (left >= start or right < stop):
        if right < stop and (left < start or
                             indices[right] - expected <= expected - indices[left]):
            found.append(indices[right])
            right += 1
        else:
            found.append(indices[left])
            left -= 1
    return found


def _similar(released, submitted, matching, taken, pair, window) -> None:  # type: ignore[no-untyped-def]
    texts_s: dict[int, str] = {}
    free = _free_by_kind(submitted, taken)
    scored = []
    for cell in released:
        if cell.index in matching.pairs:
            continue
        if matching.comparisons >= SIMILARITY_BUDGET or matching.work >= SIMILARITY_WORK:
            break
        low, high = window(cell.index)
        expected = low + 1 + (cell.index - _released_before(cell.index, matching, low))
        candidates = _nearest(free.get(cell.kind, []), low, high, expected, MAX_CANDIDATES)
        text = normal(cell)[:SIMILARITY_CHARS] if candidates else ""
        for s in candidates:
            if matching.comparisons >= SIMILARITY_BUDGET:
                break
            if s not in texts_s:
                texts_s[s] = normal(submitted[s])[:SIMILARITY_CHARS]
            matching.comparisons += 1
            matcher = difflib.SequenceMatcher(None, text, texts_s[s], autojunk=False)
            if matcher.real_quick_ratio() < MIN_RATIO or matcher.quick_ratio() < MIN_RATIO:
                continue
            cost = len(text) * len(texts_s[s])
            if matching.work + cost > SIMILARITY_WORK:
                continue
            matching.work += cost
            ratio = matcher.ratio()
            if ratio >= MIN_RATIO:
                scored.append((-ratio, abs(s - cell.index), cell.index, s))
    for _, _, r, s in sorted(scored):
        if r in matching.pairs or s in taken:
            continue
        low, high = window(r)
        if low < s < high:
            pair(r, s, "similar")


def _released_before(r: int, matching: Matching, low: int) -> int:
    """The released index whose partner is ``low`` (``-1`` when none): where the offset
    of ``r`` is counted from."""
    return -1 if low < 0 else matching.by_submitted.get(low, r - 1)


def _by_position(released, submitted, matching, taken, pair, window) -> None:  # type: ignore[no-untyped-def]
    free = _free_by_kind(submitted, taken)
    for cell in released:
        if cell.index in matching.pairs:
            continue
        low, high = window(cell.index)
        indices = free.get(cell.kind, [])
        at = bisect.bisect_right(indices, low)
        if at < len(indices) and indices[at] < high:
            pair(cell.index, indices.pop(at), "position")
