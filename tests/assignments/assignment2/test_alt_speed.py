"""The alt-speed check (hidden check 3.6): fair to closed forms, not fooled by copies or by
work done outside the timed calls, and the reference timed only while the worker is stopped.

Each test runs the check's measurement on one submission of tests/alt_speed_cases.py in
a sandbox of its own (a second or two each). bench/bench_alt_speed.py measures the error
rates under CPU hogs; these tests hold the verdicts and messages on clear cases.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tests.support.paths import A2

for _path in (A2.checks, A2.public_checks):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import alt_speed  # noqa: E402
from alt_speed import SHAPE, copy_evidence, measure_alt_speedup  # noqa: E402
from alt_structure import restated  # noqa: E402
from .alt_speed_cases import ALL_CORRECT, BROKEN_STAGED, CASES, Case  # noqa: E402
from .reference_helpers import ref  # noqa: E402

from gradekit.checklib.source import functions, parse, read_source  # noqa: E402
from gradekit.sandbox import timing  # noqa: E402
from gradekit.sandbox.controller import Sandbox  # noqa: E402

REF_LAYERS = ref("layers")


@pytest.fixture
def sandbox_for(tmp_path):
    """Open a sandbox on a case's submission (closed at the end of the test)."""
    opened = []

    def open_case(case: Case) -> Sandbox:
        box = Sandbox(case.build(tmp_path / "submission"), user=None)
        opened.append(box)
        box.wait_ready()
        return box

    yield open_case
    for box in opened:
        box.close()


def measure(box, seed=0, ref_layers=REF_LAYERS, **kwargs):
    return measure_alt_speedup(box, ref_layers, np.random.default_rng(seed), **kwargs)


# ------------------------------------------------------------------ verdicts and messages
@pytest.mark.parametrize("name", ["b01", "a10"])
def test_a_corpus_closed_form_passes_with_both_figures(sandbox_for, name):
    speed = measure(sandbox_for(CASES[name]))
    assert speed.passed, speed.message()
    message = speed.message()
    assert message.startswith("Passed: ")
    assert "your batchnorm_backward_alt" in message and "your batchnorm_backward " in message
    assert "reference's staged backward" in message and "x as fast" in message
    assert len(speed.timings.alt) > alt_speed.FIRST_REPEATS  # most of the first batch's pairs


def test_a_copy_of_the_staged_backward_fails_and_is_named(sandbox_for):
    speed = measure(sandbox_for(CASES["a06 staged copied"]))
    assert not speed.passed
    assert not speed.extended
    message = speed.message()
    assert "copy of the staged one (its code is that of batchnorm_backward with other " \
           "names)" in message
    assert "your batchnorm_backward " in message and "reference's staged backward" in message


@pytest.mark.parametrize("name, shown", [
    ("reference restated (dvar, dmean)", "sum over the batch of the input's own terms"),
    ("b10 restated node by node", "terms that already hold a sum over the batch")])
def test_the_chain_rule_restated_fails_without_a_clock(sandbox_for, name, shown):
    speed = measure(sandbox_for(CASES[name]))
    assert not speed.passed and not speed.timings.alt  # decided from the data flow alone
    assert speed.message().startswith(
        "batchnorm_backward_alt restates the staged backward's chain rule: ")
    assert shown in speed.message()


def test_a_call_of_the_staged_backward_fails_and_is_named(sandbox_for):
    speed = measure(sandbox_for(CASES["reference calls staged"]))
    assert not speed.passed
    assert "copy of the staged one (it calls batchnorm_backward)" in speed.message()


def test_a_slow_closed_form_fails_without_being_called_a_copy(sandbox_for):
    speed = measure(sandbox_for(CASES["slow closed form"]))
    assert not speed.passed
    assert speed.copy is None and "copy" not in speed.message()
    assert "is slower than your batchnorm_backward" in speed.message()


def test_work_a_cache_does_inside_the_timed_call_counts_and_is_allowed(sandbox_for):
    assert measure(sandbox_for(CASES["lazy cache"])).passed


def test_a_wrong_staged_backward_is_no_yardstick_and_costs_the_alt_nothing(sandbox_for):
    speed = measure(sandbox_for(BROKEN_STAGED))
    assert speed.passed and not speed.timings.alt
    assert "your batchnorm_backward gives wrong gradients" in speed.message()
    assert f"charged in check {alt_speed.STAGED_CHECK} only" in speed.message()


# ------------------------------------------------------------------ work outside the timed calls
def test_a_replaced_functools_partial_gains_nothing(sandbox_for):
    box = sandbox_for(CASES["eager functools.partial"])
    # The attack works on a grader that binds the arguments with functools.partial: the
    # bound call then costs almost nothing, the work having been done when binding.
    box.call("importlib.import_module", "cs231n.layers", keep=True)  # replaces partial
    speed = measure(box)
    assert not speed.passed
    assert "it calls batchnorm_backward" in speed.message()


def test_work_started_when_dout_arrives_is_timed(sandbox_for):
    box = sandbox_for(CASES["decoder precomputes"])
    speed = measure(box)
    assert not speed.passed
    assert "bit for bit that of batchnorm_backward" in speed.message()
    # Had dout reached the worker in an untimed request, the answer would be waiting.
    rng = np.random.default_rng(2)
    x, gamma, beta, (dout,) = alt_speed._inputs(rng, 1)
    made = box.call("cs231n.layers.batchnorm_forward", x, gamma, beta, {"mode": "train"},
                    keep=True).value
    cache = box.call((made, "__getitem__"), 1, keep=True).value
    early = box.call("numpy.asarray", dout, keep=True, echo=False).value
    sent_before = box.call("cs231n.layers.batchnorm_backward_alt", early, cache, keep=True,
                           echo=False, measure_cpu=True).cpu_seconds
    sent_within = box.call("cs231n.layers.batchnorm_backward_alt", dout, cache, keep=True,
                           echo=False, measure_cpu=True).cpu_seconds
    assert sent_before < sent_within / 3


class _Watched:
    """The reference layers, recording the worker's state and CPU clock while timed."""

    def __init__(self, pid: int) -> None:
        self.pid, self.clock = pid, timing.cpu_clock(pid)
        self.states: list[bytes] = []
        self.worker_cpu: list[float] = []

    def __getattr__(self, name):
        return getattr(REF_LAYERS, name)

    def batchnorm_backward(self, dout, cache):
        before = timing.cpu_seconds(self.clock)
        self.states.append(timing._state(self.pid))
        result = REF_LAYERS.batchnorm_backward(dout, cache)
        for _ in range(3):  # a little longer than the timing, to give the worker a chance
            REF_LAYERS.batchnorm_backward(dout, cache)
        self.worker_cpu.append(timing.cpu_seconds(self.clock) - before)
        return result


def test_the_worker_cannot_slow_the_reference(sandbox_for):
    box = sandbox_for(CASES["hammers memory after replies"])
    # The hostile worker runs while it waits for requests...
    box.call("importlib.import_module", "cs231n.layers", keep=True)
    clock = timing.cpu_clock(box.pid)
    start = timing.cpu_seconds(clock)
    time.sleep(0.1)
    assert timing.cpu_seconds(clock) - start > 0.004, "the hostile worker did not run"
    # ... but not while the controller times the reference.
    watched = _Watched(box.pid)
    speed = measure(box, ref_layers=watched)
    assert not speed.passed
    assert watched.states and set(watched.states) <= {b"T", b"t"}
    assert max(watched.worker_cpu) < 1e-3


def test_the_same_seed_gives_the_same_inputs_and_verdict(sandbox_for):
    box = sandbox_for(CASES["b09"])
    first, second = measure(box, seed=7), measure(box, seed=7)
    assert first.passed and second.passed
    one, two = alt_speed._inputs(np.random.default_rng(7), 2), alt_speed._inputs(
        np.random.default_rng(7), 2)
    assert all(np.array_equal(a, b) for a, b in zip(one[:3], two[:3]))


# ------------------------------------------------------------------ copies found in the source
CLOSED = '''
import numpy as np

def batchnorm_backward(dout, cache):
    xhat, gamma, xc, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dvar = -0.5 * inv_std ** 3 * (dxhat * xc).sum(axis=0)
    dxc = dxhat * inv_std + 2 * xc * dvar / N
    dmean = -dxc.sum(axis=0)
    return dxc + dmean / N, dgamma, dbeta

def batchnorm_backward_alt(dout, cache):
    """Closed form."""
    xhat, gamma, xc, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return gamma * inv_std / N * (N * dout - dbeta - xhat * dgamma), dgamma, dbeta
'''


def _found(tmp_path, source):
    path = tmp_path / "layers.py"
    path.write_text(source, encoding="utf-8")
    return functions(parse(read_source(path)), alt_speed.ALT, alt_speed.STAGED)


def _evidence(tmp_path, source):
    return copy_evidence(_found(tmp_path, source))


def _restated(tmp_path, source):
    found = _found(tmp_path, source).get(alt_speed.ALT)
    return found and restated(found)


def test_a_closed_form_is_never_named_a_copy_or_the_chain_rule(tmp_path):
    assert _evidence(tmp_path, CLOSED) is None and _restated(tmp_path, CLOSED) is None


def _base(entry):
    path = CASES.get(entry, Case(entry, entry, None, True, "")).base_layers()
    return functions(parse(read_source(path)), alt_speed.ALT, alt_speed.STAGED)


@pytest.mark.parametrize("entry", ALL_CORRECT)
def test_no_correct_corpus_alt_is_named_a_copy_or_the_chain_rule(entry):
    found = _base(entry)
    assert copy_evidence(found) is None and restated(found[alt_speed.ALT]) is None


@pytest.mark.parametrize("entry", ALL_CORRECT)
def test_the_corpus_staged_backwards_read_as_the_chain_rule(entry):
    """The other way: staged backwards written independently show the chain rule's data
    flow, under their authors' own names (one writes its sums with einsum, unseen)."""
    staged = _base(entry)[alt_speed.STAGED]
    assert (restated(staged) is not None) == ("einsum" not in ast.unparse(staged))


def test_copies_are_named_from_the_source(tmp_path):
    calls = CLOSED + "\ndef batchnorm_backward_alt(dout, cache):\n" \
                     "    return cs231n.layers.batchnorm_backward(dout, cache)\n"
    assert _evidence(tmp_path, calls) == "it calls batchnorm_backward"
    staged = CLOSED.split("def batchnorm_backward_alt")[0].split("def batchnorm_backward(")[1]
    renamed = (staged.replace("dxhat", "g").replace("dvar", "v").replace("dmean", "m")
               .replace("dxc", "h"))
    copied = CLOSED + "\ndef batchnorm_backward_alt(" + renamed
    assert _evidence(tmp_path, copied) == "its code is that of batchnorm_backward with other names"
    # What runs is not the code read when the name is bound again later.
    assert _evidence(tmp_path, calls + "\nbatchnorm_backward_alt = _fast_one\n") is None
    guarded = calls + "\nif True:\n    from fast import batchnorm_backward_alt\n"
    assert _evidence(tmp_path, guarded) is None


@pytest.mark.parametrize("names", [("dvar", "dmean"), ("a", "b"), ("gradient_var", "q")])
def test_the_chain_rule_is_found_whatever_its_names(tmp_path, names):
    alt = ("\ndef batchnorm_backward_alt(dout, cache):\n"
           "    xhat, gamma, xc, inv_std = cache\n"
           "    N = dout.shape[0]\n"
           "    g = dout * gamma\n"
           "    VAR = -0.5 * inv_std ** 3 * np.sum(g * xc, axis=0)\n"
           "    h = g * inv_std + 2 * xc * VAR / N\n"
           "    MEAN = -h.sum(0)\n"
           "    return h + MEAN / N, (dout * xhat).sum(axis=0), dout.sum(axis=0)\n")
    source = CLOSED + alt.replace("VAR", names[0]).replace("MEAN", names[1])
    assert "already hold a sum" in _restated(tmp_path, source).text
    paper = ("\ndef batchnorm_backward_alt(dout, cache):\n"
             "    xhat, gamma, xc, inv_std = cache\n"
             "    g = dout * gamma\n"
             "    VAR = np.sum(g * xc, axis=0) * -0.5 * inv_std ** 3\n"
             "    MEAN = np.sum(-g * inv_std, axis=0) + VAR * np.mean(-2.0 * xc, axis=0)\n"
             "    return g * inv_std + VAR * 2.0 * xc / len(g) + MEAN / len(g), 0, 0\n")
    source = CLOSED + paper.replace("VAR", names[0]).replace("MEAN", names[1])
    assert "the input's own terms" in _restated(tmp_path, source).text


def test_a_closed_form_recomputing_the_statistics_from_x_is_no_evidence(tmp_path):
    """A minimal cache (x, gamma, eps): the batch statistics are sums of the input's terms,
    recomputed in the backward, and the closed form is still a closed form."""
    minimal = CLOSED + ("\ndef batchnorm_backward_alt(dout, cache):\n"
                        "    x, gamma, eps = cache\n"
                        "    N = x.shape[0]\n"
                        "    mu = np.mean(x, axis=0)\n"
                        "    var = ((x - mu) ** 2).mean(axis=0)\n"
                        "    xhat = (x - mu) / np.sqrt(var + eps)\n"
                        "    dbeta = dout.sum(axis=0)\n"
                        "    dgamma = (dout * xhat).sum(axis=0)\n"
                        "    dx = gamma / (N * np.sqrt(var + eps)) * (N * dout - dbeta - xhat * dgamma)\n"
                        "    return dx, dgamma, dbeta\n")
    assert _restated(tmp_path, minimal) is None


def test_a_debugging_sum_that_dx_does_not_use_is_no_evidence(tmp_path):
    debug = CLOSED.replace('    """Closed form."""\n',
                           '    """Closed form."""\n    print(np.sum(dout, axis=0).sum(0))\n')
    assert debug != CLOSED and _restated(tmp_path, debug) is None


def test_unreadable_source_names_nothing(tmp_path):
    assert _evidence(tmp_path, "def batchnorm_backward_alt(:\n") is None
    assert copy_evidence({}) is None


def test_cases_build_as_a_student_hand_in(tmp_path):
    folder = CASES["b13 staged copied"].build(tmp_path / "case")
    source = (folder / "cs231n" / "layers.py").read_text(encoding="utf-8")
    assert source.count("def batchnorm_backward_alt(") == 2
    assert (folder / "cs231n" / "__init__.py").is_file()
    assert SHAPE == (384, 768)
