//! The core's [`nettx::Error`] as the package's `nettx.InvalidCaseError`
//! (defined in Python, in `nettx/_errors.py`, so that it is an ordinary,
//! picklable exception class with typed attributes).

use crate::vocab::member;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

static INVALID_CASE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn invalid_case_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_CASE_ERROR.import(py, "nettx._errors", "InvalidCaseError")
}

static NETTX_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A `nettx.NettxError` saying `message`.
pub(crate) fn nettx_error(py: Python<'_>, message: String) -> PyErr {
    match NETTX_ERROR.import(py, "nettx._errors", "NettxError") {
        Ok(class) => PyErr::from_type(class.clone(), message),
        Err(e) => e,
    }
}

/// The keyword arguments of `InvalidCaseError` for `e`: kind (the enum
/// member), field, and the core's error document.
fn error_kwargs<'py>(py: Python<'py>, e: &nettx::Error) -> PyResult<Bound<'py, PyDict>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", member(py, e.kind())?)?;
    kwargs.set_item("field", e.field_name())?;
    kwargs.set_item("document", e.to_json())?;
    Ok(kwargs)
}

/// An `InvalidCaseError` carrying the core's kind, field, message and
/// document; `row` is the position in a batch, when there is one.
pub(crate) fn invalid_case(py: Python<'_>, e: &nettx::Error, row: Option<usize>) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let kwargs = error_kwargs(py, e)?;
        if let Some(row) = row {
            kwargs.set_item("row", row)?;
        }
        let exc = invalid_case_class(py)?.call((e.message(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    })();
    made.unwrap_or_else(|err| err)
}

/// The pieces of an error as Python values, for batch results that report
/// errors per row: `(kind, field, message, document)`.
pub(crate) fn error_tuple<'py>(
    py: Python<'py>,
    e: &nettx::Error,
) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
    pyo3::types::PyTuple::new(
        py,
        [
            member(py, e.kind())?.into_any(),
            e.field_name().into_pyobject(py)?.into_any(),
            e.message().into_pyobject(py)?.into_any(),
            e.to_json().into_pyobject(py)?.into_any(),
        ],
    )
}
