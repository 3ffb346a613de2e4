"""Is A clearly faster than B? A verdict from paired, interleaved CPU timings that noise
cannot flip.

How it is measured. A and B run in the same worker, in pairs, interleaved (A, B, B, A,
then B, A, A, B, ...: neither side is always first), each call timed with the worker's
CPU clock read by the controller from outside the worker (``measure_cpu=True``, see
:mod:`gradekit.sandbox.timing`): nothing student code does inside its process can change
the clock. The figure is the median over pairs of time(B) / time(A): how many times
faster A is. Medians of pairs shrug off the odd slow call (a page fault, a busy machine).

How it is decided (:class:`SpeedRule`). One call varies by about 10% from the next, so a
single threshold would flip verdicts near it. A first batch of pairs passes at
``pass_at`` or above and fails at ``fail_at`` or below; in between (undecided) ``more``
repeats are run and the median of all pairs must reach ``decide_at``. Set ``pass_at``
above the noise of equal functions and ``fail_at`` below it: equal code then gets an
extended run, a clearly faster A passes at once, a clearly slower one fails at once.

A batch stops as soon as its verdict is settled: when more than half of the pairs it
will hold are already on one side of its threshold, its median is on that side whatever
the remaining pairs measure (:func:`settled`), so they are not run. The verdict is the
one the whole batch would give; only the figure shown is a median of fewer pairs.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Callable, Iterable

from gradekit.checklib.callstudent import remote_constant
from gradekit.checklib.parts import fail
from gradekit.sandbox.controller import StudentException
from gradekit.sandbox.phases import phase

SPEED_PHASE = "speed verdicts"
"""The profile phase (:mod:`gradekit.sandbox.phases`) a race's timed calls are counted in."""


@dataclass(frozen=True)
class SpeedRule:
    """Thresholds on the median of time(B) / time(A), and how many repeats to run."""

    pass_at: float = 1.05
    """The first batch passes at or above this ..."""
    fail_at: float = 0.85
    """... and fails at or below this."""
    decide_at: float = 0.97
    """All pairs, when the first batch was undecided, must reach this."""
    first: int = 6
    """Repeats in the first batch (after the warm-up)."""
    more: int = 24
    """Repeats added when the first batch is undecided."""
    warm_up: int = 1
    """Repeats run first and not counted."""


@dataclass
class PairedTimes:
    """CPU seconds of A and of B, call by call, paired in order."""

    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)

    def add(self, pairs: Iterable[tuple[float, float]]) -> None:
        for a, b in pairs:
            self.a.append(a)
            self.b.append(b)

    @property
    def ratios(self) -> list[float]:
        """time(B) / time(A) of each pair, in order."""
        return [b / max(a, 1e-9) for b, a in zip(self.b, self.a)]

    @property
    def ratio(self) -> float:
        """Median over pairs of time(B) / time(A): how many times faster A is."""
        return statistics.median(self.ratios)


@dataclass
class SpeedVerdict:
    """Whether A was clearly faster than B, and on what it was based."""

    times: PairedTimes
    passed: bool
    extended: bool
    """The first batch was undecided and more pairs were run."""

    @property
    def ratio(self) -> float:
        return self.times.ratio


def pair_order(index: int, a, b) -> list:
    """The order of the two pairs of repeat ``index``: a, b, b, a or b, a, a, b."""
    return [a, b, b, a] if index % 2 == 0 else [b, a, a, b]


def split_pairs(order: list, seconds: list[float], a) -> list[tuple[float, float]]:
    """The (A, B) pairs of one repeat, from its calls' ``order`` and their ``seconds``."""
    side_a = [s for who, s in zip(order, seconds) if who == a]
    side_b = [s for who, s in zip(order, seconds) if who != a]
    return list(zip(side_a, side_b))


def settled(ratios: list[float], total: int, fail_at: float, pass_at: float) -> bool:
    """Whether the median of ``total`` ratios, of which ``ratios`` are known, is already
    at or below ``fail_at`` or at or above ``pass_at``, whatever the unknown ones are: it
    is once more than half of the ``total`` are. (Both middle values of the sorted ratios
    are then on that side, and so is their mean.)
    """
    majority = total // 2 + 1
    return (sum(r >= pass_at for r in ratios) >= majority
            or sum(r <= fail_at for r in ratios) >= majority)


class Race:
    """A clearly-faster decision over repeats of interleaved pairs.

    ``repeat(counted)`` runs one repeat (its calls ordered by :func:`pair_order`) and
    returns its (A seconds, B seconds) pairs; ``counted`` is False for the warm-up.
    Every repeat gives as many pairs. :meth:`start` runs the warm-up and the first batch;
    :meth:`decide` extends an undecided first batch and gives the verdict. Each batch
    stops once its verdict is settled (:func:`settled`). (A check may look at the first
    batch's timings between the two, or stop there.)
    """

    def __init__(self, repeat: Callable[[bool], Iterable[tuple[float, float]]],
                 rule: SpeedRule = SpeedRule(), times: PairedTimes | None = None) -> None:
        self.repeat, self.rule = repeat, rule
        self.times = times if times is not None else PairedTimes()

    def run(self, repeats: int, fail_at: float, pass_at: float) -> None:
        """Up to ``repeats`` counted repeats: fewer once the median of all the pairs
        they would bring is settled against ``fail_at`` and ``pass_at``."""
        for done in range(1, repeats + 1):
            pairs = list(self.repeat(True))
            self.times.add(pairs)
            total = len(self.times.a) + (repeats - done) * len(pairs)
            if settled(self.times.ratios, total, fail_at, pass_at):
                return

    def start(self) -> None:
        rule = self.rule
        with phase(SPEED_PHASE):
            for _ in range(rule.warm_up):
                self.repeat(False)
            self.run(rule.first, rule.fail_at, rule.pass_at)

    def decide(self) -> SpeedVerdict:
        rule = self.rule
        extended = rule.fail_at < self.times.ratio < rule.pass_at
        if extended:
            with phase(SPEED_PHASE):  # fails below decide_at: at or below the float under it
                self.run(rule.more, math.nextafter(rule.decide_at, -math.inf), rule.decide_at)
        passed = self.times.ratio >= (rule.decide_at if extended else rule.pass_at)
        return SpeedVerdict(self.times, passed, extended)


def clearly_faster(repeat: Callable[[bool], Iterable[tuple[float, float]]],
                   rule: SpeedRule = SpeedRule(), times: PairedTimes | None = None
                   ) -> SpeedVerdict:
    """Whether A is clearly faster than B (see :class:`Race` for ``repeat``)."""
    race = Race(repeat, rule, times)
    race.start()
    return race.decide()


def timed_call(student, function, *args, timeout: float = 3.0, what: str = ""):
    """Call a handle in the worker with its CPU time read from outside; the result keeps
    the value in the worker (``.value`` is a handle) and has ``.cpu_seconds``."""
    try:
        return student.call(function, *args, keep=True, echo=False, measure_cpu=True,
                            timeout=timeout)
    except StudentException as error:
        fail(f"{what or getattr(function, 'name', function)}: {error}")


def race_functions(student, module: str, a: str, b: str, make_args: Callable[[], tuple],
                   rule: SpeedRule = SpeedRule(), timeout: float = 3.0) -> SpeedVerdict:
    """Is ``module.a`` clearly faster than ``module.b`` in the student's worker?

    Both are read once as handles; every call gets fresh arguments from ``make_args()``
    (so neither side can hand its result to the other) and is timed with
    :func:`timed_call`. For checks whose two sides share setup, write the repeat
    yourself and use :class:`Race`.
    """
    handle = remote_constant(student, "importlib.import_module", module)
    functions = {name: student.getattr(handle, name, keep=True, timeout=timeout)
                 for name in (a, b)}
    count = [0]

    def repeat(counted: bool):
        order = pair_order(count[0], a, b)
        count[0] += 1
        seconds = [timed_call(student, functions[name], *make_args(), timeout=timeout,
                              what=f"{name} (the speed check)").cpu_seconds
                   for name in order]
        return split_pairs(order, seconds, a)

    return clearly_faster(repeat, rule)
