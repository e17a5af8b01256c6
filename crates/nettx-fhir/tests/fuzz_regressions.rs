//! Replays the saved inputs of the `fhir_record` fuzz target
//! (`fuzz/regressions/fhir_record/*`) through the same invariants
//! (`nettx_checks::fhir_checks`, the very checks the fuzz crate runs; they
//! need no libFuzzer).

use nettx_checks::{fhir_checks, replay};

#[test]
fn fhir_record_regressions_keep_every_invariant() {
    for (name, bytes) in replay::regressions("fhir_record") {
        eprintln!("replaying {name}");
        fhir_checks::check_fhir_record(&bytes);
    }
}

#[test]
fn the_fhir_records_of_the_conformance_suite_keep_every_invariant() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fhir");
    for sub in ["good", "bad"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("tests/fhir") {
            let path = entry.expect("entry").path();
            fhir_checks::check_fhir_record(&std::fs::read(&path).expect("record"));
        }
    }
}
