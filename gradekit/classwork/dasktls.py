"""Mutual TLS for the Dask cluster a class grade runs on.

A Dask scheduler runs whatever task a client sends it, as the Dask worker's user (root
on a grading host). Without TLS anyone who reaches its port, a student's code in a
sandbox that shares the host's network among them, is such a client. With TLS, Dask
(``distributed.security.Security``) makes both ends show a certificate signed by the
cluster's own CA: a connection without one is refused before a message is read.

:func:`create` writes a fresh CA certificate and one certificate with its key, signed by
it, for the scheduler, the workers and the client alike (the CA's key is then thrown
away: nobody can sign another). Run it once per cluster (or per run)::

    python -m gradekit.classwork.dasktls CREDENTIALS

and start the cluster with the same folder (readable only by the user running Dask)::

    dask scheduler --protocol tls --tls-ca-file CREDENTIALS/ca.pem \\
        --tls-cert CREDENTIALS/cert.pem --tls-key CREDENTIALS/key.pem
    dask worker tls://head:8786 --tls-ca-file ... --tls-cert ... --tls-key ...
    gradekit grade-class SUBMISSIONS out/ --executor dask --scheduler tls://head:8786 \\
        --dask-tls CREDENTIALS
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from gradekit.errors import UserError

CA, CERT, KEY = "ca.pem", "cert.pem", "key.pem"
DAYS = 60


def create(folder: Path) -> Path:
    """Write ``ca.pem``, ``cert.pem`` and ``key.pem`` into ``folder`` (made 0700, files
    0600) with the ``openssl`` command; return the folder."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise UserError("creating Dask TLS credentials needs the openssl command "
                        "(Debian: apt-get install openssl)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    old = os.umask(0o077)
    try:
        with tempfile.TemporaryDirectory(prefix="gradekit-ca-") as scratch:
            ca_key, request = Path(scratch) / "ca-key.pem", Path(scratch) / "cert.csr"
            ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            steps = [
                [openssl, "req", "-x509", *ec, "-keyout", str(ca_key), "-out",
                 str(folder / CA), "-days", str(DAYS), "-subj", "/CN=gradekit dask CA"],
                [openssl, "req", *ec, "-keyout", str(folder / KEY), "-out", str(request),
                 "-subj", "/CN=gradekit dask"],
                [openssl, "x509", "-req", "-in", str(request), "-CA", str(folder / CA),
                 "-CAkey", str(ca_key), "-set_serial", str(int.from_bytes(os.urandom(8), "big")),
                 "-days", str(DAYS), "-out", str(folder / CERT)],
            ]
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True)
                if done.returncode != 0:
                    raise UserError(f"openssl failed: {done.stderr.strip()[-300:]}")
    finally:
        os.umask(old)
    for name in (CA, CERT, KEY):
        os.chmod(folder / name, 0o600)
    return folder


def refuse_open(folder: Path) -> None:
    """Refuse credentials another user could read (their key lets anyone in)."""
    from gradekit.sandbox.exposure import first_readable

    for name in (CA, CERT, KEY):
        if not (Path(folder) / name).is_file():
            raise UserError(f"{folder}: no {name} (create the credentials with "
                            f"`python -m gradekit.classwork.dasktls {folder}`)")
    found = first_readable(Path(folder))
    if found is not None:
        raise UserError(f"other users could read {found} (the Dask TLS credentials): "
                        f"run `chmod -R go-rwx {folder}`")


def security(folder: Path) -> Any:
    """Dask's ``Security`` using the credentials in ``folder`` for every role, with
    encryption required."""
    from distributed.security import Security

    refuse_open(folder)
    files = {role: (str(Path(folder) / CERT), str(Path(folder) / KEY))
             for role in ("client", "scheduler", "worker")}
    return Security(tls_ca_file=str(Path(folder) / CA), require_encryption=True,
                    tls_client_cert=files["client"][0], tls_client_key=files["client"][1],
                    tls_scheduler_cert=files["scheduler"][0],
                    tls_scheduler_key=files["scheduler"][1],
                    tls_worker_cert=files["worker"][0], tls_worker_key=files["worker"][1])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gradekit.classwork.dasktls FOLDER", file=sys.stderr)
        return 2
    try:
        folder = create(Path(argv[0]))
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {folder}/{CA}, {CERT}, {KEY} (readable by you only)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
