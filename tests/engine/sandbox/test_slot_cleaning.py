"""Slot cleaning is complete or says the slot is dirty: an account (account mode, the
grader root) that leaves more entries than any fixed cap, or a POSIX message queue,
leaves nothing behind."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from gradekit.sandbox import slots

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root to act as a sandbox account")

UID = 54_329  # no account: nothing else runs as it
ENTRIES = 60_000  # above the 50 000 entries the cleaning used to stop at


def as_account(work) -> None:
    """Run ``work()`` in a child as ``UID`` (its own group), then wait for it."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(UID)
            os.setuid(UID)
            work()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def owned_by(root: str, uid: int) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        found += [os.path.join(folder, n) for n in dirs + files
                  if os.lstat(os.path.join(folder, n)).st_uid == uid]
    return found


def test_more_entries_than_any_cap_are_all_removed():
    shared = tempfile.mkdtemp(prefix="gradekit-shared-")  # a world-writable place
    os.chmod(shared, 0o1777)
    try:
        def litter() -> None:
            for index in range(ENTRIES):
                os.close(os.open(os.path.join(shared, f"f{index}"), os.O_CREAT | os.O_WRONLY,
                                 0o600))
            os.mkdir(os.path.join(shared, "folder"))
            for index in range(10):
                open(os.path.join(shared, "folder", f"g{index}"), "w").close()

        as_account(litter)
        assert len(owned_by(shared, UID)) == ENTRIES + 11
        assert slots.remove_files(UID, (shared,)) == []
        assert owned_by(shared, UID) == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_writable_places_cover_the_shared_folders():
    places = slots.writable_places()
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue"):
        assert folder in places
    for folder in places:
        if os.path.isdir(folder) and not os.path.islink(folder) and \
                folder not in slots.SHARED_TEMP:
            assert os.lstat(folder).st_mode & 0o002, folder


def _librt():
    try:
        return ctypes.CDLL("librt.so.1", use_errno=True)
    except OSError:
        return ctypes.CDLL(None, use_errno=True)


def test_a_posix_message_queue_of_the_account_is_removed():
    rt = _librt()
    rt.mq_open.restype = ctypes.c_int
    name = f"/gradekit-test-{os.getpid()}".encode()

    def make_queue() -> None:
        fd = rt.mq_open(name, os.O_CREAT | os.O_RDWR, 0o600, None)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "mq_open")
        os.close(fd)  # the queue outlives every descriptor until unlinked

    try:
        as_account(make_queue)
    except AssertionError:
        pytest.skip("POSIX message queues are not available here")
    try:
        assert slots.remove_ipc(UID) == []
    finally:
        ctypes.set_errno(0)
        gone = rt.mq_unlink(name) != 0 and ctypes.get_errno() == errno.ENOENT
    assert gone, "the queue outlived the cleaning"


def _started(command: list[str], uid_expected: int) -> "subprocess.Popen[bytes]":
    """Start ``command`` and wait until a process of ``uid_expected`` from it runs."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not slots.account_processes(uid_expected):
        time.sleep(0.02)
    return process


@pytest.mark.skipif(not (shutil.which("unshare") and shutil.which("setpriv")),
                    reason="needs util-linux's unshare and setpriv")
def test_a_process_of_the_same_uid_in_another_container_is_left_alone():
    """Another container on the same host gives its sandbox account the same numeric uid:
    its worker is in a pid namespace of its own that this grader did not start, so
    cleaning leaves it running; one of ours, in our namespace, is killed."""
    drop = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups"]
    elsewhere = _started(["unshare", "--pid", "--fork", *drop, "sleep", "60"], UID)
    try:
        theirs = slots.account_processes(UID)
        if len(theirs) != 1 or slots._namespace(str(theirs[0])) == slots._namespace("self"):
            pytest.skip("no separate pid namespace could be made here")
        ours = _started([*drop, "sleep", "60"], UID)
        try:
            assert slots.slot_processes(UID) == [ours.pid]
            assert slots.kill_processes(UID) == []
            assert ours.wait(timeout=10) == -9
            assert slots.account_processes(UID) == theirs  # the other container's, running
        finally:
            ours.kill()
            ours.wait()
    finally:
        os.killpg(elsewhere.pid, 9)
        elsewhere.wait()
    deadline = time.monotonic() + 10
    while slots.account_processes(UID) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert slots.account_processes(UID) == []
