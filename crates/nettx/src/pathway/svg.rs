//! The pathway as SVG, laid out in pure Rust by the `layout-rs` crate (no
//! Graphviz binary), with a title and a legend above the graph.
//!
//! The layout depends only on the guideline: each node's box holds its id,
//! its condition, its sources and every effect it can have. So the graph is
//! laid out once per guideline (the slow part), its drawing recorded with
//! each shape tagged by node or edge, and each case or cohort is drawn from
//! that record with its own highlights: colours, widths, the effects that
//! happened in bold, counts on edges.

use super::label::{self, Look, END_ID, LEGEND};
use super::{Mark, Pathway};
use crate::error::Error;
use crate::knowledge::{Effect, Guideline, Node, END};
use crate::vocab::ErrorKind;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Font size of node texts.
const FONT: usize = 12;
/// Height of one legend row.
const ROW: f64 = 22.0;
/// Space for the title and, with cases drawn, the legend.
fn header_height(rows: usize) -> f64 {
    40.0 + ROW * rows as f64
}

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

/// What the graph's drawing consists of, as laid out once.
#[derive(Debug)]
struct Drawing {
    width: f64,
    height: f64,
    /// Per node (and the end node last): its box.
    boxes: Vec<Option<Rect>>,
    /// Per edge (in [`Pathway::edges`] order): its path, as SVG path data.
    paths: Vec<Option<String>>,
    /// Per node (and the end node last): the lines of its box and the
    /// effects it can have (the last lines), as laid out.
    texts: Vec<(Vec<String>, Vec<Mark>)>,
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A render backend that records where layout-rs puts each tagged shape.
struct Recorder {
    drawing: Drawing,
}

/// The tag of node `i` or edge `i`, read back from a shape's properties.
fn tag(properties: &Option<String>, prefix: char) -> Option<usize> {
    properties.as_deref()?.strip_prefix(prefix)?.parse().ok()
}

impl Recorder {
    fn grow(&mut self, x: f64, y: f64) {
        self.drawing.width = self.drawing.width.max(x);
        self.drawing.height = self.drawing.height.max(y);
    }
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        self.grow(xy.x + size.x, xy.y + size.y);
        if let Some(slot) = tag(&properties, 'n').and_then(|i| self.drawing.boxes.get_mut(i)) {
            *slot = Some(Rect {
                x: xy.x,
                y: xy.y,
                w: size.x,
                h: size.y,
            });
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        let mut d = String::new();
        for (i, (a, b)) in path.iter().enumerate() {
            self.grow(a.x, a.y);
            self.grow(b.x, b.y);
            let _ = match i {
                0 => write!(d, "M {} {} C {} {}, ", a.x, a.y, b.x, b.y),
                1 => write!(d, "{} {}, {} {}", a.x, a.y, b.x, b.y),
                _ => write!(d, " S {} {}, {} {}", a.x, a.y, b.x, b.y),
            };
        }
        if let Some(slot) = tag(&properties, 'e').and_then(|i| self.drawing.paths.get_mut(i)) {
            *slot = Some(d);
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// The lines of a node's box: what [`label::lines`] gives for the bare
/// guideline, then every effect the node can have.
fn box_lines(g: &Guideline, index: usize) -> (Vec<String>, Vec<Mark>) {
    let mut lines = label::static_lines(g, index);
    let mut marks = Vec::new();
    if let Some(Node::Rule(r)) = g.node(index) {
        collect_marks(&r.then, &mut marks);
    }
    lines.extend(marks.iter().map(|m| label::mark_text(*m)));
    (lines, marks)
}

/// Every mark `effects` can leave, guarded ones included, each once.
fn collect_marks(effects: &[Effect], out: &mut Vec<Mark>) {
    for e in effects {
        if let Effect::If { then, .. } = e {
            collect_marks(then, out);
        } else if let Some(mark) = Mark::of(e) {
            if !out.contains(&mark) {
                out.push(mark);
            }
        }
    }
}

/// Lays the guideline's graph out (slow: done once per guideline).
fn lay_out(p: &Pathway<'_>) -> Drawing {
    let g = p.guideline();
    let mut graph = VisualGraph::new(Orientation::TopToBottom);
    let look = StyleAttr::new(Color::fast("black"), 1, None, 0, FONT);
    let mut handles = Vec::with_capacity(g.nodes.len() + 1);
    let mut texts = Vec::with_capacity(g.nodes.len() + 1);
    for i in 0..=g.nodes.len() {
        let lines = if i == g.nodes.len() {
            (vec![END_ID.to_owned()], Vec::new())
        } else {
            box_lines(g, i)
        };
        let text = lines.0.join("\n");
        texts.push(lines);
        let shape = ShapeKind::new_box(&text);
        let size = get_shape_size(Orientation::TopToBottom, &shape, FONT, false);
        let element = Element::create_with_properties(
            shape,
            look.clone(),
            Orientation::TopToBottom,
            size,
            format!("n{i}"),
        );
        handles.push(graph.add_node(element));
    }
    let edges = p.edges();
    for (k, e) in edges.iter().enumerate() {
        let to = if e.to == END { g.nodes.len() } else { e.to };
        let (Some(from), Some(to)) = (handles.get(e.from), handles.get(to)) else {
            continue;
        };
        let mut arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            "",
            &look,
            &None,
            &None,
        );
        arrow.properties = Some(format!("e{k}"));
        graph.add_edge(arrow, *from, *to);
    }
    let mut recorder = Recorder {
        drawing: Drawing {
            width: 0.0,
            height: 0.0,
            boxes: vec![None; g.nodes.len() + 1],
            paths: vec![None; edges.len()],
            texts,
        },
    };
    graph.do_it(false, false, false, &mut recorder);
    recorder.drawing
}

/// The drawing of `p`'s guideline: laid out on first use and kept for the
/// most recent guideline drawn.
fn drawing(p: &Pathway<'_>) -> Result<Arc<Drawing>, Error> {
    static LAST: Mutex<Option<(String, Arc<Drawing>)>> = Mutex::new(None);
    let digest = p.guideline().digest();
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((d, drawing)) = last.as_ref() {
        if d == digest {
            return Ok(Arc::clone(drawing));
        }
    }
    let drawing = std::panic::catch_unwind(|| lay_out(p)).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            None,
            "the pathway layout failed; the DOT and Mermaid forms still work (please report this)",
        )
    })?;
    let drawing = Arc::new(drawing);
    *last = Some((digest.to_owned(), Arc::clone(&drawing)));
    Ok(drawing)
}

/// Escapes text for SVG.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG of `p`, its element ids (and every reference to them) prefixed
/// by a digest of the drawing: a notebook shows every output in one page,
/// where two drawings with the same ids would take each other's edge paths
/// for their labels. The same drawing keeps the same ids (deterministic).
pub(super) fn render(p: &Pathway<'_>) -> Result<String, Error> {
    let plain = render_plain(p)?;
    let digest = crate::canonical::hex_sha256(plain.as_bytes());
    let prefix = format!("nettx-{}-", digest.get(..12).unwrap_or_default());
    Ok(plain
        .replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace(" href=\"#", &format!(" href=\"#{prefix}"))
        .replace("url(#", &format!("url(#{prefix}")))
}

/// The SVG with plain ids (`e0`, `legend`, `arrow-on`, …).
fn render_plain(p: &Pathway<'_>) -> Result<String, Error> {
    let drawing = drawing(p)?;
    let g = p.guideline();
    let rows = if p.cases() > 0 { LEGEND.len() } else { 0 };
    let top = header_height(rows);
    let width = (drawing.width + 20.0).max(420.0);
    let height = drawing.height + 20.0 + top;
    let mut out = String::with_capacity(64 * 1024);
    let title = escaped(&label::title(p));
    let _ = write!(
        out,
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\">\n<title>{title}</title>\n"
    );
    out.push_str("<defs>\n");
    for (id, colour) in [
        ("arrow-on", "#1a7f37"),
        ("arrow-off", "#bbbbbb"),
        ("arrow", "#444444"),
    ] {
        let _ = writeln!(
            out,
            "<marker id=\"{id}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" orient=\"auto\"><polygon points=\"0 0, 10 3.5, 0 7\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        out,
        "<g id=\"legend\" font-size=\"{FONT}\"><text x=\"10\" y=\"24\" font-weight=\"bold\">{title}</text>"
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
    let _ = writeln!(
        out,
        "</g>\n<g id=\"graph\" transform=\"translate(0 {top})\">"
    );

    let edges = p.edges();
    let max = edges.iter().map(|e| e.taken).max().unwrap_or(0);
    for (k, (e, path)) in edges.iter().zip(&drawing.paths).enumerate() {
        let Some(path) = path else { continue };
        let (colour, width) = edge_style(p, e.taken, max);
        let marker = match colour {
            "#1a7f37" => "arrow-on",
            "#bbbbbb" => "arrow-off",
            _ => "arrow",
        };
        let _ = writeln!(
            out,
            "<path id=\"e{k}\" d=\"{path}\" stroke=\"{colour}\" stroke-width=\"{width}\" fill=\"none\" marker-end=\"url(#{marker})\"/>"
        );
        let text = label::edge_label(p, &e.label, e.taken);
        if !text.is_empty() {
            let _ = writeln!(
                out,
                "<text font-size=\"10\" dy=\"-3\"><textPath href=\"#e{k}\" startOffset=\"50%\" text-anchor=\"middle\">{}</textPath></text>",
                escaped(&text)
            );
        }
    }
    for (i, (rect, (lines, marks))) in drawing.boxes.iter().zip(&drawing.texts).enumerate() {
        let Some(r) = rect else { continue };
        let is_end = i == g.nodes.len();
        let look = if is_end {
            match (p.cases(), p.ends()) {
                (0, _) => Look::Plain,
                (_, 0) => Look::Unvisited,
                _ => Look::Held,
            }
        } else {
            label::look(p, i)
        };
        let (fill, stroke, stroke_width) = colours(look);
        let fork = matches!(g.node(i), Some(Node::Fork(_)));
        let rounded = if fork { 0 } else { 8 };
        let id = if is_end {
            END_ID
        } else {
            g.node(i).map(Node::id).unwrap_or(END_ID)
        };
        let _ = writeln!(
            out,
            "<g class=\"node\" data-id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rounded}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{stroke_width}\"/>",
            escaped(id),
            r.x,
            r.y,
            r.w,
            r.h
        );
        let first_mark = lines.len() - marks.len();
        let line_height = FONT as f64 * 1.15;
        let text_top =
            r.y + r.h / 2.0 - line_height * lines.len() as f64 / 2.0 + FONT as f64 * 0.85;
        let cx = r.x + r.w / 2.0;
        let _ = write!(out, "<text font-size=\"{FONT}\" text-anchor=\"middle\">");
        for (n, line) in lines.iter().enumerate() {
            let y = text_top + line_height * n as f64;
            let style = match n.checked_sub(first_mark).and_then(|m| marks.get(m)) {
                Some(mark) => {
                    let happened = p.marks(i).iter().any(|(m, _)| m == mark);
                    match (p.cases(), happened, mark) {
                        (0, _, _) => " fill=\"#444444\"",
                        (_, true, Mark::Missing(_)) => " font-weight=\"bold\" fill=\"#d9480f\"",
                        (_, true, _) => " font-weight=\"bold\" fill=\"#1a5e2a\"",
                        (_, false, _) => " fill=\"#9a9a9a\"",
                    }
                }
                None if n == 0 => " font-weight=\"bold\"",
                None => "",
            };
            let _ = write!(
                out,
                "<tspan x=\"{cx}\" y=\"{y:.1}\"{style}>{}</tspan>",
                escaped(line)
            );
        }
        out.push_str("</text>");
        if p.cases() > 1 && !is_end && p.visits(i) > 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"#1a5e2a\">{} of {} cases</text>",
                r.x + r.w,
                r.y - 3.0,
                p.visits(i),
                p.cases()
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n</svg>\n");
    Ok(out)
}
