//! Fuzz target: the C JSON entries `nettx_evaluate_json` and
//! `nettx_evaluate_json_len` on arbitrary bytes
//! (`nettx_capi::checks::check_c_json`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nettx_capi::checks::check_c_json(data);
});
