//! Test-only crate (not published): the nettx core's tests and benchmarks
//! that read the repository's shared test data live in `tests/` and
//! `benches/` here, so that `cargo package -p nettx` ships a crate whose own
//! tests pass from the unpacked package. See TESTING.md.
