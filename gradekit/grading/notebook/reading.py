"""Read a notebook as hostile data: bounded in size and shape, validated with nbformat.

The submitted notebook is whatever a student's editor (or the student) wrote. Reading it
never raises anything but :class:`NotebookUnreadable`, whose message is meant for the
student; every string taken from it is made safe to write as UTF-8 JSON.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradekit.cellnames import cell_name, section_headings
from gradekit.grading.notebook.schema import schema_check

MAX_CELLS = 5000
MAX_OUTPUTS = 20000


class NotebookUnreadable(Exception):
    """The notebook cannot be graded; ``str(error)`` says why, for the student."""


@dataclass(frozen=True)
class Cell:
    """One cell as read: ``index`` counts from 0 in the notebook's own order."""

    index: int
    kind: str
    id: str | None
    source: str
    tags: tuple[str, ...] = ()
    execution_count: int | None = None
    outputs: tuple[dict[str, Any], ...] = ()
    section: str = ""
    """The heading of the section the cell is in (see :mod:`gradekit.cellnames`)."""

    @property
    def label(self) -> str:
        """How a student finds the cell: its section's heading and its first line."""
        return cell_name(self.kind, self.source, self.section)

    @property
    def given_label(self) -> str:
        """The same, for a cell of the release: ``the given code cell under ...``."""
        return cell_name(self.kind, self.source, self.section, "the given")


@dataclass
class Notebook:
    cells: list[Cell]
    notes: list[str] = field(default_factory=list)
    """What reading noticed without refusing the notebook (for staff)."""


def safe_text(value: Any, limit: int | None = None) -> str:
    """``value`` as a string that encodes to UTF-8 (lone surrogates replaced), capped."""
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return ""
    if limit is not None and len(value) > limit:
        value = value[:limit]
    return value.encode("utf-8", "replace").decode("utf-8")


def read_notebook_file(path: Path, max_mb: int, validate: bool = True) -> Notebook:
    """Read and validate ``path``; raise :class:`NotebookUnreadable` saying why not.
    ``validate=False`` leaves out nbformat's schema check (for a notebook the release
    built and checked)."""
    cap = max_mb << 20
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError as error:
        raise NotebookUnreadable(f"cannot be read ({error.strerror})") from None
    if len(data) > cap:
        raise NotebookUnreadable(f"is larger than {max_mb} MB; clear the largest outputs "
                                 "(or restart and run it once) and save it again")
    return parse_notebook(data, validate)


def parse_notebook(data: bytes, validate: bool = True) -> Notebook:
    """Parse notebook bytes into :class:`Notebook` (nbformat 4, any minor version)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookUnreadable(f"is not UTF-8 text (bad byte at offset {error.start}); "
                                 "save it again from Jupyter") from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise NotebookUnreadable("is nested too deeply to be a notebook") from None
    except ValueError as error:
        raise NotebookUnreadable(f"is not valid JSON ({safe_text(str(error), 200)}); it may "
                                 "have been cut short or edited by hand") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookUnreadable("is JSON but not a notebook (it has no list of cells)")
    major, minor = document.get("nbformat"), document.get("nbformat_minor")
    if major != 4 or not isinstance(minor, int) or isinstance(minor, bool):
        raise NotebookUnreadable(f"has notebook format {safe_text(repr(major), 20)}; "
                                 "save it from a current Jupyter (format 4)")
    cells = document["cells"]
    if len(cells) > MAX_CELLS:
        raise NotebookUnreadable(f"has {len(cells)} cells, more than the {MAX_CELLS} accepted")
    outputs = sum(len(c.get("outputs", ())) for c in cells
                  if isinstance(c, dict) and isinstance(c.get("outputs"), list))
    if outputs > MAX_OUTPUTS:
        raise NotebookUnreadable(f"has {outputs} outputs, more than the {MAX_OUTPUTS} accepted")
    notes = _validate(document, minor) if validate else []
    read = [_cell(index, raw) for index, raw in enumerate(cells)]
    headings = section_headings((cell.kind, cell.source) for cell in read)
    return Notebook([dataclasses.replace(cell, section=heading)
                     for cell, heading in zip(read, headings)], notes)


def _validate(document: dict[str, Any], minor: int) -> list[str]:
    """nbformat's schema check (:mod:`.schema`), on a copy; cells without ids pass as
    format 4.4 (Colab and VS Code drop them), and duplicate ids pass too (nbformat repairs
    them in its copy). Without nbformat (a student's machine, for ``collect``'s preview)
    nothing is checked."""
    notes = []
    cells = document["cells"]
    if minor >= 5 and not all(isinstance(c, dict) and "id" in c for c in cells):
        notes.append("some cells have no id although the notebook says format 4.5")
        minor = 4
    check = schema_check(minor)
    if check is None:
        return notes
    shallow = dict(document, nbformat_minor=minor, cells=[
        copy.copy(c) if isinstance(c, dict) else c for c in cells])
    if minor < 5:
        for cell in shallow["cells"]:
            if isinstance(cell, dict):
                cell.pop("id", None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check(shallow)
    except RecursionError:
        raise NotebookUnreadable("is nested too deeply to be a notebook") from None
    except Exception as error:  # noqa: BLE001 - nbformat raises several unrelated types
        message = safe_text(str(error), 4000).strip().splitlines()
        raise NotebookUnreadable("is not a valid notebook (nbformat: "
                                 f"{message[0][:200] if message else type(error).__name__})"
                                 "; save it again from Jupyter") from None
    return notes


def _cell(index: int, raw: dict[str, Any]) -> Cell:
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    tags = metadata.get("tags", [])
    ident = raw.get("id")
    count = raw.get("execution_count")
    outputs = raw.get("outputs", [])
    return Cell(
        index=index,
        kind=safe_text(raw.get("cell_type")),
        id=safe_text(ident, 64) if isinstance(ident, str) and ident else None,
        source=safe_text(raw.get("source", "")),
        tags=tuple(safe_text(t, 100) for t in tags if isinstance(t, str))
        if isinstance(tags, list) else (),
        execution_count=count if isinstance(count, int) and not isinstance(count, bool)
        else None,
        outputs=tuple(o for o in outputs if isinstance(o, dict))
        if isinstance(outputs, list) else (),
    )


def stdout_text(cell: Cell, limit: int) -> str:
    """What the cell printed to stdout, as stored (stream outputs joined), capped."""
    parts: list[str] = []
    size = 0
    for output in cell.outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = safe_text(output.get("text", ""), limit - size)
            parts.append(text)
            size += len(text)
            if size >= limit:
                break
    return "".join(parts)


def error_outputs(cell: Cell) -> list[str]:
    """``"Name: value"`` of each error output of the cell."""
    return [f"{safe_text(o.get('ename'), 100)}: {safe_text(o.get('evalue'), 200)}".strip(": ")
            for o in cell.outputs if o.get("output_type") == "error"]
