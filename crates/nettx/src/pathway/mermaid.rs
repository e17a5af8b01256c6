//! The pathway as a Mermaid flowchart.

use super::label::{self, Look, END_ID, LEGEND};
use super::Pathway;
use crate::knowledge::{Node, END};
use std::fmt::Write;

/// A Mermaid quoted label: quotes and markup characters as entities, lines
/// joined by `<br/>`.
fn quoted(lines: &[String]) -> String {
    let mut out = String::from("\"");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("<br/>");
        }
        for c in line.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '#' => out.push_str("#35;"),
                _ => out.push(c),
            }
        }
    }
    out.push('"');
    out
}

/// The end node's id: `end` is a keyword of Mermaid flowcharts.
const END_NODE: &str = "finish";

fn node_id(index: usize) -> String {
    if index == END {
        END_NODE.to_owned()
    } else {
        format!("n{index}")
    }
}

fn class(look: Look) -> &'static str {
    match look {
        Look::Plain => "plain",
        Look::Unvisited => "unvisited",
        Look::Held => "held",
        Look::NotHeld => "notheld",
        Look::Fork => "fork",
        Look::Missing => "missing",
    }
}

pub(super) fn render(p: &Pathway<'_>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = writeln!(out, "---\ntitle: {}\n---\nflowchart TD", label::title(p));
    for (i, node) in p.guideline().nodes.iter().enumerate() {
        let text = quoted(&label::lines(p, i));
        let _ = match node {
            Node::Rule(_) => writeln!(out, "  {}[{text}]", node_id(i)),
            Node::Fork(_) => writeln!(out, "  {}{{{{{text}}}}}", node_id(i)),
        };
    }
    let _ = writeln!(out, "  {END_NODE}(({END_ID}))");
    let edges = p.edges();
    let max = edges.iter().map(|e| e.taken).max().unwrap_or(0);
    for e in &edges {
        let text = label::edge_label(p, &e.label, e.taken);
        if text.is_empty() {
            let _ = writeln!(out, "  {} --> {}", node_id(e.from), node_id(e.to));
        } else {
            let _ = writeln!(
                out,
                "  {} -->|{}| {}",
                node_id(e.from),
                quoted(&[text]),
                node_id(e.to)
            );
        }
    }
    for look in [
        Look::Plain,
        Look::Unvisited,
        Look::Held,
        Look::NotHeld,
        Look::Fork,
        Look::Missing,
    ] {
        let (fill, stroke, width) = super::svg::colours(look);
        let _ = writeln!(
            out,
            "  classDef {} fill:{fill},stroke:{stroke},stroke-width:{width}px",
            class(look)
        );
    }
    for i in 0..p.guideline().nodes.len() {
        let _ = writeln!(out, "  class {} {}", node_id(i), class(label::look(p, i)));
    }
    for (n, e) in edges.iter().enumerate() {
        let (colour, width) = super::svg::edge_style(p, e.taken, max);
        let _ = writeln!(
            out,
            "  linkStyle {n} stroke:{colour},stroke-width:{width}px"
        );
    }
    if p.cases() > 0 {
        out.push_str("  subgraph legend [Legend]\n");
        for (i, (look, text)) in LEGEND.iter().enumerate() {
            let _ = writeln!(out, "    legend{i}[{}]", quoted(&[(*text).to_owned()]));
            let _ = writeln!(out, "    class legend{i} {}", class(*look));
        }
        out.push_str("  end\n");
    }
    out
}
