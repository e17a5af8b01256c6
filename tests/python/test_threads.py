"""Use from several Python threads at once (concurrent.futures): the same
results as one thread, and no interference between calls."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pandas as pd
import pytest

import nettx
from conftest import CASES, GOLDEN_CASES

CASE_LIST = [c for _, c in CASES]


def test_evaluate_from_many_threads() -> None:
    work = CASE_LIST * 30
    want = GOLDEN_CASES * 30
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda c: nettx.evaluate(c).to_json(), work))
        got_json = list(pool.map(lambda c: nettx.evaluate_json(json.dumps(c)), work))
    assert got == want
    assert got_json == want


def test_evaluate_many_and_frames_from_many_threads() -> None:
    batch = CASE_LIST * 100  # large enough to use the native threads too
    fields = [f.value for f in nettx.Field]
    frame = pd.DataFrame([{f: c.get(f) for f in fields} for c in batch], columns=fields).astype(object)
    frame = frame.where(frame.notna(), None)
    frame["complications"] = [c.get("complications") for c in batch]

    def many(_: int) -> List[str]:
        return [e.to_json() for e in nettx.evaluate_many(batch)]

    def table(_: int) -> List[str]:
        out = nettx.evaluate_frame(frame, full=True)
        return [e.to_json() for e in out["evaluation"]]

    with ThreadPoolExecutor(max_workers=4) as pool:
        manys = list(pool.map(many, range(4)))
        tables = list(pool.map(table, range(4)))
    for result in manys + tables:
        assert result == GOLDEN_CASES * 100


def test_errors_stay_with_their_thread() -> None:
    def run(i: int) -> Dict[str, Any]:
        case = {"primary_site": "ileum", "tumor_size_cm": -i - 1}
        try:
            nettx.evaluate(case)
        except nettx.InvalidCaseError as e:
            return {"i": i, "message": e.message}
        return {"i": i, "message": None}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(200)))
    for r in results:
        assert r["message"] is not None and f"got {-r['i'] - 1}" in r["message"]


def test_a_shared_evaluation_is_read_safely() -> None:
    frame = pd.DataFrame({"primary_site": ["ileum"] * 100, "metastatic": [None] * 100})
    lazy = nettx.evaluate_frame(frame, full=True)["evaluation"].iloc[0]
    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = set(pool.map(lambda _: lazy.to_json(), range(64)))
    assert len(seen) == 1


@pytest.mark.parametrize("workers", [2, 8])
def test_process_pool_style_pickling_round_trip(workers: int) -> None:
    # Evaluations and cases survive pickling, as a process pool needs.
    import pickle

    evs = nettx.evaluate_many(CASE_LIST)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        back = list(pool.map(lambda e: pickle.loads(pickle.dumps(e)), evs))
    assert back == evs


def test_the_interpreter_is_released_while_rust_evaluates() -> None:
    import threading
    import time

    import numpy as np

    n = 400_000
    frame = pd.DataFrame(
        {
            "primary_site": pd.Categorical(np.array(["ileum", "colon", "duodenum"])[np.arange(n) % 3]),
            "metastatic": np.arange(n) % 2 == 0,
            "hepatic_metastases": np.arange(n) % 2 == 0,
            "tumor_size_cm": np.full(n, 1.5),
        }
    )
    from nettx import _frame, _native

    plan = _native.frame_columns(list(frame.columns), False)
    columns = [_frame._payload(field, frame.iloc[:, pos]) for pos, field in plan]
    ticks: List[float] = []
    calling = threading.Event()
    done = threading.Event()

    def ticker() -> None:
        while not done.is_set():
            if calling.is_set():
                ticks.append(time.perf_counter())
            time.sleep(0)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        calling.set()
        start = time.perf_counter()
        # Only the native call: no Python code runs in it, so another thread
        # can run only if the call releases the interpreter.
        _native.evaluate_columns(n, columns, (pd.NA, pd.NaT), pd.isna, False)
        end = time.perf_counter()
        calling.clear()
    finally:
        done.set()
        thread.join()
    # Another Python thread ran inside the native call, not only at a switch
    # just before or after it (the interpreter switches threads every
    # `sys.getswitchinterval()`). Where in the call it ran depends on the
    # machine's load: reading the columns holds the interpreter, evaluating
    # them does not.
    import sys

    margin = 2 * sys.getswitchinterval()
    inside = [t for t in ticks if start + margin < t < end - margin]
    assert inside, (end - start, len(ticks))
