//! The limits that keep hostile input cheap, in one place.
//!
//! | limit | value | over it |
//! |-------|-------|---------|
//! | [`MAX_CASE_JSON_BYTES`] | 65,536 bytes of JSON text per case | `parse` error, no field, before any parsing |
//! | [`MAX_NESTING_DEPTH`] | 127 levels of arrays and objects, the case object being level 1 | `parse` error, no field |
//! | [`MAX_CASE_ID_BYTES`] | 256 bytes of UTF-8 in `case_id` | `field` error, field `case_id` (JSON or typed input) |
//! | [`MAX_BATCH_CASES`] | 1,000,000 cases per call of a batch API | `parse` error, no field, before any case is evaluated |
//!
//! The first three hold in every entry point that reads JSON text (Rust, C,
//! Python, the command line); `case_id`'s limit holds for typed input too.
//! The batch limit is for the bindings' batch calls (Python's
//! `evaluate_many` and `evaluate_frame`), which hold a whole batch in memory;
//! the command line streams JSON Lines and takes any number of cases.

use crate::error::Error;

pub use crate::case::MAX_CASE_ID_BYTES;

/// Largest accepted JSON text for one case, in bytes. A longer text is refused
/// with a `parse` error (no field) before it is parsed, whatever it holds.
pub const MAX_CASE_JSON_BYTES: usize = 65_536;

/// Deepest accepted nesting of arrays and objects in a case's JSON text,
/// counting the case object itself as level 1 (so a field's value may nest
/// 126 levels). Deeper text is refused with a `parse` error (no field), even
/// under an unknown key.
///
/// This is the limit of the JSON parser the core uses (serde_json refuses a
/// 128th level); a test checks that the two agree.
pub const MAX_NESTING_DEPTH: usize = 127;

/// Most cases one call of a batch API accepts (Python's `evaluate_many` and
/// `evaluate_frame`). A larger batch is refused as a whole with a `parse`
/// error (no field, no row) before any case is evaluated; split the cohort
/// into smaller batches.
pub const MAX_BATCH_CASES: usize = 1_000_000;

/// Checks the size of a batch whose length is known: at most
/// [`MAX_BATCH_CASES`] cases, else a `parse` error (no field) that names the
/// limit and the count.
///
/// ```
/// assert!(nettx::check_batch_len(1_000_000).is_ok());
/// let e = nettx::check_batch_len(1_000_001).unwrap_err();
/// assert_eq!(e.kind(), nettx::ErrorKind::Parse);
/// assert_eq!(e.field_name(), None);
/// assert!(e.message().contains("at most 1,000,000 cases, got 1,000,001"));
/// ```
pub fn check_batch_len(cases: usize) -> Result<(), Error> {
    if cases > MAX_BATCH_CASES {
        return Err(batch_error(&grouped(cases)));
    }
    Ok(())
}

/// Checks a batch read one case at a time (an iterator whose length is not
/// known): `counted` is the number of cases read so far. Call it for each
/// case before using it; it fails as soon as the count passes
/// [`MAX_BATCH_CASES`], so that the rest of the input is never read.
///
/// ```
/// assert!(nettx::check_batch_progress(1_000_000).is_ok());
/// let e = nettx::check_batch_progress(1_000_001).unwrap_err();
/// assert!(e.message().contains("got more than 1,000,000"));
/// ```
pub fn check_batch_progress(counted: usize) -> Result<(), Error> {
    if counted > MAX_BATCH_CASES {
        return Err(batch_error(&format!(
            "more than {}",
            grouped(MAX_BATCH_CASES)
        )));
    }
    Ok(())
}

fn batch_error(got: &str) -> Error {
    Error::parse(format!(
        "a batch holds at most {} cases, got {got}; split the cohort into smaller batches",
        grouped(MAX_BATCH_CASES)
    ))
}

/// `n` with a comma between groups of three digits (`1,000,000`).
pub(crate) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::ErrorKind;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (65_536, "65,536"),
            (1_000_001, "1,000,001"),
            (usize::MAX, &grouped(usize::MAX)),
        ] {
            assert_eq!(grouped(n), text);
        }
        assert!(grouped(usize::MAX).split(',').all(|g| g.len() <= 3));
    }

    #[test]
    fn batch_limit_is_inclusive_and_a_parse_error() {
        assert_eq!(check_batch_len(0), Ok(()));
        assert_eq!(check_batch_len(MAX_BATCH_CASES), Ok(()));
        assert_eq!(check_batch_progress(MAX_BATCH_CASES), Ok(()));
        for e in [
            check_batch_len(MAX_BATCH_CASES + 1),
            check_batch_len(usize::MAX),
            check_batch_progress(MAX_BATCH_CASES + 1),
        ] {
            let Err(e) = e else {
                unreachable!("over the limit is an error")
            };
            assert_eq!(e.kind(), ErrorKind::Parse);
            assert_eq!(e.field_name(), None);
            assert!(e.message().contains("at most 1,000,000 cases"));
            assert!(e
                .message()
                .ends_with("split the cohort into smaller batches"));
        }
        let Err(e) = check_batch_len(1_000_001) else {
            unreachable!("over the limit is an error")
        };
        assert!(e.message().contains("got 1,000,001;"), "{}", e.message());
    }
}
