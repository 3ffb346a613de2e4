"""Grading a class on a Dask cluster: one task per submission, results back as data.

The client (``gradekit grade-class --executor dask --scheduler ADDRESS``) sends each
submission's bytes with its task; :func:`grade_remote` runs on a Dask worker (Dask's
name for a process that runs tasks; it never runs student code), writes them to a private
temporary folder, and grades them there with ``python -m gradekit grade`` in a subprocess
of its own (a fresh controller per task: a Dask worker's threads never share one
interpreter's pytest and module state), which takes a sandbox slot of that Dask worker's
host. The task returns ``results.json``, the feedback text and the kept files; the
client writes them into the staging folder, and the class grade installs and records
them as it does a local grade.

Dask workers need gradekit and its checks installed, at the same paths as here or as
``worker_assignment`` says.
"""

from __future__ import annotations

import base64
import collections
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from gradekit.errors import UserError
from gradekit.sandbox.blas import BLAS_ENV
from gradekit.zips import unsafe_path


def pack(path: Path, member: str | None) -> tuple[str, str, bytes]:
    """A submission as data for a task: (``"file"`` or ``"tree"``, its name, bytes).

    A folder (or a folder of a zipped export) travels as a zip of its regular files and
    is unpacked into a folder of the same name on the Dask worker.
    """
    from gradekit.classwork.inbox import Submission, unpack

    path = Path(path)
    if member is not None:
        with tempfile.TemporaryDirectory(prefix="gradekit-pack-") as temporary:
            folder, _ = unpack(Submission("", path, member), Path(temporary) / "files")
            return "tree", PurePosixPath(member.rstrip("/")).name, _zip_folder(folder)
    if path.is_dir() and not path.is_symlink():
        return "tree", path.name, _zip_folder(path)
    return "file", path.name, path.read_bytes()


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
            for name in sorted(files):
                full = Path(root) / name
                if full.is_file() and not full.is_symlink():
                    archive.write(full, full.relative_to(folder).as_posix())
    return buffer.getvalue()


def grade_remote(kind: str, name: str, payload: bytes, assignment: str, seed: int | None,
                 public_only: bool, timeout: float) -> dict[str, Any]:
    """The task: grade one packed submission on this Dask worker; plain data back.

    Returns ``results`` (the results.json text, None if none was written),
    ``feedback``, ``files`` (relative path -> base64 of the kept submitted files),
    ``returncode`` (None after ``timeout`` seconds), ``stderr`` (its end) and
    ``seconds``.
    """
    from gradekit.classwork.inbox import unpack_tree

    started = time.perf_counter()
    private = Path(tempfile.mkdtemp(prefix="gradekit-task-"))
    try:
        inbox = private / "in"
        inbox.mkdir()
        safe = PurePosixPath(name).name or "submission"
        if safe in (".", ".."):
            safe = "submission"
        if kind == "tree":
            source = inbox / safe
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                unpack_tree(archive, "", source)
        else:
            source = inbox / safe
            source.write_bytes(payload)
        out = private / "out"
        command = [sys.executable, "-m", "gradekit", "grade", str(source), "--assignment",
                   assignment, "--results", str(out / "results.json"), "--feedback",
                   str(out / "feedback.txt"), "--keep-files", str(out / "submission")]
        if seed is not None:
            command += ["--seed", str(seed)]
        if public_only:
            command.append("--public-only")
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, cwd=private,
                                  env={**os.environ, **BLAS_ENV}, stdin=subprocess.DEVNULL)
            returncode: int | None = done.returncode
            stderr = done.stderr.decode("utf-8", "replace")[-2000:]
        except subprocess.TimeoutExpired:
            returncode, stderr = None, ""
        answer: dict[str, Any] = {"returncode": returncode, "stderr": stderr,
                                  "seconds": round(time.perf_counter() - started, 3)}
        results = out / "results.json"
        answer["results"] = results.read_text(encoding="utf-8") if results.is_file() else None
        feedback = out / "feedback.txt"
        answer["feedback"] = feedback.read_text(encoding="utf-8") if feedback.is_file() else None
        files = {}
        kept = out / "submission"
        if kept.is_dir():
            for path in sorted(kept.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    files[path.relative_to(kept).as_posix()] = base64.b64encode(
                        path.read_bytes()).decode("ascii")
        answer["files"] = files
        return answer
    finally:
        shutil.rmtree(private, ignore_errors=True)


def settle_answer(answer: dict[str, Any], stage: Path) -> dict[str, Any]:
    """Write a task's answer into ``stage``; the answer as the class grade reads it."""
    returncode, results = answer.get("returncode"), answer.get("results")
    base = {"seconds": answer.get("seconds")}
    if returncode is None:
        return {**base, "status": "timeout"}
    if results is None:
        tail = (answer.get("stderr") or "").strip().splitlines()[-1:] or [""]
        return {**base, "status": "failed",
                "message": f"gradekit grade failed on the Dask worker (exit {returncode}): "
                           f"{tail[0]}"}
    stage.mkdir(parents=True, exist_ok=True)
    (stage / "results.json").write_text(results, encoding="utf-8")
    if answer.get("feedback") is not None:
        (stage / "feedback.txt").write_text(answer["feedback"], encoding="utf-8")
    kept = stage / "submission"
    for relative, data in (answer.get("files") or {}).items():
        parts = PurePosixPath(relative).parts
        if not parts or unsafe_path(relative):
            continue
        target = kept.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
    document = json.loads(results)
    error = None
    if returncode == 2:
        first = str(document.get("output", "")).split("\n", 1)[0]
        error = first.split(": ", 1)[1] if ": " in first else first or "the grade failed"
    extra = document.get("extra_data") or {}
    memory = extra.get("peak_memory_mb") or {}
    seed = extra.get("seed")
    return {**base, "status": "error" if error else "graded", "error": error, "seed": seed,
            "score": document.get("score", 0),
            "max_score": sum(float(t.get("max_score", 0)) for t in document.get("tests", [])),
            "memory_mb": {"controller_peak": memory.get("controller"),
                          "worker_peak": memory.get("worker")}}


def authenticated(scheduler: Any, credentials: Path | None) -> Any:
    """The ``Security`` to reach ``scheduler`` with; refused unless it is authenticated.

    A scheduler runs any task a client sends, so one reachable without a certificate runs
    a student's code as the Dask worker (root) should a sandbox reach it. The address must
    be ``tls://`` with credentials (``credentials``, a folder of
    :mod:`gradekit.classwork.dasktls`, or Dask's own ``distributed.comm.tls`` settings), or
    an in-process ``inproc://`` one; ``scheduler`` may also be a cluster object (tests).
    """
    from distributed.security import Security

    if credentials is not None:
        from gradekit.classwork.dasktls import security

        given = security(credentials)
    else:
        given = Security()  # Dask's configuration (DASK_DISTRIBUTED__COMM__TLS__...)
    address = str(getattr(scheduler, "scheduler_address", scheduler))
    if address.startswith("inproc://"):
        return given
    has_tls = given.get_connection_args("client").get("ssl_context") is not None
    if not address.startswith("tls://") or not has_tls:
        raise UserError(
            f"the Dask scheduler {address} is not authenticated: anyone who reaches it runs "
            "code as its workers. Run the cluster with TLS and give its credentials: "
            "--scheduler tls://HOST:PORT --dask-tls FOLDER (see "
            "`python -m gradekit.classwork.dasktls`)")
    return given


class DaskExecutor:
    """Runs class-grade tasks on the Dask cluster at ``scheduler`` (an address)."""

    def __init__(self, scheduler: Any, assignment: Path, worker_assignment: str | None = None,
                 timeout: float = 600.0, window: int | None = None,
                 credentials: Path | None = None) -> None:
        self.scheduler = scheduler
        self.credentials = credentials
        self.assignment = worker_assignment or str(Path(assignment).resolve())
        self.timeout = float(timeout)
        self.window = window
        self.submitted = 0

    def run(self, tasks: Iterable[Any], on_outcome: Callable[[Any, dict[str, Any]], None],
            should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Grade every task on the cluster, at most ``window`` in flight (default: twice
        the cluster's threads); False when ``should_stop`` said to stop first."""
        try:
            from distributed import Client
        except ImportError:
            from gradekit.extras import DASK_INSTALL_COMMAND

            raise UserError("--executor dask needs the dask extra: "
                            f"{DASK_INSTALL_COMMAND}") from None
        security = authenticated(self.scheduler, self.credentials)
        try:
            client = Client(self.scheduler, timeout="30s", set_as_default=False,
                            security=security)
        except (OSError, TimeoutError, ValueError) as error:
            raise UserError(f"cannot reach the Dask scheduler {self.scheduler}: {error}") from None
        pending = collections.deque(tasks)
        running: dict[Any, Any] = {}
        try:
            window = self.window or max(4, 2 * sum(client.nthreads().values()))
            while pending or running:
                if should_stop():
                    client.cancel(list(running))
                    return False
                while pending and len(running) < window:
                    task = pending.popleft()
                    try:
                        kind, name, payload = pack(Path(task.path), task.member)
                    except (OSError, UserError) as error:
                        on_outcome(task, {"key": task.key, "status": "failed",
                                          "message": f"cannot read it: {error}"})
                        continue
                    future = client.submit(grade_remote, kind, name, payload, self.assignment,
                                           task.seed, task.public_only, self.timeout,
                                           pure=False, retries=0)
                    running[future] = task
                    self.submitted += 1
                finished = [future for future in running if future.done()]
                if not finished:
                    time.sleep(0.1)
                for future in finished:
                    task = running.pop(future)
                    try:
                        answer = settle_answer(future.result(), Path(task.stage))
                    except Exception as error:  # noqa: BLE001 - the task failed on the cluster
                        answer = {"status": "failed",
                                  "message": f"the cluster task failed: {type(error).__name__}: "
                                             f"{error}"}
                    on_outcome(task, {"key": task.key, **answer})
            return True
        finally:
            client.close()
