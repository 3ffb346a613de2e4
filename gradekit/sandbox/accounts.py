"""The unprivileged accounts worker processes run as when the grader is root: one per slot.

Accounts are ``gradekit-sandbox-1``, ``-2``, ... (created with ``useradd --system`` when
missing), or the comma-separated names in ``$GRADEKIT_SANDBOX_USERS``. An account that is
root, in root's group, or the grader's own is refused.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from gradekit.sandbox.errors import SandboxError

if TYPE_CHECKING:
    import pwd

PREFIX = "gradekit-sandbox"
USERS_ENV = "GRADEKIT_SANDBOX_USERS"


def given_accounts() -> list[str] | None:
    """The account names set in the environment, or None for the numbered defaults."""
    text = os.environ.get(USERS_ENV, "").strip()
    return [name.strip() for name in text.split(",") if name.strip()] or None


def account_name(slot: int) -> str:
    """The account of slot ``slot`` (numbered from 1)."""
    given = given_accounts()
    if given is not None:
        if slot > len(given):
            raise SandboxError(f"${USERS_ENV} names {len(given)} accounts; slot {slot} has none")
        return given[slot - 1]
    return f"{PREFIX}-{slot}"


def slot_count_limit() -> int | None:
    """How many slots the given accounts allow (None: as many as asked for)."""
    given = given_accounts()
    return None if given is None else len(given)


def account(slot: int) -> pwd.struct_passwd:
    """The account of ``slot``, created when it is one of ours and missing; refused when
    it could reach what the grader can (root, root's group, the grader's own uid)."""
    import pwd

    name = account_name(slot)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        if given_accounts() is not None:
            raise SandboxError(f"the sandbox account {name!r} (from ${USERS_ENV}) does not "
                               "exist") from None
        entry = _create(name)
    if entry.pw_uid == 0 or entry.pw_gid == 0 or entry.pw_uid == os.getuid():
        raise SandboxError(f"the sandbox account {name!r} is privileged (uid {entry.pw_uid}, "
                           f"gid {entry.pw_gid}); student code must not run as it")
    return entry


def _create(name: str) -> pwd.struct_passwd:
    import pwd

    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--user-group",
         "--shell", "/usr/sbin/nologin", name],
        capture_output=True, text=True,
    )
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SandboxError(f"cannot create the sandbox account {name!r}: "
                           f"{result.stderr.strip() or 'useradd failed'}") from None
