//! Readable forms for people: the report of one evaluation, and the listing
//! and documentation of the rule table. All texts come from the table.

use crate::evaluation::Evaluation;
use crate::knowledge::{self, GUIDELINE};
use crate::vocab::{Source, Strength, Urgency};
use std::fmt::Write;

/// The notice every readable output ends with.
pub const DISCLAIMER: &str =
    "Decision support only: a clinician reviews the cited basis before acting.";

fn sources_list(sources: &[Source]) -> String {
    if sources.is_empty() {
        return "none (the guideline is silent here)".to_owned();
    }
    crate::vocab::join_names(sources, Source::as_str)
}

/// A plain-text report of one evaluation: recommendations in order with
/// strength and urgency, why, what is missing, warnings, and the sources
/// cited with their texts.
pub fn evaluation_text(ev: &Evaluation) -> String {
    let mut out = String::with_capacity(2048);
    let id = ev.case_id().unwrap_or("(no case_id)");
    let digest = ev.case_digest();
    let _ = writeln!(
        out,
        "Case {id}  [case digest {}]",
        digest.get(..12).unwrap_or(&digest)
    );
    let _ = writeln!(
        out,
        "Guideline {} {} [digest {}], engine {} {}",
        knowledge::GUIDELINE_ID,
        knowledge::GUIDELINE_VERSION,
        knowledge::guideline_digest().get(..12).unwrap_or_default(),
        crate::ENGINE_NAME,
        crate::ENGINE_VERSION
    );
    let scope = if ev.in_scope() {
        "in scope"
    } else {
        "OUT OF SCOPE of the guideline"
    };
    let _ = writeln!(out, "Disease: {}, {scope}", ev.disease_state());
    let goals: Vec<&str> = ev.goals().map(|g| g.as_str()).collect();
    let goals = if goals.is_empty() {
        "none".to_owned()
    } else {
        goals.join(", ")
    };
    let _ = writeln!(out, "Goals: {goals}");

    out.push_str("\nRecommendations\n");
    let mut cited: crate::vocab::Set<Source> = crate::vocab::Set::new();
    for (i, r) in ev.recommendations().iter().enumerate() {
        let urgency = match r.urgency() {
            Urgency::Urgent => "URGENT",
            Urgency::Elective => "elective",
        };
        let strength = match r.strength() {
            Strength::Preferred => "PREFERRED",
            other => other.as_str(),
        };
        let _ = writeln!(
            out,
            "  {}. {}  [{strength}, {urgency}, {}]",
            i + 1,
            r.code(),
            r.intent()
        );
        let _ = writeln!(out, "     {}", r.summary());
        let _ = writeln!(out, "     Why: {}", r.rationale());
        let _ = writeln!(out, "     Sources: {}", sources_list(r.sources()));
        r.sources().iter().for_each(|s| cited.insert(*s));
    }

    out.push_str("\nMissing data\n");
    let mut none = true;
    for m in ev.missing() {
        none = false;
        let _ = writeln!(out, "  - {}: {}", m.field(), m.reason());
    }
    if none {
        out.push_str("  none\n");
    }

    out.push_str("\nWarnings\n");
    let mut none = true;
    for w in ev.warnings() {
        none = false;
        let _ = writeln!(
            out,
            "  ! {}: {} ({})",
            w,
            w.message(),
            sources_list(w.sources())
        );
        w.sources().iter().for_each(|s| cited.insert(*s));
    }
    if none {
        out.push_str("  none\n");
    }

    out.push_str("\nSources cited\n");
    for s in cited.iter() {
        let _ = writeln!(out, "  {:<4}{}", s.as_str(), s.spec().text);
    }
    if cited.is_empty() {
        out.push_str("  none\n");
    }
    let _ = writeln!(out, "\n{DISCLAIMER}");
    out
}

/// The rule table as plain text (for `nettx rules`).
pub fn rules_text() -> String {
    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(
        out,
        "Guideline {} {} (digest {})\n",
        GUIDELINE.id,
        GUIDELINE.version,
        knowledge::guideline_digest()
    );
    out.push_str("Statements and references\n");
    for s in GUIDELINE.sources {
        let _ = writeln!(out, "  {:<4}[{}] {}", s.id.as_str(), s.section, s.text);
    }
    out.push_str("\nRecommendation codes\n");
    for c in GUIDELINE.codes {
        let _ = writeln!(
            out,
            "  {} [{}, {}; {}]\n      {}",
            c.code,
            c.category,
            c.intent,
            sources_list(c.sources),
            c.summary
        );
    }
    out.push_str("\nWarnings\n");
    for w in GUIDELINE.warnings {
        let _ = writeln!(
            out,
            "  {} [{}]\n      {}",
            w.code,
            sources_list(w.sources),
            w.message
        );
    }
    out.push_str("\nDecision rules\n");
    for r in GUIDELINE.rules {
        let _ = writeln!(
            out,
            "  {} (step {}; {})\n      when: {}\n      then: {}",
            r.id,
            r.step,
            sources_list(r.sources),
            r.condition,
            r.effect
        );
    }
    out.push_str("\nMissing data reasons\n");
    for m in GUIDELINE.missing {
        let _ = writeln!(out, "  {}: {}", m.field, m.reason);
    }
    let _ = writeln!(out, "\n{DISCLAIMER}");
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The rule table as Markdown: the generated `docs/RULES.md`.
pub fn rules_markdown() -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(
        "<!-- Generated from the rule table by `nettx rules --format markdown`; do not edit. -->\n",
    );
    let _ = writeln!(
        out,
        "# Rule table: {} {}\n",
        GUIDELINE.id, GUIDELINE.version
    );
    let _ = writeln!(
        out,
        "Digest of the table (`guideline.digest` in every evaluation): `{}`.\n",
        knowledge::guideline_digest()
    );
    let _ = writeln!(out, "{DISCLAIMER}\n");
    out.push_str("## Statements and references\n\n| id | section | text |\n|---|---|---|\n");
    for s in GUIDELINE.sources {
        let _ = writeln!(out, "| {} | {} | {} |", s.id, s.section, cell(s.text));
    }
    out.push_str("\n## Recommendation codes\n\n| code | category | intent | sources | summary |\n|---|---|---|---|---|\n");
    for c in GUIDELINE.codes {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            c.code,
            c.category,
            c.intent,
            sources_list(c.sources),
            cell(c.summary)
        );
    }
    out.push_str("\n## Warnings\n\n| code | sources | message |\n|---|---|---|\n");
    for w in GUIDELINE.warnings {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            w.code,
            sources_list(w.sources),
            cell(w.message)
        );
    }
    out.push_str("\n## Decision rules\n\n| rule | step | sources | facts read | condition | effect |\n|---|---|---|---|---|---|\n");
    for r in GUIDELINE.rules {
        let uses: Vec<&str> = r.uses.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            r.id,
            r.step,
            sources_list(r.sources),
            uses.join(", "),
            cell(r.condition),
            cell(r.effect)
        );
    }
    out.push_str("\n## Missing data\n\n| field | reason |\n|---|---|\n");
    for m in GUIDELINE.missing {
        let _ = writeln!(out, "| `{}` | {} |", m.field, cell(m.reason));
    }
    out
}
