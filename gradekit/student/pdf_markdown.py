"""Notebook markdown to Typst markup, for the answers PDF.

A small converter for what notebook cells use: ATX and setext headings, paragraphs with hard
breaks, emphasis, strong and struck-through text, bullet and numbered lists (nested),
block quotes, rules, fenced and indented code, pipe tables, links and bare URLs, pictures
(through a callback), a few HTML tags (``<br>``, ``<img>``; others are dropped, their text
kept), HTML entities, and TeX math (``$...$``, ``\\(...\\)``, ``$$...$$``, ``\\[...\\]``,
``\\begin{align}`` ...) converted with ``tex2typst``.

Every piece of the student's text reaches Typst escaped, or inside a Typst string literal,
so the markup it produces cannot run Typst code or import packages; only converted math is
passed through, and math holding a ``#`` (code) outside its string literals is refused.
A construct that cannot be converted raises :class:`MarkdownError`.
"""

from __future__ import annotations

import html
import re
from typing import Callable

ImageHook = Callable[[str, str], str]
"""``(source, alt text) -> Typst markup`` for a picture a cell links to."""


class MarkdownError(ValueError):
    """A cell's markdown could not be turned into Typst (most often its math)."""


# ---------------------------------------------------------------- Typst text and strings

# ASCII characters with a meaning somewhere in Typst markup (or after an embedded call).
_SPECIAL = set("\\#*_`$<>@=-+/[]~(){};:'\"")
_DIGIT_DOT = re.compile(r"(?<=\d)\.")


def escape_text(text: str) -> str:
    """``text`` as literal Typst markup (one line: newlines must be handled by the caller)."""
    escaped = "".join("\\" + char if char in _SPECIAL else char for char in text)
    return _DIGIT_DOT.sub(r"\\.", escaped)  # "1." at a line start would begin a numbered list


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def raw_block(code: str, lang: str | None = None) -> str:
    """A highlighted (when ``lang`` is given) block of code."""
    language = f", lang: {typst_string(lang)}" if lang else ""
    return f"#raw({typst_string(code.rstrip())}, block: true{language});"


# ---------------------------------------------------------------- math

_MATH_ENVIRONMENTS = r"(?:equation|align|gather|multline|eqnarray|alignat|flalign)\*?"


def math(tex: str, display: bool) -> str:
    """TeX math as Typst math; ``display`` makes it a block equation."""
    import tex2typst  # the pdf extra; imported here so the converter loads without it

    tex = tex.strip()
    if not tex:
        return ""
    try:
        converted = tex2typst.tex2typst(tex).strip()
    except Exception as error:  # the converter reports any TeX it cannot read this way
        first_line = str(error).strip().split("\n")[0]
        raise MarkdownError(f"math ${tex}$: {first_line}") from None
    if not display:
        converted = converted.rstrip("\\ ")  # a trailing line break would escape the "$"
    problem = _unsafe(converted)
    if problem:
        raise MarkdownError(f"math ${tex}$: converts to Typst {problem}, which is not allowed")
    if not converted:
        return ""
    return f"$ {converted} $" if display else f"${converted}$"


def _unsafe(typst_math: str) -> str | None:
    """What in converted math could leave its ``$...$``: code (``#``), a ``$``, a comment,
    an unterminated string. None when there is nothing of the kind."""
    in_string = escaped = False
    previous = ""
    for char in typst_math:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = True
        elif char in "#$":
            return "code" if char == "#" else "with a $"
        elif previous == "/" and char in "/*":
            return "with a comment"
        previous = "" if in_string else char
    return "with an unterminated string" if in_string else None


# ---------------------------------------------------------------- inline text

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]+)>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"]+", re.IGNORECASE)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_TAG_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                            re.IGNORECASE)
_OTHER_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TARGET = r"\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
_INLINE_RULES = (
    ("image", re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]" + _TARGET)),
    ("link", re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]" + _TARGET)),
    ("strong", re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*(?!\*)", re.DOTALL)),
    ("strong", re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL)),
    ("strike", re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.DOTALL)),
    ("emph", re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*", re.DOTALL)),
    ("emph", re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)", re.DOTALL)),
)
_CALLS = {"strong": "#strong", "emph": "#emph", "strike": "#strike"}


class _Inline:
    """One paragraph's inline markdown to Typst: protect literal spans, then nest the rest."""

    def __init__(self, images: ImageHook):
        self.images = images
        self.spans: list[tuple[str, str]] = []  # (Typst markup, the markdown it replaced)

    def convert(self, text: str) -> str:
        return self._restore(self._nest(self._protect(text)))

    def _keep(self, markup: str, source: str) -> str:
        self.spans.append((markup, source))
        return f"\ue000{len(self.spans) - 1}\ue001"

    def _restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.spans[int(m.group(1))][0], text)

    def _source(self, text: str) -> str:
        """The markdown behind ``text`` (placeholders put back), e.g. for a link target."""
        return _PLACEHOLDER.sub(lambda m: self.spans[int(m.group(1))][1], text)

    def _protect(self, text: str) -> str:
        """Code spans, math, escapes, URLs, tags and entities: replaced by placeholders."""
        out: list[str] = []
        i = 0
        while i < len(text):
            char = text[i]
            step = self._protected_at(text, i)
            if step is not None:
                markup, end = step
                out.append(self._keep(markup, text[i:end]))
                i = end
            else:
                out.append(char)
                i += 1
        return "".join(out)

    def _protected_at(self, text: str, i: int) -> tuple[str, int] | None:
        char = text[i]
        if char == "\\" and text.startswith(("\\(", "\\["), i):
            close = "\\)" if text[i + 1] == "(" else "\\]"
            end = text.find(close, i + 2)
            if end >= 0:
                return math(text[i + 2:end], display=close == "\\]"), end + 2
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ASCII_PUNCTUATION:
            return escape_text(text[i + 1]), i + 2
        if char == "`":
            ticks = _BACKTICKS.match(text, i).group()  # type: ignore[union-attr]
            end = text.find(ticks, i + len(ticks))
            while end >= 0 and text.startswith("`", end + len(ticks)):
                end = text.find(ticks, _BACKTICKS.match(text, end).end())  # type: ignore
            if end < 0:
                return escape_text(ticks), i + len(ticks)
            code = text[i + len(ticks):end].replace("\n", " ")
            if len(code) > 2 and code[0] == code[-1] == " " and code.strip():
                code = code[1:-1]
            return f"#raw({typst_string(code)});", end + len(ticks)
        if char == "$":
            return self._dollar_math(text, i)
        if char == "<":
            return self._tag(text, i)
        if char == "&":
            entity = _ENTITY.match(text, i)
            if entity:
                return escape_text(html.unescape(entity.group())), entity.end()
        if char in "hHfF":
            url = _BARE_URL.match(text, i)
            if url and (i == 0 or not text[i - 1].isalnum()):
                target = url.group().rstrip(".,;:!?'")
                while target.endswith(")") and target.count(")") > target.count("("):
                    target = target[:-1]
                return f"#link({typst_string(target)});", i + len(target)
        return None

    def _dollar_math(self, text: str, i: int) -> tuple[str, int] | None:
        if text.startswith("$$", i):
            end = text.find("$$", i + 2)
            if end > i + 2:
                return math(text[i + 2:end], display=True), end + 2
            return None
        end = i + 1
        while True:
            end = text.find("$", end)
            if end < 0:
                return None
            if text[end - 1] != "\\":
                break
            end += 1
        body = text[i + 1:end]
        if not body or body[0].isspace() or body[-1].isspace():
            return None
        return math(body, display=False), end + 1

    def _tag(self, text: str, i: int) -> tuple[str, int] | None:
        for pattern, make in (
            (_AUTOLINK, lambda m: f"#link({typst_string(m.group(1))});"),
            (_BREAK_TAG, lambda m: "#linebreak();"),
            (_IMG_TAG, self._img_tag),
            (_OTHER_TAG, lambda m: ""),
        ):
            found = pattern.match(text, i)
            if found:
                return make(found), found.end()
        return None

    def _img_tag(self, tag: re.Match[str]) -> str:
        attributes = {name.lower(): a or b or c
                      for name, a, b, c in _TAG_ATTRIBUTE.findall(tag.group())}
        if not attributes.get("src"):
            return ""
        return self.images(html.unescape(attributes["src"]),
                           html.unescape(attributes.get("alt", "")))

    def _nest(self, text: str) -> str:
        """Pictures, links and emphasis (in the protected text), escaping the rest."""
        best: tuple[int, int, str, re.Match[str]] | None = None
        for order, (kind, pattern) in enumerate(_INLINE_RULES):
            found = pattern.search(text)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), order, kind, found)
        if best is None:
            return escape_text(text)
        start, _, kind, found = best
        before, after = text[:start], text[found.end():]
        if kind == "image":
            markup = self.images(_unangle(self._source(found.group(2))),
                                 self._source(found.group(1)))
        elif kind == "link":
            target = _unangle(self._source(found.group(2))).strip()
            label = self._nest(found.group(1))
            if not target:
                markup = label
            elif label:
                markup = f"#link({typst_string(target)})[{label}];"
            else:
                markup = f"#link({typst_string(target)});"
        else:
            markup = f"{_CALLS[kind]}[{self._nest(found.group(1))}];"
        return escape_text(before) + markup + self._nest(after)


def _unangle(target: str) -> str:
    return target[1:-1] if target.startswith("<") and target.endswith(">") else target


def inline(text: str, images: ImageHook) -> str:
    """One paragraph's (or heading's, or table cell's) inline markdown as Typst markup.

    Lines are joined: by nothing between two CJK characters, by a space otherwise; a line
    ending in two spaces or a backslash is a hard break.
    """
    lines = text.split("\n")
    joined: list[str] = []
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        hard = not last and (line.endswith("  ") or (line.endswith("\\")
                                                      and not line.endswith("\\\\")))
        line = line.rstrip()
        if hard and line.endswith("\\"):
            line = line[:-1]
        if joined and joined[-1] not in ("<br>",):
            previous = joined[-1]
            if not (previous and line and _is_cjk(previous[-1]) and _is_cjk(line[0])):
                joined.append(" ")
        joined.append(line.lstrip() if number else line)
        if hard:
            joined.append("<br>")
    return _Inline(images).convert("".join(joined).strip())


def _is_cjk(char: str) -> bool:
    return bool(CJK.match(char))


CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
"""Chinese, Japanese and Korean characters, with their punctuation."""


# ---------------------------------------------------------------- blocks

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_ITEM = re.compile(r"^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)(.*)$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_MATH_BEGIN = re.compile(r"^\s*\\begin\{(" + _MATH_ENVIRONMENTS + r")\}")


def to_typst(markdown: str, images: ImageHook) -> str:
    """A markdown cell's source as Typst markup."""
    markdown = markdown.replace("\ue000", "\ufffd").replace("\ue001", "\ufffd")  # placeholders
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    return "\n\n".join(_Blocks(images).convert(lines))


class _Blocks:
    def __init__(self, images: ImageHook):
        self.images = images

    def inline(self, text: str) -> str:
        return inline(text, self.images)

    def convert(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            for method in (self._fence, self._display_math, self._heading, self._rule,
                           self._quote, self._list, self._table, self._indented_code):
                done = method(lines, i)
                if done is not None:
                    markup, i = done
                    if markup:
                        out.append(markup)
                    break
            else:
                markup, i = self._paragraph(lines, i)
                out.append(markup)
        return out

    # Each block method returns (markup, index after the block) or None if not its block.

    def _fence(self, lines: list[str], i: int) -> tuple[str, int] | None:
        opening = _FENCE.match(lines[i])
        if not opening:
            return None
        indent, fence, lang = len(opening.group(1)), opening.group(2), opening.group(3)
        body = []
        j = i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                j += 1
                break
            line = lines[j]
            body.append(line[indent:] if not line[:indent].strip() else line.lstrip())
            j += 1
        return raw_block("\n".join(body), lang or None), j

    def _display_math(self, lines: list[str], i: int) -> tuple[str, int] | None:
        stripped = lines[i].strip()
        environment = _MATH_BEGIN.match(lines[i])
        if environment:
            close = "\\end{" + environment.group(1) + "}"
        elif stripped.startswith("$$"):
            close = "$$"
        elif stripped.startswith("\\["):
            close = "\\]"
        else:
            return None
        opener = "" if environment else stripped[:2]
        text = lines[i].strip()[len(opener):]
        j = i
        while close not in text if opener else close not in lines[j]:
            j += 1
            if j >= len(lines):
                return None  # never closed: let the paragraph show it as text
            text += "\n" + lines[j]
        if environment:
            text = "\n".join(lines[i:j + 1])
            end = text.find(close) + len(close)
            body = text[:end].strip()
            body = re.sub(r"^\\begin\{[^}]*\}|\\end\{[^}]*\}$", "", body).strip()
            if environment.group(1).rstrip("*") in ("align", "eqnarray", "alignat", "flalign"):
                body = "\\begin{aligned}" + body + "\\end{aligned}"
            rest = text[end:]
        else:
            end = text.find(close)
            body, rest = text[:end], text[end + len(close):]
        markup = math(body, display=True)
        if rest.strip():
            markup += "\n\n" + self.inline(rest.strip())
        return markup, j + 1

    def _heading(self, lines: list[str], i: int) -> tuple[str, int] | None:
        atx = _ATX.match(lines[i])
        if atx:
            return self._heading_markup(len(atx.group(1)), atx.group(2) or ""), i + 1
        return None

    def _heading_markup(self, level: int, text: str) -> str:
        return f"#heading(level: {level})[{self.inline(text.strip())}];"

    def _rule(self, lines: list[str], i: int) -> tuple[str, int] | None:
        if _RULE.match(lines[i]):
            return "#line(length: 100%, stroke: 0.5pt + luma(150));", i + 1
        return None

    def _quote(self, lines: list[str], i: int) -> tuple[str, int] | None:
        if not _QUOTE.match(lines[i]):
            return None
        body = []
        j = i
        while j < len(lines) and lines[j].strip():
            quoted = _QUOTE.match(lines[j])
            body.append(lines[j][quoted.end():] if quoted else lines[j])
            j += 1
        inner = "\n\n".join(self.convert(body))
        return (f"#block(stroke: (left: 2pt + luma(180)), inset: (left: 9pt, y: 3pt))"
                f"[{inner}];", j)

    def _list(self, lines: list[str], i: int) -> tuple[str, int] | None:
        first = _ITEM.match(lines[i])
        if not first or (_RULE.match(lines[i])):
            return None
        ordered = first.group(2)[0].isdigit()
        items: list[list[str]] = []
        loose = False
        j = i
        while j < len(lines):
            item = _ITEM.match(lines[j])
            if not item or item.group(2)[0].isdigit() != ordered or _RULE.match(lines[j]):
                break
            spaces = len(item.group(3))
            width = len(item.group(1)) + len(item.group(2)) + (spaces if 0 < spaces <= 4 else 1)
            body = [item.group(4)]
            j += 1
            blank = False
            while j < len(lines):
                line = lines[j]
                if not line.strip():
                    blank = True
                    body.append("")
                    j += 1
                    continue
                indent = len(line) - len(line.lstrip(" "))
                if indent >= width:
                    if blank and body[:-1] and any(b.strip() for b in body):
                        loose = loose or not _ITEM.match(line[width:])
                    body.append(line[width:])
                    blank = False
                elif not blank and not _ITEM.match(line) and not self._starts_block(line):
                    body.append(line.strip())  # a lazy continuation line
                else:
                    break
                j += 1
            if blank:
                if j < len(lines) and _ITEM.match(lines[j]):
                    loose = True
                while body and not body[-1].strip():
                    body.pop()
            items.append(body)
        start = int(first.group(2)[:-1]) if ordered else 1
        contents = ", ".join(f"[{chr(10).join(self.convert(body))}]" for body in items)
        tight = "false" if loose else "true"
        if ordered:
            return f"#enum(start: {start}, tight: {tight}, {contents});", j
        return f"#list(tight: {tight}, {contents});", j

    def _starts_block(self, line: str) -> bool:
        return bool(_FENCE.match(line) or _ATX.match(line) or _RULE.match(line)
                    or _QUOTE.match(line) or line.strip().startswith(("$$", "\\[")))

    def _table(self, lines: list[str], i: int) -> tuple[str, int] | None:
        if "|" not in lines[i] or i + 1 >= len(lines) or not _TABLE_DELIMITER.match(lines[i + 1]) \
                or "-" not in lines[i + 1]:
            return None
        header = _cells(lines[i])
        aligns = [_align(cell) for cell in _cells(lines[i + 1])]
        columns = len(header)
        if len(aligns) != columns:
            return None
        rows = []
        j = i + 2
        while j < len(lines) and lines[j].strip() and "|" in lines[j]:
            rows.append(_cells(lines[j]))
            j += 1

        def row(cells: list[str]) -> str:
            cells = (cells + [""] * columns)[:columns]
            return ", ".join(f"[{self.inline(cell)}]" for cell in cells)

        body = "".join(f", {row(cells)}" for cells in rows)
        return (f"#table(columns: {columns}, align: ({', '.join(aligns)},), "
                f"stroke: 0.5pt + luma(170), table.header({row(header)}){body});", j)

    def _indented_code(self, lines: list[str], i: int) -> tuple[str, int] | None:
        if not lines[i].startswith("    "):
            return None
        body = []
        j = i
        while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
            body.append(lines[j][4:])
            j += 1
        return raw_block("\n".join(body).rstrip("\n")), j

    def _paragraph(self, lines: list[str], i: int) -> tuple[str, int]:
        body = [lines[i]]
        j = i + 1
        while j < len(lines) and lines[j].strip():
            line = lines[j]
            setext = _SETEXT.match(line)
            if setext:
                level = 1 if setext.group(1)[0] == "=" else 2
                return self._heading_markup(level, "\n".join(body)), j + 1
            if self._starts_block(line) or _starts_list(line) or _MATH_BEGIN.match(line):
                break
            body.append(line)
            j += 1
        return self.inline("\n".join(body)), j


def _starts_list(line: str) -> bool:
    """A list item that may interrupt a paragraph: a bullet, or a numbered list from 1."""
    item = _ITEM.match(line)
    if not item or not item.group(4).strip():
        return False
    return not item.group(2)[0].isdigit() or item.group(2)[:-1] == "1"


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells, current, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if line[i] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(line[i])
        i += 1
    cells.append("".join(current).strip())
    return cells


def _align(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    return "right" if cell.endswith(":") else "left"
