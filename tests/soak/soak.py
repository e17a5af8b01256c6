#!/usr/bin/env python3
"""Soak test of the Python package nettx: many evaluations through
``nettx.evaluate_many`` in batches, every batch checked, resident memory
(VmRSS from /proc/self/status) compared between the end of a warm-up and the
end of the run. Run by tests/soak/run.sh; needs only the standard library and
an installed ``nettx``.

    soak.py [--evaluations N] [--batch B] [--warmup-batches W] [--window R]
            [--errors-per-batch E] [--interval N] [--max-growth-kib K]
            [--leak-every K]

Valid pass (counted in N, default 10,000,000): batches of B (default 10,000)
cases cycling through the 70 valid conformance cases (tests/conformance:
guideline examples, then cases.json), every other one as a dict and the rest
as ``nettx.Case`` objects made once at the start, each batch starting one case
further on. Each batch: the result count must equal B; 16 evaluations spread
over the batch must have the recommendation codes, missing fields and
warnings that ``nettx.evaluate`` gave for that case at the start (itself
checked byte for byte against golden.jsonl), and one of them its whole
``to_json()``; then the results are dropped.

Error pass (not counted in N), interleaved: after each batch, E (default
1,000) bad inputs, cycling through the 46 error inputs of cases.json:
``evaluate_many([valid, valid, bad])`` for those a dict can stand for (it
raises ``InvalidCaseError`` for the bad row before evaluating anything; the
error's document and ``row`` are checked), ``nettx.evaluate(bad)`` for the
same, and ``nettx.evaluate_json(text)`` for every one, including the inputs
only JSON text can hold (parse errors). ``evaluate_many`` has no
``errors=`` option, so a batch with a bad case never yields evaluations: the
error path is soaked with these small batches.

Memory: RSS is read after every batch (and its error pass), after
``gc.collect()``. A single reading jumps by about 1 MiB from batch to batch
(CPython's 1 MiB object arenas and glibc's per-thread malloc arenas, since
each batch of 10,000 runs on 2 threads), so a reading is the lowest RSS of
the last 10 batches (--window): the start reading is taken over the last
batches of the warm-up (default: 50 batches, or a fifth of a shorter run),
the end reading over the last batches of the run; a leak raises every
batch's RSS, so it raises the lowest one too. Progress lines every 1,000,000
evaluations. Also printed, to tell a leak from the allocator settling: the
part of the growth in the second half of the run (a leak grows steadily),
the range of all per-batch readings, sys.getallocatedblocks() and the C heap
in use (glibc's mallinfo2: what malloc handed out and did not get back,
which unlike RSS does not count memory the allocator keeps) at start and
end. Exits 1 when the growth is >= the limit (default 2048 KiB) or any
result was wrong, 2 on a usage or setup error (including an installed nettx
that does not reproduce golden.jsonl before the run starts). --leak-every K
keeps every K-th batch's results alive (a self-test: the run must then fail
on growth).
"""

from __future__ import annotations

import argparse
import array
import collections
import ctypes
import gc
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple, cast

import nettx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))
from json_input import strict_object  # noqa: E402  (tests/python/json_input.py)
CONFORMANCE = ROOT / "tests" / "conformance"
MAX_PRINTED_FAILURES = 20


def rss_kib(key: str = "VmRSS:") -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return -1


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def _mallinfo2() -> Optional[Callable[[], _MallInfo2]]:
    try:
        f = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    f.restype = _MallInfo2
    f.argtypes = []
    return cast(Callable[[], _MallInfo2], f)


_MALLINFO2 = _mallinfo2()


def malloc_in_use_kib() -> int:
    """Bytes the C heap has handed out and not had back (glibc's mallinfo2:
    in use in every arena plus mmapped blocks), in KiB; -1 without glibc.
    Unlike RSS it does not count memory the allocator keeps after a free."""
    if _MALLINFO2 is None:
        return -1
    m = _MALLINFO2()
    return int((m.uordblks + m.hblkhd) // 1024)


class Soak:
    def __init__(self) -> None:
        self.wrong = 0

    def fail(self, what: str) -> None:
        self.wrong += 1
        if self.wrong <= MAX_PRINTED_FAILURES:
            print(f"WRONG: {what}", file=sys.stderr)
        if self.wrong == MAX_PRINTED_FAILURES:
            print("(further wrong results are counted, not printed)", file=sys.stderr)


def signature(ev: Any) -> Tuple[Any, ...]:
    """What a batch check compares: codes, missing fields, warnings, scope."""
    return (
        ev.codes,
        tuple(m.field for m in ev.missing),
        tuple(w.code for w in ev.warnings),
        ev.in_scope,
        ev.disease_state,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--evaluations", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--warmup-batches", type=int, default=None)
    ap.add_argument("--errors-per-batch", type=int, default=1000)
    ap.add_argument("--interval", type=int, default=None, help="evaluations between progress lines")
    ap.add_argument("--window", type=int, default=10, help="batches whose lowest RSS is a reading")
    ap.add_argument("--max-growth-kib", type=int, default=2048)
    ap.add_argument("--leak-every", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    n, b = args.evaluations, args.batch
    if b <= 0 or n <= 0 or n % b:
        print("soak.py: --evaluations must be a positive multiple of --batch", file=sys.stderr)
        return 2
    batches = n // b
    warmup = args.warmup_batches if args.warmup_batches is not None else max(1, min(50, batches // 5))
    interval = args.interval or min(1_000_000, max(b, n // 10))
    if warmup >= batches or args.window <= 0:
        print("soak.py: the warm-up must be shorter than the run, the window positive", file=sys.stderr)
        return 2
    window = min(args.window, warmup, batches - warmup)

    # The inputs, and what each gives, checked once against golden.jsonl.
    examples = json.loads((CONFORMANCE / "guideline-examples.json").read_text(encoding="utf-8"))
    doc = json.loads((CONFORMANCE / "cases.json").read_text(encoding="utf-8"))
    cases: List[Dict[str, Any]] = [c["case"] for c in examples] + [c["case"] for c in doc["cases"]]
    errors: List[Dict[str, Any]] = doc["errors"]
    golden = (CONFORMANCE / "golden.jsonl").read_text(encoding="utf-8").splitlines()
    if len(golden) != len(cases) + len(errors):
        print("soak.py: golden.jsonl does not match the conformance files", file=sys.stderr)
        return 2
    golden_cases, golden_errors = golden[: len(cases)], golden[len(cases) :]
    for i, case in enumerate(cases):
        if nettx.evaluate(case).to_json() != golden_cases[i]:
            print(f"soak.py: case {i} differs from golden.jsonl"
                  " (is the installed nettx older than the source? tests/soak/run.sh --reinstall)", file=sys.stderr)
            return 2
    for i, error in enumerate(errors):
        try:
            nettx.evaluate_json(error["input"])
            got = "no error"
        except nettx.InvalidCaseError as err:
            got = err.to_json()
        if got != golden_errors[i]:
            print(f"soak.py: error input {i} ({error['title']}) does not give its line of golden.jsonl"
                  f"\n  got  {got}\n  want {golden_errors[i]}"
                  "\n(is the installed nettx older than the source? tests/soak/run.sh --reinstall)", file=sys.stderr)
            return 2
    expected = [signature(nettx.evaluate(c)) for c in cases]
    typed = [nettx.Case.from_dict(c) for c in cases]
    # The pool a batch is cut from: case k as a dict at 2k, as a Case at 2k+1.
    pool: List[Any] = [x for pair in zip(cases, typed) for x in pair]
    pool_case = [k for k in range(len(cases)) for _ in (0, 1)]
    p = len(pool)
    # Error inputs: (text, golden document, the dict it stands for or None).
    bad = [(e["input"], g, strict_object(e["input"]) if e["error"]["kind"] != "parse" else None)
           for e, g in zip(errors, golden_errors)]
    n_dict_errors = sum(1 for _, _, d in bad if d is not None)

    print(f"soak (Python, nettx {nettx.__version__} from {nettx.__file__})")
    print(f"  {n} evaluations through evaluate_many in {batches} batches of {b}"
          f" ({len(cases)} valid cases, alternately dicts and Case objects)")
    print(f"  error pass: {args.errors_per_batch} bad inputs after each batch"
          f" ({len(bad)} error inputs, {n_dict_errors} also as dicts in evaluate_many)")
    print(f"  warm-up {warmup} batches ({warmup * b} evaluations); RSS limit: growth < {args.max_growth_kib} KiB")
    if args.leak_every:
        print(f"  SELF-TEST: the results of every {args.leak_every}-th batch are kept alive on purpose")
    print(f"KiB: 'RSS low' the lowest RSS of the last {window} batches, 'RSS batch' this batch's (after"
          " gc.collect()), 'C heap' what malloc has handed out and not had back")
    print(f"{'evaluations':>14} {'error calls':>12} {'elapsed s':>10} {'RSS low':>10} {'RSS batch':>10} {'C heap':>10}")
    sys.stdout.flush()

    soak = Soak()
    kept: List[Any] = []
    sample_offsets = [(j * b) // 16 for j in range(16)] + [b - 1]
    error_cycle = itertools.cycle(range(len(bad)))
    error_calls = 0
    gc.collect()
    rss_before = rss_kib()
    rss_start = blocks_start = heap_start = rss_middle = -1
    middle = warmup + (batches - warmup) // 2  # the batch after which the second half starts
    recent: Deque[int] = collections.deque(maxlen=window)  # RSS after each of the last batches
    # RSS after each batch from the end of the warm-up on: an array made at
    # its full size here, so that the soak's own bookkeeping allocates
    # nothing during the run (no Python object or buffer growth per batch).
    after_warmup = array.array("q", bytes(8 * (batches - warmup + 1)))
    n_after = 0
    t0 = time.perf_counter()
    done = 0
    many_seconds = 0.0
    for batch_no in range(batches):
        # The batch: B items from the pool, starting one case further on each time.
        start = (batch_no * 2) % p
        reps = -(-(start + b) // p)
        items = (pool * reps)[start : start + b]
        t = time.perf_counter()
        results = nettx.evaluate_many(items)
        many_seconds += time.perf_counter() - t
        if len(results) != b:
            soak.fail(f"batch {batch_no}: {len(results)} results for {b} cases")
        else:
            for j, off in enumerate(sample_offsets):
                k = pool_case[(start + off) % p]
                ev = results[off]
                if signature(ev) != expected[k]:
                    soak.fail(f"batch {batch_no}, row {off} (case {k}): {signature(ev)} != {expected[k]}")
                if j == batch_no % 16 and ev.to_json() != golden_cases[k]:
                    soak.fail(f"batch {batch_no}, row {off} (case {k}): to_json differs from golden")
        if args.leak_every and batch_no % args.leak_every == 0:
            kept.append(results)
        del results, items
        done += b

        # The error pass.
        for _ in range(args.errors_per_batch):
            e = next(error_cycle)
            text, want, as_dict = bad[e]
            error_calls += 1
            try:
                nettx.evaluate_json(text)
                soak.fail(f"error input {e}: evaluate_json did not raise")
            except nettx.InvalidCaseError as err:
                if err.to_json() != want or err.row is not None:
                    soak.fail(f"error input {e}: evaluate_json raised {err.to_json()}")
            if as_dict is None:
                continue
            error_calls += 2
            try:
                nettx.evaluate(as_dict)
                soak.fail(f"error input {e}: evaluate did not raise")
            except nettx.InvalidCaseError as err:
                if err.to_json() != want:
                    soak.fail(f"error input {e}: evaluate raised {err.to_json()}")
            try:
                nettx.evaluate_many([cases[e % len(cases)], typed[(e + 1) % len(cases)], as_dict])
                soak.fail(f"error input {e}: evaluate_many did not raise")
            except nettx.InvalidCaseError as err:
                if err.to_json() != want or err.row != 2:
                    soak.fail(f"error input {e}: evaluate_many raised {err.to_json()} at row {err.row}")

        # Memory, after every batch.
        gc.collect()
        rss = rss_kib()
        recent.append(rss)
        if batch_no + 1 >= warmup:
            after_warmup[n_after] = rss
            n_after += 1
        if batch_no + 1 == middle:
            rss_middle = min(recent)
        if batch_no + 1 == warmup:
            rss_start = min(recent)
            blocks_start = sys.getallocatedblocks()
            heap_start = malloc_in_use_kib()
            print(f"{done:>14} {error_calls:>12} {time.perf_counter() - t0:>10.1f} {rss_start:>10} {rss:>10}"
                  f" {heap_start:>10}  (start, after the warm-up)")
            sys.stdout.flush()
        elif done % interval == 0 and batch_no + 1 != batches:
            print(f"{done:>14} {error_calls:>12} {time.perf_counter() - t0:>10.1f} {min(recent):>10} {rss:>10}"
                  f" {malloc_in_use_kib():>10}")
            sys.stdout.flush()

    t_end = time.perf_counter()
    rss_end = min(recent)
    blocks_end = sys.getallocatedblocks()
    heap_end = malloc_in_use_kib()
    print(f"{done:>14} {error_calls:>12} {t_end - t0:>10.1f} {rss_end:>10} {after_warmup[n_after - 1]:>10}"
          f" {heap_end:>10}  (end)")
    growth = rss_end - rss_start
    total = t_end - t0
    ok = soak.wrong == 0 and rss_start > 0 and growth < args.max_growth_kib
    print(f"RSS before the warm-up:  {rss_before} KiB")
    print(f"RSS start:               {rss_start} KiB (lowest of the last {window} warm-up batches)")
    print(f"RSS end:                 {rss_end} KiB (lowest of the last {window} batches)")
    print(f"RSS growth:              {growth} KiB (limit < {args.max_growth_kib} KiB)")
    print(f"  of which in the second half ({(batches - middle) * b} evaluations): {rss_end - rss_middle} KiB"
          " (a leak grows steadily; a one-time step early on is the allocator settling)")
    readings = after_warmup[:n_after]
    print(f"RSS after each batch from the warm-up on: {min(readings)} to {max(readings)} KiB"
          f" ({n_after} readings; last minus first: {readings[-1] - readings[0]} KiB)")
    print(f"Python heap blocks:      {blocks_start} at the start, {blocks_end} at the end"
          " (sys.getallocatedblocks(), after gc.collect())")
    print(f"C heap in use:           {heap_start} KiB at the start, {heap_end} KiB at the end"
          " (glibc mallinfo2: in use + mmapped; -1: not glibc)")
    print(f"peak RSS (VmHWM):        {rss_kib('VmHWM:')} KiB")
    print(f"wrong results:           {soak.wrong}")
    print(f"time: {total:.1f} s for {n} evaluations and {error_calls} error calls"
          f" ({n / total:.0f} evaluations/s including the checks, the error pass and {batches} gc.collect());"
          f" in evaluate_many: {many_seconds:.1f} s ({n / many_seconds:.0f} evaluations/s)")
    print(f"SOAK python evaluations={n} start_kib={rss_start} end_kib={rss_end} growth_kib={growth}"
          f" second_half_kib={rss_end - rss_middle} seconds={total:.1f} per_s={n / total:.0f}"
          f" many_per_s={n / many_seconds:.0f}"
          f" wrong={soak.wrong} result={'ok' if ok else 'FAIL'}")
    del kept
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
