//! Replays the inputs the fuzz targets found interesting or failing
//! (`fuzz/regressions/c_json/*` and `fuzz/regressions/c_typed/*`) through the
//! C functions, with the invariants the fuzz targets check
//! (`fuzz/src/ffi_checks.rs`, included here as it is, and the
//! `nettx_checks::core_checks` it builds on; they need no libFuzzer). A
//! unit-test module, because the shipped crate has no rlib for an integration
//! test to link; the checks are declared at the crate root under `cfg(test)`
//! (see `lib.rs`), where their `nettx_ffi::` paths resolve as in the fuzz
//! crate.

use crate::ffi_checks;
use nettx_checks::replay::regressions;

#[test]
fn c_json_regressions_keep_every_invariant() {
    for (name, bytes) in regressions("c_json") {
        eprintln!("replaying {name}");
        ffi_checks::check_c_json(&bytes);
    }
}

#[test]
fn c_typed_regressions_keep_every_invariant() {
    for (name, bytes) in regressions("c_typed") {
        eprintln!("replaying {name}");
        ffi_checks::check_c_typed(&bytes);
    }
}

#[test]
fn typed_inputs_read_back_as_written() {
    // The byte format of the c_typed target (and of its seeds) is stable.
    for (name, bytes) in regressions("c_typed") {
        let input = ffi_checks::TypedInput::decode(&bytes);
        let again = ffi_checks::TypedInput::decode(&input.encode());
        assert_eq!(
            format!("{again:?}"),
            format!("{input:?}"),
            "{name} does not read back as written"
        );
    }
}
