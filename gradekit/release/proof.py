"""The proof a release gives of itself before anything is written.

:func:`prove` takes the trees :func:`~gradekit.release.builder.plan_dist` built in memory
and stops the release (a :class:`ProofFailed`, one line naming the file and line, or the
check) on the first of these that does not hold:

1. every solution file and every student copy parses (``ast``): the package's ``.py``
   files, unstripped and stripped, and the code cells of each master notebook and of each
   variant's student copy (IPython magics count as ``pass``);
2. check numbers are unique among the hidden checks, the public ones and the notebook
   parts; a check number typed as a literal in a check's message (``"check 2.3"``)
   stops the release (see :data:`LITERALS_FAIL`);
3. the reference scores full marks on every check: the planned ``autograder.zip`` is
   written to a private temporary folder and the reference package (with the master
   notebooks students hand in, whose student cells hold reference code) is graded in hidden
   mode exactly as its ``run_autograder`` would (the config path baked into that script,
   the checks, reference and support files only as the zip holds them), so a path the
   grade needs but the zip lacks fails here;
4. the template (the first variant's student folder, stripped) scores 0 on every check
   that has points.

The notebook parts are not graded here: a notebook that scores needs to have been run,
which only ``gradekit release --check-notebooks`` does; after running each master it
grades the notebook parts of the executed copy with the reference (:func:`grade_executed`).

Timing verdicts. A check that measures speed can fail on a loaded machine even for the
reference. A reference check that fails is graded again, alone, up to :data:`TRIES`
times in all, and is accepted once it passes: a check that the reference fails every
time still stops the release, and the summary names each check that needed a retry.
The template is graded once (a flaky pass would be a failure of the proof, which is the
safe side). Both grades use the fixed seed :data:`SEED`, so a verdict is reproducible.
"""

from __future__ import annotations

import ast
import re
import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nbformat import NotebookNode

from gradekit.config import Assignment, load_assignment
from gradekit.errors import UserError
from gradekit.markers import strip_magics
from gradekit.release.builder import Planned, Release, variant_transforms
from gradekit.release.notebooks import (CleanMetadata, RemoveTaggedCells, make_student_notebook,
                                        notebook_bytes)
from gradekit.zips import Tree, read_file, write_folder

if TYPE_CHECKING:
    from gradekit.grading.results import GradeResult

TRIES = 3
"""Grades of a reference check that failed before the proof gives up on it."""
SEED = 231
"""The seed of the proof's grades (a check's random inputs are the same every release)."""
LITERALS_FAIL = True
"""Whether a check number typed as a literal in a check message stops the release
(``gradekit.checklib.check_number`` resolves it from the marks instead)."""

_LITERAL = re.compile(r"\bchecks?\s+\d+(?:\.\d+)+", re.IGNORECASE)


class ProofFailed(UserError):
    """The release does not prove itself; the message names the file and line or check."""


@dataclass
class Proof:
    """What the proof found, for the one summary line."""

    name: str
    reference: float = 0.0
    full: float = 0.0
    checks: int = 0
    template: float = 0.0
    paths: int = 0
    retried: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    graded: bool = True
    """False where no confined sandbox could grade the reference and the template."""

    def summary(self) -> str:
        if not self.graded:
            return (f"{self.name}: NOT proved: it parses and its check numbers are unique, "
                    f"but nothing was graded; {len(self.warnings)} warning"
                    f"{'s' if len(self.warnings) != 1 else ''}")
        line = (f"{self.name}: proved: reference {_points(self.reference)}/"
                f"{_points(self.full)} on {self.checks} checks, template "
                f"{_points(self.template)}, {self.paths} paths")
        if self.retried:
            line += f" (passed on retry: {', '.join(self.retried)})"
        if self.warnings:
            line += f"; {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        return line


def prove(release: Release, planned: list[Planned]) -> Proof:
    """Run every step of the proof (module docstring) on the planned artefacts."""
    name = release.assignment.name
    check_parses(release)
    grader = autograder_tree(planned, name)
    proof = Proof(name=name, paths=len(grader))
    proof.warnings = check_numbers(release, grader)
    from gradekit.grading.grade import no_confinement

    unconfined = no_confinement()
    if unconfined:  # a feature whose system package is missing degrades, in one line
        proof.warnings.append(f"reference and template not graded: {unconfined}")
        proof.graded = False
        return proof
    with tempfile.TemporaryDirectory(prefix="gradekit-proof-") as private:
        assignment = unpack_autograder(grader, Path(private) / "source")
        graded = _without_notebook_parts(assignment)
        reference = Path(private) / "reference"
        write_folder(release.package | solved_notebooks(release), reference)
        _prove_reference(reference, assignment, graded, proof)
        template = Path(private) / "template"
        write_folder(release.template_tree, template)
        _prove_template(template, assignment, graded, proof)
    return proof


def solved_notebooks(release: Release) -> Tree:
    """The master notebooks students hand in (named in ``[grading] submit``), as they are:
    their student cells hold the reference code, which checks of notebook cells grade."""
    submit = set(release.grading.submit)
    return {path.name: read_file(path) for path in release.config.notebooks
            if path.name in submit}


# ---------------------------------------------------------------- 1: everything parses


def check_parses(release: Release) -> None:
    """Every solution file and student copy parses (step 1 of the module docstring)."""
    config = release.config
    stripped = release.student_base
    for relative, file in release.package.items():
        if not relative.endswith(".py"):
            continue
        where = release.shown(config.solution_root / relative)
        _parse(file.data.decode("utf-8"), where, "the solution does not parse")
        _parse(stripped[relative].data.decode("utf-8"), where,
               "the student copy (stripped) does not parse")
    for path, master in release.masters.items():
        where = release.shown(path)
        for cell in master.cells:
            if cell.cell_type == "code":
                _parse(cell.source, where, "the solution does not parse", cell.id)
        for variant in config.variants:
            transforms = variant_transforms(variant, config, release.assignment.root)
            student = make_student_notebook(master, Path(where), transforms)
            for cell in student.cells:
                if cell.cell_type == "code":
                    _parse(cell.source, f"{where} (student copy, variant {variant.name})",
                           "does not parse", cell.id)


def _parse(code: str, where: str, what: str, cell: str | None = None) -> None:
    if cell is not None:
        if code.lstrip().startswith("%%"):
            return
        code = strip_magics(code)
    try:
        ast.parse(code)
    except SyntaxError as error:
        place = f"{where}: cell {cell}: line {error.lineno or 0}" if cell else \
            f"{where}:{error.lineno or 0}"
        raise ProofFailed(f"{place}: {what}: {error.msg}") from None


# ---------------------------------------------------------------- 2: check numbers


@dataclass(frozen=True)
class Declared:
    """A check number where it is declared: ``path:line`` (or the config's part)."""

    number: str
    where: str


def check_numbers(release: Release, grader: Tree) -> list[str]:
    """Refuse a check number declared twice (hidden, public, notebook parts); return the
    warnings about check numbers typed as literals in check messages."""
    grading = release.grading
    folders = [release.shown(grading.public_checks) + "/"]
    if grading.checks is not None:
        folders.append(release.shown(grading.checks) + "/")
    sources = {path: file.data.decode("utf-8") for path, file in sorted(grader.items())
               if path.endswith(".py") and path.startswith(tuple(folders))}
    declared: list[Declared] = []
    literals: list[str] = []
    for path, text in sources.items():
        try:
            tree = ast.parse(text)
        except SyntaxError as error:
            raise ProofFailed(f"{path}:{error.lineno or 0}: check file does not parse: "
                              f"{error.msg}") from None
        if Path(path).name.startswith("test_"):
            declared += _marks(tree, path)
        literals += _literals(tree, text, path)
    for notebook in grading.notebooks:
        declared += [Declared(part.number, f"{release.shown(release.assignment.path)}: "
                              f"grading.notebooks ({notebook.file}) part {part.kind}")
                     for part in notebook.parts]
    seen: dict[str, Declared] = {}
    for item in declared:
        if item.number in seen:
            raise ProofFailed(f"{item.where}: check number {item.number} is already "
                              f"declared at {seen[item.number].where}")
        seen[item.number] = item
    if literals and LITERALS_FAIL:
        raise ProofFailed(literals[0])
    return literals


def _marks(tree: ast.Module, path: str) -> list[Declared]:
    from gradekit.grading.marks import grade_marks, literal_number

    return [Declared(number, f"{path}:{mark.lineno}")
            for _, mark in grade_marks(ast.walk(tree))
            if (number := literal_number(mark)) is not None]


def _literals(tree: ast.Module, text: str, path: str) -> list[str]:
    """``path:line: ...`` for each string (not a docstring) naming a check by number."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if (not isinstance(node, ast.Constant) or not isinstance(node.value, str)
                or id(node) in docstrings):
            continue
        match = _LITERAL.search(node.value)
        if match is None:
            continue
        line = node.lineno
        segment = ast.get_source_segment(text, node)
        in_source = _LITERAL.search(segment) if segment else None
        if in_source is not None:
            line += segment[:in_source.start()].count("\n")
        found.append(f"{path}:{line}: a check message names {match.group(0)!r} as a "
                     "literal; resolve the number from the marks instead")
    return sorted(set(found), key=lambda entry: (entry.split(":")[0],
                                                  int(entry.split(":")[1])))


# ---------------------------------------------------------------- 3, 4: the grades


def autograder_tree(planned: list[Planned], name: str) -> Tree:
    for item in planned:
        if item.name == "autograder.zip":
            return item.tree
    raise ProofFailed(f"{name}: the release plans no autograder.zip to prove")


def baked_config(grader: Tree) -> str:
    """The assignment.toml path (inside the zip's source folder) that run_autograder grades."""
    script = grader.get("run_autograder")
    if script is None:
        raise ProofFailed("autograder.zip: run_autograder is missing")
    for line in script.data.decode("utf-8", "replace").splitlines():
        if line.startswith("CONFIG="):
            words = shlex.split(line[len("CONFIG="):])
            if len(words) == 1:
                return words[0]
    raise ProofFailed("autograder.zip: run_autograder names no CONFIG=<assignment.toml>")


def unpack_autograder(grader: Tree, source: Path) -> Assignment:
    """Write the zip's tree to ``source`` (Gradescope's /autograder/source) and load the
    assignment its run_autograder grades."""
    write_folder(grader, source)
    config = baked_config(grader)
    if config not in grader:
        raise ProofFailed(f"autograder.zip: run_autograder grades {config}, which the zip "
                          "does not hold")
    return load_assignment(source / config)


def grade(submission: Path, assignment: Assignment, numbers: set[str] | None = None,
          what: str = "the reference") -> GradeResult:
    """Grade ``submission`` in hidden mode, checks only (``numbers``: only those)."""
    from gradekit.grading.grade import grade_submission

    def select(number: str) -> bool:  # any select skips the notebook parts
        return numbers is None or number in numbers

    result = grade_submission(submission, assignment, seed=SEED, select=select)
    if result.error:
        raise ProofFailed(f"{assignment.name}: grading {what} failed: {result.error}")
    return result


def _prove_reference(folder: Path, assignment: Assignment, graded: set[str],
                     proof: Proof) -> None:
    result = grade(folder, assignment)
    checks = {check.number: check for check in result.checks if check.number in graded}
    failing = [n for n, c in checks.items() if c.max_score > 0 and c.score < c.max_score]
    for attempt in range(2, TRIES + 1):
        if not failing:
            break
        again = grade(folder, assignment, set(failing))
        for check in again.checks:
            if check.number in failing and check.score >= check.max_score:
                checks[check.number] = check
                proof.retried.append(f"{check.number} (try {attempt})")
        failing = [n for n in failing if checks[n].score < checks[n].max_score]
    if failing:
        check = checks[failing[0]]
        reason = check.output.strip().splitlines()[0] if check.output.strip() else "no output"
        reason += _collection_errors(result, folder.parent / "source")
        raise ProofFailed(
            f"{assignment.name}: the reference scores {_points(check.score)}/"
            f"{_points(check.max_score)} on check {check.number} ({check.name}) in "
            f"{TRIES} tries: {reason}")
    proof.checks = len(checks)
    proof.reference = sum(check.score for check in checks.values())
    proof.full = sum(check.max_score for check in checks.values())


def _prove_template(folder: Path, assignment: Assignment, graded: set[str],
                    proof: Proof) -> None:
    result = grade(folder, assignment, what="the template")
    for check in result.checks:
        if check.number in graded and check.max_score > 0 and check.score > 0:
            raise ProofFailed(
                f"{assignment.name}: the template scores {_points(check.score)}/"
                f"{_points(check.max_score)} on check {check.number} ({check.name}); its "
                "stripped code must earn nothing")
    proof.template = sum(check.score for check in result.checks if check.number in graded)


def _collection_errors(result: GradeResult, source: Path) -> str:
    """The check files that could not be imported (a helper the zip lacks), and why."""
    notes = []
    for entry in result.staff_log:
        head, _, rest = entry.partition(": could not be collected:")
        if rest:
            last = [line.strip() for line in rest.splitlines() if line.strip()][-1:]
            where = head.replace(f"{source}/", "")
            notes.append(f"; {where} could not be imported from autograder.zip: "
                         f"{''.join(last).lstrip('E ')}")
    return "".join(notes)


def _without_notebook_parts(assignment: Assignment) -> set[str]:
    """The numbers of every declared check, without the notebook parts."""
    from gradekit.grading.grade import known_checks

    parts = {part.number for notebook in assignment.grading.notebooks  # type: ignore[union-attr]
             for part in notebook.parts}
    return {check.number for check in known_checks(assignment, public_only=False)
            if check.number not in parts}


def _points(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------- 5: notebook parts


def grade_executed(release: Release, path: Path, executed: NotebookNode) -> None:
    """Require full marks on the parts of master notebook ``path``, executed as a student
    who solved everything would (``gradekit release --check-notebooks``): its student
    copy with every output and answer kept (the instructor-only cells removed) is handed
    in with the reference package and graded as autograder.zip would; print each part."""
    configs = [notebook for notebook in release.grading.notebooks
               if Path(notebook.file).name == path.name]
    if not configs:
        print(f"{path.name}: no [[grading.notebooks]] scores it; nothing more to prove")
        return
    handed_in = make_student_notebook(executed, path, [RemoveTaggedCells(), CleanMetadata()])
    for config in configs:
        for line in prove_notebook(release, config.file, notebook_bytes(handed_in)):
            print(line)


def prove_notebook(release: Release, file: str, executed: bytes) -> list[str]:
    """Grade the reference package with the notebook ``executed`` handed in as ``file``
    (hidden mode, from the planned autograder tree) and require full marks on that
    notebook's parts; return one line per part."""
    from gradekit.grading.grade import grade_submission

    parts = {part.number for notebook in release.grading.notebooks
             if notebook.file == file for part in notebook.parts}
    with tempfile.TemporaryDirectory(prefix="gradekit-proof-") as private:
        assignment = unpack_autograder(release.autograder_tree(), Path(private) / "source")
        submission = Path(private) / "reference"
        write_folder(release.package, submission)
        (submission / file).parent.mkdir(parents=True, exist_ok=True)
        (submission / file).write_bytes(executed)
        result = grade_submission(submission, assignment, seed=SEED)
    if result.error:
        raise ProofFailed(f"{file}: grading the executed reference notebook failed: "
                          f"{result.error}")
    lines = []
    for check in sorted(result.checks, key=lambda check: check.sort_key()):
        if check.number not in parts:
            continue
        if check.score < check.max_score:
            reason = check.output.strip().splitlines()[0] if check.output.strip() else ""
            raise ProofFailed(
                f"{file}: the executed reference notebook scores {_points(check.score)}/"
                f"{_points(check.max_score)} on part {check.number} ({check.name}): {reason}")
        lines.append(f"proved: {file} part {check.number} {_points(check.score)}/"
                     f"{_points(check.max_score)} ({check.name})")
    return lines
