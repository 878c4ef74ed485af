#!/usr/bin/env bash
# System packages the test suite uses beyond Python, from Debian:
# - chromium, for the real-browser tests of the query UI (driven by Playwright, which
#   is told to use this browser: `playwright install` is never run);
# - virtuoso-opensource (Virtuoso 7), the third SPARQL engine of the remote-store
#   tests (marker `virtuoso`). tests/virtuoso_fixtures.py starts its own `virtuoso-t`
#   on loopback ports with a database in a temporary folder: the package's own
#   service (a database under /var/lib, ports 1111 and 8890 on every interface,
#   password "dba") is never needed and is left stopped and disabled.
# Idempotent: does nothing (in a few milliseconds) when both are already there.
# Without root (and without sudo) it only warns: the browser tests then skip and the
# Virtuoso tests fail, each saying what is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "warning: ${missing[*]} not installed and this user cannot install them:" \
         "the browser tests will skip, the Virtuoso tests will fail" >&2
    exit 0
fi

# `env` carries the frontend through sudo, which resets the environment.
APT=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get)

install_virtuoso() {
    # Preseeded empty, so that nothing is asked on a terminal nobody watches: the
    # default instance, never used, keeps Virtuoso's default password and is stopped
    # and disabled below.
    printf '%s\n' \
        "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password" \
        "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password" \
        | $SUDO debconf-set-selections
    # No recommends: the Conductor and the other web applications are not needed.
    "${APT[@]}" install -y --no-install-recommends virtuoso-opensource
    # The postinst starts the default instance to set its passwords and may leave it
    # running on systemd hosts: stop it and keep it off at boot.
    if [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now virtuoso-opensource-7 || true
    else
        $SUDO invoke-rc.d virtuoso-opensource-7 stop || true
        $SUDO update-rc.d virtuoso-opensource-7 disable || true
    fi
}

"${APT[@]}" update
for package in "${missing[@]}"; do
    case $package in
        virtuoso-opensource) install_virtuoso ;;
        *) "${APT[@]}" install -y "$package" ;;
    esac
done
