//! Replays the inputs the fuzz targets found interesting or failing
//! (`fuzz/regressions/c_json/*` and `fuzz/regressions/c_typed/*`) through the
//! C functions, with the invariants the fuzz targets check
//! (`crate::checks`, which builds on `nettx_checks::core_checks`; they need
//! no libFuzzer). A unit-test module, because `checks` is compiled for this
//! crate's own tests (an integration test would see it only with the
//! `checks` feature).

use crate::checks;
use nettx_checks::replay::regressions;

#[test]
fn c_json_regressions_keep_every_invariant() {
    for (name, bytes) in regressions("c_json") {
        eprintln!("replaying {name}");
        checks::check_c_json(&bytes);
    }
}

#[test]
fn c_typed_regressions_keep_every_invariant() {
    for (name, bytes) in regressions("c_typed") {
        eprintln!("replaying {name}");
        checks::check_c_typed(&bytes);
    }
}

#[test]
fn typed_inputs_read_back_as_written() {
    // The byte format of the c_typed target (and of its seeds) is stable.
    for (name, bytes) in regressions("c_typed") {
        let input = checks::TypedInput::decode(&bytes);
        let again = checks::TypedInput::decode(&input.encode());
        assert_eq!(
            format!("{again:?}"),
            format!("{input:?}"),
            "{name} does not read back as written"
        );
    }
}
