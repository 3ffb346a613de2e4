"""The garbage collector's pace during a grade (gradekit.grading.garbage)."""

from __future__ import annotations

import gc

import pytest

from gradekit.grading.garbage import OLDER_THRESHOLD, YOUNG_THRESHOLD, collecting_less_often


def test_the_pace_holds_for_the_block_and_is_put_back_after() -> None:
    before = gc.get_threshold()
    assert before[0] < YOUNG_THRESHOLD
    with collecting_less_often():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
    assert gc.get_threshold() == before


def test_the_pace_is_put_back_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_less_often():
        raise RuntimeError("a grade that failed")
    assert gc.get_threshold() == before


def test_grades_side_by_side_share_the_pace_until_the_last_ends() -> None:
    before = gc.get_threshold()
    first, second = collecting_less_often(), collecting_less_often()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first grade ends while the second runs
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_fewer_young_collections_run_inside_the_block() -> None:
    counted = []

    def count(what: str, info: dict) -> None:
        if what == "stop" and info["generation"] == 0:
            counted.append(1)

    def churn() -> int:
        gc.collect()  # every generation's count back to 0
        counted.clear()
        gc.callbacks.append(count)
        try:
            [[i] for i in range(20_000)]  # 20,000 young containers
        finally:
            gc.callbacks.remove(count)
        return len(counted)

    default = churn()
    with collecting_less_often():
        fewer = churn()
    assert default >= 10 and fewer <= 2
