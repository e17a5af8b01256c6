//! The fixed JSON entry points of the interface (`nettx_version`,
//! `nettx_evaluate_json`, `nettx_string_free`) and the reader of error
//! documents.

use crate::nettx_status;
use crate::util::{answer_json, code, guard, read_bounded, Failure, TooLong};
use nettx_core::{Error, ErrorKind, MAX_CASE_JSON_BYTES};
use serde_json::Value;
use std::ffi::{c_char, c_int, CString};

/// The library's version, e.g. `"0.1.0"` (the same as `NETTX_VERSION` of the
/// header it was built with, and the `engine.version` of every evaluation).
/// A static string: never free it.
#[no_mangle]
pub extern "C" fn nettx_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// Evaluates one case given as JSON (UTF-8, NUL-terminated) and returns the
/// evaluation as compact JSON: the bytes every nettx binding gives.
///
/// Returns `NETTX_OK` with the evaluation in `*out_json`; otherwise the status
/// of the error's kind (`NETTX_ERR_PARSE`, `NETTX_ERR_FIELD`,
/// `NETTX_ERR_CONTRADICTION`, `NETTX_ERR_INTERNAL`) with the error document
/// `{"error":{"kind":…,"field":…,"message":…}}` in `*out_json`. Either way
/// `*out_json` is a new string the caller frees with `nettx_string_free`.
///
/// If `case_json` is NULL: `NETTX_ERR_NULL_ARGUMENT`, with an error document
/// (kind `parse`) in `*out_json`. If `out_json` is NULL:
/// `NETTX_ERR_NULL_ARGUMENT` and nothing is written anywhere.
///
/// At most 65,536 bytes of JSON are accepted; the library reads no more than
/// 65,537 bytes of `case_json` looking for its NUL, so a longer (or
/// unterminated) text is refused (`NETTX_ERR_PARSE`) without being read to its
/// end. Invalid UTF-8 is a `parse` error.
///
/// # Safety
///
/// `case_json` must be NULL or point to a NUL-terminated string (or to at
/// least 65,537 readable bytes); `out_json` must be NULL or point to a
/// writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluate_json(
    case_json: *const c_char,
    out_json: *mut *mut c_char,
) -> c_int {
    let produce = || {
        if case_json.is_null() {
            return Err(Failure::null_argument("case_json"));
        }
        // SAFETY: `case_json` is non-null and NUL-terminated (or has
        // 65,537 readable bytes) by the caller's contract; the slice is
        // used only during this call.
        match unsafe { read_bounded(case_json, MAX_CASE_JSON_BYTES) } {
            Ok(bytes) => nettx_core::evaluate_json_bytes(bytes).map_err(Failure::from),
            Err(TooLong) => Err(Failure::from(Error::new(
                ErrorKind::Parse,
                None,
                format!("the input is longer than {MAX_CASE_JSON_BYTES} bytes; a case may be at most {MAX_CASE_JSON_BYTES} bytes of JSON"),
            ))),
        }
    };
    // SAFETY: `out_json` is NULL or writable by this function's contract.
    unsafe { answer_json(out_json, produce) }
}

/// Like `nettx_evaluate_json`, for a text of `len` bytes that need not be
/// NUL-terminated (a buffer from a file or socket, a C++ `std::string_view`).
/// A NUL byte inside the text is a `parse` error, as any control character
/// outside a JSON string is; the same 65,536-byte limit applies (a longer
/// `len` is refused with `NETTX_ERR_PARSE` without the text being touched).
///
/// Same statuses and out-parameter rules as `nettx_evaluate_json` (a NULL
/// `case_json` is `NETTX_ERR_NULL_ARGUMENT`, whatever `len`).
///
/// # Safety
///
/// `case_json` must be NULL or, if `len` is at most 65,536, point to `len`
/// readable bytes (with a larger `len` it is not read); `out_json` must be
/// NULL or point to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluate_json_len(
    case_json: *const c_char,
    len: usize,
    out_json: *mut *mut c_char,
) -> c_int {
    let produce = || {
        if case_json.is_null() {
            return Err(Failure::null_argument("case_json"));
        }
        if len > MAX_CASE_JSON_BYTES {
            // Refused on `len` alone, before any slice is formed: the
            // caller need not have `len` readable bytes then. (The core's
            // message for an over-long text.)
            return Err(Failure::from(Error::new(
                ErrorKind::Parse,
                None,
                format!("the input is {len} bytes; a case may be at most {MAX_CASE_JSON_BYTES} bytes of JSON"),
            )));
        }
        // SAFETY: `case_json` is non-null and, as `len` is within the
        // limit, points to `len` readable bytes by the caller's contract;
        // `len` <= 65,536 fits an isize; the slice lives for this call.
        let bytes = unsafe { std::slice::from_raw_parts(case_json.cast::<u8>(), len) };
        nettx_core::evaluate_json_bytes(bytes).map_err(Failure::from)
    };
    // SAFETY: `out_json` is NULL or writable by this function's contract.
    unsafe { answer_json(out_json, produce) }
}

/// Frees a string this library returned through an out-parameter
/// (`nettx_evaluate_json`, `nettx_evaluation_to_json`, an error document, the
/// parts from `nettx_error_read`). NULL is a no-op.
///
/// Never pass it a static string (`nettx_version`, `nettx_name`, …) or one
/// owned by an evaluation, and never free a library string with `free()`.
///
/// # Safety
///
/// `s` must be NULL or a string returned through an out-parameter of this
/// library, not freed before and not used after.
#[no_mangle]
pub unsafe extern "C" fn nettx_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: such a string was made by `CString::into_raw` in this
            // library and is given back exactly once, by the caller's contract.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

/// The longest text `nettx_error_read` reads (it looks at no more than one
/// byte beyond, for the NUL).
pub(crate) const MAX_ERROR_JSON_BYTES: usize = 1 << 20;

/// The parts of an error document from this library, for callers that want
/// the kind, field and message without a JSON parser.
fn error_parts(doc: &Value) -> Option<(nettx_status, Option<&str>, &str)> {
    let error = doc.get("error")?;
    let kind = ErrorKind::from_name(error.get("kind")?.as_str()?)?;
    let message = error.get("message")?.as_str()?;
    let field = match error.get("field") {
        None => None,
        Some(f) => Some(f.as_str()?),
    };
    let status = crate::util::status_of(&Error::new(kind, None, ""));
    Some((status, field, message))
}

/// Reads an error document that this library returned (from
/// `nettx_evaluate_json`, `nettx_evaluate`, …), for callers without a JSON
/// parser.
///
/// Returns the status of the document's kind (`NETTX_ERR_PARSE`,
/// `NETTX_ERR_FIELD`, `NETTX_ERR_CONTRADICTION` or `NETTX_ERR_INTERNAL`) and
/// writes `*field` (NULL when the error names no field) and `*message` as new
/// strings the caller frees with `nettx_string_free`; `field` and `message` may
/// each be NULL when not wanted. A NUL inside the field or message (JSON
/// `\u0000`, say in an unknown key the input held) is written as U+FFFD, so
/// neither is ever cut short or NULL for it. Returns `NETTX_OK` and writes
/// nothing if the text is not an error document (an evaluation, say) or is
/// longer than 1 MiB (1,048,576 bytes), and `NETTX_ERR_NULL_ARGUMENT` if
/// `error_json` is NULL.
///
/// # Safety
///
/// `error_json` must be NULL or a NUL-terminated string (at most 1,048,577
/// bytes of it are read looking for its NUL); `field` and `message` must be
/// NULL or point to writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn nettx_error_read(
    error_json: *const c_char,
    field: *mut *mut c_char,
    message: *mut *mut c_char,
) -> c_int {
    guard(code(nettx_status::NETTX_ERR_PANIC), || {
        if error_json.is_null() {
            return code(nettx_status::NETTX_ERR_NULL_ARGUMENT);
        }
        // SAFETY: `error_json` is non-null and NUL-terminated by the caller's
        // contract; the slice is used only during this call.
        let Ok(bytes) = (unsafe { read_bounded(error_json, MAX_ERROR_JSON_BYTES) }) else {
            return code(nettx_status::NETTX_OK);
        };
        let Ok(doc) = serde_json::from_slice::<Value>(bytes) else {
            return code(nettx_status::NETTX_OK);
        };
        let Some((status, field_text, message_text)) = error_parts(&doc) else {
            return code(nettx_status::NETTX_OK);
        };
        // A lossy copy: a NUL (JSON `\u0000`) becomes U+FFFD, so the C string
        // is whole and never NULL.
        let to_c = |s: &str| {
            CString::new(s.replace('\0', "\u{FFFD}"))
                .unwrap_or_default()
                .into_raw()
        };
        if !field.is_null() {
            let value = field_text.map_or(std::ptr::null_mut(), to_c);
            // SAFETY: `field` is non-null and points to a writable `char *` by
            // the caller's contract.
            unsafe { field.write(value) };
        }
        if !message.is_null() {
            // SAFETY: `message` is non-null and points to a writable `char *`
            // by the caller's contract.
            unsafe { message.write(to_c(message_text)) };
        }
        code(status)
    })
}
