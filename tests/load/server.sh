#!/usr/bin/env bash
# Load and crash test of `nettx serve` (not part of `make test` /
# scripts/test.sh; figures in BENCHMARKS.md, "nettx serve under load").
#
# For each token algorithm (ES384, RS384):
#   1. the measured runs: a fresh server (one issuer, jwks_file = the test
#      JWKS, public_base_url, an empty audit log), then RUNS (3) runs one
#      after the other, each 20,000 patient-view calls (30-resource prefetch
#      record, a fresh token each) over 64 keep-alive connections
#      (crates/nettx-server/examples/load.rs), each call's latency kept
#      (latency-RUN.txt) and summed up per connection and per 0.5 s window
#      (is one serving thread behind? is the tail steady?); the server's VmRSS sampled
#      every 0.5 s from /proc/PID/status throughout, and its CPU time per run;
#   2. the fault run: a fresh server and audit log, the same load started,
#      SIGKILL to the server once a quarter of the calls are in the audit log,
#      the load left to finish (its later calls fail), the server restarted on
#      the same audit log; then checks
#        (a) every line of the audit log is whole JSON (python3 json.loads),
#        (b) every hookInstance answered 200 before the kill has its line,
#        (c) the restarted server answers and audits 1,000 more calls, and
#            stops on SIGTERM with exit status 0,
#      each printed PASS or FAIL.
#
#   tests/load/server.sh                 both algorithms
#   tests/load/server.sh es384|rs384     one
#   N=… C=… RUNS=… PORT=… LOAD_THREADS=… tests/load/server.sh   other sizes
#   EXP_SECONDS=60 RUNS=8 tests/load/server.sh rs384
#       tokens living 60 s (default 300) and more runs: the replay memory,
#       which holds each token until exp + clock skew, stops growing once
#       the first tokens expire, so the RSS levels off
#   FAULT=0 …   the measured runs only
#
# The load generator runs on the same machine (LOAD_THREADS tokio threads,
# default 1), so it takes CPU from the server: say so with the figures.
# Needs a Rust toolchain and python3. Exits 1 if a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
N=${N:-20000}
C=${C:-64}
PORT=${PORT:-18080}
LOAD_THREADS=${LOAD_THREADS:-1}
RUNS=${RUNS:-3}
EXP_SECONDS=${EXP_SECONDS:-300}
FAULT=${FAULT:-1}
ALGS=("$@")
[ ${#ALGS[@]} -eq 0 ] && ALGS=(es384 rs384)

cargo build --release --locked -p nettx-cli --bin nettx || exit 2
cargo build --release --locked -p nettx-server --example load || exit 2
NETTX=$TARGET/release/nettx
LOAD=$TARGET/release/examples/load

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nettx-load.XXXXXX")
SERVER_PID=
SAMPLER_PID=
cleanup() {
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
FAILED=0
result() { # name, 0|1, detail
    if [ "$2" -eq 0 ]; then echo "PASS $1: $3"; else echo "FAIL $1: $3"; FAILED=1; fi
}

# config AUDIT_LOG: the server's configuration file
config() {
    cat >"$WORK/config.toml" <<EOF
listen = "127.0.0.1:$PORT"
public_base_url = "http://127.0.0.1:$PORT"

[audit]
path = "$1"

[[issuers]]
iss = "https://ehr.test.nettx"
jwks_file = "$ROOT/crates/nettx-server/tests/keys/issuer-jwks.json"
EOF
}

# start AUDIT_LOG STDERR_FILE: starts the server, waits until it answers
start() {
    config "$1"
    "$NETTX" serve --config "$WORK/config.toml" 2>>"$2" &
    SERVER_PID=$!
    for _ in $(seq 100); do
        if python3 - "$PORT" <<'EOF' 2>/dev/null; then return 0; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1).read()
EOF
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start:"; cat "$2"; exit 2
}

stop() { # SIGTERM, wait; prints the exit status
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID"
    local status=$?
    SERVER_PID=
    return $status
}

# sample PID FILE: "unix_ms rss_kib" every 0.5 s while PID lives
sample() {
    local pid=$1 out=$2 rss
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || break
        [ -n "$rss" ] && echo "$(($(date +%s%N) / 1000000)) $rss" >>"$out"
        sleep 0.5
    done
}

# cpu_ticks PID: user + system time so far, in clock ticks
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

for alg in "${ALGS[@]}"; do
    ALG=$(echo "$alg" | tr a-z A-Z)
    D=$WORK/$alg
    mkdir -p "$D"
    echo
    echo "=================== $ALG: $N calls, $C connections ==================="
    start "$D/audit.jsonl" "$D/server.err"
    echo "server pid $SERVER_PID; idle VmRSS $(awk '/^VmRSS:/ {print $2, $3}' /proc/$SERVER_PID/status)"
    sample "$SERVER_PID" "$D/rss.txt" &
    SAMPLER_PID=$!
    : >"$D/runs.jsonl"
    for run in $(seq "$RUNS"); do
        echo "--- run $run of $RUNS on the same server (fresh tokens, minted before timing)"
        cpu_before=$(cpu_ticks "$SERVER_PID")
        "$LOAD" --url "http://127.0.0.1:$PORT" --alg "$alg" -n "$N" -c "$C" --exp-seconds "$EXP_SECONDS" \
            --threads "$LOAD_THREADS" --ok-file "$D/ok-$run.txt" --latency-file "$D/latency-$run.txt" \
            | tee "$D/load-$run.txt"
        cpu_after=$(cpu_ticks "$SERVER_PID")
        python3 - "$D/latency-$run.txt" <<'PY'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]).readlines()[1:]]
if rows:
    by_conn, by_window = {}, {}
    for conn, at, lat in rows:
        by_conn.setdefault(conn, []).append(lat)
        by_window.setdefault(at // 500_000, []).append(lat)
    means = [sum(v) / len(v) / 1000 for v in by_conn.values()]
    p99s = [sorted(v)[int(len(v) * 0.99)] / 1000 for v in by_window.values() if len(v) >= 100]
    print(f"latency: mean per connection {min(means):.2f} to {max(means):.2f} ms over {len(means)} connections; "
          f"p99 per 0.5 s window {min(p99s):.2f} to {max(p99s):.2f} ms over {len(p99s)} windows" if p99s else "")
PY
        grep '^{' "$D/load-$run.txt" | tail -n 1 >>"$D/runs.jsonl"
        python3 - "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" "$(nproc)" "$N" \
            "$(tail -n 1 "$D/runs.jsonl")" <<'PY'
import json, sys
server, cores, n = int(sys.argv[1]) / int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
run = json.loads(sys.argv[5])
wall, load = run["seconds"], run.get("load_cpu_seconds") or 0.0
busy, steal = run.get("system_busy_seconds") or 0.0, run.get("steal_seconds") or 0.0
others = max(busy - server - load, 0.0)
print(f"server CPU during the run: {server:.2f} s ({server * 1e6 / n:.0f} µs per call); "
      f"load generator {load:.2f} s; all other processes {others:.2f} s "
      f"({others / (wall * cores) * 100:.0f}% of the {cores} cores' {wall:.2f} s), hypervisor steal {steal:.2f} s")
PY
    done
    sleep 1
    kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=
    echo "server VmRSS (KiB) every 0.5 s; t in s from the first run's start; before a run: minting its tokens, the server idle:"
    python3 - "$D/rss.txt" "$D/runs.jsonl" <<'PY'
import json, sys
samples = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
runs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
t0 = runs[0]["started_unix_ms"] if runs else samples[0][0]
def phase(ms):
    for i, r in enumerate(runs, 1):
        if r["started_unix_ms"] <= ms <= r["started_unix_ms"] + r["seconds"] * 1000:
            return f"run {i}"
    return ""
for ms, kib in samples:
    print(f"  {(ms - t0) / 1000:7.1f} {kib:7d}  {phase(ms)}")
for i, r in enumerate(runs, 1):
    end = r["started_unix_ms"] + r["seconds"] * 1000
    after = [k for ms, k in samples if ms >= end]
    if after:
        print(f"VmRSS after run {i}: {after[0]} KiB")
print(f"VmRSS: idle {samples[0][1]} KiB, max {max(k for _, k in samples)} KiB, last {samples[-1][1]} KiB")
PY
    ok=$(cat "$D"/ok-*.txt | wc -l)
    lines=$(wc -l <"$D/audit.jsonl")
    echo "answered 200 with cards: $ok; audit lines: $lines"
    stop; echo "server stopped on SIGTERM, exit status $?"

    if [ "$FAULT" != 0 ]; then
    echo
    echo "------------------- $ALG fault run: SIGKILL mid-run -------------------"
    F=$D/fault
    mkdir -p "$F"
    start "$F/audit.jsonl" "$F/server.err"
    "$LOAD" --url "http://127.0.0.1:$PORT" --alg "$alg" -n "$N" -c "$C" \
        --threads "$LOAD_THREADS" --timeout-ms 5000 --ok-file "$F/ok-before.txt" >"$F/load.txt" 2>&1 &
    LOAD_PID=$!
    while [ "$(wc -l <"$F/audit.jsonl")" -lt $((N / 4)) ] && kill -0 "$LOAD_PID" 2>/dev/null; do
        sleep 0.05
    done
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
    echo "SIGKILL sent with $(wc -l <"$F/audit.jsonl") lines in the audit log"
    wait "$LOAD_PID"
    echo "the load generator, whose calls after the kill fail:"
    sed 's/^/  /' "$F/load.txt"
    cp "$F/audit.jsonl" "$F/audit-at-kill.jsonl"
    start "$F/audit.jsonl" "$F/server.err"
    echo "restarted on the same audit log (pid $SERVER_PID); a torn last line moved aside at start:"
    grep 'torn' "$F/server.err" | sed 's/^/  /' | grep . || echo "  none (the log ended with a whole line)"
    "$LOAD" --url "http://127.0.0.1:$PORT" --alg "$alg" -n 1000 -c "$C" \
        --threads "$LOAD_THREADS" --ok-file "$F/ok-after.txt" >"$F/load-after.txt" 2>&1
    stop
    term=$?
    python3 - "$F" <<'EOF' >"$F/checks.txt"
import json, sys
d = sys.argv[1]
def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")
def whole(path):
    raw = lines(path)
    tail_ok = raw[-1] == b""
    bad = 0
    for line in raw[:-1] if tail_ok else raw:
        try:
            if not isinstance(json.loads(line), dict):
                bad += 1
        except ValueError:
            bad += 1
    return len(raw) - 1, bad, tail_ok
n_kill, bad_kill, tail_kill = whole(f"{d}/audit-at-kill.jsonl")
n, bad, tail = whole(f"{d}/audit.jsonl")
audited = set()
for line in lines(f"{d}/audit.jsonl")[:-1]:
    audited.add(json.loads(line).get("hookInstance"))
before = [h for h in open(f"{d}/ok-before.txt").read().split("\n") if h]
after = [h for h in open(f"{d}/ok-after.txt").read().split("\n") if h]
missing_before = [h for h in before if h not in audited]
missing_after = [h for h in after if h not in audited]
print(f"a {int(bad == 0 and tail)} {n} lines after the restart, {bad} not whole JSON, ends with a newline: {tail}; at the kill: {n_kill} lines, {bad_kill} not whole JSON, ends with a newline: {tail_kill}")
print(f"b {int(len(before) > 0 and not missing_before)} {len(before)} hookInstances answered 200 before the kill, {len(missing_before)} without an audit line")
print(f"c {int(len(after) == 1000 and not missing_after)} {len(after)} of 1000 calls after the restart answered 200, {len(missing_after)} without an audit line")
EOF
    while read -r key ok detail; do
        case $key in
        a) result "$ALG (a) every audit line is whole JSON" $((1 - ok)) "$detail" ;;
        b) result "$ALG (b) every 200 before the kill is audited" $((1 - ok)) "$detail" ;;
        c) result "$ALG (c) restarted server answers and audits" $((1 - ok)) "$detail" ;;
        esac
    done <"$F/checks.txt"
    result "$ALG (c) graceful stop of the restarted server" $((term != 0)) "exit status $term after SIGTERM"
    fi
done
echo
echo "work files: $WORK"
trap - EXIT
exit $FAILED
