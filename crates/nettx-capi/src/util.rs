//! The plumbing every export shares: the panic boundary, bounded reading of C
//! strings, and handing strings over to C.

use crate::status::nettx_status;
use nettx_core::{Error, ErrorKind};
use std::ffi::{c_char, c_int, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into `on_panic`: no unwind ever crosses into C.
///
/// The panic payload is forgotten rather than dropped, because dropping it
/// could panic again outside the boundary (it leaks a few bytes, once per
/// panic, and a panic is a bug).
pub(crate) fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(payload) => {
            std::mem::forget(payload);
            on_panic
        }
    }
}

/// The status that goes with an error's kind.
pub(crate) fn status_of(e: &Error) -> nettx_status {
    match e.kind() {
        ErrorKind::Parse => nettx_status::NETTX_ERR_PARSE,
        ErrorKind::Field => nettx_status::NETTX_ERR_FIELD,
        ErrorKind::Contradiction => nettx_status::NETTX_ERR_CONTRADICTION,
        ErrorKind::Internal => nettx_status::NETTX_ERR_INTERNAL,
    }
}

/// A failure of an export: its status and the error document that says why.
pub(crate) struct Failure {
    pub status: nettx_status,
    pub error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            status: status_of(&error),
            error,
        }
    }
}

impl Failure {
    /// A NULL pointer where `argument` was required.
    pub fn null_argument(argument: &str) -> Self {
        Failure {
            status: nettx_status::NETTX_ERR_NULL_ARGUMENT,
            error: Error::new(
                ErrorKind::Parse,
                None,
                format!("{argument} is NULL; pass a valid pointer (see the header's conventions)"),
            ),
        }
    }

    /// A panic caught at the boundary.
    pub fn panic() -> Self {
        Failure {
            status: nettx_status::NETTX_ERR_PANIC,
            error: Error::new(
                ErrorKind::Internal,
                None,
                "a panic inside libnettx was caught (a bug in the library); nothing was evaluated, please report it",
            ),
        }
    }
}

/// Why a C string could not be read within its bound.
pub(crate) struct TooLong;

/// Reads the NUL-terminated string at `ptr`, looking at no more than
/// `max_len + 1` bytes: a string longer than `max_len` bytes is [`TooLong`]
/// and the rest of it is never read.
///
/// # Safety
///
/// `ptr` must be non-null and point to a NUL-terminated string, or to at
/// least `max_len + 1` readable bytes; the bytes must not change while the
/// returned slice lives (the slice borrows the caller's memory).
pub(crate) unsafe fn read_bounded<'a>(
    ptr: *const c_char,
    max_len: usize,
) -> Result<&'a [u8], TooLong> {
    let bytes = ptr.cast::<u8>();
    let mut len = 0;
    loop {
        if len > max_len {
            return Err(TooLong);
        }
        // SAFETY: the caller guarantees the string is NUL-terminated or has
        // max_len + 1 readable bytes; every byte before this one was not NUL
        // and `len <= max_len`, so this byte is still inside the string.
        let byte = unsafe { bytes.add(len).read() };
        if byte == 0 {
            break;
        }
        len += 1;
    }
    // SAFETY: the `len` bytes before the NUL were just read one by one, so
    // they are readable and initialised; the caller keeps them unchanged.
    Ok(unsafe { std::slice::from_raw_parts(bytes, len) })
}

/// Hands `text` to C as a NUL-terminated string that the caller frees with
/// `nettx_string_free`.
pub(crate) fn into_c_string(text: String) -> Result<*mut c_char, Failure> {
    match CString::new(text) {
        Ok(c) => Ok(c.into_raw()),
        // JSON escapes NUL, so neither an evaluation nor an error document
        // can contain one; this is a bug if it ever happens.
        Err(_) => Err(Failure::from(Error::new(
            ErrorKind::Internal,
            None,
            "an output string contained a NUL byte (a bug in the library); please report it",
        ))),
    }
}

/// The error document of a failure as a C string (falls back to a static
/// document if even that cannot be made).
pub(crate) fn failure_document(failure: &Failure) -> *mut c_char {
    match CString::new(failure.error.to_json()) {
        Ok(c) => c.into_raw(),
        Err(_) => CString::from(c"{\"error\":{\"kind\":\"internal\",\"message\":\"an error document contained a NUL byte (a bug in the library); please report it\"}}").into_raw(),
    }
}

/// The body of every export that answers with one JSON string through
/// `out_json` (an evaluation, or the error document): runs `produce` inside
/// the panic boundary and writes its text, or the error document of its
/// failure (or of a panic), to `*out_json`. Returns the status.
///
/// # Safety
///
/// `out_json` must be NULL or point to a writable `char *`; with NULL,
/// `NETTX_ERR_NULL_ARGUMENT` is returned and nothing runs or is written.
pub(crate) unsafe fn answer_json(
    out_json: *mut *mut c_char,
    produce: impl FnOnce() -> Result<String, Failure>,
) -> c_int {
    if out_json.is_null() {
        return code(nettx_status::NETTX_ERR_NULL_ARGUMENT);
    }
    let (status, text) = guard(
        (nettx_status::NETTX_ERR_PANIC, std::ptr::null_mut()),
        || match produce().and_then(into_c_string) {
            Ok(text) => (nettx_status::NETTX_OK, text),
            Err(failure) => (failure.status, failure_document(&failure)),
        },
    );
    let text = if text.is_null() {
        failure_document(&Failure::panic())
    } else {
        text
    };
    // SAFETY: `out_json` is non-null (checked above) and points to a
    // writable `char *` by the caller's contract.
    unsafe { out_json.write(text) };
    code(status)
}

/// The C value of a status.
pub(crate) fn code(status: nettx_status) -> c_int {
    status as c_int
}
