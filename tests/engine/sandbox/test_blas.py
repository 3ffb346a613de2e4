"""BLAS held to one thread in a grading process, unless numpy loaded first or the caller chose."""

from __future__ import annotations

import os
import subprocess
import sys

from gradekit.sandbox.blas import BLAS_ENV

PROBE = ("import os, sys\n{before}from gradekit.sandbox.blas import one_thread_here\n"
         "one_thread_here()\nprint(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'))\n")


def _threads(before: str = "", **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_ENV}
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before)],
                          env={**clean, **env}, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_one_thread_unless_the_caller_chose():
    assert _threads() == "1"
    assert _threads(OPENBLAS_NUM_THREADS="3") == "3"


def test_too_late_once_numpy_has_loaded():
    assert _threads(before="import numpy\n") == "unset"
