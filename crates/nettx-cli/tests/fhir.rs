//! `nettx fhir map` and `nettx evaluate --input fhir`: the FHIR records of
//! `tests/fhir/` byte for byte (one record per file, pretty-printed; and all
//! of them as JSON Lines from standard input), every bad record's kind and
//! field in its place, the CDS Hooks cards, the text report's "Read from"
//! section, `--help` on every subcommand and the shell completions.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::run;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fhir")
}

fn good_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir().join("good"))
        .expect("tests/fhir/good")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".json")?;
            (!stem.ends_with(".expected")).then(|| stem.to_owned())
        })
        .collect();
    names.sort();
    names
}

fn text(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn fhir_map_prints_each_good_records_expected_mapping() {
    let names = good_names();
    assert!(names.len() >= 40);
    for name in &names {
        let path = dir().join("good").join(format!("{name}.json"));
        let r = run(&["fhir", "map", path.to_str().expect("path")], b"");
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let want = text(dir().join("good").join(format!("{name}.expected.json")));
        assert_eq!(r.stdout_text(), want, "{name}");
    }
}

#[test]
fn json_lines_of_records_from_stdin_give_the_golden_lines() {
    let records = std::fs::read(dir().join("records.jsonl")).expect("records.jsonl");
    let r = run(&["evaluate", "--input", "fhir", "-"], &records);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout_text(), text(dir().join("evaluated.jsonl")));
    let r = run(
        &["evaluate", "--input=fhir", "--format", "cds-cards", "-"],
        &records,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout_text(), text(dir().join("cards.jsonl")));
    let r = run(&["fhir", "map", "-"], &records);
    let want: String = good_names()
        .iter()
        .map(|n| text(dir().join("good").join(format!("{n}.expected.json"))))
        .collect();
    assert_eq!(r.stdout_text(), want);
}

#[test]
fn bad_records_give_their_error_in_place() {
    let manifest: Value =
        serde_json::from_str(&text(dir().join("bad/expected.json"))).expect("manifest");
    let mut checked = 0;
    for (name, want) in manifest.as_object().expect("object") {
        if want.get("generate").is_some() {
            continue; // generated: checked through Rust, C and Python
        }
        let path = dir().join("bad").join(format!("{name}.json"));
        for args in [vec!["fhir", "map"], vec!["evaluate", "--input", "fhir"]] {
            let mut args = args.clone();
            args.push(path.to_str().expect("path"));
            let r = run(&args, b"");
            let lines = r.lines();
            let last: Value = serde_json::from_str(lines.last().expect("a line")).expect("json");
            assert_eq!(r.code, 1, "{name}");
            // A file that is not one document is read as lines: the error is the last line's.
            assert_eq!(
                last["error"]["kind"],
                want["kind"],
                "{name}: {}",
                lines.join("\n")
            );
            if lines.len() == 1 {
                assert_eq!(
                    last["error"].get("field"),
                    want.get("field").filter(|f| !f.is_null()),
                    "{name}"
                );
            }
            assert!(r.stderr.contains("invalid"), "{name}: {}", r.stderr);
        }
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn one_bad_line_among_good_ones() {
    let records = text(dir().join("records.jsonl"));
    let mut lines: Vec<&str> = records.lines().take(3).collect();
    lines.insert(1, r#"{"resourceType":"Patient","id":"x"}"#);
    let input = lines.join("\n") + "\n";
    let r = run(&["evaluate", "--input", "fhir", "-"], input.as_bytes());
    assert_eq!(r.code, 1);
    let out = r.lines();
    assert_eq!(out.len(), 4);
    assert!(
        out[1].starts_with(r#"{"error":{"kind":"parse""#),
        "{}",
        out[1]
    );
    assert!(
        r.stderr
            .contains("1 of 4 records invalid (first at line 2)"),
        "{}",
        r.stderr
    );
}

#[test]
fn text_report_has_a_read_from_section() {
    let path = dir().join("good/37-cds-hooks-prefetch.json");
    let r = run(
        &[
            "evaluate",
            "--input",
            "fhir",
            "--format",
            "text",
            path.to_str().expect("path"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.stdout_text();
    assert!(out.starts_with("=== line 1 ===\nCase pt1"), "{out}");
    assert!(
        out.contains("\nRead from\n  case_id: Patient/pt1\n  primary_site: Condition/p1\n"),
        "{out}"
    );
    assert!(out.contains("  tumor_size_cm: Observation/s1\n"), "{out}");
    assert!(
        out.contains("OperationOutcome/oo1: a OperationOutcome is not read by the mapping"),
        "{out}"
    );
}

#[test]
fn cds_cards_for_flat_cases_too() {
    let case = r#"{"primary_site":"ileum","metastatic":false}"#;
    let r = run(&["evaluate", "--format", "cds-cards", "-"], case.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ev = nettx::evaluate(&nettx::Case::from_json(case).expect("case"));
    assert_eq!(r.stdout_text(), nettx_fhir_cards(&ev) + "\n");
}

fn nettx_fhir_cards(ev: &nettx::Evaluation) -> String {
    nettx_fhir::cds_cards(ev).to_json()
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["evaluate", "--help"],
        vec!["fhir", "--help"],
        vec!["fhir", "map", "--help"],
        vec!["rules", "--help"],
        vec!["schema", "--help"],
        vec!["completions", "--help"],
        vec!["help", "evaluate"],
    ] {
        let r = run(&args, b"");
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout_text().contains("Usage: nettx"),
            "{args:?}: {}",
            r.stdout_text()
        );
    }
    let r = run(&["evaluate", "--help"], b"");
    let help = r.stdout_text();
    for word in ["--format", "cds-cards", "--input", "fhir", "FILE|-"] {
        assert!(help.contains(word), "{word}: {help}");
    }
}

#[test]
fn shell_completions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell], b"");
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        let out = r.stdout_text();
        assert!(out.contains("evaluate") && out.contains("fhir"), "{shell}");
    }
    let r = run(&["completions", "tcsh"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("USAGE"));
}

#[test]
fn new_usage_errors_exit_2() {
    for args in [
        vec!["fhir"],
        vec!["fhir", "map"],
        vec!["fhir", "mop", "-"],
        vec!["evaluate", "--input", "hl7", "-"],
        vec!["evaluate", "--format", "cards", "-"],
        vec!["completions"],
    ] {
        let r = run(&args, b"");
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(
            r.stderr.contains("USAGE") && r.stderr.contains("nettx evaluate"),
            "{args:?}"
        );
    }
}
