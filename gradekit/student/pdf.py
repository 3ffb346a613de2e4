"""The PDF of written answers that students upload to Gradescope, built offline.

Notebooks in, PDF bytes out, through Typst (the ``typst`` package: no TeX, no browser).
What goes in follows the notebook's cell tags:

- ``pdf-title``: the cell as it is (markdown typeset; code with its outputs);
- ``pdf-inline``: likewise, the questions and the student's answers;
- ``pdf-ignore-input``: only the figures the cell drew (its code is left out);
- ``pdf-ignore``: never, whatever else the cell is tagged; untagged cells: never.

One question per page: a new page starts at a tagged cell whose notebook neighbour above is
not in the PDF, where the title cells end, and at a ``pdf-inline`` cell that opens with a
heading when the page already holds one. So a question and the answer cell after it share
a page, and so do the figures directly above a question. The same notebook gives the same
bytes (no date in the file, fonts found in a fixed order). A cell that cannot be typeset
(most often broken math) is shown as its plain source, and the PDF is still made.

Notebooks are read as plain JSON, as Jupyter, Colab or VS Code saved them (cell ids,
metadata and outputs may be missing). ``typst`` and ``tex2typst`` (the ``pdf`` extra) are
imported only when a PDF is built, so the rest of the student commands work without them.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import re
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from gradekit.errors import UserError
from gradekit.extras import PDF_INSTALL_COMMAND, PDF_PACKAGES
from gradekit.student.pdf_fonts import CjkFont, find_cjk_font, typst_fonts
from gradekit.student.pdf_markdown import CJK, MarkdownError, escape_text, raw_block
from gradekit.student.pdf_markdown import to_typst, typst_string
from gradekit.zips import write_atomically

INSTALL_COMMAND = PDF_INSTALL_COMMAND

TITLE, INLINE, IGNORE, IGNORE_INPUT = "pdf-title", "pdf-inline", "pdf-ignore", "pdf-ignore-input"

TEXT_WIDTH_MM = 170.0  # A4 less 20 mm margins
FIGURE_HEIGHT_MM = 165.0  # tallest a picture is drawn, so the question below it can start
PIXELS_PER_INCH = 96.0  # a picture's natural size, as a browser shows it
OUTPUT_LINES = 120  # text output shown per output, at most
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class PdfUnavailable(UserError):
    """The packages the PDF needs are not installed."""


@dataclass
class AnswersPdf:
    """A built PDF and what the student should know about it."""

    data: bytes
    pages: int
    sections: int
    warnings: list[str] = field(default_factory=list)


def missing_packages() -> list[str]:
    """The Python packages of the PDF that are not installed (the font is optional)."""
    return [name for name in ("typst", "tex2typst") if importlib.util.find_spec(name) is None]


def require_packages() -> None:
    """Raise :class:`PdfUnavailable`, saying what to install, when a package is missing."""
    missing = missing_packages()
    if missing:
        raise PdfUnavailable(f"the answers PDF needs {' and '.join(missing)}, which "
                             f"{'is' if len(missing) == 1 else 'are'} not installed: "
                             f"{INSTALL_COMMAND}")


def write_answers_pdf(notebooks: Sequence[Path], output: Path) -> AnswersPdf:
    """Build the PDF of ``notebooks`` and write it to ``output`` (replaced whole)."""
    built = answers_pdf(notebooks)
    write_atomically(output, built.data)
    return built


def answers_pdf(notebooks: Sequence[Path]) -> AnswersPdf:
    """The PDF of the tagged cells of ``notebooks``, one after the other."""
    require_packages()
    import typst

    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gradekit-pdf-") as folder:
        images = _Images(Path(folder))
        sections: list[list[_Piece]] = []
        untagged: list[Path] = []
        for path in notebooks:
            found = _notebook_sections(path, _read_notebook(path), images)
            if not found:
                untagged.append(path)
            sections += found
        if not sections:
            raise UserError(
                f"{untagged[0]}: no cell is tagged {TITLE}, {INLINE} or {IGNORE_INPUT}, so "
                "nothing would go into the PDF; the program that saved the notebook may "
                "have dropped the cell tags (start from the notebook you were given and "
                "copy your work into it)")
        warnings += [f"{path}: no cell is tagged for the PDF" for path in untagged]
        pieces = [piece for section in sections for piece in section]
        cjk = None
        if any(CJK.search(piece.text) for piece in pieces):
            cjk = find_cjk_font()
            if cjk is None:
                warnings.append(f"the notebook has Chinese, Japanese or Korean text but no "
                                f"font for it was found, so it shows as boxes: "
                                f"pip install {PDF_PACKAGES[2]}")
        title = ", ".join(path.name for path in notebooks)
        preamble = _preamble(title, cjk)
        compiler = typst.Compiler(root=folder, font_paths=typst_fonts(cjk),
                                  ignore_system_fonts=True)
        data = _compile_with_fallbacks(compiler, preamble, sections, typst.TypstError)
    warnings += [f"{piece.where} could not be typeset ({piece.failed}); the PDF shows its "
                 "source as plain text" for piece in pieces if piece.failed]
    return AnswersPdf(data, _page_count(data), len(sections), warnings)


# ---------------------------------------------------------------- compiling


def _compile_with_fallbacks(compiler: Any, preamble: str, sections: list[list[_Piece]],
                            error_type: type[Exception]) -> bytes:
    """Compile; when that fails, find the cells Typst refuses and show them as plain text."""

    def compile_source(body: str) -> bytes:
        return compiler.compile(input=(preamble + body).encode("utf-8"), format="pdf")

    def document() -> str:
        return "\n\n#pagebreak(weak: true)\n\n".join(
            "\n\n".join(piece.markup for piece in section) for section in sections)

    try:
        return compile_source(document())
    except error_type:
        pass
    for piece in (piece for section in sections for piece in section):
        if piece.failed:
            continue
        try:
            compile_source(piece.markup)
        except error_type as error:
            piece.fail(_first_line(getattr(error, "message", str(error))))
    try:
        return compile_source(document())
    except error_type as error:  # cells that fail only together: show them all as text
        reason = f"Typst: {_first_line(getattr(error, 'message', str(error)))}"
        for section in sections:
            for piece in section:
                if not piece.failed:
                    piece.fail(reason)
        return compile_source(document())


def _first_line(text: str) -> str:
    line = text.strip().split("\n")[0]
    return line if len(line) <= 160 else line[:157] + "..."


def _page_count(pdf: bytes) -> int:
    found = re.search(rb"/Type\s*/Pages\s*/Count\s+(\d+)", pdf)
    return int(found.group(1)) if found else 0


def _preamble(title: str, cjk: CjkFont | None) -> str:
    # With a CJK font, the Latin font leaves it the punctuation both have (dashes, quotes).
    latin = '(name: "{}", covers: "latin-in-cjk")' if cjk else '"{}"'
    fonts = [latin.format("Libertinus Serif")] + ([typst_string(cjk.family)] if cjk else [])
    mono = [latin.format("DejaVu Sans Mono")] + ([typst_string(cjk.mono_family)] if cjk else [])
    lang = 'lang: "zh", region: "cn"' if cjk else 'lang: "en"'
    lines = [
        f"#set document(title: {typst_string(title)}, date: none)",
        '#set page(paper: "a4", margin: (x: 20mm, top: 20mm, bottom: 24mm), '
        "footer: context text(size: 8pt, fill: luma(100))["
        f"{escape_text(title)} #h(1fr) #counter(page).display(\"1 / 1\", both: true)])",
        f"#set text(font: ({', '.join(fonts)}), size: 11pt, {lang})",
        "#set par(leading: 0.7em, spacing: 1.1em)",
        f"#show raw: set text(font: ({', '.join(mono)}), size: 9pt)",
        "#show raw.where(block: true): set block(fill: luma(245), inset: 7pt, radius: 3pt, "
        "width: 100%)",
        '#show link: set text(fill: rgb("#1f4e8c"))',
        "#show heading: set block(above: 1.4em, below: 0.9em)",
        "#show heading.where(level: 1): set text(size: 17pt)",
        "#show heading.where(level: 2): set text(size: 14pt)",
    ]
    if cjk and not cjk.has_bold:
        # Only a regular weight: draw CJK characters of headings and strong text thicker.
        thicken = ('it => { show regex("[\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}]+"): '
                   "set text(stroke: 0.025em); it }")
        lines += [f"#show strong: {thicken}", f"#show heading: {thicken}"]
    return "\n".join(lines) + "\n\n"


# ---------------------------------------------------------------- notebooks to pieces


@dataclass
class _Piece:
    """One cell's Typst markup, and the plain-text stand-in used when it cannot be typeset."""

    where: str
    markup: str
    text: str  # the cell's text (source, outputs), to look for CJK characters
    plain: str
    failed: str | None = None

    def fail(self, reason: str) -> None:
        self.failed = reason
        note = (f"#text(size: 9pt, style: \"italic\", fill: luma(80))[This cell could not be "
                f"typeset ({escape_text(reason)}); here is its source as plain text.]")
        self.markup = (f"#block(width: 100%, stroke: 0.5pt + luma(170), inset: 7pt)"
                       f"[{note}\n\n{self.plain}];")


def _read_notebook(path: Path) -> dict[str, Any]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such notebook") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UserError(f"{path}: not a readable notebook ({error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise UserError(f"{path}: not a notebook (no list of cells)")
    return notebook


def _text(value: Any) -> str:
    """A notebook string field, saved as one string or as a list of lines."""
    if isinstance(value, list):
        return "".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def _tags(cell: dict[str, Any]) -> set[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return {tag for tag in tags if isinstance(tag, str)} if isinstance(tags, list) else set()


def _kind(cell: dict[str, Any]) -> str | None:
    tags = _tags(cell)
    if IGNORE in tags:
        return None
    for kind in (TITLE, IGNORE_INPUT, INLINE):
        if kind in tags:
            return kind
    return None


def _opens_with_heading(cell: dict[str, Any]) -> bool:
    lines = [line for line in _text(cell.get("source")).split("\n") if line.strip()]
    if not lines:
        return False
    return lines[0].lstrip().startswith("#") or (
        len(lines) > 1 and bool(re.fullmatch(r"\s*(=+|-+)\s*", lines[1])))


def _notebook_sections(path: Path, notebook: dict[str, Any],
                       images: _Images) -> list[list[_Piece]]:
    """The notebook's tagged cells as pieces, grouped into pages."""
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    language = (metadata.get("language_info") or {}).get("name") or \
        (metadata.get("kernelspec") or {}).get("language") or "python"
    sections: list[list[_Piece]] = []
    previous = -2
    title_page = has_inline = False
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict):
            continue
        kind = _kind(cell)
        if kind is None or (kind == IGNORE_INPUT and cell.get("cell_type") != "code"):
            continue
        heading = kind == INLINE and cell.get("cell_type") == "markdown" and \
            _opens_with_heading(cell)
        if (not sections or previous != index - 1 or title_page != (kind == TITLE)
                or (heading and has_inline)):
            sections.append([])
            title_page, has_inline = kind == TITLE, False
        sections[-1].append(_piece(path, index, cell, kind, images, str(language)))
        has_inline = has_inline or kind == INLINE
        previous = index
    return sections


def _piece(path: Path, index: int, cell: dict[str, Any], kind: str, images: _Images,
           language: str) -> _Piece:
    cell_id = cell.get("id")
    where = f"{path.name} cell {index + 1}" + (f" (id {cell_id})" if isinstance(cell_id, str)
                                              else "")
    source = _text(cell.get("source"))
    outputs = [out for out in cell.get("outputs") or [] if isinstance(out, dict)]
    text = source + "".join(_text(out.get("text")) for out in outputs)
    plain = raw_block(source) if source.strip() else ""
    if kind == IGNORE_INPUT:
        plain = ""
    piece = _Piece(where, "", text, plain)
    try:
        if cell.get("cell_type") == "markdown":
            hook = _MarkdownImages(images, path.parent, cell.get("attachments"))
            piece.markup = to_typst(source, hook)
        elif kind == IGNORE_INPUT:
            piece.markup = _figures(outputs, images)
        else:
            code = raw_block(source, language) if source.strip() else ""
            piece.markup = "\n\n".join(filter(None, [code, _outputs(outputs, images)]))
    except MarkdownError as error:
        piece.fail(str(error))
    except Exception as error:  # a converter bug must cost one cell, not the PDF
        piece.fail(f"{type(error).__name__}: {error}")
    return piece


def _figures(outputs: list[dict[str, Any]], images: _Images) -> str:
    pictures = [images.output(out) for out in outputs]
    shown = [picture for picture in pictures if picture]
    if shown:
        return "\n\n".join(shown)
    errors = [out for out in outputs if out.get("output_type") == "error"]
    if errors:
        reason = f"it ended in an error, {_text(errors[0].get('ename'))}"
    else:
        reason = "run it, then save the notebook"
    return _note(f"A figure belongs here, but this cell has none saved: {reason}.")


def _outputs(outputs: list[dict[str, Any]], images: _Images) -> str:
    shown = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            shown.append(_text_output(_text(out.get("text"))))
        elif kind in ("execute_result", "display_data"):
            picture = images.output(out)
            data = out.get("data") if isinstance(out.get("data"), dict) else {}
            shown.append(picture or _text_output(_text(data.get("text/plain"))))
        elif kind == "error":
            shown.append(_text_output(f"{_text(out.get('ename'))}: {_text(out.get('evalue'))}"))
    return "\n\n".join(filter(None, shown))


def _text_output(text: str) -> str:
    text = _ANSI.sub("", text).rstrip()
    if not text:
        return ""
    lines = text.split("\n")
    if len(lines) > OUTPUT_LINES:
        lines = lines[:OUTPUT_LINES] + [f"... ({len(lines) - OUTPUT_LINES} more lines)"]
    return raw_block("\n".join(lines))


def _note(text: str) -> str:
    return f"#text(size: 9pt, style: \"italic\", fill: luma(80))[{escape_text(text)}];"


# ---------------------------------------------------------------- pictures


class _Images:
    """Pictures written into Typst's root folder as ``image-N.EXT``, and the markup for them."""

    FORMATS = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg": "svg"}

    def __init__(self, root: Path):
        self.root = root
        self.count = 0

    def add(self, data: bytes, css_width: float | None = None) -> str:
        """The markup of one picture (a note when its format is not one Typst reads)."""
        kind = _image_format(data)
        if kind is None:
            return _note("(A picture was left out: it is not PNG, JPEG, GIF or SVG.)")
        self.count += 1
        name = f"image-{self.count}.{self.FORMATS[kind]}"
        (self.root / name).write_bytes(data)
        return f"#align(center, image({typst_string(name)}, {_width(data, kind, css_width)}));"

    def output(self, out: dict[str, Any]) -> str:
        """The markup of an output's picture, or "" when it has none."""
        data = out.get("data") if isinstance(out.get("data"), dict) else {}
        metadata = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
        for mime in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
            if mime not in data:
                continue
            text = _text(data[mime])
            payload = text.encode("utf-8") if mime == "image/svg+xml" else _base64(text)
            if payload is None:
                continue
            details = metadata.get(mime) if isinstance(metadata.get(mime), dict) else {}
            width = details.get("width")
            return self.add(payload, float(width) if isinstance(width, (int, float)) else None)
        return ""


class _MarkdownImages:
    """The picture hook of one markdown cell: attachments, ``data:`` URLs, local files."""

    def __init__(self, images: _Images, folder: Path, attachments: Any):
        self.images = images
        self.folder = folder.resolve()
        self.attachments = attachments if isinstance(attachments, dict) else {}

    def __call__(self, source: str, alt: str) -> str:
        source = source.strip()
        data = self._load(source)
        if data is None:
            return _note(f"(picture not included: {alt or source})")
        return self.images.add(data)

    def _load(self, source: str) -> bytes | None:
        if source.startswith("attachment:"):
            bundle = self.attachments.get(source[len("attachment:"):])
            if isinstance(bundle, dict):
                for mime, value in sorted(bundle.items()):
                    if mime.startswith("image/"):
                        text = _text(value)
                        return text.encode() if mime == "image/svg+xml" else _base64(text)
            return None
        if source.startswith("data:"):
            header, _, payload = source.partition(",")
            return _base64(payload) if header.endswith(";base64") else None
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", source) or not source:
            return None  # a URL: nothing is fetched
        from urllib.parse import unquote

        path = (self.folder / unquote(source.split("#")[0].split("?")[0])).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        return path.read_bytes()


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        return None


def _image_format(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "svg"
    return None


def _pixel_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """(width, height) in pixels, read from the picture's header."""
    try:
        if kind == "png":
            return struct.unpack(">II", data[16:24])
        if kind == "gif":
            return struct.unpack("<HH", data[6:10])
        if kind == "jpeg":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    return None
                marker = data[i + 1]
                length = struct.unpack(">H", data[i + 2:i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    height, width = struct.unpack(">HH", data[i + 5:i + 9])
                    return width, height
                i += 2 + length
    except struct.error:
        return None
    return None


def _width(data: bytes, kind: str, css_width: float | None) -> str:
    """Typst's ``width:`` for a picture: its natural size, within the page."""
    size = _pixel_size(data, kind)
    if not size or not size[0] or not size[1]:
        return "width: 100%"
    width, height = size
    natural = (css_width or width) * 25.4 / PIXELS_PER_INCH
    millimetres = min(TEXT_WIDTH_MM, natural, FIGURE_HEIGHT_MM * width / height)
    return f"width: {millimetres:.1f}mm"
