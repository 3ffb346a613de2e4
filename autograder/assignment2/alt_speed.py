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
its staged backward from a copy at the error rates wanted. Hence three rules:

- a copy is recognised by what it does, not by its time: the alt's dx is compared bit for
  bit with the staged backward's on the same inputs (different arithmetic rounds
  differently in most of the 300k entries; a copy, or a call of the other function,
  rounds the same everywhere). Its source is read (never run) to say which it is, and to
  find a copy under other names or a call of ``batchnorm_backward``;
- an alt that restates the chain rule under its usual names (a dvar and a dmean/dmu step,
  :func:`copy_evidence`) fails unless it is clearly faster (``RESTATED_BELOW``);
- otherwise the timing fails an alt that is not faster than the staged backward: a first
  batch of pairs passes at ``PASS_AT`` or above and fails at ``FAIL_AT`` or below; in
  between more pairs are run and the median of all of them must reach ``DECIDE_AT``
  (just under 1: measurably slower fails). The inputs come from the check's seeded
  ``rng``, so only timing noise can change a verdict on a regrade with the same seed.

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

import dataclasses
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from checklib import LAYERS, LAYERS_PY, bn_param
from gradekit.checklib import (PairedTimes, Race, SpeedRule, array, check_number, fail,
                               outputs, pair_order, remote_constant, scaled_error, split_pairs)
from gradekit.checklib.source import (assigned_names, called_names, code_shape, functions,
                                      parse, read_source)
from gradekit.sandbox.controller import StudentException

SHAPE = (384, 768)    # a staged backward takes 1.5-2.5 ms here (in the sandbox), an alt 1-2
FIRST_REPEATS = 6     # of two pairs each, after one warm-up repeat
MORE_REPEATS = 24     # added when the first batch is undecided (60 pairs in all)
# Own staged time / alt time, fixed costs included. Per check under two CPU hogs (bench/
# bench_alt_speed.py, 100 checks each): twelve student closed forms 1.05-2.06 (medians
# 1.08 for b08 to 1.91 for b01), copies and calls of the staged backward 0.89-1.12, the
# chain rule restated 0.73-1.16.
PASS_AT = 1.05        # the first batch passes at or above this
FAIL_AT = 0.85        # ... and fails at or below this
DECIDE_AT = 0.97      # all pairs, when the first batch is undecided
RESTATED_BELOW = 1.2  # a restated chain rule fails below this
RULE = SpeedRule(pass_at=PASS_AT, fail_at=FAIL_AT, decide_at=DECIDE_AT, first=FIRST_REPEATS,
                 more=MORE_REPEATS, warm_up=1)
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
    copy: str | None = None  # how the alt was recognised as the staged backward restated

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
        if self.passed:
            return f"Passed: {self.summary()}."
        if self.copy:
            return (f"batchnorm_backward_alt restates batchnorm_backward: {self.summary()}. "
                    f"This looks like: an \"alternative\" backward that is a copy of the "
                    f"staged one ({self.copy}). Write dx in the simplified closed form: "
                    f"its only sums over the batch are dbeta and dgamma; reuse them.")
        rule = (f"{DECIDE_AT}x or more over all runs" if self.extended
                else f"{PASS_AT}x or more")
        return (f"batchnorm_backward_alt is not faster than your batchnorm_backward: "
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

    def same_result(self, rng) -> bool:
        """Whether the alt's dx equals the staged backward's bit for bit (untimed)."""
        x, gamma, beta, (dout,) = _inputs(rng, 1)
        cache = self.cache(x, gamma, beta)
        found = []
        for name in (STAGED, ALT):
            value = self.call(name, dout, cache, keep=False).value
            dx = value[0] if isinstance(value, (tuple, list)) and value else None
            found.append(dx if isinstance(dx, np.ndarray) else None)
        staged, alt = found
        return (staged is not None and alt is not None and staged.size > 0
                and staged.shape == alt.shape and staged.dtype == alt.dtype
                and bool(np.array_equal(staged, alt)))

    def repeat(self, rng, counted: bool = True) -> list[tuple[float, float]]:
        """Two pairs of timed calls on one cache, each call with a dout of its own.

        The order is alt, staged, staged, alt or the reverse, alternately, so neither
        side is always first. The reference's staged backward is timed on the first
        dout (while the worker is stopped) and gives every expected result. Returns the
        (alt, staged) CPU seconds of the two pairs.
        """
        x, gamma, beta, douts = _inputs(rng, 4)
        cache = self.cache(x, gamma, beta)
        order = pair_order(self.repeats, ALT, STAGED)
        self.repeats += 1
        timed = [self.call(name, dout, cache, timed=True) for name, dout in zip(order, douts)]
        with self.student.frozen():
            ref_cache = self.ref_layers.batchnorm_forward(x, gamma, beta, bn_param())[1]
            start = time.thread_time()
            expected = [self.ref_layers.batchnorm_backward(douts[0], ref_cache)]
            ref_time = time.thread_time() - start
            expected += [self.ref_layers.batchnorm_backward_alt(dout, ref_cache)
                         for dout in douts[1:]]
        for name, result, want in zip(order, timed, expected):
            _verify(name, self.student.fetch(result.value, timeout=self.timeout), want)
        if counted:
            self.timings.reference += [ref_time, ref_time]
        return split_pairs(order, [result.cpu_seconds for result in timed], ALT)


def _verify(name: str, grads, expected) -> None:
    grads = outputs(grads, name, LABELS)
    for label, value, want in zip(LABELS, grads, expected):
        value = array(value, f"{name} {label}", want.shape, reshape=True)
        error = scaled_error(value, want)
        if error > 1e-8:
            why = ("speed is only credited for correct gradients" if name == ALT
                   else "the speed check compares your alt with your staged backward, "
                        f"which must be right first (check {STAGED_CHECK})")
            fail(f"{name} {label} on {SHAPE[0]}x{SHAPE[1]} inputs: max rel error "
                 f"{error:.1e}; expected 1e-08 or less ({why}).")


def measure_alt_speedup(student, ref_layers, rng, *, first: int = FIRST_REPEATS,
                        more: int = MORE_REPEATS, timeout: float = TIMEOUT) -> Speedup:
    """Time the alt against the student's staged backward and decide (see the module doc)."""
    student.wait_ready()
    run = _Run(student, ref_layers, timeout)
    evidence = copy_evidence(Path(student.folder) / LAYERS_PY)
    if run.same_result(rng):
        evidence = Evidence("copy", evidence.text if evidence and evidence.kind != "restated"
                            else SAME_RESULT)
    race = Race(lambda counted: run.repeat(rng, counted),
                dataclasses.replace(RULE, first=first, more=more), run.timings)
    race.start()  # the warm-up and the first batch
    if evidence is not None and evidence.kind == "copy":
        return Speedup(run.timings, False, False, evidence.text)
    decided = race.decide()
    if evidence is not None and decided.ratio < RESTATED_BELOW:
        return Speedup(run.timings, False, decided.extended, evidence.text)
    return Speedup(run.timings, decided.passed, decided.extended)


# ------------------------------------------------------------------ copies, by their source
_DVAR = re.compile(r"^d_?(var|variance|sigma2|sigma_sq|sqrtvar|std|ivar|inv_?std)($|_|\d)",
                   re.IGNORECASE)
_DMEAN = re.compile(r"^d_?(mean|mu)($|_|\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """``kind`` "copy": the staged backward itself; "restated": its chain-rule steps."""

    kind: str
    text: str


def copy_evidence(path: Path) -> Evidence | None:
    """What the source shows of ``batchnorm_backward_alt`` restating the staged backward.

    Read with ``ast`` in the controller, never run. A copy: the alt calls
    ``batchnorm_backward``, or is its code with other names. Restated: the alt assigns
    both a dvar-like name (dvar, d_var, dstd, divar, ...) and a dmean-like one (dmean,
    dmu, d_mu, ...), the steps of the chain rule that the closed form does without. None
    when the file cannot be read or parsed, when the alt is not a module-level function
    or is bound again later (what runs is then not this code), or when nothing shows.
    """
    found = functions(parse(read_source(path)), ALT, STAGED)
    alt, staged = found.get(ALT), found.get(STAGED)
    if alt is None:
        return None
    if STAGED in called_names(alt):
        return Evidence("copy", "it calls batchnorm_backward")
    if staged is not None and code_shape(alt) == code_shape(staged):
        return Evidence("copy", "its code is that of batchnorm_backward with other names")
    assigned = assigned_names(alt)
    dvar = sorted(name for name in assigned if _DVAR.match(name))
    dmean = sorted(name for name in assigned if _DMEAN.match(name))
    if dvar and dmean:
        return Evidence("restated", f"it goes through the staged chain rule's steps {dvar[0]} "
                                    f"and {dmean[0]}, which the closed form does without")
    return None
