//! Fuzz target: the typed C API (`nettx_evaluate` on a `nettx_case` decoded
//! from the bytes, then every accessor; `nettx_capi::checks::check_c_typed`,
//! whose `TypedInput` documents the byte format).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nettx_capi::checks::check_c_typed(data);
});
