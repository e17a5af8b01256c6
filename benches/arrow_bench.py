"""Cohorts at scale: evaluate_arrow from pyarrow, Polars, DuckDB and a
streamed Parquet file, against evaluate_frame, evaluate_many, a Python loop
over evaluate, and Spark local[2] (figures in BENCHMARKS.md, "## Arrow").

    tests/python/run.sh                   # builds and installs nettx (and pyarrow, polars, duckdb, pyspark) into .venv
    .venv/bin/python benches/arrow_bench.py --rows 1000000
    .venv/bin/python benches/arrow_bench.py --rows 10000000 --only arrow,stream,lazy,polars,duckdb

A synthetic cohort of valid cases (every field sometimes unknown) is written
once to a Parquet file; each measurement runs in a fresh process, which
reads the file, converts it where the entry point needs another form
("conversion"), and evaluates ("evaluation"); the process's peak RSS over
its whole run is reported with the size of the input in memory (streamed
input is never held whole). The output is a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

CASES = {
    "arrow": "evaluate_arrow(pyarrow Table)",
    "stream": "evaluate_arrow(Parquet, streamed)",
    "lazy": "evaluate_arrow(Parquet, streamed, lazy=True) into a Parquet writer",
    "lazy_table": "evaluate_arrow(pyarrow Table, lazy=True), batches read and dropped",
    "polars": "evaluate_arrow(Polars DataFrame)",
    "duckdb": "evaluate_arrow(DuckDB relation, scanning Parquet)",
    "arrow_pandas": "evaluate_arrow(Table).to_pandas()",
    "frame": "evaluate_frame(pandas DataFrame)",
    "frame_joined": "evaluate_frame(joined=True, deprecated)",
    "many": "evaluate_many(dicts)",
    "loop": "[evaluate(d) for d in dicts]",
    "spark": "nettx.spark.evaluate, Spark local[2]",
}


def make_cohort(path: Path, rows: int, seed: int = 1) -> int:
    """Writes ``rows`` random cases (the valid ones of them) to ``path``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    import nettx

    rng = np.random.default_rng(seed)

    def choice(values: List[str], p_null: float) -> Any:
        idx = rng.integers(0, len(values), rows)
        return pa.array(np.array(values, dtype=object)[idx], mask=rng.random(rows) < p_null)

    def tri(p_null: float) -> Any:
        return pa.array(rng.random(rows) < 0.5, mask=rng.random(rows) < p_null)

    sizes = np.round(rng.uniform(0.1, 6.0, rows), 1)
    complications = [None] * rows
    names = [c.value for c in nettx.Complication]
    for i in np.flatnonzero(rng.random(rows) < 0.05):
        complications[i] = [names[int(rng.integers(0, len(names)))]]
    table = pa.table(
        {
            "case_id": pa.array([f"pt-{i}" for i in range(rows)]),
            "primary_site": choice([s.value for s in nettx.Site], 0.0),
            "histology": choice([h.value for h in nettx.Histology], 0.3),
            "tumor_size_cm": pa.array(sizes, mask=rng.random(rows) < 0.2),
            "local_spread": tri(0.6),
            "metastatic": tri(0.3),
            "hepatic_metastases": tri(0.7),
            "extrahepatic_metastases": tri(0.8),
            "metastases_resectable": tri(0.8),
            "carcinoid_syndrome": tri(0.4),
            "complications": pa.array(complications, type=pa.list_(pa.string())),
            "ssa_response": choice([r.value for r in nettx.SsaResponse], 0.7),
        }
    )
    # Keep the valid rows only (contradictions are drawn too).
    result = pa.table(nettx.evaluate_arrow(table, errors="return"))
    valid = result.column("error_kind").is_null()
    table = table.filter(valid)
    pq.write_table(table, path, row_group_size=100_000)
    return int(table.num_rows)


_BASELINE = (
    "import re, nettx, pyarrow, pyarrow.parquet, pandas, polars; "
    "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)"
)


def peak_mb() -> float:
    """This process's peak RSS (VmHWM, which starts anew at exec; Linux's
    ``ru_maxrss`` would carry over the parent's peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(case: str, path: str) -> Dict[str, Any]:
    """Runs one measurement in this process; returns its figures."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import nettx

    conversion = 0.0
    input_mb: Any = "streamed"
    t = time.perf_counter
    if case == "arrow":
        table = pq.read_table(path)
        input_mb = table.nbytes / 2**20
        t0 = t()
        out: Any = nettx.evaluate_arrow(table)
        evaluation = t() - t0
    elif case == "arrow_pandas":
        table = pq.read_table(path)
        input_mb = table.nbytes / 2**20
        t0 = t()
        result = nettx.evaluate_arrow(table)
        evaluation = t() - t0
        t0 = t()
        out = result.to_pandas()
        conversion = t() - t0
    elif case == "stream":
        f = pq.ParquetFile(path)
        t0 = t()
        out = nettx.evaluate_arrow(pa.RecordBatchReader.from_batches(f.schema_arrow, f.iter_batches()))
        evaluation = t() - t0  # includes reading and decoding the Parquet file
    elif case == "lazy":
        f = pq.ParquetFile(path)
        t0 = t()
        stream = nettx.evaluate_arrow(
            pa.RecordBatchReader.from_batches(f.schema_arrow, f.iter_batches()), lazy=True
        )
        reader = pa.RecordBatchReader.from_stream(stream)
        with pq.ParquetWriter(path + ".out", reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        evaluation = t() - t0  # includes reading the input and writing the result
        out = None
    elif case == "lazy_table":
        table = pq.read_table(path)
        input_mb = table.nbytes / 2**20
        t0 = t()
        reader = pa.RecordBatchReader.from_stream(nettx.evaluate_arrow(table, lazy=True))
        rows = sum(batch.num_rows for batch in reader)
        evaluation = t() - t0  # the result is evaluated batch by batch and not kept
        assert rows == table.num_rows
        out = None
    elif case == "polars":
        import polars as pl

        frame = pl.read_parquet(path)
        input_mb = frame.estimated_size() / 2**20
        t0 = t()
        out = nettx.evaluate_arrow(frame)
        evaluation = t() - t0
    elif case == "duckdb":
        import duckdb

        t0 = t()
        out = nettx.evaluate_arrow(duckdb.sql(f"SELECT * FROM read_parquet('{path}')"))
        evaluation = t() - t0  # includes DuckDB's scan of the Parquet file
    elif case in ("frame", "frame_joined"):
        import warnings

        table = pq.read_table(path)
        t0 = t()
        df = table.to_pandas()
        conversion = t() - t0
        del table
        input_mb = df.memory_usage(deep=True).sum() / 2**20
        t0 = t()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            out = nettx.evaluate_frame(df, joined=case == "frame_joined")
        evaluation = t() - t0
    elif case in ("many", "loop"):
        table = pq.read_table(path)
        t0 = t()
        dicts = [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]
        conversion = t() - t0
        del table
        input_mb = "dicts"
        t0 = t()
        if case == "many":
            out = nettx.evaluate_many(dicts)
        else:
            out = [nettx.evaluate(d) for d in dicts]
        evaluation = t() - t0
    elif case == "spark":
        os.environ["PYSPARK_PYTHON"] = sys.executable
        import nettx.spark
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "4g")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.read.parquet(path)
        df.count()  # warm up: the session and the file's metadata
        t0 = t()
        nettx.spark.evaluate(df).write.mode("overwrite").format("noop").save()
        evaluation = t() - t0  # includes Spark reading the Parquet file and the Arrow transfer
        out = None
        spark.stop()
    else:
        raise SystemExit(f"unknown case {case}")
    del out
    return {"case": case, "conversion": conversion, "evaluation": evaluation, "input_mb": input_mb, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated cases: " + ", ".join(CASES))
    parser.add_argument("--measure", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    import nettx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.parquet"
        t0 = time.perf_counter()
        rows = make_cohort(path, args.rows)
        print(
            f"{rows:,} valid cases of {args.rows:,} drawn ({path.stat().st_size / 2**20:.0f} MB Parquet, "
            f"made in {time.perf_counter() - t0:.1f} s); nettx {nettx.__version__}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores\n"
        )
        done = subprocess.run([sys.executable, "-c", _BASELINE], capture_output=True, text=True, check=True)
        print(f"(a process that only imports nettx, pyarrow, pandas and polars peaks at {float(done.stdout):.0f} MB)\n")
        print("| entry point | conversion s | evaluation s | total s | rows/s | input MB in memory | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for case in args.only.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--measure", case, str(path)], capture_output=True, text=True
            )
            if done.returncode != 0:
                print(f"| {CASES.get(case, case)} | failed: {done.stderr.strip().splitlines()[-1:]} |||||")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            total = r["conversion"] + r["evaluation"]
            size = r["input_mb"]
            size = f"{size:,.0f}" if isinstance(size, float) else size
            print(
                f"| {CASES[case]} | {r['conversion']:.2f} | {r['evaluation']:.2f} | {total:.2f} | "
                f"{rows / total:,.0f} | {size} | {r['peak_mb']:,.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
