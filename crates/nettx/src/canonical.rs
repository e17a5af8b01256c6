//! The canonical form of a case and its digest.
//!
//! Canonical form: compact JSON of the known fields in the order of the
//! interface's table, unknown fields left out, complications deduplicated in
//! the order of their values list (left out when empty), numbers in the
//! shortest form that reads back to the same double, with a digit after the
//! point (`2.0`). The digest is the SHA-256 of that text, without `case_id`.

use crate::case::Case;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Serializes `case` in canonical order; `with_id` adds `case_id` first.
pub(crate) fn serialize_case<S: serde::Serializer>(
    case: &Case,
    with_id: bool,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let f = &case.facts;
    let mut s = serializer.serialize_struct("Case", 12)?;
    if with_id {
        if let Some(id) = &case.case_id {
            s.serialize_field("case_id", id)?;
        }
    }
    s.serialize_field("primary_site", &f.site)?;
    if let Some(v) = f.histology {
        s.serialize_field("histology", &v)?;
    }
    if let Some(v) = f.size_cm {
        s.serialize_field("tumor_size_cm", &v)?;
    }
    let flags = [
        ("local_spread", f.local_spread),
        ("metastatic", f.metastatic),
        ("hepatic_metastases", f.hepatic),
        ("extrahepatic_metastases", f.extrahepatic),
        ("metastases_resectable", f.resectable),
        ("carcinoid_syndrome", f.syndrome),
    ];
    for (name, value) in flags {
        if let Some(v) = value {
            s.serialize_field(name, &v)?;
        }
    }
    if !f.complications.is_empty() {
        s.serialize_field("complications", &ComplicationList(f.complications))?;
    }
    if let Some(v) = f.ssa_response {
        s.serialize_field("ssa_response", &v)?;
    }
    s.end()
}

struct ComplicationList(crate::case::Complications);

impl Serialize for ComplicationList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for c in self.0.iter() {
            seq.serialize_element(&c)?;
        }
        seq.end()
    }
}

struct CanonicalCase<'a>(&'a Case, bool);

impl Serialize for CanonicalCase<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_case(self.0, self.1, serializer)
    }
}

/// The case as compact JSON (`with_id`: including `case_id`).
pub(crate) fn case_json(case: &Case, with_id: bool) -> String {
    let mut out = Vec::with_capacity(256);
    write_case(case, with_id, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn write_case(case: &Case, with_id: bool, out: &mut Vec<u8>) {
    // Writing enums, booleans, finite doubles and strings into a Vec cannot
    // fail; a Case never holds a non-finite size (validated on build).
    let _ = serde_json::to_writer(&mut *out, &CanonicalCase(case, with_id));
}

/// SHA-256 (lowercase hex) of the canonical form without `case_id`.
pub(crate) fn case_digest(case: &Case) -> String {
    let mut text = Vec::with_capacity(256);
    write_case(case, false, &mut text);
    hex_sha256(&text)
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
