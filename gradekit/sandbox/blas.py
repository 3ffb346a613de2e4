"""One thread for every BLAS library, in each process that grades.

A grade computes small products (a check's inputs hold a few thousand numbers at most); a
pool of BLAS threads per process would only fight the other grades, and the sandbox's
worker, for the cores. BLAS libraries read these variables once, when numpy loads.
"""

from __future__ import annotations

import os
import sys

BLAS_ENV = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                   "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                                   "BLIS_NUM_THREADS")}
"""The variables, for a process's environment before numpy loads."""


def one_thread_here() -> None:
    """Ask for one BLAS thread in this process (and what it starts), unless numpy is
    loaded already (too late) or the caller's environment chose a number itself."""
    if "numpy" in sys.modules:
        return
    for name, value in BLAS_ENV.items():
        os.environ.setdefault(name, value)
