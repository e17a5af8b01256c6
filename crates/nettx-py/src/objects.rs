//! The package's read-only objects: `Case`, `Evaluation`, `Recommendation`,
//! `Missing`, `Warning` and `TraceEntry`. Each wraps the core's value and
//! hands out its attributes as Python values (enum members for codes); every
//! text comes from the core.

use crate::convert::{case_from_values, to_entry_value};
use crate::errors::{invalid_case, nettx_error};
use crate::vocab::{member, members_tuple};
use nettx::knowledge::{guideline_digest, GUIDELINE_ID, GUIDELINE_VERSION};
use nettx::{
    Case, Code, Complication, DiseaseState, EntryValue, Evaluation, Field, Histology, Missing,
    Recommendation, SsaResponse, TraceEntry, WarningCode, ENGINE_NAME, ENGINE_VERSION,
};
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// `value` as a Python dict (or list), through the core's serde
/// implementation: the same structure as its JSON.
fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}

/// Python's `repr` of a string.
fn str_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A validated case of an intestinal neuroendocrine tumour.
///
/// Build one with keyword arguments (every field but ``primary_site`` may be
/// left out or ``None``: unknown), from a dict with ``Case.from_dict`` or
/// from JSON with ``Case.from_json``. The arguments are checked on
/// construction with the rules of every other entry point; a bad value raises
/// ``InvalidCaseError``. Enum members and their string values are accepted
/// alike. A ``Case`` is immutable; ``replace`` gives a changed copy.
#[pyclass(frozen, module = "nettx._native", name = "Case")]
pub struct PyCase {
    pub(crate) inner: Case,
}

/// One keyword argument of `Case(...)`, if given.
type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

#[pymethods]
impl PyCase {
    #[new]
    #[pyo3(signature = (
        *,
        case_id = None,
        primary_site,
        histology = None,
        tumor_size_cm = None,
        local_spread = None,
        metastatic = None,
        hepatic_metastases = None,
        extrahepatic_metastases = None,
        metastases_resectable = None,
        carcinoid_syndrome = None,
        complications = None,
        ssa_response = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        case_id: Arg<'_, '_>,
        primary_site: &Bound<'_, PyAny>,
        histology: Arg<'_, '_>,
        tumor_size_cm: Arg<'_, '_>,
        local_spread: Arg<'_, '_>,
        metastatic: Arg<'_, '_>,
        hepatic_metastases: Arg<'_, '_>,
        extrahepatic_metastases: Arg<'_, '_>,
        metastases_resectable: Arg<'_, '_>,
        carcinoid_syndrome: Arg<'_, '_>,
        complications: Arg<'_, '_>,
        ssa_response: Arg<'_, '_>,
    ) -> PyResult<Self> {
        let given = [
            (Field::CaseId, case_id),
            (Field::PrimarySite, Some(primary_site)),
            (Field::Histology, histology),
            (Field::TumorSizeCm, tumor_size_cm),
            (Field::LocalSpread, local_spread),
            (Field::Metastatic, metastatic),
            (Field::HepaticMetastases, hepatic_metastases),
            (Field::ExtrahepaticMetastases, extrahepatic_metastases),
            (Field::MetastasesResectable, metastases_resectable),
            (Field::CarcinoidSyndrome, carcinoid_syndrome),
            (Field::Complications, complications),
            (Field::SsaResponse, ssa_response),
        ];
        let mut entries: Vec<(&str, EntryValue)> = Vec::with_capacity(given.len());
        for (field, value) in given {
            if let Some(value) = value {
                entries.push((field.as_str(), to_entry_value(value, false)?));
            }
        }
        match case_from_values(&entries) {
            Ok(inner) => Ok(PyCase { inner }),
            Err(e) => Err(invalid_case(py, &e, None)),
        }
    }

    /// A case from a dict (or other mapping) of fields, checked as by
    /// ``evaluate``: unknown keys are an error.
    #[staticmethod]
    fn from_dict(py: Python<'_>, fields: &Bound<'_, PyAny>) -> PyResult<PyCase> {
        match crate::convert::mapping_entries(fields) {
            Ok(entries) => case_from_values(&entries)
                .map(|inner| PyCase { inner })
                .map_err(|e| invalid_case(py, &e, None)),
            Err(Some(e)) => Err(e),
            Err(None) => Err(crate::convert::not_a_case(fields)),
        }
    }

    /// A case from JSON text (``str`` or UTF-8 ``bytes``), with the limits and
    /// checks of ``evaluate_json``.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyCase> {
        let parsed = with_json_bytes(text, nettx::case_from_json_bytes)?;
        parsed
            .map(|inner| PyCase { inner })
            .map_err(|e| invalid_case(py, &e, None))
    }

    /// The caller's identifier, echoed in the evaluation.
    #[getter]
    fn case_id(&self) -> Option<&str> {
        self.inner.case_id()
    }
    /// Site of the primary tumour.
    #[getter]
    fn primary_site<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.primary_site())
    }
    /// Histology, or ``None`` when unknown.
    #[getter]
    fn histology<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .histology()
            .map(|h: Histology| member(py, h))
            .transpose()
    }
    /// Largest diameter of the primary in cm, or ``None`` when unknown.
    #[getter]
    fn tumor_size_cm(&self) -> Option<f64> {
        self.inner.tumor_size_cm()
    }
    /// Spread beyond the submucosa or to regional nodes or mesentery.
    #[getter]
    fn local_spread(&self) -> Option<bool> {
        self.inner.local_spread()
    }
    /// Any distant metastasis (as given, before the evaluation's inferences).
    #[getter]
    fn metastatic(&self) -> Option<bool> {
        self.inner.metastatic()
    }
    /// Liver metastases.
    #[getter]
    fn hepatic_metastases(&self) -> Option<bool> {
        self.inner.hepatic_metastases()
    }
    /// Metastases outside the liver.
    #[getter]
    fn extrahepatic_metastases(&self) -> Option<bool> {
        self.inner.extrahepatic_metastases()
    }
    /// All metastatic disease judged resectable.
    #[getter]
    fn metastases_resectable(&self) -> Option<bool> {
        self.inner.metastases_resectable()
    }
    /// Carcinoid syndrome present.
    #[getter]
    fn carcinoid_syndrome(&self) -> Option<bool> {
        self.inner.carcinoid_syndrome()
    }
    /// The recorded complications, in the vocabulary's order (empty: none).
    #[getter]
    fn complications<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        members_tuple::<Complication>(py, self.inner.complications().iter())
    }
    /// Response to a somatostatin analogue, or ``None`` when unknown.
    #[getter]
    fn ssa_response<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .ssa_response()
            .map(|r: SsaResponse| member(py, r))
            .transpose()
    }

    /// The known fields as a dict of JSON values (``case_id`` first, then the
    /// fields in the interface's order; unknown fields left out).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }

    /// The case as compact JSON, in canonical order; reads back to an equal
    /// case.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// A copy with some fields changed (``None`` makes a field unknown),
    /// checked like a new case.
    #[pyo3(signature = (**changes))]
    fn replace(&self, py: Python<'_>, changes: Option<&Bound<'_, PyDict>>) -> PyResult<PyCase> {
        let mut entries = object_entries(&self.inner).map_err(|e| {
            PyRuntimeError::new_err(format!("nettx: cannot read the fields of the case: {e}"))
        })?;
        if let Some(changes) = changes {
            let changed = crate::convert::mapping_entries(changes.as_any())
                .map_err(|e| e.unwrap_or_else(|| PyTypeError::new_err("changes")))?;
            for (key, value) in changed {
                match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => entries.push((key, value)),
                }
            }
        }
        case_from_values(&entries)
            .map(|inner| PyCase { inner })
            .map_err(|e| invalid_case(py, &e, None))
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyCase>()
            .ok()
            .map(|o| o.get().inner == self.inner);
        eq_result(other.py(), equal, op)
    }

    fn __hash__(&self) -> u64 {
        hash_of(self.inner.to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        case_repr(py, &self.inner)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let from_json = slf.get_type().getattr("from_json")?;
        let args = PyTuple::new(slf.py(), [slf.get().inner.to_json()])?;
        PyTuple::new(slf.py(), [from_json, args.into_any()])
    }
}

/// The fields of `value` (serialised as a JSON object) as field/value pairs,
/// in order; an error, not an empty list, when it is not an object.
fn object_entries<T: serde::Serialize>(value: &T) -> Result<Vec<(String, EntryValue)>, String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => Ok(map
            .into_iter()
            .map(|(k, v)| (k, EntryValue::Json(v)))
            .collect()),
        Ok(other) => Err(format!("not a JSON object: {other}")),
        Err(e) => Err(e.to_string()),
    }
}

/// `Case(primary_site='ileum', metastatic=False)`: the known fields, as
/// keyword arguments that rebuild the case.
fn case_repr(py: Python<'_>, case: &Case) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |name: &str, value: String| parts.push(format!("{name}={value}"));
    let py_bool = |b: bool| if b { "True" } else { "False" }.to_owned();
    if let Some(id) = case.case_id() {
        push("case_id", str_repr(py, id));
    }
    push("primary_site", str_repr(py, case.primary_site().as_str()));
    if let Some(h) = case.histology() {
        push("histology", str_repr(py, h.as_str()));
    }
    if let Some(size) = case.tumor_size_cm() {
        push("tumor_size_cm", format!("{size:?}"));
    }
    let bools = [
        ("local_spread", case.local_spread()),
        ("metastatic", case.metastatic()),
        ("hepatic_metastases", case.hepatic_metastases()),
        ("extrahepatic_metastases", case.extrahepatic_metastases()),
        ("metastases_resectable", case.metastases_resectable()),
        ("carcinoid_syndrome", case.carcinoid_syndrome()),
    ];
    for (name, value) in bools {
        if let Some(b) = value {
            push(name, py_bool(b));
        }
    }
    if !case.complications().is_empty() {
        let items: Vec<String> = case
            .complications()
            .iter()
            .map(|c| str_repr(py, c.as_str()))
            .collect();
        push("complications", format!("[{}]", items.join(", ")));
    }
    if let Some(r) = case.ssa_response() {
        push("ssa_response", str_repr(py, r.as_str()));
    }
    format!("Case({})", parts.join(", "))
}

/// Runs `f` on the UTF-8 bytes of `text` (a `str`, or `bytes`). A `str`
/// holding a lone surrogate is passed on as the invalid UTF-8 it would be
/// (`surrogatepass`), for the core to refuse.
pub(crate) fn with_json_bytes<R>(
    text: &Bound<'_, PyAny>,
    f: impl FnOnce(&[u8]) -> R,
) -> PyResult<R> {
    if let Ok(s) = text.cast::<PyString>() {
        return Ok(match s.to_cow() {
            Ok(t) => f(t.as_bytes()),
            Err(_) => {
                let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                let raw = raw.cast::<PyBytes>()?;
                f(raw.as_bytes())
            }
        });
    }
    if let Ok(b) = text.cast::<PyBytes>() {
        return Ok(f(b.as_bytes()));
    }
    let ty = text
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let hint = if text.is_instance_of::<PyDict>() {
        "; for a dict use nettx.evaluate"
    } else {
        ""
    };
    Err(PyTypeError::new_err(format!(
        "JSON text must be str or bytes, got {ty}{hint}"
    )))
}

/// How an `Evaluation` holds its result: computed, or its case only, to be
/// evaluated on first use (for large batches that keep every evaluation).
enum EvalState {
    Ready(Evaluation),
    Lazy {
        case: Case,
        evaluation: OnceLock<Evaluation>,
    },
}

/// The evaluation of one case: recommendations in order, goals, missing
/// data, warnings, the trace, and the stamps of the guideline, engine and
/// case. Read-only; ``to_dict()`` and ``to_json()`` give the interface's
/// output document. In a notebook it displays as a table.
#[pyclass(frozen, module = "nettx._native", name = "Evaluation")]
pub struct PyEvaluation {
    state: EvalState,
}

impl PyEvaluation {
    /// An evaluation already computed.
    pub(crate) fn ready(evaluation: Evaluation) -> Self {
        PyEvaluation {
            state: EvalState::Ready(evaluation),
        }
    }

    /// An evaluation computed on first use.
    pub(crate) fn lazy(case: Case) -> Self {
        PyEvaluation {
            state: EvalState::Lazy {
                case,
                evaluation: OnceLock::new(),
            },
        }
    }

    /// The core's evaluation.
    pub(crate) fn get(&self) -> &Evaluation {
        match &self.state {
            EvalState::Ready(e) => e,
            EvalState::Lazy { case, evaluation } => {
                evaluation.get_or_init(|| nettx::evaluate(case))
            }
        }
    }
}

fn recommendations_tuple<'py, 'a>(
    py: Python<'py>,
    recs: impl Iterator<Item = &'a Recommendation>,
) -> PyResult<Bound<'py, PyTuple>> {
    let items = recs
        .map(|r| Bound::new(py, PyRecommendation { inner: *r }))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

static DISPLAY_HTML: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl PyEvaluation {
    /// The case that was evaluated (as given, before the inferences).
    #[getter]
    fn case(&self) -> PyCase {
        PyCase {
            inner: self.get().case().clone(),
        }
    }
    /// The caller's identifier, echoed.
    #[getter]
    fn case_id(&self) -> Option<&str> {
        self.get().case_id()
    }
    /// SHA-256 (hex) of the case in canonical form.
    #[getter]
    fn case_digest(&self) -> String {
        self.get().case_digest()
    }
    /// Identifier of the guideline applied.
    #[getter]
    fn guideline_id(&self) -> &'static str {
        GUIDELINE_ID
    }
    /// Version of the guideline's rule table.
    #[getter]
    fn guideline_version(&self) -> &'static str {
        GUIDELINE_VERSION
    }
    /// SHA-256 (hex) of the rule table.
    #[getter]
    fn guideline_digest(&self) -> &'static str {
        guideline_digest()
    }
    /// Name of the engine (``nettx``).
    #[getter]
    fn engine_name(&self) -> &'static str {
        ENGINE_NAME
    }
    /// Version of the engine.
    #[getter]
    fn engine_version(&self) -> &'static str {
        ENGINE_VERSION
    }
    /// Whether the guideline covers the case.
    #[getter]
    fn in_scope(&self) -> bool {
        self.get().in_scope()
    }
    /// Localized, metastatic or undetermined, after the inferences.
    #[getter]
    fn disease_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member::<DiseaseState>(py, self.get().disease_state())
    }
    /// The goals of treatment, in output order.
    #[getter]
    fn goals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        members_tuple(py, self.get().goals())
    }
    /// The recommendations in output order: urgent first, then by strength.
    #[getter]
    fn recommendations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        recommendations_tuple(py, self.get().recommendations().iter())
    }
    /// The preferred recommendations, in output order.
    #[getter]
    fn preferred<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        recommendations_tuple(py, self.get().preferred())
    }
    /// The codes of all recommendations, in output order.
    #[getter]
    fn codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        members_tuple(py, self.get().recommendations().iter().map(|r| r.code()))
    }
    /// Whether any recommendation is urgent.
    #[getter]
    fn urgent(&self) -> bool {
        self.get().is_urgent()
    }
    /// The data the evaluation needed and did not have.
    #[getter]
    fn missing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .get()
            .missing()
            .map(|m| Bound::new(py, PyMissing { inner: m }))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }
    /// The safety warnings, in output order.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .get()
            .warnings()
            .map(|w| Bound::new(py, PyWarning { code: w }))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }
    /// Every rule consulted, in the order consulted, with the facts it read.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .get()
            .trace()
            .iter()
            .map(|t| Bound::new(py, PyTraceEntry { inner: *t }))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }

    /// Whether ``code`` (a ``Code`` or its name) is recommended, at any
    /// strength.
    fn recommends(&self, code: &Bound<'_, PyAny>) -> PyResult<bool> {
        let name = code
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err("code must be a nettx.Code or its name (a str)"))?;
        let name = name.to_cow()?;
        let code = Code::from_name(&name).ok_or_else(|| {
            PyValueError::new_err(format!("{name:?} is not a recommendation code"))
        })?;
        Ok(self.get().recommends(code))
    }

    /// The evaluation as a dict: equal to ``json.loads(self.to_json())``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.get())
    }

    /// The evaluation as compact JSON: the same bytes as every other
    /// language's output for the same case.
    fn to_json(&self) -> String {
        self.get().to_json()
    }

    /// The CDS Hooks cards of this evaluation as a dict, ``{"cards": [...]}``:
    /// one card per recommendation, one per warning, then one listing the
    /// missing data (``json.loads`` of ``to_cds_cards_json()``).
    fn to_cds_cards<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = py.import("json")?;
        json.call_method1("loads", (crate::fhir::cards_json(self.get()),))
    }

    /// The CDS Hooks cards as compact JSON: the bytes of every entry point.
    fn to_cds_cards_json(&self) -> String {
        crate::fhir::cards_json(self.get())
    }

    /// The guideline's decision graph with this case's path highlighted:
    /// the rules it passed (and whether each held), the branch taken, what
    /// each rule recommended or warned, and the data missing where they were
    /// needed. ``format`` is ``"svg"`` (the default), ``"dot"`` or
    /// ``"mermaid"``; the same case always gives the same text.
    #[pyo3(signature = (format = "svg"))]
    fn pathway(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        let format = crate::pathway::format_of(py, format)?;
        let drawing = nettx::pathway::Pathway::of(self.get());
        crate::pathway::render(py, &drawing, format)
    }

    /// Jupyter's display data: the HTML view (with the pathway diagram
    /// folded under it), the pathway as SVG and as Mermaid, and the repr.
    #[pyo3(signature = (include = None, exclude = None))]
    fn _repr_mimebundle_<'py>(
        slf: &Bound<'py, Self>,
        include: Option<&Bound<'py, PyAny>>,
        exclude: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let _ = (include, exclude); // Jupyter filters the bundle itself.
        let py = slf.py();
        let this = slf.get();
        let svg = this.pathway(py, "svg")?;
        let html: String = Self::_repr_html_(slf)?.bind(py).extract()?;
        let bundle = PyDict::new(py);
        bundle.set_item(
            "text/html",
            format!(
                "{html}<details><summary>Pathway through the guideline</summary>{svg}</details>"
            ),
        )?;
        bundle.set_item("image/svg+xml", svg)?;
        bundle.set_item("text/vnd.mermaid", this.pathway(py, "mermaid")?)?;
        bundle.set_item("text/plain", this.__repr__(py))?;
        Ok(bundle)
    }

    /// A readable plain-text report (as ``nettx evaluate --format text``).
    fn report(&self) -> String {
        nettx::report::evaluation_text(self.get())
    }

    fn __str__(&self) -> String {
        self.report()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let ev = self.get();
        let id = ev
            .case_id()
            .map(|id| format!(" case_id={}", str_repr(py, id)))
            .unwrap_or_default();
        let preferred: Vec<&str> = ev.preferred().map(|r| r.code().as_str()).collect();
        format!(
            "<Evaluation{id} in_scope={} disease_state={} preferred=[{}] urgent={} missing={} warnings={}>",
            if ev.in_scope() { "True" } else { "False" },
            ev.disease_state(),
            preferred.join(", "),
            if ev.is_urgent() { "True" } else { "False" },
            ev.missing().count(),
            ev.warnings().count(),
        )
    }

    /// HTML for Jupyter: recommendations with strength and urgency,
    /// rationale, missing data, warnings and sources.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let render = DISPLAY_HTML.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("nettx._display")?
                .getattr("evaluation_html")?
                .unbind())
        })?;
        Ok(render.bind(py).call1((slf,))?.unbind())
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyEvaluation>()
            .ok()
            .map(|o| o.get().get() == self.get());
        eq_result(other.py(), equal, op)
    }

    /// Pickles the evaluation as its JSON, its case's JSON, and the
    /// guideline digest and engine version that made it (see
    /// `_from_pickle`).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let from_pickle = slf.get_type().getattr("_from_pickle")?;
        let ev = slf.get().get();
        let args = PyTuple::new(
            py,
            [
                ev.to_json(),
                ev.case().to_json(),
                guideline_digest().to_owned(),
                ENGINE_VERSION.to_owned(),
            ],
        )?;
        PyTuple::new(py, [from_pickle, args.into_any()])
    }

    /// An evaluation unpickled: rebuilt only when the pickle was made with
    /// this guideline and engine and evaluating its case again gives the
    /// pickled JSON byte for byte; else ``NettxError``.
    #[staticmethod]
    fn _from_pickle(
        py: Python<'_>,
        evaluation_json: &str,
        case_json: &str,
        digest: &str,
        version: &str,
    ) -> PyResult<PyEvaluation> {
        let running_digest = guideline_digest();
        if digest != running_digest || version != ENGINE_VERSION {
            return Err(nettx_error(
                py,
                format!(
                    "cannot unpickle this Evaluation: it was made by another guideline or \
                     engine version (nettx {version:.80}, guideline digest {digest:.80}), \
                     not by the running nettx {ENGINE_VERSION} (guideline digest \
                     {running_digest}); evaluate the case again"
                ),
            ));
        }
        let rebuilt = Case::from_json(case_json)
            .ok()
            .map(|case| nettx::evaluate(&case))
            .filter(|ev| ev.to_json() == evaluation_json);
        rebuilt.map(PyEvaluation::ready).ok_or_else(|| {
            nettx_error(
                py,
                String::from(
                    "cannot unpickle this Evaluation: its case does not evaluate to the \
                     pickled result with the running guideline and engine (the pickle is \
                     damaged or was altered)",
                ),
            )
        })
    }
}

/// A richcmp result for plain equality of two values.
fn eq_result(py: Python<'_>, equal: Option<bool>, op: CompareOp) -> PyResult<Py<PyAny>> {
    match (equal, op) {
        (Some(eq), CompareOp::Eq) => Ok(eq.into_pyobject(py)?.to_owned().into_any().unbind()),
        (Some(eq), CompareOp::Ne) => Ok((!eq).into_pyobject(py)?.to_owned().into_any().unbind()),
        _ => Ok(py.NotImplemented()),
    }
}

/// One recommendation: what, how strongly, how urgently, why, and on what
/// basis.
#[pyclass(frozen, module = "nettx._native", name = "Recommendation")]
pub struct PyRecommendation {
    inner: Recommendation,
}

#[pymethods]
impl PyRecommendation {
    /// The recommendation code.
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.code())
    }
    /// Surgery, medical, workup or referral.
    #[getter]
    fn category<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.category())
    }
    /// Preferred, alternative or option.
    #[getter]
    fn strength<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.strength())
    }
    /// What it aims at.
    #[getter]
    fn intent<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.intent())
    }
    /// Urgent or elective.
    #[getter]
    fn urgency<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.urgency())
    }
    /// One line saying what is recommended.
    #[getter]
    fn summary(&self) -> &'static str {
        self.inner.summary()
    }
    /// Why it is recommended for this case.
    #[getter]
    fn rationale(&self) -> &'static str {
        self.inner.rationale()
    }
    /// The guideline statements that back it.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        members_tuple(py, self.inner.sources().iter().copied())
    }
    /// The decision rule that made it.
    #[getter]
    fn rule<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.rule())
    }
    /// As in the evaluation's ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "<Recommendation {} strength={} urgency={}>",
            self.inner.code(),
            self.inner.strength(),
            self.inner.urgency()
        )
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyRecommendation>()
            .ok()
            .map(|o| o.get().inner == self.inner);
        eq_result(other.py(), equal, op)
    }
    fn __hash__(&self) -> u64 {
        let r = &self.inner;
        hash_of((
            r.code().index(),
            r.strength().index(),
            r.urgency().index(),
            r.rule().index(),
        ))
    }
}

/// A field the evaluation needed and did not have, and the decision it
/// blocks.
#[pyclass(frozen, module = "nettx._native", name = "Missing")]
pub struct PyMissing {
    inner: Missing,
}

#[pymethods]
impl PyMissing {
    /// The field to find out.
    #[getter]
    fn field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.field())
    }
    /// The decision it blocks.
    #[getter]
    fn reason(&self) -> &'static str {
        self.inner.reason()
    }
    /// As in the evaluation's ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!("<Missing {}>", self.inner.field())
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyMissing>()
            .ok()
            .map(|o| o.get().inner == self.inner);
        eq_result(other.py(), equal, op)
    }
    fn __hash__(&self) -> u64 {
        hash_of(self.inner.field().index())
    }
}

/// A safety warning: where the guideline's advice carries a known hazard.
#[pyclass(frozen, module = "nettx._native", name = "Warning")]
pub struct PyWarning {
    code: WarningCode,
}

#[pymethods]
impl PyWarning {
    /// The warning's code.
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.code)
    }
    /// What it tells the clinician.
    #[getter]
    fn message(&self) -> &'static str {
        self.code.message()
    }
    /// The statements and references behind it.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        members_tuple(py, self.code.sources().iter().copied())
    }
    /// As in the evaluation's ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", self.code.as_str())?;
        d.set_item("message", self.code.message())?;
        let sources: Vec<&str> = self.code.sources().iter().map(|s| s.as_str()).collect();
        d.set_item("sources", PyList::new(py, sources)?)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!("<Warning {}>", self.code)
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyWarning>()
            .ok()
            .map(|o| o.get().code == self.code);
        eq_result(other.py(), equal, op)
    }
    fn __hash__(&self) -> u64 {
        hash_of(self.code.index())
    }
}

/// One rule consulted during the evaluation, whether it fired, and the facts
/// it read.
#[pyclass(frozen, module = "nettx._native", name = "TraceEntry")]
pub struct PyTraceEntry {
    inner: TraceEntry,
}

#[pymethods]
impl PyTraceEntry {
    /// The rule.
    #[getter]
    fn rule<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, self.inner.rule())
    }
    /// Whether its condition held.
    #[getter]
    fn fired(&self) -> bool {
        self.inner.fired()
    }
    /// The facts it read with their values then, e.g.
    /// ``metastatic=false, carcinoid_syndrome=unknown``.
    #[getter]
    fn detail(&self) -> String {
        self.inner.detail().to_string()
    }
    /// As in the evaluation's ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "<TraceEntry {} fired={}>",
            self.inner.rule(),
            if self.inner.fired() { "True" } else { "False" }
        )
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let equal = other
            .cast::<PyTraceEntry>()
            .ok()
            .map(|o| o.get().inner == self.inner);
        eq_result(other.py(), equal, op)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn object_entries_keep_every_field_or_fail() {
        let case = Case::from_json(
            r#"{"case_id":"x","primary_site":"ileum","histology":"well_differentiated",
                "tumor_size_cm":2.5,"local_spread":true,"metastatic":true,
                "hepatic_metastases":true,"extrahepatic_metastases":false,
                "metastases_resectable":false,"carcinoid_syndrome":true,
                "complications":["bleeding"],"ssa_response":"controlled"}"#,
        )
        .expect("valid");
        let entries = object_entries(&case).expect("a case is an object");
        assert_eq!(entries.len(), Field::ALL.len());
        assert_eq!(case_from_values(&entries).expect("valid"), case);
        // A value that is not an object, or cannot be serialised, is an
        // error (`Case.replace` would otherwise drop every field).
        assert!(object_entries(&2.5).is_err());
        assert!(object_entries(&BTreeMap::from([((1, 2), 3)])).is_err());
    }
}
