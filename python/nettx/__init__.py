"""nettx: treatment recommendations for intestinal neuroendocrine tumours.

Give nettx a case, as a dict of fields, a :class:`Case`, or a pandas
DataFrame of a whole cohort, and it returns the recommendations of the
guideline it implements: which operation or drug, how strongly, how urgently,
why, and the statements behind each; the data that are missing and what they
would decide; and safety warnings.

>>> import nettx
>>> ev = nettx.evaluate({"primary_site": "ileum", "metastatic": False,
...                      "carcinoid_syndrome": False})
>>> ev.preferred[0].code
<Code.SMALL_BOWEL_RESECTION_WITH_MESENTERY: 'SMALL_BOWEL_RESECTION_WITH_MESENTERY'>
>>> nettx.evaluate({"primary_site": "ileum", "tumor_size_cm": -2})
Traceback (most recent call last):
    ...
nettx.InvalidCaseError: field error in `tumor_size_cm`: tumor_size_cm must be between 0.01 and 30 cm, got -2; ...

Entry points: :func:`evaluate`, :func:`evaluate_json`, :func:`evaluate_many`,
:func:`evaluate_frame` (pandas) and :func:`evaluate_arrow` (pyarrow, Polars,
DuckDB, Spark via :mod:`nettx.spark`); :func:`summarize` shows a cohort's
results at a glance. Every decision, text and citation comes from the
Rust core shared with the C library and the command line, so every language
gives the same answer, byte for byte (:meth:`Evaluation.to_json`).

This is decision support for a clinician, who reviews the cited basis of
every recommendation before acting.
"""

from . import fhir
from ._errors import InvalidCaseError, NettxError
from ._frame import evaluate_frame
from ._summary import CohortSummary, MissingField, summarize
from ._native import (
    DISCLAIMER,
    ENGINE_VERSION,
    GUIDELINE_DIGEST,
    GUIDELINE_ID,
    GUIDELINE_VERSION,
    MAX_BATCH_CASES,
    MAX_CASE_ID_BYTES,
    MAX_CASE_JSON_BYTES,
    MAX_NESTING_DEPTH,
    MAX_TUMOR_SIZE_CM,
    MIN_TUMOR_SIZE_CM,
    ArrowResult,
    ArrowStream,
    Case,
    Evaluation,
    Missing,
    Recommendation,
    TraceEntry,
    Warning,
    __version__,
    evaluate,
    evaluate_arrow,
    evaluate_json,
    evaluate_many,
    guideline,
    guideline_json,
    pathway,
)
from ._vocab import (
    Category,
    Code,
    Complication,
    DiseaseState,
    ErrorKind,
    Field,
    Goal,
    Histology,
    Intent,
    Rule,
    Site,
    Source,
    SsaResponse,
    Strength,
    Urgency,
    WarningCode,
)

# `Warning` is public (``nettx.Warning``) but left out of ``__all__``, so that
# ``from nettx import *`` does not shadow the built-in ``Warning`` exception.
__all__ = [
    "__version__",
    # entry points
    "evaluate",
    "evaluate_json",
    "evaluate_many",
    "evaluate_frame",
    "evaluate_arrow",
    "summarize",
    "pathway",
    "fhir",
    # objects
    "Case",
    "Evaluation",
    "Recommendation",
    "Missing",
    "TraceEntry",
    "ArrowResult",
    "ArrowStream",
    "CohortSummary",
    "MissingField",
    # errors
    "NettxError",
    "InvalidCaseError",
    # vocabularies
    "Site",
    "Histology",
    "Complication",
    "SsaResponse",
    "DiseaseState",
    "Goal",
    "Strength",
    "Intent",
    "Urgency",
    "Category",
    "Field",
    "Source",
    "Code",
    "WarningCode",
    "ErrorKind",
    "Rule",
    # the guideline and the limits
    "guideline",
    "guideline_json",
    "GUIDELINE_ID",
    "GUIDELINE_VERSION",
    "GUIDELINE_DIGEST",
    "ENGINE_VERSION",
    "DISCLAIMER",
    "MAX_CASE_JSON_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_CASE_ID_BYTES",
    "MAX_BATCH_CASES",
    "MIN_TUMOR_SIZE_CM",
    "MAX_TUMOR_SIZE_CM",
]

# The public Python-level names (defined in the package's private modules)
# report the package as their module, in tracebacks, reprs and
# documentation; the native ones say so themselves.
for _name in __all__:
    _public = globals()[_name]
    if getattr(_public, "__module__", "").startswith("nettx._") and _public.__module__ != "nettx._native":
        _public.__module__ = __name__
del _name, _public
