"""The closed vocabularies of nettx as string-valued enums.

Every member equals its wire name (``Code.LOCAL_EXCISION == "LOCAL_EXCISION"``),
so enums and the strings of the JSON output compare equal and can be used
interchangeably as input. The members are the core's own lists, in the core's
order; the test suite checks that they match (``_native.vocabularies()``).
Texts and citations attached to codes, warnings, sources and rules are read
from the core's rule table.
"""

from __future__ import annotations

import enum
from typing import Any, Dict, List, Optional, Tuple

from . import _native

__all__ = [
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
]


class _StrEnum(str, enum.Enum):
    """A string-valued enum whose ``str()`` and format are its wire name."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(str.__str__(self), format_spec)


_SPECS: Dict[str, Dict[str, Dict[str, Any]]] = {}


def _specs(table: str, key: str) -> Dict[str, Dict[str, Any]]:
    """One section of the core's rule table, by wire name (read once)."""
    specs = _SPECS.get(table)
    if specs is None:
        if table == "rules":
            # The rules are the rule nodes of the decision graph.
            nodes: List[Dict[str, Any]] = _native.guideline()["nodes"]
            section = [n for n in nodes if n["kind"] == "rule"]
        else:
            section = _native.guideline()[table]
        specs = {str(entry[key]): entry for entry in section}
        _SPECS[table] = specs
    return specs


def _sources(names: list[str]) -> Tuple["Source", ...]:
    return tuple(Source(n) for n in names)


class Site(_StrEnum):
    """Where the primary tumour arose (``primary_site``)."""

    DUODENUM = "duodenum"
    JEJUNUM = "jejunum"
    ILEUM = "ileum"
    SMALL_INTESTINE_UNSPECIFIED = "small_intestine_unspecified"
    COLON = "colon"
    RECTUM = "rectum"
    APPENDIX = "appendix"
    OTHER = "other"


class Histology(_StrEnum):
    """Differentiation of the tumour on histology (``histology``)."""

    WELL_DIFFERENTIATED = "well_differentiated"
    POORLY_DIFFERENTIATED = "poorly_differentiated"


class Complication(_StrEnum):
    """A tumour-related complication that has occurred (items of ``complications``)."""

    BOWEL_OBSTRUCTION = "bowel_obstruction"
    BLEEDING = "bleeding"
    PERFORATION = "perforation"
    INTESTINAL_ISCHEMIA = "intestinal_ischemia"
    OTHER = "other"


class SsaResponse(_StrEnum):
    """How symptoms have responded to a somatostatin analogue (``ssa_response``)."""

    NOT_STARTED = "not_started"
    CONTROLLED = "controlled"
    SYMPTOMS_WORSENING = "symptoms_worsening"
    INTOLERANT = "intolerant"


class DiseaseState(_StrEnum):
    """Stage of the disease after the evaluation's inferences."""

    LOCALIZED = "localized"
    METASTATIC = "metastatic"
    UNDETERMINED = "undetermined"


class Goal(_StrEnum):
    """An aim of treatment (statement S0)."""

    SYMPTOM_CONTROL = "symptom_control"
    TUMOR_GROWTH_CONTROL = "tumor_growth_control"
    BIOCHEMICAL_CONTROL = "biochemical_control"
    CURE = "cure"


class Strength(_StrEnum):
    """How strongly the guideline backs a recommendation."""

    PREFERRED = "preferred"
    ALTERNATIVE = "alternative"
    OPTION = "option"


class Intent(_StrEnum):
    """What a recommendation aims to achieve."""

    CURATIVE = "curative"
    CYTOREDUCTIVE = "cytoreductive"
    SYMPTOM_CONTROL = "symptom_control"
    COMPLICATION_RELIEF = "complication_relief"
    DIAGNOSTIC = "diagnostic"


class Urgency(_StrEnum):
    """How soon a recommendation should be acted on."""

    URGENT = "urgent"
    ELECTIVE = "elective"


class Category(_StrEnum):
    """Kind of a recommendation."""

    SURGERY = "surgery"
    MEDICAL = "medical"
    WORKUP = "workup"
    REFERRAL = "referral"


class Field(_StrEnum):
    """The fields of a case, in the order of the interface (and of validation)."""

    CASE_ID = "case_id"
    PRIMARY_SITE = "primary_site"
    HISTOLOGY = "histology"
    TUMOR_SIZE_CM = "tumor_size_cm"
    LOCAL_SPREAD = "local_spread"
    METASTATIC = "metastatic"
    HEPATIC_METASTASES = "hepatic_metastases"
    EXTRAHEPATIC_METASTASES = "extrahepatic_metastases"
    METASTASES_RESECTABLE = "metastases_resectable"
    CARCINOID_SYNDROME = "carcinoid_syndrome"
    COMPLICATIONS = "complications"
    SSA_RESPONSE = "ssa_response"

    @property
    def missing_reason(self) -> Optional[str]:
        """The decision this field blocks when it is reported missing, or
        ``None`` for a field that is never reported missing."""
        spec = _specs("missing", "field").get(self.value)
        return None if spec is None else str(spec["reason"])


class Source(_StrEnum):
    """A statement of the source guideline (S0–S14) or an outside reference (R1–R9)."""

    S0 = "S0"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"
    S6 = "S6"
    S7 = "S7"
    S8 = "S8"
    S9 = "S9"
    S10 = "S10"
    S11 = "S11"
    S12 = "S12"
    S13 = "S13"
    S14 = "S14"
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"
    R6 = "R6"
    R7 = "R7"
    R8 = "R8"
    R9 = "R9"

    @property
    def section(self) -> str:
        """Section of the source (``localized``, ``metastatic``, …) or
        ``reference``."""
        return str(_specs("sources", "id")[self.value]["section"])

    @property
    def text(self) -> str:
        """What the statement says (paraphrased), or the reference's
        citation."""
        return str(_specs("sources", "id")[self.value]["text"])


class Code(_StrEnum):
    """A recommendation code: a stable identifier, never renamed."""

    URGENT_SEGMENTAL_RESECTION = "URGENT_SEGMENTAL_RESECTION"
    LOCAL_EXCISION = "LOCAL_EXCISION"
    SMALL_BOWEL_RESECTION_WITH_MESENTERY = "SMALL_BOWEL_RESECTION_WITH_MESENTERY"
    PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY = "PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY"
    ONCOLOGIC_RESECTION = "ONCOLOGIC_RESECTION"
    CYTOREDUCTIVE_SURGERY = "CYTOREDUCTIVE_SURGERY"
    LIVER_RESECTION = "LIVER_RESECTION"
    SOMATOSTATIN_ANALOG = "SOMATOSTATIN_ANALOG"
    EVEROLIMUS = "EVEROLIMUS"
    INTERFERON_ALPHA = "INTERFERON_ALPHA"
    COMPLETE_STAGING = "COMPLETE_STAGING"
    ASSESS_RESECTABILITY = "ASSESS_RESECTABILITY"
    MULTIDISCIPLINARY_REVIEW = "MULTIDISCIPLINARY_REVIEW"

    @property
    def category(self) -> Category:
        """Surgery, medical, workup or referral."""
        return Category(_specs("codes", "code")[self.value]["category"])

    @property
    def intent(self) -> Intent:
        """What the recommendation aims at."""
        return Intent(_specs("codes", "code")[self.value]["intent"])

    @property
    def summary(self) -> str:
        """One line saying what is recommended."""
        return str(_specs("codes", "code")[self.value]["summary"])

    @property
    def sources(self) -> Tuple[Source, ...]:
        """The guideline statements that back the code."""
        return _sources(_specs("codes", "code")[self.value]["sources"])


class WarningCode(_StrEnum):
    """A safety warning code: a stable identifier, never renamed."""

    HISTOLOGY_ASSUMED = "HISTOLOGY_ASSUMED"
    SYNDROME_WITHOUT_METASTASES = "SYNDROME_WITHOUT_METASTASES"
    CARCINOID_CRISIS_RISK = "CARCINOID_CRISIS_RISK"
    SSA_GALLSTONES = "SSA_GALLSTONES"
    EVEROLIMUS_EVIDENCE = "EVEROLIMUS_EVIDENCE"
    INTERFERON_TOXICITY = "INTERFERON_TOXICITY"
    PERIAMPULLARY_CHECK = "PERIAMPULLARY_CHECK"
    RECTAL_INTERMEDIATE_SIZE = "RECTAL_INTERMEDIATE_SIZE"
    ANTIPROLIFERATIVE_SSA_NOT_COVERED = "ANTIPROLIFERATIVE_SSA_NOT_COVERED"
    REFRACTORY_SYNDROME_OPTIONS = "REFRACTORY_SYNDROME_OPTIONS"
    BLEEDING_HAEMOSTASIS_FIRST = "BLEEDING_HAEMOSTASIS_FIRST"
    PERFORATION_CONTAMINATION = "PERFORATION_CONTAMINATION"

    @property
    def message(self) -> str:
        """What the warning tells the clinician."""
        return str(_specs("warnings", "code")[self.value]["message"])

    @property
    def sources(self) -> Tuple[Source, ...]:
        """The statements and references behind the warning."""
        return _sources(_specs("warnings", "code")[self.value]["sources"])


class ErrorKind(_StrEnum):
    """Kind of an ``InvalidCaseError``."""

    PARSE = "parse"
    FIELD = "field"
    CONTRADICTION = "contradiction"
    INTERNAL = "internal"


class Rule(_StrEnum):
    """A decision rule of the engine, as named in the trace."""

    INFER_METASTATIC_FROM_SITE = "infer.metastatic_from_site"
    INFER_OTHER_SITE = "infer.other_site"
    INFER_LOCALIZED_FROM_SITES = "infer.localized_from_sites"
    INFER_SITES_FROM_LOCALIZED = "infer.sites_from_localized"
    INFER_SYNDROME_FROM_SSA_RESPONSE = "infer.syndrome_from_ssa_response"
    SCOPE_EXCLUDED = "scope.excluded"
    COMPLICATION_URGENT_RESECTION = "complication.urgent_resection"
    LOCALIZED_COMPLICATION_SUFFICIENT = "localized.complication_sufficient"
    LOCALIZED_JEJUNUM_ILEUM = "localized.jejunum_ileum"
    LOCALIZED_SITE_UNSPECIFIED = "localized.site_unspecified"
    LOCALIZED_LOCAL_EXCISION = "localized.local_excision"
    LOCALIZED_DUODENAL_RESECTION = "localized.duodenal_resection"
    LOCALIZED_COLORECTAL_RESECTION = "localized.colorectal_resection"
    LOCALIZED_EXTENT_UNKNOWN = "localized.extent_unknown"
    LOCALIZED_SYNDROME = "localized.syndrome"
    METASTATIC_RESECTABLE = "metastatic.resectable"
    METASTATIC_RESECTABLE_SYNDROME = "metastatic.resectable_syndrome"
    METASTATIC_UNRESECTABLE_SYNDROME = "metastatic.unresectable_syndrome"
    METASTATIC_UNRESECTABLE_NO_SYNDROME = "metastatic.unresectable_no_syndrome"
    METASTATIC_ASSESS_RESECTABILITY = "metastatic.assess_resectability"
    METASTATIC_ASSESS_SYNDROME = "metastatic.assess_syndrome"
    UNDETERMINED_STAGING = "undetermined.staging"
    UNDETERMINED_SYNDROME = "undetermined.syndrome"
    SSA_RESPONSE_UNKNOWN = "ssa.response_unknown"
    SSA_CONTINUE = "ssa.continue"
    SSA_SECOND_LINE = "ssa.second_line"
    SSA_INTOLERANT_ADVANCED = "ssa.intolerant_advanced"
    SSA_WORSENING_NOT_ADVANCED = "ssa.worsening_not_advanced"
    SSA_INTOLERANT_NOT_ADVANCED = "ssa.intolerant_not_advanced"
    FALLBACK_NO_PREFERRED = "fallback.no_preferred"
    MISSING_CARCINOID_SYNDROME = "missing.carcinoid_syndrome"
    WARNING_HISTOLOGY_ASSUMED = "warning.histology_assumed"
    WARNING_SYNDROME_WITHOUT_METASTASES = "warning.syndrome_without_metastases"
    WARNING_CARCINOID_CRISIS_RISK = "warning.carcinoid_crisis_risk"
    WARNING_SSA_GALLSTONES = "warning.ssa_gallstones"
    WARNING_EVEROLIMUS_EVIDENCE = "warning.everolimus_evidence"
    WARNING_INTERFERON_TOXICITY = "warning.interferon_toxicity"
    WARNING_PERIAMPULLARY_CHECK = "warning.periampullary_check"
    WARNING_RECTAL_INTERMEDIATE_SIZE = "warning.rectal_intermediate_size"
    WARNING_ANTIPROLIFERATIVE_SSA_NOT_COVERED = "warning.antiproliferative_ssa_not_covered"
    GOAL_SYMPTOM_CONTROL = "goal.symptom_control"
    GOAL_TUMOR_GROWTH_CONTROL = "goal.tumor_growth_control"
    GOAL_BIOCHEMICAL_CONTROL = "goal.biochemical_control"
    GOAL_CURE = "goal.cure"
    LOCALIZED_RECTAL_INTERMEDIATE = "localized.rectal_intermediate"
    METASTATIC_EXTRAHEPATIC_RESECTABLE = "metastatic.extrahepatic_resectable"
    WARNING_REFRACTORY_SYNDROME_OPTIONS = "warning.refractory_syndrome_options"
    WARNING_BLEEDING_HAEMOSTASIS_FIRST = "warning.bleeding_haemostasis_first"
    WARNING_PERFORATION_CONTAMINATION = "warning.perforation_contamination"

    @property
    def step(self) -> str:
        """The step of the decision procedure (``0`` to ``7``), or ``settle``."""
        return str(_specs("rules", "id")[self.value]["step"])

    @property
    def condition(self) -> str:
        """The condition the rule tests."""
        return str(_specs("rules", "id")[self.value]["condition"])

    @property
    def effect(self) -> str:
        """What follows when the condition holds, and why."""
        return str(_specs("rules", "id")[self.value]["effect"])

    @property
    def uses(self) -> Tuple[Field, ...]:
        """The facts the rule reads."""
        return tuple(Field(f) for f in _specs("rules", "id")[self.value]["reads"])

    @property
    def sources(self) -> Tuple[Source, ...]:
        """The statements and references behind the rule."""
        return _sources(_specs("rules", "id")[self.value]["sources"])
