"""A network namespace of its own for a worker that bubblewrap does not confine.

As root, util-linux's ``unshare --net`` gives the worker a network namespace holding only
a loopback device that is down: no connection leaves it, not even to a service of the
grader on 127.0.0.1 (a Dask scheduler, a database). ``--setuid``/``--setgid`` then
switch to the slot's account (dropping every supplementary group) inside it, so the
worker never runs as root there. Docker's default seccomp profile refuses the namespace:
the worker then shares the host's network, and ``extra_data.confinement_reason`` says so.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from typing import Any


@functools.cache
def problem() -> str:
    """Why a worker cannot get a network namespace of its own here ('' when it can)."""
    from gradekit.sandbox.launch import is_root

    if not is_root():
        return "the grader is not root"
    binary = shutil.which("unshare")
    if binary is None:
        return "unshare (util-linux) is not installed"
    try:
        done = subprocess.run([binary, "--net", "--setuid", "65534", "--setgid", "65534",
                               "--", "/bin/true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unshare failed to start ({error})"
    if done.returncode != 0:
        return f"unshare --net failed: {done.stderr.strip()[-200:] or done.returncode}"
    return ""


def wrap(command: list[str], account: Any) -> tuple[list[str], dict[str, Any]]:
    """``command`` started in a network namespace of its own as ``account`` (a pwd entry;
    None: as the grader), and the switch of identity Popen must do itself (none then).
    Without a namespace (see :func:`problem`): ``command`` as it is and Popen's switch."""
    switch: dict[str, Any] = {}
    if account is not None:
        switch = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    if problem():
        return command, switch
    prefix = [shutil.which("unshare") or "unshare", "--net"]
    if account is not None:
        prefix += ["--setuid", str(account.pw_uid), "--setgid", str(account.pw_gid)]
    return [*prefix, "--", *command], {}


def note() -> str:
    """How a worker outside bubblewrap reaches the network, for ``confinement_reason``."""
    why = problem()
    return ("the worker has a network namespace of its own" if not why
            else f"the worker shares the host's network ({why})")
