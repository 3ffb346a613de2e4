"""Zip a student's hand-in and say what is missing or unfinished, and what the notebook
parts would charge (:mod:`gradekit.student.notebook_preview`).

Light on purpose (standard library only), like ``gradekit check``: it runs on students'
machines. Notebooks are read as plain JSON. The PDF of written answers is made too when
the ``pdf`` extra is installed (:mod:`gradekit.student.pdf`, imported only then); without
it, or when the PDF cannot be made, the zip is still written and the notes say why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.cellnames import cell_name, section_headings
from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.student.notebook_preview import preview
from gradekit.zips import Tree, read_file, write_zip


@dataclass
class Collected:
    """What went into the zip, and what the student should look at."""

    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_handed_in: list[str] = field(default_factory=list)
    """The optional files ([grading] optional) left out: not missing."""
    warnings: list[str] = field(default_factory=list)
    pdf: Path | None = None
    """The answers PDF written, if one was."""
    pdf_pages: int = 0
    pdf_notes: list[str] = field(default_factory=list)
    """Why no PDF was written, or what to look at in it."""


def collect(folder: Path, assignment: Assignment, output: Path,
            pdf: Path | None = None) -> Collected:
    """Zip the ``[grading] submit`` files of ``folder`` into ``output``.

    With ``pdf``, also write there the answers PDF of the submitted notebooks.
    """
    assert assignment.grading is not None
    collected = Collected()
    tree: Tree = {}
    for name in assignment.grading.submit:
        path = folder / name
        if not path.is_file() or path.is_symlink():
            absent = collected.not_handed_in if name in assignment.grading.optional else \
                collected.missing
            absent.append(name)
            continue
        collected.warnings += [f"{name}: {problem}" for problem in _problems(path)]
        tree[name] = read_file(path)
        collected.files.append(name)
    for notebook in assignment.grading.notebooks:
        if notebook.file in collected.files:
            collected.warnings += preview(notebook, folder / notebook.file)
    if tree:
        write_zip(output, tree)
    notebooks = [folder / name for name in collected.files if name.endswith(".ipynb")]
    if pdf is not None and notebooks:
        _answers_pdf(notebooks, pdf, collected)
    return collected


def _answers_pdf(notebooks: list[Path], output: Path, collected: Collected) -> None:
    from gradekit.student import pdf

    missing = pdf.missing_packages()
    if missing:
        collected.pdf_notes.append(
            f"no answers PDF: it needs {' and '.join(missing)}; install them with "
            f"`{pdf.INSTALL_COMMAND}` and run collect again")
        return
    try:
        built = pdf.write_answers_pdf(notebooks, output)
    except UserError as error:
        collected.pdf_notes.append(f"no answers PDF: {error}")
    except Exception as error:  # a Typst failure must not cost the student the zip
        collected.pdf_notes.append(f"no answers PDF: it could not be made "
                                   f"({type(error).__name__}: {error})")
    else:
        collected.pdf, collected.pdf_pages = output, built.pages
        collected.pdf_notes += built.warnings


def _problems(path: Path) -> list[str]:
    if path.suffix == ".py":
        return _python_problems(path)
    if path.suffix == ".ipynb":
        return _notebook_problems(path)
    return []


def _python_problems(path: Path) -> list[str]:
    try:
        compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as error:
        return [f"line {error.lineno}: {error.msg} (the grader cannot import this file)"]
    return []


def _notebook_problems(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError, TypeError):
        return ["not a readable notebook"]
    code = [cell for cell in cells if cell.get("cell_type") == "code"]
    unrun = sum(cell.get("execution_count") is None for cell in code)
    headings = section_headings((str(cell.get("cell_type", "")), _source(cell)) for cell in cells)
    errors = [cell_name("code", _source(cell), heading)
              for cell, heading in zip(cells, headings)
              if any(out.get("output_type") == "error" for out in cell.get("outputs", []))]
    problems = []
    if code and unrun == len(code):
        problems.append("has no outputs: run it from top to bottom and save it first")
    elif unrun:
        problems.append(f"{unrun} of its {len(code)} code cells were not run")
    if errors:
        problems.append(f"{errors[0]} ends in an error" if len(errors) == 1 else
                        f"{len(errors)} cells end in an error: {'; '.join(errors)}")
    return problems


def _source(cell: dict) -> str:  # type: ignore[type-arg]
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)
