"""Validate a results.json document against tests/results_schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from tests.support.paths import REPO

SCHEMA = json.loads((REPO / "tests" / "support" / "results_schema.json").read_text())


def validate(document: dict) -> dict:
    """Raise jsonschema.ValidationError unless ``document`` is a valid results.json;
    also check each test's score is within its max and the total adds up."""
    jsonschema.validate(document, SCHEMA)
    for test in document["tests"]:
        assert test["score"] <= test["max_score"] + 1e-9, test
    total = sum(test["score"] for test in document["tests"])
    assert abs(document["score"] - total) < 1e-6 or document["score"] == 0, document["score"]
    return document
