"""Match the cells of a submitted notebook to the released copy's cells.

In order of trust:

1. by cell id (same id, same cell type; ids used twice in the submission are ignored);
2. by identical content, for contents that occur once on each side (as patience diff
   anchors lines), so notebooks whose ids were lost (Colab, VS Code) still line up;
3. by similar content (difflib ratio at least :data:`MIN_RATIO`), between the anchors
   around each cell, so a cell moved far away is not taken for another one;
4. by position: what is left between two anchors is paired in order (an answer cell
   rewritten from scratch sits between its question and the next cell).

Contents compare after :func:`normal_code` / :func:`normal_markdown`, so comment-only or
whitespace-only changes (such as a translated variant's comments) do not count.
"""

from __future__ import annotations

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

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.how.values()))


def match_cells(released: list[Cell], submitted: list[Cell]) -> Matching:
    """Pair released cells with submitted ones (see the module docstring)."""
    matching = Matching()
    taken: set[int] = set()

    def pair(r: int, s: int, how: str) -> None:
        matching.pairs[r] = s
        matching.how[r] = how
        taken.add(s)

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

    _similar(released, submitted, matching, taken, pair)
    _by_position(released, submitted, matching, taken, pair)
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


def _window(r: int, matching: Matching, count: int) -> tuple[int, int]:
    """Submitted indices strictly between the partners of ``r``'s matched neighbours."""
    before = [matching.pairs[i] for i in matching.pairs if i < r]
    after = [matching.pairs[i] for i in matching.pairs if i > r]
    low = max(before) if before else -1
    high = min(after) if after else count
    return low, max(high, low + 1)


def _similar(released, submitted, matching, taken, pair) -> None:  # type: ignore[no-untyped-def]
    texts_s = {c.index: normal(c)[:SIMILARITY_CHARS] for c in submitted}
    budget = SIMILARITY_BUDGET
    scored = []
    for cell in released:
        if cell.index in matching.pairs:
            continue
        text = normal(cell)[:SIMILARITY_CHARS]
        low, high = _window(cell.index, matching, len(submitted))
        for s in range(low + 1, high):
            if s in taken or submitted[s].kind != cell.kind or budget <= 0:
                continue
            budget -= 1
            matcher = difflib.SequenceMatcher(None, text, texts_s[s], autojunk=False)
            if matcher.real_quick_ratio() < MIN_RATIO or matcher.quick_ratio() < MIN_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= MIN_RATIO:
                scored.append((-ratio, abs(s - cell.index), cell.index, s))
    for _, _, r, s in sorted(scored):
        if r in matching.pairs or s in taken:
            continue
        low, high = _window(r, matching, len(submitted))
        if low < s < high:
            pair(r, s, "similar")


def _by_position(released, submitted, matching, taken, pair) -> None:  # type: ignore[no-untyped-def]
    for cell in released:
        if cell.index in matching.pairs:
            continue
        low, high = _window(cell.index, matching, len(submitted))
        for s in range(low + 1, high):
            if s not in taken and submitted[s].kind == cell.kind:
                pair(cell.index, s, "position")
                break
