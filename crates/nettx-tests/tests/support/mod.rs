//! Helpers shared by the integration tests.

// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository's root (two levels above the core crate).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Asserts that the checked-in file `relative` (from the repository root)
/// equals `now`, the text the code generates. With the environment variable
/// `update_var` set, writes `now` first (to regenerate after an intended
/// change; review the diff).
pub fn assert_file_current(relative: &str, now: &str, update_var: &str) {
    let path = repo_root().join(relative);
    if std::env::var_os(update_var).is_some() {
        std::fs::write(&path, now).expect("write generated file");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == now,
        "{relative} is out of date with the code; if the change is intended, rerun the tests with {update_var}=1 and review the diff"
    );
}

/// Every conformance case as a `Case`: the guideline's worked examples, then
/// our own cases (tests/conformance).
pub fn conformance_cases() -> Vec<nettx::Case> {
    let dir = repo_root().join("tests/conformance");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("conformance file");
        serde_json::from_str(&text).expect("conformance JSON")
    };
    let examples = read("guideline-examples.json");
    let own = read("cases.json");
    examples
        .as_array()
        .expect("examples")
        .iter()
        .chain(own["cases"].as_array().expect("cases"))
        .map(|c| nettx::Case::from_json(&c["case"].to_string()).expect("valid case"))
        .collect()
}
