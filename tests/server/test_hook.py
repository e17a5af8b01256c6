"""The service as a CDS client (an EHR) sees it, over loopback with httpx, in
development mode (no issuer, no token): discovery, hook calls with prefetch
records, a record that cannot be read, feedback and the audit log, bad
requests, and the page's own endpoint. Every expected card comes from the
command line run on the same record."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Dict, List, Optional

import httpx
import pytest

from conftest import (SERVICE, Server, cli_cards, cli_evaluation, cli_svg, cli_version,
                      conformance_cases, good_records)

PREFETCH_KEYS = ("patient", "conditions", "observations")


def hook_request(prefetch: Dict[str, Any], patient_id: str,
                 hook_instance: Optional[str] = None) -> Dict[str, Any]:
    return {
        "hook": "patient-view",
        "hookInstance": hook_instance or str(uuid.uuid4()),
        "context": {"userId": "Practitioner/test", "patientId": patient_id},
        "prefetch": prefetch,
    }


def record_text(prefetch: Dict[str, Any]) -> str:
    """The record the service assembles from a prefetch: the three keys, in
    the order of the discovery document's templates."""
    return json.dumps({k: prefetch[k] for k in PREFETCH_KEYS})


def audit_for(server: Server, hook_instance: str) -> List[Dict[str, Any]]:
    return [a for a in server.audit_lines() if a.get("hookInstance") == hook_instance]


def as_prefetch(bundle: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """A Bundle of tests/fhir split the way an EHR answers the three prefetch
    templates: the Patient, a searchset of Conditions, one of Observations
    (other resources dropped). None when the Bundle has not one Patient."""
    resources = [e["resource"] for e in bundle.get("entry", []) if "resource" in e]
    patients = [r for r in resources if r.get("resourceType") == "Patient" and "id" in r]
    if len(patients) != 1:
        return None

    def searchset(kind: str) -> Dict[str, Any]:
        entries = [e for e in bundle["entry"] if e.get("resource", {}).get("resourceType") == kind]
        return {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
                "entry": entries}

    return {"patient": patients[0], "conditions": searchset("Condition"),
            "observations": searchset("Observation")}


def prefetch_records() -> List[Any]:
    """(name, prefetch, patient id): the record of tests/fhir that is a
    prefetch object with the service's three keys, and every Bundle with one
    Patient split into the three."""
    out = []
    for path in good_records():
        doc = json.loads(path.read_text())
        if doc.get("resourceType") == "Bundle":
            prefetch = as_prefetch(doc)
        elif set(doc) == set(PREFETCH_KEYS):
            prefetch = doc
        else:
            continue
        if prefetch is not None and prefetch["patient"]:
            out.append(pytest.param(prefetch, prefetch["patient"]["id"], id=path.stem))
    return out


def test_healthz_and_discovery(server: Server) -> None:
    health = httpx.get(server.url + "/healthz").json()
    assert health["status"] == "ok"
    # The same guideline and digest as the command line's.
    version = cli_version()
    assert health["digest"] in version
    assert health["guideline"].split()[0] in version

    r = httpx.get(server.url + "/cds-services")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    services = r.json()["services"]
    assert len(services) == 1
    s = services[0]
    assert s["id"] == SERVICE.rsplit("/", 1)[1]
    assert s["hook"] == "patient-view"
    assert s["title"] and s["description"]
    assert health["guideline"] in s["description"]
    assert set(s["prefetch"]) == set(PREFETCH_KEYS)
    for template in s["prefetch"].values():
        assert "{{context.patientId}}" in template


@pytest.mark.parametrize(("prefetch", "patient_id"), prefetch_records())
def test_hook_cards_are_the_command_lines(server: Server, prefetch: Dict[str, Any],
                                          patient_id: str) -> None:
    request = hook_request(prefetch, patient_id)
    r = httpx.post(server.url + SERVICE, json=request, timeout=30)
    expected = cli_cards(record_text(prefetch), fhir=True)
    if "error" in expected:
        # A record the mapping refuses: one warning card that says why.
        assert r.status_code == 200
        cards = r.json()["cards"]
        assert len(cards) == 1 and cards[0]["indicator"] == "warning"
        assert expected["error"]["message"] in cards[0]["detail"]
        return
    assert r.status_code == 200, r.json().get("message")
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == expected

    # The audit line: the evaluation's digests and card codes, no patient data.
    evaluation = cli_evaluation(record_text(prefetch), fhir=True)
    lines = audit_for(server, request["hookInstance"])
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "evaluation" and line["source"] == "hook"
    assert line["outcome"] == "evaluated" and line["issuer"] == "-"
    assert line["case_digest"] == evaluation["case_digest"]
    assert line["guideline_digest"] == evaluation["guideline"]["digest"]
    codes = [rec["code"] for rec in evaluation["recommendations"]]
    codes += [w["code"] for w in evaluation["warnings"]]
    codes += ["missing"] if evaluation["missing"] else []
    assert line["cards"] == codes
    raw = json.dumps(line)
    assert patient_id not in raw


def test_null_prefetch_gives_one_warning_card(server: Server) -> None:
    prefetch = {k: None for k in PREFETCH_KEYS}
    request = hook_request(prefetch, "pt-null")
    r = httpx.post(server.url + SERVICE, json=request)
    assert r.status_code == 200
    cards = r.json()["cards"]
    # The command line refuses the same record; the card carries its reason.
    error = cli_cards(record_text(prefetch), fhir=True)["error"]
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "warning"
    assert len(card["summary"]) < 140
    assert error["message"] in card["detail"]
    assert f"`{error['field']}`" in card["detail"]
    assert "suggestions" not in card or not card["suggestions"]
    # Stable id: UUID v5 of the hookInstance (checked with Python's uuid5).
    assert card["uuid"] == str(uuid.uuid5(uuid.NAMESPACE_URL,
                                          "nettx:refused:" + request["hookInstance"]))
    lines = audit_for(server, request["hookInstance"])
    assert len(lines) == 1
    assert lines[0]["outcome"] == "refused"
    assert lines[0]["error_kind"] == error["kind"]
    assert lines[0]["error_field"] == error["field"]
    assert lines[0]["cards"] == ["refused"]


def test_absent_prefetch_key_without_fhir_server_is_412(server: Server) -> None:
    prefetch = json.loads(good_records()[0].read_text())
    split = as_prefetch(prefetch)
    assert split is not None
    del split["conditions"]
    r = httpx.post(server.url + SERVICE, json=hook_request(split, split["patient"]["id"]))
    assert r.status_code == 412
    assert r.json()["kind"] == "precondition"
    assert r.json()["field"] == "prefetch.conditions"


def test_record_of_another_patient_is_refused(server: Server) -> None:
    path = good_records()[0]
    split = as_prefetch(json.loads(path.read_text()))
    assert split is not None
    request = hook_request(split, "someone-else")
    r = httpx.post(server.url + SERVICE, json=request)
    assert r.status_code == 400
    assert r.json()["field"] == "context.patientId"
    assert audit_for(server, request["hookInstance"]) == []


def first_cards(server: Server) -> List[Dict[str, Any]]:
    params = prefetch_records()
    prefetch, patient_id = params[0].values
    r = httpx.post(server.url + SERVICE, json=hook_request(prefetch, patient_id))
    assert r.status_code == 200
    cards: List[Dict[str, Any]] = r.json()["cards"]
    assert cards
    return cards


def test_feedback_is_accepted_and_audited(server: Server) -> None:
    cards = first_cards(server)
    accepted = {"card": cards[0]["uuid"], "outcome": "accepted",
                "outcomeTimestamp": "2026-12-03T13:00:00Z"}
    comment = "free text that could name the patient: " + uuid.uuid4().hex
    overridden = {"card": cards[-1]["uuid"], "outcome": "overridden",
                  "outcomeTimestamp": "2026-12-03T13:01:00Z",
                  "overrideReason": {"reason": {"code": "patient-declined",
                                                "system": "http://example.org/reasons",
                                                "display": "Patient declined"},
                                     "userComment": comment}}
    before = len(server.audit_lines())
    r = httpx.post(server.url + SERVICE + "/feedback",
                   json={"feedback": [accepted, overridden]})
    assert r.status_code == 200
    assert r.json() == {}
    new = server.audit_lines()[before:]
    feedback = [a for a in new if a["event"] == "feedback"]
    assert len(feedback) == 1
    items = feedback[0]["feedback"]
    assert [i["card"] for i in items] == [accepted["card"], overridden["card"]]
    assert [i["outcome"] for i in items] == ["accepted", "overridden"]
    assert [i["outcomeTimestamp"] for i in items] == [accepted["outcomeTimestamp"],
                                                      overridden["outcomeTimestamp"]]
    # The reason's coding is kept, its free-text display is not.
    reason = overridden["overrideReason"]["reason"]
    assert items[1]["overrideReason"] == {"system": reason["system"], "code": reason["code"]}
    assert items[0]["overrideReason"] is None
    # No free text is kept: neither the comment nor the display.
    assert comment not in server.audit.read_text()
    assert reason["display"] not in server.audit.read_text()


def test_feedback_with_an_unknown_outcome_is_400(server: Server) -> None:
    r = httpx.post(server.url + SERVICE + "/feedback",
                   json={"feedback": [{"card": str(uuid.uuid4()), "outcome": "liked"}]})
    assert r.status_code == 400
    assert r.json()["field"] == "feedback.outcome"


@pytest.mark.parametrize("body", [
    b'{"hook":',
    b"not json",
    b"",
    b'{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p"}} trailing',
    b"[]",
])
def test_bad_json_is_400_with_an_error_document(server: Server, body: bytes) -> None:
    r = httpx.post(server.url + SERVICE, content=body,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert set(doc) == {"kind", "field", "message"}
    assert doc["kind"] == "parse"
    assert doc["message"]


@pytest.mark.parametrize(("change", "field"), [
    ({"hook": "order-select"}, "hook"),
    ({"hookInstance": ""}, "hookInstance"),
    ({"context": {"patientId": "a/b"}}, "context.patientId"),
    ({"fhirServer": "http://ehr.example.org/fhir"}, "fhirServer"),
])
def test_bad_request_names_the_member(server: Server, change: Dict[str, Any],
                                      field: str) -> None:
    request = {**hook_request({k: None for k in PREFETCH_KEYS}, "p1"), **change}
    r = httpx.post(server.url + SERVICE, json=request)
    assert r.status_code == 400
    assert r.json()["field"] == field


def test_unknown_route_is_404_json(server: Server) -> None:
    r = httpx.get(server.url + "/cds-services/other")
    assert r.status_code in (404, 405)
    r = httpx.get(server.url + "/nothing-here")
    assert r.status_code == 404
    assert r.json()["kind"] == "not_found"


def richest_case() -> Dict[str, Any]:
    """The conformance case whose cards have the most indicators (critical,
    warning, info) and missing data, chosen by the command line's answer."""
    def score(case: Dict[str, Any]) -> Any:
        text = json.dumps(case)
        kinds = {c["indicator"] for c in cli_cards(text)["cards"]}
        return (len(kinds), bool(cli_evaluation(text)["missing"]))
    return max((c for _, c in conformance_cases()), key=score)


def test_page_endpoint_case_equals_the_command_line(server: Server) -> None:
    case = richest_case()
    text = json.dumps(case)
    r = httpx.post(server.url + "/evaluate?input=case", content=text)
    assert r.status_code == 200
    body = r.json()
    assert body["cards"] == cli_cards(text)
    assert body["evaluation"] == cli_evaluation(text)
    assert body["pathway_svg"] == cli_svg(text)
    assert "mapped" not in body


def test_page_endpoint_refuses_with_the_librarys_error(server: Server) -> None:
    text = json.dumps({"primary_site": "stomach"})
    r = httpx.post(server.url + "/evaluate?input=case", content=text)
    assert r.status_code == 400
    assert r.json() == cli_cards(text)["error"]
    r = httpx.post(server.url + "/evaluate", content=text)
    assert r.status_code == 400 and r.json()["field"] == "input"


def test_page_headers(server: Server) -> None:
    r = httpx.get(server.url + "/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    # One file, nothing fetched from elsewhere.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", r.text)
