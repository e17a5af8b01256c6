//! Fuzz target: the core's JSON entries on arbitrary bytes
//! (`nettx_checks::core_checks::check_evaluate_json`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nettx_checks::core_checks::check_evaluate_json(data);
});
