//! The pathway as Graphviz DOT text.

use super::label::{self, END_ID, LEGEND};
use super::Pathway;
use crate::knowledge::{Node, END};
use std::fmt::Write;

/// DOT's quoted string: backslashes and quotes escaped, lines joined by `\n`.
fn quoted(lines: &[String]) -> String {
    let mut out = String::from("\"");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        for c in line.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out.push('"');
    out
}

fn node_id(p: &Pathway<'_>, index: usize) -> String {
    if index == END {
        return quoted(&[END_ID.to_owned()]);
    }
    let id = p.guideline().node(index).map(Node::id).unwrap_or(END_ID);
    quoted(&[id.to_owned()])
}

pub(super) fn render(p: &Pathway<'_>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = writeln!(out, "digraph pathway {{");
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label={}];",
        quoted(&[label::title(p)])
    );
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n",
    );
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (i, node) in p.guideline().nodes.iter().enumerate() {
        let (fill, stroke, width) = super::svg::colours(label::look(p, i));
        let shape = match node {
            Node::Rule(_) => "box",
            Node::Fork(_) => "hexagon",
        };
        let _ = writeln!(
            out,
            "  {} [shape={shape}, label={}, fillcolor=\"{fill}\", color=\"{stroke}\", penwidth={width}];",
            node_id(p, i),
            quoted(&label::lines(p, i))
        );
    }
    let _ = writeln!(
        out,
        "  {} [shape=doublecircle, label=\"end\", fillcolor=\"#ffffff\"];",
        node_id(p, END)
    );
    let max = p.edges().iter().map(|e| e.taken).max().unwrap_or(0);
    for e in p.edges() {
        let (colour, width) = super::svg::edge_style(p, e.taken, max);
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, color=\"{colour}\", penwidth={width}];",
            node_id(p, e.from),
            node_id(p, e.to),
            quoted(&[label::edge_label(p, &e.label, e.taken)])
        );
    }
    if p.cases() > 0 {
        out.push_str("  subgraph cluster_legend {\n    label=\"Legend\";\n");
        for (i, (look, text)) in LEGEND.iter().enumerate() {
            let (fill, stroke, width) = super::svg::colours(*look);
            let _ = writeln!(
                out,
                "    \"legend.{i}\" [label={}, fillcolor=\"{fill}\", color=\"{stroke}\", penwidth={width}];",
                quoted(&[(*text).to_owned()])
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}
