"""Evaluating a pandas DataFrame of cases, column by column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Literal, Tuple

from . import _native
from ._errors import InvalidCaseError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["evaluate_frame"]

_BOOL_FIELDS = frozenset(
    {
        "local_spread",
        "metastatic",
        "hepatic_metastases",
        "extrahepatic_metastases",
        "metastases_resectable",
        "carcinoid_syndrome",
    }
)


def _payload(field: str, column: "pd.Series[Any]") -> Tuple[str, str, Any, Any]:
    """One column in the cheapest form the native module reads: packed
    booleans, doubles or integers, categorical codes, or a list of objects.
    Missing values stay recognisable in every form."""
    import numpy as np
    import pandas as pd
    from pandas.api import types

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes, dtype=np.int32)
        categories = column.cat.categories.tolist()
        return (field, "cat", codes.tobytes(), categories)
    if field in _BOOL_FIELDS:
        if dtype == np.bool_:
            return (field, "bool", column.to_numpy(dtype=np.uint8).tobytes(), None)
        if isinstance(dtype, pd.BooleanDtype):
            packed = column.to_numpy(dtype=np.uint8, na_value=2)
            return (field, "tri", packed.tobytes(), None)
    if field == "tumor_size_cm" and not types.is_bool_dtype(dtype):
        if types.is_float_dtype(dtype):
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            return (field, "float", values.tobytes(), None)
        # Unsigned integers go as objects: uint64 values beyond int64 would
        # wrap, and must be shown as the dict shows them.
        if types.is_integer_dtype(dtype) and not types.is_unsigned_integer_dtype(dtype):
            mask = column.isna().to_numpy()
            values = column.to_numpy(dtype=np.int64, na_value=0)
            return (field, "int", values.tobytes(), mask.tobytes() if mask.any() else None)
    return (field, "obj", column.tolist(), None)


def _categorical(codes: bytes, categories: List[Any], wide: bool = True) -> "pd.Categorical":
    """A categorical from packed codes (int32, or int8 when not ``wide``;
    -1 for missing) and its categories."""
    import numpy as np
    import pandas as pd

    index = pd.Index(categories, dtype=object)
    if wide:
        return pd.Categorical.from_codes(np.frombuffer(codes, dtype=np.int32), categories=index)
    return pd.Categorical.from_codes(np.frombuffer(codes, dtype=np.int8), categories=index)


def evaluate_frame(
    df: "pd.DataFrame",
    *,
    ignore_extra_columns: bool = False,
    errors: Literal["raise", "return"] = "raise",
    full: bool = False,
) -> "pd.DataFrame":
    """Evaluates every row of a DataFrame whose columns are case fields.

    Columns are named like the fields of a case (``primary_site``,
    ``tumor_size_cm``, …); ``primary_site`` is required, a column left out
    means that field is unknown for every row, and a column that is not a
    field is an error unless ``ignore_extra_columns`` is true. Missing values
    (``None``, ``NaN``, ``pd.NA``, ``NaT``) are unknown. Columns may be of
    object, string, categorical, bool, nullable ``"boolean"``, float or
    integer dtype; ``complications`` holds lists, tuples or arrays of
    complications (or ``None``). Values are
    checked as in ``evaluate``: a boolean field takes booleans only.

    Returns a DataFrame with the input's index and the columns

    - ``in_scope`` (bool), ``urgent`` (bool: any urgent recommendation),
    - ``disease_state`` (categorical of ``DiseaseState``),
    - ``preferred`` and ``codes`` (categoricals: the preferred and all
      recommendation codes in output order, joined by ``";"``),
    - ``missing`` and ``warnings`` (categoricals: missing fields and warning
      codes joined by ``";"``, ``""`` for none),
    - with ``full=True``, ``evaluation``: the ``Evaluation`` of each row
      (computed when first used; keeps about 0.3 kB per row).

    A frame of more than ``MAX_BATCH_CASES`` rows raises ``InvalidCaseError``
    (kind ``parse``, no field, no row) before anything is read; split it.
    A row that cannot be evaluated raises ``InvalidCaseError`` with its
    position (``row``) and index label (``label``), unless ``errors`` is
    ``"return"``: then such rows get missing results, ``in_scope`` and
    ``urgent`` become nullable booleans, and the columns ``error`` (the
    message), ``error_kind`` and ``error_field`` say what is wrong.

    The work runs in native code, column by column, with the interpreter
    released and on all cores: no Python object is made per row unless
    ``full`` asks for it.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"evaluate_frame takes a pandas DataFrame, got {type(df).__name__}")
    if errors not in ("raise", "return"):
        raise ValueError(f'errors must be "raise" or "return", got {errors!r}')
    _native.check_batch_len(len(df))

    plan = _native.frame_columns(list(df.columns), ignore_extra_columns)
    columns = [_payload(field, df.iloc[:, position]) for position, field in plan]
    n = len(df)
    result = _native.evaluate_columns(n, columns, (pd.NA, pd.NaT), pd.isna, full)

    first_error = result["first_error"]
    if first_error is not None and errors == "raise":
        row, (kind, field, message, document) = first_error
        raise InvalidCaseError(
            message, kind=kind, field=field, row=row, label=df.index[row], document=document
        )

    ok = np.frombuffer(result["ok"], dtype=np.uint8).astype(bool)
    in_scope = np.frombuffer(result["in_scope"], dtype=np.uint8).astype(bool)
    urgent = np.frombuffer(result["urgent"], dtype=np.uint8).astype(bool)
    out: dict[str, Any] = {}
    if errors == "return":
        failed = ~ok
        out["in_scope"] = pd.arrays.BooleanArray(in_scope, failed)
    else:
        out["in_scope"] = in_scope
    out["disease_state"] = _categorical(result["disease_state"], result["disease_states"], wide=False)
    for name in ("preferred", "codes"):
        codes, categories = result[name]
        out[name] = _categorical(codes, categories)
    if errors == "return":
        out["urgent"] = pd.arrays.BooleanArray(urgent, ~ok)
    else:
        out["urgent"] = urgent
    for name in ("missing", "warnings"):
        codes, categories = result[name]
        out[name] = _categorical(codes, categories)
    if errors == "return":
        codes, categories = result["error"]
        out["error"] = _categorical(codes, categories)
        out["error_kind"] = _categorical(result["error_kind"], result["error_kinds"], wide=False)
        codes, categories = result["error_field"]
        out["error_field"] = _categorical(codes, categories)
    if full:
        evaluations = np.empty(n, dtype=object)
        evaluations[:] = result["evaluations"]
        out["evaluation"] = evaluations
    return pd.DataFrame(out, index=df.index)
