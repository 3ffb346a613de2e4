"""The Dask scheduler of ``grade-class --executor dask`` runs any task its clients send:
it must accept only clients holding the cluster's certificate (mutual TLS), and a
student's code in a sandbox must not reach it at all where the sandbox has no network.

Runs in every confinement the machine offers (bubblewrap, accounts as root); skipped
without the dask extra.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from gradekit.classwork.gradeclass import Options, grade_class
from gradekit.config import load_assignment
from gradekit.errors import UserError
from tests.engine.sandbox.test_isolation import (  # noqa: F401 - fixtures
    TOY, accounts, env, mode, no_slot_folder_left, outputs, private_toy, submission)

distributed = pytest.importorskip(
    "distributed", reason="the dask extra is not installed (pip install 'gradekit[dask]')")

from gradekit.classwork import dasktls  # noqa: E402
from gradekit.classwork.cluster import authenticated  # noqa: E402


@pytest.fixture
def credentials(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    return dasktls.create(tmp_path / "dask-tls")


def tls_cluster(folder):
    return distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tls://",
        host="127.0.0.1", security=dasktls.security(folder), dashboard_address=None)


def test_credentials_are_the_grader_s_alone(credentials):
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o700
    for name in (dasktls.CA, dasktls.CERT, dasktls.KEY):
        assert stat.S_IMODE((credentials / name).stat().st_mode) == 0o600
    open_folder = Path(tempfile.mkdtemp(prefix="gk-open-tls-"))  # every user may enter
    try:
        os.chmod(open_folder, 0o755)
        shared = shutil.copytree(credentials, open_folder / "tls")
        dasktls.security(shared)  # 0700: fine where it is
        os.chmod(shared, 0o711)
        os.chmod(shared / dasktls.KEY, 0o644)
        with pytest.raises(UserError, match="other users could read .*key.pem"):
            dasktls.security(shared)
    finally:
        shutil.rmtree(open_folder)


def test_an_unauthenticated_scheduler_is_refused(credentials):
    for address in ("tcp://127.0.0.1:8786", "ws://head:8786", "tls://head:8786"):
        with pytest.raises(UserError, match="not authenticated.*--dask-tls"):
            authenticated(address, None)
    assert authenticated("tls://head:8786", credentials) is not None


def test_only_a_client_with_the_cluster_s_certificate_is_served(credentials, tmp_path):
    """Encryption alone would not do: a certificate of another CA is refused too."""
    stranger = dasktls.security(dasktls.create(tmp_path / "stranger"))
    with tls_cluster(credentials) as cluster:
        address = cluster.scheduler_address
        with distributed.Client(address, security=dasktls.security(credentials),
                                timeout="10s") as client:
            assert client.submit(sum, [40, 2]).result() == 42
        for target, security in ((address, stranger), (address, None),
                                 (address.replace("tls://", "tcp://"), None)):
            with pytest.raises(Exception):  # noqa: B017 - any refusal: TLS, comm, config
                with distributed.Client(target, security=security, timeout="3s") as client:
                    client.submit(sum, [1, 1]).result(timeout=3)


# The worker's code, knowing where the scheduler listens, speaks to it as a stranger:
# plain TCP, then TLS with no certificate; it says what it got.
REACH = '''
def scale(x, factor):
    """Reach the Dask scheduler of the class grade."""
    import socket, ssl
    got = []
    for wrap in (False, True):
        try:
            sock = socket.create_connection(("127.0.0.1", PORT), timeout=2)
        except OSError:
            continue
        got.append("connected")
        try:
            if wrap:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                sock = context.wrap_socket(sock)
            sock.sendall(b"\\x00" * 64)
            sock.settimeout(2)
            if sock.recv(1):
                got.append("answered by tls" if wrap else "answered by tcp")
        except OSError:
            pass
        finally:
            sock.close()
    if got:
        raise RuntimeError("REACHED the scheduler: " + ", ".join(got))
    return x * factor
'''


def test_a_submission_cannot_reach_the_scheduler(env, mode, tmp_path, credentials,
                                                 monkeypatch, accounts):
    for key in ("GRADEKIT_CONFINEMENT", "GRADEKIT_SLOT_ROOT", "GRADEKIT_SANDBOX_USERS",
                "GRADEKIT_SLOTS"):
        monkeypatch.setenv(key, env[key])
    course = private_toy(tmp_path)
    assignment = load_assignment(course / "assignment" / "assignment.toml")
    classroom = tmp_path / "class"
    classroom.mkdir()
    out = tmp_path / "out"
    with tls_cluster(credentials) as cluster:
        port = int(cluster.scheduler_address.rsplit(":", 1)[1])
        shutil.copytree(submission(tmp_path, "caller", ops=f"PORT = {port}\n" + REACH),
                        classroom / "caller")
        summary = grade_class(classroom, out, assignment, Options(
            executor="dask", scheduler=cluster.scheduler_address, dask_tls=credentials,
            seed=3, build_reports=False))
    assert summary.progress.done == 1, summary
    document = json.loads((out / "caller" / "results.json").read_text())
    assert document["extra_data"]["confinement"] == mode
    reason = document["extra_data"]["confinement_reason"]
    if mode == "bwrap" or "network namespace of its own" in reason:
        assert "REACHED" not in outputs(document), outputs(document)  # not even a connection
        assert document["score"] == 13, outputs(document)
    else:  # the worker shares the host's network: TLS alone keeps it out
        assert "answered" not in outputs(document), outputs(document)
