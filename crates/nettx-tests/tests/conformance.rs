//! The conformance suite: the guideline's worked examples and the project's
//! own cases (tests/conformance/*.json, shared with the C and Python tests),
//! checked at decision level, and the golden outputs that every language must
//! reproduce byte for byte.

mod support;

use serde_json::{json, Value};
use std::path::PathBuf;

fn conformance_dir() -> PathBuf {
    support::repo_root().join("tests/conformance")
}

fn load(name: &str) -> Value {
    let path = conformance_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The decision-level outcome of an evaluation, in the shape of `expected`.
fn outcome(evaluation_json: &str, with_digest: bool) -> Value {
    let o: Value = serde_json::from_str(evaluation_json).expect("evaluation is JSON");
    let recs: Vec<Value> = o["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .map(|r| json!({"code": r["code"], "strength": r["strength"], "urgency": r["urgency"]}))
        .collect();
    let fields: Vec<Value> = o["missing"]
        .as_array()
        .expect("missing")
        .iter()
        .map(|m| m["field"].clone())
        .collect();
    let warnings: Vec<Value> = o["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["code"].clone())
        .collect();
    let mut out = json!({
        "in_scope": o["in_scope"],
        "disease_state": o["disease_state"],
        "goals": o["goals"],
        "recommendations": recs,
        "missing": fields,
        "warnings": warnings,
    });
    if with_digest {
        out["case_digest"] = o["case_digest"].clone();
    }
    out
}

fn check_cases(cases: &[Value]) -> usize {
    let mut failures = Vec::new();
    for c in cases {
        let title = c["title"].as_str().unwrap_or("?");
        let input = serde_json::to_string(&c["case"]).expect("case");
        let output = match nettx::evaluate_json(&input) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{title}: unexpected error {}", e.to_json()));
                continue;
            }
        };
        let got = outcome(&output, c["expected"].get("case_digest").is_some());
        if got != c["expected"] {
            failures.push(format!(
                "{title}:\n  expected {}\n  got      {got}",
                c["expected"]
            ));
        }
        // The typed path gives the same bytes as the JSON path.
        let case = nettx::Case::from_json(&input).expect("valid case");
        assert_eq!(
            nettx::evaluate(&case).to_json(),
            output,
            "{title}: typed and JSON paths differ"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn guideline_examples_give_their_outcomes() {
    let examples = load("guideline-examples.json");
    let n = check_cases(examples.as_array().expect("array"));
    assert_eq!(n, 17);
}

#[test]
fn project_cases_give_their_outcomes() {
    let doc = load("cases.json");
    let n = check_cases(doc["cases"].as_array().expect("cases"));
    assert!(n >= 40, "only {n} conformance cases");
}

#[test]
fn error_inputs_give_their_kind_and_field() {
    let doc = load("cases.json");
    let mut failures = Vec::new();
    for e in doc["errors"].as_array().expect("errors") {
        let title = e["title"].as_str().unwrap_or("?");
        let input = e["input"].as_str().expect("input text");
        match nettx::evaluate_json(input) {
            Ok(out) => failures.push(format!(
                "{title}: accepted, gave {}",
                &out[..80.min(out.len())]
            )),
            Err(err) => {
                let doc: Value = serde_json::from_str(&err.to_json()).expect("error JSON");
                let got = &doc["error"];
                let want = &e["error"];
                if got["kind"] != want["kind"] || got.get("field") != want.get("field") {
                    failures.push(format!("{title}: expected {want}, got {got}"));
                }
                assert!(!err.message().is_empty(), "{title}: empty message");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every case and error input, in file order, with its full output: the
/// bytes the C and Python bindings must reproduce. Regenerate with
/// `NETTX_UPDATE_GOLDEN=1 cargo test -p nettx --test conformance`.
fn golden_lines() -> String {
    let mut out = String::new();
    let examples = load("guideline-examples.json");
    let doc = load("cases.json");
    let cases = examples
        .as_array()
        .expect("examples")
        .iter()
        .chain(doc["cases"].as_array().expect("cases"));
    for c in cases {
        let input = serde_json::to_string(&c["case"]).expect("case");
        out.push_str(&nettx::evaluate_json(&input).unwrap_or_else(|e| e.to_json()));
        out.push('\n');
    }
    for e in doc["errors"].as_array().expect("errors") {
        let input = e["input"].as_str().expect("input");
        out.push_str(&nettx::evaluate_json(input).unwrap_or_else(|e| e.to_json()));
        out.push('\n');
    }
    out
}

#[test]
fn golden_outputs_are_current() {
    support::assert_file_current(
        "tests/conformance/golden.jsonl",
        &golden_lines(),
        "NETTX_UPDATE_GOLDEN",
    );
}

/// The fast writer behind `Evaluation::to_json` and the serde
/// implementation give the same bytes.
#[test]
fn fast_writer_matches_serde() {
    let examples = load("guideline-examples.json");
    let doc = load("cases.json");
    let mut n = 0;
    for c in examples
        .as_array()
        .expect("examples")
        .iter()
        .chain(doc["cases"].as_array().expect("cases"))
    {
        let case = nettx::Case::from_json(&c["case"].to_string()).expect("valid");
        let ev = nettx::evaluate(&case);
        assert_eq!(
            ev.to_json(),
            serde_json::to_string(&ev).expect("serde"),
            "{}",
            c["title"]
        );
        n += 1;
    }
    // A case_id that needs escaping.
    let case = nettx::Case::from_json(r#"{"case_id":"a\"b\\c\n\u0001é","primary_site":"ileum"}"#)
        .expect("valid");
    let ev = nettx::evaluate(&case);
    assert_eq!(ev.to_json(), serde_json::to_string(&ev).expect("serde"));
    assert!(n >= 68);
}

/// `case_from_entries` (the path of the Python binding) agrees with JSON
/// input on every conformance case and every error input that is an object.
#[test]
fn entries_path_matches_json_path() {
    let examples = load("guideline-examples.json");
    let doc = load("cases.json");
    for c in examples
        .as_array()
        .expect("examples")
        .iter()
        .chain(doc["cases"].as_array().expect("cases"))
    {
        let entries = c["case"].as_object().expect("object").clone();
        let case = nettx::case_from_entries(entries).expect("valid");
        assert_eq!(
            Ok(case),
            nettx::Case::from_json(&c["case"].to_string()),
            "{}",
            c["title"]
        );
    }
    let mut compared = 0;
    for e in doc["errors"].as_array().expect("errors") {
        let input = e["input"].as_str().expect("input");
        // Only well-formed objects without duplicate keys have a map form.
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(input) else {
            continue;
        };
        // (serde_json's Map is sorted, so document order among several
        // unknown keys is lost: skip those.)
        let unknown = map
            .keys()
            .filter(|k| nettx::Field::from_name(k).is_none())
            .count();
        if map.len() != input.matches("\":").count()
            || input.len() > nettx::MAX_CASE_JSON_BYTES
            || unknown > 1
        {
            continue;
        }
        let via_entries = nettx::case_from_entries(map)
            .map(|_| ())
            .map_err(|e| e.to_json());
        let via_json = nettx::Case::from_json(input)
            .map(|_| ())
            .map_err(|e| e.to_json());
        assert_eq!(via_entries, via_json, "{}", e["title"]);
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} error inputs compared");
}
