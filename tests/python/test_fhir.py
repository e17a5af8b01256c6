"""nettx.fhir over the FHIR records of tests/fhir: the mapping (hand-written
expectation), the evaluation and the CDS Hooks cards (golden files) byte for
byte, every bad record's kind and field, evaluate_many over JSON Lines, and
every good record validated as FHIR R4B structure by an independent library
(fhir.resources)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import nettx
import nettx.fhir

FHIR = Path(__file__).resolve().parents[1] / "fhir"
NAMES = sorted(p.name[: -len(".json")] for p in (FHIR / "good").glob("*.json")
               if not p.name.endswith(".expected.json"))
EVALUATED = (FHIR / "evaluated.jsonl").read_text(encoding="utf-8").splitlines()
CARDS = (FHIR / "cards.jsonl").read_text(encoding="utf-8").splitlines()
BAD: Dict[str, Dict[str, Any]] = json.loads((FHIR / "bad" / "expected.json").read_text(encoding="utf-8"))


def record_text(name: str) -> str:
    return (FHIR / "good" / (name + ".json")).read_text(encoding="utf-8")


def bad_bytes(name: str, want: Dict[str, Any]) -> bytes:
    gen = want.get("generate")
    if gen and gen["generate"] == "entries":
        entry = '{"resource":{"resourceType":"Basic"}}'
        return ('{"resourceType":"Bundle","type":"collection","entry":[' + ",".join([entry] * gen["count"]) + "]}").encode()
    if gen and gen["generate"] == "bytes":
        head = '{"resourceType":"Bundle","type":"collection","id":"'
        return (head + "x" * (gen["size"] - len(head) - 2) + '"}').encode()
    return (FHIR / "bad" / (name + ".json")).read_bytes()


def test_the_suite_is_large_enough() -> None:
    assert len(NAMES) >= 40
    assert len(BAD) >= 40
    assert len(EVALUATED) == len(CARDS) == len(NAMES)


@pytest.mark.parametrize("i,name", list(enumerate(NAMES)))
def test_good_record(i: int, name: str) -> None:
    text = record_text(name)
    expected = (FHIR / "good" / (name + ".expected.json")).read_text(encoding="utf-8").rstrip("\n")
    record = json.loads(text)
    for given in (text, text.encode("utf-8"), record):
        mapped = nettx.fhir.map_record(given)
        assert mapped.to_json() == expected
    want = json.loads(expected)
    assert mapped.case.to_dict() == want["case"]
    assert mapped.provenance == want["provenance"]
    assert mapped.notes == want["notes"]
    result = nettx.fhir.evaluate(record)
    assert result.to_json() == EVALUATED[i]
    assert result.provenance == want["provenance"] and result.notes == want["notes"]
    assert result.case == mapped.case
    assert result.evaluation == nettx.evaluate(mapped.case)
    assert result.evaluation.to_cds_cards_json() == CARDS[i]
    cards = result.evaluation.to_cds_cards()
    assert cards == json.loads(CARDS[i])
    for card in cards["cards"]:
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert "suggestions" not in card or "selectionBehavior" in card


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_record(name: str) -> None:
    want = BAD[name]
    data = bad_bytes(name, want)
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.fhir.map_record(data)
    assert info.value.kind.value == want["kind"]
    assert info.value.field == want["field"]
    assert info.value.row is None
    with pytest.raises(nettx.InvalidCaseError) as again:
        nettx.fhir.evaluate(data)
    assert again.value.to_json() == info.value.to_json()


def test_evaluate_many_over_json_lines() -> None:
    lines = (FHIR / "records.jsonl").read_text(encoding="utf-8").splitlines()
    results = nettx.fhir.evaluate_many(lines + [""])
    assert [r.to_json() for r in results] == EVALUATED
    bad = lines[:2] + ['{"resourceType":"Patient"}'] + lines[2:3]
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.fhir.evaluate_many(bad)
    assert info.value.row == 2 and info.value.kind.value == "parse"


def test_wrong_types_and_limits() -> None:
    with pytest.raises(TypeError):
        nettx.fhir.map_record(42)  # type: ignore[arg-type]
    assert nettx.fhir.MAX_RECORD_JSON_BYTES == 8 * 1024 * 1024
    assert nettx.fhir.MAX_RESOURCES == 10_000


def _validate(resource: Dict[str, Any]) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)  # raises pydantic.ValidationError


@pytest.mark.parametrize("name", NAMES)
def test_good_records_are_valid_fhir_r4b(name: str) -> None:
    pytest.importorskip("fhir.resources")
    record = json.loads(record_text(name))
    parts: List[Dict[str, Any]] = [record] if "resourceType" in record else [v for v in record.values() if v is not None]
    for part in parts:
        _validate(part)
