//! The pathway diagram of an evaluation: the guideline's decision graph
//! with the case's path highlighted, as SVG, Graphviz DOT or Mermaid text.

use crate::evaluation::nettx_evaluation;
use crate::status::nettx_status;
use crate::util::{answer_json, Failure};
use nettx_core::pathway::{Pathway, PathwayFormat};
use nettx_core::{Error, ErrorKind};
use std::ffi::{c_char, c_int};

/// A drawing format of `nettx_evaluation_pathway`.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_pathway_format {
    /// Scalable vector graphics, laid out by the library (no Graphviz needed).
    Svg = 0,
    /// Graphviz DOT text.
    Dot = 1,
    /// Mermaid flowchart text.
    Mermaid = 2,
}

/// The core's format for a C value, or the error naming it.
fn format_of(value: c_int) -> Result<PathwayFormat, Failure> {
    let format = usize::try_from(value)
        .ok()
        .and_then(|i| PathwayFormat::ALL.get(i).copied());
    format.ok_or_else(|| Failure {
        status: nettx_status::NETTX_ERR_FIELD,
        error: Error::new(
            ErrorKind::Field,
            Some("format"),
            format!("format {value} is not a nettx_pathway_format (0 svg, 1 dot, 2 mermaid)"),
        ),
    })
}

/// Draws the guideline's decision graph with this evaluation's path
/// highlighted: the rules it passed (and whether each held), the branch
/// taken at each fork, what each rule recommended or warned, the data found
/// missing where they were needed, statement ids on the nodes, and a legend.
/// `format` is a `nettx_pathway_format`. The same evaluation always gives the
/// same bytes.
///
/// Returns `NETTX_OK` and writes `*out` with a new string the caller frees
/// with `nettx_string_free`. If `evaluation` is NULL returns
/// `NETTX_ERR_NULL_ARGUMENT`, and for a `format` that is no
/// `nettx_pathway_format` returns `NETTX_ERR_FIELD` (field `format`); both
/// write the error document to `*out`. If `out` is NULL returns
/// `NETTX_ERR_NULL_ARGUMENT` and writes nothing.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle; `out` must be NULL or point to
/// a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_pathway(
    evaluation: *const nettx_evaluation,
    format: c_int,
    out: *mut *mut c_char,
) -> c_int {
    let produce = || {
        // SAFETY: `evaluation` is NULL or a live, unmutated handle by the
        // caller's contract.
        let Some(e) = (unsafe { evaluation.as_ref() }) else {
            return Err(Failure::null_argument("evaluation"));
        };
        let format = format_of(format)?;
        Ok(Pathway::of(e.evaluation()).render(format)?)
    };
    // SAFETY: `out` is NULL or writable by this function's contract.
    unsafe { answer_json(out, produce) }
}
