//! # nettx-fhir: a FHIR R4 / mCODE record in, CDS Hooks cards out
//!
//! Hospital systems hold a patient as FHIR resources. This crate reads a
//! record — a FHIR `Bundle`, or a CDS Hooks `prefetch` object — into the flat
//! [`nettx::Case`] through a closed mapping table (`docs/FHIR.md`), with the
//! resources every fact came from and a note for every resource or value not
//! used; and it turns any [`nettx::Evaluation`] into CDS Hooks 2.0 cards.
//!
//! The mapping is conservative: a code that is not in the table never
//! becomes a fact (the fact stays unknown and the evaluation reports it
//! missing), and anything refused is an [`nettx::Error`] naming the
//! resources (`Condition/abc`, `Observation/def`).
//!
//! ```
//! let record = r#"{"resourceType":"Bundle","type":"collection","entry":[
//!   {"resource":{"resourceType":"Patient","id":"pt1"}},
//!   {"resource":{"resourceType":"Condition","id":"p1","subject":{"reference":"Patient/pt1"},
//!     "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.012"}]}}}]}"#;
//! let mapped = nettx_fhir::map_record(record)?;
//! assert_eq!(mapped.case().primary_site(), nettx::Site::Ileum);
//! assert_eq!(mapped.case().case_id(), Some("pt1"));
//! assert_eq!(mapped.provenance()[1].1, ["Condition/p1"]);
//!
//! let evaluation = nettx::evaluate(mapped.case());
//! let cards = nettx_fhir::cds_cards(&evaluation);
//! assert!(cards.cards.iter().all(|c| c.summary.chars().count() < 140));
//! # Ok::<(), nettx::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cards;
mod date;
mod elems;
mod map;
mod model;
mod onepass;
#[cfg(test)]
mod onepass_tests;
mod read;
pub mod table;
mod uuid;

pub use cards::{cds_cards, refused_cards, Card, CardSource, Cards, Indicator, MAX_SUMMARY_CHARS};
pub use onepass::Prefetch;

use nettx::{Case, Error, ErrorKind, Evaluation, Field};

/// Largest accepted record: 8 MiB of JSON text. A longer one is refused with
/// a `parse` error (no field) before it is parsed.
pub const MAX_RECORD_JSON_BYTES: usize = 8 * 1024 * 1024;

/// Most resources a record may hold (all Bundles of a prefetch object
/// together). One more is a `parse` error (no field), found while reading.
pub const MAX_RESOURCES: usize = 10_000;

/// Deepest nesting of arrays and objects in a record: the core's
/// [`nettx::MAX_NESTING_DEPTH`], the record itself counting as one level.
pub const MAX_NESTING_DEPTH: usize = nettx::MAX_NESTING_DEPTH;

/// A resource or value that was seen and not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The resource: `Type/id`, else its entry's `fullUrl`, else `Type #n`
    /// (its position in the record, from 1).
    pub resource: String,
    /// Why it was not used (or, for a used one, what to know about it).
    pub note: String,
}

/// A record mapped to a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    case: Case,
    provenance: Vec<(Field, Vec<String>)>,
    notes: Vec<Note>,
    patient: Option<String>,
}

impl Mapped {
    /// The one patient the record names: the logical id that every Patient
    /// and every `subject`/`patient` reference agree on (`#n`, the Patient's
    /// position, for a Patient without an id), or `None` when no resource
    /// names a patient. A service compares it with the patient it was asked
    /// about before it shows anything.
    pub fn patient(&self) -> Option<&str> {
        self.patient.as_deref()
    }
    /// The case built (checked by the core like any case).
    pub fn case(&self) -> &Case {
        &self.case
    }
    /// For every field set, the resources it came from (in record order),
    /// fields in the case's table order.
    pub fn provenance(&self) -> &[(Field, Vec<String>)] {
        &self.provenance
    }
    /// Every resource or value seen and not used, with why, in record order.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }
    /// Evaluates the case.
    pub fn evaluate(&self) -> Evaluation {
        nettx::evaluate(&self.case)
    }
    /// `{"case":…,"provenance":…,"notes":[…]}` as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512);
        self.write_json(&mut out);
        out.push('}');
        out
    }
    /// Like [`Mapped::to_json`] with `"evaluation":{…}` added at the end.
    pub fn to_json_with(&self, evaluation: &Evaluation) -> String {
        let mut out = String::with_capacity(4096);
        self.write_json(&mut out);
        out.push_str(",\"evaluation\":");
        out.push_str(&evaluation.to_json());
        out.push('}');
        out
    }

    fn write_json(&self, out: &mut String) {
        out.push_str("{\"case\":");
        out.push_str(&self.case.to_json());
        out.push_str(",\"provenance\":{");
        for (i, (field, list)) in self.provenance.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, field.as_str());
            out.push_str(":[");
            for (j, name) in list.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                push_str(out, name);
            }
            out.push(']');
        }
        out.push_str("},\"notes\":[");
        for (i, n) in self.notes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"resource\":");
            push_str(out, &n.resource);
            out.push_str(",\"note\":");
            push_str(out, &n.note);
            out.push('}');
        }
        out.push(']');
    }
}

fn push_str(out: &mut String, s: &str) {
    match serde_json::to_string(s) {
        Ok(q) => out.push_str(&q),
        Err(_) => out.push_str("\"\""),
    }
}

/// Maps a record (a FHIR R4 `Bundle` or a CDS Hooks `prefetch` object, as
/// JSON text) to a case, with provenance and notes.
///
/// Errors: `parse` for anything that is not such a record within the limits
/// ([`MAX_RECORD_JSON_BYTES`], [`MAX_RESOURCES`], [`MAX_NESTING_DEPTH`]);
/// `contradiction` (field `subject`) for two patients; `field` and
/// `contradiction` errors naming the resources, as `docs/FHIR.md` says; then
/// the core's checks of the case built.
///
/// ```
/// let e = nettx_fhir::map_record(r#"{"resourceType":"Patient","id":"x"}"#).unwrap_err();
/// assert_eq!(e.kind(), nettx::ErrorKind::Parse);
/// let e = nettx_fhir::map_record(r#"{"resourceType":"Bundle","type":"collection"}"#).unwrap_err();
/// assert_eq!(e.field_name(), Some("primary_site"));
/// ```
pub fn map_record(json: &str) -> Result<Mapped, Error> {
    map::map(json).map_err(one_line)
}

impl Prefetch<'_> {
    /// Maps the resources read: what [`map_record`] gives for a prefetch
    /// object of the same keys and values in the same order.
    pub fn map(self) -> Result<Mapped, Error> {
        map::map_read(self.into_resources()).map_err(one_line)
    }
}

/// The error with every control character of its message and field shown
/// escaped (`\n`, `\u{1}`): messages quote the record's own strings (a
/// `resourceType`, an id, a prefetch key), and a message is one line.
fn one_line(e: Error) -> Error {
    let clean = |s: &str| -> Option<String> {
        if !s.chars().any(char::is_control) {
            return None;
        }
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
        Some(out)
    };
    let message = clean(e.message());
    let field = e.field_name().and_then(clean);
    if message.is_none() && field.is_none() {
        return e;
    }
    Error::new(
        e.kind(),
        field.as_deref().or(e.field_name()),
        message.unwrap_or_else(|| e.message().to_owned()),
    )
}

/// Like [`map_record`], for bytes that should be UTF-8 (otherwise a `parse`
/// error).
pub fn map_record_bytes(json: &[u8]) -> Result<Mapped, Error> {
    if json.len() > MAX_RECORD_JSON_BYTES {
        return Err(Error::new(
            ErrorKind::Parse,
            None,
            format!(
                "the record is {} bytes; a record may be at most {MAX_RECORD_JSON_BYTES} bytes of JSON",
                json.len()
            ),
        ));
    }
    match std::str::from_utf8(json) {
        Ok(text) => map_record(text),
        Err(e) => Err(Error::new(
            ErrorKind::Parse,
            None,
            format!(
                "the record is not valid UTF-8 (first bad byte at offset {}); send it as UTF-8 JSON",
                e.valid_up_to()
            ),
        )),
    }
}

/// Maps and evaluates a record: the mapping object with `"evaluation"`
/// added, as compact JSON (the same bytes as every entry point).
///
/// ```
/// let record = r#"{"patient":{"resourceType":"Patient","id":"pt1"},
///   "conditions":{"resourceType":"Bundle","type":"searchset","entry":[{"resource":
///     {"resourceType":"Condition","id":"p1","subject":{"reference":"Patient/pt1"},
///      "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.026"}]}}}]},
///   "observations":null}"#;
/// let json = nettx_fhir::evaluate_record_json(record)?;
/// assert!(json.starts_with(r#"{"case":{"case_id":"pt1","primary_site":"rectum""#));
/// assert!(json.contains(r#","evaluation":{"case_id":"pt1""#));
/// # Ok::<(), nettx::Error>(())
/// ```
pub fn evaluate_record_json(json: &str) -> Result<String, Error> {
    let mapped = map_record(json)?;
    Ok(mapped.to_json_with(&mapped.evaluate()))
}
