#!/usr/bin/env bash
# System packages the tests need beyond Python: Debian's Chromium, which the report test
# opens report.html in (headless), and a font for its text. Run as root (CI is); does
# nothing when chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(chromium --version 2>/dev/null || echo unknown)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-packages.sh: not root, so chromium is not installed;" \
         "the report's browser test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed $(chromium --version)"
