//! The invariant checks of the C ABI's fuzz targets (`c_json`, `c_typed`),
//! kept apart from libFuzzer so that the unit tests of `crates/nettx-ffi`
//! replay saved inputs through the very same checks (its `lib.rs` includes
//! `ffi_checks.rs` with `#[path]`). The checks of the other targets are in
//! `crates/nettx-checks`.
//!
//! Every check panics on a broken invariant, which libFuzzer reports as a
//! crash and a test as a failure.

pub mod ffi_checks;
