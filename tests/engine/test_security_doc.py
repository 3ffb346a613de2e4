"""docs/SECURITY.md names the tests that prove each guarantee: every one must exist."""

from __future__ import annotations

import re

from tests.support.paths import REPO

DOC = REPO / "docs" / "SECURITY.md"


def test_every_test_the_security_doc_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named, current = [], None
    for match in re.finditer(r"`(?P<file>[a-z_/]+/test_\w+\.py)?(?P<test>::\w+)?`", text):
        current = match["file"] or current
        if match["file"] or match["test"]:
            named.append((current, match["test"]))
    assert len(named) > 20, "the document names the tests behind its lines"
    for file, test in named:
        path = REPO / "tests" / "engine" / file
        assert path.is_file(), f"docs/SECURITY.md names {file}, which does not exist"
        if test:
            assert f"def {test[2:]}(" in path.read_text(encoding="utf-8"), f"{file}{test}"
