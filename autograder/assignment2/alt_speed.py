"""Is the student's batchnorm_backward_alt a closed form, faster than their own staged one?

What is compared. The yardstick is the student's OWN ``batchnorm_backward`` (spec §8: a
closed form that is 0.82-1.07x of a well-written staged backward such as the
reference's can still be clearly faster than its author's). Both run in the worker on
the same cache, interleaved (alt, staged, staged, alt, then the reverse), each call on a
dout of its own and timed with the worker's CPU clock read from outside it
(``measure_cpu=True``). The figure is the median over pairs of staged time / alt time.
The reference's staged backward is a second figure, for the message only: it is timed
in the controller while the worker is stopped (``Sandbox.frozen``), so nothing the worker
does can slow it.

What decides. Measured here (bench/bench_alt_speed.py), student closed forms come out at
1.05-2.1x their own staged backward: some staged backwards are nearly as lean as the
closed form (corpus b08: median 1.08x), while one call varies by about 10% from the next
and copies measure 0.9-1.1x, so no timing threshold tells a closed form 5% faster than
its staged backward from a copy at the error rates wanted. Hence what can be decided
without a clock is decided without one, and never from names:

- a copy is recognised by what it does: the alt's dx is compared bit for bit with the
  staged backward's on the same inputs (different arithmetic rounds differently in most of
  the 300k entries; a copy, or a call of the other function, rounds the same everywhere).
  Its source is read (never run) to say which it is, and to find a copy under other names
  or a call of ``batchnorm_backward``;
- an alt whose data flow is the chain rule's (:mod:`alt_structure`: dx built from a sum
  over the batch of terms that already hold one, or from a sum of the input's own terms)
  fails, whatever its speed and its names;
- a staged backward that raises or gives wrong values is no yardstick: the alt is then
  judged by the two rules above alone, and the staged backward's bug is charged in its
  own check only;
- otherwise the timing fails an alt that is clearly slower than the staged backward (a
  closed form redone in loops: 0.3x): a first batch of pairs passes at ``PASS_AT`` or
  above and fails at ``FAIL_AT`` or below; in between more pairs are run and the median
  of all of them must reach ``DECIDE_AT`` (each batch stops once its median is settled,
  :class:`gradekit.checklib.Race`). With copies and the chain rule decided without
  a clock, the thresholds sit well below every student closed form measured (1.02x at
  the least, under load), so timing noise does not change a verdict; the inputs come
  from the check's seeded ``rng``.

What is timed, and why nothing else can help. Student code may do anything inside its
process (replace ``functools.partial``, patch numpy or the engine's own decoder, run a
timer's signal handler while it waits), so:

- dout reaches the worker only as an argument of the timed call itself: no untimed code
  (the forward, a replaced binder, a patched decoder) ever sees it. Decoding it is timed,
  the same for both sides; ``echo=False`` spares both the cost of sending the arguments
  back.
- the alt and the staged backward are called directly, as handles read from the module
  (``getattr``); nothing is bound to them by an untimed call.
- the cache comes from the student's forward, run untimed before dout exists in the
  worker: what it precomputes cannot depend on dout, so it is cache design, and the
  staged backward reads the same cache. Timing the forward as well would only add the
  same amount to both sides.
- each call has its own dout, so neither side can hand its result to the other.
- the value stays in the worker until the clock has stopped; the fingerprint taken in
  the timed call shows it was final when fetched. The window ends when the worker
  blocks reading its next request; threads are refused.

Both sides carry the same fixed cost (the call, decoding dout, the fingerprint), about a
quarter of a closed form's time here, which pulls every ratio towards 1.
"""

from __future__ import annotations

import ast
import dataclasses
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alt_structure import restated
from checklib import LAYERS, LAYERS_PY, bn_param
from gradekit.checklib import (PairedTimes, Race, SpeedRule, array, check_number, fail,
                               outputs, pair_order, remote_constant, scaled_error, split_pairs)
from gradekit.checklib.source import called_names, code_shape, functions, parse, read_source
from gradekit.sandbox.controller import StudentException

SHAPE = (384, 768)    # a staged backward takes 1.5-2.5 ms here (in the sandbox), an alt 1-2
FIRST_REPEATS = 6     # of two pairs each (the probe, one untimed call of each, warms up)
MORE_REPEATS = 24     # added when the first batch is undecided (60 pairs in all)
# Own staged time / alt time, fixed costs included. Per check under two CPU hogs (bench/
# bench_alt_speed.py, 100 checks each): twelve student closed forms 1.05-2.06 (medians
# 1.08 for b08 to 1.91 for b01), copies and calls of the staged backward 0.89-1.12, the
# chain rule restated 0.73-1.16 (both decided without a clock), a closed form in loops 0.32.
PASS_AT = 0.95        # the first batch passes at or above this
FAIL_AT = 0.7         # ... and fails at or below this
DECIDE_AT = 0.85      # all pairs, when the first batch is undecided
RULE = SpeedRule(pass_at=PASS_AT, fail_at=FAIL_AT, decide_at=DECIDE_AT, first=FIRST_REPEATS,
                 more=MORE_REPEATS, warm_up=0)
TIMEOUT = 3.0
LABELS = ("dx", "dgamma", "dbeta")
ALT, STAGED = "batchnorm_backward_alt", "batchnorm_backward"
SAME_RESULT = "its dx is bit for bit that of batchnorm_backward"
STAGED_CHECK = check_number("test_batchnorm_backward.py::test_batchnorm_backward")


@dataclass
class Timings(PairedTimes):
    """CPU seconds per call of the student's alt (A) and staged backward (B), paired; and
    of the reference's staged backward (timed once per repeat, listed once per pair).
    ``ratio`` is the median over pairs of staged / alt (how much faster the alt is)."""

    reference: list[float] = field(default_factory=list)

    @property
    def alt(self) -> list[float]:
        return self.a

    @property
    def staged(self) -> list[float]:
        return self.b

    @property
    def versus_reference(self) -> float:
        """Median over pairs of reference staged / alt."""
        return statistics.median(r / max(a, 1e-9) for r, a in zip(self.reference, self.alt))


@dataclass
class Speedup:
    """The verdict of one check and what it was based on."""

    timings: Timings
    passed: bool
    extended: bool           # the first batch was undecided, more pairs were run
    copy: str | None = None  # how the alt was recognised as the staged backward itself
    restated: str | None = None  # how its data flow shows the chain rule
    no_yardstick: str | None = None  # why the staged backward could not be timed against

    @property
    def ratio(self) -> float:
        return self.timings.ratio

    def summary(self) -> str:
        t = self.timings
        ms = lambda values: f"{statistics.median(values) * 1e3:.2f} ms"  # noqa: E731
        return (f"your batchnorm_backward_alt {ms(t.alt)}, your batchnorm_backward "
                f"{ms(t.staged)}: the alt {t.ratio:.2f}x as fast (median of {len(t.alt)} "
                f"paired runs on {SHAPE[0]}x{SHAPE[1]} inputs, CPU time in the sandbox, "
                f"each run with the same fixed cost of the call included); the reference's "
                f"staged backward {ms(t.reference)}, {t.versus_reference:.2f}x your alt's "
                f"time")

    def message(self) -> str:
        if self.no_yardstick:
            return (f"Passed: your batchnorm_backward_alt is right and is neither a copy of "
                    f"batchnorm_backward nor the chain rule restated; its speed was not "
                    f"compared, because {self.no_yardstick} (charged in check {STAGED_CHECK} "
                    f"only).")
        if self.restated:
            return (f"batchnorm_backward_alt restates the staged backward's chain rule: "
                    f"{self.restated}. Write "
                    f"dx in the simplified closed form: its only sums over the batch are "
                    f"dbeta and dgamma (or the same sums of dout * gamma); reuse them.")
        if self.passed:
            return f"Passed: {self.summary()}."
        if self.copy:
            return (f"batchnorm_backward_alt restates batchnorm_backward: {self.summary()}. "
                    f"This looks like: an \"alternative\" backward that is a copy of the "
                    f"staged one ({self.copy}). Write dx in the simplified closed form: "
                    f"its only sums over the batch are dbeta and dgamma; reuse them.")
        rule = (f"{DECIDE_AT}x or more over all runs" if self.extended
                else f"{PASS_AT}x or more")
        return (f"batchnorm_backward_alt is slower than your batchnorm_backward: "
                f"{self.summary()}; expected {rule} against your own staged backward. "
                f"The closed form needs fewer passes over the (N, D) arrays: its only sums "
                f"over the batch are dbeta and dgamma; reuse them, and avoid loops.")


def _inputs(rng, douts: int):
    """x, gamma, beta and ``douts`` upstream gradients (uniform draws: fast to make)."""
    d = SHAPE[1]
    x = rng.uniform(-3, 3, d) + rng.uniform(0.5, 4, d) * rng.uniform(-1.7, 1.7, SHAPE)
    gamma, beta = rng.uniform(0.5, 2, d), rng.uniform(-1, 1, d)
    return x, gamma, beta, [rng.uniform(-1.7, 1.7, SHAPE) for _ in range(douts)]


class _Run:
    """The handles and the timings of one measurement."""

    def __init__(self, student, ref_layers, timeout: float) -> None:
        self.student, self.ref_layers, self.timeout = student, ref_layers, timeout
        module = remote_constant(student, "importlib.import_module", LAYERS.rstrip("."))
        self.functions = {name: student.getattr(module, name, keep=True, timeout=timeout)
                          for name in ("batchnorm_forward", STAGED, ALT)}
        self.timings = Timings()
        self.repeats = 0

    def call(self, name: str, *args, timed: bool = False, keep: bool = True):
        try:
            return self.student.call(self.functions[name], *args, keep=keep, echo=False,
                                     measure_cpu=timed, timeout=self.timeout)
        except StudentException as error:
            fail(f"{name} on {SHAPE[0]}x{SHAPE[1]} inputs (the speed check): {error}")

    def cache(self, x, gamma, beta):
        made = self.call("batchnorm_forward", x, gamma, beta, bn_param()).value
        return self.student.call((made, "__getitem__"), 1, keep=True, echo=False,
                                 timeout=self.timeout).value

    def probe(self, rng) -> Probe:
        """One untimed call of each backward on the same inputs, judged against the
        reference: the alt must be right; the staged backward is only looked at."""
        x, gamma, beta, (dout,) = _inputs(rng, 1)
        cache = self.cache(x, gamma, beta)
        with self.student.frozen():  # nothing of the worker's runs beside the reference
            ref_cache = self.ref_layers.batchnorm_forward(x, gamma, beta, bn_param())[1]
            expected = self.ref_layers.batchnorm_backward(dout, ref_cache)
        alt = self.call(ALT, dout, cache, keep=False).value
        _verify(ALT, alt, expected)
        try:
            staged = self.student.call(self.functions[STAGED], dout, cache, keep=False,
                                       echo=False, timeout=self.timeout).value
        except StudentException as error:
            return Probe(False, f"your batchnorm_backward raised {error}")
        if _error(staged, expected) > 1e-8:
            return Probe(False, "your batchnorm_backward gives wrong gradients")
        staged_dx, alt_dx = staged[0], alt[0]
        same = (isinstance(staged_dx, np.ndarray) and isinstance(alt_dx, np.ndarray)
                and staged_dx.shape == alt_dx.shape and staged_dx.dtype == alt_dx.dtype
                and bool(np.array_equal(staged_dx, alt_dx)))
        return Probe(same, None)

    def repeat(self, rng, counted: bool = True) -> list[tuple[float, float]]:
        """Two pairs of timed calls on one cache, each call with a dout of its own.

        The order is alt, staged, staged, alt or the reverse, alternately, so neither
        side is always first. The reference's staged backward is timed on the first
        dout (while the worker is stopped); the reference gives the expected result of
        each alt call. Returns the (alt, staged) CPU seconds of the two pairs.
        """
        x, gamma, beta, douts = _inputs(rng, 4)
        cache = self.cache(x, gamma, beta)
        order = pair_order(self.repeats, ALT, STAGED)
        self.repeats += 1
        timed = [self.call(name, dout, cache, timed=True) for name, dout in zip(order, douts)]
        with self.student.frozen():
            ref_cache = self.ref_layers.batchnorm_forward(x, gamma, beta, bn_param())[1]
            start = time.thread_time()
            first = self.ref_layers.batchnorm_backward(douts[0], ref_cache)
            ref_time = time.thread_time() - start
            expected = {0: first} if order[0] == ALT else {}
            expected.update({i: self.ref_layers.batchnorm_backward_alt(douts[i], ref_cache)
                             for i, name in enumerate(order) if name == ALT and i > 0})
        for i, want in expected.items():
            _verify(ALT, self.student.fetch(timed[i].value, timeout=self.timeout), want)
        if counted:
            self.timings.reference += [ref_time, ref_time]
        return split_pairs(order, [result.cpu_seconds for result in timed], ALT)


@dataclass(frozen=True)
class Probe:
    """What one untimed call of each backward showed."""

    same: bool                # the alt's dx is bit for bit the staged backward's
    no_yardstick: str | None  # why the staged backward cannot be timed against


def _verify(name: str, grads, expected) -> None:
    """Fail unless ``grads`` are the expected (dx, dgamma, dbeta)."""
    grads = outputs(grads, name, LABELS)
    for label, value, want in zip(LABELS, grads, expected):
        value = array(value, f"{name} {label}", want.shape, reshape=True)
        error = scaled_error(value, want)
        if error > 1e-8:
            fail(f"{name} {label} on {SHAPE[0]}x{SHAPE[1]} inputs: max rel error "
                 f"{error:.1e}; expected 1e-08 or less (speed is only credited for correct "
                 f"gradients).")


def _error(grads, expected) -> float:
    """The largest scaled error of (dx, dgamma, dbeta) against ``expected``; inf when they
    are not three arrays of the expected shapes."""
    if not isinstance(grads, (tuple, list)) or len(grads) != len(expected):
        return float("inf")
    errors = []
    for value, want in zip(grads, expected):
        if not isinstance(value, np.ndarray) or value.size != want.size:
            return float("inf")
        errors.append(scaled_error(value.reshape(want.shape).astype(np.float64), want))
    return max(errors)


def measure_alt_speedup(student, ref_layers, rng, *, first: int = FIRST_REPEATS,
                        more: int = MORE_REPEATS, timeout: float = TIMEOUT) -> Speedup:
    """Judge the alt against the student's staged backward (see the module doc)."""
    student.wait_ready()
    run = _Run(student, ref_layers, timeout)
    found = functions(parse(read_source(Path(student.folder) / LAYERS_PY)), ALT, STAGED)
    copy = copy_evidence(found)
    probe = run.probe(rng)
    if probe.same and copy is None:
        copy = SAME_RESULT
    race = Race(lambda counted: run.repeat(rng, counted),
                dataclasses.replace(RULE, first=first, more=more), run.timings)
    if copy is not None:
        race.start()  # the timings the message shows
        return Speedup(run.timings, False, False, copy=copy)
    chain_rule = restated(found[ALT]) if ALT in found else None
    if chain_rule is not None:
        return Speedup(run.timings, False, False, restated=chain_rule.text)
    if probe.no_yardstick is not None:
        return Speedup(run.timings, True, False, no_yardstick=probe.no_yardstick)
    race.start()  # the first batch (the probe was the warm-up)
    decided = race.decide()
    return Speedup(run.timings, decided.passed, decided.extended)


# ------------------------------------------------------------------ copies, by their source
def copy_evidence(found: dict[str, ast.FunctionDef]) -> str | None:
    """What the source shows of ``batchnorm_backward_alt`` being the staged backward, given
    the module-level ``def`` of each (:func:`gradekit.checklib.source.functions`).

    Read with ``ast`` in the controller, never run: the alt calls ``batchnorm_backward``,
    or is its code with other names. None when the alt is not a module-level function
    that stays bound (what runs is then not this code), or when nothing shows.
    """
    alt, staged = found.get(ALT), found.get(STAGED)
    if alt is None:
        return None
    if STAGED in called_names(alt):
        return "it calls batchnorm_backward"
    if staged is not None and code_shape(alt) == code_shape(staged):
        return "its code is that of batchnorm_backward with other names"
    return None
