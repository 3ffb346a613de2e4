"""Is the student's batchnorm_backward_alt clearly faster than a staged backward?

The yardstick is the REFERENCE staged ``batchnorm_backward``, run in the controller and
timed with this thread's CPU clock. The student's alt runs in the sandbox and is timed
by the sandbox from outside the worker (``measure_cpu=True``). Its cache comes from the
student's own forward and stays in the worker, dout is sent beforehand, and the output
stays there too until the clock has stopped; then it is fetched and verified.

Inputs are fresh for every repeat. Each repeat times the two back to back, with the
controller thread and the worker pinned to the same CPU so that both see the same
machine (a busy neighbour slows both alike); the verdict is the median of the per-repeat
ratios.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from dataclasses import dataclass

from checklib import LAYERS, array, call, fail, outputs, remote_constant
from numerics import scaled_error

SHAPE = (384, 768)   # a staged backward takes a few ms here; a good alt half or less
REPEATS = 7
# staged / alt. Measured under two CPU hogs: a copy of the staged backward scores 0.74-0.93,
# a plainly written closed form 1.14-1.75, the reference 1.66-2.17; 1.1 sits between.
MIN_SPEEDUP = 1.1


@dataclass
class Speedup:
    ratio: float             # median over repeats of staged reference time / alt time
    reference: list[float]   # CPU seconds per repeat
    student: list[float]

    def summary(self) -> str:
        return (f"reference staged backward {statistics.median(self.reference) * 1e3:.2f} ms, "
                f"your batchnorm_backward_alt {statistics.median(self.student) * 1e3:.2f} ms "
                f"(medians of {len(self.student)} runs on {SHAPE[0]}x{SHAPE[1]} inputs); "
                f"median speedup {self.ratio:.2f}x")


def _inputs(rng):
    n, d = SHAPE
    x = rng.uniform(-3, 3, d) + rng.uniform(0.5, 4, d) * rng.standard_normal(SHAPE)
    return x, rng.uniform(0.5, 2, d), rng.standard_normal(d), rng.standard_normal(SHAPE)


def _time_reference(layers, x, gamma, beta, dout):
    cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})[1]
    start = time.thread_time()
    grads = layers.batchnorm_backward(dout, cache)
    return time.thread_time() - start, grads


def _time_student(student, alt, x, gamma, beta, dout, timeout):
    made = call(student, "batchnorm_forward", x, gamma, beta, {"mode": "train"}, keep=True,
                timeout=timeout).value
    cache = call(student, (made, "__getitem__"), 1, keep=True, timeout=timeout).value
    # Bind the arguments in the worker: a call echoes its arguments back, and encoding
    # the cache must not count as the alt's time.
    bound = call(student, "functools.partial", alt, dout, cache, keep=True,
                 timeout=timeout).value
    result = call(student, bound, keep=True, measure_cpu=True, timeout=timeout)
    return result.cpu_seconds, student.fetch(result.value, timeout=timeout)


def _verify(grads, expected):
    labels = ("dx", "dgamma", "dbeta")
    grads = outputs(grads, "batchnorm_backward_alt", labels)
    for label, value, want in zip(labels, grads, expected):
        value = array(value, f"batchnorm_backward_alt {label}", want.shape, reshape=True)
        error = scaled_error(value, want)
        if error > 1e-8:
            fail(f"batchnorm_backward_alt {label} on {SHAPE[0]}x{SHAPE[1]} inputs: max rel "
                 f"error {error:.1e}; expected 1e-08 or less. Speed is only credited for "
                 f"correct gradients.")


def _current_cpu(allowed: set[int]) -> int:
    """The CPU this thread runs on now (the scheduler's pick), else the first allowed."""
    try:
        with open("/proc/thread-self/stat", "rb") as handle:
            cpu = int(handle.read().rsplit(b")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        cpu = -1
    return cpu if cpu in allowed else min(allowed)


@contextlib.contextmanager
def same_cpu(pid: int | None):
    """Pin this thread and process ``pid`` to one CPU for the block (Linux; else no-op)."""
    try:
        mine, theirs = os.sched_getaffinity(0), os.sched_getaffinity(pid)
        cpu = {_current_cpu(mine & theirs or mine)}
        os.sched_setaffinity(pid, cpu)
        os.sched_setaffinity(0, cpu)
    except (AttributeError, OSError, TypeError):
        yield
        return
    try:
        yield
    finally:
        os.sched_setaffinity(0, mine)
        with contextlib.suppress(OSError):
            os.sched_setaffinity(pid, theirs)


def measure_alt_speedup(student, ref_layers, rng, repeats: int = REPEATS,
                        timeout: float = 3.0) -> Speedup:
    """Time ``repeats`` interleaved pairs (after one warm-up pair); verify every output."""
    alt = remote_constant(student, "operator.attrgetter", "batchnorm_backward_alt")
    alt = remote_constant(student, alt, remote_constant(
        student, "importlib.import_module", LAYERS.rstrip(".")))
    reference, timed = [], []
    student.wait_ready()
    with same_cpu(student.pid):
        for repeat in range(repeats + 1):
            _repeat(student, ref_layers, rng, alt, repeat, reference, timed, timeout)
    ratio = statistics.median(r / max(a, 1e-9) for r, a in zip(reference, timed))
    return Speedup(ratio, reference, timed)


def _repeat(student, ref_layers, rng, alt, repeat, reference, timed, timeout):
    """One pair of timings on fresh inputs, in alternating order (pair 0 only warms up)."""
    x, gamma, beta, dout = _inputs(rng)
    if repeat % 2:
        ref_time, expected = _time_reference(ref_layers, x, gamma, beta, dout)
        alt_time, grads = _time_student(student, alt, x, gamma, beta, dout, timeout)
    else:
        alt_time, grads = _time_student(student, alt, x, gamma, beta, dout, timeout)
        ref_time, expected = _time_reference(ref_layers, x, gamma, beta, dout)
    _verify(grads, expected)
    if repeat:
        reference.append(ref_time)
        timed.append(alt_time)
