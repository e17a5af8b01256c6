//! The saved inputs of the fuzz targets, for the regression tests that replay
//! them without libFuzzer (`crates/nettx/tests/fuzz_regressions.rs` and
//! `crates/nettx-ffi/src/fuzz_regressions.rs` include this file with
//! `#[path]`). Not part of the fuzz crate itself, which reads its inputs
//! through libFuzzer.

use std::path::PathBuf;

/// Every file of `fuzz/regressions/<target>/`, as (path, bytes), sorted by
/// path. Panics (failing the test) when the folder is missing, unreadable or
/// empty. The including crates sit two levels below the repository root
/// (`crates/<name>`).
pub fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    inputs
}
