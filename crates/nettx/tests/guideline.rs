//! The guideline as a value: it round-trips through its JSON, its digest
//! covers decisions and thresholds, a changed threshold changes decisions,
//! and validation refuses each kind of broken graph or table.

use nettx::{Case, Code, Guideline, Site};
use serde_json::{json, Value};

fn builtin_value() -> Value {
    serde_json::from_str(Guideline::builtin().to_json()).unwrap()
}

/// Validation of `table`: the problems it reports (empty when valid).
fn problems(table: &Value) -> Vec<String> {
    match Guideline::from_json(&table.to_string()) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().to_vec(),
    }
}

/// Asserts that validation of `table` reports a problem containing `needle`.
fn refused(table: &Value, needle: &str) {
    let found = problems(table);
    assert!(
        found.iter().any(|p| p.contains(needle)),
        "expected a problem containing {needle:?}, got {found:?}"
    );
}

fn node_mut<'a>(table: &'a mut Value, id: &str) -> &'a mut Value {
    table["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn the_builtin_guideline_is_valid_and_round_trips() {
    let g = Guideline::builtin();
    assert_eq!(g.validate(), Ok(()));
    let read = Guideline::from_json(g.to_json()).unwrap();
    assert_eq!(read.to_json(), g.to_json());
    assert_eq!(read.digest(), g.digest());
    assert_eq!(&read, g);
    assert_eq!(g.digest(), nettx::knowledge::guideline_digest());
}

#[test]
fn a_guideline_read_back_evaluates_like_the_builtin() {
    let read = Guideline::from_json(Guideline::builtin().to_json())
        .unwrap()
        .leak();
    for json in [
        r#"{"primary_site":"duodenum","tumor_size_cm":1.5,"local_spread":false,"metastatic":false}"#,
        r#"{"primary_site":"ileum","metastatic":true,"carcinoid_syndrome":true,"ssa_response":"symptoms_worsening"}"#,
        r#"{"primary_site":"appendix","complications":["bleeding"]}"#,
    ] {
        let case = Case::from_json(json).unwrap();
        assert_eq!(
            read.evaluate(&case).to_json(),
            nettx::evaluate(&case).to_json()
        );
    }
}

#[test]
fn changing_a_threshold_changes_the_digest_and_the_decision() {
    let mut table = builtin_value();
    assert_eq!(table["thresholds"][0]["id"], "local_excision_max_cm");
    table["thresholds"][0]["value_cm"] = json!(2.0);
    let changed = Guideline::from_json(&table.to_string()).unwrap().leak();
    assert_ne!(changed.digest(), Guideline::builtin().digest());

    let case = Case::builder(Site::Duodenum)
        .tumor_size_cm(1.5)
        .local_spread(false)
        .metastatic(false)
        .build()
        .unwrap();
    assert!(nettx::evaluate(&case).recommends(Code::OncologicResection));
    let with_changed = changed.evaluate(&case);
    assert!(with_changed.recommends(Code::LocalExcision));
    assert!(with_changed.to_json().contains(changed.digest()));
}

#[test]
fn changing_a_branch_changes_the_digest() {
    let mut table = builtin_value();
    node_mut(&mut table, "localized.jejunum_ileum")["then"][0]["recommend"]["strength"] =
        json!("alternative");
    let changed = Guideline::from_json(&table.to_string()).unwrap();
    assert_ne!(changed.digest(), Guideline::builtin().digest());
}

#[test]
fn a_branch_to_no_node_is_refused() {
    let mut table = builtin_value();
    node_mut(&mut table, "scope.excluded")["no"] = json!("nowhere");
    refused(
        &table,
        "node scope.excluded leads to nowhere, which is no node",
    );
}

#[test]
fn a_cycle_is_refused() {
    let mut table = builtin_value();
    node_mut(&mut table, "goal.cure")["yes"] = json!("goal.symptom_control");
    node_mut(&mut table, "goal.cure")["no"] = json!("goal.symptom_control");
    refused(
        &table,
        "the graph has a cycle through node goal.symptom_control",
    );
}

#[test]
fn an_unreachable_node_is_refused() {
    let mut table = builtin_value();
    // Skip the jejunum/ileum rule: its node can no longer be reached.
    let fork = node_mut(&mut table, "fork.primary_site");
    fork["arms"][0]["to"] = json!("localized.syndrome");
    refused(&table, "node localized.jejunum_ileum is unreachable");
}

#[test]
fn a_fork_without_a_default_arm_is_refused() {
    let mut table = builtin_value();
    let fork = node_mut(&mut table, "fork.ssa");
    fork["arms"].as_array_mut().unwrap().pop();
    refused(&table, "fork fork.ssa must end with an arm on \"always\"");
}

#[test]
fn a_missing_or_repeated_rule_is_refused() {
    let mut table = builtin_value();
    let nodes = table["nodes"].as_array_mut().unwrap();
    let goal = nodes.pop().unwrap();
    nodes.pop();
    nodes.push(goal.clone());
    nodes.push(goal);
    let found = problems(&table);
    assert!(
        found
            .iter()
            .any(|p| p == "rule goal.biochemical_control has no node"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("node id goal.cure is reserved or used twice")),
        "{found:?}"
    );
}

#[test]
fn unknown_codes_fields_and_names_are_refused() {
    let mut table = builtin_value();
    node_mut(&mut table, "localized.jejunum_ileum")["then"][0]["recommend"]["code"] =
        json!("RADIOTHERAPY");
    refused(&table, "unknown variant `RADIOTHERAPY`");

    let mut table = builtin_value();
    node_mut(&mut table, "missing.carcinoid_syndrome")["when"] = json!({"unknown": "blood_group"});
    refused(&table, "unknown variant `blood_group`");

    let mut table = builtin_value();
    node_mut(&mut table, "goal.cure")["because"] = json!("extra key");
    refused(&table, "unknown field `because`");
}

#[test]
fn a_condition_or_effect_on_a_field_of_the_wrong_kind_is_refused() {
    let mut table = builtin_value();
    node_mut(&mut table, "localized.syndrome")["when"] =
        json!({"is": {"field": "tumor_size_cm", "value": true}});
    refused(&table, "tests tumor_size_cm as yes/no");

    let mut table = builtin_value();
    node_mut(&mut table, "infer.metastatic_from_site")["then"][0] =
        json!({"set": {"field": "histology", "value": true}});
    refused(&table, "sets histology, which is not yes/no");

    let mut table = builtin_value();
    node_mut(&mut table, "goal.cure")["then"] = json!([{"missing": "complications"}]);
    refused(
        &table,
        "reports complications missing, but the table gives no reason",
    );

    let mut table = builtin_value();
    node_mut(&mut table, "goal.cure")["when"] = json!({"unknown": "primary_site"});
    refused(&table, "a field that is never unknown");
}

#[test]
fn incomplete_tables_are_refused() {
    let mut table = builtin_value();
    table["warnings"].as_array_mut().unwrap().swap(0, 1);
    refused(&table, "table warnings must list exactly, in order");

    let mut table = builtin_value();
    table["codes"].as_array_mut().unwrap().pop();
    refused(&table, "table codes must list exactly, in order");

    let mut table = builtin_value();
    table["thresholds"][1]["value_cm"] = json!(-2.0);
    refused(
        &table,
        "threshold rectal_intermediate_max_cm must be a positive number",
    );

    let mut table = builtin_value();
    table["missing"].as_array_mut().unwrap().swap(0, 1);
    refused(&table, "table missing must follow the field order");
}

#[test]
fn a_warning_no_rule_raises_is_refused() {
    let mut table = builtin_value();
    node_mut(&mut table, "warning.histology_assumed")["then"] = json!([]);
    refused(&table, "no rule raises warning HISTOLOGY_ASSUMED");
}

#[test]
fn text_that_is_not_a_table_is_refused() {
    for text in ["", "[]", "{\"id\":1}", "not json"] {
        let e = Guideline::from_json(text).unwrap_err();
        assert!(e.problems()[0].starts_with("not a guideline table"), "{e}");
    }
}

#[test]
fn a_condition_can_name_one_complication() {
    let mut table = builtin_value();
    node_mut(&mut table, "goal.symptom_control")["when"] =
        json!({"has_complication": "perforation"});
    let g = Guideline::from_json(&table.to_string()).unwrap().leak();
    let goals = |json: &str| -> Vec<nettx::Goal> {
        g.evaluate(&Case::from_json(json).unwrap())
            .goals()
            .collect()
    };
    let perforated =
        r#"{"primary_site":"ileum","metastatic":false,"complications":["bleeding","perforation"]}"#;
    let bleeding = r#"{"primary_site":"ileum","metastatic":false,"complications":["bleeding"]}"#;
    assert!(goals(perforated).contains(&nettx::Goal::SymptomControl));
    assert!(!goals(bleeding).contains(&nettx::Goal::SymptomControl));
}

/// A set of rule ids (49 values, more than the 32 sets once held) keeps
/// every id, the last included, and iterates them in order.
#[test]
fn a_set_holds_every_rule_id() {
    use nettx::{RuleId, Set};
    let mut set: Set<RuleId> = RuleId::ALL.iter().copied().collect();
    assert!(RuleId::ALL.len() > 32);
    assert_eq!(set.len(), RuleId::ALL.len());
    assert_eq!(set.iter().collect::<Vec<_>>(), RuleId::ALL);
    let last = *RuleId::ALL.last().unwrap();
    set.remove(last);
    assert!(!set.contains(last) && set.contains(RuleId::GoalCure));
    assert_eq!(set.len(), RuleId::ALL.len() - 1);
}
