#!/usr/bin/env bash
# Every test of the project, as `make test` (the README's test command) and CI
# run it: Rust (fmt, clippy, cargo deny, unit, conformance, properties,
# hostile input, CLI), C and C++ (tests/c/run.sh: also valgrind and
# ASan + UBSan), Python (tests/python/run.sh, which makes its own .venv and
# installs its tools from PyPI), the service (tests/server/run.sh: `nettx
# serve` from outside, its page in headless Chromium, which it installs from
# Debian when missing, with its own tests/server/.venv), and 30 s of each fuzz target
# (scripts/fuzz.sh). TESTING.md says what each shows. Needs a Rust toolchain with rustfmt and clippy
# (rustup), Python 3.9+ with venv, gcc/g++ and valgrind; pkg-config is
# installed with apt-get if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
rustc --version

# A full run from a fresh clone writes about 6 GB (builds, two virtualenvs,
# Java and Chromium when missing). With less free space the run still
# starts, but a build may then die in the linker with an error that does
# not say why: say it here, first, where the log begins.
free_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [[ "$free_kb" =~ ^[0-9]+$ ]] && [ "$free_kb" -lt $((7 * 1024 * 1024)) ]; then
    echo "WARNING: only $((free_kb / 1024)) MiB free on $(df -P . | awk 'NR == 2 { print $6 }');" \
        "a run from a fresh clone needs about 6 GB. A later 'No space left on device'" \
        "or a linker's bus error means: free some space and run again."
fi

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy --workspace --all-targets -- -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "supply chain: licences, bans, sources (cargo deny, policy in deny.toml)"
scripts/deny.sh

step "Rust tests: unit, conformance, properties, bad input, CLI, doc tests"
cargo test --workspace --locked

step "the core crate packages and its packaged tests pass on their own (scripts/package.sh)"
scripts/package.sh

step "rule documentation and schemas match the code (also checked by the tests above)"
cargo run --quiet --locked -p nettx-cli -- rules --format markdown | diff -u docs/RULES.md -

step "C and C++: JSON and typed API, both libraries, threads, valgrind, ASan/UBSan, install and link"
tests/c/run.sh

step "Python: pip install ./python into .venv, pytest, mypy.stubtest, mypy --strict"
tests/python/run.sh

step "the service: nettx serve over loopback, its page in headless Chromium, tokens, the README's curl"
tests/server/run.sh

step "fuzzing: 30 s of each target (scripts/fuzz.sh; longer runs: TESTING.md)"
scripts/fuzz.sh 30

step "all tests passed"
