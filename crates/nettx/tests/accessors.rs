//! The typed surface of `Case` and the trace: every getter returns what was
//! given, and trace details show the facts read (found missing by mutation
//! testing: no test read these back).

use nettx::{Case, Complication, Histology, RuleId, Site, SsaResponse};
use serde_json::json;

#[test]
fn every_getter_returns_what_was_given() {
    let case = Case::builder(Site::Rectum)
        .case_id(Some("pt-7".to_owned()))
        .histology(Histology::WellDifferentiated)
        .tumor_size_cm(1.5)
        .local_spread(true)
        .metastatic(true)
        .hepatic_metastases(true)
        .extrahepatic_metastases(false)
        .metastases_resectable(false)
        .carcinoid_syndrome(true)
        .complication(Complication::Bleeding)
        .ssa_response(SsaResponse::Controlled)
        .build()
        .expect("valid case");
    assert_eq!(case.case_id(), Some("pt-7"));
    assert_eq!(case.primary_site(), Site::Rectum);
    assert_eq!(case.histology(), Some(Histology::WellDifferentiated));
    assert_eq!(case.tumor_size_cm(), Some(1.5));
    assert_eq!(case.local_spread(), Some(true));
    assert_eq!(case.metastatic(), Some(true));
    assert_eq!(case.hepatic_metastases(), Some(true));
    assert_eq!(case.extrahepatic_metastases(), Some(false));
    assert_eq!(case.metastases_resectable(), Some(false));
    assert_eq!(case.carcinoid_syndrome(), Some(true));
    assert_eq!(
        case.complications().iter().collect::<Vec<_>>(),
        vec![Complication::Bleeding]
    );
    assert_eq!(case.ssa_response(), Some(SsaResponse::Controlled));

    // The opposite values, so that no getter can pass by returning a constant.
    let other = Case::builder(Site::Ileum)
        .local_spread(false)
        .metastatic(false)
        .metastases_resectable(true)
        .carcinoid_syndrome(false)
        .build()
        .expect("valid case");
    assert_eq!(other.local_spread(), Some(false));
    assert_eq!(other.metastatic(), Some(false));
    assert_eq!(other.metastases_resectable(), Some(true));
    assert_eq!(other.carcinoid_syndrome(), Some(false));
    assert_eq!(other.hepatic_metastases(), None);
    assert_eq!(other.tumor_size_cm(), None);
}

#[test]
fn trace_detail_joins_several_complications() {
    let case = Case::from_json(
        r#"{"primary_site":"ileum","complications":["bleeding","bowel_obstruction"]}"#,
    )
    .expect("valid case");
    let ev = nettx::evaluate(&case);
    let entry = ev
        .trace()
        .iter()
        .find(|e| e.rule() == RuleId::ComplicationUrgentResection)
        .expect("rule consulted");
    assert!(entry.fired());
    assert_eq!(
        entry.detail().to_string(),
        "complications=bowel_obstruction+bleeding"
    );
}

#[test]
fn a_key_given_twice_in_entries_is_a_parse_error() {
    for key in ["metastatic", "not_a_field"] {
        let err = nettx::case_from_entries([
            ("primary_site", json!("ileum")),
            (key, json!(true)),
            (key, json!(false)),
        ])
        .expect_err("duplicate key");
        assert_eq!(err.kind(), nettx::ErrorKind::Parse, "{key}");
        assert!(err.message().contains("duplicate key"), "{}", err.message());
    }
    // Two different unknown keys are not duplicates: the first is reported.
    let err = nettx::case_from_entries([
        ("primary_site", json!("ileum")),
        ("b_key", json!(1)),
        ("a_key", json!(2)),
    ])
    .expect_err("unknown key");
    assert_eq!(err.field_name(), Some("b_key"));
}

/// `Evaluation::is_urgent` and `Source::is_statement` were read only by the
/// Python binding's tests, so mutation testing found no Rust test that would
/// notice them returning a constant.
#[test]
fn urgency_and_statement_kind_are_reported() {
    let emergency = Case::builder(Site::Ileum)
        .complication(Complication::BowelObstruction)
        .build()
        .expect("valid case");
    let elective = Case::builder(Site::Ileum)
        .tumor_size_cm(1.5)
        .metastatic(false)
        .build()
        .expect("valid case");
    let urgent = nettx::evaluate(&emergency);
    let routine = nettx::evaluate(&elective);
    assert!(urgent.is_urgent());
    assert!(urgent
        .recommendations()
        .iter()
        .any(|r| r.urgency() == nettx::Urgency::Urgent));
    assert!(!routine.is_urgent());
    assert!(!routine.recommendations().is_empty());

    use nettx::Source;
    for s in Source::ALL {
        let name = s.as_str();
        assert_eq!(s.is_statement(), name.starts_with('S'), "{name}");
        assert_eq!(!s.is_statement(), name.starts_with('R'), "{name}");
    }
    assert_eq!(Source::ALL.iter().filter(|s| s.is_statement()).count(), 15);
}

/// A typed size far out of range is shown in exponent form, not as the
/// hundreds of digits of its plain decimal expansion (noticed while writing
/// the typed C fuzz target: `f64::MAX` gave 309 digits).
#[test]
fn extreme_sizes_are_quoted_briefly() {
    for (size, shown) in [
        (f64::MAX, "1.7976931348623157e308"),
        (5e-324, "5e-324"),
        (-1e20, "-1e20"),
        (31.0, "31"),
        (-2.5, "-2.5"),
        (0.0, "0"),
    ] {
        let e = Case::builder(Site::Ileum)
            .tumor_size_cm(size)
            .build()
            .expect_err("out of range");
        assert_eq!(e.field_name(), Some("tumor_size_cm"));
        assert!(
            e.message().contains(&format!("got {shown};")),
            "{size}: {}",
            e.message()
        );
        assert!(e.message().len() < 200, "{}", e.message());
    }
}

/// The texts the bindings read through the vocabularies (a warning's message
/// and sources, a missing field's reason, a rule's effect) are the texts the
/// evaluation's JSON shows.
#[test]
fn vocabulary_texts_are_the_evaluations_texts() {
    let case = Case::from_json(
        r#"{"primary_site":"duodenum","tumor_size_cm":0.8,"metastatic":false,"complications":["bleeding"]}"#,
    )
    .unwrap();
    let e = nettx::evaluate(&case);
    let doc: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    let warnings: Vec<nettx::WarningCode> = e.warnings().collect();
    assert!(!warnings.is_empty());
    for (w, shown) in warnings.iter().zip(doc["warnings"].as_array().unwrap()) {
        assert!(!w.message().is_empty());
        assert_eq!(shown["message"], w.message());
        let sources: Vec<&str> = w.sources().iter().map(|s| s.as_str()).collect();
        assert_eq!(shown["sources"], json!(sources));
    }
    let missing: Vec<nettx::Missing> = e.missing().collect();
    assert!(!missing.is_empty());
    for (m, shown) in missing.iter().zip(doc["missing"].as_array().unwrap()) {
        assert!(!m.reason().is_empty());
        assert_eq!(shown["reason"], m.reason());
        assert_eq!(nettx::knowledge::missing_reason(m.field()), m.reason());
    }
    assert_eq!(nettx::knowledge::missing_reason(nettx::Field::CaseId), "");
    for r in e.recommendations() {
        assert_eq!(r.rule().effect(), r.rationale());
        assert!(!r.title().is_empty() && r.title().len() < 100);
    }
}
