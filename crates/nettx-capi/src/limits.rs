//! The core's input limits as macros of the header (cbindgen copies these
//! literals; the assertions below keep them equal to the core's constants).

/// Largest accepted JSON text for one case, in bytes (the NUL not counted):
/// `nettx_evaluate_json` and `nettx_evaluate_json_len` refuse a longer text
/// with `NETTX_ERR_PARSE` (an error document of kind "parse", no field),
/// without reading it to its end.
pub const NETTX_MAX_CASE_JSON_BYTES: usize = 65536;

/// Deepest accepted nesting of arrays and objects in a case's JSON text,
/// counting the case object as level 1; deeper text is refused with
/// `NETTX_ERR_PARSE` (kind "parse", no field), even under an unknown key.
pub const NETTX_MAX_NESTING_DEPTH: usize = 127;

/// Longest accepted `case_id`, in bytes of UTF-8 (the NUL not counted), in
/// JSON or in a `nettx_case`: a longer one is `NETTX_ERR_FIELD`, field
/// "case_id".
pub const NETTX_MAX_CASE_ID_BYTES: usize = 256;

/// Most cases one call of a batch API accepts, in the bindings that have one
/// (Python's `evaluate_many` and `evaluate_frame`). For information only: the
/// C API evaluates one case per call and has no batch limit.
pub const NETTX_MAX_BATCH_CASES: usize = 1000000;

const _: () = assert!(
    NETTX_MAX_CASE_JSON_BYTES == nettx_core::MAX_CASE_JSON_BYTES
        && NETTX_MAX_NESTING_DEPTH == nettx_core::MAX_NESTING_DEPTH
        && NETTX_MAX_CASE_ID_BYTES == nettx_core::MAX_CASE_ID_BYTES
        && NETTX_MAX_BATCH_CASES == nettx_core::MAX_BATCH_CASES
);
