#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of every entry that takes outside bytes:
#   evaluate_json  the core's JSON entries (evaluate_json, Case::from_json, ...)
#   c_json         the C JSON entries nettx_evaluate_json and nettx_evaluate_json_len
#   c_typed        nettx_evaluate on any nettx_case memory, then every accessor
#   fhir_record    nettx_fhir::map_record (FHIR Bundle or prefetch), evaluation, cards
# What each asserts: crates/nettx-checks/src/{core_checks,fhir_checks}.rs and
# crates/nettx-capi/src/checks.rs.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: 30 s each, all four)
#
# Needs only a stable Rust toolchain (rustup) and gcc/g++: cargo-fuzz (pinned
# below) is installed with `cargo install --locked` if missing, and the
# targets are built with `cargo fuzz build --sanitizer none`, which adds
# libFuzzer's sanitizer-coverage instrumentation with flags stable rustc
# accepts (no AddressSanitizer: that needs nightly). Each target runs for
# SECONDS, one job, from its checked-in seeds (fuzz/seeds/TARGET) and
# regression inputs (fuzz/regressions/TARGET) and its working corpus
# (fuzz/corpus/TARGET, git-ignored, kept between runs), with the dictionary
# fuzz/json.dict. Prints executions, exec/s, coverage and corpus
# size per target; exits 1 if any target crashed (a broken invariant, a panic,
# a timeout or running out of memory), printing the input it saved
# (fuzz/artifacts/TARGET/). Full logs: fuzz/target/fuzz-logs/TARGET.log.
#
# To keep a finding as a regression test: fix it, then copy the artifact to
# fuzz/regressions/TARGET/NAME; `cargo test` replays every file there
# (crates/nettx-tests/tests/fuzz_regressions.rs, crates/nettx-fhir/tests/fuzz_regressions.rs,
# crates/nettx-capi/src/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(evaluate_json c_json c_typed fhir_record)
# Past the 65,536-byte limit of a case (and of a case_id read from C).
MAX_LEN=70000
# A working corpus with more files than this is minimized before a run.
MAX_CORPUS_FILES=10000

usage() {
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
}

seconds=30
if [ $# -gt 0 ]; then
    case "$1" in
        '' | *[!0-9]*) usage ;;
        *) seconds=$1 ;;
    esac
    shift
fi
[ "$seconds" -gt 0 ] || usage
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    case " ${ALL_TARGETS[*]} " in
        *" $t "*) ;;
        *) echo "unknown target: $t" >&2; usage ;;
    esac
done

if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install --locked cargo-fuzz --version "=$CARGO_FUZZ_VERSION"
fi

triple=$(rustc -vV | sed -n 's/^host: //p')
echo "==> building the fuzz targets ($(rustc --version), $triple)"
cargo fuzz build --sanitizer none --debug-assertions --target "$triple"

# Where cargo put the targets: fuzz/target, or an (absolute) CARGO_TARGET_DIR.
built=${CARGO_TARGET_DIR:-fuzz/target}
logs=fuzz/target/fuzz-logs
mkdir -p "$logs"
failed=()
for t in "${targets[@]}"; do
    bin="$built/$triple/release/$t"
    corpus="fuzz/corpus/$t"
    artifacts="fuzz/artifacts/$t"
    log="$logs/$t.log"
    mkdir -p "$corpus" "$artifacts"
    files=$(find "$corpus" -type f | wc -l)
    if [ "$files" -gt "$MAX_CORPUS_FILES" ]; then
        # Keep only the inputs that add coverage (a few seconds), so that the
        # next runs do not spend their time loading superseded ones.
        echo "==> minimizing $corpus ($files files)"
        rm -rf "$corpus.min"
        mkdir -p "$corpus.min"
        "$bin" -merge=1 "$corpus.min" "$corpus" -max_len="$MAX_LEN" -timeout=10 \
            >"$logs/$t.merge.log" 2>&1
        rm -rf "$corpus"
        mv "$corpus.min" "$corpus"
    fi
    echo "==> fuzzing $t for $seconds s"
    status=0
    # New inputs go to the first directory; the seeds and the regression
    # inputs (which include inputs past the size limits) are only read.
    "$bin" "$corpus" "fuzz/seeds/$t" "fuzz/regressions/$t" \
        -dict=fuzz/json.dict \
        -max_total_time="$seconds" \
        -max_len="$MAX_LEN" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" \
        -print_final_stats=1 \
        >"$log" 2>&1 || status=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
    files=$(find "$corpus" -type f | wc -l)
    printf '%s: %s executions in %s s, %s exec/s; cov %s, ft %s; corpus %s inputs (%s files in %s)\n' \
        "$t" "${runs:-?}" "${took:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$files" "$corpus"

    crashes=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
    if [ "$status" -ne 0 ] || [ -n "$crashes" ]; then
        echo "FAILED: $t (libFuzzer exit status $status), full log in $log:" >&2
        # The broken invariant (a panic's message), then libFuzzer's verdict.
        grep -m 1 -A 12 'panicked at' "$log" >&2 || true
        grep -E '^==[0-9]+== ERROR|^SUMMARY|^artifact_prefix' "$log" >&2 || true
        for a in $crashes; do
            echo "input saved to $a (replay: $bin $a)" >&2
        done
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "==> fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
echo "==> no crash in ${targets[*]}"
