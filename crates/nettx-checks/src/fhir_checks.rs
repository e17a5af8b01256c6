//! The invariants of the `fhir_record` fuzz target: `nettx_fhir::map_record`
//! (and `map_record_bytes`, the evaluation and the cards) on any bytes.
//!
//! - the bytes and `&str` entries agree, and give the same answer twice;
//! - a prefetch object that `nettx_fhir::Prefetch` reads in one pass maps
//!   exactly as `map_record` maps its text;
//! - a mapping's JSON is JSON; its case reads back equal through the core's
//!   parser; every field in the provenance is set in the case and lists at
//!   least one resource; the evaluation JSON is the mapping object with
//!   `"evaluation"` added; every card summary is under 140 characters and
//!   the cards are the same when made twice;
//! - an error is never `internal`; a `parse` error names no field; its
//!   message is short and one line; non-UTF-8 is a `parse` error.
//!
//! Replayed over the saved inputs and the records of `tests/fhir` by
//! `crates/nettx-fhir/tests/fuzz_regressions.rs`.

/// Checks every invariant for one input; panics on a broken one.
pub fn check_fhir_record(data: &[u8]) {
    let by_bytes = nettx_fhir::map_record_bytes(data);
    let again = nettx_fhir::map_record_bytes(data);
    assert_eq!(by_bytes, again, "not deterministic");
    match std::str::from_utf8(data) {
        Ok(text) => assert_eq!(
            nettx_fhir::map_record(text),
            by_bytes,
            "str and bytes differ"
        ),
        Err(_) => {
            let e = by_bytes.as_ref().err().map(|e| e.kind());
            assert_eq!(e, Some(nettx::ErrorKind::Parse), "non-UTF-8 accepted");
        }
    }
    // The same text read as a hook request's prefetch, in one pass where it
    // stands (`nettx_fhir::Prefetch`, what `nettx serve` does): when that
    // reader takes it, it maps exactly as `map_record` maps it.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(read) = serde_json::from_str::<nettx_fhir::Prefetch<'_>>(text) {
            assert_eq!(
                read.map(),
                by_bytes,
                "read as a prefetch, it maps otherwise"
            );
        }
    }
    match by_bytes {
        Ok(mapped) => {
            let json = mapped.to_json();
            let value: serde_json::Value = serde_json::from_str(&json).expect("mapping is JSON");
            let case_json = mapped.case().to_json();
            let back = nettx::Case::from_json(&case_json).expect("case reads back");
            assert_eq!(&back, mapped.case());
            for (field, list) in mapped.provenance() {
                assert!(!list.is_empty(), "{field}: no resource");
                let set = value["case"].get(field.as_str()).is_some();
                assert!(set, "{field} in provenance but not in the case");
            }
            let ev = mapped.evaluate();
            let full = mapped.to_json_with(&ev);
            assert_eq!(
                full.strip_suffix('}').and_then(|s| s.get(..json.len() - 1)),
                json.strip_suffix('}')
            );
            if let Ok(text) = std::str::from_utf8(data) {
                assert_eq!(
                    nettx_fhir::evaluate_record_json(text).as_deref(),
                    Ok(full.as_str())
                );
            }
            let cards = nettx_fhir::cds_cards(&ev);
            for c in &cards.cards {
                assert!(
                    c.summary.chars().count() < nettx_fhir::MAX_SUMMARY_CHARS,
                    "{}",
                    c.summary
                );
            }
            assert_eq!(cards, nettx_fhir::cds_cards(&ev));
        }
        Err(e) => {
            assert_ne!(e.kind(), nettx::ErrorKind::Internal, "{e}");
            if e.kind() == nettx::ErrorKind::Parse {
                assert_eq!(e.field_name(), None, "{e}");
            } else {
                assert!(e.field_name().is_some(), "{e}");
            }
            assert!(!e.message().is_empty() && e.message().len() <= 1200, "{e}");
            assert!(!e.message().contains('\n'), "{e}");
        }
    }
}
