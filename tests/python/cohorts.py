"""Cohorts for the Arrow and Spark tests: random valid cases (with every
fact sometimes unknown) and the same cases as Arrow columns of their natural
types. Expectations always come from the core (``evaluate_many``), never
from lists written here."""

from __future__ import annotations

import json
import random
from typing import Any, Dict, List, Optional

import nettx

BOOL_FIELDS = [
    "local_spread",
    "metastatic",
    "hepatic_metastases",
    "extrahepatic_metastases",
    "metastases_resectable",
    "carcinoid_syndrome",
]

# The output columns (docs/ARROW.md) whose values are lists of strings.
LIST_COLUMNS = ["goals", "codes", "strengths", "missing", "warnings", "preferred"]


def random_cases(n: int, seed: int = 12) -> List[Dict[str, Any]]:
    """``n`` cases, each valid (refused ones are drawn again), with every
    field sometimes left out or null."""
    rng = random.Random(seed)
    sites = [s.value for s in nettx.Site]
    histologies = [h.value for h in nettx.Histology]
    responses = [r.value for r in nettx.SsaResponse]
    complications = [c.value for c in nettx.Complication]
    cases: List[Dict[str, Any]] = []
    while len(cases) < n:
        case: Dict[str, Any] = {"case_id": f"pt-{len(cases)}", "primary_site": rng.choice(sites)}
        if rng.random() < 0.7:
            case["histology"] = rng.choice(histologies)
        if rng.random() < 0.8:
            case["tumor_size_cm"] = round(rng.uniform(0.1, 6.0), 1)
        for f in BOOL_FIELDS:
            r = rng.random()
            if r < 0.35:
                case[f] = rng.random() < 0.5
            elif r < 0.45:
                case[f] = None
        if rng.random() < 0.25:
            case["complications"] = rng.sample(complications, rng.randint(0, 2))
        if rng.random() < 0.3:
            case["ssa_response"] = rng.choice(responses)
        try:
            nettx.Case(**case)
        except nettx.InvalidCaseError:
            continue
        cases.append(case)
    return cases


def column(cases: List[Dict[str, Any]], field: str) -> List[Any]:
    """The values of one field, None where a case leaves it out."""
    return [c.get(field) for c in cases]


def arrow_table(cases: List[Dict[str, Any]]) -> Any:
    """The cases as a pyarrow Table, a column per field in its natural Arrow
    type (string, bool, double, list<string>)."""
    import pyarrow as pa

    types = {f: pa.bool_() for f in BOOL_FIELDS}
    types["tumor_size_cm"] = pa.float64()
    types["complications"] = pa.list_(pa.string())
    fields = [f.value for f in nettx.Field]
    return pa.table({f: pa.array(column(cases, f), type=types.get(f, pa.string())) for f in fields})


def expected_row(evaluation_json: str) -> Dict[str, Optional[Any]]:
    """The output columns (docs/ARROW.md) an evaluation's JSON document
    stands for."""
    doc = json.loads(evaluation_json)
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
