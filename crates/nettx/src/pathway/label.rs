//! What every drawing says about a node: its lines of text and its kind of
//! highlight, and the legend. The three formats only lay these out.

use super::{Mark, Pathway};
use crate::knowledge::{Guideline, Node};
use crate::vocab::{Source, Urgency};

/// Characters per line of a node's text.
const WRAP: usize = 38;

/// How a node is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// No case drawn (the bare guideline).
    Plain,
    /// Not reached by any case drawn.
    Unvisited,
    /// A rule reached whose condition held (for a cohort: for some case).
    Held,
    /// A rule reached whose condition did not hold.
    NotHeld,
    /// A fork reached.
    Fork,
    /// A node reached that reported data missing.
    Missing,
}

/// The legend: each highlight and what it means.
pub(super) const LEGEND: &[(Look, &str)] = &[
    (Look::Held, "rule on the path: its condition held"),
    (
        Look::NotHeld,
        "rule on the path: its condition did not hold",
    ),
    (Look::Fork, "branch point on the path"),
    (Look::Missing, "needed data that is missing"),
    (Look::Unvisited, "not reached"),
];

/// The id of the end node.
pub(super) const END_ID: &str = "end";

/// The node's highlight.
pub(super) fn look(p: &Pathway<'_>, index: usize) -> Look {
    if p.cases() == 0 {
        return Look::Plain;
    }
    if p.visits(index) == 0 {
        return Look::Unvisited;
    }
    if p.marks(index)
        .iter()
        .any(|(m, _)| matches!(m, Mark::Missing(_)))
    {
        return Look::Missing;
    }
    match p.guideline().node(index) {
        Some(Node::Fork(_)) => Look::Fork,
        // A rule held for some case when it left by `yes` (branch 0).
        _ if p.taken(index, 0) > 0 => Look::Held,
        _ => Look::NotHeld,
    }
}

/// The lines of text of the node at `index` that do not depend on cases:
/// its id, what it asks, and the statements behind it.
pub(super) fn static_lines(g: &Guideline, index: usize) -> Vec<String> {
    let Some(node) = g.node(index) else {
        return Vec::new();
    };
    let mut out = vec![node.id().to_owned()];
    let (text, sources): (&str, &[Source]) = match node {
        Node::Rule(r) => (&r.condition, &r.sources),
        Node::Fork(f) => (&f.question, &[]),
    };
    out.extend(wrap(text));
    if !sources.is_empty() {
        let ids: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
        out.push(format!("[{}]", ids.join(", ")));
    }
    out
}

/// The lines of text of the node at `index`: [`static_lines`], then for the
/// cases drawn how many reached it and what it did.
pub(super) fn lines(p: &Pathway<'_>, index: usize) -> Vec<String> {
    let mut out = static_lines(p.guideline(), index);
    if p.cases() > 1 && p.visits(index) > 0 {
        out.push(format!("{} of {} cases", p.visits(index), p.cases()));
    }
    for (mark, n) in p.marks(index) {
        let line = mark_text(*mark);
        out.push(if p.cases() > 1 {
            format!("{line} ({n})")
        } else {
            line
        });
    }
    out
}

/// One effect of a node, as a line of its text.
pub(super) fn mark_text(mark: Mark) -> String {
    match mark {
        Mark::Recommended(code, strength, urgency) => {
            let urgent = if urgency == Urgency::Urgent {
                ", urgent"
            } else {
                ""
            };
            format!("=> {code} ({strength}{urgent})")
        }
        Mark::Withdrew(code) => format!("=> withdraw {code}"),
        Mark::Missing(field) => format!("MISSING: {field}"),
        Mark::Warned(w) => format!("! {w}"),
    }
}

/// The label of an edge: its branch, and for a cohort how many took it.
pub(super) fn edge_label(p: &Pathway<'_>, label: &str, taken: u64) -> String {
    if p.cases() > 1 {
        if label.is_empty() {
            taken.to_string()
        } else {
            format!("{label}: {taken}")
        }
    } else {
        label.to_owned()
    }
}

/// The title line of a drawing.
pub(super) fn title(p: &Pathway<'_>) -> String {
    let g = p.guideline();
    let what = match p.cases() {
        0 => String::new(),
        1 => ", one case's path".to_owned(),
        n => format!(", {n} cases"),
    };
    format!("Guideline {} {}{what}", g.id, g.version)
}

/// `text` in lines of at most [`WRAP`] characters, broken between words.
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "disease is localized, primary_site is duodenum, colon or rectum, tumor_size_cm is at most 1.0 and local_spread is false";
        let lines = wrap(text);
        assert!(lines.iter().all(|l| l.chars().count() <= 38));
        assert_eq!(lines.join(" "), text);
        assert!(wrap("").is_empty());
    }
}
