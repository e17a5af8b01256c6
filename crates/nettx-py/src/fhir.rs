//! FHIR records in (`nettx.fhir`), CDS Hooks cards out
//! (`Evaluation.to_cds_cards`): conversion only, through `nettx-fhir`.

use crate::errors;
use crate::objects::{with_json_bytes, PyCase, PyEvaluation};
use nettx_fhir::Mapped;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A FHIR record mapped to a case: ``case``, ``provenance`` (for every field
/// set, the resources it came from) and ``notes`` (every resource or value
/// seen and not used, and why). Made by ``nettx.fhir.map_record``.
#[pyclass(frozen, module = "nettx._native", name = "MappedRecord")]
pub struct PyMappedRecord {
    mapped: Mapped,
}

/// A FHIR record mapped and evaluated: ``evaluation``, ``case``,
/// ``provenance`` and ``notes``. Made by ``nettx.fhir.evaluate``.
#[pyclass(frozen, module = "nettx._native", name = "FhirEvaluation")]
pub struct PyFhirEvaluation {
    mapped: Mapped,
    evaluation: Py<PyEvaluation>,
}

fn provenance<'py>(py: Python<'py>, m: &Mapped) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (field, list) in m.provenance() {
        d.set_item(field.as_str(), PyList::new(py, list)?)?;
    }
    Ok(d)
}

fn notes<'py>(py: Python<'py>, m: &Mapped) -> PyResult<Bound<'py, PyList>> {
    let items = m
        .notes()
        .iter()
        .map(|n| {
            let d = PyDict::new(py);
            d.set_item("resource", &n.resource)?;
            d.set_item("note", &n.note)?;
            Ok(d)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

#[pymethods]
impl PyMappedRecord {
    /// The case built from the record.
    #[getter]
    fn case(&self) -> PyCase {
        PyCase {
            inner: self.mapped.case().clone(),
        }
    }
    /// For every field set, the resources it came from (``"Condition/p1"``), in record order.
    #[getter]
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        provenance(py, &self.mapped)
    }
    /// Every resource or value seen and not used: ``{"resource": ..., "note": ...}``.
    #[getter]
    fn notes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        notes(py, &self.mapped)
    }
    /// ``{"case":...,"provenance":...,"notes":[...]}`` as compact JSON (the bytes of every entry point).
    fn to_json(&self) -> String {
        self.mapped.to_json()
    }
    fn __repr__(&self) -> String {
        format!("MappedRecord({})", self.mapped.to_json())
    }
}

#[pymethods]
impl PyFhirEvaluation {
    /// The evaluation of the case.
    #[getter]
    fn evaluation(&self, py: Python<'_>) -> Py<PyEvaluation> {
        self.evaluation.clone_ref(py)
    }
    /// The case built from the record.
    #[getter]
    fn case(&self) -> PyCase {
        PyCase {
            inner: self.mapped.case().clone(),
        }
    }
    /// For every field set, the resources it came from, in record order.
    #[getter]
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        provenance(py, &self.mapped)
    }
    /// Every resource or value seen and not used: ``{"resource": ..., "note": ...}``.
    #[getter]
    fn notes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        notes(py, &self.mapped)
    }
    /// The mapping object with ``"evaluation"`` added, as compact JSON (the
    /// bytes of ``nettx evaluate --input fhir`` and ``nettx_fhir_evaluate_json``).
    fn to_json(&self) -> String {
        self.mapped.to_json_with(self.evaluation.get().get())
    }
    fn __repr__(&self) -> String {
        format!("FhirEvaluation({})", self.mapped.to_json())
    }
}

fn map_text(py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Mapped> {
    with_json_bytes(record, nettx_fhir::map_record_bytes)?
        .map_err(|e| errors::invalid_case(py, &e, None))
}

/// Maps a FHIR record given as JSON text (``str`` or UTF-8 ``bytes``).
#[pyfunction]
pub(crate) fn fhir_map_record(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
) -> PyResult<PyMappedRecord> {
    Ok(PyMappedRecord {
        mapped: map_text(py, record)?,
    })
}

/// Maps and evaluates a FHIR record given as JSON text (``str`` or UTF-8 ``bytes``).
#[pyfunction]
pub(crate) fn fhir_evaluate(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
) -> PyResult<PyFhirEvaluation> {
    let mapped = map_text(py, record)?;
    let evaluation = Py::new(py, PyEvaluation::ready(mapped.evaluate()))?;
    Ok(PyFhirEvaluation { mapped, evaluation })
}

/// The CDS Hooks cards of an evaluation as compact JSON, ``{"cards":[...]}``.
pub(crate) fn cards_json(evaluation: &nettx::Evaluation) -> String {
    nettx_fhir::cds_cards(evaluation).to_json()
}
