#!/usr/bin/env bash
# System packages the test suite uses beyond Python: Debian's chromium, for the
# one real-browser test of the query UI (driven by Playwright, which is told to
# use this browser: `playwright install` is never run). Idempotent: does nothing
# when chromium is already there. Without root (and without sudo) it only warns:
# the browser test then skips and says why.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "warning: chromium is not installed and this user cannot install it;" \
         "the browser test will be skipped" >&2
    exit 0
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
