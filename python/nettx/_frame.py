"""Evaluating a pandas DataFrame of cases, column by column."""

from __future__ import annotations

import contextlib
import gc
import warnings
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Literal, Optional, Tuple

from . import _native
from ._errors import InvalidCaseError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["evaluate_frame"]

# The yes/no fields, whose boolean columns go as packed booleans: the
# core's own list (its fields of kind "bool").
_BOOL_FIELDS = frozenset(f for f, kind in _native.FIELD_KINDS.items() if kind == "bool")


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


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector while millions of small lists
    are made (one per row and list column): they hold only strings, so no
    cycle can form, and collections triggered by their count would
    otherwise double the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_LIST_COLUMNS = ("goals", "codes", "strengths", "missing", "warnings", "preferred")


def _object_column(values: List[Any]) -> "Any":
    """A numpy object array holding ``values`` as they are (lists stay
    lists, one per row; ``np.fromiter`` does not look into them, unlike
    ``np.array`` or slice assignment)."""
    import numpy as np

    return np.fromiter(values, dtype=object, count=len(values))


def _frame_from_columns(
    result: Dict[str, Any], index: Any, errors: Optional[str] = None
) -> "pd.DataFrame":
    """The DataFrame of the output schema (docs/ARROW.md) from the native
    module's Python columns: lists as Python lists of strings, the disease
    state as a categorical, ``in_scope`` and ``urgent`` as booleans (nullable
    when ``errors`` is ``"return"``), and the error columns with
    ``errors="return"``."""
    import numpy as np
    import pandas as pd

    ok = np.frombuffer(result["ok"], dtype=np.uint8).astype(bool)
    out: Dict[str, Any] = {}
    out["case_id"] = _object_column(result["case_id"])
    in_scope = np.frombuffer(result["in_scope"], dtype=np.uint8).astype(bool)
    urgent = np.frombuffer(result["urgent"], dtype=np.uint8).astype(bool)
    returned = errors == "return" or (errors is None and "error_kind" in result)
    out["in_scope"] = pd.arrays.BooleanArray(in_scope, ~ok) if returned else in_scope
    out["disease_state"] = _categorical(result["disease_state"], result["disease_states"], wide=False)
    for name in _LIST_COLUMNS:
        out[name] = _object_column(result[name])
    out["urgent"] = pd.arrays.BooleanArray(urgent, ~ok) if returned else urgent
    out["case_digest"] = _object_column(result["case_digest"])
    if returned and "error_kind" in result:
        out["error_kind"] = _categorical(result["error_kind"], result["error_kinds"], wide=False)
        out["error_field"] = pd.Categorical(result["error_field"])
        out["error"] = pd.Categorical(result["error"])
    if "evaluation" in result:
        out["evaluation"] = _object_column(result["evaluation"])
    # copy=False: the columns stay separate arrays (no consolidation of the
    # object columns into one block, which would copy them).
    return pd.DataFrame(out, index=index, copy=False)


def evaluate_frame(
    df: "pd.DataFrame",
    *,
    ignore_extra_columns: bool = False,
    errors: Literal["raise", "return"] = "raise",
    full: bool = False,
    joined: bool = False,
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

    Returns a DataFrame with the input's index and the columns of the output
    schema (docs/ARROW.md, the same as ``evaluate_arrow``'s):

    - ``case_id`` (the input's, or ``None``),
    - ``in_scope`` (bool), ``disease_state`` (categorical of ``DiseaseState``),
    - ``goals``, ``codes``, ``strengths``, ``missing``, ``warnings`` and
      ``preferred``: a list of wire names per row (``codes`` and
      ``strengths`` in the order of the recommendations; ``preferred`` the
      codes of the preferred ones),
    - ``urgent`` (bool: any urgent recommendation), ``case_digest`` (str),
    - with ``full=True``, ``evaluation``: the ``Evaluation`` of each row
      (computed when first used; keeps about 0.3 kB per row).

    ``joined=True`` (deprecated, warns) gives the earlier columns instead:
    ``in_scope``, ``disease_state``, ``preferred``, ``codes``, ``urgent``,
    ``missing`` and ``warnings``, the lists as categoricals of strings joined
    by ``";"``, and ``error`` before ``error_kind`` and ``error_field``.

    A frame of more than ``MAX_BATCH_CASES`` rows raises ``InvalidCaseError``
    (kind ``parse``, no field, no row) before anything is read; split it, or
    use ``evaluate_arrow``, which streams.
    A row that cannot be evaluated raises ``InvalidCaseError`` with its
    position (``row``) and index label (``label``), unless ``errors`` is
    ``"return"``: then such rows get missing results (``None`` lists),
    ``in_scope`` and ``urgent`` become nullable booleans, and the columns
    ``error_kind``, ``error_field`` and ``error`` (the message) say what is
    wrong.

    The work runs in native code, column by column, with the interpreter
    released and on all cores.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"evaluate_frame takes a pandas DataFrame, got {type(df).__name__}")
    if errors not in ("raise", "return"):
        raise ValueError(f'errors must be "raise" or "return", got {errors!r}')
    if joined:
        warnings.warn(
            "evaluate_frame(joined=True) is deprecated: the result's list columns "
            "(codes, preferred, missing, warnings, …) hold lists; join them yourself "
            "if you need strings",
            DeprecationWarning,
            stacklevel=2,
        )
    _native.check_batch_len(len(df))

    plan = _native.frame_columns(list(df.columns), ignore_extra_columns)
    columns = [_payload(field, df.iloc[:, position]) for position, field in plan]
    n = len(df)
    with _no_gc():
        result = _native.evaluate_columns(n, columns, (pd.NA, pd.NaT), pd.isna, full, joined)

    first_error = result["first_error"]
    if first_error is not None and errors == "raise":
        row, (kind, field, message, document) = first_error
        raise InvalidCaseError(
            message, kind=kind, field=field, row=row, label=df.index[row], document=document
        )
    if joined:
        return _joined_frame(result, df.index, n, errors, full)
    out = _frame_from_columns(result, df.index, errors)
    if full:
        out["evaluation"] = _object_column(result["evaluations"])
    return out


def _joined_frame(
    result: Dict[str, Any], index: Any, n: int, errors: str, full: bool
) -> "pd.DataFrame":
    """The deprecated form of ``evaluate_frame``'s result (``joined=True``)."""
    import numpy as np
    import pandas as pd

    ok = np.frombuffer(result["ok"], dtype=np.uint8).astype(bool)
    in_scope = np.frombuffer(result["in_scope"], dtype=np.uint8).astype(bool)
    urgent = np.frombuffer(result["urgent"], dtype=np.uint8).astype(bool)
    out: Dict[str, Any] = {}
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
    return pd.DataFrame(out, index=index)
