//! CDS Hooks 2.0 cards from any evaluation: one per recommendation (in the
//! evaluation's order), one per warning, then one listing the missing data.

use crate::uuid::{v5, NAMESPACE_URL};
use nettx::knowledge::{guideline_digest, GUIDELINE_ID, GUIDELINE_VERSION};
use nettx::report::DISCLAIMER;
use nettx::{Evaluation, Source, Strength, Urgency};
use serde::Serialize;
use std::fmt::Write;

/// Longest card summary CDS Hooks allows, in characters (a summary is
/// always shorter).
pub const MAX_SUMMARY_CHARS: usize = 140;

/// How a card asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    /// A recommendation or the missing-data card.
    Info,
    /// A safety warning.
    Warning,
    /// An urgent recommendation.
    Critical,
}

/// The card's `source`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardSource {
    /// `nettx: <guideline id> <version>`.
    pub label: String,
}

/// One CDS Hooks card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// UUID v5 (URL namespace) of `nettx:` + case digest + `:` + code (or `missing`).
    pub uuid: String,
    /// Under 140 characters.
    pub summary: String,
    /// Markdown: rationale, cited statements with their texts, guideline stamp, disclaimer.
    pub detail: String,
    /// `info`, `warning` or `critical`.
    pub indicator: Indicator,
    /// Who made the card.
    pub source: CardSource,
}

/// The cards of one evaluation, serialized as `{"cards":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cards {
    /// In order: recommendations, warnings, missing data.
    pub cards: Vec<Card>,
}

impl Cards {
    /// `{"cards":[…]}` as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"cards":[]}"#))
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn stamp(out: &mut String, sources: &[Source]) {
    if !sources.is_empty() {
        out.push_str("\n\n**Sources**\n");
        for s in sources {
            let _ = write!(out, "\n- **{}**: {}", s.as_str(), s.spec().text);
        }
    }
    let _ = write!(
        out,
        "\n\nGuideline {GUIDELINE_ID} {GUIDELINE_VERSION} (digest `{}`).\n\n*{DISCLAIMER}*",
        guideline_digest()
    );
}

/// The CDS Hooks cards of an evaluation (see the crate documentation).
pub fn cds_cards(evaluation: &Evaluation) -> Cards {
    let digest = evaluation.case_digest();
    let source = CardSource {
        label: format!("nettx: {GUIDELINE_ID} {GUIDELINE_VERSION}"),
    };
    let uuid = |code: &str| v5(&NAMESPACE_URL, &format!("nettx:{digest}:{code}"));
    let mut cards = Vec::new();
    for r in evaluation.recommendations() {
        let urgent = r.urgency() == Urgency::Urgent;
        let strength = match r.strength() {
            Strength::Preferred => "preferred",
            Strength::Alternative => "alternative",
            Strength::Option => "option",
        };
        let summary = if urgent {
            format!("Urgent, {strength}: {}", r.title())
        } else {
            format!("{}: {}", capitalized(strength), r.title())
        };
        let mut detail = format!(
            "**{}** ({strength}, {}, {})\n\n{}\n\n**Why:** {}",
            r.code(),
            r.urgency(),
            r.intent(),
            r.summary(),
            r.rationale()
        );
        stamp(&mut detail, r.sources());
        cards.push(Card {
            uuid: uuid(r.code().as_str()),
            summary,
            detail,
            indicator: if urgent {
                Indicator::Critical
            } else {
                Indicator::Info
            },
            source: source.clone(),
        });
    }
    for w in evaluation.warnings() {
        let mut detail = format!("**{}**\n\n{}", w.as_str(), w.message());
        stamp(&mut detail, w.sources());
        cards.push(Card {
            uuid: uuid(w.as_str()),
            summary: format!("Safety warning: {}", w.as_str()),
            detail,
            indicator: Indicator::Warning,
            source: source.clone(),
        });
    }
    let missing: Vec<nettx::Missing> = evaluation.missing().collect();
    if !missing.is_empty() {
        let fields: Vec<&str> = missing.iter().map(|m| m.field().as_str()).collect();
        let mut summary = format!("Missing data: {}", fields.join(", "));
        if summary.chars().count() >= MAX_SUMMARY_CHARS {
            summary = format!(
                "Missing data: {} fields would decide the recommendations",
                fields.len()
            );
        }
        let mut detail = String::from("Finding these out could change the recommendations:\n");
        for m in &missing {
            let _ = write!(detail, "\n- `{}`: {}", m.field(), m.reason());
        }
        stamp(&mut detail, &[]);
        cards.push(Card {
            uuid: uuid("missing"),
            summary,
            detail,
            indicator: Indicator::Info,
            source,
        });
    }
    Cards { cards }
}

/// The one `warning` card a CDS Hooks service answers with when the mapping
/// refuses the record: no recommendation is made, and the card says why (the
/// error's message, and the field it names). Its uuid is UUID v5 (URL
/// namespace) of `nettx:refused:` + the request's `hookInstance`.
pub fn refused_cards(hook_instance: &str, error: &nettx::Error) -> Cards {
    let mut detail = String::from(
        "nettx could not read this patient's record, so it makes **no recommendation**. \
         Check the record, or decide without this tool.\n\n",
    );
    let _ = write!(detail, "**Why:** {}", error.message());
    if let Some(field) = error.field_name() {
        let _ = write!(detail, " (field `{field}`, kind `{}`)", error.kind());
    } else {
        let _ = write!(detail, " (kind `{}`)", error.kind());
    }
    stamp(&mut detail, &[]);
    Cards {
        cards: vec![Card {
            uuid: v5(&NAMESPACE_URL, &format!("nettx:refused:{hook_instance}")),
            summary: String::from("No recommendation: the patient's record could not be read"),
            detail,
            indicator: Indicator::Warning,
            source: CardSource {
                label: format!("nettx: {GUIDELINE_ID} {GUIDELINE_VERSION}"),
            },
        }],
    }
}
