//! The status every fallible function returns.

use nettx_core::ErrorKind;

/// What a nettx function that can fail returns (as an `int`).
///
/// `NETTX_OK` is 0; every other value is an error. The four error kinds of an
/// error document (`parse`, `field`, `contradiction`, `internal`) have one value
/// each, numbered in that order from 1; `NETTX_ERR_NULL_ARGUMENT` and
/// `NETTX_ERR_PANIC` say that the call itself was refused. Names of the values:
/// `nettx_name(NETTX_VOCABULARY_STATUS, status)` (`"ok"`, `"parse"`, …).
/// cbindgen:prefix-with-name=false
/// cbindgen:rename-all=None
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_status {
    /// Success.
    NETTX_OK = 0,
    /// The input is not a JSON object within the limits (error kind `parse`).
    NETTX_ERR_PARSE = 1,
    /// A field is unknown, of the wrong type or out of range (error kind `field`).
    NETTX_ERR_FIELD = 2,
    /// Fields contradict each other (error kind `contradiction`).
    NETTX_ERR_CONTRADICTION = 3,
    /// A fault inside the library, a bug (error kind `internal`).
    NETTX_ERR_INTERNAL = 4,
    /// A required pointer argument was NULL; nothing was done.
    NETTX_ERR_NULL_ARGUMENT = 5,
    /// A panic inside the library was caught at the boundary (a bug); nothing
    /// was evaluated. Its error document has kind `internal`.
    NETTX_ERR_PANIC = 6,
}

/// Every status, in numeric order.
pub(crate) const ALL_STATUSES: [nettx_status; 7] = [
    nettx_status::NETTX_OK,
    nettx_status::NETTX_ERR_PARSE,
    nettx_status::NETTX_ERR_FIELD,
    nettx_status::NETTX_ERR_CONTRADICTION,
    nettx_status::NETTX_ERR_INTERNAL,
    nettx_status::NETTX_ERR_NULL_ARGUMENT,
    nettx_status::NETTX_ERR_PANIC,
];

impl nettx_status {
    /// The stable name of the status: the error kind's wire name for the four
    /// kinds, else `ok`, `null_argument` or `panic`.
    pub const fn name(self) -> &'static str {
        match self {
            nettx_status::NETTX_OK => "ok",
            nettx_status::NETTX_ERR_PARSE => ErrorKind::Parse.as_str(),
            nettx_status::NETTX_ERR_FIELD => ErrorKind::Field.as_str(),
            nettx_status::NETTX_ERR_CONTRADICTION => ErrorKind::Contradiction.as_str(),
            nettx_status::NETTX_ERR_INTERNAL => ErrorKind::Internal.as_str(),
            nettx_status::NETTX_ERR_NULL_ARGUMENT => "null_argument",
            nettx_status::NETTX_ERR_PANIC => "panic",
        }
    }
}
