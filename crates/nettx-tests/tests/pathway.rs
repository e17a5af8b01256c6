//! The pathway diagram: the highlighted path is the trace, drawings are
//! deterministic and carry their statement ids and legend, a cohort's counts
//! add up, and snapshots of one case in each format stay current
//! (`NETTX_UPDATE_GENERATED=1 cargo test -p nettx --test pathway`).

mod support;

use nettx::knowledge::Node;
use nettx::pathway::{Mark, Pathway, PathwayFormat};
use nettx::{Case, Evaluation, Guideline};
use serde_json::Value;

fn node_index(g: &Guideline, id: &str) -> usize {
    g.nodes.iter().position(|n| n.id() == id).unwrap()
}

/// A case that reaches a missing field, a warning and an urgent resection.
const CASE: &str = r#"{"case_id":"snapshot","primary_site":"rectum","tumor_size_cm":1.5,"metastatic":false,"complications":["bleeding"]}"#;

#[test]
fn the_highlighted_path_is_the_trace_for_every_conformance_case() {
    let evaluations = support::conformance_cases()
        .iter()
        .map(nettx::evaluate)
        .collect::<Vec<Evaluation>>();
    assert!(evaluations.len() >= 100);
    for e in &evaluations {
        let g = e.guideline();
        let p = Pathway::of(e);
        // The rules on the path are exactly the rules traced, each left by
        // `yes` exactly when it fired.
        let on_path: Vec<&str> = p
            .visited_ids()
            .filter(|id| g.nodes[node_index(g, id)].is_rule())
            .collect();
        let mut traced: Vec<&str> = e.trace().iter().map(|t| t.rule().as_str()).collect();
        let mut sorted_path = on_path.clone();
        sorted_path.sort_unstable();
        traced.sort_unstable();
        assert_eq!(sorted_path, traced, "{}", e.case().to_json());
        for t in e.trace() {
            let i = node_index(g, t.rule().as_str());
            assert_eq!(p.visits(i), 1);
            assert_eq!(p.taken(i, 0), u64::from(t.fired()), "{}", t.rule());
        }
        // What the evaluation says is marked on the node that did it.
        for r in e.recommendations() {
            let i = node_index(g, r.rule().as_str());
            let marked = p
                .marks(i)
                .iter()
                .any(|(m, _)| *m == Mark::Recommended(r.code(), r.strength(), r.urgency()));
            assert!(marked, "{} not marked on {}", r.code(), r.rule());
        }
        for m in e.missing() {
            let count = (0..g.nodes.len())
                .filter(|i| {
                    p.marks(*i)
                        .iter()
                        .any(|(k, _)| *k == Mark::Missing(m.field()))
                })
                .count();
            assert!(count >= 1, "missing {} not marked", m.field());
        }
        for w in e.warnings() {
            let marked =
                (0..g.nodes.len()).any(|i| p.marks(i).iter().any(|(k, _)| *k == Mark::Warned(w)));
            assert!(marked, "warning {w} not marked");
        }
    }
}

#[test]
fn drawings_are_deterministic_and_show_sources_title_and_legend() {
    let e = nettx::evaluate(&Case::from_json(CASE).unwrap());
    for format in PathwayFormat::ALL {
        let a = Pathway::of(&e).render(*format).unwrap();
        let b = Pathway::of(&e).render(*format).unwrap();
        assert_eq!(a, b, "{format} differs between two renders");
        assert!(
            a.contains("S7, S10"),
            "{format}: statement ids on the nodes"
        );
        assert!(
            a.contains("MISSING: carcinoid_syndrome"),
            "{format}: missing data marked"
        );
        assert!(
            a.contains("BLEEDING_HAEMOSTASIS_FIRST"),
            "{format}: warning marked"
        );
        assert!(
            a.contains("URGENT_SEGMENTAL_RESECTION (preferred, urgent)"),
            "{format}"
        );
        assert!(a.contains("its condition held"), "{format}: legend");
        assert!(
            a.contains("intestinal-net-treatment 1.1.0"),
            "{format}: title"
        );
    }
    let svg = Pathway::of(&e).render(PathwayFormat::Svg).unwrap();
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    // The bare guideline has no legend of highlights.
    let bare = Pathway::new(Guideline::builtin())
        .render(PathwayFormat::Dot)
        .unwrap();
    assert!(!bare.contains("cluster_legend"));
}

#[test]
fn a_cohort_counts_every_case_on_every_edge() {
    let evaluations = support::conformance_cases()
        .iter()
        .map(nettx::evaluate)
        .collect::<Vec<Evaluation>>();
    let p = Pathway::cohort(&evaluations).unwrap();
    let n = evaluations.len() as u64;
    assert_eq!(p.cases(), n);
    assert_eq!(p.visits(0), n, "every case starts at the first node");
    let g = Guideline::builtin();
    // At every node, the cases that arrived all left by some branch.
    for (i, node) in g.nodes.iter().enumerate() {
        let branches = match node {
            Node::Rule(_) => 2,
            Node::Fork(f) => f.arms.len(),
        };
        let left: u64 = (0..branches).map(|b| p.taken(i, b)).sum();
        assert_eq!(left, p.visits(i), "{}", node.id());
    }
    let dot = p.render(PathwayFormat::Dot).unwrap();
    assert!(dot.contains(&format!("{n} cases")));
    assert!(
        dot.contains(&format!("label=\"{n}\"")),
        "the first edge carries every case"
    );
}

#[test]
fn a_pathway_refuses_an_evaluation_of_another_guideline() {
    let mut table: Value = serde_json::from_str(Guideline::builtin().to_json()).unwrap();
    table["version"] = Value::from("9.9.9");
    let other = Guideline::from_json(&table.to_string()).unwrap().leak();
    let e = other.evaluate(&Case::from_json(CASE).unwrap());
    let mut p = Pathway::new(Guideline::builtin());
    let err = p.add(&e).unwrap_err();
    assert!(err.message().contains("9.9.9"), "{}", err.message());
    assert_eq!(p.cases(), 0);
}

#[test]
fn snapshots_of_one_case_are_current() {
    let e = nettx::evaluate(&Case::from_json(CASE).unwrap());
    for (format, ext) in [
        (PathwayFormat::Svg, "svg"),
        (PathwayFormat::Dot, "dot"),
        (PathwayFormat::Mermaid, "mmd"),
    ] {
        let text = Pathway::of(&e).render(format).unwrap();
        support::assert_file_current(
            &format!("tests/pathway/rectal-bleeding.{ext}"),
            &text,
            "NETTX_UPDATE_GENERATED",
        );
    }
}

#[test]
fn the_svg_renders_to_a_non_empty_picture() {
    let e = nettx::evaluate(&Case::from_json(CASE).unwrap());
    let svg = Pathway::of(&e).render(PathwayFormat::Svg).unwrap();
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    assert!(size.width() > 1000 && size.height() > 1000, "{size:?}");
    let scale = 0.1;
    let small = size.scale_by(scale).unwrap();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(small.width(), small.height()).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let pixels = pixmap.pixels();
    let white = resvg::tiny_skia::PremultipliedColorU8::from_rgba(255, 255, 255, 255).unwrap();
    let drawn = pixels.iter().filter(|p| **p != white).count();
    // Boxes, edges and highlights cover a visible share of the picture,
    // and the path's green is among them.
    assert!(
        drawn * 50 > pixels.len(),
        "only {drawn} of {} pixels drawn",
        pixels.len()
    );
    let green = pixels
        .iter()
        .filter(|p| p.green() > 100 && p.red() < 80 && p.blue() < 100)
        .count();
    assert!(green > 0, "the highlighted path is not drawn");
    let png = pixmap.encode_png().unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn a_path_rebuilt_from_the_json_trace_is_the_walked_path() {
    let evaluations: Vec<Evaluation> = support::conformance_cases()
        .iter()
        .map(nettx::evaluate)
        .collect();
    let g = Guideline::builtin();
    let walked = Pathway::cohort(&evaluations).unwrap();
    let mut rebuilt = Pathway::new(g);
    for e in &evaluations {
        rebuilt.add_json(&e.to_json()).unwrap();
    }
    assert_eq!(rebuilt.cases(), walked.cases());
    for (i, node) in g.nodes.iter().enumerate() {
        assert_eq!(rebuilt.visits(i), walked.visits(i), "{}", node.id());
        for b in 0..4 {
            assert_eq!(
                rebuilt.taken(i, b),
                walked.taken(i, b),
                "{} branch {b}",
                node.id()
            );
        }
    }
    // Not an evaluation, another guideline's, or a trace that is no path.
    let json = evaluations[0].to_json();
    for bad in [
        "{}".to_owned(),
        json.replace(g.digest(), "0"),
        json.replace(
            "\"rule\":\"infer.metastatic_from_site\"",
            "\"rule\":\"goal.cure\"",
        ),
    ] {
        assert!(rebuilt.add_json(&bad).is_err(), "accepted {}", &bad[..60]);
    }
    assert_eq!(
        rebuilt.cases(),
        walked.cases(),
        "a refused document adds nothing"
    );
}
