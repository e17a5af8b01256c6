//! The guideline as data: statements, references, recommendation codes,
//! warnings, decision rules and missing-data reasons, in one table.
//!
//! Evaluation reads its texts and citations from here, `nettx rules` lists it,
//! `docs/RULES.md` is generated from it, and its serialized form is hashed into
//! the `guideline.digest` of every evaluation, so none of them can drift apart.

mod codes;
mod rules;
mod statements;

pub use codes::{CodeSpec, WarningSpec, CODES, WARNINGS};
pub use rules::{missing_reason, MissingSpec, RuleId, RuleSpec, MISSING, RULES};
pub use statements::{SourceSpec, SOURCES};

use serde::Serialize;
use std::sync::OnceLock;

/// The entry at `index` of a table that has one entry per value of a
/// vocabulary, in the vocabulary's order; `index` is such a value's
/// `index()`.
#[allow(
    clippy::indexing_slicing,
    reason = "every table is typed `[_; V::ALL.len()]` and `index()` is a position in `V::ALL`, so \
              the index is in bounds by construction; the order is checked by the tests"
)]
fn entry<T, const N: usize>(table: &'static [T; N], index: usize) -> &'static T {
    &table[index]
}

/// Identifier of the guideline this library implements.
pub const GUIDELINE_ID: &str = "intestinal-net-treatment";
/// Version of the knowledge in this table (changes whenever the table does).
pub const GUIDELINE_VERSION: &str = "1.0.0";

/// The whole rule table, as listed by `nettx rules --format json` and hashed
/// into [`guideline_digest`].
#[derive(Debug, Serialize)]
pub struct Guideline {
    /// [`GUIDELINE_ID`].
    pub id: &'static str,
    /// [`GUIDELINE_VERSION`].
    pub version: &'static str,
    /// Statements S0–S14 and references R1–R7.
    pub sources: &'static [SourceSpec],
    /// Recommendation codes.
    pub codes: &'static [CodeSpec],
    /// Safety warnings.
    pub warnings: &'static [WarningSpec],
    /// Decision rules.
    pub rules: &'static [RuleSpec],
    /// Reasons given for missing fields.
    pub missing: &'static [MissingSpec],
}

/// The rule table.
pub static GUIDELINE: Guideline = Guideline {
    id: GUIDELINE_ID,
    version: GUIDELINE_VERSION,
    sources: &SOURCES,
    codes: &CODES,
    warnings: &WARNINGS,
    rules: &RULES,
    missing: &MISSING,
};

/// The rule table as compact JSON (computed once).
pub fn guideline_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_string(&GUIDELINE).unwrap_or_default())
}

/// SHA-256 (lowercase hex) of [`guideline_json`] (computed once).
pub fn guideline_digest() -> &'static str {
    static DIGEST: OnceLock<String> = OnceLock::new();
    DIGEST.get_or_init(|| crate::canonical::hex_sha256(guideline_json().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Code, Source, WarningCode};

    #[test]
    fn tables_are_in_vocabulary_order() {
        for (spec, c) in CODES.iter().zip(Code::ALL) {
            assert_eq!(spec.code, *c);
            assert_eq!(c.spec().code, *c);
        }
        for (spec, w) in WARNINGS.iter().zip(WarningCode::ALL) {
            assert_eq!(spec.code, *w);
            assert_eq!(w.spec().code, *w);
        }
        for (spec, s) in SOURCES.iter().zip(Source::ALL) {
            assert_eq!(spec.id, *s);
            assert_eq!(s.spec().id, *s);
        }
        for (spec, r) in RULES.iter().zip(RuleId::ALL) {
            assert_eq!(spec.id, *r, "rule table out of order at {r:?}");
            assert_eq!(r.spec().id, *r);
        }
        assert_eq!(CODES.len(), Code::ALL.len());
        assert_eq!(RULES.len(), RuleId::ALL.len());
    }

    #[test]
    fn the_table_serializes_and_its_digest_is_stable() {
        let json = guideline_json();
        assert!(json.starts_with(r#"{"id":"intestinal-net-treatment","version":"1.0.0""#));
        assert_eq!(guideline_digest().len(), 64);
        assert_eq!(
            guideline_digest(),
            crate::canonical::hex_sha256(json.as_bytes())
        );
    }

    #[test]
    fn every_code_has_a_short_title() {
        for spec in &CODES {
            let n = spec.title.chars().count();
            assert!(n > 0 && n < 100, "{}: title of {n} characters", spec.code);
            assert_eq!(spec.title.trim(), spec.title);
        }
    }

    #[test]
    fn every_warning_rule_names_its_warning() {
        for w in WarningCode::ALL {
            let needle = format!("warning {}", w.as_str());
            assert!(
                RULES.iter().any(|r| r.effect == needle),
                "no rule raises {w}"
            );
        }
    }
}
