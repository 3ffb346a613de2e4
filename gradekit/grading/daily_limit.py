"""At most N fully graded submissions per student per day, read from Gradescope's metadata.

Gradescope puts ``submission_metadata.json`` beside the submission: ``created_at`` (this
submission's time) and ``previous_submissions``, each with its ``submission_time`` and the
``results`` its grade wrote. A previous submission counts when it was graded in full:
its results say ``extra_data.mode`` is ``"hidden"`` (or say no mode: graded before the
limit existed). Days are calendar days in the configured time zone.

Beyond the limit, the submission is graded by the public checks only, with a note saying
so and when the next full grade is possible: the autograder stays a way to test, not an
oracle to search the hidden checks with.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

MAX_METADATA_BYTES = 16 * 1024 * 1024
"""Largest metadata read (a student with hundreds of submissions is far below)."""
FULL_MODE = "hidden"


def limit_notice(metadata_path: Path, limit: int, zone: _dt.tzinfo) -> str:
    """The note for a submission beyond ``limit`` full grades today ('' when within it, or
    when the metadata cannot be read: a grade is never refused on a file it cannot read)."""
    try:
        if metadata_path.stat().st_size > MAX_METADATA_BYTES:
            return ""
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        now = _when(metadata["created_at"]).astimezone(zone)
        previous = metadata.get("previous_submissions") or []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    used = sum(1 for entry in previous if _full_grade_on(entry, now.date(), zone))
    if used < limit:
        return ""
    tomorrow = _dt.datetime.combine(now.date() + _dt.timedelta(days=1), _dt.time(),
                                    tzinfo=zone)
    return (f"Daily limit reached: {used} of your submissions today were graded in full "
            f"(the limit is {limit} a day), so this one ran the public checks only. The "
            f"next full grade is possible from {tomorrow:%Y-%m-%d %H:%M} "
            f"({tomorrow.tzname()}); until then, test with `python -m gradekit check`.")


def _full_grade_on(entry: Any, day: _dt.date, zone: _dt.tzinfo) -> bool:
    if not isinstance(entry, dict):
        return False
    try:
        when = _when(entry["submission_time"]).astimezone(zone)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    results = entry.get("results")
    extra = results.get("extra_data") if isinstance(results, dict) else None
    mode = extra.get("mode", FULL_MODE) if isinstance(extra, dict) else FULL_MODE
    return when.date() == day and mode == FULL_MODE


def _when(text: str) -> _dt.datetime:
    """A Gradescope time (ISO 8601 with an offset; a bare time is taken as UTC)."""
    when = _dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo is not None else when.replace(tzinfo=_dt.timezone.utc)
