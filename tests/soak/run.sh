#!/usr/bin/env bash
# Soak tests: 10,000,000 iterations through the C API (each one JSON and one
# typed evaluation: tests/soak/soak.c, linked against the release STATIC
# library) and 10,000,000 evaluations through Python's nettx.evaluate_many in
# batches of 10,000 (tests/soak/soak.py); every result checked, resident
# memory (VmRSS) read after a warm-up and at the end (for Python, the lowest
# of the last 10 batches each time: see soak.py). Each soak fails on a wrong
# result or an RSS growth of 2 MiB (2048 KiB) or more.
#
# Not part of `make test` / scripts/test.sh (about a minute on 2 cores); the
# figures are in TESTING.md.
#
#   tests/soak/run.sh            both soaks, full size (10M each)
#   tests/soak/run.sh --quick    1/100 of the evaluations (100,000 each)
#   tests/soak/run.sh --c-only | --python-only
#
# Extra arguments for the programs: SOAK_C_ARGS, SOAK_PY_ARGS (see soak.c and
# soak.py), e.g. a self-test that must FAIL on growth:
#   SOAK_C_ARGS="--leak-every 50" SOAK_PY_ARGS="--leak-every 5" tests/soak/run.sh --quick
#
# Needs a Rust toolchain, gcc, make and Python 3.9+ with venv. Builds libnettx
# with `make install PREFIX=<temp>` (release) and links soak.c as
# tests/c/run.sh does (libnettx.a and nettx.pc's Libs.private). Uses the
# nettx installed in .venv; installs it (`pip install ./python`) only if
# `.venv/bin/python -c "import nettx"` fails (--reinstall: always).
# Exits non-zero if either soak fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

C_ITERATIONS=10000000
PY_EVALUATIONS=10000000
RUN_C=1
RUN_PY=1
REINSTALL=0
for arg in "$@"; do
    case $arg in
    --quick)
        C_ITERATIONS=100000
        PY_EVALUATIONS=100000
        ;;
    --c-only) RUN_PY=0 ;;
    --python-only) RUN_C=0 ;;
    --reinstall) REINSTALL=1 ;;
    *)
        echo "usage: tests/soak/run.sh [--quick] [--c-only | --python-only] [--reinstall]" >&2
        exit 2
        ;;
    esac
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nettx-soak.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
step() { printf '\n==> %s\n' "$*"; }
START=$SECONDS
C_RESULT="not run"
PY_RESULT="not run"
FAILED=0

if [[ $RUN_C == 1 ]]; then
    step "C: make install PREFIX=<temp> (release build of libnettx)"
    PREFIX="$TMP/prefix"
    if ! make --no-print-directory install PREFIX="$PREFIX" > "$TMP/install.log" 2>&1; then
        tail -n 40 "$TMP/install.log" >&2
        echo "soak: make install failed" >&2
        exit 1
    fi
    tail -n 1 "$TMP/install.log"
    read -r -a STATIC_LIBS <<< "$(sed -n 's/^Libs.private: //p' "$PREFIX/lib/pkgconfig/nettx.pc")"

    step "C: build tests/soak/soak.c against libnettx.a (-std=c99 -Wall -Wextra -Werror -pedantic -O2)"
    python3 tests/c/prepare.py tests/conformance "$TMP/data" || exit 1
    gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I"$PREFIX/include" tests/soak/soak.c \
        "$PREFIX/lib/libnettx.a" "${STATIC_LIBS[@]}" -o "$TMP/soak" || exit 1
    if ldd "$TMP/soak" 2> /dev/null | grep -q libnettx; then
        echo "soak: the soak program loads libnettx.so; it must be static" >&2
        exit 1
    fi

    step "C: soak, $C_ITERATIONS iterations (one JSON + one typed evaluation each)"
    read -r -a EXTRA <<< "${SOAK_C_ARGS:-}"
    "$TMP/soak" -n "$C_ITERATIONS" "${EXTRA[@]}" \
        tests/conformance/golden.jsonl "$TMP/data/inputs.hex" "$TMP/data/typed.txt" | tee "$TMP/c.log"
    rc=${PIPESTATUS[0]}
    C_RESULT=$(grep '^SOAK c ' "$TMP/c.log" | tail -n 1)
    if [[ $rc -ne 0 ]]; then
        FAILED=1
        C_RESULT="FAILED (exit status $rc) ${C_RESULT}"
    fi
fi

if [[ $RUN_PY == 1 ]]; then
    step "Python: nettx in .venv"
    PY=.venv/bin/python
    if [[ ! -x $PY ]]; then
        "${PYTHON:-python3}" -m venv .venv || exit 1
    fi
    if [[ $REINSTALL == 1 ]] || ! "$PY" -c "import nettx" > /dev/null 2>&1; then
        echo "installing the package (pip install ./python)"
        "$PY" -m pip install --quiet --disable-pip-version-check ./python || exit 1
    fi
    # From a scratch directory, so that the installed package is imported.
    (cd "$TMP" && "$OLDPWD/$PY" -c 'import nettx; print("nettx", nettx.__version__, "from", nettx.__file__)') || exit 1

    step "Python: soak, $PY_EVALUATIONS evaluations through evaluate_many"
    read -r -a EXTRA <<< "${SOAK_PY_ARGS:-}"
    (cd "$TMP" && "$OLDPWD/$PY" "$OLDPWD/tests/soak/soak.py" --evaluations "$PY_EVALUATIONS" "${EXTRA[@]}") |
        tee "$TMP/py.log"
    rc=${PIPESTATUS[0]}
    PY_RESULT=$(grep '^SOAK python ' "$TMP/py.log" | tail -n 1)
    if [[ $rc -ne 0 ]]; then
        FAILED=1
        PY_RESULT="FAILED (exit status $rc) ${PY_RESULT}"
    fi
fi

step "soak summary ($((SECONDS - START)) s)"
printf '  C:      %s\n  Python: %s\n' "$C_RESULT" "$PY_RESULT"
if [[ $FAILED -ne 0 ]]; then
    echo "soak: FAILED"
    exit 1
fi
echo "soak: passed"
