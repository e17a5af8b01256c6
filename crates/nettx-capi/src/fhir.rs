//! FHIR records in, CDS Hooks cards out (`nettx-fhir`): conversion and
//! memory only, like the rest of the crate.

use crate::evaluation::nettx_evaluation;
use crate::util::{answer_json, read_bounded, Failure, TooLong};
use nettx_core::{Error, ErrorKind};
use std::ffi::{c_char, c_int};

/// Largest accepted FHIR record, in bytes of JSON (the NUL not counted):
/// `nettx_fhir_evaluate_json` refuses a longer text with `NETTX_ERR_PARSE`
/// (kind "parse", no field) without reading it to its end. A record may
/// also hold at most 10,000 resources and nest at most
/// `NETTX_MAX_NESTING_DEPTH` levels.
pub const NETTX_MAX_RECORD_JSON_BYTES: usize = 8388608;

const _: () = assert!(NETTX_MAX_RECORD_JSON_BYTES == nettx_fhir::MAX_RECORD_JSON_BYTES);

/// Maps a FHIR R4 record (a `Bundle`, or a CDS Hooks `prefetch` object; UTF-8
/// JSON, NUL-terminated) to a case and evaluates it. On `NETTX_OK`, `*out_json`
/// is the mapping object with the evaluation added:
/// `{"case":…,"provenance":…,"notes":[…],"evaluation":{…}}`, the bytes every
/// nettx binding gives. Otherwise the status of the error's kind with the
/// error document `{"error":{"kind":…,"field":…,"message":…}}`, exactly as
/// `nettx_evaluate_json` (the message names the resources refused). Either
/// way `*out_json` is a new string the caller frees with `nettx_string_free`.
///
/// NULL `record`: `NETTX_ERR_NULL_ARGUMENT` with an error document; NULL
/// `out_json`: `NETTX_ERR_NULL_ARGUMENT`, nothing written. At most
/// `NETTX_MAX_RECORD_JSON_BYTES` bytes are accepted; the library reads no
/// more than one byte beyond, looking for the NUL.
///
/// # Safety
///
/// `record` must be NULL or point to a NUL-terminated string (or to at least
/// `NETTX_MAX_RECORD_JSON_BYTES + 1` readable bytes); `out_json` must be NULL
/// or point to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn nettx_fhir_evaluate_json(
    record: *const c_char,
    out_json: *mut *mut c_char,
) -> c_int {
    let produce = || {
        if record.is_null() {
            return Err(Failure::null_argument("record"));
        }
        // SAFETY: `record` is non-null and NUL-terminated (or has enough
        // readable bytes) by the caller's contract; the slice is used only
        // during this call.
        match unsafe { read_bounded(record, NETTX_MAX_RECORD_JSON_BYTES) } {
            Ok(bytes) => nettx_fhir::map_record_bytes(bytes)
                .map(|m| m.to_json_with(&m.evaluate()))
                .map_err(Failure::from),
            Err(TooLong) => Err(Failure::from(Error::new(
                ErrorKind::Parse,
                None,
                format!("the record is longer than {NETTX_MAX_RECORD_JSON_BYTES} bytes; a record may be at most {NETTX_MAX_RECORD_JSON_BYTES} bytes of JSON"),
            ))),
        }
    };
    // SAFETY: `out_json` is NULL or writable by this function's contract.
    unsafe { answer_json(out_json, produce) }
}

/// The CDS Hooks 2.0 cards of an evaluation, as `{"cards":[…]}`: one card
/// per recommendation (in order), one per warning, then one listing the
/// missing data if any; the same bytes every nettx binding gives.
///
/// Returns `NETTX_OK` and writes `*out_json` with a new string the caller
/// frees with `nettx_string_free`. NULL `evaluation`:
/// `NETTX_ERR_NULL_ARGUMENT` with an error document in `*out_json`; NULL
/// `out_json`: `NETTX_ERR_NULL_ARGUMENT`, nothing written.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle; `out_json` must be NULL or
/// point to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_cds_cards_json(
    evaluation: *const nettx_evaluation,
    out_json: *mut *mut c_char,
) -> c_int {
    let produce = || {
        // SAFETY: `evaluation` is NULL or a live, unmutated handle by the
        // caller's contract.
        match unsafe { evaluation.as_ref() } {
            None => Err(Failure::null_argument("evaluation")),
            Some(e) => Ok(nettx_fhir::cds_cards(&e.evaluation).to_json()),
        }
    };
    // SAFETY: `out_json` is NULL or writable by this function's contract.
    unsafe { answer_json(out_json, produce) }
}
