"""What the sandbox accounts could read of the paths a grader names (account mode).

Without bubblewrap a worker runs as a slot's account on the grader's own file system, and
it can read every grader's command line in ``/proc``: each path named there (the
checkout, the release folder, the checks, the submissions, the class output) must be out
of the account's reach, and so must the whole tree under it. :func:`first_readable`
finds the first file or folder under a path that an account could read, judged by the
permission bits of the path and of every folder above it (ACLs are not read: keep them
off these trees).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

WALK_LIMIT = 200_000
"""Entries looked at under one path before it counts as readable (an unproven tree)."""


class Who:
    """An account that is not the grader: its uids and gids (empty: any other user)."""

    def __init__(self, uids: set[int] | None = None, gids: set[int] | None = None) -> None:
        self.uids = uids or set()
        self.gids = gids or set()

    def can(self, info: os.stat_result, other_bit: int) -> bool:
        """True when this account has ``other_bit`` (an S_I*OTH) on ``info``."""
        if info.st_uid in self.uids:
            return bool(info.st_mode & (other_bit << 6))
        if info.st_gid in self.gids:
            return bool(info.st_mode & (other_bit << 3))
        return bool(info.st_mode & other_bit)


def sandbox_accounts() -> Who:
    """The sandbox accounts that exist now (their owner and group bits count too)."""
    import pwd

    from gradekit.sandbox import accounts

    uids, gids = set(), set()
    names = accounts.given_accounts() or [accounts.account_name(n) for n in range(1, 65)]
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != os.geteuid():
            uids.add(entry.pw_uid)
            gids.add(entry.pw_gid)
    return Who(uids, gids)


def reachable(path: Path, who: Who) -> bool:
    """True when ``who`` can pass through every folder above ``path`` (resolved)."""
    try:
        return all(who.can(os.stat(parent), stat.S_IXOTH) for parent in path.parents)
    except OSError:
        return False


def first_readable(path: Path, who: Who | None = None, limit: int = WALK_LIMIT) -> Path | None:
    """The first path at or under ``path`` that ``who`` could read (a file's contents, a
    folder's entries), or None when there is none. A path that does not exist yet is
    itself the answer when the account can enter the nearest folder above it that does
    (what the grader writes there is within its reach)."""
    who = who or Who()
    path = Path(os.path.abspath(path))
    if not os.path.lexists(path):
        above = path.parent
        while not os.path.lexists(above) and above != above.parent:
            above = above.parent
        try:  # what the grader makes there, the account reaches if it can pass into it
            open_above = who.can(os.stat(above), stat.S_IXOTH)
        except OSError:
            return None
        return path if open_above and reachable(above.resolve(), who) else None
    path = path.resolve()
    if not reachable(path, who):
        return None
    stack, seen = [path], 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > limit:
            return current
        try:
            info = os.lstat(current)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue  # the account reaches a link's target only by the target's own bits
        if stat.S_ISDIR(info.st_mode):
            if who.can(info, stat.S_IROTH):  # its entries' names
                return current
            if who.can(info, stat.S_IXOTH):  # entries reachable by a guessed name
                try:
                    stack.extend(Path(entry.path) for entry in os.scandir(current))
                except OSError:
                    return current
        elif who.can(info, stat.S_IROTH):
            return current
    return None


def exposed(named: list[tuple[str, Path]], who: Who | None = None) -> tuple[str, Path, Path] | None:
    """The first of ``named`` (what it is, its path) with something ``who`` could read:
    (what, the named path, the readable path), or None."""
    who = who or sandbox_accounts()
    for what, path in named:
        found = first_readable(path, who)
        if found is not None:
            return what, Path(os.path.abspath(path)), found
    return None


def checkout_of(config: Path) -> Path:
    """The checkout an assignment's config lives in: the nearest folder above it holding
    ``.git``, else the course folder (the one above ``assignment/``), else its own folder."""
    config = Path(config).resolve()
    folder = config.parent
    for parent in [folder, *folder.parents]:
        if (parent / ".git").exists() and parent != Path(parent.anchor):
            return parent
    for parent in [folder, *folder.parents]:
        if parent.name == "assignment" and parent.parent != Path(parent.anchor):
            return parent.parent
    return folder
