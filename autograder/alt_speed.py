"""Is the student's batchnorm_backward_alt clearly faster than a staged backward?

The yardstick is the REFERENCE staged ``batchnorm_backward``, run in the controller and
timed with this thread's CPU clock. The student's alt runs in the sandbox and is timed
by the sandbox from outside the worker (``measure_cpu=True``). Its cache comes from the
student's own forward and stays in the worker, dout is sent beforehand, and the output
stays there too until the clock has stopped; then it is fetched and verified. Inputs
are fresh for every repeat, the two timings are interleaved, and the medians compared.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from checklib import LAYERS, array, call, fail, outputs, remote_constant
from numerics import scaled_error

SHAPE = (384, 768)   # a staged backward takes a few ms here; a good alt half or less
REPEATS = 7
MIN_SPEEDUP = 1.2    # staged / alt; a copy of the staged backward scores about 1


@dataclass
class Speedup:
    ratio: float             # median staged reference time / median student alt time
    reference: list[float]   # CPU seconds per repeat
    student: list[float]

    def summary(self) -> str:
        return (f"reference staged backward {statistics.median(self.reference) * 1e3:.2f} ms, "
                f"your batchnorm_backward_alt {statistics.median(self.student) * 1e3:.2f} ms "
                f"(medians of {len(self.student)} runs on {SHAPE[0]}x{SHAPE[1]} inputs): "
                f"speedup {self.ratio:.2f}x")


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


def measure_alt_speedup(student, ref_layers, rng, repeats: int = REPEATS,
                        timeout: float = 3.0) -> Speedup:
    """Time ``repeats`` interleaved pairs (after one warm-up pair); verify every output."""
    alt = remote_constant(student, "operator.attrgetter", "batchnorm_backward_alt")
    alt = remote_constant(student, alt, remote_constant(
        student, "importlib.import_module", LAYERS.rstrip(".")))
    reference, timed = [], []
    for repeat in range(repeats + 1):
        x, gamma, beta, dout = _inputs(rng)
        if repeat % 2:
            ref_time, expected = _time_reference(ref_layers, x, gamma, beta, dout)
            alt_time, grads = _time_student(student, alt, x, gamma, beta, dout, timeout)
        else:
            alt_time, grads = _time_student(student, alt, x, gamma, beta, dout, timeout)
            ref_time, expected = _time_reference(ref_layers, x, gamma, beta, dout)
        _verify(grads, expected)
        if repeat:  # the first pair warms caches and the allocator
            reference.append(ref_time)
            timed.append(alt_time)
    ratio = statistics.median(reference) / max(statistics.median(timed), 1e-9)
    return Speedup(ratio, reference, timed)
