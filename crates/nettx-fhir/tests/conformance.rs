//! The FHIR conformance records of `tests/fhir/`, byte for byte.
//!
//! - every good record's mapping object equals its hand-written
//!   `good/NAME.expected.json`;
//! - every good record's evaluation (mapping + `"evaluation"`) and cards equal
//!   the golden files `tests/fhir/evaluated.jsonl` and `tests/fhir/cards.jsonl`
//!   (one line per record, in name order), which depend on the guideline:
//!   regenerate them after an intended change with
//!   `NETTX_UPDATE_GOLDEN=1 cargo test -p nettx-fhir --test conformance`;
//! - every bad record gives its kind and field (`bad/expected.json`);
//! - the cards keep the CDS Hooks rules.

use nettx_fhir::{Indicator, MAX_SUMMARY_CHARS};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fhir")
}

fn good_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir().join("good"))
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

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A bad record as bytes: its file, or generated from its description.
pub fn bad_record(name: &str, entry: &Value) -> Vec<u8> {
    match entry.get("generate") {
        Some(g) if g["generate"] == "entries" => {
            let n = g["count"].as_u64().expect("count") as usize;
            let entry = r#"{"resource":{"resourceType":"Basic"}}"#;
            let mut s = String::from(r#"{"resourceType":"Bundle","type":"collection","entry":["#);
            s.push_str(&vec![entry; n].join(","));
            s.push_str("]}");
            s.into_bytes()
        }
        Some(g) if g["generate"] == "bytes" => {
            let n = g["size"].as_u64().expect("size") as usize;
            let mut s = String::from(r#"{"resourceType":"Bundle","type":"collection","id":""#);
            s.push_str(&"x".repeat(n - s.len() - 2));
            s.push_str("\"}");
            assert_eq!(s.len(), n);
            s.into_bytes()
        }
        Some(other) => panic!("{name}: unknown generator {other}"),
        None => fs::read(dir().join("bad").join(format!("{name}.json"))).expect("bad record"),
    }
}

#[test]
fn good_records_map_to_their_hand_written_expectation() {
    let names = good_names();
    assert!(names.len() >= 40, "only {} good records", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let record = read(dir().join("good").join(format!("{name}.json")));
        let want = read(dir().join("good").join(format!("{name}.expected.json")));
        match nettx_fhir::map_record(&record) {
            Ok(m) => {
                let got = m.to_json();
                if got != want.trim_end() {
                    failures.push(format!("{name}:\n  want {}\n  got  {got}", want.trim_end()));
                }
                // The bytes entry and the compact form of the same record agree.
                let compact =
                    serde_json::to_string(&serde_json::from_str::<Value>(&record).expect("json"))
                        .expect("json");
                let again = nettx_fhir::map_record_bytes(compact.as_bytes()).map(|m| m.to_json());
                assert_eq!(
                    again.as_deref(),
                    Ok(got.as_str()),
                    "{name}: compact form differs"
                );
            }
            Err(e) => failures.push(format!("{name}: refused: {}", e.to_json())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn good_records_evaluate_and_make_cards_as_golden() {
    let names = good_names();
    let mut evaluated = String::new();
    let mut cards = String::new();
    for name in &names {
        let record = read(dir().join("good").join(format!("{name}.json")));
        let mapped = nettx_fhir::map_record(&record).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ev = mapped.evaluate();
        let json = nettx_fhir::evaluate_record_json(&record).expect("evaluates");
        assert_eq!(json, mapped.to_json_with(&ev), "{name}");
        evaluated.push_str(&json);
        evaluated.push('\n');
        cards.push_str(&nettx_fhir::cds_cards(&ev).to_json());
        cards.push('\n');
    }
    for (file, now) in [("evaluated.jsonl", &evaluated), ("cards.jsonl", &cards)] {
        let path = dir().join(file);
        if std::env::var_os("NETTX_UPDATE_GOLDEN").is_some() {
            fs::write(&path, now).expect("write golden");
            continue;
        }
        let before = read(path);
        for (i, (a, b)) in before.lines().zip(now.lines()).enumerate() {
            assert_eq!(
                a,
                b,
                "{file} line {} ({}) differs; regenerate with NETTX_UPDATE_GOLDEN=1 if intended",
                i + 1,
                names[i]
            );
        }
        assert_eq!(
            before.lines().count(),
            now.lines().count(),
            "{file}: line count"
        );
    }
}

#[test]
fn records_jsonl_is_the_good_records_in_order() {
    let names = good_names();
    let lines = read(dir().join("records.jsonl"));
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), names.len());
    for (line, name) in lines.iter().zip(&names) {
        let a: Value = serde_json::from_str(line).expect("json line");
        let b: Value = serde_json::from_str(&read(dir().join("good").join(format!("{name}.json"))))
            .expect("json");
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn bad_records_give_their_kind_and_field() {
    let manifest: Value =
        serde_json::from_str(&read(dir().join("bad/expected.json"))).expect("manifest");
    let manifest = manifest.as_object().expect("object");
    assert!(manifest.len() >= 40, "only {} bad records", manifest.len());
    let mut failures = Vec::new();
    for (name, want) in manifest {
        let bytes = bad_record(name, want);
        match nettx_fhir::map_record_bytes(&bytes) {
            Ok(m) => failures.push(format!("{name}: accepted: {}", m.to_json())),
            Err(e) => {
                let kind = e.kind().as_str();
                let field = e.field_name();
                if kind != want["kind"] || field != want["field"].as_str() {
                    failures.push(format!(
                        "{name}: want {} {}, got {}",
                        want["kind"],
                        want["field"],
                        e.to_json()
                    ));
                }
                assert!(
                    !e.message().is_empty() && e.message().len() < 600,
                    "{name}: message {}",
                    e.message()
                );
                // the &str entry agrees where the bytes are UTF-8
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    assert_eq!(
                        nettx_fhir::map_record(text).err(),
                        Some(e.clone()),
                        "{name}"
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cards_keep_the_cds_hooks_rules() {
    for name in good_names() {
        let record = read(dir().join("good").join(format!("{name}.json")));
        let ev = nettx_fhir::map_record(&record).expect("maps").evaluate();
        let cards = nettx_fhir::cds_cards(&ev);
        let json: Value = serde_json::from_str(&cards.to_json()).expect("json");
        let list = json["cards"].as_array().expect("cards");
        let recs = ev.recommendations().len();
        let warnings = ev.warnings().count();
        let missing = usize::from(ev.missing().next().is_some());
        assert_eq!(list.len(), recs + warnings + missing, "{name}");
        let mut uuids = std::collections::BTreeSet::new();
        for (i, card) in list.iter().enumerate() {
            let summary = card["summary"].as_str().expect("summary");
            assert!(
                summary.chars().count() < MAX_SUMMARY_CHARS,
                "{name}: {summary}"
            );
            let indicator = card["indicator"].as_str().expect("indicator");
            assert!(["info", "warning", "critical"].contains(&indicator));
            let want = if i < recs {
                let r = ev.recommendations()[i];
                assert!(summary.ends_with(r.title()), "{name}: {summary}");
                if r.urgency() == nettx::Urgency::Urgent {
                    Indicator::Critical
                } else {
                    Indicator::Info
                }
            } else if i < recs + warnings {
                Indicator::Warning
            } else {
                Indicator::Info
            };
            assert_eq!(cards.cards[i].indicator, want, "{name} card {i}");
            assert!(card.get("suggestions").is_none() || card.get("selectionBehavior").is_some());
            let uuid = card["uuid"].as_str().expect("uuid");
            let b = uuid.as_bytes();
            assert_eq!(b.len(), 36);
            assert_eq!(
                (b[14], b[8], b[13], b[18], b[23]),
                (b'5', b'-', b'-', b'-', b'-'),
                "{uuid}"
            );
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{uuid}");
            assert!(uuids.insert(uuid.to_owned()), "{name}: uuid repeated");
            assert_eq!(
                card["source"]["label"],
                format!(
                    "nettx: {} {}",
                    nettx::knowledge::GUIDELINE_ID,
                    nettx::knowledge::GUIDELINE_VERSION
                )
            );
            let detail = card["detail"].as_str().expect("detail");
            assert!(detail.contains(nettx::knowledge::guideline_digest()));
            assert!(detail.contains(nettx::report::DISCLAIMER));
        }
        // Stable: the same evaluation gives the same cards.
        assert_eq!(nettx_fhir::cds_cards(&ev), cards);
    }
}

#[test]
fn card_uuid_is_the_v5_of_the_documented_name() {
    let case = nettx::Case::builder(nettx::Site::Ileum)
        .metastatic(false)
        .build()
        .expect("case");
    let ev = nettx::evaluate(&case);
    let cards = nettx_fhir::cds_cards(&ev);
    // Python: str(uuid.uuid5(uuid.NAMESPACE_URL, "nettx:" + digest + ":SMALL_BOWEL_RESECTION_WITH_MESENTERY"))
    let name = format!(
        "nettx:{}:SMALL_BOWEL_RESECTION_WITH_MESENTERY",
        ev.case_digest()
    );
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, sys.argv[1]))",
            &name,
        ])
        .output();
    if let Ok(out) = out {
        if out.status.success() {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                cards.cards[0].uuid
            );
        }
    }
}
