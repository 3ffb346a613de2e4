"""Sandbox slots: one per concurrent grade, each with its own account and folders.

A slot is held by an exclusive lock for the length of a grade. Under a parent folder only
the grader owns (mode 0711: others may pass through, not list), slot N has ``code``,
``scratch`` and ``home`` folders owned by its account alone (0700). Before a slot is used
and after it is released, every process of its account that this grader may have started
is killed (never one of the same uid in another container) and everything the account
left is removed, whatever the count: its files in every folder others may write
to (the shared temporary folders, ``/run/lock`` and any such folder one level under
``/``, ``/var``, ``/run`` and ``/dev``), POSIX shared memory and message queues, SysV
shared memory, queues and semaphores. A slot that stays dirty is refused.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gradekit.sandbox import accounts
from gradekit.sandbox.errors import SandboxError

if TYPE_CHECKING:
    import pwd

SLOTS_ENV = "GRADEKIT_SLOTS"
PARENT_ENV = "GRADEKIT_SLOT_ROOT"
SHARED_TEMP = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock")
_PLACES_UNDER = ("/", "/var", "/run", "/dev")


def slot_parent() -> Path:
    """The grader's own folder that holds every slot (created 0711, checked)."""
    given = os.environ.get(PARENT_ENV)
    euid = getattr(os, "geteuid", lambda: -1)()  # -1: Windows, which has no uids
    if given:
        parent = Path(given)
    elif euid == 0:
        parent = Path("/run/gradekit" if os.path.isdir("/run") else "/var/tmp/gradekit-slots")
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        parent = Path(runtime) / "gradekit" if runtime and os.path.isdir(runtime) else \
            Path(tempfile.gettempdir()) / f"gradekit-{max(euid, 0)}"
    try:
        parent.mkdir(mode=0o711, parents=True, exist_ok=True)
        info = os.lstat(parent)
    except OSError as error:
        raise SandboxError(f"cannot make the sandbox folder {parent}: {error}") from None
    if not stat.S_ISDIR(info.st_mode) or (euid >= 0 and info.st_uid != euid):
        raise SandboxError(f"{parent} is not a folder of this user's own; remove it or set "
                           f"${PARENT_ENV} to another place")
    os.chmod(parent, 0o711)
    closed = [str(folder) for folder in parent.resolve().parents
              if not os.stat(folder).st_mode & stat.S_IXOTH]
    if closed and euid == 0:
        raise SandboxError(f"the sandbox folder {parent} is inside {closed[0]}, which the "
                           f"sandbox accounts cannot enter; set ${PARENT_ENV} to a folder "
                           "they can reach")
    return parent


def max_slots() -> int:
    """How many slots may exist at once (``$GRADEKIT_SLOTS``, default 4 per CPU)."""
    given = os.environ.get(SLOTS_ENV, "")
    count = int(given) if given.isdigit() and int(given) > 0 else 4 * (os.cpu_count() or 1)
    limit = accounts.slot_count_limit()
    return min(count, limit) if limit is not None else count


@dataclass
class Slot:
    """One held slot: its number, account (None when the grader is not root) and folders."""

    number: int
    root: Path
    account: pwd.struct_passwd | None
    lock_fd: int
    leftovers: list[str] = field(default_factory=list)

    @property
    def code(self) -> Path:
        return self.root / "code"

    @property
    def scratch(self) -> Path:
        return self.root / "scratch"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def uid(self) -> int | None:
        return None if self.account is None else self.account.pw_uid

    def prepare(self) -> None:
        """Empty folders owned by the account, 0700."""
        self.root.mkdir(mode=0o711, exist_ok=True)
        os.chmod(self.root, 0o711)
        for folder in (self.code, self.scratch, self.home):
            _remove_tree(folder)
            folder.mkdir(mode=0o700)
            if self.account is not None:
                os.chown(folder, self.account.pw_uid, self.account.pw_gid)

    def hand_over(self) -> None:
        """Let the account read the files placed in ``code``, not change them: folders
        are its own (0700), files stay the grader's (0644, reachable only through them)."""
        for folder, dirs, files in os.walk(self.code):
            for name in dirs:
                path = os.path.join(folder, name)
                if self.account is not None:
                    os.lchown(path, self.account.pw_uid, self.account.pw_gid)
                os.chmod(path, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)

    def clean(self) -> list[str]:
        """Kill the account's processes and remove its files; what could not be removed."""
        left: list[str] = []
        if self.uid is not None:
            left += kill_processes(self.uid)
            left += remove_files(self.uid, writable_places())
            left += remove_ipc(self.uid)
        for folder in (self.code, self.scratch, self.home):
            _remove_tree(folder)
            if folder.exists():
                left.append(f"{folder} could not be removed")
        return left

    def release(self) -> None:
        """Clean up and unlock."""
        try:
            self.leftovers = self.clean()
        finally:
            os.close(self.lock_fd)


def acquire_slot(confined_accounts: bool, wait: float = 600.0) -> Slot:
    """Lock a free, clean slot (waiting up to ``wait`` seconds for one to be free).

    ``confined_accounts``: give the slot its own account (the grader is root).
    """
    parent = slot_parent()
    deadline = time.monotonic() + wait
    dirty: list[str] = []
    while True:
        for number in range(1, max_slots() + 1):
            lock_path = parent / f"slot-{number}.lock"
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            if not _lock(fd):
                os.close(fd)
                continue
            account = accounts.account(number) if confined_accounts else None
            slot = Slot(number, parent / f"slot-{number}", account, fd)
            left = slot.clean()  # whatever an earlier, killed grade left behind
            if left:
                dirty.append(f"slot {number}: " + "; ".join(left[:3]))
                os.close(fd)
                continue
            slot.prepare()
            return slot
        if dirty and len(dirty) >= max_slots():
            raise SandboxError("every sandbox slot is dirty and cannot be cleaned: "
                               + " | ".join(dirty[:3]))
        if time.monotonic() > deadline:
            raise SandboxError(f"no sandbox slot became free within {wait:g} s "
                               f"({max_slots()} slots; set ${SLOTS_ENV} for more)")
        dirty.clear()
        time.sleep(0.2)


def _lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd`` without waiting (False: another grade holds it)."""
    try:
        import fcntl
    except ImportError:  # Windows: a byte-range lock instead
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


# ---------------------------------------------------------------- cleaning an account
def account_processes(uid: int) -> list[int]:
    """Live processes whose real, effective or saved uid is ``uid``.

    A zombie (exited, waiting for its parent to collect it) runs nothing and holds no
    memory or files, so it is left out: the sandbox's own bubblewrap init becomes one when
    the worker is killed, and is collected by the system's init whenever that gets to it.
    A zombie thread-group leader whose other threads still run is counted.
    """
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as handle:
                fields = dict(line.split(b":", 1) for line in handle if b":" in line)
            if uid not in {int(x) for x in fields[b"Uid"].split()[:3]}:
                continue
            dead = fields[b"State"].split()[0] in (b"Z", b"X")
            if dead and int(fields.get(b"Threads", b"1")) <= 1:
                continue
            found.append(int(entry))
        except (OSError, ValueError, KeyError, IndexError):
            continue
    return found


def slot_processes(uid: int) -> list[int]:
    """The processes of ``uid`` this grader's slots may have started: those in the grader's
    own pid namespace, and their descendants in namespaces of their own (bubblewrap's).

    A process of the same numeric uid in another container (another pid namespace, not
    started from here) is someone else's and is left alone. Where a process's namespace
    cannot be read it is counted as ours.
    """
    candidates = account_processes(uid)
    own = _namespace("self")
    here = {pid for pid in candidates if _namespace(str(pid)) in (own, None)}
    return [pid for pid in candidates if pid in here or _descends_from(pid, here)]


def _namespace(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _descends_from(pid: int, ancestors: set[int]) -> bool:
    for _ in range(64):
        try:
            with open(f"/proc/{pid}/status", "rb") as handle:
                parent = next((int(line.split()[1]) for line in handle
                               if line.startswith(b"PPid:")), 0)
        except (OSError, ValueError, IndexError):
            return False
        if parent in ancestors:
            return True
        if parent <= 1:
            return False
        pid = parent
    return False


def kill_processes(uid: int) -> list[str]:
    """SIGKILL every process of ``uid`` this grader's slots may have started (stopped and
    re-parented ones too, :func:`slot_processes`) until none is left."""
    for _ in range(100):
        pids = slot_processes(uid)
        if not pids:
            return []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)
    return [f"processes {slot_processes(uid)[:5]} of uid {uid} survive SIGKILL"]


def writable_places() -> tuple[str, ...]:
    """Folders any user may create files in: :data:`SHARED_TEMP` and every folder one
    level under :data:`_PLACES_UNDER` that others may write to (links not followed)."""
    found = list(SHARED_TEMP)
    for top in _PLACES_UNDER:
        try:
            names = sorted(os.listdir(top))
        except OSError:
            continue
        for name in names:
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IWOTH and path not in found:
                found.append(path)
    return tuple(found)


def remove_files(uid: int, roots: tuple[str, ...] = SHARED_TEMP) -> list[str]:
    """Remove what ``uid`` owns under ``roots`` (never following links), however many
    entries they hold; what could not be removed or searched.

    Only folders others may write to are searched: the account can have created files
    nowhere else (its own folders are removed whole).
    """
    left: list[str] = []

    def unreadable(error: OSError) -> None:
        if not isinstance(error, FileNotFoundError):
            left.append(f"{error.filename} could not be searched: {error.strerror}")

    for root in dict.fromkeys(roots):
        if not os.path.isdir(root) or os.path.islink(root):
            continue
        for folder, dirs, files in os.walk(root, topdown=True, onerror=unreadable):
            descend = []
            for name in dirs + files:
                path = os.path.join(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                if info.st_uid == uid:
                    _remove_tree(Path(path))
                    if os.path.lexists(path):
                        left.append(f"{path} could not be removed")
                elif stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IWOTH:
                    descend.append(name)
            dirs[:] = descend
    return left


def remove_ipc(uid: int) -> list[str]:
    """Remove SysV shared memory segments, message queues and semaphores of ``uid``, and
    its POSIX message queues (see :func:`remove_message_queues`)."""
    left = remove_message_queues(uid)
    for kind, flag in (("shm", "-m"), ("msg", "-q"), ("sem", "-s")):
        for ident in _ipc_of(kind, uid):
            subprocess.run(["ipcrm", flag, str(ident)], capture_output=True)
        remaining = _ipc_of(kind, uid)
        if remaining:
            left.append(f"SysV {kind} {remaining[:5]} of uid {uid} remain")
    return left


MQUEUE = "/dev/mqueue"


def remove_message_queues(uid: int) -> list[str]:
    """Remove the POSIX message queues ``uid`` owns. They are listed only through a
    ``mqueue`` file system: ``/dev/mqueue`` when mounted, else (root) a private mount of
    this IPC namespace's queues made for the search and taken down after it. Where
    neither can be had (no such mount, and mounting is not allowed), nothing is said."""
    if _mounted_mqueue(MQUEUE):
        return remove_files(uid, (MQUEUE,))
    if os.geteuid() != 0:
        return []
    import ctypes
    import tempfile

    libc = ctypes.CDLL(None, use_errno=True)
    where = tempfile.mkdtemp(prefix="mqueue-", dir=slot_parent())
    try:
        if libc.mount(b"none", where.encode(), b"mqueue", 0, None) != 0:
            return []
        try:
            return [note.replace(where, MQUEUE) for note in remove_files(uid, (where,))]
        finally:
            libc.umount2(where.encode(), 2)  # MNT_DETACH
    finally:
        try:
            os.rmdir(where)
        except OSError:
            pass


def _mounted_mqueue(path: str) -> bool:
    try:
        with open("/proc/self/mounts") as handle:
            return any(line.split()[1:3] == [path, "mqueue"] for line in handle
                       if len(line.split()) > 2)
    except OSError:
        return False


def _ipc_of(kind: str, uid: int) -> list[int]:
    try:
        with open(f"/proc/sysvipc/{kind}") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    if not lines:
        return []
    names = lines[0].split()
    found = []
    for line in lines[1:]:
        values = dict(zip(names, line.split()))
        try:
            if int(values.get("uid", -1)) == uid or int(values.get("cuid", -1)) == uid:
                found.append(int(values["shmid" if kind == "shm" else
                                       "msqid" if kind == "msg" else "semid"]))
        except (KeyError, ValueError):
            continue
    return found


def _remove_tree(path: Path) -> None:
    """Remove ``path`` whatever the modes inside it (the account may have made them 0)."""
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
        return

    def fix(function, target, _info):  # type: ignore[no-untyped-def]
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
        except OSError:
            pass
        try:
            function(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=fix)
