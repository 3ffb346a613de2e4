"""The daily limit, read from Gradescope's submission metadata (times, zones, bad files)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from gradekit.config import time_zone
from gradekit.grading.daily_limit import limit_notice

UTC = dt.timezone.utc


def metadata(path: Path, created: str, previous: list[tuple[str, str | None]]) -> Path:
    entries = []
    for when, mode in previous:
        extra = {} if mode is None else {"mode": mode}
        entries.append({"submission_time": when, "results": {"extra_data": extra}})
    path.write_text(json.dumps({"created_at": created, "previous_submissions": entries}))
    return path


def test_full_grades_of_the_same_day_count(tmp_path: Path) -> None:
    day = "2026-12-06T"
    path = metadata(tmp_path / "m.json", day + "20:00:00+00:00",
                    [(day + "08:00:00+00:00", "hidden"), (day + "09:00:00+00:00", None),
                     (day + "10:00:00+00:00", "public"), ("2026-12-05T23:00:00+00:00", "hidden")])
    assert limit_notice(path, 3, UTC) == ""
    notice = limit_notice(path, 2, UTC)
    assert notice.startswith("Daily limit reached: 2 of your submissions today")
    assert "2026-12-07 00:00 (UTC)" in notice and "gradekit check" in notice


def test_days_are_the_configured_zones(tmp_path: Path) -> None:
    """07:00 UTC on the 6th is still the 5th in Los Angeles, as the earlier grade (23:00 UTC
    on the 5th) was."""
    path = metadata(tmp_path / "m.json", "2026-12-06T07:00:00Z",
                    [("2026-12-05T15:00:00-08:00", "hidden")])
    assert limit_notice(path, 1, UTC) == ""
    assert limit_notice(path, 1, time_zone("America/Los_Angeles")).startswith("Daily limit")


def test_unreadable_metadata_never_limits(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    for text in ("{", "[]", '{"created_at": "yesterday"}', '{"created_at": 5}',
                 '{"created_at": "2026-12-06T07:00:00Z", "previous_submissions": [1, null, '
                 '{"submission_time": []}]}'):
        bad.write_text(text)
        assert limit_notice(bad, 1, UTC) == "", text
    assert limit_notice(tmp_path / "missing.json", 1, UTC) == ""
