"""Release building: turn an assignment's sources into every artefact.

From ``[release]`` and ``[grading]`` of ``assignment.toml`` it builds, in memory:

- the student folder of each variant: the package files stripped of their solutions
  (``student_files`` under ``solution_root``), the notebooks made student copies, the
  ``extra_files``, a student ``assignment.toml``, ``public_checks/`` and a ``README.md``
  (from the variant's own ``readme`` template when it names one);
- ``template_dir``: the first variant's student folder, committed to the repository;
- ``dist/<name>-<variant>.zip``: a student folder plus a copy of the engine, under ``<name>/``;
- ``dist/<name>-solutions.zip``: the package unstripped, the master notebooks, extra files;
- ``dist/autograder.zip``: Gradescope's ``setup.sh`` and ``run_autograder`` at the top, the
  engine, its ``pyproject.toml``, the config, checks, reference and support files, each at
  its path relative to the assignment root.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from nbformat import NotebookNode

from gradekit.config import (PREVIEWED_KINDS, RELEASED_NOTEBOOKS, Assignment, GradingConfig,
                             NotebookCheck, NotebookGrading, ReleaseConfig, StoredOutput,
                             Variant)
from gradekit.config import read_toml, translation_files
from gradekit.errors import UserError
from gradekit.markers import END, START
from gradekit.release.markers import strip_python
from gradekit.release.notebooks import (
    CleanMetadata,
    ClearOutputs,
    EmbedImages,
    CJK_FONT_CELL,
    InsertFirstCell,
    LockGivenCells,
    RemoveTaggedCells,
    ReplaceAnswers,
    StripMarkers,
    Transform,
    run_notebook,
    make_student_notebook,
    notebook_bytes,
    read_notebook,
)
from gradekit.release.translate import TranslateCells, load_language
from gradekit.extras import PDF_INSTALL_COMMAND
from gradekit.zips import File, Tree, differences, is_junk, read_file, read_tree, under
from gradekit.zips import write_folder, write_zip

ENGINE = Path(__file__).resolve().parent.parent
GRADESCOPE_SCRIPTS = ("setup.sh", "run_autograder")
STUDENT_CONFIG = "assignment.toml"
STUDENT_PUBLIC_CHECKS = "public_checks"

README_TEMPLATE = """\
# {title}

This folder is your copy of the assignment *{title}* (version {version}).

## Work on it

Open {notebooks} and follow it from top to bottom. Write your code
between the lines

    {start}
    {end}

and leave those two lines as they are.

## Check your work

    python -m gradekit check

runs the public checks in `{public_checks}/` against the files in this folder (it needs
numpy and pytest). Passing them is a good sign, not a grade: the graders run more checks.

## Hand in

A zip of these files, as they are in this folder (run the notebook first so that its
outputs are saved):

{submit}

    python -m gradekit collect

writes that zip for you and tells you about anything missing or not yet run.{also}{pdf}
"""

PDF_SECTION = """

## The PDF of your written answers

After you install its packages (once; no TeX needed, and nothing is downloaded later)

    {install}

`python -m gradekit collect` also writes `{name}_answers.pdf` beside the zip: the
notebook's title, questions and your answers, one question per page, with the figures they
refer to. Look through it, then upload it. The last package is the font for Chinese text;
`python -m gradekit pdf {notebook}` makes the PDF alone.
"""


@dataclass(frozen=True)
class Artefact:
    """One thing the release wrote, for the summary table."""

    path: Path
    size: int
    holds: str


class Release:
    """The trees of one assignment's artefacts, built in memory from its sources."""

    def __init__(self, assignment: Assignment, gradescope_dir: Path = Path(__file__).resolve().parent / "gradescope"):
        if assignment.release is None or assignment.grading is None:
            raise UserError(f"{assignment.path}: a release needs [release] and [grading]")
        self.assignment = assignment
        self.config: ReleaseConfig = assignment.release
        self.grading: GradingConfig = assignment.grading
        self.gradescope_dir = gradescope_dir
        self.masters = {path: read_notebook(path) for path in self.config.notebooks}

    def shown(self, path: Path) -> str:
        """``path`` relative to the assignment root, as POSIX text (errors if outside)."""
        try:
            return path.resolve().relative_to(self.assignment.root).as_posix()
        except ValueError:
            raise UserError(
                f"{self.assignment.path}: {path} is outside the assignment root "
                f"{self.assignment.root}"
            ) from None

    # ------------------------------------------------------------ student folders

    @cached_property
    def package(self) -> Tree:
        """The ``student_files`` of ``solution_root``, unstripped."""
        root = self.config.solution_root
        tree: Tree = {}
        for pattern in self.config.student_files:
            matches = sorted(
                path
                for path in root.glob(pattern)
                if path.is_file() and not is_junk(path.relative_to(root).as_posix())
            )
            if not matches:
                raise UserError(
                    f"{self.assignment.path}: release.student_files: {pattern!r} matches "
                    f"no file under {self.shown(root)}"
                )
            for path in matches:
                tree[path.relative_to(root).as_posix()] = read_file(path)
        return tree

    @cached_property
    def student_base(self) -> Tree:
        """Everything of a student folder except the notebooks and the README."""
        tree = {relative: self._strip(relative, file) for relative, file in self.package.items()}
        tree.update(self.extra_files)
        tree[STUDENT_CONFIG] = File(student_config(self.assignment).encode())
        public_checks = self.folder(self.grading.public_checks, "grading.public_checks")
        tree.update(under(STUDENT_PUBLIC_CHECKS, self._released_checks(public_checks)))
        return tree

    def _released_checks(self, public_checks: Tree) -> Tree:
        """The public checks a student folder carries: a check file whose every check is
        tied (``notebook=``) to a notebook this release leaves out is left out too, since
        ``gradekit check`` would only fail it (the student has no such notebook yet)."""
        from gradekit.grading.marks import MarkDefaults, scan_file

        released = MarkDefaults(notebooks=frozenset(p.stem for p in self.config.notebooks))
        kept: Tree = {}
        for relative, file in public_checks.items():
            path = self.grading.public_checks / relative
            if "/" not in relative and relative.startswith("test_") and relative.endswith(".py"):
                checks = scan_file(path, public=True, defaults=released)
                if checks and all(check.elsewhere for check in checks):
                    continue
            kept[relative] = file
        return kept

    @cached_property
    def extra_files(self) -> Tree:
        """``[release] extra_files``, at their destination paths."""
        tree: Tree = {}
        for source, destination in self.config.extra_files.items():
            path = self.assignment.root / source
            if not path.is_file():
                raise UserError(f"{self.assignment.path}: extra file {source} does not exist")
            tree[destination] = read_file(path)
        return tree

    def folder(self, path: Path, key: str, suffixes: tuple[str, ...] = ()) -> Tree:
        """The files of the folder configured as ``key``, which must exist."""
        if not path.is_dir():
            raise UserError(f"{self.assignment.path}: {key}: folder {path} does not exist")
        return read_tree(path, suffixes)

    def _strip(self, relative: str, file: File) -> File:
        path = self.shown(self.config.solution_root / relative)
        if relative.endswith(".py"):
            text = file.data.decode("utf-8")
            stripped = strip_python(text, path)
            return file if stripped == text else File(stripped.encode("utf-8"), file.executable)
        if START.encode() in file.data or END.encode() in file.data:
            raise UserError(f"{path}: markers are stripped from .py files only")
        return file

    def student_tree(self, variant: Variant) -> Tree:
        """The student folder of ``variant``."""
        transforms = variant_transforms(variant, self.config, self.assignment.root)
        tree = dict(self.student_base)
        tree["README.md"] = File(student_readme(self.assignment, variant).encode())
        for path, master in self.masters.items():
            student = make_student_notebook(master, Path(self.shown(path)), transforms)
            tree[path.name] = File(notebook_bytes(student))
            # gradekit collect compares the student's notebook with this pristine copy.
            tree[f"{RELEASED_NOTEBOOKS}/{path.name}"] = tree[path.name]
        return tree

    @cached_property
    def template_tree(self) -> Tree:
        """What ``template_dir`` holds: the first variant's student folder."""
        return self.student_tree(self.config.variants[0])

    @cached_property
    def engine(self) -> Tree:
        """The engine package's sources and data."""
        return read_tree(ENGINE)

    @cached_property
    def student_engine(self) -> Tree:
        """The part of the engine students run: ``check``, ``collect``, the answers PDF."""
        return {path: file for path, file in self.engine.items() if is_student_engine(path)}

    def student_zip_tree(self, variant: Variant) -> Tree:
        """A student zip: the folder and the student engine, under the assignment's name."""
        tree = self.student_tree(variant) | under("gradekit", self.student_engine)
        return under(self.assignment.name, tree)

    # ------------------------------------------------------------ instructor artefacts

    def solutions_tree(self) -> Tree:
        """The package unstripped, the master notebooks and the extra files."""
        tree = self.package | self.extra_files
        for path in self.masters:
            tree[path.name] = read_file(path)
        return under(f"{self.assignment.name}-solutions", tree)

    def autograder_tree(self) -> Tree:
        """Gradescope's zip: everything the grader needs at its path in the repository."""
        grading = self.grading
        if grading.checks is None:
            raise UserError(f"{self.assignment.path}: autograder.zip needs [grading] checks")
        tree = {name: self._gradescope_script(name) for name in GRADESCOPE_SCRIPTS}
        tree |= under("gradekit", self.engine) | engine_project_files()
        # The instructors' README replaces the developers' (it also serves pip as the
        # readme pyproject.toml names), and the Dockerfile it tells them to build with.
        tree["README.md"] = self._instructors_readme()
        tree["Dockerfile"] = read_file(self._gradescope_file("Dockerfile"))
        # Every package setup.sh installs, pinned (scripts/lock_autograder.py).
        tree["constraints.txt"] = read_file(self._gradescope_file("constraints.txt"))
        tree[self.shown(self.assignment.path)] = read_file(self.assignment.path)
        tree |= self._translations()
        tree |= under(self.shown(grading.checks), self.folder(grading.checks, "grading.checks"))
        if grading.reference_root is not None:
            reference = self.folder(grading.reference_root, "grading.reference_root", (".py",))
            tree |= under(self.shown(grading.reference_root), reference)
        tree |= under(self.shown(grading.support_root), self._support())
        return tree

    def _translations(self) -> Tree:
        """The variants' translation files, which tell the grader each language's answer
        placeholder (an unanswered question in a translated notebook is still unanswered)."""
        tree: Tree = {}
        for variant in self.config.variants:
            path = variant.translations
            if path is None:
                continue
            for file in translation_files(path):
                tree[self.shown(file)] = read_file(file)
        return tree

    def _instructors_readme(self) -> File:
        """``INSTRUCTORS.md`` with this assignment's name, title and config path filled in."""
        path = self._gradescope_file("INSTRUCTORS.md")
        if not path.is_file():
            raise UserError(f"{path}: missing; autograder.zip needs the instructors' README")
        text = path.read_text(encoding="utf-8")
        for key, value in (("name", self.assignment.name), ("title", self.assignment.title),
                           ("config", self.shown(self.assignment.path))):
            text = text.replace("{" + key + "}", value)
        return File(text.encode("utf-8"))

    def _gradescope_file(self, name: str) -> Path:
        """``name`` in the Gradescope folder given, else the engine's own."""
        given = self.gradescope_dir / name
        return given if given.is_file() else Path(__file__).resolve().parent / "gradescope" / name

    def _gradescope_script(self, name: str) -> File:
        return gradescope_script(self.gradescope_dir / name, self.shown(self.assignment.path),
                                 self.grading.extras)

    def _support(self) -> Tree:
        support = self.grading.support_root
        if support.resolve() == self.config.template_dir.resolve():
            return self.template_tree
        return self.folder(support, "grading.support_root")


CONFIG_LINE = 'CONFIG="assignment/assignment.toml"'
"""The line of ``run_autograder`` that names the assignment it grades (baked by release)."""
EXTRAS_LINE = 'EXTRAS=""'
"""The line of ``setup.sh`` that names the engine extras the image installs (``[grading]
extras``, baked by release)."""


def gradescope_script(path: Path, config: str, extras: tuple[str, ...] = ()) -> File:
    """Gradescope's script at ``path``; the engine's ``run_autograder`` is made to grade
    ``config`` (the assignment.toml's path inside the zip) by its :data:`CONFIG_LINE`, and
    its ``setup.sh`` to install ``extras`` by its :data:`EXTRAS_LINE` and to build the
    workers' runtime for ``config`` by its own :data:`CONFIG_LINE`."""
    if not path.is_file():
        raise UserError(f"{path}: missing; autograder.zip needs Gradescope's {path.name}")
    data = path.read_bytes()
    if path.name in ("run_autograder", "setup.sh") and CONFIG_LINE.encode() in data:
        line = f"CONFIG={shlex.quote(config)}".encode()
        data = data.replace(CONFIG_LINE.encode(), line, 1)
    if path.name == "setup.sh" and extras and EXTRAS_LINE.encode() in data:
        line = f"EXTRAS={shlex.quote(','.join(extras))}".encode()
        data = data.replace(EXTRAS_LINE.encode(), line, 1)
    return File(data, executable=True)


def variant_transforms(variant: Variant, config: ReleaseConfig, root: Path) -> list[Transform]:
    """The steps that turn a master notebook into ``variant``'s student copy."""
    first: list[Transform] = []
    cell_id = f"{variant.name.replace('.', '-')}-first-cell"
    if variant.cjk_figures:  # inserted first, so a host's setup cell comes before it
        first.append(InsertFirstCell(CJK_FONT_CELL, f"{cell_id}-fonts"))
    if variant.first_cell is not None:
        if not variant.first_cell.is_file():
            raise UserError(f"{variant.first_cell}: first cell of variant {variant.name} missing")
        first.append(InsertFirstCell(variant.first_cell.read_text(encoding="utf-8"), cell_id))
    translate: list[Transform] = []
    placeholder = config.answer_placeholder
    if variant.translations is not None:
        translations = load_language(variant.translations)
        translate.append(TranslateCells(translations))
        placeholder = next(iter(translations.values())).answer_placeholder
    return [
        *first,
        RemoveTaggedCells(),
        StripMarkers(),
        LockGivenCells(open_ids=(cell_id,)),
        *translate,
        ReplaceAnswers(placeholder),
        *([EmbedImages(root)] if variant.embed_images else []),
        ClearOutputs(),
        CleanMetadata(),
    ]


# What students run, as paths inside the engine package: the student commands and what they
# import (a test checks that these modules import nothing outside the list).
STUDENT_ENGINE = (
    "__init__.py", "__main__.py", "errors.py", "config.py", "zips.py", "extras.py",
    "cellnames.py", "markers.py", "stopping.py",
    "cli/__init__.py", "cli/progress.py", "cli/check.py", "cli/collect.py", "cli/pdf.py",
    "sandbox/", "grading/", "student/", "checklib/",
)


def is_student_engine(path: str) -> bool:
    """True for an engine file (path inside the package) that the student zip carries."""
    return any(path == entry or (entry.endswith("/") and path.startswith(entry))
               for entry in STUDENT_ENGINE)


def engine_project_files() -> Tree:
    """The engine's ``pyproject.toml`` and the readme it names (``pip install .`` needs both)."""
    pyproject = ENGINE.parent / "pyproject.toml"
    if not pyproject.is_file():
        raise UserError(f"{pyproject}: missing; autograder.zip needs the engine's source checkout")
    tree = {"pyproject.toml": read_file(pyproject)}
    readme = read_toml(pyproject, "project file").get("project", {}).get("readme")
    if isinstance(readme, str) and (ENGINE.parent / readme).is_file():
        tree[readme] = read_file(ENGINE.parent / readme)
    return tree


def student_config(assignment: Assignment) -> str:
    """The student folder's ``assignment.toml``: grading settings relative to that folder."""
    grading = assignment.grading
    assert grading is not None
    submit = "".join(f"    {_toml(name)},\n" for name in grading.submit)
    return (
        f"# The student copy of {_toml(assignment.name)}, written by gradekit release.\n"
        f"\n[assignment]\n"
        f"name = {_toml(assignment.name)}\ntitle = {_toml(assignment.title)}\n"
        f"version = {_toml(assignment.version)}\nroot = \".\"\n"
        f"\n[grading]\nsubmit = [\n{submit}]\n"
        + (f"optional = [{', '.join(map(_toml, grading.optional))}]\n"
           if grading.optional else "")
        + f"public_checks = {_toml(STUDENT_PUBLIC_CHECKS)}\nsupport_root = \".\"\n"
        + (f"hand_in_also = [{', '.join(map(_toml, grading.hand_in_also))}]\n"
           if grading.hand_in_also else "")
        + "".join(f"\n[grading.sections.{_toml(s.name)}]\ntitle = {_toml(s.title)}\n"
                  f"checks = [{', '.join(map(_toml, s.checks))}]\n" for s in grading.sections)
        # The public checks' worker needs the same packages (it is confined where it can be).
        + (f"\n[grading.sandbox]\npackages = "
           f"[{', '.join(map(_toml, grading.sandbox.packages))}]\n"
           if grading.sandbox.packages else "")
        + "".join(_previewed_notebook(notebook) for notebook in grading.notebooks)
    )


def _previewed_notebook(notebook: NotebookGrading) -> str:
    """The ``[[grading.notebooks]]`` table ``gradekit collect`` previews the notebook parts
    with (:mod:`gradekit.student.notebook_preview`): the parts it can judge without the
    grader, against the released copy kept in the student folder."""
    parts = [part for part in notebook.parts if part.kind in PREVIEWED_KINDS]
    if not parts:
        return ""
    def listing(items: Iterable[str]) -> str:
        return f"[{', '.join(map(_toml, items))}]"
    rows = "".join(f"    {{ kind = {_toml(p.kind)}, number = {_toml(p.number)}, "
                   f"points = {p.points:g} }},\n" for p in parts)
    rules = "".join(_stored_output(rule) for rule in notebook.outputs)
    return (f"\n[[grading.notebooks]]\nfile = {_toml(notebook.file)}\n"
            f"released = {_toml(f'{RELEASED_NOTEBOOKS}/{notebook.file}')}\n"
            f"max_mb = {notebook.max_mb}\nanswer_tag = {_toml(notebook.answer_tag)}\n"
            f"placeholders = {listing(notebook.placeholders)}\n"
            f"figures = {listing(notebook.figures)}\nparts = [\n{rows}]\n"
            + (f"outputs = [\n{rules}]\n" if rules else ""))


def _stored_output(rule: StoredOutput) -> str:
    """One ``outputs`` rule as an inline table of the student config."""
    fields = [f"cell = {_toml(rule.cell)}", f"pattern = {_toml(rule.pattern)}"]
    if rule.keys:
        fields.append(f"keys = [{', '.join(map(_toml, rule.keys))}]")
    if rule.count:
        fields.append(f"count = {rule.count}")
    fields += [f"{name} = {value!r}" for name, value in (("low", rule.low), ("high", rule.high))
               if value is not None]
    return f"    {{ {', '.join(fields)} }},\n"


def student_readme(assignment: Assignment, variant: Variant | None = None) -> str:
    """The student folder's ``README.md``.

    The template is the variant's ``readme`` file if it has one, else
    :data:`README_TEMPLATE`. Its placeholders are filled in: ``{title}``, ``{version}``,
    ``{name}`` (the folder a student zip unpacks to), ``{notebooks}``, ``{start}`` and
    ``{end}`` (the marker lines), ``{public_checks}``, ``{submit}`` (a list of the files
    to hand in), ``{also}`` (English sentences naming ``hand_in_also``), ``{pdf}`` (an
    English section on the answers PDF) and ``{pdf_install}`` (its install line). Write ``{{``
    and ``}}`` for literal braces.
    """
    assert assignment.release is not None and assignment.grading is not None
    template, where = README_TEMPLATE, "README_TEMPLATE"
    if variant is not None and variant.readme is not None:
        if not variant.readme.is_file():
            raise UserError(f"{variant.readme}: readme of variant {variant.name} missing")
        template, where = variant.readme.read_text(encoding="utf-8"), str(variant.readme)
    notebooks = ", ".join(f"`{path.name}`" for path in assignment.release.notebooks)
    try:
        return template.format(
            title=assignment.title,
            version=assignment.version,
            name=assignment.name,
            notebooks=notebooks or "the files",
            start=START,
            end=END,
            public_checks=STUDENT_PUBLIC_CHECKS,
            submit="\n".join(f"- `{name}`" for name in assignment.grading.submit),
            also="".join(f"\n\nAlso hand in {item}." for item in assignment.grading.hand_in_also),
            pdf=_pdf_section(assignment),
            pdf_install=PDF_INSTALL_COMMAND,
        )
    except (KeyError, IndexError, ValueError) as error:
        raise UserError(f"{where}: not a README template: bad placeholder {error}") from None


def _pdf_section(assignment: Assignment) -> str:
    """How students make the answers PDF, when they hand in a notebook."""
    assert assignment.grading is not None
    notebooks = [name for name in assignment.grading.submit if name.endswith(".ipynb")]
    if not notebooks:
        return ""
    return PDF_SECTION.format(install=PDF_INSTALL_COMMAND, name=assignment.name,
                              notebook=notebooks[0])


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


# ---------------------------------------------------------------- writing artefacts


def write_template(release: Release) -> Artefact:
    """Replace ``template_dir`` by a fresh student folder of the first variant."""
    folder = release.config.template_dir
    protected = [release.assignment.path, release.config.solution_root, *release.masters]
    if any(folder == path or folder in path.parents for path in protected):
        raise UserError(f"{release.assignment.path}: template_dir {folder} holds sources")
    tree = release.template_tree
    if differences(tree, folder):
        write_folder(tree, folder)
    variant = release.config.variants[0].name
    return Artefact(folder, _size(tree), f"{_contents(tree)}, variant {variant}")


def template_differences(release: Release) -> list[str]:
    """Relative paths where ``template_dir`` is not what the release would write."""
    return differences(release.template_tree, release.config.template_dir)


@dataclass(frozen=True)
class Planned:
    """A zip to write: its file name, its tree and what it holds."""

    name: str
    tree: Tree
    holds: str


def plan_dist(release: Release) -> list[Planned]:
    """Build every zip's tree (nothing is written, so a failure leaves no half release)."""
    name = release.assignment.name
    planned = []
    for variant in release.config.variants:
        tree = release.student_zip_tree(variant)
        holds = f"{_contents(tree)}, variant {variant.name}"
        planned.append(Planned(f"{name}-{variant.name}.zip", tree, holds))
    solutions = release.solutions_tree()
    planned.append(Planned(f"{name}-solutions.zip", solutions, _contents(solutions)))
    grader = release.autograder_tree()
    checks = release.shown(release.grading.checks) + "/" if release.grading.checks else "-"
    holds = f"{len(grader)} files, checks {sum(path.startswith(checks) for path in grader)}"
    planned.append(Planned("autograder.zip", grader, holds))
    return planned


def write_dist(planned: list[Planned], dist_dir: Path) -> list[Artefact]:
    """Write the planned zips into ``dist_dir``."""
    artefacts = []
    for item in planned:
        write_zip(dist_dir / item.name, item.tree)
        size = (dist_dir / item.name).stat().st_size
        artefacts.append(Artefact(dist_dir / item.name, size, item.holds))
    return artefacts


def _size(tree: Tree) -> int:
    return sum(len(file.data) for file in tree.values())


def _contents(tree: Tree) -> str:
    notebooks = sum(path.endswith(".ipynb") and RELEASED_NOTEBOOKS not in path for path in tree)
    return f"{len(tree)} files, {notebooks} notebook{'s' if notebooks != 1 else ''}"


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB"


def print_summary(artefacts: list[Artefact], seconds: float) -> None:
    names = [_relative(artefact.path) for artefact in artefacts]
    width = max(map(len, names + ["artefact"]))
    print(f"{'artefact':<{width}}  {'size':>9}  holds")
    for name, artefact in zip(names, artefacts):
        print(f"{name:<{width}}  {_human(artefact.size):>9}  {artefact.holds}")
    print(f"built in {seconds:.1f} s")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) + ("/" if path.is_dir() else "")
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- notebook check


EXECUTED_ZIP = "{name}-solutions-executed.zip"
"""The executed master notebooks (outputs, figures and model answers) for the course staff,
written by ``gradekit release --check-notebooks`` beside the other zips."""


def notebook_check_env(check: NotebookCheck) -> dict[str, str]:
    """The variables ``--check-notebooks`` adds to the kernel's environment: ``env``, and
    ``python_path`` (absolute) first on ``PYTHONPATH``."""
    env = dict(check.env)
    if check.python_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [*(str(path.resolve()) for path in check.python_path),
             *filter(None, [env.get("PYTHONPATH", os.environ.get("PYTHONPATH", ""))])])
    return env


def check_notebooks(assignment: Assignment,
                    graded: Callable[[Release, Path, NotebookNode], None] | None = None,
                    dist_dir: Path | None = None) -> float:
    """Execute each master notebook as a student who solved everything would: in a copy of
    the student folder with the solution's files in place; return the total seconds.

    ``graded`` is called with each master's path and the executed notebook (the release
    proof grades its notebook parts: :func:`gradekit.release.proof.grade_executed`). The
    executed notebooks are zipped into ``dist_dir`` (default: ``[release] dist_dir``) as
    :data:`EXECUTED_ZIP`, what TAs read the model answers and expected outputs in."""
    if assignment.release is None:
        raise UserError(f"{assignment.path}: missing table [release]")
    config = assignment.release
    release = Release(assignment)
    env = notebook_check_env(config.notebook_check)
    total = 0.0
    executed_tree: Tree = {}
    with tempfile.TemporaryDirectory(prefix="gradekit-notebook-check-") as stage:
        write_folder(release.template_tree | release.package, Path(stage))
        for path in config.notebooks:
            label = os.path.relpath(path)
            print(f"executing {label} in the student folder, with the solution's files")
            executed, seconds = run_notebook(
                path,
                cwd=Path(stage),
                env=env,
                timeout_per_cell=config.notebook_check.timeout_per_cell,
                label=label,
            )
            total += seconds
            if graded is not None:
                graded(release, path, executed)
            executed_tree[path.name] = File(notebook_bytes(executed))
    print(f"notebooks ran without errors in {total:.1f} s")
    target = (dist_dir or config.dist_dir) / EXECUTED_ZIP.format(name=assignment.name)
    write_zip(target, under(f"{assignment.name}-solutions", executed_tree))
    print(f"wrote {os.path.relpath(target)}: the executed notebooks, with the model answers")
    return total
