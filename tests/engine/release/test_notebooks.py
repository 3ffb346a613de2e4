"""Contract 2: student copies of notebooks, and translated variants."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from gradekit.errors import UserError
from gradekit.release.markers import END, START, MarkerError
from gradekit.release.notebooks import (
    CleanMetadata,
    ClearOutputs,
    EmbedImages,
    InsertFirstCell,
    LockGivenCells,
    RemoveTaggedCells,
    ReplaceAnswers,
    StripMarkers,
    make_student_notebook,
    notebook_bytes,
    read_notebook,
)
from gradekit.release.translate import (
    TranslateCells,
    Translations,
    comment_free_code,
    load_language,
    load_translations,
)

PLACEHOLDER = "**Your Answer:** *[FILL THIS IN]*"
WHERE = Path("assignment/Lesson.ipynb")


def cell(kind: str, cell_id: str, source: str, *tags: str, **metadata: object) -> NotebookNode:
    new = new_markdown_cell if kind == "md" else new_code_cell
    made = new(source, id=cell_id)
    made.metadata.update(metadata)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


def master() -> NotebookNode:
    run = cell("code", "run", "print(1)", "pdf-ignore", gradekit={"points": 1}, collapsed=True)
    run.outputs = [new_output("stream", name="stdout", text="1\n")]
    run.execution_count = 7
    return new_notebook(
        cells=[
            cell("md", "intro", "# Lesson", "pdf-title"),
            cell("code", "work", f"# Add one\nx = 1\n{START}\ny = x + 1\n{END}\nprint(y)"),
            run,
            cell("md", "question", "Why?", "pdf-inline"),
            cell("md", "answer", "Because of the model answer.", "solution", "pdf-inline"),
            cell("code", "teacher", "assert y == 2", "solution-only"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "gradekit": {"secret": True},
            "widgets": {},
        },
    )


STUDENT_STEPS = [
    RemoveTaggedCells(),
    StripMarkers(),
    ReplaceAnswers(PLACEHOLDER),
    ClearOutputs(),
    CleanMetadata(),
]


def student(notebook: NotebookNode | None = None, steps: list | None = None) -> NotebookNode:
    return make_student_notebook(notebook or master(), WHERE, steps or STUDENT_STEPS)


def by_id(notebook: NotebookNode) -> dict[str, NotebookNode]:
    return {c.id: c for c in notebook.cells}


def test_answer_cells_get_the_placeholder_and_keep_other_tags() -> None:
    answer = by_id(student())["answer"]
    assert answer.source == PLACEHOLDER
    assert answer.metadata.tags == ["pdf-inline"]


def test_solution_only_cells_are_removed() -> None:
    assert [c.id for c in student().cells] == ["intro", "work", "run", "question", "answer"]


def test_code_regions_are_stripped() -> None:
    assert by_id(student())["work"].source == f"# Add one\nx = 1\n{START}\npass\n{END}\nprint(y)"


def test_outputs_and_execution_counts_are_cleared() -> None:
    run = by_id(student())["run"]
    assert run.outputs == [] and run.execution_count is None


def test_metadata_keeps_only_what_jupyter_needs() -> None:
    notebook = student()
    assert set(notebook.metadata) == {"kernelspec", "language_info"}
    assert by_id(notebook)["run"].metadata == {"tags": ["pdf-ignore"]}
    assert by_id(notebook)["work"].metadata == {}


def test_master_is_left_alone() -> None:
    notebook = master()
    student(notebook)
    assert len(notebook.cells) == 6 and "gradekit" in notebook.metadata


def test_result_validates_and_round_trips() -> None:
    notebook = student()
    again = nbformat.reads(notebook_bytes(notebook).decode(), as_version=4)
    nbformat.validate(again)
    assert again == notebook


def test_marker_error_names_notebook_cell_and_line() -> None:
    notebook = master()
    notebook.cells[1].source = f"x = 1\n{START}\ny = 2\n"
    with pytest.raises(MarkerError) as caught:
        student(notebook)
    assert str(caught.value).startswith(f"{WHERE}: cell work: line 2: ")
    assert (caught.value.cell, caught.value.line) == ("work", 2)


def test_stripped_cell_that_cannot_parse_is_an_error() -> None:
    notebook = master()
    notebook.cells[1].source = f"value = (1 +\n{START}\n 2)\n{END}\n%matplotlib inline"
    with pytest.raises(MarkerError, match="cell work: line .*does not parse"):
        student(notebook)


def test_magics_do_not_count_as_syntax_errors() -> None:
    notebook = master()
    notebook.cells[1].source = f"%load_ext autoreload\n!ls\n{START}\nx = 1\n{END}"
    assert "x = 1" not in by_id(student(notebook))["work"].source


def test_solution_tag_on_a_code_cell_is_an_error() -> None:
    notebook = master()
    notebook.cells[1].metadata["tags"] = ["solution"]
    with pytest.raises(UserError, match="cell work: tag 'solution' belongs on markdown"):
        student(notebook)


def test_first_cell_goes_first_with_a_stable_id() -> None:
    steps = [InsertFirstCell("import sys\n", "colab-first-cell"), *STUDENT_STEPS]
    first = student(steps=steps).cells[0]
    assert (first.id, first.source, first.cell_type) == ("colab-first-cell", "import sys", "code")
    with pytest.raises(UserError, match="'intro' is reserved"):
        student(steps=[InsertFirstCell("x", "intro")])


def test_linked_pictures_are_embedded_as_data_uris(tmp_path: Path) -> None:
    (tmp_path / "assignment").mkdir()
    (tmp_path / "assignment" / "graph.png").write_bytes(b"\x89PNG picture bytes")
    master = new_notebook(cells=[
        cell("md", "pic", "See ![the graph](graph.png) and ![web](https://example.org/a.png)."),
        cell("md", "text", "No picture here."),
    ])
    student = make_student_notebook(master, WHERE, [EmbedImages(tmp_path)])
    picture = student.cells[0]
    # Colab renders a data URI in the link, but not nbformat attachments.
    assert picture.source == ("See ![the graph](data:image/png;base64,iVBORyBwaWN0dXJlIGJ5dGVz)"
                              " and ![web](https://example.org/a.png).")
    assert "attachments" not in picture and "attachments" not in student.cells[1]
    again = make_student_notebook(student, WHERE, [EmbedImages(tmp_path)])
    assert again.cells[0].source == picture.source, "an embedded picture stays as it is"


def test_a_missing_picture_names_the_cell(tmp_path: Path) -> None:
    master = new_notebook(cells=[cell("md", "pic", "![graph](gone.png)")])
    with pytest.raises(UserError, match="cell pic links to gone.png"):
        make_student_notebook(master, WHERE, [EmbedImages(tmp_path)])


def test_reading_needs_cell_ids(tmp_path: Path) -> None:
    notebook = master()
    path = tmp_path / "old.ipynb"
    nbformat.write(notebook, path)
    assert [c.id for c in read_notebook(path).cells][0] == "intro"
    raw = path.read_text().replace('"id": "intro",', "")
    path.write_text(raw.replace('"nbformat_minor": 5', '"nbformat_minor": 4'))
    with pytest.raises(UserError, match="cell 0 has no id"):
        read_notebook(path)
    with pytest.raises(UserError, match="configured notebook does not exist"):
        read_notebook(tmp_path / "missing.ipynb")


# ---------------------------------------------------------------- translations


FRENCH = Translations(
    path=Path("i18n/fr.toml"),
    answer_placeholder="**Votre réponse :** *[À COMPLÉTER]*",
    cells={"intro": "# Leçon", "question": "Pourquoi ?"},
    comments={"# Add one": "# Ajouter un"},
)


def translated(translations: Translations = FRENCH, notebook: NotebookNode | None = None):
    steps = [
        RemoveTaggedCells(),
        StripMarkers(),
        TranslateCells(translations),
        ReplaceAnswers(translations.answer_placeholder),
        ClearOutputs(),
        CleanMetadata(),
    ]
    return student(notebook, steps)


def test_markdown_comments_and_placeholder_are_translated() -> None:
    cells = by_id(translated())
    assert cells["intro"].source == "# Leçon" and cells["question"].source == "Pourquoi ?"
    assert cells["answer"].source == FRENCH.answer_placeholder
    assert cells["work"].source.startswith("# Ajouter un\nx = 1\n" + START)


def test_translated_comments_keep_indentation_and_markers_stay() -> None:
    notebook = master()
    notebook.cells[1].source = f"if True:\n    # Add one\n    {START}\n    y = 2\n    {END}"
    source = by_id(translated(notebook=notebook))["work"].source
    assert source == f"if True:\n    # Ajouter un\n    {START}\n    pass\n    {END}"


def test_code_is_identical_once_comments_are_removed() -> None:
    english, french = student(), translated()
    for mine, theirs in zip(english.cells, french.cells, strict=True):
        if mine.cell_type == "code":
            assert comment_free_code(mine.source) == comment_free_code(theirs.source)


def test_missing_cell_translation_names_the_cell() -> None:
    partial = Translations(FRENCH.path, "x", {"intro": "y"}, FRENCH.comments)
    with pytest.raises(UserError, match=r"i18n/fr\.toml: .*Lesson\.ipynb: cells question$"):
        translated(partial)


def test_missing_comment_translation_names_the_comment() -> None:
    partial = Translations(FRENCH.path, "x", FRENCH.cells, {})
    with pytest.raises(UserError, match=r"comments '# Add one' \(cell work\)"):
        translated(partial)


def test_comments_inside_regions_and_symbol_lines_need_no_translation() -> None:
    notebook = master()
    notebook.cells[1].source = f"# ----\n{START}\n# the solution's own comment\n{END}"
    assert by_id(translated(notebook=notebook))["work"].source.startswith("# ----\n")


def with_plot(source: str) -> NotebookNode:
    notebook = master()
    notebook.cells.insert(2, cell("code", "plot", source))
    return notebook


def test_strings_of_the_named_code_cell_are_translated() -> None:
    source = ("ax.set_title('Sum')\nax.set_xlabel(\"It's x\")\nax.set_ylabel('Sum of v')\n"
              "key = 'Sum '\nprint(f'Sum', b'Sum', r'Sum\\n')")
    notebook = with_plot(source)
    notebook.cells[1].source += "\nprint('Sum')"
    strings = {"plot": {"Sum": "Somme", "It's x": "C'est x", "Sum of v": "l'addition de v"}}
    cells = by_id(translated(replace(FRENCH, strings=strings), notebook))
    assert cells["plot"].source == (
        "ax.set_title('Somme')\nax.set_xlabel(\"C'est x\")\nax.set_ylabel(\"l'addition de v\")\n"
        "key = 'Sum '\nprint(f'Sum', b'Sum', r'Sum\\n')"
    ), "only plain literals equal to a key change; quotes stay valid"
    assert cells["work"].source.endswith("\nprint('Sum')"), "other cells keep their strings"
    assert "Somme" not in cells["run"].source


def test_a_string_the_cell_does_not_hold_is_an_error() -> None:
    strings = {"plot": {"Sum": "Somme", "Total": "Total"}}
    with pytest.raises(UserError, match=r"strings\.plot: cell plot of Lesson\.ipynb has no "
                                        r"string literal 'Total'$"):
        translated(replace(FRENCH, strings=strings), with_plot("title = 'Sum'"))
    with pytest.raises(UserError, match=r"strings\.intro: cell intro .* is not a code cell"):
        translated(replace(FRENCH, strings={"intro": {"Lesson": "Leçon"}}))


def test_translation_file_is_type_checked(tmp_path: Path) -> None:
    path = tmp_path / "fr.toml"
    path.write_text('answer_placeholder = "A"\n[cells.intro]\nsource = "B"\n')
    path.write_text(path.read_text() + '[comments]\n"# c" = "# d"\n')
    assert load_translations(path) == Translations(path, "A", {"intro": "B"}, {"# c": "# d"})
    path.write_text(path.read_text() + '[strings.plot]\n"Sum" = "Somme"\n')
    assert load_translations(path).strings == {"plot": {"Sum": "Somme"}}
    path.write_text('answer_placeholder = "A"\n[strings]\nplot = "Somme"\n')
    with pytest.raises(UserError, match=r"fr\.toml: strings\.plot must be a table of strings"):
        load_translations(path)
    path.write_text('answer_placeholder = "A"\n[cells.intro]\ntext = "B"\n')
    with pytest.raises(UserError, match=r"fr\.toml: cells\.intro\.source must be a string"):
        load_translations(path)
    path.write_text("[cells]\n")
    with pytest.raises(UserError, match="answer_placeholder must be a string"):
        load_translations(path)
    with pytest.raises(UserError, match="no such translation file"):
        load_translations(tmp_path / "de.toml")


def test_a_translations_folder_gives_each_notebook_its_own_file(tmp_path: Path) -> None:
    folder = tmp_path / "fr"
    folder.mkdir()
    (folder / "Lesson.toml").write_text(
        'answer_placeholder = "A"\n[cells.intro]\nsource = "# Leçon"\n'
        '[cells.question]\nsource = "Q"\n[comments]\n"# Add one" = "# Ajouter un"\n')
    (folder / "Other.toml").write_text('answer_placeholder = "A"\n[cells.intro]\nsource = "X"\n')
    language = load_language(folder)
    assert set(language) == {"Lesson", "Other"}
    cells = by_id(student(None, [RemoveTaggedCells(), StripMarkers(), TranslateCells(language)]))
    assert cells["intro"].source == "# Leçon", "Lesson.ipynb takes Lesson.toml, not Other.toml"
    (folder / "Lesson.toml").rename(folder / "Third.toml")
    with pytest.raises(UserError, match=r"fr: no Lesson\.toml to translate Lesson\.ipynb"):
        student(None, [RemoveTaggedCells(), StripMarkers(), TranslateCells(load_language(folder))])
    (folder / "Other.toml").write_text('answer_placeholder = "B"\n')
    with pytest.raises(UserError, match="answer_placeholder differs"):
        load_language(folder)


def test_given_cells_are_locked_and_the_students_cells_are_not() -> None:
    """As nbgrader does: Jupyter will not edit or delete a given cell; the cell with
    student markers, the answer cell and a host's setup cell stay open to the student."""
    notebook = master()
    notebook.cells.insert(0, cell("code", "colab-first-cell", "FOLDERNAME = None"))
    steps = [RemoveTaggedCells(), StripMarkers(), LockGivenCells(open_ids=("colab-first-cell",)),
             ReplaceAnswers(PLACEHOLDER), ClearOutputs(), CleanMetadata()]
    cells = by_id(student(notebook, steps))
    for locked in ("intro", "run", "question"):
        assert cells[locked].metadata["editable"] is False, locked
        assert cells[locked].metadata["deletable"] is False, locked
    for open_cell in ("colab-first-cell", "work", "answer"):
        assert "editable" not in cells[open_cell].metadata, open_cell
        assert "deletable" not in cells[open_cell].metadata, open_cell
