//! The pathway diagram from Python: one evaluation's path
//! (`Evaluation.pathway`), the whole guideline, or a cohort
//! (`nettx.pathway`). Conversion only; the drawing is the core's.

use crate::errors::invalid_case;
use crate::objects::PyEvaluation;
use nettx::pathway::{Pathway, PathwayFormat};
use nettx::{Error, ErrorKind, Guideline};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// The format named `name`, or `InvalidCaseError` naming the field `format`.
pub(crate) fn format_of(py: Python<'_>, name: &str) -> PyResult<PathwayFormat> {
    PathwayFormat::from_name(name).ok_or_else(|| {
        let e = Error::new(
            ErrorKind::Field,
            Some("format"),
            format!("format {name:?} is not one of: svg, dot, mermaid"),
        );
        invalid_case(py, &e, None)
    })
}

/// Draws `pathway`, the core's errors raised as `InvalidCaseError`.
pub(crate) fn render(
    py: Python<'_>,
    pathway: &Pathway<'_>,
    format: PathwayFormat,
) -> PyResult<String> {
    pathway
        .render(format)
        .map_err(|e| invalid_case(py, &e, None))
}

/// The guideline's decision graph, alone (`results` None) or with the paths
/// of `results` counted on every edge: `Evaluation` objects (as
/// `evaluate_many` returns them), or evaluation JSON documents (the
/// `evaluation` column of `evaluate_frame(full=True)`). `None` items (failed
/// rows of `errors="return"`) are skipped. An item of another guideline, or
/// of another type, raises `InvalidCaseError` with its position as `row`.
#[pyfunction]
#[pyo3(signature = (results = None, *, format = "svg"))]
pub(crate) fn pathway(
    py: Python<'_>,
    results: Option<&Bound<'_, PyAny>>,
    format: &str,
) -> PyResult<String> {
    let format = format_of(py, format)?;
    let drawing = cohort(py, results)?;
    py.detach(|| drawing.render(format))
        .map_err(|e| invalid_case(py, &e, None))
}

/// Every format of `pathway`, as a dict (`svg`, `dot`, `mermaid`), drawn
/// from one pass over `results`: `nettx.summarize` keeps all three, and so
/// reads a cohort's documents once rather than once per format.
#[pyfunction]
#[pyo3(signature = (results = None))]
pub(crate) fn pathway_all<'py>(
    py: Python<'py>,
    results: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let drawing = cohort(py, results)?;
    let out = PyDict::new(py);
    for format in PathwayFormat::ALL {
        let text = py
            .detach(|| drawing.render(*format))
            .map_err(|e| invalid_case(py, &e, None))?;
        out.set_item(format.as_str(), text)?;
    }
    Ok(out)
}

/// The built-in guideline's graph with the paths of `results` counted (see
/// [`pathway`] for what the items may be).
fn cohort(py: Python<'_>, results: Option<&Bound<'_, PyAny>>) -> PyResult<Pathway<'static>> {
    let mut drawing = Pathway::new(Guideline::builtin());
    if let Some(results) = results {
        for (row, item) in results.try_iter()?.enumerate() {
            let item = item?;
            let added = if item.is_none() {
                Ok(())
            } else if let Ok(ev) = item.cast::<PyEvaluation>() {
                drawing.add(ev.get().get())
            } else if let Ok(text) = item.cast::<PyString>() {
                drawing.add_json(&text.to_cow()?)
            } else {
                Err(Error::new(
                    ErrorKind::Parse,
                    None,
                    format!(
                        "item {row} is a {}, not an Evaluation or an evaluation's JSON",
                        item.get_type().name()?
                    ),
                ))
            };
            added.map_err(|e| invalid_case(py, &e, Some(row)))?;
        }
    }
    Ok(drawing)
}
