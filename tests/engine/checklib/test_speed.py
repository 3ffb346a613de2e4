"""The clearly-faster verdict: its decision on scripted timings, and on toy functions
timed in a real sandbox (the verdict is asserted, never a time)."""

from __future__ import annotations

import statistics
import textwrap

import numpy as np
import pytest

from gradekit.checklib import (PairedTimes, Race, SpeedRule, clearly_faster, pair_order,
                               race_functions, split_pairs)
from gradekit.sandbox.controller import Sandbox

RULE = SpeedRule(pass_at=1.05, fail_at=0.85, decide_at=0.97, first=3, more=5, warm_up=1)


def scripted(*ratios):
    """A repeat giving pairs (1, ratio) in turn, recording how it was called."""
    calls = []

    def repeat(counted):
        calls.append(counted)
        ratio = ratios[min(len(calls) - 1, len(ratios) - 1)]
        return [(1.0, ratio), (1.0, ratio)]
    return repeat, calls


def test_a_clearly_faster_first_batch_passes_without_more_runs():
    repeat, calls = scripted(9.0, 2.0, 2.0, 0.5)
    verdict = clearly_faster(repeat, RULE)
    assert verdict.passed and not verdict.extended
    # the warm-up is not counted; 4 of the batch's 6 pairs passing settle its median
    assert calls == [False, True, True]
    assert len(verdict.times.a) == 4 and verdict.ratio == 2.0


def test_a_clearly_slower_first_batch_fails_without_more_runs():
    verdict = clearly_faster(scripted(0.5)[0], RULE)
    assert not verdict.passed and not verdict.extended


def test_an_undecided_first_batch_runs_more_and_decides_on_all_pairs():
    # 6 pairs at 1.0, then 6 at 0.9: open until the last repeat's 0.99s settle it
    repeat, calls = scripted(1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.99)
    verdict = clearly_faster(repeat, RULE)
    assert verdict.extended and verdict.passed  # median 0.99 >= decide_at
    assert len(calls) == 1 + RULE.first + RULE.more
    slower = clearly_faster(scripted(1.0, 0.9)[0], RULE)
    assert slower.extended and not slower.passed


def verdict_of_all(ratios, rule):
    """The rule applied to every pair of the two batches, none left out."""
    first = ratios[:2 * rule.first]
    median = statistics.median(first)
    if median >= rule.pass_at or median <= rule.fail_at:
        return median >= rule.pass_at, False
    return statistics.median(ratios) >= rule.decide_at, True


def test_stopping_once_settled_gives_the_verdict_of_every_pair():
    rng = np.random.default_rng(7)
    stopped_early = 0
    for _ in range(3000):
        centre = rng.choice([0.5, 0.85, 0.9, 0.97, 1.0, 1.05, 1.2, 2.0])
        spread = rng.choice([0.0, 0.02, 0.1, 0.4])
        ratios = [float(r) for r in np.round(centre + spread * rng.standard_normal(
            2 * (RULE.first + RULE.more)), 2)]
        pairs = iter(ratios)
        verdict = clearly_faster(lambda counted: [(1.0, next(pairs)), (1.0, next(pairs))]
                                 if counted else [], RULE)
        assert (verdict.passed, verdict.extended) == verdict_of_all(ratios, RULE), ratios
        stopped_early += len(verdict.times.a) < (2 * RULE.first if not verdict.extended
                                                 else len(ratios))
    assert stopped_early > 1000  # most batches are settled before their last pair


def test_one_slow_pair_cannot_flip_the_median():
    times = PairedTimes()
    times.add([(1.0, 2.0)] * 5 + [(50.0, 2.0)])
    assert times.ratio == 2.0


def test_the_race_can_stop_after_the_first_batch():
    race = Race(scripted(1.0)[0], RULE)
    race.start()
    assert len(race.times.a) == 2 * RULE.first


def test_pairs_are_interleaved_and_split_in_order():
    assert pair_order(0, "a", "b") == ["a", "b", "b", "a"]
    assert pair_order(1, "a", "b") == ["b", "a", "a", "b"]
    assert split_pairs(["b", "a", "a", "b"], [1, 2, 3, 4], "a") == [(2, 1), (3, 4)]


TOY = '''
import numpy as np

def vectorized(x):
    return float(np.sum(x * x))

def looped(x):
    total = 0.0
    for value in x.tolist():
        total += value * value
    return total
'''


@pytest.fixture
def toy_sandbox(tmp_path):
    (tmp_path / "toy.py").write_text(textwrap.dedent(TOY))
    box = Sandbox(tmp_path, user=None)
    box.wait_ready()
    yield box
    box.close()


def test_a_vectorized_function_is_clearly_faster_than_a_loop_and_not_the_reverse(toy_sandbox):
    rng = np.random.default_rng(0)
    rule = SpeedRule(first=3, more=3)

    def make_args():
        return (rng.standard_normal(50_000),)
    assert race_functions(toy_sandbox, "toy", "vectorized", "looped", make_args, rule).passed
    assert not race_functions(toy_sandbox, "toy", "looped", "vectorized", make_args,
                              rule).passed
