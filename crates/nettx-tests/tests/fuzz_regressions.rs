//! Replays the inputs the fuzz targets found interesting or failing
//! (`fuzz/regressions/evaluate_json/*` and `fuzz/regressions/c_json/*`)
//! through the core, with the invariants the fuzz targets check
//! (`nettx_checks::core_checks`, the very checks the fuzz crate runs; they
//! need no libFuzzer). The C entries replay theirs in
//! `crates/nettx-capi/src/fuzz_regressions.rs`.

use nettx_checks::core_checks;
use nettx_checks::replay::regressions;

#[test]
fn evaluate_json_regressions_keep_every_invariant() {
    for (name, bytes) in regressions("evaluate_json") {
        eprintln!("replaying {name}");
        core_checks::check_evaluate_json(&bytes);
    }
}

#[test]
fn c_json_regressions_keep_every_invariant_in_the_core() {
    for (name, bytes) in regressions("c_json") {
        eprintln!("replaying {name}");
        // What nettx_evaluate_json_len sees, and what nettx_evaluate_json does.
        core_checks::check_evaluate_json(&bytes);
        core_checks::check_evaluate_json(core_checks::until_nul(&bytes));
    }
}
