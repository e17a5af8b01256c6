"""nettx.spark.evaluate on Apache Spark in local mode (local[2]): 100,000
rows, every one equal to evaluate_many's answer; id columns kept; bad rows
with errors="return"; the schema. Needs Java 17 (tests/python/run.sh
installs it from Debian when missing)."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any, Dict, Iterator, List

import pyarrow as pa
import pytest

import nettx
from cohorts import arrow_table, expected_row, random_cases

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):  # pragma: no cover
    pytest.fail("Spark needs Java: tests/python/run.sh installs openjdk-17-jre-headless")

import nettx.spark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

ROWS = 100_000

# pyspark 4.3 warns that it does not fully support pandas 3; nettx.spark uses
# no pandas (Arrow only), and the suite's pandas is 3.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    # The workers run this interpreter, where nettx is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("nettx-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_every_row_equals_evaluate_many(spark: Any) -> None:
    cases = random_cases(ROWS, seed=7)
    table = arrow_table(cases).append_column("patient_key", pa.array(range(ROWS), type=pa.int64()))
    df = spark.createDataFrame(table).repartition(6)
    out = nettx.spark.evaluate(df, full=True)
    assert out.columns[:2] == ["patient_key", "case_id"]
    got = out.toArrow().sort_by("patient_key")
    assert got.num_rows == ROWS
    assert got.column("patient_key").to_pylist() == list(range(ROWS))
    want = [e.to_json() for e in nettx.evaluate_many(cases)]
    assert got.column("evaluation").to_pylist() == want
    names = list(expected_row(want[0]))
    columns = {n: got.column(n).to_pylist() for n in names}
    for i, golden in enumerate(want):
        assert {n: columns[n][i] for n in names} == expected_row(golden), i


def test_keep_and_errors_return(spark: Any) -> None:
    rows: List[Dict[str, Any]] = [
        {"mrn": "A1", "ward": 3, "primary_site": "ileum", "metastatic": False},
        {"mrn": "A2", "ward": 4, "primary_site": "nowhere", "metastatic": None},
        {"mrn": "A3", "ward": 5, "primary_site": "rectum", "metastatic": None},
    ]
    df = spark.createDataFrame(rows, "mrn STRING, ward INT, primary_site STRING, metastatic BOOLEAN")
    out = nettx.spark.evaluate(df, keep=["mrn"], errors="return").orderBy("mrn").collect()
    assert [r["mrn"] for r in out] == ["A1", "A2", "A3"]
    assert "ward" not in out[0].asDict()
    want = nettx.evaluate({"primary_site": "ileum", "metastatic": False})
    assert out[0]["codes"] == [r.code.value for r in want.recommendations]
    assert out[0]["error"] is None
    assert out[1]["codes"] is None and out[1]["error_field"] == "primary_site"
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate({"primary_site": "nowhere"})
    assert out[1]["error"] == info.value.message and out[1]["error_kind"] == "field"
    # With errors="raise", the bad row fails the job with the core's message.
    with pytest.raises(Exception, match="primary_site must be one of"):
        nettx.spark.evaluate(df).collect()


def test_the_schema_and_its_checks(spark: Any) -> None:
    df = spark.createDataFrame([("ileum", 1)], "primary_site STRING, id INT")
    out = nettx.spark.evaluate(df)
    assert out.columns == ["id"] + [f.split(" ")[0] for f in nettx.spark.result_schema().split(", ")]
    assert dict(out.dtypes)["codes"] == "array<string>"
    assert out.groupBy("disease_state").agg(F.count("*").alias("n")).collect()[0]["n"] == 1
    with pytest.raises(ValueError, match="primary_site"):
        nettx.spark.evaluate(spark.createDataFrame([(1,)], "id INT"))
    with pytest.raises(ValueError, match="clash"):
        nettx.spark.evaluate(spark.createDataFrame([("ileum", 1)], "primary_site STRING, codes INT"))
