//! # nettx-py: the native module of the `nettx` Python package
//!
//! This crate is `nettx._native`, the private extension module inside the
//! pure-Python package `nettx` (`python/nettx/`), built by maturin
//! (`python/pyproject.toml`). It translates between Python and the core crate
//! [`nettx`]; it holds no clinical knowledge: every decision, text and
//! citation comes from the core.
//!
//! - `convert`: Python dicts and values to the core's field/value pairs
//!   (through [`nettx::case_from_entry_values`], so a dict is checked exactly
//!   as JSON is);
//! - `objects`: the read-only `Case`, `Evaluation`, `Recommendation`,
//!   `Missing`, `Warning` and `TraceEntry` classes;
//! - `vocab`: the core's vocabularies as the package's enums;
//! - `batch` and `frame`: batches evaluated with the interpreter
//!   released, on all cores, and the column-wise DataFrame path;
//! - `output`: evaluated rows as Arrow record batches in the stable output
//!   schema (docs/ARROW.md), shared by `evaluate_arrow` and `evaluate_frame`;
//! - `arrow`: `evaluate_arrow` and its result, through the Arrow PyCapsule
//!   interface (the only `unsafe` code, in `arrow/bridge.rs`);
//! - `errors`: the core's errors as `nettx.InvalidCaseError`;
//! - `fhir`: FHIR records (`nettx.fhir`) through `nettx-fhir`, and the CDS
//!   Hooks cards of an evaluation.
//!
//! For `cargo build`/`cargo test` the crate is an ordinary library (pyo3
//! links the interpreter as for any embedding program); maturin turns on the
//! `extension-module` feature so that the built module does not.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod arrow;
mod batch;
mod convert;
mod errors;
mod fhir;
mod frame;
mod objects;
mod output;
mod pathway;
mod vocab;

use convert::{case_from_object, CaseInputError};
use objects::{with_json_bytes, PyCase, PyEvaluation};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyMapping};

/// Evaluates one case, given as a dict of fields (or another mapping) or as
/// a ``Case``, and returns its ``Evaluation``.
///
/// A dict is checked exactly as the same case in JSON would be: unknown keys,
/// wrong types, values out of range and contradictions raise
/// ``InvalidCaseError`` with the same kind, field and message. ``None`` means
/// unknown; a float NaN is not a missing value here but an invalid number.
#[pyfunction]
fn evaluate(py: Python<'_>, case: &Bound<'_, PyAny>) -> PyResult<PyEvaluation> {
    match case_from_object(case) {
        Ok(case) => Ok(PyEvaluation::ready(nettx::evaluate(&case))),
        Err(CaseInputError::Invalid(e)) => Err(errors::invalid_case(py, &e, None)),
        Err(CaseInputError::Python(e)) => Err(e),
    }
}

/// Evaluates one case given as JSON text (``str``, or UTF-8 ``bytes``) and
/// returns the evaluation as compact JSON: byte for byte the output of every
/// other entry point (Rust, C, the command line).
///
/// Bad input raises ``InvalidCaseError``; ``error.to_json()`` is the error
/// document the other entry points print.
#[pyfunction]
fn evaluate_json(py: Python<'_>, s: &Bound<'_, PyAny>) -> PyResult<String> {
    with_json_bytes(s, nettx::evaluate_json_bytes)?.map_err(|e| errors::invalid_case(py, &e, None))
}

/// Evaluates many cases (an iterable of dicts or ``Case`` objects) and
/// returns their evaluations in order.
///
/// Every case is checked first; the first invalid one raises
/// ``InvalidCaseError`` with its position as ``row``. The evaluation itself
/// runs with the interpreter released, on all cores for large batches.
///
/// A batch holds at most ``MAX_BATCH_CASES`` cases: a larger one raises
/// ``InvalidCaseError`` (kind ``parse``, no field, no row) before any case is
/// evaluated: at once when its length is known (a list, a tuple), else as
/// soon as the iteration yields one case more than the limit (the rest is
/// never read).
#[pyfunction]
fn evaluate_many<'py>(py: Python<'py>, cases: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    if cases.cast::<PyMapping>().is_ok() {
        return Err(PyTypeError::new_err(
            "evaluate_many takes an iterable of cases; for one case use nettx.evaluate",
        ));
    }
    let is_frame = cases
        .get_type()
        .name()
        .is_ok_and(|n| n.to_cow().is_ok_and(|n| n == "DataFrame"));
    if is_frame {
        return Err(PyTypeError::new_err(
            "evaluate_many takes an iterable of cases; for a DataFrame use nettx.evaluate_frame",
        ));
    }
    let known_len = cases.len().ok();
    if let Some(len) = known_len {
        nettx::check_batch_len(len).map_err(|e| errors::invalid_case(py, &e, None))?;
    }
    let mut parsed = Vec::with_capacity(known_len.unwrap_or(0));
    for (row, item) in cases.try_iter()?.enumerate() {
        // Counted before the case is converted: an endless iterator is
        // stopped at the first case over the limit, and nothing after it is
        // pulled.
        nettx::check_batch_progress(row + 1).map_err(|e| errors::invalid_case(py, &e, None))?;
        let item = item?;
        match case_from_object(&item) {
            Ok(case) => parsed.push(case),
            Err(CaseInputError::Invalid(e)) => return Err(errors::invalid_case(py, &e, Some(row))),
            Err(CaseInputError::Python(e)) => {
                if e.is_instance_of::<PyTypeError>(py) {
                    return Err(PyTypeError::new_err(format!(
                        "cases[{row}]: {}",
                        e.value(py)
                    )));
                }
                return Err(e);
            }
        }
    }
    let evaluations = py.detach(|| batch::evaluate_all(&parsed));
    drop(parsed);
    let items = evaluations
        .into_iter()
        .map(|e| Bound::new(py, PyEvaluation::ready(e)))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// Checks the number of cases of a batch (``evaluate_frame``'s rows): at
/// most ``MAX_BATCH_CASES``, else ``InvalidCaseError`` (kind ``parse``, no
/// field, no row) naming the limit and the count.
#[pyfunction]
fn check_batch_len(py: Python<'_>, n: usize) -> PyResult<()> {
    nettx::check_batch_len(n).map_err(|e| errors::invalid_case(py, &e, None))
}

/// The guideline's rule table as a dict: statements and references, codes,
/// warnings, decision rules and missing-data reasons (the document whose
/// SHA-256 is ``GUIDELINE_DIGEST``).
#[pyfunction]
fn guideline(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pythonize::pythonize(py, nettx::Guideline::builtin()).map_err(PyErr::from)
}

/// The guideline's rule table as compact JSON (``nettx rules --format json``).
#[pyfunction]
fn guideline_json() -> &'static str {
    nettx::knowledge::guideline_json()
}

/// The native module `nettx._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", nettx::ENGINE_VERSION)?;
    m.add("ENGINE_NAME", nettx::ENGINE_NAME)?;
    m.add("ENGINE_VERSION", nettx::ENGINE_VERSION)?;
    m.add("GUIDELINE_ID", nettx::knowledge::GUIDELINE_ID)?;
    m.add("REPORT_NO_SOURCE", nettx::report::NO_SOURCE)?;
    m.add("REPORT_OWN_SAFETY_NOTE", nettx::report::OWN_SAFETY_NOTE)?;
    m.add("GUIDELINE_VERSION", nettx::knowledge::GUIDELINE_VERSION)?;
    m.add("GUIDELINE_DIGEST", nettx::knowledge::guideline_digest())?;
    m.add("DISCLAIMER", nettx::report::DISCLAIMER)?;
    m.add("MAX_CASE_JSON_BYTES", nettx::MAX_CASE_JSON_BYTES)?;
    m.add("MAX_CASE_ID_BYTES", nettx::MAX_CASE_ID_BYTES)?;
    m.add("MAX_NESTING_DEPTH", nettx::MAX_NESTING_DEPTH)?;
    m.add("MAX_BATCH_CASES", nettx::MAX_BATCH_CASES)?;
    m.add("MIN_TUMOR_SIZE_CM", nettx::MIN_TUMOR_SIZE_CM)?;
    m.add("MAX_TUMOR_SIZE_CM", nettx::MAX_TUMOR_SIZE_CM)?;
    // Each field's kind (`nettx::Field::kind`), by wire names: how
    // `evaluate_frame` knows which columns may go as packed booleans.
    let kinds = pyo3::types::PyDict::new(m.py());
    for field in nettx::Field::ALL {
        kinds.set_item(field.as_str(), field.kind().as_str())?;
    }
    m.add("FIELD_KINDS", kinds)?;
    m.add_class::<PyCase>()?;
    m.add_class::<PyEvaluation>()?;
    m.add_class::<objects::PyRecommendation>()?;
    m.add_class::<objects::PyMissing>()?;
    m.add_class::<objects::PyWarning>()?;
    m.add_class::<objects::PyTraceEntry>()?;
    m.add_class::<fhir::PyMappedRecord>()?;
    m.add_class::<fhir::PyFhirEvaluation>()?;
    m.add("MAX_RECORD_JSON_BYTES", nettx_fhir::MAX_RECORD_JSON_BYTES)?;
    m.add("MAX_RESOURCES", nettx_fhir::MAX_RESOURCES)?;
    m.add_function(wrap_pyfunction!(fhir::fhir_map_record, m)?)?;
    m.add_function(wrap_pyfunction!(fhir::fhir_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_many, m)?)?;
    m.add_function(wrap_pyfunction!(check_batch_len, m)?)?;
    m.add_function(wrap_pyfunction!(guideline, m)?)?;
    m.add_function(wrap_pyfunction!(guideline_json, m)?)?;
    m.add_function(wrap_pyfunction!(vocab::vocabularies, m)?)?;
    m.add_function(wrap_pyfunction!(frame::frame_columns, m)?)?;
    m.add_function(wrap_pyfunction!(frame::evaluate_columns, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::evaluate_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(pathway::pathway, m)?)?;
    m.add_function(wrap_pyfunction!(pathway::pathway_all, m)?)?;
    m.add_class::<arrow::PyArrowResult>()?;
    m.add_class::<arrow::PyArrowStream>()?;
    Ok(())
}
