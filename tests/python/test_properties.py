"""Hypothesis properties: arbitrary dicts and DataFrames never crash the
interpreter, every failure is an InvalidCaseError naming the right field,
and every path agrees with the JSON path."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nettx

FIELDS = [f.value for f in nettx.Field]
BOOL_FIELDS = [
    "local_spread",
    "metastatic",
    "hepatic_metastases",
    "extrahepatic_metastases",
    "metastases_resectable",
    "carcinoid_syndrome",
]
SITES = [s.value for s in nettx.Site]
HISTOLOGY = [h.value for h in nettx.Histology] + ["unknown"]
RESPONSES = [r.value for r in nettx.SsaResponse] + ["unknown"]
COMPLICATIONS = [c.value for c in nettx.Complication]

# The default profile keeps the suite quick; NETTX_HYPOTHESIS_PROFILE=long
# searches ten times as far. No example database is written to the tree.
for _name, _examples in (("nettx", 300), ("long", 3000)):
    settings.register_profile(
        _name,
        deadline=None,
        max_examples=_examples,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
settings.load_profile(os.environ.get("NETTX_HYPOTHESIS_PROFILE", "nettx"))

# --- strategies ----------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=0.0, max_value=31.0),
    st.text(max_size=12),
    st.sampled_from(SITES + HISTOLOGY + RESPONSES + COMPLICATIONS),
)
json_values = st.one_of(
    json_scalars,
    st.lists(st.one_of(st.sampled_from(COMPLICATIONS), json_scalars), max_size=4),
    st.dictionaries(st.text(max_size=4), json_scalars, max_size=2),
)
odd_values = st.one_of(
    json_values,
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 10**400, -(10**400)]),
    st.binary(max_size=4),
    st.complex_numbers(allow_nan=True),
    st.sampled_from([np.bool_(True), np.int64(3), np.float32(2.5), np.float64("nan"), pd.NA, pd.NaT]),
    st.sampled_from(list(nettx.Site) + list(nettx.Complication)),
    st.tuples(st.sampled_from(COMPLICATIONS)),
    st.frozensets(st.sampled_from(COMPLICATIONS)),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Lu"]), max_size=3),
)
keys = st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS), st.text(max_size=8))


@st.composite
def valid_cases(draw: st.DrawFn) -> Dict[str, Any]:
    """Cases built from the vocabularies, often contradictory on purpose."""
    case: Dict[str, Any] = {"primary_site": draw(st.sampled_from(SITES))}
    if draw(st.booleans()):
        case["case_id"] = draw(st.one_of(st.none(), st.text(max_size=20)))
    optional = {
        "histology": st.one_of(st.none(), st.sampled_from(HISTOLOGY)),
        "tumor_size_cm": st.one_of(st.none(), st.floats(min_value=0.01, max_value=30.0), st.integers(1, 30)),
        "complications": st.one_of(st.none(), st.lists(st.sampled_from(COMPLICATIONS), max_size=3)),
        "ssa_response": st.one_of(st.none(), st.sampled_from(RESPONSES)),
        **{b: st.one_of(st.none(), st.booleans()) for b in BOOL_FIELDS},
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            case[name] = draw(strategy)
    return case


def json_representable(case: Dict[Any, Any]) -> bool:
    """Whether json.dumps gives the document the dict stands for."""

    def ok(v: Any) -> bool:
        if v is None or isinstance(v, (bool, str)):
            return not isinstance(v, str) or all(not 0xD800 <= ord(c) <= 0xDFFF for c in v)
        if isinstance(v, int):
            return type(v) is int and abs(v) < 10**300
        if isinstance(v, float):
            return type(v) is float and math.isfinite(v)
        if isinstance(v, list):
            return all(ok(x) for x in v)
        if isinstance(v, dict):
            return all(isinstance(k, str) and ok(k) and ok(x) for k, x in v.items())
        return False

    return all(isinstance(k, str) and ok(k) for k in case) and all(ok(v) for v in case.values())


# --- dicts ---------------------------------------------------------------------------


@st.composite
def odd_cases(draw: st.DrawFn) -> Dict[Any, Any]:
    """A valid case with a few entries replaced or added by odd ones."""
    case: Dict[Any, Any] = draw(valid_cases())
    for key, value in draw(st.dictionaries(keys, odd_values, max_size=2)).items():
        case[key] = value
    return case


@given(st.one_of(st.dictionaries(keys, odd_values, max_size=8), odd_cases(), valid_cases()))
def test_arbitrary_dicts_never_crash(case: Dict[Any, Any]) -> None:
    try:
        ev = nettx.evaluate(case)
    except nettx.InvalidCaseError as e:
        assert e.kind in set(nettx.ErrorKind)
        assert e.field is None or isinstance(e.field, str)
        assert e.message
        assert json.loads(e.to_json()) == e.to_dict()
        if json_representable(case):
            with pytest.raises(nettx.InvalidCaseError) as info:
                nettx.evaluate_json(json.dumps(case))
            assert info.value.to_json() == e.to_json()
        return
    assert ev.to_dict() == json.loads(ev.to_json())
    if json_representable(case):
        assert nettx.evaluate_json(json.dumps(case)) == ev.to_json()


@given(valid_cases())
def test_dict_and_json_paths_agree(case: Dict[str, Any]) -> None:
    try:
        ev = nettx.evaluate(case)
    except nettx.InvalidCaseError as e:
        assert e.kind in (nettx.ErrorKind.CONTRADICTION, nettx.ErrorKind.FIELD)
        with pytest.raises(nettx.InvalidCaseError) as info:
            nettx.evaluate_json(json.dumps(case))
        assert info.value.to_json() == e.to_json()
        return
    assert ev.to_dict() == json.loads(nettx.evaluate_json(json.dumps(case)))
    assert nettx.evaluate(nettx.Case(**case)).to_json() == ev.to_json()


WRONG = {
    "case_id": st.one_of(st.integers(), st.booleans(), st.lists(st.text(), max_size=1)),
    "primary_site": st.one_of(st.text(max_size=6).filter(lambda s: s not in SITES), st.integers(), st.none()),
    "histology": st.one_of(st.text(max_size=6).filter(lambda s: s not in HISTOLOGY), st.booleans()),
    "tumor_size_cm": st.one_of(
        st.booleans(),
        st.text(max_size=3),
        st.floats().filter(lambda v: not 0.01 <= v <= 30),
        st.integers().filter(lambda v: not 0 < v <= 30),
    ),
    "complications": st.one_of(st.text(max_size=5), st.lists(st.integers(), min_size=1, max_size=2), st.booleans()),
    "ssa_response": st.one_of(st.text(max_size=6).filter(lambda s: s not in RESPONSES), st.integers()),
    **{b: st.one_of(st.integers(), st.text(max_size=3), st.floats()) for b in BOOL_FIELDS},
}


@given(valid_cases(), st.sampled_from(FIELDS), st.data())
def test_errors_name_the_field_at_fault(case: Dict[str, Any], field: str, data: st.DataObject) -> None:
    case = {k: v for k, v in case.items() if k in ("primary_site", "case_id") or v is None}
    case[field] = data.draw(WRONG[field])
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate(case)
    assert info.value.kind is nettx.ErrorKind.FIELD
    assert info.value.field == field


@given(st.lists(valid_cases(), max_size=20))
def test_evaluate_many_is_evaluate_in_order(cases: List[Dict[str, Any]]) -> None:
    one_by_one: List[Optional[str]] = []
    first_bad: Optional[int] = None
    for i, c in enumerate(cases):
        try:
            one_by_one.append(nettx.evaluate(c).to_json())
        except nettx.InvalidCaseError:
            first_bad = i if first_bad is None else first_bad
    if first_bad is None:
        assert [e.to_json() for e in nettx.evaluate_many(cases)] == one_by_one
    else:
        with pytest.raises(nettx.InvalidCaseError) as info:
            nettx.evaluate_many(cases)
        assert info.value.row == first_bad


# --- DataFrames ----------------------------------------------------------------------

cell_values = st.one_of(
    json_scalars,
    st.sampled_from([None, float("nan"), pd.NA, pd.NaT, np.bool_(False), np.int64(2), np.float32("nan"), np.datetime64("NaT", "ns")]),
    st.lists(st.sampled_from(COMPLICATIONS + ["volvulus", ""]), max_size=3),
    st.sampled_from(list(nettx.Site)),
)


GOOD_CELLS: Dict[str, Any] = {
    "case_id": st.one_of(st.none(), st.text(max_size=8)),
    "primary_site": st.sampled_from(SITES + list(nettx.Site)),
    "histology": st.one_of(st.none(), st.sampled_from(HISTOLOGY)),
    "tumor_size_cm": st.one_of(st.none(), st.just(float("nan")), st.floats(0.01, 30.0), st.integers(1, 30)),
    "complications": st.one_of(st.none(), st.lists(st.sampled_from(COMPLICATIONS), max_size=2)),
    "ssa_response": st.one_of(st.none(), st.sampled_from(RESPONSES)),
    **{b: st.sampled_from([True, False, None, float("nan"), pd.NA]) for b in BOOL_FIELDS},
}


def mostly(good: Any, other: Any, weight: int) -> Any:
    """``good`` about ``weight`` times as often as ``other``."""
    return st.integers(0, weight).flatmap(lambda k: other if k == weight else good)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """DataFrames of case columns in assorted dtypes, with values that are
    mostly right and sometimes wrong (most rows evaluate, many do not)."""
    n = draw(st.integers(min_value=0, max_value=12))
    names = ["primary_site"] + draw(st.lists(st.sampled_from(FIELDS[:1] + FIELDS[2:]), unique=True, max_size=6))
    data: Dict[str, Any] = {}
    for name in names:
        weight = 12 if name == "primary_site" else 5
        kind = draw(st.sampled_from(["object", "object", "typed", "categorical"]))
        if kind == "typed" and name in BOOL_FIELDS:
            values = draw(st.lists(st.one_of(st.booleans(), st.none()), min_size=n, max_size=n))
            data[name] = pd.array(values, dtype="boolean") if None in values else np.array(values, dtype=bool)
        elif kind == "typed" and name == "tumor_size_cm":
            cell = mostly(st.floats(0.01, 30), st.one_of(st.floats(allow_nan=True), st.none()), 3)
            values = draw(st.lists(cell, min_size=n, max_size=n))
            data[name] = pd.array([np.nan if v is None else v for v in values], dtype="float64")
        elif kind == "typed" and name in ("primary_site", "histology", "ssa_response", "case_id"):
            pool = SITES + HISTOLOGY + RESPONSES + ["x"]
            good = GOOD_CELLS[name] if name != "primary_site" else st.sampled_from(SITES)
            cell = mostly(good, st.one_of(st.sampled_from(pool), st.none()), weight)
            data[name] = pd.array(draw(st.lists(cell, min_size=n, max_size=n)), dtype="string")
        elif kind == "categorical" and name != "complications":
            good = GOOD_CELLS[name].filter(lambda v: v is not None and v is not pd.NA and v == v)
            other = st.one_of(st.sampled_from(SITES + HISTOLOGY + RESPONSES), st.booleans(), st.floats(0, 40))
            pool = draw(st.lists(mostly(good, other, weight), min_size=1, max_size=4, unique_by=lambda v: (type(v), v)))
            values = draw(st.lists(mostly(st.sampled_from(pool), st.none(), weight), min_size=n, max_size=n))
            try:
                data[name] = pd.Categorical(values)
            except (TypeError, ValueError):
                data[name] = pd.Series(values, dtype=object)
        else:
            values = draw(st.lists(mostly(GOOD_CELLS[name], cell_values, weight), min_size=n, max_size=n))
            column = np.empty(n, dtype=object)
            column[:] = values if n else []
            data[name] = column
    return pd.DataFrame(data, index=pd.RangeIndex(100, 100 + n))


def as_dicts(df: pd.DataFrame) -> List[Dict[str, Any]]:
    """Each row as the dict it stands for, missing values as None."""
    columns = {name: df[name].tolist() for name in df.columns}
    rows = []
    for i in range(len(df)):
        row = {}
        for name, values in columns.items():
            v = values[i]
            missing = not isinstance(v, (list, tuple, np.ndarray)) and bool(pd.isna(v))
            row[name] = None if missing else v
        rows.append(row)
    return rows


@given(frames())
def test_frames_agree_with_evaluate_row_by_row(df: pd.DataFrame) -> None:
    out = nettx.evaluate_frame(df, errors="return", full=True)
    assert out.index.equals(df.index)
    for i, row in enumerate(as_dicts(df)):
        try:
            want = nettx.evaluate(row).to_json()
        except nettx.InvalidCaseError as e:
            assert out["error"].iloc[i] == e.message, (i, row)
            assert out["error_kind"].iloc[i] == e.kind.value
            assert out["evaluation"].iloc[i] is None
            continue
        assert pd.isna(out["error"].iloc[i]), (i, row, out["error"].iloc[i])
        assert out["evaluation"].iloc[i].to_json() == want
        assert out["in_scope"].iloc[i] == json.loads(want)["in_scope"]
    if out["error"].notna().any():
        with pytest.raises(nettx.InvalidCaseError) as info:
            nettx.evaluate_frame(df)
        first = int(np.flatnonzero(out["error"].notna().to_numpy())[0])
        assert info.value.row == first and info.value.label == df.index[first]
    else:
        lean = nettx.evaluate_frame(df)
        assert lean["preferred"].astype(object).tolist() == out["preferred"].astype(object).tolist()


@given(st.dictionaries(st.one_of(st.text(max_size=6), st.integers()), st.lists(cell_values, min_size=2, max_size=2), max_size=5))
def test_arbitrary_frames_never_crash(columns: Dict[Any, List[Any]]) -> None:
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    for ignore in (False, True):
        try:
            nettx.evaluate_frame(df, ignore_extra_columns=ignore, errors="return")
        except nettx.InvalidCaseError as e:
            assert e.row is None  # only the columns themselves are refused
