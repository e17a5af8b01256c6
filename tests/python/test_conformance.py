"""The shared conformance suite through every Python entry point: the same
bytes as the Rust core and the command line (tests/conformance/golden.jsonl)."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

import nettx
from conftest import CASES, ERRORS, GOLDEN_CASES, GOLDEN_ERRORS, strict_object

CASE_IDS = [title for title, _ in CASES]


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 109
    assert len(ERRORS) == 46
    assert len(GOLDEN_CASES) + len(GOLDEN_ERRORS) == 155


@pytest.mark.parametrize("case,golden", [(c, g) for (_, c), g in zip(CASES, GOLDEN_CASES)], ids=CASE_IDS)
def test_evaluate_json_gives_the_golden_bytes(case: Dict[str, Any], golden: str) -> None:
    assert nettx.evaluate_json(json.dumps(case)) == golden
    assert nettx.evaluate_json(json.dumps(case).encode()) == golden


@pytest.mark.parametrize("case,golden", [(c, g) for (_, c), g in zip(CASES, GOLDEN_CASES)], ids=CASE_IDS)
def test_evaluate_dict_gives_the_golden_output(case: Dict[str, Any], golden: str) -> None:
    ev = nettx.evaluate(case)
    assert ev.to_json() == golden
    assert ev.to_dict() == json.loads(golden)
    # The typed view agrees with the document.
    doc = json.loads(golden)
    assert ev.in_scope is doc["in_scope"]
    assert ev.disease_state == doc["disease_state"]
    assert [g.value for g in ev.goals] == doc["goals"]
    assert [r.to_dict() for r in ev.recommendations] == doc["recommendations"]
    assert [m.to_dict() for m in ev.missing] == doc["missing"]
    assert [w.to_dict() for w in ev.warnings] == doc["warnings"]
    assert [t.to_dict() for t in ev.trace] == doc["trace"]
    assert ev.case_digest == doc["case_digest"]
    assert ev.case_id == doc.get("case_id")
    assert ev.guideline_digest == doc["guideline"]["digest"] == nettx.GUIDELINE_DIGEST
    assert ev.engine_version == doc["engine"]["version"] == nettx.__version__


@pytest.mark.parametrize("case,golden", [(c, g) for (_, c), g in zip(CASES, GOLDEN_CASES)], ids=CASE_IDS)
def test_case_objects_give_the_golden_output(case: Dict[str, Any], golden: str) -> None:
    typed = nettx.Case(**case)
    assert nettx.evaluate(typed).to_json() == golden
    assert nettx.Case.from_dict(case) == typed
    assert nettx.Case.from_json(json.dumps(case)) == typed
    assert nettx.Case.from_json(typed.to_json()) == typed
    assert nettx.evaluate(nettx.Case(**typed.to_dict())).to_json() == golden


def test_evaluate_many_gives_the_golden_output() -> None:
    cases = [c for _, c in CASES]
    out = nettx.evaluate_many(cases)
    assert [e.to_json() for e in out] == GOLDEN_CASES
    # Mixed dicts and Case objects, from a generator, large enough for threads.
    mixed = (nettx.Case(**c) if i % 2 else c for i, c in enumerate(cases * 200))
    assert [e.to_json() for e in nettx.evaluate_many(mixed)] == GOLDEN_CASES * 200


def cohort_frame(cases: List[Dict[str, Any]]) -> pd.DataFrame:
    """The cases as one DataFrame: a column per field, None where a case
    leaves a field out."""
    fields = [f.value for f in nettx.Field]
    rows = [{f: c.get(f) for f in fields} for c in cases]
    df = pd.DataFrame(rows, columns=fields)
    df["complications"] = [c.get("complications") for c in cases]
    return df


def expected_columns(golden: str) -> Dict[str, Any]:
    doc = json.loads(golden)
    recs = doc["recommendations"]
    return {
        "case_id": doc.get("case_id"),
        "in_scope": doc["in_scope"],
        "disease_state": doc["disease_state"],
        "goals": doc["goals"],
        "codes": [r["code"] for r in recs],
        "strengths": [r["strength"] for r in recs],
        "missing": [m["field"] for m in doc["missing"]],
        "warnings": [w["code"] for w in doc["warnings"]],
        "preferred": [r["code"] for r in recs if r["strength"] == "preferred"],
        "urgent": any(r["urgency"] == "urgent" for r in recs),
        "case_digest": doc["case_digest"],
    }


def check_frame(df: pd.DataFrame) -> None:
    out = nettx.evaluate_frame(df, full=True)
    assert list(out.index) == list(df.index)
    assert [e.to_json() for e in out["evaluation"]] == GOLDEN_CASES
    for i, golden in enumerate(GOLDEN_CASES):
        row = out.iloc[i]
        for name, value in expected_columns(golden).items():
            if value is None:
                assert pd.isna(row[name]), (i, name)
            else:
                assert row[name] == value, (i, name)


def test_evaluate_frame_gives_the_golden_output() -> None:
    df = cohort_frame([c for _, c in CASES])
    df.index = pd.Index([f"case-{i}" for i in range(len(df))])
    check_frame(df)


def test_evaluate_frame_gives_the_golden_output_in_every_dtype() -> None:
    df = cohort_frame([c for _, c in CASES])
    bools = [
        "local_spread",
        "metastatic",
        "hepatic_metastases",
        "extrahepatic_metastases",
        "metastases_resectable",
        "carcinoid_syndrome",
    ]
    strings = ["case_id", "primary_site", "histology", "ssa_response"]
    # Nullable booleans, categoricals, float sizes.
    typed = df.copy()
    for b in bools:
        typed[b] = typed[b].astype("boolean")
    for s in ["primary_site", "histology", "ssa_response"]:
        typed[s] = typed[s].astype("category")
    typed["tumor_size_cm"] = typed["tumor_size_cm"].astype("float64")
    check_frame(typed)
    # pandas' string dtype, missing values as pd.NA / NaN.
    as_string = df.copy()
    for s in strings:
        as_string[s] = as_string[s].astype("string")
    for b in bools:
        as_string[b] = as_string[b].map(lambda v: np.nan if v is None else v).astype(object)
    check_frame(as_string)
    # A nullable Float64 size.
    as_float = typed.copy()
    as_float["tumor_size_cm"] = as_float["tumor_size_cm"].astype("Float64")
    check_frame(as_float)


@pytest.mark.parametrize("error,golden", list(zip(ERRORS, GOLDEN_ERRORS)), ids=[e["title"] for e in ERRORS])
def test_error_inputs_raise_invalid_case_error(error: Dict[str, Any], golden: str) -> None:
    want = error["error"]
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_json(error["input"])
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, nettx.NettxError)
    assert e.kind == want["kind"]
    assert e.field == want.get("field")
    assert e.to_json() == golden
    assert e.to_dict() == json.loads(golden)
    assert e.row is None and e.label is None
    with pytest.raises(nettx.InvalidCaseError) as info_bytes:
        nettx.evaluate_json(error["input"].encode("utf-8", "surrogatepass"))
    assert info_bytes.value.to_json() == golden


# The error inputs a dict can stand for: JSON objects that Python reads as
# the core does, whose fault is not in the JSON text itself (kind parse).
DICT_ERRORS = [
    (e, g)
    for e, g in zip(ERRORS, GOLDEN_ERRORS)
    if strict_object(e["input"]) is not None and e["error"]["kind"] != "parse"
]


def test_most_error_inputs_can_be_dicts() -> None:
    assert len(DICT_ERRORS) >= 25


@pytest.mark.parametrize("error,golden", DICT_ERRORS, ids=[e["title"] for e, _ in DICT_ERRORS])
def test_error_inputs_as_dicts_give_the_same_error(error: Dict[str, Any], golden: str) -> None:
    case = strict_object(error["input"])
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate(case)
    assert info.value.to_json() == golden
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case.from_dict(case)
    assert info.value.to_json() == golden
    # In a batch, with its position.
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_many([CASES[0][1], CASES[1][1], case])
    assert info.value.to_json() == golden
    assert info.value.row == 2


@pytest.mark.parametrize("error,golden", DICT_ERRORS, ids=[e["title"] for e, _ in DICT_ERRORS])
def test_error_inputs_in_a_frame_give_the_same_error(error: Dict[str, Any], golden: str) -> None:
    case = strict_object(error["input"])
    want = json.loads(golden)["error"]
    fields = {f.value for f in nettx.Field}
    if any(k not in fields for k in case) or "primary_site" not in case:
        # A column that is not a field, or no primary_site column: the frame
        # itself is refused, as the dict is.
        with pytest.raises(nettx.InvalidCaseError) as info:
            nettx.evaluate_frame(pd.DataFrame([case]))
        assert info.value.to_json() == golden
        assert info.value.row is None
        return
    good = {"primary_site": "ileum"}
    rows = [good, case, good]
    # Object columns hold the values exactly as given (no int→float).
    df = pd.DataFrame(
        {k: pd.Series([r.get(k) for r in rows], dtype=object) for k in case},
    )
    df.index = pd.Index(["a", "b", "c"])
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    e = info.value
    assert (e.kind, e.field, e.message) == (want["kind"], want.get("field"), want["message"])
    assert (e.row, e.label) == (1, "b")
    returned = nettx.evaluate_frame(df, errors="return")
    assert returned["error"].tolist()[1] == want["message"]
    assert returned["error_kind"].tolist()[1] == want["kind"]
    assert pd.isna(returned["error"].iloc[0]) and pd.isna(returned["error"].iloc[2])
