//! Mutation testing of the rule table itself. cargo-mutants mutates code;
//! the clinical rules are data, so this test makes the mutants: for every
//! rule it negates the condition, makes it always hold, drops each effect,
//! weakens or strengthens each recommendation, flips its urgency and swaps
//! the branches; for every fork it sends each arm elsewhere or drops it; it
//! moves each threshold a little either way. A mutant is caught when some
//! conformance case evaluates differently. At least 95 % of the mutants
//! that make a valid table must be caught; the survivors are listed
//! (`cargo test -p nettx --test table_mutants -- --nocapture`).

mod support;

use nettx::{Case, Guideline};
use serde_json::{json, Value};

/// The evaluation without the guideline stamp (which every mutant changes).
fn outcome(g: &'static Guideline, case: &Case) -> String {
    let json = g.evaluate(case).to_json();
    json.replace(g.digest(), "")
}

/// The mutants of the table: a description and the mutated table.
fn mutants(table: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let strengths = ["preferred", "alternative", "option"];
    let nodes = table["nodes"].as_array().unwrap();
    for (i, node) in nodes.iter().enumerate() {
        let id = node["id"].as_str().unwrap().to_owned();
        let mut push = |what: String, edit: &dyn Fn(&mut Value)| {
            let mut t = table.clone();
            edit(&mut t["nodes"][i]);
            out.push((format!("{id}: {what}"), t));
        };
        if node["kind"] == "rule" {
            let when = node["when"].clone();
            push("condition negated".into(), &|n| {
                n["when"] = json!({"none_of": [when.clone()]})
            });
            if node["when"] != "always" {
                push("condition always holds".into(), &|n| {
                    n["when"] = json!("always")
                });
            }
            if node["yes"] != node["no"] {
                push("branches swapped".into(), &|n| {
                    let yes = n["yes"].clone();
                    n["yes"] = n["no"].clone();
                    n["no"] = yes;
                });
            }
            let effects = node["then"].as_array().unwrap().clone();
            for (k, effect) in effects.iter().enumerate() {
                push(format!("effect {k} dropped"), &|n| {
                    n["then"].as_array_mut().unwrap().remove(k);
                });
                // Recommendations directly in `then`, or one level inside an `if`.
                let mut paths: Vec<Vec<Value>> = Vec::new();
                if effect.get("recommend").is_some() {
                    paths.push(vec![json!(k)]);
                }
                if let Some(inner) = effect.pointer("/if/then").and_then(Value::as_array) {
                    for (m, e) in inner.iter().enumerate() {
                        if e.get("recommend").is_some() {
                            paths.push(vec![json!(k), json!(m)]);
                        }
                    }
                }
                for path in paths {
                    let pointer = match path.as_slice() {
                        [a] => format!("/then/{a}/recommend"),
                        [a, b] => format!("/then/{a}/if/then/{b}/recommend"),
                        _ => unreachable!(),
                    };
                    let rec = node.pointer(&pointer).unwrap().clone();
                    for s in strengths {
                        if rec["strength"] != s {
                            let p = pointer.clone();
                            push(format!("{p} strength {s}"), &|n| {
                                n.pointer_mut(&p).unwrap()["strength"] = json!(s);
                            });
                        }
                    }
                    let flipped = if rec["urgency"] == "urgent" {
                        "elective"
                    } else {
                        "urgent"
                    };
                    let p = pointer.clone();
                    push(format!("{p} urgency {flipped}"), &|n| {
                        n.pointer_mut(&p).unwrap()["urgency"] = json!(flipped);
                    });
                }
            }
        } else {
            let arms = node["arms"].as_array().unwrap().clone();
            for (k, arm) in arms.iter().enumerate() {
                for other in &arms {
                    if other["to"] != arm["to"] {
                        let to = other["to"].clone();
                        push(format!("arm {k} to {to}"), &|n| {
                            n["arms"][k]["to"] = to.clone()
                        });
                    }
                }
                if k + 1 < arms.len() {
                    push(format!("arm {k} dropped"), &|n| {
                        n["arms"].as_array_mut().unwrap().remove(k);
                    });
                }
            }
        }
    }
    for (t, threshold) in table["thresholds"].as_array().unwrap().iter().enumerate() {
        let value = threshold["value_cm"].as_f64().unwrap();
        for factor in [0.95, 1.05] {
            let mut mutated = table.clone();
            mutated["thresholds"][t]["value_cm"] = json!(value * factor);
            out.push((format!("{} × {factor}", threshold["id"]), mutated));
        }
    }
    out
}

/// Mutants that cannot change any output, each with the reason. They are
/// counted apart, not as caught.
const EQUIVALENT: &[(&str, &str)] = &[
    (
        "infer.sites_from_localized: effect 1 dropped",
        "extrahepatic_metastases := false in localized disease: no rule on a localized path reads it",
    ),
    (
        "fork.primary_site: arm 3 to \"localized.jejunum_ileum\"",
        "arm 3 takes appendix and other sites, which step 1 already sent out of scope",
    ),
    (
        "fork.primary_site: arm 3 to \"localized.site_unspecified\"",
        "arm 3 takes appendix and other sites, which step 1 already sent out of scope",
    ),
    (
        "fork.primary_site: arm 3 to \"localized.local_excision\"",
        "arm 3 takes appendix and other sites, which step 1 already sent out of scope",
    ),
];

#[test]
fn the_conformance_suite_catches_mutants_of_the_rule_table() {
    let cases = support::conformance_cases();
    let builtin = Guideline::builtin();
    let expected: Vec<String> = cases.iter().map(|c| outcome(builtin, c)).collect();
    let table: Value = serde_json::from_str(builtin.to_json()).unwrap();
    let (mut viable, mut caught, mut equivalent) = (0usize, 0usize, 0usize);
    let mut survivors = Vec::new();
    for (what, mutated) in mutants(&table) {
        if EQUIVALENT.iter().any(|(w, _)| *w == what) {
            equivalent += 1;
            continue;
        }
        let Ok(g) = Guideline::from_json(&mutated.to_string()) else {
            continue; // An invalid table is refused: not a viable mutant.
        };
        let g = g.leak();
        viable += 1;
        if cases
            .iter()
            .zip(&expected)
            .any(|(c, e)| outcome(g, c) != *e)
        {
            caught += 1;
        } else {
            survivors.push(what);
        }
    }
    println!(
        "table mutants: {caught} of {viable} viable caught ({equivalent} equivalent set apart)"
    );
    assert_eq!(
        equivalent,
        EQUIVALENT.len(),
        "a listed equivalent mutant no longer exists"
    );
    for s in &survivors {
        println!("  survived: {s}");
    }
    assert!(viable > 200, "only {viable} viable mutants");
    assert!(
        caught * 100 >= viable * 95,
        "{caught} of {viable} caught; survivors: {survivors:#?}"
    );
}
