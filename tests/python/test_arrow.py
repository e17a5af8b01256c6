"""evaluate_arrow: Arrow in (pyarrow, Polars, DuckDB, pandas, the C array
interface), Arrow out (zero-copy readers), the output schema, wrong types,
errors="return", streaming in bounded memory."""

from __future__ import annotations

import decimal
import json
import os
import subprocess
import sys
from typing import Any, Dict, Iterator, List, Tuple

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import nettx
from cohorts import LIST_COLUMNS, arrow_table, expected_row, random_cases
from conftest import CASES, GOLDEN_CASES

SCHEMA_COLUMNS = [
    "case_id",
    "in_scope",
    "disease_state",
    "goals",
    "codes",
    "strengths",
    "missing",
    "warnings",
    "preferred",
    "urgent",
    "case_digest",
]
ERROR_COLUMNS = ["error_kind", "error_field", "error"]


def dict_error(case: Dict[str, Any]) -> nettx.InvalidCaseError:
    """The error evaluate gives for the case as a dict."""
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate(case)
    return info.value


def check_rows(result: Any, cases: List[Dict[str, Any]]) -> None:
    """Every row of the result equals evaluate_many's evaluation of its case."""
    table = pa.table(result)
    want = [e.to_json() for e in nettx.evaluate_many(cases)]
    assert table.num_rows == len(want)
    rows = table.to_pylist()
    for i, (row, golden) in enumerate(zip(rows, want)):
        if "evaluation" in row:
            assert row["evaluation"] == golden, i
        expected = expected_row(golden)
        got = {k: row[k] for k in expected}
        assert got == expected, i


def test_the_conformance_cases_give_the_golden_output() -> None:
    cases = [c for _, c in CASES]
    result = nettx.evaluate_arrow(arrow_table(cases), full=True)
    assert pa.table(result).column("evaluation").to_pylist() == GOLDEN_CASES
    check_rows(result, cases)


def test_a_random_cohort_equals_evaluate_many_in_several_batches() -> None:
    cases = random_cases(150_000)
    table = arrow_table(cases)
    # One batch of 150,000 rows is evaluated in three slices of 50,000.
    result = nettx.evaluate_arrow(table, full=True)
    assert result.num_batches == 3 and len(result) == 150_000
    check_rows(result, cases)
    # The same over many small batches.
    small = nettx.evaluate_arrow(table.to_reader(max_chunksize=7_001))
    assert pa.table(small).equals(pa.table(result).drop_columns(["evaluation"]))


def test_a_sliced_table_reads_only_its_rows() -> None:
    # A slice of a list column keeps the whole column's items, with offsets
    # that do not start at 0; every slice of it (at most 65,536 rows) is read alone.
    cases = random_cases(150_000, seed=21)
    for c in cases[::3]:
        c["complications"] = ["bleeding", "other"][: len(c["case_id"]) % 3]
    sliced = arrow_table(cases).slice(70_001, 70_000)
    assert sliced.column("complications").chunk(0).offset == 70_001
    check_rows(nettx.evaluate_arrow(sliced, full=True), cases[70_001:140_001])


def test_the_output_schema_is_stable_and_documented() -> None:
    result = nettx.evaluate_arrow(arrow_table([{"primary_site": "ileum"}]))
    schema = pa.table(result).schema
    assert schema.names == SCHEMA_COLUMNS == result.column_names
    dictionary = pa.dictionary(pa.int8(), pa.string())
    assert schema.field("case_id").type == pa.string()
    assert schema.field("in_scope").type == pa.bool_() == schema.field("urgent").type
    assert schema.field("disease_state").type == dictionary
    for name in LIST_COLUMNS:
        assert schema.field(name).type == pa.list_(pa.field("item", dictionary, nullable=False)), name
    assert schema.field("case_digest").type == pa.string()
    meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    assert meta == result.metadata
    assert meta["nettx.guideline.digest"] == nettx.GUIDELINE_DIGEST
    assert meta["nettx.guideline.id"] == nettx.GUIDELINE_ID
    assert meta["nettx.guideline.version"] == nettx.GUIDELINE_VERSION
    assert meta["nettx.engine.version"] == nettx.ENGINE_VERSION
    # Every batch has the whole vocabulary as its dictionary, in the core's order.
    codes = pa.table(result).column("codes").chunk(0).values.dictionary.to_pylist()
    assert codes == [c.value for c in nettx.Code]
    states = pa.table(result).column("disease_state").chunk(0).dictionary.to_pylist()
    assert states == [d.value for d in nettx.DiseaseState]
    # The docs list exactly these columns.
    from conftest import ROOT

    doc = (ROOT / "docs" / "ARROW.md").read_text(encoding="utf-8")
    for name in SCHEMA_COLUMNS + ERROR_COLUMNS + ["evaluation"]:
        assert f"| `{name}` |" in doc, name


def test_the_result_is_read_without_copying() -> None:
    result = nettx.evaluate_arrow(arrow_table(random_cases(1_000)))
    a = pa.table(result)
    b = pa.table(result)
    for name in ["case_digest", "codes", "in_scope"]:
        ba = [buf.address for buf in a.column(name).chunk(0).buffers() if buf is not None]
        bb = [buf.address for buf in b.column(name).chunk(0).buffers() if buf is not None]
        assert ba == bb, name  # both views share the result's memory
    # Polars and DuckDB read the same stream.
    frame = pl.DataFrame(result)
    assert frame.columns == SCHEMA_COLUMNS
    assert frame["codes"].to_list() == a.column("codes").to_pylist()
    assert frame["disease_state"].to_list() == a.column("disease_state").to_pylist()
    got = duckdb.sql("SELECT case_id, codes, preferred, urgent FROM result ORDER BY case_id").fetchall()
    want = sorted(
        (r["case_id"], r["codes"], r["preferred"], r["urgent"])
        for r in a.select(["case_id", "codes", "preferred", "urgent"]).to_pylist()
    )
    assert got == want
    # to_pyarrow, to_polars, to_pandas.
    assert result.to_pyarrow().equals(a)
    assert result.to_polars().equals(frame)
    df = result.to_pandas()
    assert list(df.columns) == SCHEMA_COLUMNS
    assert df["codes"].tolist() == a.column("codes").to_pylist()
    assert isinstance(df["disease_state"].dtype, pd.CategoricalDtype)


def test_to_pandas_matches_evaluate_frame() -> None:
    cases = random_cases(500)
    frame = pd.DataFrame(cases).reindex(columns=[f.value for f in nettx.Field])
    frame = frame.astype(object).where(frame.notna(), None)
    via_frame = nettx.evaluate_frame(frame)
    via_arrow = nettx.evaluate_arrow(arrow_table(cases)).to_pandas()
    assert list(via_arrow.columns) == list(via_frame.columns)
    for name in SCHEMA_COLUMNS:
        assert via_arrow[name].tolist() == via_frame[name].tolist(), name


def test_polars_duckdb_and_pandas_input() -> None:
    cases = random_cases(3_000)
    table = arrow_table(cases)
    want = pa.table(nettx.evaluate_arrow(table))
    polars_frame = pl.from_arrow(table)
    assert isinstance(polars_frame, pl.DataFrame)
    assert pa.table(nettx.evaluate_arrow(polars_frame)).equals(want)
    # Polars categoricals (dictionary strings), and list<categorical>.
    categorical = polars_frame.with_columns(
        pl.col("primary_site").cast(pl.Categorical), pl.col("complications").cast(pl.List(pl.Categorical))
    )
    assert pa.table(nettx.evaluate_arrow(categorical)).equals(want)
    cohort = table  # noqa: F841  (DuckDB finds it by name)
    relation = duckdb.sql("SELECT * FROM cohort")
    assert pa.table(nettx.evaluate_arrow(relation)).equals(want)
    frame = table.to_pandas()
    assert hasattr(frame, "__arrow_c_stream__")
    assert pa.table(nettx.evaluate_arrow(frame)).equals(want)


def test_duckdb_sql_types_are_read_naturally() -> None:
    # A decimal literal (DECIMAL(2,1)), an integer, a list of strings, NULL.
    relation = duckdb.sql(
        "SELECT 'ileum' AS primary_site, 2.5 AS tumor_size_cm, ['bleeding'] AS complications, "
        "NULL AS metastatic UNION ALL "
        "SELECT 'rectum', 3, [], false"
    )
    got = pa.table(nettx.evaluate_arrow(relation, full=True)).column("evaluation").to_pylist()
    want = [
        nettx.evaluate({"primary_site": "ileum", "tumor_size_cm": 2.5, "complications": ["bleeding"]}).to_json(),
        nettx.evaluate({"primary_site": "rectum", "tumor_size_cm": 3, "complications": [], "metastatic": False}).to_json(),
    ]
    assert got == want


HISTOLOGIES = ["well_differentiated", "unknown", None, "well_differentiated"]


@pytest.mark.parametrize(
    "column",
    [
        pa.array(HISTOLOGIES, type=pa.large_string()),
        pa.array(HISTOLOGIES, type=pa.string_view()),
        pa.array(HISTOLOGIES).dictionary_encode(),
        pa.array(HISTOLOGIES, type=pa.string()).cast(pa.dictionary(pa.int64(), pa.large_string())),
    ],
    ids=["large_string", "string_view", "dictionary", "dictionary_int64_large"],
)
def test_every_string_type(column: pa.Array) -> None:
    table = pa.table({"primary_site": pa.array(["ileum", "colon", "rectum", "ileum"]), "histology": column})
    want = [
        nettx.evaluate({"primary_site": s, "histology": h}).to_json()
        for s, h in zip(["ileum", "colon", "rectum", "ileum"], column.to_pylist())
    ]
    got = pa.table(nettx.evaluate_arrow(table, full=True)).column("evaluation").to_pylist()
    assert got == want


@pytest.mark.parametrize(
    "column, values",
    [
        (pa.array([2, None, 30], type=pa.int8()), [2, None, 30]),
        (pa.array([2, None, 30], type=pa.uint64()), [2, None, 30]),
        (pa.array([2.5, None, 0.5], type=pa.float32()), [2.5, None, 0.5]),
        (pa.array([decimal.Decimal("2.5"), None, decimal.Decimal("0.10")], type=pa.decimal128(5, 2)), [2.5, None, 0.1]),
        (pa.array([None, None, None], type=pa.null()), [None, None, None]),
    ],
    ids=["int8", "uint64", "float32", "decimal", "null"],
)
def test_every_number_type_for_the_size(column: pa.Array, values: List[Any]) -> None:
    table = pa.table({"primary_site": ["ileum"] * 3, "tumor_size_cm": column})
    got = pa.table(nettx.evaluate_arrow(table, full=True)).column("evaluation").to_pylist()
    assert got == [nettx.evaluate({"primary_site": "ileum", "tumor_size_cm": v}).to_json() for v in values]


def test_lists_of_complications_in_every_form() -> None:
    want = [
        nettx.evaluate({"primary_site": "ileum", "complications": c}).to_json()
        for c in [["bleeding", "bowel_obstruction"], None, []]
    ]
    values = [["bleeding", "bowel_obstruction"], None, []]
    for t in [
        pa.list_(pa.string()),
        pa.large_list(pa.large_string()),
        pa.list_(pa.dictionary(pa.int8(), pa.string())),
    ]:
        table = pa.table({"primary_site": ["ileum"] * 3, "complications": pa.array(values, type=pa.list_(pa.string())).cast(t)})
        got = pa.table(nettx.evaluate_arrow(table, full=True)).column("evaluation").to_pylist()
        assert got == want, t


@pytest.mark.parametrize(
    "field, column, row, bad",
    [
        ("metastatic", pa.array([None, 1, None], type=pa.int64()), 1, 1),
        ("metastatic", pa.array([None, "no", None]), 1, "no"),
        ("tumor_size_cm", pa.array([None, None, "2.5"]), 2, "2.5"),
        ("tumor_size_cm", pa.array([1.0, float("nan"), 2.0]), 1, float("nan")),
        ("tumor_size_cm", pa.array([1.0, float("-inf"), 2.0], type=pa.float32()), 1, float("-inf")),
        ("tumor_size_cm", pa.array([None, -1.5, 2.0], type=pa.float32()), 1, -1.5),
        # A slice (an offset into its buffers) of float64 and float32 sizes.
        ("tumor_size_cm", pa.array([float("nan"), None, float("inf"), 2.0]).slice(1), 1, float("inf")),
        ("tumor_size_cm", pa.array([0.5, 1.0, float("nan"), 2.0], type=pa.float32()).slice(1), 1, float("nan")),
        ("tumor_size_cm", pa.array([1.0, 40.0, 2.0]), 1, 40.0),
        ("primary_site", pa.array(["ileum", "Ileum", "ileum"]), 1, "Ileum"),
        ("complications", pa.array([["bleeding"], ["bleeding", None], None]), 1, ["bleeding", None]),
        ("complications", pa.array([["bleeding"], None, ["volvulus"]]), 2, ["volvulus"]),
        ("case_id", pa.array(["a", "x" * 300, None]), 1, "x" * 300),
    ],
)
def test_a_wrong_value_names_the_column_and_the_row(field: str, column: pa.Array, row: int, bad: Any) -> None:
    sites = pa.array(["ileum"] * 3)
    table = pa.table({"primary_site": sites, field: column}) if field != "primary_site" else pa.table({field: column})
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(table)
    e = info.value
    assert (e.field, e.row) == (field, row)
    assert f"row {row}" in str(e) and f"`{field}`" in str(e)
    # The message is the one a dict with the same value gets.
    case: Dict[str, Any] = {"primary_site": "ileum", field: bad}
    assert e.message == dict_error(case).message
    # With errors="return", the row carries the error and the others are evaluated.
    out = pa.table(nettx.evaluate_arrow(table, errors="return"))
    assert out.schema.names == SCHEMA_COLUMNS + ERROR_COLUMNS
    assert out.column("error").to_pylist()[row] == e.message
    assert out.column("error_field").to_pylist()[row] == field
    assert out.column("error_kind").to_pylist()[row] == e.kind.value
    assert out.column("codes").to_pylist()[row] is None
    assert out.column("in_scope").to_pylist()[row] is None
    others = [i for i in range(3) if i != row]
    for i in others:
        assert out.column("error").to_pylist()[i] is None


def test_a_type_without_a_json_counterpart_is_refused_at_its_first_value() -> None:
    table = pa.table(
        {
            "primary_site": ["ileum", "ileum"],
            "metastatic": pa.array([None, pd.Timestamp("2024-01-01")], type=pa.timestamp("s")),
        }
    )
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(table)
    assert (info.value.field, info.value.row) == ("metastatic", 1)
    assert "Arrow type Timestamp" in info.value.message


def test_the_row_counts_over_the_whole_stream() -> None:
    good = pa.record_batch({"primary_site": ["ileum"] * 5, "metastatic": [False] * 5})
    bad = pa.record_batch({"primary_site": ["ileum", "nowhere"], "metastatic": [False, False]})
    reader = pa.RecordBatchReader.from_batches(good.schema, [good, good, bad])
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(reader)
    assert (info.value.field, info.value.row) == ("primary_site", 11)


def test_slices_evaluated_at_once_keep_their_order_and_the_first_error() -> None:
    # 200,000 rows make four slices of 50,000 (as few equal slices as the
    # bound of 65,536 rows allows), evaluated one per core at a time: bad
    # rows in the second and third slices.
    n = 200_000
    sites = ["ileum"] * n
    sites[70_000] = "nowhere"
    sites[140_000] = "Ileum"
    sizes = [float(i % 40 + 1) / 10 for i in range(n)]
    table = pa.table({"case_id": [f"c{i}" for i in range(n)], "primary_site": sites, "tumor_size_cm": sizes})
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(table)
    assert (info.value.field, info.value.row) == ("primary_site", 70_000)
    result = nettx.evaluate_arrow(table, errors="return")
    out = pa.table(result)
    assert [b.num_rows for b in out.to_batches()] == [50_000] * 4
    assert out.column("case_id").to_pylist() == table.column("case_id").to_pylist()
    failed = [i for i, e in enumerate(out.column("error_field").to_pylist()) if e is not None]
    assert failed == [70_000, 140_000]
    # Every other row as evaluate gives it, whichever slice and thread it was in.
    digests = out.column("case_digest").to_pylist()
    for i in (0, 49_999, 50_000, 69_999, 100_000, 199_999):
        assert digests[i] == nettx.evaluate({"primary_site": "ileum", "tumor_size_cm": sizes[i]}).case_digest
    # Lazily: the slices before the bad one are handed on, then the error.
    stream = nettx.evaluate_arrow(table, lazy=True)
    reader = pa.RecordBatchReader.from_stream(stream)
    assert reader.read_next_batch().num_rows == 50_000
    with pytest.raises(pa.ArrowInvalid, match="row 70000"):
        reader.read_next_batch()


_HUGE_IDS_SCRIPT = """
import pyarrow as pa, nettx
n = 65_536
ids = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), pa.array(["z" * 33_000]))
table = pa.table({"case_id": ids, "primary_site": pa.array(["ileum"] * n)})
try:
    pa.RecordBatchReader.from_stream(nettx.evaluate_arrow(table, errors="return", lazy=True)).read_all()
except pa.ArrowInvalid as e:
    assert "case_id column" in str(e), e
    print("lazy refused")
"""


def test_ids_past_the_column_limit_are_an_error_not_a_crash() -> None:
    # 65,536 ids of 33,000 bytes (each refused for its length, and kept in the
    # output's case_id column) pass the 2 GiB of one string column: an error
    # where the lazy stream used to abort the process (the eager call, the
    # same column writer, raised PanicException).
    done = subprocess.run([sys.executable, "-c", _HUGE_IDS_SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["lazy", "refused"]


def test_columns_are_checked_like_keys() -> None:
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(pa.table({"primary_site": ["ileum"], "note": ["x"]}))
    assert (info.value.field, info.value.row) == ("note", None)
    out = nettx.evaluate_arrow(pa.table({"primary_site": ["ileum"], "note": ["x"]}), ignore_extra_columns=True)
    assert len(out) == 1
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(pa.table({"metastatic": [False]}))
    assert info.value.field == "primary_site"
    with pytest.raises(TypeError, match="evaluate_frame"):
        nettx.evaluate_arrow([{"primary_site": "ileum"}])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        nettx.evaluate_arrow(pa.table({"primary_site": ["ileum"]}), errors="ignore")  # type: ignore[arg-type]


def test_an_empty_table() -> None:
    out = nettx.evaluate_arrow(pa.table({"primary_site": pa.array([], type=pa.string())}), errors="return")
    table = pa.table(out)
    assert table.num_rows == 0 and table.schema.names == SCHEMA_COLUMNS + ERROR_COLUMNS
    assert len(out.to_pandas()) == 0


class ArrayOnly:
    """An object with only the C array interface (a struct array)."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch

    def __arrow_c_array__(self, requested_schema: Any = None) -> Tuple[Any, Any]:
        return self.batch.__arrow_c_array__(requested_schema)  # type: ignore[no-any-return]


class CountingStream:
    """A stream source that counts how often it is asked for its stream."""

    def __init__(self, reader: pa.RecordBatchReader) -> None:
        self.reader = reader
        self.calls = 0

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        self.calls += 1
        return self.reader.__arrow_c_stream__(requested_schema)


def test_the_array_interface_and_a_stream_read_once() -> None:
    batch = pa.record_batch({"primary_site": ["ileum", "colon"], "metastatic": [False, None]})
    want = pa.table(nettx.evaluate_arrow(pa.Table.from_batches([batch])))
    assert pa.table(nettx.evaluate_arrow(ArrayOnly(batch))).equals(want)
    source = CountingStream(pa.RecordBatchReader.from_batches(batch.schema, [batch]))
    assert pa.table(nettx.evaluate_arrow(source)).equals(want)
    assert source.calls == 1


def test_a_failing_stream_raises() -> None:
    schema = pa.schema([("primary_site", pa.string())])

    def batches() -> Iterator[pa.RecordBatch]:
        yield pa.record_batch({"primary_site": ["ileum"]}, schema=schema)
        raise OSError("disk gone")

    with pytest.raises(nettx.NettxError, match="disk gone"):
        nettx.evaluate_arrow(pa.RecordBatchReader.from_batches(schema, batches()))


_STREAM_SCRIPT = """
import re, sys
import pyarrow as pa
import nettx

rows_per_batch, pad = 50_000, 2_000
batches = int(sys.argv[1])
schema = pa.schema([("primary_site", pa.string()), ("metastatic", pa.bool_()), ("note", pa.string())])
filler = "x" * pad
made = []

def generate():
    for b in range(batches):
        made.append(b)
        yield pa.record_batch(
            {
                "primary_site": pa.array(["ileum", "colon"] * (rows_per_batch // 2)),
                "metastatic": pa.array([False, None] * (rows_per_batch // 2)),
                "note": pa.array([filler] * rows_per_batch),
            },
            schema=schema,
        )

def peak():
    # VmHWM starts anew at exec (ru_maxrss would carry over pytest's peak).
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024

before = peak()
source = pa.RecordBatchReader.from_batches(schema, generate())
if sys.argv[2] == "lazy":
    # Evaluated as the Parquet writer asks: nothing is held but a batch.
    import os, tempfile
    import pyarrow.parquet as pq

    stream = pa.RecordBatchReader.from_stream(
        nettx.evaluate_arrow(source, ignore_extra_columns=True, lazy=True)
    )
    assert made == []
    rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        with pq.ParquetWriter(os.path.join(tmp, "out.parquet"), stream.schema) as writer:
            for batch in stream:
                writer.write_batch(batch)
                rows += batch.num_rows
                assert len(made) <= rows // rows_per_batch + 1
        assert pq.ParquetFile(os.path.join(tmp, "out.parquet")).metadata.num_rows == rows
else:
    out = nettx.evaluate_arrow(source, ignore_extra_columns=True)
    rows = len(out)
assert made == list(range(batches)) and rows == rows_per_batch * batches
print(rows_per_batch * batches * pad / 2**20, peak() - before)
"""


def test_a_stream_is_evaluated_batch_by_batch_in_bounded_memory() -> None:
    # Batches of 50,000 rows made as they are read, each row carrying 2 kB
    # of a column that is not a field: 4 batches (380 MB) and 16 (1.5 GB).
    # Were the stream held, the peak would grow by the input's size; it
    # grows by about one batch's worth (the producer's and ours) plus the
    # result (about 90 bytes a row). Measured in fresh interpreters, whose
    # peaks are their own.
    def run(batches: int, mode: str = "eager") -> Tuple[float, float]:
        done = subprocess.run(
            [sys.executable, "-c", _STREAM_SCRIPT, str(batches), mode], capture_output=True, text=True, check=True
        )
        input_mib, grown_mib = map(float, done.stdout.split())
        return input_mib, grown_mib

    small_input, small_grown = run(4)
    large_input, large_grown = run(16)
    assert large_input - small_input > 1000
    assert small_grown < 500, small_grown
    assert large_grown - small_grown < (large_input - small_input) / 10, (small_grown, large_grown)
    # Lazily, into a Parquet writer: the result is not held either, so the
    # peak does not grow with the rows at all (here by less than 2 % of the input).
    lazy_small = run(4, "lazy")[1]
    lazy_large = run(16, "lazy")[1]
    assert lazy_large - lazy_small < (large_input - small_input) / 50, (lazy_small, lazy_large)
    assert lazy_large < large_grown, (lazy_large, large_grown)


def test_a_lazy_stream_evaluates_as_it_is_read() -> None:
    cases = random_cases(100_000)
    table = arrow_table(cases)
    want = pa.table(nettx.evaluate_arrow(table, full=True))
    batches = table.to_batches(max_chunksize=30_000)
    pulled: List[int] = []

    def generate() -> Iterator[pa.RecordBatch]:
        for i, b in enumerate(batches):
            pulled.append(i)
            yield b

    stream = nettx.evaluate_arrow(pa.RecordBatchReader.from_batches(table.schema, generate()), full=True, lazy=True)
    assert isinstance(stream, nettx.ArrowStream) and pulled == []
    assert stream.metadata["nettx.guideline.digest"] == nettx.GUIDELINE_DIGEST
    reader = pa.RecordBatchReader.from_stream(stream)
    first = reader.read_next_batch()
    # One slice per core is read and evaluated at once: the first answer
    # pulls at most that many input batches.
    assert first.num_rows == 30_000
    assert pulled == list(range(len(pulled))) and 1 <= len(pulled) <= min(os.cpu_count() or 1, 8)
    got = pa.Table.from_batches([first, *reader], schema=reader.schema)
    assert pulled == [0, 1, 2, 3]
    assert got.equals(want)
    with pytest.raises(RuntimeError, match="once"):
        stream.__arrow_c_stream__()
    # DuckDB reads it too.
    stream = nettx.evaluate_arrow(table, lazy=True)
    assert duckdb.sql("SELECT count(*) FROM stream").fetchall() == [(len(cases),)]


def test_a_refused_row_ends_a_lazy_stream_with_its_message() -> None:
    bad = pa.table({"primary_site": ["ileum"] * 70_000 + ["nowhere"]})
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_arrow(bad)
    with pytest.raises(pa.ArrowInvalid) as lazy:
        pa.table(nettx.evaluate_arrow(bad, lazy=True))
    assert str(info.value) in str(lazy.value)
    # errors="return" reports it in its row instead.
    out = pa.table(nettx.evaluate_arrow(bad, errors="return", lazy=True))
    assert out.column("error").to_pylist()[70_000] == info.value.message


def test_the_evaluation_column_is_the_json_of_evaluate() -> None:
    cases = random_cases(200)
    out = pa.table(nettx.evaluate_arrow(arrow_table(cases), full=True))
    for case, text in zip(cases, out.column("evaluation").to_pylist()):
        assert json.loads(text) == nettx.evaluate(case).to_dict()
