//! The pathway as SVG, laid out in pure Rust by the `layout-rs` crate (no
//! Graphviz binary), with a title and a legend added above the graph.

use super::label::{self, Look, END_ID, LEGEND};
use super::Pathway;
use crate::error::Error;
use crate::knowledge::Node;
use crate::vocab::ErrorKind;
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::LineStyleKind;
use layout::core::style::StyleAttr;
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::fmt::Write;

/// One font size throughout (the SVG writer keeps one style per size).
const FONT: usize = 12;
/// Height of one legend row.
const ROW: f64 = 22.0;

/// Fill, outline and outline width of a highlight.
pub(super) fn colours(look: Look) -> (&'static str, &'static str, usize) {
    match look {
        Look::Plain => ("#ffffff", "#444444", 1),
        Look::Unvisited => ("#f4f4f4", "#bbbbbb", 1),
        Look::Held => ("#d9f2d0", "#1a7f37", 3),
        Look::NotHeld => ("#eef2f8", "#1a7f37", 2),
        Look::Fork => ("#fff4c2", "#1a7f37", 2),
        Look::Missing => ("#ffd8a8", "#d9480f", 3),
    }
}

/// Colour and width of an edge taken by `taken` cases (`max` is the most
/// any edge was taken): the path stands out; for a cohort, width grows with
/// the number of cases.
pub(super) fn edge_style(p: &Pathway<'_>, taken: u64, max: u64) -> (&'static str, usize) {
    match (p.cases(), taken) {
        (0, _) => ("#444444", 1),
        (_, 0) => ("#bbbbbb", 1),
        (1, _) => ("#1a7f37", 3),
        _ => {
            // 1 to 8 px, in proportion to the busiest edge.
            let width = 1 + (7 * taken).checked_div(max).unwrap_or(0);
            ("#1a7f37", usize::try_from(width).unwrap_or(8))
        }
    }
}

fn colour(web: &str) -> Color {
    Color::fast(web)
}

fn element(text: String, look: Look, fork: bool) -> Element {
    let (fill, stroke, width) = colours(look);
    let style = StyleAttr::new(
        colour(stroke),
        width,
        Some(colour(fill)),
        if fork { 0 } else { 8 },
        FONT,
    );
    let shape = ShapeKind::new_box(&text);
    let size = get_shape_size(Orientation::TopToBottom, &shape, FONT, false);
    Element::create(shape, style, Orientation::TopToBottom, size)
}

pub(super) fn render(p: &Pathway<'_>) -> Result<String, Error> {
    let laid_out = std::panic::catch_unwind(|| lay_out(p)).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            None,
            "the pathway layout failed; the DOT and Mermaid forms still work (please report this)",
        )
    })?;
    Ok(with_legend(p, &laid_out))
}

fn lay_out(p: &Pathway<'_>) -> String {
    let mut graph = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = Vec::with_capacity(p.guideline().nodes.len());
    for (i, node) in p.guideline().nodes.iter().enumerate() {
        let fork = matches!(node, Node::Fork(_));
        let text = label::lines(p, i).join("\n");
        handles.push(graph.add_node(element(text, label::look(p, i), fork)));
    }
    let end_look = if p.cases() == 0 || p.ends() == 0 {
        if p.cases() == 0 {
            Look::Plain
        } else {
            Look::Unvisited
        }
    } else {
        Look::Held
    };
    let end = graph.add_node(element(END_ID.to_owned(), end_look, false));
    let edges = p.edges();
    let max = edges.iter().map(|e| e.taken).max().unwrap_or(0);
    for e in &edges {
        let (Some(from), to) = (
            handles.get(e.from),
            handles.get(e.to).copied().unwrap_or(end),
        ) else {
            continue;
        };
        let (line, width) = edge_style(p, e.taken, max);
        let look = StyleAttr::new(colour(line), width, None, 0, FONT);
        let text = label::edge_label(p, &e.label, e.taken);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            &text,
            &look,
            &None,
            &None,
        );
        graph.add_edge(arrow, *from, to);
    }
    let mut svg = SVGWriter::new();
    graph.do_it(false, false, false, &mut svg);
    svg.finalize()
}

/// Reads `name="number"` from the SVG's opening tag.
fn attribute(tag: &str, name: &str) -> Option<f64> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = tag.get(start..)?;
    rest.get(..rest.find('"')?)?.parse().ok()
}

/// The layout's `<style>` block with its rules sorted (the layout keeps
/// them in a hash map, whose order changes from run to run) and in a
/// sans-serif font.
fn stable_styles(svg: &str) -> String {
    let (Some(start), Some(end)) = (svg.find("<style>"), svg.find("</style>")) else {
        return svg.to_owned();
    };
    let (Some(head), Some(block), Some(tail)) = (
        svg.get(..start + "<style>".len()),
        svg.get(start + "<style>".len()..end),
        svg.get(end..),
    ) else {
        return svg.to_owned();
    };
    let mut rules: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    rules.sort_unstable();
    let block = rules.join("\n").replace(
        "font-family: Times, serif",
        "font-family: Helvetica, Arial, sans-serif",
    );
    format!("{head}\n{block}\n{tail}")
}

/// Escapes text for SVG.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The laid-out SVG without its XML declaration, made taller to hold the
/// title and the legend above the graph.
fn with_legend(p: &Pathway<'_>, laid_out: &str) -> String {
    let body_start = laid_out.find("<svg").unwrap_or(0);
    let body = laid_out.get(body_start..).unwrap_or(laid_out);
    let tag_end = body.find('>').map_or(body.len(), |i| i + 1);
    let (tag, rest) = body.split_at(tag_end);
    let width = attribute(tag, "width").unwrap_or(800.0).max(420.0);
    let height = attribute(tag, "height").unwrap_or(600.0);
    let rows = if p.cases() > 0 { LEGEND.len() } else { 0 };
    let extra = 40.0 + ROW * rows as f64;
    let total = height + extra;
    let mut out = String::with_capacity(laid_out.len() + 2048);
    let _ = write!(
        out,
        "<svg width=\"{width}\" height=\"{total}\" viewBox=\"0 0 {width} {total}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n<title>{}</title>",
        escaped(&label::title(p))
    );
    // Title and legend on top, where a reader starts; the graph below.
    let _ = write!(
        out,
        "\n<g id=\"legend\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{FONT}\">\n<text x=\"10\" y=\"24\" font-weight=\"bold\">{}</text>\n",
        escaped(&label::title(p))
    );
    for (i, (look, text)) in LEGEND.iter().take(rows).enumerate() {
        let (fill, stroke, stroke_width) = colours(*look);
        let y = 36.0 + ROW * i as f64;
        let _ = writeln!(
            out,
            "<rect x=\"10\" y=\"{y}\" width=\"28\" height=\"14\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{stroke_width}\"/><text x=\"46\" y=\"{}\">{}</text>",
            y + 12.0,
            escaped(text)
        );
    }
    let _ = write!(out, "</g>\n<g transform=\"translate(0 {extra})\">");
    let rest = rest.trim_end();
    let rest = rest.strip_suffix("</svg>").unwrap_or(rest);
    out.push_str(&stable_styles(rest));
    out.push_str("</g>\n</svg>\n");
    out
}
