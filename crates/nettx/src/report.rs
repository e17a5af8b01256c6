//! Readable forms for people: the report of one evaluation, and the listing
//! and documentation of the rule table. All texts come from the table.

use crate::evaluation::Evaluation;
use crate::knowledge::{Guideline, Node};
use crate::vocab::{Source, Strength, Urgency};
use std::fmt::Write;

/// The notice every readable output ends with.
pub const DISCLAIMER: &str =
    "Decision support only: a clinician reviews the cited basis before acting.";

/// What a report says where a recommendation cites no statement.
pub const NO_SOURCE: &str = "none (the guideline is silent here)";

/// What a report says of a warning that cites no source: it is a safety
/// note of this library.
pub const OWN_SAFETY_NOTE: &str = "a safety note of this library; no source cited";

fn sources_list(sources: &[Source]) -> String {
    if sources.is_empty() {
        return NO_SOURCE.to_owned();
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
        ev.guideline().id,
        ev.guideline().version,
        ev.guideline().digest().get(..12).unwrap_or_default(),
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
    for w in ev.warning_specs() {
        none = false;
        let basis = if w.sources.is_empty() {
            OWN_SAFETY_NOTE.to_owned()
        } else {
            sources_list(&w.sources)
        };
        let _ = writeln!(out, "  ! {}: {} ({basis})", w.code, w.message);
        w.sources.iter().for_each(|s| cited.insert(*s));
    }
    if none {
        out.push_str("  none\n");
    }

    out.push_str("\nSources cited\n");
    for s in cited.iter() {
        let text = ev.guideline().source(s).map(|spec| &*spec.text);
        let _ = writeln!(out, "  {:<4}{}", s.as_str(), text.unwrap_or_default());
    }
    if cited.is_empty() {
        out.push_str("  none\n");
    }
    let _ = writeln!(out, "\n{DISCLAIMER}");
    out
}

/// The built-in rule table as plain text (for `nettx rules`).
pub fn rules_text() -> String {
    let g = Guideline::builtin();
    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(
        out,
        "Guideline {} {} (digest {})\n",
        g.id,
        g.version,
        g.digest()
    );
    out.push_str("Statements and references\n");
    for s in g.sources.iter() {
        let _ = writeln!(out, "  {:<4}[{}] {}", s.id.as_str(), s.section, s.text);
    }
    out.push_str("\nThresholds\n");
    for t in g.thresholds.iter() {
        let _ = writeln!(
            out,
            "  {} = {} cm [{}]\n      {}",
            t.id,
            t.value_cm,
            sources_list(&t.sources),
            t.meaning
        );
    }
    out.push_str("\nRecommendation codes\n");
    for c in g.codes.iter() {
        let _ = writeln!(
            out,
            "  {} [{}, {}; {}]\n      {}",
            c.code,
            c.category,
            c.intent,
            sources_list(&c.sources),
            c.summary
        );
    }
    out.push_str("\nWarnings\n");
    for w in g.warnings.iter() {
        let _ = writeln!(
            out,
            "  {} [{}]\n      {}",
            w.code,
            sources_list(&w.sources),
            w.message
        );
    }
    out.push_str("\nDecision graph (in order; a fork takes its first arm that holds)\n");
    for node in g.nodes.iter() {
        match node {
            Node::Rule(r) => {
                let _ = writeln!(
                    out,
                    "  {} (step {}; {})\n      when: {}\n      then: {}\n      yes -> {}, no -> {}",
                    r.id,
                    r.step,
                    sources_list(&r.sources),
                    r.condition,
                    r.effect,
                    r.yes.0,
                    r.no.0
                );
            }
            Node::Fork(f) => {
                let _ = writeln!(out, "  {} (step {}): {}", f.id, f.step, f.question);
                for arm in f.arms.iter() {
                    let _ = writeln!(out, "      {} -> {}", arm.label, arm.to.0);
                }
            }
        }
    }
    out.push_str("\nMissing data reasons\n");
    for m in g.missing.iter() {
        let _ = writeln!(out, "  {}: {}", m.field, m.reason);
    }
    let _ = writeln!(out, "\n{DISCLAIMER}");
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The built-in rule table as Markdown: the generated `docs/RULES.md`.
pub fn rules_markdown() -> String {
    let g = Guideline::builtin();
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(
        "<!-- Generated from the rule table by `nettx rules --format markdown`; do not edit. -->\n",
    );
    let _ = writeln!(out, "# Rule table: {} {}\n", g.id, g.version);
    let _ = writeln!(
        out,
        "Digest of the table (`guideline.digest` in every evaluation): `{}`.\n",
        g.digest()
    );
    let _ = writeln!(out, "{DISCLAIMER}\n");
    out.push_str("## Statements and references\n\n| id | section | text |\n|---|---|---|\n");
    for s in g.sources.iter() {
        let _ = writeln!(out, "| {} | {} | {} |", s.id, s.section, cell(&s.text));
    }
    out.push_str("\n## Thresholds\n\n| name | value | sources | meaning |\n|---|---|---|---|\n");
    for t in g.thresholds.iter() {
        let _ = writeln!(
            out,
            "| `{}` | {} cm | {} | {} |",
            t.id,
            t.value_cm,
            sources_list(&t.sources),
            cell(&t.meaning)
        );
    }
    out.push_str("\n## Recommendation codes\n\n| code | category | intent | sources | summary |\n|---|---|---|---|---|\n");
    for c in g.codes.iter() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            c.code,
            c.category,
            c.intent,
            sources_list(&c.sources),
            cell(&c.summary)
        );
    }
    out.push_str("\n## Warnings\n\n| code | sources | message |\n|---|---|---|\n");
    for w in g.warnings.iter() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            w.code,
            sources_list(&w.sources),
            cell(&w.message)
        );
    }
    out.push_str("\n## Decision graph\n\nThe engine walks these nodes from the first. A rule is tested and traced, then goes to `yes` or `no`; a fork takes the first arm that holds.\n\n| node | step | sources | facts read | condition | effect | next |\n|---|---|---|---|---|---|---|\n");
    for node in g.nodes.iter() {
        let reads: Vec<&str> = node.reads().iter().map(|f| f.as_str()).collect();
        match node {
            Node::Rule(r) => {
                let next = if r.yes == r.no {
                    format!("`{}`", r.yes.0)
                } else {
                    format!("yes: `{}`; no: `{}`", r.yes.0, r.no.0)
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | {} | {} |",
                    r.id,
                    r.step,
                    sources_list(&r.sources),
                    reads.join(", "),
                    cell(&r.condition),
                    cell(&r.effect),
                    next
                );
            }
            Node::Fork(f) => {
                let arms: Vec<String> = f
                    .arms
                    .iter()
                    .map(|a| format!("{}: `{}`", cell(&a.label), a.to.0))
                    .collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | | {} | {} | (fork) | {} |",
                    f.id,
                    f.step,
                    reads.join(", "),
                    cell(&f.question),
                    arms.join("; ")
                );
            }
        }
    }
    out.push_str("\n## Missing data\n\n| field | reason |\n|---|---|\n");
    for m in g.missing.iter() {
        let _ = writeln!(out, "| `{}` | {} |", m.field, cell(&m.reason));
    }
    out
}
