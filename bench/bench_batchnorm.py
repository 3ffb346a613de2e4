"""Benchmark of the reference batch normalization: forward, staged and alt backward.

Times each function (median of repeats, after a warm-up) and compares it with a
memory-bandwidth bound measured in the same run: a function that must read and
write N*D numbers cannot beat (bytes moved) / (copy bandwidth). The forward pass
reads x and writes out (2 passes); a backward pass reads dout and the cached
normalized input and writes dx (3 passes).

Goals for the reference at (4096, 1024) float64:
- batchnorm_backward_alt within 3.5x of its bound;
- batchnorm_backward at least 2x slower than batchnorm_backward_alt.

Run: .venv/bin/python bench/bench_batchnorm.py [--strict]
(--strict: exit with status 1 when a goal is missed.)
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "solutions",
                                "assignment2"))

from cs231n.layers import batchnorm_backward, batchnorm_backward_alt, batchnorm_forward  # noqa: E402

SHAPES = [(100, 500), (4096, 1024)]
DTYPES = [np.float64, np.float32]
GOAL_SHAPE, GOAL_DTYPE = (4096, 1024), np.float64
GOAL_ALT_VS_BOUND, GOAL_STAGED_VS_ALT = 3.5, 2.0


def median_seconds(fns, repeats=15, min_time=0.02):
    """Median time of one call of each function (seconds), after a warm-up.

    Inputs:
    - fns: dict name -> function of no arguments
    - repeats: number of timed rounds; the functions take turns in every round,
      so that all of them see the same machine conditions
    - min_time: each timed sample groups enough calls to last about this long

    Returns a dict name -> median seconds per call.
    """
    numbers = {}
    for name, fn in fns.items():
        fn()
        start = time.perf_counter()
        fn()
        once = max(time.perf_counter() - start, 1e-7)
        numbers[name] = max(1, int(min_time / once))
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(numbers[name]):
                fn()
            samples[name].append((time.perf_counter() - start) / numbers[name])
    return {name: float(np.median(times)) for name, times in samples.items()}


class CopyBandwidth:
    """Memory bandwidth from np.copyto on arrays far larger than the CPU caches.

    A copy of nbytes moves 2 * nbytes (read the source, write the destination);
    bandwidth = moved bytes / median copy time.
    """

    def __init__(self, nbytes=256 * 2**20):
        self.nbytes = nbytes
        self.src = np.ones(nbytes // 8)
        self.dst = np.empty_like(self.src)

    def copy(self):
        np.copyto(self.dst, self.src)

    def bandwidth(self, seconds):
        return 2 * self.nbytes / seconds


def bench_case(N, D, dtype, copier, rng):
    """Time the three functions at one shape and dtype.

    The copy that measures the bandwidth takes turns with them, so that the bound
    reflects the machine's state while they ran.

    Returns a tuple of:
    - rows: dict function name -> (seconds per call, multiple of its bound)
    - bandwidth: bytes/s measured meanwhile
    """
    x = (5 * rng.standard_normal((N, D)) + 12).astype(dtype)
    gamma = rng.standard_normal(D).astype(dtype)
    beta = rng.standard_normal(D).astype(dtype)
    dout = rng.standard_normal((N, D)).astype(dtype)
    _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})

    times = median_seconds({
        "forward": lambda: batchnorm_forward(x, gamma, beta, {"mode": "train"}),
        "backward (staged)": lambda: batchnorm_backward(dout, cache),
        "backward_alt": lambda: batchnorm_backward_alt(dout, cache),
        "copy": copier.copy,
    })
    bandwidth = copier.bandwidth(times.pop("copy"))
    one_pass = N * D * np.dtype(dtype).itemsize / bandwidth
    bounds = {"forward": 2 * one_pass, "backward (staged)": 3 * one_pass,
              "backward_alt": 3 * one_pass}
    return {name: (t, t / bounds[name]) for name, t in times.items()}, bandwidth


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a goal is missed")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    copier = CopyBandwidth()
    print(f"numpy {np.__version__}; bound = passes * N*D*itemsize / bandwidth, bandwidth "
          "from np.copyto on 256 MiB (read + write bytes/s), timed alongside each case")
    print(f"{'shape':>12} {'dtype':>8} {'function':>18} {'time (ms)':>10} "
          f"{'x bound':>8} {'staged/alt':>10} {'GB/s':>6}")

    results = {}
    for N, D in SHAPES:
        for dtype in DTYPES:
            rows, bandwidth = bench_case(N, D, dtype, copier, rng)
            ratio = rows["backward (staged)"][0] / rows["backward_alt"][0]
            results[(N, D), dtype] = (rows, ratio)
            for name, (t, multiple) in rows.items():
                extra = f"{ratio:10.2f} {bandwidth / 1e9:6.1f}" if name == "backward_alt" else ""
                print(f"{f'({N}, {D})':>12} {np.dtype(dtype).name:>8} {name:>18} "
                      f"{t * 1e3:10.3f} {multiple:8.2f} {extra}")

    rows, ratio = results[GOAL_SHAPE, GOAL_DTYPE]
    alt_multiple = rows["backward_alt"][1]
    goals = [
        (f"alt backward within {GOAL_ALT_VS_BOUND}x of the bound at {GOAL_SHAPE} float64",
         alt_multiple <= GOAL_ALT_VS_BOUND, f"{alt_multiple:.2f}x"),
        (f"staged/alt >= {GOAL_STAGED_VS_ALT} at {GOAL_SHAPE} float64",
         ratio >= GOAL_STAGED_VS_ALT, f"{ratio:.2f}"),
    ]
    for text, met, value in goals:
        print(f"goal: {text}: {'MET' if met else 'NOT MET'} ({value})")
    if args.strict and not all(met for _, met, _ in goals):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
