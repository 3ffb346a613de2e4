"""A notebook's schema check (gradekit.grading.notebook.schema) refuses what
``nbformat.validate`` refuses, with nbformat's message, and takes what it takes."""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any, Callable

import nbformat
import pytest

from gradekit.grading.notebook.reading import NotebookUnreadable, parse_notebook
from gradekit.grading.notebook.schema import schema_check
from tests.support.paths import REPO

MASTERS = sorted((REPO / "assignment").glob("*/*.ipynb"))


def _cells(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [cell for cell in document["cells"] if cell["cell_type"] == kind]


def _with_output(document: dict[str, Any], output: dict[str, Any]) -> None:
    _cells(document, "code")[0]["outputs"] = [output]


CHANGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "as it is": lambda d: None,
    "a code cell without outputs": lambda d: _cells(d, "code")[0].pop("outputs"),
    "a markdown cell with outputs": lambda d: _cells(d, "markdown")[0].update(outputs=[]),
    "a cell without source": lambda d: d["cells"][0].pop("source"),
    "a source that is a number": lambda d: d["cells"][0].update(source=3),
    "an unknown cell type": lambda d: d["cells"][0].update(cell_type="answer"),
    "an execution count in words": lambda d: _cells(d, "code")[0].update(
        execution_count="one"),
    "a stream named stdlog (taken: the schema has no list of names)": lambda d: _with_output(
        d, {"output_type": "stream", "name": "stdlog", "text": "x"}),
    "a stream without text": lambda d: _with_output(
        d, {"output_type": "stream", "name": "stdout"}),
    "an unknown output type": lambda d: _with_output(d, {"output_type": "picture"}),
    "display data without data": lambda d: _with_output(
        d, {"output_type": "display_data", "metadata": {}}),
    "an error without a traceback": lambda d: _with_output(
        d, {"output_type": "error", "ename": "E", "evalue": "v"}),
    "a valid stream output": lambda d: _with_output(
        d, {"output_type": "stream", "name": "stdout", "text": ["a\n", "b"]}),
    "cell metadata that is a list": lambda d: d["cells"][0].update(metadata=[]),
    "a cell id with a space": lambda d: d["cells"][0].update(id="two words"),
    "a cell id of 65 characters": lambda d: d["cells"][0].update(id="a" * 65),
    "two cells with one id (taken: nbformat repairs its copy)": lambda d: d["cells"][1].update(
        id=d["cells"][0]["id"]),
    "an extra key in a cell": lambda d: d["cells"][0].update(grade=10),
    "an extra top-level key": lambda d: d.update(answers=[]),
    "no notebook metadata": lambda d: d.pop("metadata"),
    "a kernelspec without a name": lambda d: d["metadata"].update(
        kernelspec={"display_name": "Python 3"}),
    "an attachment that is text": lambda d: _cells(d, "markdown")[0].update(
        attachments={"a.png": "not a bundle"}),
}


def verdict(check: Callable[[dict[str, Any]], None], document: dict[str, Any]) -> str:
    """'' when taken, else the first line of the refusal's message."""
    try:
        with warnings.catch_warnings():  # as reading.py: nbformat warns of ids it repairs
            warnings.simplefilter("ignore")
            check(copy.deepcopy(document))
    except Exception as error:  # noqa: BLE001 - both validators raise their own types
        return (str(error).strip().splitlines() or [type(error).__name__])[0]
    return ""


@pytest.mark.parametrize("minor", [4, 5])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_schema_check_gives_nbformats_verdict(change, minor):
    for master in MASTERS[:3]:
        document = json.loads(master.read_text(encoding="utf-8"))
        document["nbformat_minor"] = minor
        if minor < 5:
            for cell in document["cells"]:
                cell.pop("id", None)
        if minor < 5 and "id" in change:
            continue
        CHANGES[change](document)
        ours = verdict(schema_check(minor), document)
        theirs = verdict(lambda d: nbformat.validate(d, version=4, version_minor=minor),
                         document)
        assert ours == theirs, master.name


def test_the_cases_include_refusals_and_acceptances():
    document = json.loads(MASTERS[0].read_text(encoding="utf-8"))
    verdicts = {}
    for change, apply in CHANGES.items():
        changed = copy.deepcopy(document)
        apply(changed)
        verdicts[change] = verdict(schema_check(5), changed)
    refused = [change for change, said in verdicts.items() if said]
    assert not verdicts["as it is"] and not verdicts["a valid stream output"]
    assert len(refused) >= 15, verdicts


def test_a_refused_notebook_is_unreadable_with_the_schemas_words():
    document = json.loads(MASTERS[0].read_text(encoding="utf-8"))
    _with_output(document, {"output_type": "picture"})
    with pytest.raises(NotebookUnreadable, match=r"is not a valid notebook \(nbformat: "
                                                 r"\{'output_type': 'picture'\} is not valid"):
        parse_notebook(json.dumps(document).encode())


def test_a_minor_version_without_its_own_schema_goes_to_nbformat():
    document = json.loads(MASTERS[0].read_text(encoding="utf-8"))
    document["nbformat_minor"] = 9
    document["cells"][0]["future_key"] = True  # a newer format's key: nbformat relaxes
    assert verdict(schema_check(9), document) == verdict(
        lambda d: nbformat.validate(d, version=4, version_minor=9), document)
