"""Type stubs of the native module ``nettx._native`` (crates/nettx-py).

Use the package ``nettx``, which re-exports everything public from here.
"""

from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    Final,
    FrozenSet,
    Iterable,
    Literal,
    List,
    Mapping,
    Optional,
    Protocol,
    Set,
    Tuple,
    Union,
    final,
    overload,
)

from ._vocab import (
    Category,
    Code,
    Complication,
    DiseaseState,
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

REPORT_NO_SOURCE: Final[str]
"""What a report says where a recommendation cites no statement."""
REPORT_OWN_SAFETY_NOTE: Final[str]
"""What a report says of a warning that cites no source."""

__all__ = [
    "__version__",
    "ENGINE_NAME",
    "ENGINE_VERSION",
    "GUIDELINE_ID",
    "GUIDELINE_VERSION",
    "REPORT_NO_SOURCE",
    "REPORT_OWN_SAFETY_NOTE",
    "GUIDELINE_DIGEST",
    "DISCLAIMER",
    "MAX_CASE_JSON_BYTES",
    "MAX_CASE_ID_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_BATCH_CASES",
    "MAX_RECORD_JSON_BYTES",
    "MAX_RESOURCES",
    "MIN_TUMOR_SIZE_CM",
    "MAX_TUMOR_SIZE_CM",
    "FIELD_KINDS",
    "ArrowResult",
    "ArrowStream",
    "Case",
    "Evaluation",
    "Recommendation",
    "Missing",
    "Warning",
    "TraceEntry",
    "MappedRecord",
    "FhirEvaluation",
    "fhir_map_record",
    "fhir_evaluate",
    "evaluate",
    "evaluate_json",
    "evaluate_many",
    "check_batch_len",
    "guideline",
    "guideline_json",
    "vocabularies",
    "frame_columns",
    "evaluate_columns",
    "evaluate_arrow",
    "pathway",
    "pathway_all",
]

_ComplicationItem = Union[Complication, str]
# What `complications` takes: a list, tuple or set (a numpy array too, at run
# time), as a JSON list; not any iterable (a generator, dict keys, a pandas
# Series or a range are refused). Lists and sets are invariant, so the lists
# and sets of each item type are spelled out.
_Complications = Union[
    List[Complication],
    List[str],
    List[_ComplicationItem],
    Tuple[_ComplicationItem, ...],
    Set[Complication],
    Set[str],
    Set[_ComplicationItem],
    FrozenSet[_ComplicationItem],
]

__version__: Final[str]
ENGINE_NAME: Final[str]
ENGINE_VERSION: Final[str]
GUIDELINE_ID: Final[str]
GUIDELINE_VERSION: Final[str]
GUIDELINE_DIGEST: Final[str]
DISCLAIMER: Final[str]
MAX_CASE_JSON_BYTES: Final[int]
MAX_CASE_ID_BYTES: Final[int]
MAX_NESTING_DEPTH: Final[int]
MAX_BATCH_CASES: Final[int]
MAX_RECORD_JSON_BYTES: Final[int]
MAX_RESOURCES: Final[int]
MIN_TUMOR_SIZE_CM: Final[float]
MAX_TUMOR_SIZE_CM: Final[float]
FIELD_KINDS: Final[Dict[str, str]]
"""Each field's kind by wire names (``"bool"``, ``"choice"``, ``"number"``,
``"text"`` or ``"list"``): the core's ``Field::kind``."""

@final
class Case:
    """A validated case of an intestinal neuroendocrine tumour."""

    def __new__(
        cls,
        *,
        case_id: Optional[str] = None,
        primary_site: Union[Site, str],
        histology: Union[Histology, str, None] = None,
        tumor_size_cm: Optional[float] = None,
        local_spread: Optional[bool] = None,
        metastatic: Optional[bool] = None,
        hepatic_metastases: Optional[bool] = None,
        extrahepatic_metastases: Optional[bool] = None,
        metastases_resectable: Optional[bool] = None,
        carcinoid_syndrome: Optional[bool] = None,
        complications: Optional[_Complications] = None,
        ssa_response: Union[SsaResponse, str, None] = None,
    ) -> Case: ...
    @staticmethod
    def from_dict(fields: Mapping[str, Any]) -> Case:
        """A case from a dict of fields, checked as by ``evaluate``."""
    @staticmethod
    def from_json(text: Union[str, bytes]) -> Case:
        """A case from JSON text, checked as by ``evaluate_json``."""
    @property
    def case_id(self) -> Optional[str]:
        """The caller's identifier, echoed in the evaluation."""
    @property
    def primary_site(self) -> Site:
        """Site of the primary tumour."""
    @property
    def histology(self) -> Optional[Histology]:
        """Histology, or ``None`` when unknown."""
    @property
    def tumor_size_cm(self) -> Optional[float]:
        """Largest diameter of the primary in cm, or ``None``."""
    @property
    def local_spread(self) -> Optional[bool]:
        """Spread beyond the submucosa or to regional nodes or mesentery."""
    @property
    def metastatic(self) -> Optional[bool]:
        """Any distant metastasis (as given)."""
    @property
    def hepatic_metastases(self) -> Optional[bool]:
        """Liver metastases."""
    @property
    def extrahepatic_metastases(self) -> Optional[bool]:
        """Metastases outside the liver."""
    @property
    def metastases_resectable(self) -> Optional[bool]:
        """All metastatic disease judged resectable."""
    @property
    def carcinoid_syndrome(self) -> Optional[bool]:
        """Carcinoid syndrome present."""
    @property
    def complications(self) -> Tuple[Complication, ...]:
        """The recorded complications (empty: none)."""
    @property
    def ssa_response(self) -> Optional[SsaResponse]:
        """Response to a somatostatin analogue, or ``None``."""
    def to_dict(self) -> Dict[str, Any]:
        """The known fields as a dict of JSON values."""
    def to_json(self) -> str:
        """The case as compact JSON, in canonical order."""
    def replace(self, **changes: Any) -> Case:
        """A copy with some fields changed, checked like a new case."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

@final
class Recommendation:
    """One recommendation: what, how strongly, how urgently, why."""

    @property
    def code(self) -> Code:
        """The recommendation code."""
    @property
    def category(self) -> Category:
        """Surgery, medical, workup or referral."""
    @property
    def strength(self) -> Strength:
        """Preferred, alternative or option."""
    @property
    def intent(self) -> Intent:
        """What it aims at."""
    @property
    def urgency(self) -> Urgency:
        """Urgent or elective."""
    @property
    def summary(self) -> str:
        """One line saying what is recommended."""
    @property
    def rationale(self) -> str:
        """Why it is recommended for this case."""
    @property
    def sources(self) -> Tuple[Source, ...]:
        """The guideline statements that back it."""
    @property
    def rule(self) -> Rule:
        """The decision rule that made it."""
    def to_dict(self) -> Dict[str, Any]:
        """As in the evaluation's ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Missing:
    """A field the evaluation needed and did not have."""

    @property
    def field(self) -> Field:
        """The field to find out."""
    @property
    def reason(self) -> str:
        """The decision it blocks."""
    def to_dict(self) -> Dict[str, Any]:
        """As in the evaluation's ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Warning:
    """A safety warning."""

    @property
    def code(self) -> WarningCode:
        """The warning's code."""
    @property
    def message(self) -> str:
        """What it tells the clinician."""
    @property
    def sources(self) -> Tuple[Source, ...]:
        """The statements and references behind it."""
    def to_dict(self) -> Dict[str, Any]:
        """As in the evaluation's ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TraceEntry:
    """One rule consulted during the evaluation."""

    @property
    def rule(self) -> Rule:
        """The rule."""
    @property
    def fired(self) -> bool:
        """Whether its condition held."""
    @property
    def detail(self) -> str:
        """The facts it read, with their values then."""
    def to_dict(self) -> Dict[str, Any]:
        """As in the evaluation's ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Evaluation:
    """The evaluation of one case."""

    @property
    def case(self) -> Case:
        """The case that was evaluated."""
    @property
    def case_id(self) -> Optional[str]:
        """The caller's identifier, echoed."""
    @property
    def case_digest(self) -> str:
        """SHA-256 (hex) of the case in canonical form."""
    @property
    def guideline_id(self) -> str:
        """Identifier of the guideline applied."""
    @property
    def guideline_version(self) -> str:
        """Version of the guideline's rule table."""
    @property
    def guideline_digest(self) -> str:
        """SHA-256 (hex) of the rule table."""
    @property
    def engine_name(self) -> str:
        """Name of the engine."""
    @property
    def engine_version(self) -> str:
        """Version of the engine."""
    @property
    def in_scope(self) -> bool:
        """Whether the guideline covers the case."""
    @property
    def disease_state(self) -> DiseaseState:
        """Localized, metastatic or undetermined."""
    @property
    def goals(self) -> Tuple[Goal, ...]:
        """The goals of treatment."""
    @property
    def recommendations(self) -> Tuple[Recommendation, ...]:
        """The recommendations in output order."""
    @property
    def preferred(self) -> Tuple[Recommendation, ...]:
        """The preferred recommendations."""
    @property
    def codes(self) -> Tuple[Code, ...]:
        """The codes of all recommendations, in output order."""
    @property
    def urgent(self) -> bool:
        """Whether any recommendation is urgent."""
    @property
    def missing(self) -> Tuple[Missing, ...]:
        """The data the evaluation needed and did not have."""
    @property
    def warnings(self) -> Tuple[Warning, ...]:
        """The safety warnings."""
    @property
    def trace(self) -> Tuple[TraceEntry, ...]:
        """Every rule consulted."""
    def recommends(self, code: Union[Code, str]) -> bool:
        """Whether ``code`` is recommended, at any strength."""
    def to_dict(self) -> Dict[str, Any]:
        """The evaluation as a dict (``json.loads(self.to_json())``)."""
    def to_json(self) -> str:
        """The evaluation as compact JSON."""
    def to_cds_cards(self) -> Dict[str, Any]:
        """The CDS Hooks cards, ``{"cards": [...]}``."""
    def to_cds_cards_json(self) -> str:
        """The CDS Hooks cards as compact JSON."""
    def report(self) -> str:
        """A readable plain-text report."""
    def pathway(self, format: Literal["svg", "dot", "mermaid"] = "svg") -> str:
        """The guideline's decision graph with this case's path highlighted."""
    def _repr_mimebundle_(
        self, include: Optional[Any] = None, exclude: Optional[Any] = None
    ) -> Dict[str, str]:
        """Jupyter display data: HTML with the pathway, SVG, Mermaid, repr."""
    def _repr_html_(self) -> str:
        """HTML for Jupyter."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> Tuple[Any, ...]: ...
    @staticmethod
    def _from_pickle(evaluation_json: str, case_json: str, digest: str, version: str) -> Evaluation:
        """An evaluation unpickled (``NettxError`` when made by another
        guideline or engine version)."""

@final
class MappedRecord:
    """A FHIR record mapped to a case, with provenance and notes."""

    @property
    def case(self) -> Case:
        """The case built from the record."""
    @property
    def provenance(self) -> Dict[str, List[str]]:
        """For every field set, the resources it came from."""
    @property
    def notes(self) -> List[Dict[str, str]]:
        """Every resource or value seen and not used, and why."""
    def to_json(self) -> str:
        """The mapping object as compact JSON."""

@final
class FhirEvaluation:
    """A FHIR record mapped and evaluated."""

    @property
    def evaluation(self) -> Evaluation:
        """The evaluation of the case."""
    @property
    def case(self) -> Case:
        """The case built from the record."""
    @property
    def provenance(self) -> Dict[str, List[str]]:
        """For every field set, the resources it came from."""
    @property
    def notes(self) -> List[Dict[str, str]]:
        """Every resource or value seen and not used, and why."""
    def to_json(self) -> str:
        """The mapping object with "evaluation" added, as compact JSON."""

def fhir_map_record(record: Union[str, bytes]) -> MappedRecord:
    """Maps a FHIR record given as JSON text."""

def fhir_evaluate(record: Union[str, bytes]) -> FhirEvaluation:
    """Maps and evaluates a FHIR record given as JSON text."""

def evaluate(case: Union[Mapping[str, Any], Case]) -> Evaluation:
    """Evaluates one case (a dict of fields or a ``Case``)."""

def evaluate_json(s: Union[str, bytes]) -> str:
    """Evaluates one case given as JSON text; returns the evaluation as JSON."""

def evaluate_many(cases: Iterable[Union[Mapping[str, Any], Case]]) -> List[Evaluation]:
    """Evaluates many cases, in order (at most ``MAX_BATCH_CASES``)."""

def check_batch_len(n: int) -> None:
    """Raises ``InvalidCaseError`` (kind parse) if ``n`` is over ``MAX_BATCH_CASES``."""

def guideline() -> Dict[str, Any]:
    """The guideline's rule table as a dict."""

def guideline_json() -> str:
    """The guideline's rule table as compact JSON."""

def vocabularies() -> Dict[str, Tuple[str, ...]]:
    """Every vocabulary of the core, by enum class name."""

def frame_columns(columns: Iterable[Any], ignore_extra_columns: bool) -> List[Tuple[int, str]]:
    """Checks DataFrame column names; ``(position, field)`` per case column."""

def evaluate_columns(
    n: int,
    columns: List[Tuple[str, str, Any, Any]],
    missing: Tuple[Any, ...],
    isna: Optional[Callable[[Any], Any]],
    keep_evaluations: bool,
    joined: bool = False,
) -> Dict[str, Any]:
    """Evaluates prepared DataFrame columns (see ``nettx._frame``)."""

class _ArrowStreamSource(Protocol):
    def __arrow_c_stream__(self, requested_schema: Any = ...) -> Any: ...

class _ArrowArraySource(Protocol):
    def __arrow_c_array__(self, requested_schema: Any = ...) -> Tuple[Any, Any]: ...

_ArrowData = Union[_ArrowStreamSource, _ArrowArraySource]

@final
class ArrowResult:
    """The result of ``evaluate_arrow``: record batches in nettx's output
    schema (docs/ARROW.md), readable without copying by any Arrow library."""

    def __arrow_c_stream__(self, requested_schema: Optional[Any] = None) -> Any:
        """The result as an Arrow C stream in a capsule."""
    def __arrow_c_schema__(self) -> Any:
        """The schema as an Arrow C schema in a capsule."""
    def __len__(self) -> int: ...
    @property
    def num_rows(self) -> int:
        """The number of rows."""
    @property
    def num_batches(self) -> int:
        """The number of record batches."""
    @property
    def column_names(self) -> List[str]:
        """The column names, in order."""
    @property
    def metadata(self) -> Dict[str, str]:
        """The schema's metadata (guideline id, version, digest; engine)."""
    def to_pyarrow(self) -> Any:
        """The result as a ``pyarrow.Table``."""
    def to_polars(self) -> Any:
        """The result as a ``polars.DataFrame``."""
    def to_pandas(self) -> Any:
        """The result as a ``pandas.DataFrame`` (``evaluate_frame``'s columns)."""

@final
class ArrowStream:
    """The lazy result of ``evaluate_arrow(…, lazy=True)``: a stream that
    reads and evaluates the next slices (one per core) when its consumer asks
    for a batch and none is waiting; read once."""

    def __arrow_c_stream__(self, requested_schema: Optional[Any] = None) -> Any:
        """The stream as an Arrow C stream in a capsule (once)."""
    def __arrow_c_schema__(self) -> Any:
        """The schema as an Arrow C schema in a capsule."""
    @property
    def column_names(self) -> List[str]:
        """The column names, in order."""
    @property
    def metadata(self) -> Dict[str, str]:
        """The schema's metadata (guideline id, version, digest; engine)."""

@overload
def evaluate_arrow(
    data: _ArrowData,
    *,
    errors: Literal["raise", "return"] = "raise",
    full: bool = False,
    ignore_extra_columns: bool = False,
    lazy: Literal[False] = False,
) -> ArrowResult: ...
@overload
def evaluate_arrow(
    data: _ArrowData,
    *,
    errors: Literal["raise", "return"] = "raise",
    full: bool = False,
    ignore_extra_columns: bool = False,
    lazy: Literal[True],
) -> ArrowStream: ...

def pathway(
    results: Optional[Iterable[Union[Evaluation, str, None]]] = None,
    *,
    format: Literal["svg", "dot", "mermaid"] = "svg",
) -> str:
    """The guideline's decision graph, alone or with the paths of ``results``
    (``Evaluation`` objects, or evaluation JSON documents such as the
    ``evaluation`` column of ``evaluate_frame(full=True)``) counted on every
    edge."""

def pathway_all(
    results: Optional[Iterable[Union[Evaluation, str, None]]] = None,
) -> Dict[str, str]:
    """Every format of ``pathway`` (``svg``, ``dot``, ``mermaid``), from one
    pass over ``results`` (used by ``nettx.summarize``)."""
