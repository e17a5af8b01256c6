"""evaluate_frame: columns, dtypes, missing values, bad rows, results."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

import nettx

BOOLS = [
    "local_spread",
    "metastatic",
    "hepatic_metastases",
    "extrahepatic_metastases",
    "metastases_resectable",
    "carcinoid_syndrome",
]


def per_row(df: pd.DataFrame) -> List[str]:
    """What evaluate gives for each row as a dict, missing values as None."""
    out = []
    for _, row in df.iterrows():
        case = {k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in row.items()}
        out.append(nettx.evaluate(case).to_json())
    return out


def test_results_match_evaluate_row_by_row() -> None:
    df = pd.DataFrame(
        {
            "case_id": ["a", None, "c", "d"],
            "primary_site": ["ileum", "colon", "duodenum", "rectum"],
            "tumor_size_cm": [2.5, np.nan, 0.5, 1.5],
            "metastatic": pd.array([False, None, False, True], dtype="boolean"),
            "hepatic_metastases": [None, None, None, True],
            "carcinoid_syndrome": [False, True, None, np.nan],
            "complications": [None, ["bleeding"], (), np.nan],
            "ssa_response": [None, "controlled", "unknown", pd.NA],
        },
        index=pd.Index([10, 20, 30, 40], name="patient"),
    )
    out = nettx.evaluate_frame(df, full=True)
    assert out.index.equals(df.index)
    assert [e.to_json() for e in out["evaluation"]] == per_row(df)
    assert list(out.columns) == [
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
        "evaluation",
    ]
    assert out["in_scope"].dtype == bool and out["urgent"].dtype == bool
    assert isinstance(out["disease_state"].dtype, pd.CategoricalDtype)
    assert list(out["disease_state"].cat.categories) == [d.value for d in nettx.DiseaseState]
    for c in ("goals", "codes", "strengths", "missing", "warnings", "preferred"):
        assert all(type(v) is list and all(type(s) is str for s in v) for v in out[c]), c
    assert out.loc[20, "urgent"]
    assert out.loc[20, "preferred"] == ["URGENT_SEGMENTAL_RESECTION", "SOMATOSTATIN_ANALOG", "COMPLETE_STAGING"]
    assert out.loc[10, "missing"] == [] and out.loc[10, "warnings"] == ["HISTOLOGY_ASSUMED"]
    assert out["case_digest"].tolist() == [e.case_digest for e in out["evaluation"]]
    # Every row's list is its own: changing one changes no other.
    out.loc[10, "warnings"].append("X")
    assert out.loc[30, "warnings"] == [w.code.value for w in out.loc[30, "evaluation"].warnings]
    # Without full, the same columns less the evaluations.
    lean = nettx.evaluate_frame(df)
    pd.testing.assert_frame_equal(lean, nettx.evaluate_frame(df, full=True).drop(columns="evaluation"))


def test_the_joined_form_is_deprecated_and_unchanged() -> None:
    df = pd.DataFrame(
        {
            "primary_site": ["ileum", "ileum", "rectum"],
            "metastatic": [False, None, "no"],
            "complications": [None, ["bleeding"], None],
            "carcinoid_syndrome": [False, True, None],
        },
        index=pd.Index([10, 20, 30], name="patient"),
    )
    with pytest.warns(DeprecationWarning, match="joined"):
        out = nettx.evaluate_frame(df, errors="return", full=True, joined=True)
    assert list(out.columns) == [
        "in_scope",
        "disease_state",
        "preferred",
        "codes",
        "urgent",
        "missing",
        "warnings",
        "error",
        "error_kind",
        "error_field",
        "evaluation",
    ]
    for c in ("disease_state", "preferred", "codes", "missing", "warnings"):
        assert isinstance(out[c].dtype, pd.CategoricalDtype)
    lists = nettx.evaluate_frame(df, errors="return")
    for c in ("preferred", "codes", "missing", "warnings"):
        for i in (0, 1):
            assert out[c].iloc[i] == ";".join(lists[c].iloc[i]), (c, i)
        assert pd.isna(out[c].iloc[2])
    assert out.loc[10, "missing"] == "" and out.loc[10, "warnings"] == "HISTOLOGY_ASSUMED"
    assert out["error"].iloc[2] == lists["error"].iloc[2]
    assert out["evaluation"].iloc[2] is None


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([True, None, False, None], dtype=object),
        pd.Series([True, np.nan, False, pd.NA], dtype=object),
        pd.Series([True, pd.NA, False, pd.NA], dtype="boolean"),
        pd.Series(pd.Categorical([True, None, False, None])),
        pd.Series([True, pd.NaT, False, None], dtype=object),
    ],
    ids=["object-None", "object-NaN-NA", "boolean", "categorical", "object-NaT"],
)
def test_missing_booleans_in_every_dtype(column: "pd.Series[Any]") -> None:
    df = pd.DataFrame({"primary_site": ["colon"] * 4, "carcinoid_syndrome": column})
    out = nettx.evaluate_frame(df, full=True)
    assert [e.case.carcinoid_syndrome for e in out["evaluation"]] == [True, None, False, None]


def test_plain_bool_columns() -> None:
    df = pd.DataFrame({"primary_site": ["colon"] * 2, "metastatic": [True, False], "hepatic_metastases": [True, False]})
    assert df["metastatic"].dtype == bool
    out = nettx.evaluate_frame(df, full=True)
    assert [e.case.metastatic for e in out["evaluation"]] == [True, False]


def test_packed_booleans_are_for_the_cores_yes_no_fields_only() -> None:
    from nettx import _frame, _native

    assert set(_native.FIELD_KINDS) == {f.value for f in nettx.Field}
    assert set(_native.FIELD_KINDS.values()) <= {"text", "choice", "number", "bool", "list"}
    column = pd.Series([True, False])
    for field, kind in _native.FIELD_KINDS.items():
        packed = _frame._payload(field, column)[1] == "bool"
        assert packed == (kind == "bool"), field
    # A boolean column of another field is read value by value, and refused
    # as in a dict.
    df = pd.DataFrame({"primary_site": ["colon"], "histology": [True]})
    with pytest.raises(nettx.InvalidCaseError) as err:
        nettx.evaluate_frame(df)
    with pytest.raises(nettx.InvalidCaseError) as want:
        nettx.evaluate({"primary_site": "colon", "histology": True})
    assert err.value.to_dict() == want.value.to_dict()


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([2.5, np.nan, 1.0, np.nan], dtype="float64"),
        pd.Series([2.5, np.nan, 1.0, np.nan], dtype="float32"),
        pd.Series([2.5, None, 1.0, pd.NA], dtype="Float64"),
        pd.Series([2.5, None, 1, pd.NA], dtype=object),
        pd.Series([2.5, np.float32("nan"), 1, np.datetime64("NaT", "ns")], dtype=object),
        pd.Series(pd.Categorical([2.5, None, 1.0, None])),
    ],
    ids=["float64", "float32", "Float64", "object", "object-numpy-missing", "categorical"],
)
def test_missing_sizes_in_every_dtype(column: "pd.Series[Any]") -> None:
    df = pd.DataFrame({"primary_site": ["colon"] * 4, "tumor_size_cm": column})
    out = nettx.evaluate_frame(df, full=True)
    assert [e.case.tumor_size_cm for e in out["evaluation"]] == [2.5, None, 1.0, None]


def test_integer_sizes() -> None:
    for column in (pd.Series([2, 1], dtype="int64"), pd.Series([2, 1], dtype="Int64"), pd.Series([2, 1], dtype="uint8")):
        df = pd.DataFrame({"primary_site": ["colon"] * 2, "tumor_size_cm": column})
        assert [e.case.tumor_size_cm for e in nettx.evaluate_frame(df, full=True)["evaluation"]] == [2.0, 1.0]
    df = pd.DataFrame({"primary_site": ["colon"] * 3, "tumor_size_cm": pd.Series([2, None, 0], dtype="Int64")})
    out = nettx.evaluate_frame(df, errors="return", full=True)
    assert out["evaluation"].iloc[1].case.tumor_size_cm is None
    assert out["error_field"].isna().tolist() == [True, True, False]
    assert out["error_field"].iloc[2] == "tumor_size_cm"
    # shown as the integer it is, as in JSON
    assert out["error"].iloc[2].endswith("got 0; give the largest diameter in cm, or leave it out if unknown")


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["ileum", None, "colon", np.nan], dtype=object),
        pd.Series(["ileum", None, "colon", pd.NA], dtype="string"),
        pd.Series(pd.Categorical(["ileum", None, "colon", None])),
        pd.Series([nettx.Site.ILEUM, None, nettx.Site.COLON, None], dtype=object),
    ],
    ids=["object", "string", "categorical", "enum"],
)
def test_strings_in_every_dtype(column: "pd.Series[Any]") -> None:
    df = pd.DataFrame({"primary_site": column, "histology": ["well_differentiated"] * 4})
    out = nettx.evaluate_frame(df, errors="return", full=True)
    assert out["evaluation"].iloc[0].case.primary_site is nettx.Site.ILEUM
    assert out["evaluation"].iloc[2].case.primary_site is nettx.Site.COLON
    # a missing primary_site is the row's error, as a missing key is
    assert out["error_field"].tolist()[1] == "primary_site"
    assert out["error"].tolist()[3] == out["error"].tolist()[1]
    assert out["in_scope"].dtype == "boolean" and pd.isna(out["in_scope"].iloc[1])


def test_unknown_strings_and_categoricals() -> None:
    df = pd.DataFrame(
        {
            "primary_site": pd.Categorical(["ileum", "ileum"]),
            "histology": pd.Categorical(["unknown", "poorly_differentiated"]),
            "ssa_response": pd.Categorical(["unknown", "intolerant"], categories=["unknown", "intolerant", "never"]),
        }
    )
    out = nettx.evaluate_frame(df, full=True)
    assert out["evaluation"].iloc[0].case.histology is None
    assert out["evaluation"].iloc[1].case.ssa_response is nettx.SsaResponse.INTOLERANT
    assert out["in_scope"].tolist() == [True, False]


def test_complications_column() -> None:
    df = pd.DataFrame(
        {
            "primary_site": ["ileum"] * 5,
            "complications": [None, np.array([], dtype=object), ["bleeding", "bleeding"], ("perforation", nettx.Complication.OTHER), np.nan],
        }
    )
    out = nettx.evaluate_frame(df, full=True)
    got = [e.case.complications for e in out["evaluation"]]
    assert got == [
        (),
        (),
        (nettx.Complication.BLEEDING,),
        (nettx.Complication.PERFORATION, nettx.Complication.OTHER),
        (),
    ]
    assert out["urgent"].tolist() == [False, False, True, True, False]
    # as pandas reads a list column back from Parquet: numpy arrays
    arrays = pd.DataFrame({"primary_site": ["ileum"] * 2, "complications": [np.array(["bleeding"], dtype=object), None]})
    assert nettx.evaluate_frame(arrays)["urgent"].tolist() == [True, False]
    bad = pd.DataFrame({"primary_site": ["ileum"] * 3, "complications": [None, "bleeding", ["volvulus"]]})
    out = nettx.evaluate_frame(bad, errors="return")
    assert out["error_field"].tolist()[1:] == ["complications", "complications"]
    assert out["error"].iloc[2].startswith("complications[0] must be one of")


def test_columns_are_checked() -> None:
    base = {"primary_site": ["ileum"], "metastatic": [False]}
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(pd.DataFrame({**base, "note": ["x"]}))
    assert (info.value.field, info.value.row) == ("note", None)
    assert "unknown field `note`" in info.value.message
    out = nettx.evaluate_frame(pd.DataFrame({**base, "note": ["x"], 3: [1]}), ignore_extra_columns=True)
    assert out["preferred"].iloc[0] == ["SMALL_BOWEL_RESECTION_WITH_MESENTERY"]
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(pd.DataFrame({"metastatic": [False]}))
    assert info.value.field == "primary_site"
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(pd.DataFrame({"metastatic": [False], "x": [1]}), ignore_extra_columns=True)
    assert info.value.field == "primary_site"
    twice = pd.DataFrame([["ileum", False, True]], columns=["primary_site", "metastatic", "metastatic"])
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(twice)
    assert info.value.kind is nettx.ErrorKind.PARSE and "duplicate" in info.value.message
    with pytest.raises(TypeError):
        nettx.evaluate_frame([{"primary_site": "ileum"}])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        nettx.evaluate_frame(pd.DataFrame(base), errors="ignore")  # type: ignore[arg-type]


def test_empty_frame() -> None:
    out = nettx.evaluate_frame(pd.DataFrame({"primary_site": pd.Series([], dtype=object)}), full=True)
    assert len(out) == 0 and "preferred" in out.columns
    out = nettx.evaluate_frame(pd.DataFrame({"primary_site": pd.Series([], dtype=object)}), errors="return")
    assert "error" in out.columns and len(out) == 0


def test_a_bad_row_in_a_batch_of_10000() -> None:
    n = 10_000
    rng = np.random.default_rng(7)
    df = pd.DataFrame(
        {
            "primary_site": rng.choice(["ileum", "colon", "duodenum", "rectum"], n),
            "tumor_size_cm": rng.uniform(0.1, 5, n).round(1),
            "metastatic": rng.random(n) < 0.5,
        },
        index=pd.Index([f"pt-{i:05d}" for i in range(n)], name="patient"),
    )
    df.loc["pt-06789", "tumor_size_cm"] = 45.0
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    e = info.value
    assert (e.kind, e.field, e.row, e.label) == (nettx.ErrorKind.FIELD, "tumor_size_cm", 6789, "pt-06789")
    assert str(e).startswith("row 6789 (label 'pt-06789'): field error in `tumor_size_cm`")
    assert e.message == str(nettx.evaluate_frame(df.iloc[[6789]], errors="return")["error"].iloc[0])
    # …and the first of several bad rows is the one raised.
    df["metastatic"] = df["metastatic"].astype(object)
    df.loc["pt-00042", "metastatic"] = np.nan  # NaN is unknown, not an error
    df["hepatic_metastases"] = None
    df.loc["pt-00007", "hepatic_metastases"] = True
    df.loc["pt-00007", "metastatic"] = False
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    assert (info.value.row, info.value.kind, info.value.field) == (7, nettx.ErrorKind.CONTRADICTION, "metastatic")
    returned = nettx.evaluate_frame(df, errors="return")
    assert returned["error"].notna().sum() == 2
    assert list(returned.index[returned["error"].notna()]) == ["pt-00007", "pt-06789"]
    assert returned["error_kind"].dropna().tolist() == ["contradiction", "field"]
    assert returned["in_scope"].isna().sum() == 2
    assert returned.loc["pt-00042", "preferred"] == ["COMPLETE_STAGING"]


def test_duplicate_and_multi_index_labels() -> None:
    idx = pd.MultiIndex.from_tuples([("a", 1), ("a", 1), ("b", 2)])
    df = pd.DataFrame({"primary_site": ["ileum", "nowhere", "colon"]}, index=idx)
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    assert (info.value.row, info.value.label) == (1, ("a", 1))
    out = nettx.evaluate_frame(df, errors="return", full=True)
    assert out.index.equals(idx)
    assert out["evaluation"].iloc[1] is None


def test_the_result_counts_like_a_table() -> None:
    df = pd.DataFrame({"primary_site": ["ileum", "ileum", "colon"], "metastatic": [False, False, None]})
    counts = nettx.evaluate_frame(df)["preferred"].explode().value_counts()
    assert counts["SMALL_BOWEL_RESECTION_WITH_MESENTERY"] == 2
    assert counts["COMPLETE_STAGING"] == 1


def test_frame_of_every_conformance_case_as_errors_return() -> None:
    from conftest import CASES, GOLDEN_CASES

    fields = [f.value for f in nettx.Field]
    df = pd.DataFrame([{f: c.get(f) for f in fields} for _, c in CASES], columns=fields).astype(object)
    df = df.where(df.notna(), None)
    df["complications"] = [c.get("complications") for _, c in CASES]
    out = nettx.evaluate_frame(df, errors="return", full=True)
    assert out["error"].isna().all()
    assert [e.to_json() for e in out["evaluation"]] == GOLDEN_CASES
    assert out["in_scope"].tolist() == [json.loads(g)["in_scope"] for g in GOLDEN_CASES]


def test_a_row_mixing_fast_and_slow_paths_gives_the_dict_error() -> None:
    rows: List[Dict[str, Any]] = [
        {"primary_site": "ileum", "tumor_size_cm": -2.0, "metastatic": "yes"},
        {"primary_site": "nowhere", "tumor_size_cm": 40.0, "metastatic": "yes"},
        {"primary_site": "ileum", "case_id": "x" * 300, "metastatic": "yes"},
        {"primary_site": "ileum", "metastatic": False, "hepatic_metastases": True, "ssa_response": "bad"},
        {"primary_site": "ileum", "tumor_size_cm": float("inf")},
    ]
    df = pd.DataFrame({k: pd.Series([r.get(k) for r in rows], dtype=object) for k in ["case_id", "primary_site", "tumor_size_cm", "metastatic", "hepatic_metastases", "ssa_response"]})
    out = nettx.evaluate_frame(df, errors="return")
    for i, row in enumerate(rows):
        with pytest.raises(nettx.InvalidCaseError) as info:
            nettx.evaluate(row)
        assert out["error"].iloc[i] == info.value.message, i
        assert out["error_field"].iloc[i] == info.value.field, i


def dict_error(case: Dict[str, Any]) -> nettx.InvalidCaseError:
    """The error evaluate gives for the case as a dict."""
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate(case)
    return info.value


@pytest.mark.parametrize(
    "column, value",
    [
        # uint64 beyond int64: must not wrap to a negative number
        (pd.Series([2, 2**63 + 5], dtype="uint64"), 2**63 + 5),
        (pd.Series([2, 2**63 + 5], dtype="UInt64"), 2**63 + 5),
        # integers a double cannot hold exactly: shown as integers
        (pd.Series([2, 2**62], dtype="int64"), 2**62),
        (pd.Series([2, 10**17], dtype="Int64"), 10**17),
        (pd.Series([None, 10**17], dtype="Int64"), 10**17),
        (pd.Series([2, -(2**63)], dtype="int64"), -(2**63)),
        (pd.Series([2, 2**53], dtype="int64"), 2**53),
        (pd.Series([2, 2**53 - 1], dtype="int64"), 2**53 - 1),
        (pd.Series([2, 2**62], dtype=object), 2**62),
        (pd.Series([2, 2**63 + 5], dtype=object), 2**63 + 5),
        (pd.Series([2, np.int64(2**62)], dtype=object), 2**62),
        (pd.Series(pd.Categorical([2, 2**63 + 5])), 2**63 + 5),
    ],
    ids=[
        "uint64",
        "UInt64",
        "int64-2^62",
        "Int64-1e17",
        "Int64-1e17-masked",
        "int64-min",
        "int64-2^53",
        "int64-2^53-1",
        "object-2^62",
        "object-2^63+5",
        "object-numpy-2^62",
        "categorical-2^63+5",
    ],
)
def test_large_integer_sizes_give_the_dict_error(column: "pd.Series[Any]", value: int) -> None:
    df = pd.DataFrame({"primary_site": ["ileum", "ileum"], "tumor_size_cm": column})
    want = dict_error({"primary_site": "ileum", "tumor_size_cm": value})
    assert f"got {value};" in want.message
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    assert (info.value.row, info.value.field, info.value.message) == (1, want.field, want.message)
    assert info.value.to_json() == want.to_json()
    out = nettx.evaluate_frame(df, errors="return")
    assert out["error"].iloc[1] == want.message


def test_a_label_that_does_not_compare_is_shown() -> None:
    df = pd.DataFrame(
        {"primary_site": ["ileum", "nowhere"]},
        index=pd.array([1, None], dtype="Int64"),
    )
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_frame(df)
    e = info.value
    assert e.row == 1 and e.label is pd.NA
    assert str(e).startswith("row 1 (label <NA>): field error in `primary_site`")
    assert "label=<NA>" in repr(e)
    # A label that is the row's position is not repeated; any other is shown.
    for label, shown in [(1, None), (np.int64(1), None), (1.0, "1.0"), (True, "True"), ("1", "'1'")]:
        text = str(nettx.InvalidCaseError("bad", row=1, label=label))
        assert text == ("row 1" if shown is None else f"row 1 (label {shown})") + ": field error: bad"

    class Unprintable:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no comparing")

        def __repr__(self) -> str:
            raise RuntimeError("no printing")

        __hash__ = None  # type: ignore[assignment]

    e = nettx.InvalidCaseError("bad", row=1, label=Unprintable())
    assert str(e) == "row 1 (label <unprintable Unprintable>): field error: bad"
    assert "label=<unprintable Unprintable>" in repr(e)


def test_a_string_freed_during_the_read_is_not_taken_for_another() -> None:
    # The reviewer's case: reading row 1 runs Python code (the repr of a bad
    # item) that frees row 0's string and makes a new one of the same size
    # in row 2, likely at the same address. Row 2 must be read as what it
    # holds ("volvulus", an error), not as row 0's "bleeding".
    for _ in range(50):
        first = "".join(["blee", "ding"])
        rows: List[Any] = [[first], None, []]
        del first
        done: List[bool] = []

        class Evil:
            def __repr__(self) -> str:
                if not done:
                    done.append(True)
                    rows[0][0] = "x"
                    rows[2].append("".join(["volv", "ulus"]))
                return "Evil()"

        rows[1] = [Evil()]
        df = pd.DataFrame({"primary_site": ["ileum"] * 3, "complications": rows})
        out = nettx.evaluate_frame(df, errors="return")
        assert rows[2] == ["volvulus"]
        want = dict_error({"primary_site": "ileum", "complications": rows[2]})
        assert out["error"].iloc[2] == want.message
        assert want.message.startswith("complications[0] must be one of") and 'got "volvulus"' in want.message
        assert out["preferred"].iloc[0][0] == "URGENT_SEGMENTAL_RESECTION"
