//! Fuzz target: the FHIR record entry of `nettx-fhir` on arbitrary bytes
//! (`nettx_checks::fhir_checks::check_fhir_record`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nettx_checks::fhir_checks::check_fhir_record(data);
});
