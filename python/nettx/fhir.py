"""FHIR R4 / mCODE records in, CDS Hooks cards out.

A record is a FHIR ``Bundle`` or a CDS Hooks ``prefetch`` object, given as a
dict or as JSON text (``str`` or UTF-8 ``bytes``). It is read through a closed
mapping table (``docs/FHIR.md``): a code that is not in the table never
becomes a fact. Every fact set names the resources it came from
(``provenance``) and every resource or value not used says why (``notes``).

>>> import nettx.fhir
>>> record = {"resourceType": "Bundle", "type": "collection", "entry": [
...     {"resource": {"resourceType": "Patient", "id": "pt1"}},
...     {"resource": {"resourceType": "Condition", "id": "p1",
...                   "subject": {"reference": "Patient/pt1"},
...                   "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
...                                        "code": "C7A.012"}]}}}]}
>>> result = nettx.fhir.evaluate(record)
>>> result.case.primary_site
<Site.ILEUM: 'ileum'>
>>> result.provenance["primary_site"]
['Condition/p1']
>>> result.evaluation.to_cds_cards()["cards"][0]["summary"]
'Preferred: Complete the staging before choosing an operation'

A record the mapping refuses raises ``nettx.InvalidCaseError`` with the kind
and field every other entry point gives, and a message naming the resources.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, List, Mapping, Union

from ._native import (
    MAX_RECORD_JSON_BYTES,
    MAX_RESOURCES,
    FhirEvaluation,
    MappedRecord,
    fhir_evaluate,
    fhir_map_record,
)

Record = Union[str, bytes, Mapping[str, Any]]

__all__ = [
    "map_record",
    "evaluate",
    "evaluate_many",
    "MappedRecord",
    "FhirEvaluation",
    "MAX_RECORD_JSON_BYTES",
    "MAX_RESOURCES",
]


def _text(record: Record) -> Union[str, bytes]:
    if isinstance(record, (str, bytes)):
        return record
    if isinstance(record, Mapping):
        # Compact, as the other entry points would receive it; NaN is not JSON.
        return json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    raise TypeError(
        "a FHIR record is a dict, or JSON text (str or bytes), got %s" % type(record).__name__
    )


def map_record(record: Record) -> MappedRecord:
    """Maps a FHIR record to a case: ``.case``, ``.provenance``, ``.notes``."""
    return fhir_map_record(_text(record))


def evaluate(record: Record) -> FhirEvaluation:
    """Maps and evaluates a FHIR record: ``.evaluation``, ``.case``,
    ``.provenance``, ``.notes``; ``to_json()`` gives the bytes of every entry
    point (the mapping object with ``"evaluation"`` added)."""
    return fhir_evaluate(_text(record))


def evaluate_many(records: Iterable[Record]) -> List[FhirEvaluation]:
    """Evaluates many records (an NDJSON export: lines, dicts or texts), in
    order. The first refused record raises ``InvalidCaseError`` with its
    position as ``row`` (a blank line is skipped, as in JSON Lines)."""
    from ._errors import InvalidCaseError

    out: List[FhirEvaluation] = []
    for row, record in enumerate(records):
        if isinstance(record, (str, bytes)) and not record.strip():
            continue
        try:
            out.append(fhir_evaluate(_text(record)))
        except InvalidCaseError as e:
            e.row = row
            raise
    return out


for _public in (MappedRecord, FhirEvaluation):
    _public.__module__ = __name__
del _public
