"""Grade in a real container, as Gradescope runs the autograder: `make container-check`.

Builds the autograder image of one assignment (default assignment1, which needs no
torch) with podman from the project's Dockerfile, on a Debian base made with mmdebstrap
(no image registry is reachable from our machines), then runs `run_autograder` in it the
way Gradescope does: as root, `--memory 768m --cpus 0.5 --network none`, podman's default
seccomp profile. Three hand-ins: the reference and the skeleton (each must score check
for check what `gradekit grade` gives them on this machine) and a hostile one that tries
to read the reference and the checks, forge results.json and reach the network (0, and
nothing leaked). Prints what each scored and which confinement the grader chose there,
and why.

The host's package sources (mmdebstrap reads them) and CA certificates (mounted into the
build) are passed on, as machines behind a proxy need. Where podman or mmdebstrap is
missing, podman cannot run a container here or the image cannot be built (package
mirrors out of reach), one line says so and the exit status is 0 (``--strict``: 1).

    .venv/bin/python scripts/container_check.py [--assignment NAME] [--keep-images] [--strict]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE = "localhost/gradekit-base:bookworm"
BASE_PACKAGES = "python3,python3-venv,python3-pip,ca-certificates"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Limits podman may set here without CAP_SYS_RESOURCE (its defaults exceed the host's).
ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"]
GRADESCOPE_LIMITS = ["--memory", "768m", "--cpus", "0.5", "--network", "none"]

HOSTILE = '''
"""A hand-in that attacks the grader it runs in (the container check's third case)."""
import glob, json, os, socket

FOUND = []
for pattern in ("/autograder/source/solutions/**/*.py", "/autograder/source/autograder/**/*.py",
                "/autograder/results/*", "/autograder/source/run_autograder"):
    for path in glob.glob(pattern, recursive=True)[:3]:
        try:
            with open(path, "rb") as handle:
                FOUND.append(f"LEAKED {path}: {handle.read(40)!r}")
        except OSError:
            pass
try:
    with open("/autograder/results/results.json", "w") as handle:
        json.dump({"score": 1000, "output": "FORGED"}, handle)
    FOUND.append("LEAKED write to results.json")
except OSError:
    pass
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2).close()
    FOUND.append("LEAKED network")
except OSError:
    pass
if FOUND:
    raise RuntimeError("; ".join(FOUND))
raise RuntimeError("CONTAINED: nothing of the grader's could be read or written")
'''


class Skipped(Exception):
    """The check cannot run on this machine (said in one line)."""


def run(command: list[str], what: str, timeout: float = 1800, **kwargs) -> str:
    """Run ``command``; its stdout, or a RuntimeError naming ``what`` with its last lines."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def runtime() -> str:
    """An OCI runtime podman can start a limited container with here (crun, else runc)."""
    if not shutil.which("podman"):
        raise Skipped("podman is not installed (scripts/install-system-packages.sh "
                      "--containers installs it)")
    reasons = []
    for name in ("crun", "runc"):
        if not shutil.which(name):
            continue
        done = subprocess.run(["podman", "--runtime", name, "run", "--rm", *ULIMITS,
                               *GRADESCOPE_LIMITS, BASE_IMAGE, "true"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode == 0:
            return name
        reasons.append(f"{name}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    raise Skipped("podman cannot run a container with Gradescope's limits here ("
                  + "; ".join(reasons or ["no OCI runtime"]) + ")")


def base_image() -> None:
    """A Debian bookworm base with python3, made with mmdebstrap from the host's sources."""
    if not shutil.which("podman"):
        raise Skipped("podman is not installed")
    if subprocess.run(["podman", "image", "exists", BASE_IMAGE]).returncode == 0:
        return
    if not shutil.which("mmdebstrap"):
        raise Skipped("mmdebstrap is not installed (scripts/install-system-packages.sh "
                      "--containers installs it)")
    with tempfile.TemporaryDirectory(prefix="gradekit-base-") as work:
        tarball = Path(work) / "base.tar"
        print("making the Debian base with mmdebstrap (about a minute) ...", flush=True)
        run(["mmdebstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", "bookworm",
             str(tarball)], "mmdebstrap")
        run(["podman", "import", str(tarball), BASE_IMAGE], "podman import")


def build(assignment: str, oci: str, work: Path) -> str:
    """The autograder image of ``assignment``, built from its dist/ autograder.zip."""
    archive = ROOT / "dist" / assignment / "autograder.zip"
    if not archive.is_file():
        raise RuntimeError(f"{archive} is missing: run `make release` first")
    context = work / "context"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(context)
    tag = f"localhost/gradekit-check-{assignment}"
    mounts = ["--volume", f"{CA_BUNDLE}:{CA_BUNDLE}:ro"] if CA_BUNDLE.is_file() else []
    print(f"building {tag} from {archive.relative_to(ROOT)} (setup.sh runs inside) ...",
          flush=True)
    try:
        run(["podman", "--runtime", oci, "build", *ULIMITS, *mounts, "--build-arg",
             f"BASE={BASE_IMAGE}", "--tag", tag, str(context)], "podman build")
    except RuntimeError as error:  # most often the package mirrors or PyPI out of reach
        raise Skipped(f"the image could not be built here: {error}") from None
    return tag


def hand_ins(assignment: str, work: Path) -> dict[str, Path]:
    """Reference, skeleton and hostile submission folders (code only)."""
    folders = {}
    for name, source in (("reference", ROOT / "solutions" / assignment),
                         ("skeleton", ROOT / "student_template" / assignment)):
        folder = work / name
        shutil.copytree(source / "cs231n", folder / "cs231n")
        folders[name] = folder
    hostile = work / "hostile"
    shutil.copytree(folders["skeleton"], hostile)
    for module in sorted((hostile / "cs231n").rglob("*.py")):
        if module.name != "__init__.py":
            module.write_text(HOSTILE, encoding="utf-8")
    folders["hostile"] = hostile
    return folders


SLOTS = "/opt/gradekit/slots"
"""Where setup.sh builds the workers' runtime into the image (and run_autograder's slots go)."""


def grade(tag: str, oci: str, submission: Path, results: Path) -> tuple[dict, list[str]]:
    """results.json of one `run_autograder` in a fresh container with Gradescope's limits,
    and the runtime folders in the image's sandbox folder after it."""
    results.mkdir(parents=True, exist_ok=True)
    listed = run(["podman", "--runtime", oci, "run", "--rm", *ULIMITS, *GRADESCOPE_LIMITS,
                  "--volume", f"{submission}:/autograder/submission:ro",
                  "--volume", f"{results}:/autograder/results", tag, "bash", "-c",
                  f"/autograder/run_autograder >&2; echo __slots__; ls -1 {SLOTS} || true"],
                 f"run_autograder on {submission.name}", timeout=900)
    after = listed.split("__slots__", 1)[-1].split()
    return (json.loads((results / "results.json").read_text(encoding="utf-8")),
            [name for name in after if name.startswith("runtime-")])


def on_host(assignment: str, submission: Path) -> dict:
    """The same hand-in graded by `gradekit grade` on this machine (the yardstick)."""
    done = subprocess.run([sys.executable, "-m", "gradekit", "grade", str(submission),
                           "--assignment", assignment, "--json"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    return json.loads(done.stdout)


def scores(document: dict) -> dict[str, float]:
    return {str(t.get("number")): t.get("score", 0) for t in document.get("tests", [])}


def judge(name: str, document: dict, host: dict) -> list[str]:
    """What is wrong with one case's results in the container (empty when it behaved)."""
    problems = []
    if name != "hostile" and scores(document) != scores(host):
        differ = sorted(n for n in set(scores(document)) | set(scores(host))
                        if scores(document).get(n) != scores(host).get(n))
        problems.append(f"scores differ from the host's on {', '.join(differ[:8])}")
    if name in ("skeleton", "hostile") and document.get("score", 0) > 0:
        problems.append(f"{name} earned {document.get('score')}")
    text = json.dumps(document)
    if name == "hostile" and ("LEAKED" in text or "FORGED" in text or "CONTAINED" not in text):
        found = text.find("LEAKED")
        problems.append("the hostile hand-in was not contained: "
                        + (text[found:found + 200] if found >= 0 else "no CONTAINED message"))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="assignment1")
    parser.add_argument("--keep-images", action="store_true",
                        help="keep the assignment's image (the base image is always kept)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when the check cannot run here")
    options = parser.parse_args(argv)
    try:
        base_image()
        oci = runtime()
    except Skipped as why:
        print(f"container-check: skipped: {why}")
        return 1 if options.strict else 0
    failures = []
    with tempfile.TemporaryDirectory(prefix="gradekit-container-") as scratch:
        work = Path(scratch)
        try:
            tag = build(options.assignment, oci, work)
        except Skipped as why:
            print(f"container-check: skipped: {why}")
            return 1 if options.strict else 0
        try:
            for name, folder in hand_ins(options.assignment, work).items():
                document, runtimes = grade(tag, oci, folder, work / f"results-{name}")
                extra = document.get("extra_data", {})
                problems = judge(name, document, on_host(options.assignment, folder))
                if len(runtimes) != 1:  # the one setup.sh built, taken as it is
                    problems.append(f"{len(runtimes)} runtime folders in {SLOTS} after the "
                                    "grade, not the one setup.sh built into the image")
                failures += problems
                print(f"{name:9s} {document.get('score')} points  confinement "
                      f"{extra.get('confinement')!s}: {extra.get('confinement_reason', '-')}"
                      f"{'  <-- ' + '; '.join(problems) if problems else ''}", flush=True)
        finally:
            if not options.keep_images:
                subprocess.run(["podman", "rmi", "--force", tag], capture_output=True)
    print("container-check: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
