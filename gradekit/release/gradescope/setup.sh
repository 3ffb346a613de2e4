#!/usr/bin/env bash
# Gradescope setup (Ubuntu 22.04). Gradescope runs this once, as root, from
# /autograder/source (the unzipped autograder.zip) while it builds the image.
#
# - installs python3, bubblewrap (namespaces for the worker, where the container allows
#   them) and the engine (every package pinned by constraints.txt, plus the extras the
#   assignment's [grading] extras names, baked into EXTRAS below by gradekit release) into
#   /opt/gradekit/venv, which every user can read and run; GRADEKIT_PIP_ARGS adds pip
#   options (e.g. "--extra-index-url https://download.pytorch.org/whl/cpu" for CPU torch);
# - creates the unprivileged account of the first sandbox slot (more are made as needed);
# - builds the workers' runtime folder into the image, under /opt/gradekit/slots (the
#   sandbox folder run_autograder then uses), so no grade builds it again;
# - locks /autograder/source (checks, reference) and /autograder/results away from it.
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AUTOGRADER="$(dirname "$SOURCE")"
VENV="${GRADEKIT_VENV:-/opt/gradekit/venv}"
SANDBOX_USER="${GRADEKIT_SANDBOX_USERS:-gradekit-sandbox-1}"
SANDBOX_USER="${SANDBOX_USER%%,*}"
# The engine extras this assignment's checks need (comma-separated; gradekit release writes it).
EXTRAS=""
# The assignment this autograder grades, inside source/: gradekit release writes it.
CONFIG="assignment/assignment.toml"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-pip python3-venv >/dev/null
# Optional: without it (or where the container forbids namespaces) the worker runs as the
# slot's account alone, which holds because /autograder is locked away from it.
apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null \
    || echo "setup.sh: bubblewrap not installed; workers run as sandbox accounts only" >&2

# The system interpreter apt installed: one every user can run (not a per-user install).
/usr/bin/python3 -m venv "$VENV"
TARGET="$SOURCE"
if [ -n "$EXTRAS" ]; then TARGET="$SOURCE[$EXTRAS]"; fi
# shellcheck disable=SC2086 # GRADEKIT_PIP_ARGS is a list of options
# constraints.txt pins every package, direct and transitive, per Python: the same zip
# builds the same image (scripts/lock_autograder.py in the repository writes it).
"$VENV/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check \
    --constraint "$SOURCE/constraints.txt" ${GRADEKIT_PIP_ARGS:-} "$TARGET"
chmod -R a+rX "$VENV"
# Every grade starts from this image, so bytecode written during a grade is lost with its
# container: compile the checks and the reference once, here (a file that does not
# compile is left to the grade, which reports it).
"$VENV/bin/python" -m compileall -q "$SOURCE" >/dev/null || true
# The folder the workers boot from (the engine's worker side and the packages they
# import), built into the image: otherwise every grade builds it again, copying every
# file of the packages (torch: a gigabyte) where the container's layers cannot link them.
export GRADEKIT_SLOT_ROOT="${GRADEKIT_SLOT_ROOT:-/opt/gradekit/slots}"
"$VENV/bin/python" -I -c 'import sys
from gradekit.config import load_assignment
from gradekit.sandbox.controller import prepare_runtime
print("setup.sh: the workers boot from", prepare_runtime(load_assignment(sys.argv[1]).grading.sandbox))' \
    "$SOURCE/$CONFIG" \
    || echo "setup.sh: the workers' runtime was not built into the image; each grade builds it" >&2

if ! id -u "$SANDBOX_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$SANDBOX_USER"
fi

mkdir -p "$AUTOGRADER/results"
chmod 700 "$SOURCE" "$AUTOGRADER/results"

# The sandbox user must be able to run the interpreter with numpy, and nothing more.
runuser -u "$SANDBOX_USER" -- "$VENV/bin/python" -I -c "import numpy" \
    || { echo "setup.sh: $SANDBOX_USER cannot run $VENV/bin/python with numpy" >&2; exit 1; }
if runuser -u "$SANDBOX_USER" -- test -r "$SOURCE/run_autograder"; then
    echo "setup.sh: $SANDBOX_USER can read $SOURCE; refusing to continue" >&2
    exit 1
fi
echo "setup.sh: gradekit installed in $VENV; student code runs as $SANDBOX_USER"
