#!/usr/bin/env bash
# The Python suite: builds and installs the `nettx` package from source into
# a virtualenv (.venv at the repository root, made if missing, reused if
# present), then runs pytest, mypy.stubtest on the installed package and
# mypy --strict on the package and the example. Exits non-zero on any failure.
#
# Needs Python 3.9+ with venv and a Rust toolchain; installs its test tools
# from PyPI (tests/python/requirements.txt) into .venv only, and Java 17 for
# the Spark test from Debian (apt-get, as root) when no Java 17+ is there.
#
#   tests/python/run.sh            everything
#   tests/python/run.sh -k frame   extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

PYTHON="${PYTHON:-python3}"
VENV=".venv"
step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "Python virtualenv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" --version
"$PY" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt

step "Java 17+ for the Spark test (openjdk-17-jre-headless from Debian, if missing)"
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
        echo "Java 17 is missing and cannot be installed here (needs root and apt-get):" >&2
        echo "install openjdk-17-jre-headless; tests/python/test_spark.py needs it" >&2
        exit 1
    fi
fi
java -version 2>&1 | head -n 1

step "build and install the package from source (pip install ./python)"
# Exactly the README's command: pip builds the package with maturin (in an
# isolated build environment) and installs it.
"$PY" -m pip install --quiet --disable-pip-version-check ./python
"$PY" -c 'import nettx; print("nettx", nettx.__version__, "from", nettx.__file__)'

# Caches go to a temporary directory, not into the work tree.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export MYPY_CACHE_DIR="$scratch/mypy"
export HYPOTHESIS_STORAGE_DIRECTORY="$scratch/hypothesis"

step "pytest (tests/python)"
"$PY" -m pytest tests/python -p no:cacheprovider -q "$@"

step "mypy.stubtest nettx (the stubs against the installed package)"
# Run from the scratch directory so that the installed package, not the
# source tree, is what gets imported.
(cd "$scratch" && "$OLDPWD/$PY" -m mypy.stubtest nettx \
    --allowlist "$OLDPWD/tests/python/stubtest-allowlist.txt")

step "mypy --strict (the package and examples/cohort.py)"
"$PY" -m mypy --strict python/nettx
"$PY" -m mypy --strict examples/cohort.py

step "Python suite passed in $((SECONDS - started)) s"
