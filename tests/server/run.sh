#!/usr/bin/env bash
# The service suite: `nettx serve` tested from outside, over loopback, as a
# CDS client and a browser reach it (TESTING.md, "The service"). Builds the
# `nettx` binary, makes a virtualenv (tests/server/.venv, made if missing,
# reused if present) with the pinned tools of tests/server/requirements.txt
# from PyPI, installs Chromium, its driver and curl from Debian when missing,
# then runs pytest on tests/server. Each test module starts its own servers
# on free loopback ports with temporary audit logs; whatever is still running
# when this script exits is stopped by the trap below.
#
# Needs Python 3.9+ with venv, a Rust toolchain, and apt-get (as root, or
# through sudo) when chromium, chromedriver or curl is missing.
#
#   tests/server/run.sh              everything
#   tests/server/run.sh -k page      extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

PYTHON="${PYTHON:-python3}"
VENV="tests/server/.venv"
step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

# On any exit (failure, Ctrl-C, SIGTERM) the trap stops pytest (its fixtures
# then stop their servers and browser: conftest.py turns SIGTERM into
# KeyboardInterrupt), then whatever is still running of the servers and
# chromedrivers the tests started, which write their pids here.
scratch="$(mktemp -d)"
export NETTX_TEST_PIDS="$scratch/pids"
mkdir -p "$NETTX_TEST_PIDS"
pytest_pid=""
cleanup() {
    local f pid i
    if [ -n "$pytest_pid" ] && kill -0 "$pytest_pid" 2>/dev/null; then
        kill -TERM "$pytest_pid" 2>/dev/null || true
        for i in $(seq 100); do
            kill -0 "$pytest_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pytest_pid" 2>/dev/null || true
    fi
    for f in "$NETTX_TEST_PIDS"/*; do
        [ -e "$f" ] || continue
        pid="$(cat "$f")"
        case "$f" in */chromedriver-*) pkill -TERM -P "$pid" 2>/dev/null || true ;; esac
        kill -TERM "$pid" 2>/dev/null || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "build the nettx binary (cargo build --locked -p nettx-cli)"
cargo build --locked -p nettx-cli
target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
    "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
export NETTX_BIN="$target_dir/debug/nettx"
"$NETTX_BIN" --version | head -n 1

step "Chromium, chromedriver and curl from Debian (only those missing)"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        echo "missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing: ${missing[*]}, and there is no apt-get here to install them" >&2
        exit 1
    fi
    echo "installing ${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
chromium --version
chromedriver --version

step "Python virtualenv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" --version
"$PY" -m pip install --quiet --disable-pip-version-check -r tests/server/requirements.txt

step "pytest (tests/server): the page in Chromium, the CDS client, tokens, the README's curl"
# In the background so that a signal reaches the trap at once (a foreground
# command would delay it until pytest ends).
"$PY" -m pytest tests/server -p no:cacheprovider -q "$@" &
pytest_pid=$!
wait "$pytest_pid"
pytest_pid=""

step "service suite passed in $((SECONDS - started)) s"
