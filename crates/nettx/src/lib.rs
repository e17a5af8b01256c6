//! # nettx: treatment recommendations for intestinal neuroendocrine tumours
//!
//! `nettx` takes a typed [`Case`] of a patient with an intestinal
//! neuroendocrine tumour (NET, "carcinoid") and returns the recommendations
//! of the guideline it implements: which operation or drug, how strongly, how
//! urgently, why, with the statements that back each one, the data that are
//! missing, and safety warnings.
//!
//! It is decision support for a clinician, who reviews the basis of every
//! recommendation (the statements and references cited) before acting. It
//! never guesses: an unknown fact stays unknown and is reported as missing
//! where a decision needed it.
//!
//! ```
//! use nettx::{Case, Code, Site};
//!
//! let case = Case::builder(Site::Ileum)
//!     .metastatic(false)
//!     .carcinoid_syndrome(false)
//!     .build()?;
//! let evaluation = nettx::evaluate(&case);
//! assert_eq!(evaluation.recommendations()[0].code(), Code::SmallBowelResectionWithMesentery);
//!
//! let json = nettx::evaluate_json(r#"{"primary_site":"ileum","metastatic":false}"#)?;
//! assert!(json.contains("SMALL_BOWEL_RESECTION_WITH_MESENTERY"));
//! # Ok::<(), nettx::Error>(())
//! ```
//!
//! The clinical knowledge is one table, [`Guideline::builtin`]; every
//! evaluation carries its digest, the engine version and the case's digest.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod canonical;
mod case;
mod engine;
mod error;
mod evaluation;
mod json_out;
pub mod knowledge;
pub mod limits;
mod parse;
pub mod pathway;
pub mod report;
pub mod schema;
mod vocab;

pub use case::{
    Case, CaseBuilder, Complications, MAX_CASE_ID_BYTES, MAX_TUMOR_SIZE_CM, MIN_TUMOR_SIZE_CM,
};
pub use error::Error;
pub use evaluation::{
    Evaluation, Missing, Recommendation, TraceDetail, TraceEntry, ENGINE_NAME, ENGINE_VERSION,
};
pub use knowledge::{Guideline, GuidelineError, RuleId};
pub use limits::{
    check_batch_len, check_batch_progress, MAX_BATCH_CASES, MAX_CASE_JSON_BYTES, MAX_NESTING_DEPTH,
};
pub use parse::{EntryValue, FieldValue};
pub use vocab::{
    Category, Code, Complication, DiseaseState, ErrorKind, Field, FieldKind, Goal, Histology,
    Intent, Set, Site, Source, SsaResponse, Strength, Urgency, Vocabulary, WarningCode,
};

/// Evaluates a validated case. Cannot fail: a [`Case`] is valid by
/// construction. The trace is written when first asked for
/// ([`Evaluation::trace`]); use [`evaluate_traced`] when it will be.
pub fn evaluate(case: &Case) -> Evaluation {
    knowledge::Guideline::builtin().evaluate(case)
}

/// Like [`evaluate`], writing the trace during the walk: for callers that
/// will serialize the evaluation or read its trace (otherwise the case is
/// walked a second time when the trace is first asked for). The result is
/// equal to [`evaluate`]'s.
///
/// ```
/// use nettx::{Case, Site};
/// let case = Case::builder(Site::Ileum).metastatic(false).build()?;
/// assert_eq!(nettx::evaluate_traced(&case), nettx::evaluate(&case));
/// assert_eq!(nettx::evaluate_traced(&case).to_json(), nettx::evaluate(&case).to_json());
/// # Ok::<(), nettx::Error>(())
/// ```
pub fn evaluate_traced(case: &Case) -> Evaluation {
    knowledge::Guideline::builtin().evaluate_traced(case)
}

/// Evaluates one case given as JSON text and returns the evaluation as compact
/// JSON, or the first problem of the input.
///
/// Limits ([`limits`]): at most [`MAX_CASE_JSON_BYTES`] bytes (checked
/// before parsing), arrays and objects nested at most [`MAX_NESTING_DEPTH`]
/// levels, `case_id` at most [`MAX_CASE_ID_BYTES`] bytes. Errors come in the
/// order parse, unknown key, fields in table order, contradictions;
/// [`Error::to_json`] gives the error document of the interface.
pub fn evaluate_json(case_json: &str) -> Result<String, Error> {
    let case = Case::from_json(case_json)?;
    Ok(evaluate_traced(&case).to_json())
}

/// Like [`evaluate_json`], for bytes that should be UTF-8 (invalid UTF-8 is a
/// `parse` error). For callers that read raw input: files, sockets, C strings.
pub fn evaluate_json_bytes(case_json: &[u8]) -> Result<String, Error> {
    let case = parse::case_from_bytes(case_json)?;
    Ok(evaluate_traced(&case).to_json())
}

/// Builds a case from field/value pairs, as bindings for other languages
/// have them (a Python dict, a DataFrame row), with the same checks, messages
/// and error order as [`evaluate_json`]: the first unknown key in iteration
/// order, then fields in table order, then contradictions. `null` values are
/// unknown, as in JSON. For values JSON cannot hold (a float NaN, an object
/// of the host language) see [`case_from_entry_values`].
///
/// ```
/// use serde_json::json;
/// let case = nettx::case_from_entries([("primary_site", json!("ileum")), ("metastatic", json!(false))])?;
/// assert_eq!(case.metastatic(), Some(false));
/// # Ok::<(), nettx::Error>(())
/// ```
pub fn case_from_entries<K: AsRef<str>>(
    entries: impl IntoIterator<Item = (K, serde_json::Value)>,
) -> Result<Case, Error> {
    parse::case_from_entries(entries)
}

/// Like [`case_from_entries`], for values a host language holds that JSON may
/// not: a float NaN or infinity, a list of such values, an object with no
/// JSON form (see [`EntryValue`]). Every field is read by the same converter
/// as in JSON, so [`EntryValue::Json`] values get exactly the checks and
/// messages of [`evaluate_json`], and the others are refused in the same
/// place, quoted in the message as given.
///
/// ```
/// use nettx::EntryValue;
/// use serde_json::json;
/// let case = nettx::case_from_entry_values([
///     ("primary_site", EntryValue::Json(json!("ileum"))),
///     ("tumor_size_cm", EntryValue::Float(2.5)),
/// ])?;
/// assert_eq!(case.tumor_size_cm(), Some(2.5));
///
/// let e = nettx::case_from_entry_values([
///     ("primary_site", EntryValue::Json(json!("ileum"))),
///     ("metastatic", EntryValue::Opaque("object()".to_owned())),
/// ])
/// .unwrap_err();
/// assert!(e.message().ends_with("got object()"));
/// # Ok::<(), nettx::Error>(())
/// ```
pub fn case_from_entry_values<K: AsRef<str>>(
    entries: impl IntoIterator<Item = (K, EntryValue)>,
) -> Result<Case, Error> {
    parse::case_from_entry_values(entries)
}

/// Parses a case from bytes that should be UTF-8 JSON, with the limits and
/// error order of [`evaluate_json`].
pub fn case_from_json_bytes(case_json: &[u8]) -> Result<Case, Error> {
    parse::case_from_bytes(case_json)
}
