//! Files generated from the code and checked in (JSON Schemas, the rule
//! documentation) must match what the code generates now. Regenerate with
//! `NETTX_UPDATE_GENERATED=1 cargo test -p nettx --test generated_files`.

mod support;

fn check(relative: &str, now: &str) {
    support::assert_file_current(relative, now, "NETTX_UPDATE_GENERATED");
}

#[test]
fn case_schema_is_current() {
    check(
        "schemas/case.schema.json",
        &nettx::schema::to_text(&nettx::schema::case_schema()),
    );
}

#[test]
fn evaluation_schema_is_current() {
    check(
        "schemas/evaluation.schema.json",
        &nettx::schema::to_text(&nettx::schema::evaluation_schema()),
    );
}

#[test]
fn error_schema_is_current() {
    check(
        "schemas/error.schema.json",
        &nettx::schema::to_text(&nettx::schema::error_schema()),
    );
}

#[test]
fn rules_documentation_is_current() {
    check("docs/RULES.md", &nettx::report::rules_markdown());
}

/// The pathway diagram of the whole guideline, shown by the README.
#[test]
fn pathway_diagram_is_current() {
    use nettx::pathway::{Pathway, PathwayFormat};
    let svg = Pathway::new(nettx::Guideline::builtin())
        .render(PathwayFormat::Svg)
        .expect("the built-in guideline lays out");
    check("docs/pathway.svg", &svg);
}

/// The schemas describe what the code really produces: every property of
/// every golden output is declared, and every enum value used is listed.
#[test]
fn golden_outputs_fit_the_evaluation_schema() {
    let schema = nettx::schema::evaluation_schema();
    let golden =
        std::fs::read_to_string(support::repo_root().join("tests/conformance/golden.jsonl"))
            .expect("golden outputs");
    let mut checked = 0;
    for line in golden.lines().filter(|l| !l.starts_with(r#"{"error""#)) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let props = schema["properties"].as_object().expect("properties");
        for (key, value) in v.as_object().expect("object") {
            let prop = props
                .get(key)
                .unwrap_or_else(|| panic!("{key} not in schema"));
            if let Some(allowed) = prop.get("enum").and_then(|e| e.as_array()) {
                assert!(allowed.contains(value), "{key}={value} not in schema enum");
            }
        }
        for rec in v["recommendations"].as_array().expect("recs") {
            let rprops = &props["recommendations"]["items"]["properties"];
            for (key, value) in rec.as_object().expect("rec") {
                let allowed = rprops[key]["enum"].as_array();
                if let Some(allowed) = allowed {
                    assert!(
                        allowed.contains(value),
                        "recommendation {key}={value} not in schema"
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} golden evaluations");
}
