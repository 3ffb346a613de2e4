"""Notebooks: read a master notebook, turn it into a student copy, execute it.

A student copy is the master run through a list of transforms, each a small callable
doing one thing to the notebook in place (like nbgrader's preprocessors)::

    student = make_student_notebook(master, path, [RemoveTaggedCells(), StripMarkers(), ...])

Cell tags (contract 2): ``solution`` marks a markdown cell holding a model answer,
``solution-only`` a cell for instructors only.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from gradekit.errors import UserError
from gradekit.markers import is_marker
from gradekit.release.markers import check_parses, strip_regions

SOLUTION_TAG = "solution"
SOLUTION_ONLY_TAG = "solution-only"

Transform = Callable[[NotebookNode, Path], None]


def read_notebook(path: Path) -> NotebookNode:
    """Read an nbformat 4.5 notebook whose cells all have an ``id``."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise UserError(f"{path}: configured notebook does not exist") from None
    except Exception as error:  # nbformat raises several unrelated types
        raise UserError(f"{path}: not a readable notebook: {error}") from None
    for index, cell in enumerate(notebook.cells):
        if not cell.get("id"):
            raise UserError(f"{path}: cell {index} has no id (nbformat 4.5 ids are required)")
    return notebook


def make_student_notebook(
    master: NotebookNode, path: Path, transforms: Iterable[Transform]
) -> NotebookNode:
    """Return a transformed, validated copy of ``master`` (``path`` names it in errors)."""
    notebook = copy.deepcopy(master)
    for transform in transforms:
        transform(notebook, path)
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        raise UserError(f"{path}: the student copy is not a valid notebook: {error}") from None
    return notebook


def notebook_bytes(notebook: NotebookNode) -> bytes:
    """Serialise ``notebook`` the way Jupyter does (sorted keys, one-space indent)."""
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def tags(cell: NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


CJK_FONT_CELL = "from gradekit.student.figure_fonts import use_cjk_font; use_cjk_font()"
"""The code of the cell a ``cjk_figures`` variant starts with (the student folder carries
the engine's student part, :mod:`gradekit.student.figure_fonts`)."""


class InsertFirstCell:
    """Insert a code cell with ``source`` before all others, with a fixed ``cell_id``."""

    def __init__(self, source: str, cell_id: str) -> None:
        self.source = source
        self.cell_id = cell_id

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        if any(cell.get("id") == self.cell_id for cell in notebook.cells):
            raise UserError(f"{path}: cell id {self.cell_id!r} is reserved for the first cell")
        cell = nbformat.v4.new_code_cell(self.source.rstrip("\n"))
        cell.id = self.cell_id
        notebook.cells.insert(0, cell)


class RemoveTaggedCells:
    """Drop every cell carrying ``tag`` (default: ``solution-only``)."""

    def __init__(self, tag: str = SOLUTION_ONLY_TAG) -> None:
        self.tag = tag

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        notebook.cells = [cell for cell in notebook.cells if self.tag not in tags(cell)]


class StripMarkers:
    """Strip START/END regions of code cells (contract 1); the result must parse."""

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            stripped = strip_regions(cell.source, path, cell.id)
            if stripped != cell.source:
                check_parses(stripped, path, cell.id)
                cell.source = stripped


class LockGivenCells:
    """Mark every given cell read-only and undeletable (Jupyter's ``editable`` and
    ``deletable`` metadata), as nbgrader does: the cells a student works in are code cells
    with START/END markers, markdown cells tagged ``answer_tag``, and the cells whose ids
    are in ``open_ids`` (a host's setup cell, which asks for the student's folder)."""

    def __init__(self, answer_tag: str = SOLUTION_TAG, open_ids: tuple[str, ...] = ()) -> None:
        self.answer_tag = answer_tag
        self.open_ids = open_ids

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        for cell in notebook.cells:
            if cell.get("id") in self.open_ids or self._students(cell):
                continue
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False

    def _students(self, cell: NotebookNode) -> bool:
        if cell.cell_type == "markdown":
            return self.answer_tag in tags(cell)
        return cell.cell_type == "code" and any(is_marker(line)
                                                for line in cell.source.splitlines())


class ReplaceAnswers:
    """Give each markdown cell tagged ``solution`` the ``placeholder`` and drop the tag."""

    def __init__(self, placeholder: str, tag: str = SOLUTION_TAG) -> None:
        self.placeholder = placeholder
        self.tag = tag

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        for cell in notebook.cells:
            if self.tag not in tags(cell):
                continue
            if cell.cell_type != "markdown":
                raise UserError(
                    f"{path}: cell {cell.id}: tag {self.tag!r} belongs on markdown cells"
                    " (use START/END markers in code cells)"
                )
            cell.source = self.placeholder
            cell.pop("attachments", None)
            cell.metadata["tags"] = [tag for tag in tags(cell) if tag != self.tag]


class EmbedImages:
    """Put the pictures markdown cells link to inside the links, as base64 data URIs.

    For hosts that open a notebook without its folder (Colab opens it alone from Drive),
    where a relative link such as ``![graph](graph.png)`` shows nothing. Colab renders
    neither relative links nor nbformat attachments, but it does render a data URI in the
    link itself (the form it writes when an image is put into a text cell). Links resolve
    against the notebook's folder under ``root``; web links and other files are left as
    they are; a missing picture is an error naming the cell.
    """

    LINK = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
    MIME_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                  ".gif": "image/gif"}

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = self.LINK.sub(lambda link: self._embed(cell, link, path),
                                            cell.source)

    def _embed(self, cell: NotebookNode, link: re.Match[str], path: Path) -> str:
        alt, target = link.groups()
        mime = self.MIME_TYPES.get(Path(target).suffix.lower())
        if mime is None or ":" in target:
            return link.group(0)
        picture = self.root / path.parent / target
        if not picture.is_file():
            raise UserError(f"{path}: cell {cell.id} links to {target}, which does not exist")
        data = base64.b64encode(picture.read_bytes()).decode("ascii")
        return f"![{alt}](data:{mime};base64,{data})"


class ClearOutputs:
    """Empty every code cell's outputs and execution count."""

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None


class CleanMetadata:
    """Keep only the notebook and cell metadata keys Jupyter needs; drop empty tags."""

    def __init__(
        self,
        notebook_keys: tuple[str, ...] = ("kernelspec", "language_info"),
        cell_keys: tuple[str, ...] = ("tags", "editable", "deletable"),
    ) -> None:
        self.notebook_keys = notebook_keys
        self.cell_keys = cell_keys

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        notebook.metadata = _keep(notebook.metadata, self.notebook_keys)
        for cell in notebook.cells:
            cell.metadata = _keep(cell.metadata, self.cell_keys)


def _keep(metadata: Mapping[str, Any], keys: tuple[str, ...]) -> NotebookNode:
    """``keys`` of ``metadata`` that say something (``False`` does; empty values do not)."""
    return NotebookNode({key: metadata[key] for key in keys
                         if metadata.get(key) or metadata.get(key) is False})


def execute_notebook(
    path: Path,
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_per_cell: int,
    label: str = "",
    report: Callable[[str], None] = print,
) -> float:
    """Run every code cell of ``path`` in a fresh kernel; return the seconds it took
    (:func:`run_notebook` says more)."""
    return run_notebook(path, cwd=cwd, env=env, timeout_per_cell=timeout_per_cell,
                        label=label, report=report)[1]


def run_notebook(
    path: Path,
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_per_cell: int,
    label: str = "",
    report: Callable[[str], None] = print,
) -> tuple[NotebookNode, float]:
    """Run every code cell of ``path`` in a fresh kernel; return the notebook with its
    outputs and the seconds it took.

    ``env`` is added to this process's environment. Raises :class:`UserError` naming
    the notebook (as ``label``, default ``path``) and the first cell that fails or times
    out. Needs the optional ``nbclient`` dependency.
    """
    label = label or str(path)
    try:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError
    except ImportError:
        raise UserError(
            "checking notebooks needs nbclient and ipykernel: pip install 'gradekit[notebook]'"
        ) from None
    notebook = read_notebook(path)
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    client = NotebookClient(notebook, timeout=timeout_per_cell, kernel_name=kernel)
    code_cells = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    began = time.monotonic()
    with client.setup_kernel(env={**os.environ, **env}, cwd=str(cwd)):
        for count, (index, cell) in enumerate(code_cells, start=1):
            cell_began = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                raise UserError(f"{label}: cell {cell.id} ran over {timeout_per_cell} s") from None
            except CellExecutionError as error:
                reason = f"{error.ename}: {error.evalue}"
                raise UserError(f"{label}: cell {cell.id} failed: {reason}") from None
            if any(output.output_type == "error" for output in cell.outputs):
                raise UserError(f"{label}: cell {cell.id} has an error output")
            took = time.monotonic() - cell_began
            report(f"  cell {count}/{len(code_cells)} ({cell.id}) {took:.1f} s")
    return notebook, time.monotonic() - began
