//! The saved inputs of the fuzz targets (`fuzz/regressions/<target>/`), for
//! the regression tests that replay them without libFuzzer through the same
//! checks (`crates/nettx-tests/tests/fuzz_regressions.rs`,
//! `crates/nettx-fhir/tests/fuzz_regressions.rs` and the unit tests of
//! `crates/nettx-capi`). The fuzz targets themselves read their inputs through
//! libFuzzer.

/// Every file of `fuzz/regressions/<target>/`, as (path, bytes), sorted by
/// path. Panics (failing the test) when the folder is missing, unreadable or
/// empty.
pub fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = crate::repository().join("fuzz/regressions").join(target);
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
