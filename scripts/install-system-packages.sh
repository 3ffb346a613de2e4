#!/usr/bin/env bash
# Debian packages the project's features and tests need beyond Python:
# - bubblewrap: confines the grader's worker (namespaces: its own pid, mount, IPC and
#   network view); without it, hidden grading runs only as root with sandbox accounts;
# - chromium and a font: the report test opens report.html in a headless browser;
# - with --containers only: podman, runc (crun refuses cgroup v1 hybrid hosts) and
#   mmdebstrap, for `make container-check`.
# Run as root (CI is); installs only what is missing, and nothing when not root.
set -euo pipefail
missing=()
options=(--no-install-recommends)
if [ "${1:-}" = "--containers" ]; then
    options=()  # podman's networking (netavark) and storage helpers are recommends
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v runc >/dev/null 2>&1 || missing+=(runc)
    command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
else
    command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
fi
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages already installed${1:+ ($1)}"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-packages.sh: not root, so ${missing[*]} not installed; the" \
         "features that need them say so, and their tests are skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null \
    || { echo "install-system-packages.sh: could not install ${missing[*]}; the features" \
              "that need them say so" >&2; exit 0; }
echo "installed ${missing[*]}"
