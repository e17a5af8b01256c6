"""Dicts in, as a Python programmer writes them: the same checks and messages
as JSON, and no crash on values JSON cannot hold."""

from __future__ import annotations

import collections
import decimal
import fractions
import json
import types
from typing import Any, Dict

import numpy as np
import pytest

import nettx

BASE: Dict[str, Any] = {"primary_site": "ileum"}


def error_of(case: Any) -> nettx.InvalidCaseError:
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate(case)
    return info.value


def json_error_of(text: str) -> nettx.InvalidCaseError:
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_json(text)
    return info.value


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_is_not_a_size(value: bool) -> None:
    e = error_of({**BASE, "tumor_size_cm": value})
    assert e.field == "tumor_size_cm" and e.kind is nettx.ErrorKind.FIELD
    assert e.message == json_error_of(json.dumps({**BASE, "tumor_size_cm": value})).message


@pytest.mark.parametrize("value", [0, 1, 1.0, "true", "yes"])
def test_a_boolean_field_takes_only_booleans(value: Any) -> None:
    e = error_of({**BASE, "metastatic": value})
    assert e.field == "metastatic"
    assert e.message == json_error_of(json.dumps({**BASE, "metastatic": value})).message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), np.float64("nan")])
def test_a_non_finite_size_is_a_field_error(value: float) -> None:
    e = error_of({**BASE, "tumor_size_cm": value})
    assert (e.kind, e.field) == (nettx.ErrorKind.FIELD, "tumor_size_cm")
    assert "between 0.01 and 30" in e.message


@pytest.mark.parametrize("field", ["metastatic", "histology", "case_id", "primary_site", "ssa_response"])
def test_a_nan_elsewhere_is_a_type_error_showing_it(field: str) -> None:
    # Shown as the core shows a non-finite number (as for tumor_size_cm).
    for value in (float("nan"), np.float64("nan")):
        e = error_of({**BASE, field: value})
        assert (e.kind, e.field) == (nettx.ErrorKind.FIELD, field)
        assert e.message.endswith("got NaN")
    assert error_of({**BASE, "tumor_size_cm": float("nan")}).message.startswith(
        "tumor_size_cm must be between 0.01 and 30 cm, got NaN;"
    )


def test_huge_integers() -> None:
    e = error_of({**BASE, "tumor_size_cm": 10**30})
    assert e.field == "tumor_size_cm"
    assert e.message == json_error_of(json.dumps({**BASE, "tumor_size_cm": 10**30})).message
    e = error_of({**BASE, "tumor_size_cm": 10**400})
    assert e.field == "tumor_size_cm" and "between" in e.message
    e = error_of({**BASE, "tumor_size_cm": -(10**400)})
    assert e.field == "tumor_size_cm"


def test_ints_and_floats_are_sizes() -> None:
    assert nettx.evaluate({**BASE, "tumor_size_cm": 2}).case.tumor_size_cm == 2.0
    assert nettx.evaluate({**BASE, "tumor_size_cm": 0.01}).case.tumor_size_cm == 0.01
    assert nettx.evaluate({**BASE, "tumor_size_cm": 30}).case.tumor_size_cm == 30.0
    same = nettx.evaluate({**BASE, "tumor_size_cm": 2.5}).to_json()
    assert nettx.evaluate_json(json.dumps({**BASE, "tumor_size_cm": 2.5})) == same


def test_numbers_of_other_libraries() -> None:
    for size in (np.float64(2.5), np.float32(2.5), np.int64(2), np.int8(3), fractions.Fraction(5, 2)):
        assert nettx.evaluate({**BASE, "tumor_size_cm": size}).case.tumor_size_cm == float(size)
    for flag in (np.bool_(True), np.bool_(False)):
        assert nettx.evaluate({**BASE, "metastatic": flag}).case.metastatic is bool(flag)
    # numpy integers are still not booleans
    assert error_of({**BASE, "metastatic": np.int64(1)}).field == "metastatic"
    # Decimal is not a Real: a type error, showing the value
    e = error_of({**BASE, "tumor_size_cm": decimal.Decimal("2.5")})
    assert e.field == "tumor_size_cm" and "Decimal('2.5')" in e.message


def test_keys_that_are_not_strings() -> None:
    e = error_of({**BASE, 1: "x"})
    assert (e.kind, e.field) == (nettx.ErrorKind.FIELD, "1")
    e = error_of({**BASE, None: 1})
    assert e.field == "None"

    class Sneaky:
        def __repr__(self) -> str:
            return "metastatic"

    e = error_of({**BASE, Sneaky(): True})
    assert e.field == "metastatic (Sneaky)"
    # Enum members are strings.
    ev = nettx.evaluate({nettx.Field.PRIMARY_SITE: nettx.Site.ILEUM, nettx.Field.METASTATIC: False})
    assert ev.case.metastatic is False


def test_unknown_keys_in_insertion_order() -> None:
    e = error_of({"b_key": 1, "a_key": 2, "primary_site": "ileum"})
    assert e.field == "b_key"
    assert e.message == json_error_of('{"b_key":1,"a_key":2,"primary_site":"ileum"}').message


def test_other_mappings() -> None:
    ordered = collections.OrderedDict(BASE)
    assert nettx.evaluate(ordered) == nettx.evaluate(BASE)
    assert nettx.evaluate(types.MappingProxyType(BASE)) == nettx.evaluate(BASE)

    class Exploding(collections.abc.Mapping):  # type: ignore[type-arg]
        def __getitem__(self, key: Any) -> Any:
            raise KeyError(key)

        def __iter__(self) -> Any:
            raise RuntimeError("boom")

        def __len__(self) -> int:
            return 1

    with pytest.raises(RuntimeError, match="boom"):
        nettx.evaluate(Exploding())


def test_complications_as_lists_tuples_and_sets() -> None:
    want = nettx.evaluate({**BASE, "complications": ["bleeding", "perforation"]})
    for value in (
        ("perforation", "bleeding"),
        {"bleeding", "perforation"},
        frozenset({"perforation", "bleeding"}),
        [nettx.Complication.BLEEDING, "perforation", "bleeding"],
        np.array(["bleeding", "perforation"], dtype=object),
        np.array(["perforation", "bleeding"]),
    ):
        assert nettx.evaluate({**BASE, "complications": value}) == want
    assert nettx.evaluate({**BASE, "complications": []}) == nettx.evaluate(BASE)
    assert nettx.evaluate({**BASE, "complications": None}) == nettx.evaluate(BASE)


@pytest.mark.parametrize(
    "items,index,shown",
    [
        (["bleeding", 3], 1, "3"),
        (["volvulus"], 0, '"volvulus"'),
        ([["bleeding"]], 0, "a list"),
        ([{"a": 1}], 0, "an object"),
        (["bleeding", float("nan")], 1, "NaN"),
        (["bleeding", b"x"], 1, "b'x'"),
        ([None], 0, "null"),
    ],
)
def test_bad_complication_items(items: Any, index: int, shown: str) -> None:
    e = error_of({**BASE, "complications": items})
    assert e.field == "complications"
    assert e.message.startswith(f"complications[{index}] must be one of")
    assert e.message.endswith(f"got {shown}")


def test_complications_must_be_a_list() -> None:
    e = error_of({**BASE, "complications": "bleeding"})
    assert e.message == json_error_of(json.dumps({**BASE, "complications": "bleeding"})).message


def test_nested_and_cyclic_values_do_not_crash() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert error_of({**BASE, "complications": deep}).field == "complications"
    cyclic: Any = []
    cyclic.append(cyclic)
    assert error_of({**BASE, "complications": cyclic}).field == "complications"
    d: Dict[str, Any] = {}
    d["self"] = d
    assert error_of({**BASE, "metastatic": d}).message.endswith("got an object")


def test_lone_surrogates() -> None:
    e = error_of({**BASE, "case_id": "\ud800"})
    assert e.field == "case_id" and "\\ud800" in e.message
    e = error_of({**BASE, "bad\udfffkey": 1})
    assert e.kind is nettx.ErrorKind.FIELD


def test_case_id_limits_in_every_entry_point() -> None:
    long_id = "é" * 129  # 258 bytes of UTF-8
    e = error_of({**BASE, "case_id": long_id})
    assert e.field == "case_id"
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case(primary_site="ileum", case_id=long_id)
    assert info.value.message == e.message
    assert nettx.evaluate({**BASE, "case_id": "é" * 128}).case_id == "é" * 128


def test_unrepresentable_objects_are_type_errors() -> None:
    for value in (object(), b"ileum", 1j, decimal.Decimal("NaN")):
        e = error_of({**BASE, "histology": value})
        assert e.field == "histology" and "got " in e.message
    assert "…" in error_of({**BASE, "histology": "x" * 500}).message


def test_the_error_order_matches_json() -> None:
    cases = [
        {"ssa_response": "bad", "primary_site": "bad"},
        {"primary_site": "ileum", "metastatic": False, "hepatic_metastases": True, "ssa_response": "bad"},
        {"primary_site": "ileum", "carcinoid_syndrome": False, "ssa_response": "controlled", "metastatic": True, "hepatic_metastases": False, "extrahepatic_metastases": False},
        {"zzz": 1, "primary_site": "bad"},
        {"metastatic": "yes", "tumor_size_cm": -1, "primary_site": "ileum"},
    ]
    for case in cases:
        assert error_of(case).to_json() == json_error_of(json.dumps(case)).to_json()
    # and a NaN takes the place JSON's bad value would
    e = error_of({"metastatic": "yes", "tumor_size_cm": float("nan"), "primary_site": "ileum"})
    assert e.field == "tumor_size_cm"
    e = error_of({"metastatic": float("nan"), "histology": "bad", "primary_site": "ileum"})
    assert e.field == "histology"
