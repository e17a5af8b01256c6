//! The invariant checks of nettx's fuzz targets (`fuzz_targets/`), kept
//! apart from libFuzzer so that the regression tests of `crates/nettx` and
//! `crates/nettx-ffi` replay saved inputs through the very same checks (they
//! include these files with `#[path]`).
//!
//! - [`core_checks`]: the core's JSON entries (`evaluate_json` target);
//! - [`ffi_checks`]: the C JSON entries (`c_json`) and the typed C API
//!   (`c_typed`);
//! - [`fhir_checks`]: the FHIR record entry of `nettx-fhir` (`fhir_record`).
//!
//! Every check panics on a broken invariant, which libFuzzer reports as a
//! crash and a test as a failure.

pub mod core_checks;
pub mod fhir_checks;
pub mod ffi_checks;
