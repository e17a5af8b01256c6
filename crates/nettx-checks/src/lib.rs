//! Test support shared by several crates of the repository, as one crate
//! instead of source files included across crate boundaries with `#[path]`.
//! Not published: a dev-dependency of the crates whose tests use it.
//!
//! - [`hostile`]: the hostile-input corpus (`tests/hostile/corpus.json`):
//!   loading it, expanding its generator, the expected answers
//!   (`crates/nettx-tests/tests/hostile.rs`, `crates/nettx-cli/tests/hostile.rs`);
//! - [`core_checks`]: the invariants of the core's JSON entries on any bytes
//!   (the `evaluate_json` fuzz target, and the core side of `c_json`);
//! - [`fhir_checks`]: the invariants of `nettx_fhir::map_record` on any bytes
//!   (the `fhir_record` fuzz target);
//! - [`replay`]: the saved inputs of `fuzz/regressions/<target>/`, which
//!   `cargo test` replays through the same checks.
//!
//! The fuzz targets (`fuzz/`, their own workspace) depend on this crate for
//! their checks, so a fuzz run and `cargo test` check the very same
//! invariants; every check panics on a broken invariant, which libFuzzer
//! reports as a crash and a test as a failure. The checks of the C ABI call
//! its exported functions, so they live in that crate
//! (`crates/nettx-capi/src/checks.rs`, behind its `checks` feature) and build
//! on [`core_checks`].
//!
//! [`hostile`] and [`replay`] read the repository's shared test data, found
//! from this crate's place in it (`crates/nettx-checks`), so they work only
//! from a checkout.

pub mod core_checks;
pub mod fhir_checks;
pub mod hostile;
pub mod replay;

use std::path::PathBuf;

/// The root of the repository (this crate is `crates/nettx-checks` in it),
/// where the shared test data lives (`tests/`, `fuzz/regressions/`).
pub fn repository() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Without the `..`s where it can be, for readable paths in messages.
    root.canonicalize().unwrap_or(root)
}
