//! The guideline as data: statements, references, recommendation codes,
//! warnings, decision rules and missing-data reasons, in one table.
//!
//! Evaluation reads its texts and citations from here, `nettx rules` lists it,
//! `docs/RULES.md` is generated from it, and its serialized form is hashed into
//! the `guideline.digest` of every evaluation, so none of them can drift apart.

mod codes;
mod decisions;
mod graph;
mod guideline;
mod rules;
mod statements;

pub use codes::{CodeSpec, WarningSpec, CODES, WARNINGS};
pub use graph::{
    Arm, Cond, Effect, ForkNode, List, Next, Node, RuleNode, Text, ThresholdId, ThresholdSpec,
};
pub(crate) use guideline::END;
pub use guideline::{Guideline, GuidelineError};
pub use rules::{MissingSpec, RuleId, MISSING};
pub use statements::{SourceSpec, SOURCES};

use std::borrow::Cow;

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
pub const GUIDELINE_VERSION: &str = "1.1.0";

/// The parts of the built-in guideline, before [`Guideline::builtin`]
/// resolves its graph.
fn builtin_parts() -> Guideline {
    Guideline::from_parts(
        GUIDELINE_ID,
        GUIDELINE_VERSION,
        Cow::Borrowed(&decisions::THRESHOLDS),
        Cow::Borrowed(&SOURCES),
        Cow::Borrowed(&CODES),
        Cow::Borrowed(&WARNINGS),
        Cow::Borrowed(&MISSING),
        Cow::Borrowed(decisions::NODES),
    )
}

/// The built-in rule table as compact JSON (what `nettx rules --format json`
/// prints).
pub fn guideline_json() -> &'static str {
    Guideline::builtin().to_json()
}

/// SHA-256 (lowercase hex) of [`guideline_json`]: the `guideline.digest` of
/// every evaluation made with the built-in guideline.
pub fn guideline_digest() -> &'static str {
    Guideline::builtin().digest()
}

/// The reason given when `field` is missing, by the built-in guideline (empty
/// for a field that is never reported missing).
pub fn missing_reason(field: crate::vocab::Field) -> &'static str {
    Guideline::builtin().missing_reason(field)
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
        assert_eq!(CODES.len(), Code::ALL.len());
        for r in RuleId::ALL {
            assert_eq!(Guideline::builtin().rule(*r).map(|n| n.id), Some(*r));
        }
    }

    #[test]
    fn the_builtin_guideline_is_valid() {
        assert_eq!(Guideline::builtin().validate(), Ok(()));
    }

    #[test]
    fn the_table_serializes_and_its_digest_is_stable() {
        let json = guideline_json();
        assert!(json.starts_with(r#"{"id":"intestinal-net-treatment","version":"1.1.0""#));
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
}
