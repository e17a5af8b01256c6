"""nettx on Apache Spark: a DataFrame of cases in, a DataFrame of results out.

>>> import nettx.spark
>>> results = nettx.spark.evaluate(cases)          # doctest: +SKIP
>>> results.groupBy("disease_state").count()       # doctest: +SKIP

:func:`evaluate` runs :func:`nettx.evaluate_arrow` on every executor through
``DataFrame.mapInArrow``: Spark hands each task's rows over as Arrow record
batches, nettx evaluates them natively (on the executor's cores), and the
results go back as Arrow, with no Python object per row. Every executor needs
the ``nettx`` package (an abi3 wheel, one file for every Python from 3.9):
docs/SPARK.md says how to ship it to a cluster.

The package does not depend on pyspark; this module imports it when used.
"""

from typing import TYPE_CHECKING, Any, Iterator, List, Literal, Optional, Sequence

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["evaluate", "result_schema"]

_LIST_COLUMNS = ("goals", "codes", "strengths", "missing", "warnings", "preferred")


def _field_names() -> List[str]:
    from ._vocab import Field as FieldEnum

    return [f.value for f in FieldEnum]


def result_schema(*, errors: Literal["raise", "return"] = "raise", full: bool = False) -> str:
    """The Spark schema (DDL) of the result columns of :func:`evaluate`: the
    output schema of docs/ARROW.md with dictionary strings as plain strings
    (Spark has no dictionary type) and lists as arrays."""
    columns = ["case_id STRING", "in_scope BOOLEAN", "disease_state STRING"]
    columns += [f"{name} ARRAY<STRING>" for name in _LIST_COLUMNS]
    columns += ["urgent BOOLEAN", "case_digest STRING"]
    if errors == "return":
        columns += ["error_kind STRING", "error_field STRING", "error STRING"]
    if full:
        columns += ["evaluation STRING"]
    return ", ".join(columns)


def _arrow_result_schema(errors: str, full: bool) -> Any:
    """The pyarrow schema the results are cast to for Spark."""
    import pyarrow as pa  # type: ignore[import-untyped]

    fields = [
        pa.field("case_id", pa.string()),
        pa.field("in_scope", pa.bool_()),
        pa.field("disease_state", pa.string()),
    ]
    fields += [pa.field(name, pa.list_(pa.string())) for name in _LIST_COLUMNS]
    fields += [pa.field("urgent", pa.bool_()), pa.field("case_digest", pa.string())]
    if errors == "return":
        fields += [pa.field(n, pa.string()) for n in ("error_kind", "error_field", "error")]
    if full:
        fields += [pa.field("evaluation", pa.string())]
    return pa.schema(fields)


def evaluate(
    df: "DataFrame",
    *,
    keep: Optional[Sequence[str]] = None,
    errors: Literal["raise", "return"] = "raise",
    full: bool = False,
) -> "DataFrame":
    """Evaluates every row of a Spark DataFrame whose columns include case
    fields, and returns a DataFrame of the kept columns and the results.

    The case fields are the columns named like them (``primary_site``
    required), in the types ``evaluate_arrow`` reads: strings, booleans,
    numbers for the size, an array of strings for ``complications``; null is
    unknown. The other columns are identifiers, kept in front of the results
    unchanged: all of them by default, or those named in ``keep`` (``[]``
    for none). The result columns follow (:func:`result_schema`): ``case_id``,
    ``in_scope``, ``disease_state``, ``goals``, ``codes``, ``strengths``,
    ``missing``, ``warnings``, ``preferred`` (arrays of strings),
    ``urgent``, ``case_digest``; with ``errors="return"`` ``error_kind``,
    ``error_field`` and ``error``; with ``full=True`` ``evaluation`` (the
    complete evaluation as JSON).

    Like every Spark transformation this is lazy: nothing runs until an
    action (``write``, ``count``, ``collect``). With ``errors="raise"`` a bad
    row fails the task, and the job, with ``InvalidCaseError``'s message
    (whose row counts within a batch of the task); ``errors="return"`` keeps
    going and reports each bad row in its own row, which is usually what a
    cluster job wants.

    The guideline that made the results is ``nettx.GUIDELINE_DIGEST`` on
    the executors (Spark keeps no schema metadata); add it as a column
    (``F.lit(nettx.GUIDELINE_DIGEST)``) when storing results.
    """
    if errors not in ("raise", "return"):
        raise ValueError(f'errors must be "raise" or "return", got {errors!r}')
    from pyspark.sql.types import StructType

    fields = set(_field_names())
    columns: List[str] = list(df.columns)
    case_columns = [c for c in columns if c in fields]
    if "primary_site" not in case_columns:
        raise ValueError(
            f"nettx.spark.evaluate needs a column primary_site; the DataFrame has {columns}"
        )
    if keep is None:
        kept = [c for c in columns if c not in fields]
    else:
        kept = list(keep)
        unknown = [c for c in kept if c not in columns]
        if unknown:
            raise ValueError(f"keep names columns the DataFrame does not have: {unknown}")
    result_names = {f.split(" ", 1)[0] for f in result_schema(errors=errors, full=full).split(", ")}
    clash = [c for c in kept if c in result_names and c != "case_id"]
    if clash or (len(set(kept)) != len(kept)):
        raise ValueError(f"kept columns clash with result columns or repeat: {clash or kept}")
    if "case_id" in kept:
        kept.remove("case_id")  # it is a result column already

    kept_schema = StructType([df.schema[c] for c in kept])
    results = StructType.fromDDL(result_schema(errors=errors, full=full))
    if not isinstance(results, StructType):  # pragma: no cover
        raise TypeError(f"not a struct: {results}")
    schema = StructType(list(kept_schema.fields) + list(results.fields))

    def evaluate_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        import nettx

        target = _arrow_result_schema(errors, full)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            result = nettx.evaluate_arrow(batch.select(case_columns), errors=errors, full=full)
            table = pa.table(result).cast(target)
            arrays: List[Any] = [batch.column(c) for c in kept]
            names = list(kept)
            for name in table.column_names:
                arrays.append(table.column(name).combine_chunks())
                names.append(name)
            yield pa.RecordBatch.from_arrays(arrays, names=names)

    return df.mapInArrow(evaluate_batches, schema)

