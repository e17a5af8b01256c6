//! Invariants of libnettx's C entry points on arbitrary bytes, called through
//! this crate's exported functions exactly as C calls them. Not part of the C
//! interface: compiled for this crate's unit tests, which replay the saved
//! inputs (`fuzz_regressions.rs`), and, with the `checks` feature, for the
//! `c_json` and `c_typed` fuzz targets (`fuzz/`, which depend on this crate
//! with that feature). The core's side of every check is
//! `nettx_checks::core_checks`.
//!
//! `c_json` ([`check_c_json`]), for any bytes:
//! - `nettx_evaluate_json_len` on exactly the bytes (embedded NULs included)
//!   and `nettx_evaluate_json` on a NUL-terminated copy (which sees only the
//!   bytes before the first NUL) always write a document;
//! - the status is `NETTX_OK` exactly when the document is an evaluation,
//!   otherwise it is the status of the error document's kind (`parse`,
//!   `field` or `contradiction`: never `internal` or a panic);
//!   `nettx_error_read` returns the same status and the document's field and
//!   message (NUL as U+FFFD), and writes nothing for an evaluation;
//! - the document is byte for byte the core's answer for the same text
//!   (`evaluate_json_bytes`), which passes all of `core_checks`; the one
//!   exception is a NUL-terminated text over 65,536 bytes, which
//!   `nettx_evaluate_json` refuses after reading 65,537 bytes, with a `parse`
//!   error of its own wording;
//! - every string is freed with `nettx_string_free`.
//!
//! `c_typed` ([`check_c_typed`]): the bytes are decoded into a `nettx_case`
//! ([`TypedInput`] says how) with any integer in every enum and tri-state
//! field, any byte in `has_tumor_size`, any f64 bit pattern in
//! `tumor_size_cm`, any `struct_size` and any `case_id` (NULL, not UTF-8,
//! over-long). `nettx_evaluate` is called on it, then:
//! - on success `*out` is a handle and `*error_json` is untouched; every
//!   accessor of the evaluation is read, for every index and one past the end,
//!   and together they must give exactly the document of
//!   `nettx_evaluation_to_json` (enum values and their names agree through
//!   `nettx_name`); the handle is freed;
//! - on failure `*out` is untouched, and `*error_json` (unless NULL was
//!   passed, which the input may ask for) is an error document whose kind
//!   matches the status, read back by `nettx_error_read`;
//! - the answer equals the JSON entry's for the equivalent JSON case: each
//!   field written as JSON gives it (a named enum value as its name, an
//!   unknown one left out, any other integer as that JSON number, a finite
//!   size as its shortest round-trip number). A success must be the same
//!   document byte for byte; a refusal the same status and document, except
//!   that an out-of-range `tumor_size_cm` is compared by status, kind and
//!   field only (a C double has no text to quote: C's message shows Rust's
//!   `{}` of it, JSON's the number as written). Where the JSON text would be
//!   over 65,536 bytes (a long `case_id` full of escapes) or cannot hold the
//!   value (NaN, infinities), the core's converter of host values
//!   (`case_from_entry_values`) stands in for the JSON entry, with the same
//!   checks and messages. Cases without any JSON equivalent must be refused
//!   with a fixed status and field: a `struct_size` other than
//!   `sizeof(nettx_case)` (`parse`, no field), a `case_id` that is not UTF-8
//!   or is over 65,536 bytes (`field`, `case_id`).

use crate::{
    nettx_case, nettx_case_init, nettx_engine_name, nettx_error_read, nettx_evaluate,
    nettx_evaluate_json, nettx_evaluate_json_len, nettx_evaluation, nettx_evaluation_case_digest,
    nettx_evaluation_case_id, nettx_evaluation_disease_state, nettx_evaluation_free,
    nettx_evaluation_goal, nettx_evaluation_goal_count, nettx_evaluation_in_scope,
    nettx_evaluation_missing_count, nettx_evaluation_missing_field,
    nettx_evaluation_missing_field_name, nettx_evaluation_missing_reason,
    nettx_evaluation_recommendation_category, nettx_evaluation_recommendation_code,
    nettx_evaluation_recommendation_code_name, nettx_evaluation_recommendation_count,
    nettx_evaluation_recommendation_intent, nettx_evaluation_recommendation_rationale,
    nettx_evaluation_recommendation_source, nettx_evaluation_recommendation_source_count,
    nettx_evaluation_recommendation_strength, nettx_evaluation_recommendation_summary,
    nettx_evaluation_recommendation_urgency, nettx_evaluation_to_json,
    nettx_evaluation_trace_count, nettx_evaluation_trace_detail, nettx_evaluation_trace_fired,
    nettx_evaluation_trace_rule, nettx_evaluation_trace_rule_id, nettx_evaluation_warning_code,
    nettx_evaluation_warning_code_name, nettx_evaluation_warning_count,
    nettx_evaluation_warning_message, nettx_evaluation_warning_source,
    nettx_evaluation_warning_source_count, nettx_guideline_digest, nettx_guideline_id,
    nettx_guideline_version, nettx_name, nettx_status, nettx_status_name, nettx_string_free,
    nettx_version, nettx_vocabulary,
};
use nettx_checks::core_checks::{self, until_nul};
use nettx_core::{
    Complication, EntryValue, Error, ErrorKind, Histology, Site, SsaResponse, Vocabulary,
    MAX_CASE_JSON_BYTES,
};
use serde_json::{Map, Value};
use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr::{null, null_mut};

// ---------------------------------------------------------------------------
// Statuses and strings
// ---------------------------------------------------------------------------

const OK: c_int = nettx_status::NETTX_OK as c_int;
const PARSE: c_int = nettx_status::NETTX_ERR_PARSE as c_int;
const FIELD: c_int = nettx_status::NETTX_ERR_FIELD as c_int;

/// The status of an error kind, as the C interface numbers them.
fn status_of(kind: ErrorKind) -> c_int {
    let status = match kind {
        ErrorKind::Parse => nettx_status::NETTX_ERR_PARSE,
        ErrorKind::Field => nettx_status::NETTX_ERR_FIELD,
        ErrorKind::Contradiction => nettx_status::NETTX_ERR_CONTRADICTION,
        ErrorKind::Internal => nettx_status::NETTX_ERR_INTERNAL,
    };
    status as c_int
}

/// The status and document the core's answer stands for.
fn answer_of(answer: &Result<String, Error>) -> (c_int, String) {
    match answer {
        Ok(json) => (OK, json.clone()),
        Err(e) => (status_of(e.kind()), e.to_json()),
    }
}

/// A string the library returned through an out-parameter, handed back with
/// `nettx_string_free` (exactly once) when dropped.
struct LibString(*mut c_char);

impl LibString {
    /// Takes ownership of a string the library wrote (it must have written one).
    fn take(ptr: *mut c_char) -> LibString {
        assert!(
            !ptr.is_null(),
            "the library wrote NULL where a string was due"
        );
        LibString(ptr)
    }

    /// The string's text (it must be UTF-8).
    fn text(&self) -> String {
        // SAFETY: a non-NULL string from the library's out-parameter is
        // NUL-terminated and alive until it is freed in `drop`.
        let text = unsafe { CStr::from_ptr(self.0) };
        text.to_str()
            .unwrap_or_else(|e| panic!("a library string is not UTF-8: {e}"))
            .to_owned()
    }
}

impl Drop for LibString {
    fn drop(&mut self) {
        // SAFETY: the string came from an out-parameter of the library, is
        // freed only here, and is not used after.
        unsafe { nettx_string_free(self.0) };
    }
}

/// A static or evaluation-owned string an accessor returned (None for NULL).
fn borrowed(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a non-NULL string from an accessor is NUL-terminated and static
    // or owned by an evaluation that outlives this call (callers hold it).
    let text = unsafe { CStr::from_ptr(ptr) };
    Some(
        text.to_str()
            .unwrap_or_else(|e| panic!("a library string is not UTF-8: {e}"))
            .to_owned(),
    )
}

/// `nettx_name(vocabulary, value)`, which must exist.
fn name(vocabulary: nettx_vocabulary, value: i32) -> String {
    borrowed(nettx_name(vocabulary as i32, value))
        .unwrap_or_else(|| panic!("{vocabulary:?} has no name for {value}"))
}

// ---------------------------------------------------------------------------
// The JSON entries
// ---------------------------------------------------------------------------

/// `nettx_evaluate_json_len` on exactly `data`: the status and the document.
pub fn evaluate_json_len(data: &[u8]) -> (c_int, String) {
    let mut out = null_mut();
    // SAFETY: `data` is `data.len()` readable bytes (a dangling but non-NULL
    // pointer when empty, never read); `out` is a writable pointer.
    let status = unsafe { nettx_evaluate_json_len(data.as_ptr().cast(), data.len(), &mut out) };
    (status, LibString::take(out).text())
}

/// `nettx_evaluate_json` on a NUL-terminated string: the status and document.
pub fn evaluate_json_nul(text: &CStr) -> (c_int, String) {
    let mut out = null_mut();
    // SAFETY: `text` is a NUL-terminated string alive for the call; `out` is
    // a writable pointer.
    let status = unsafe { nettx_evaluate_json(text.as_ptr(), &mut out) };
    (status, LibString::take(out).text())
}

/// What `nettx_error_read` gives for `doc`: its status and, if it wrote them,
/// the field (None inside: it wrote NULL) and the message.
type ErrorRead = (c_int, Option<Option<String>>, Option<String>);

fn error_read(doc: &str) -> ErrorRead {
    static MARK: u8 = 0;
    // A pointer the library never returns: it tells "not written" apart.
    let mark = std::ptr::addr_of!(MARK).cast::<c_char>().cast_mut();
    let text = CString::new(doc).unwrap_or_else(|e| panic!("a document holds a NUL: {e}"));
    let (mut field, mut message) = (mark, mark);
    // SAFETY: `text` is NUL-terminated and alive for the call; `field` and
    // `message` are writable pointers.
    let status = unsafe { nettx_error_read(text.as_ptr(), &mut field, &mut message) };
    let field = (field != mark).then(|| (!field.is_null()).then(|| LibString(field).text()));
    let message = (message != mark).then(|| LibString::take(message).text());
    (status, field, message)
}

/// Checks the status of a C answer against its document, independently of
/// the core: OK exactly for an evaluation, else the error kind's status, and
/// `nettx_error_read` agrees. Returns the parsed document.
fn check_status_doc(status: c_int, doc: &str) -> Value {
    let v: Value = serde_json::from_str(doc).unwrap_or_else(|e| {
        panic!("status {status} with a document that is not JSON ({e}): {doc}")
    });
    let read = error_read(doc);
    if status == OK {
        assert!(
            v.get("error").is_none() && v.get("guideline").is_some(),
            "status OK without an evaluation: {doc}"
        );
        assert_eq!(read, (OK, None, None), "nettx_error_read of an evaluation");
    } else {
        let error = v
            .get("error")
            .unwrap_or_else(|| panic!("status {status} without an error document: {doc}"));
        let kind = error.get("kind").and_then(Value::as_str);
        assert!(
            matches!(kind, Some("parse" | "field" | "contradiction")),
            "status {status}, document {doc}"
        );
        assert_eq!(
            borrowed(nettx_status_name(status)).as_deref(),
            kind,
            "status {status} and the kind of {doc}"
        );
        let lossy = |s: &str| s.replace('\0', "\u{FFFD}");
        let field = error.get("field").and_then(Value::as_str).map(lossy);
        let message = error.get("message").and_then(Value::as_str).map(lossy);
        assert_eq!(
            read,
            (status, Some(field), message),
            "nettx_error_read of {doc}"
        );
    }
    v
}

/// Checks a C answer against the core's answer for the same text.
fn check_answer(status: c_int, doc: &str, expected: &Result<String, Error>) {
    check_status_doc(status, doc);
    let (expected_status, expected_doc) = answer_of(expected);
    assert_eq!(status, expected_status, "status of {doc}");
    assert_eq!(doc, expected_doc, "the C entry and the core disagree");
}

/// The `c_json` target: see the module documentation.
pub fn check_c_json(data: &[u8]) {
    let expected = core_checks::checked_answer(data);
    let (status, doc) = evaluate_json_len(data);
    check_answer(status, &doc, &expected);

    let prefix = until_nul(data);
    let text = CString::new(prefix).unwrap_or_else(|e| panic!("NUL before the first NUL: {e}"));
    let (status, doc) = evaluate_json_nul(&text);
    if prefix.len() > MAX_CASE_JSON_BYTES {
        // Refused after 65,537 bytes, with no length to quote.
        let v = check_status_doc(status, &doc);
        assert_eq!(status, PARSE, "an over-long text: {doc}");
        assert!(v["error"].get("field").is_none(), "{doc}");
    } else if prefix.len() == data.len() {
        check_answer(status, &doc, &expected);
    } else {
        check_answer(status, &doc, &core_checks::checked_answer(prefix));
    }
}

// ---------------------------------------------------------------------------
// The typed case
// ---------------------------------------------------------------------------

/// `sizeof(nettx_case)`, what `nettx_case_init` writes to `struct_size`.
pub const STRUCT_SIZE: u32 = {
    let size = std::mem::size_of::<nettx_case>();
    assert!(size <= u32::MAX as usize);
    size as u32
};

/// The memory of a `nettx_case` as C may fill it: plain integers, so that it
/// can hold any value (a `nettx_case` holding an enum value its Rust enum
/// does not name would be undefined behaviour in Rust; in C it is an int).
#[repr(C)]
struct CCase {
    struct_size: u32,
    case_id: *const c_char,
    primary_site: i32,
    histology: i32,
    has_tumor_size: u8,
    tumor_size_cm: f64,
    facts: [i32; 6],
    complications: u32,
    ssa_response: i32,
}

// `CCase` must be `nettx_case`'s exact layout.
const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<CCase>() == size_of::<nettx_case>());
    assert!(align_of::<CCase>() == align_of::<nettx_case>());
    assert!(offset_of!(CCase, struct_size) == offset_of!(nettx_case, struct_size));
    assert!(offset_of!(CCase, case_id) == offset_of!(nettx_case, case_id));
    assert!(offset_of!(CCase, primary_site) == offset_of!(nettx_case, primary_site));
    assert!(offset_of!(CCase, histology) == offset_of!(nettx_case, histology));
    assert!(offset_of!(CCase, has_tumor_size) == offset_of!(nettx_case, has_tumor_size));
    assert!(offset_of!(CCase, tumor_size_cm) == offset_of!(nettx_case, tumor_size_cm));
    assert!(offset_of!(CCase, facts) == offset_of!(nettx_case, local_spread));
    assert!(offset_of!(nettx_case, metastatic) == offset_of!(nettx_case, local_spread) + 4);
    assert!(offset_of!(nettx_case, hepatic_metastases) == offset_of!(nettx_case, local_spread) + 8);
    assert!(
        offset_of!(nettx_case, extrahepatic_metastases)
            == offset_of!(nettx_case, local_spread) + 12
    );
    assert!(
        offset_of!(nettx_case, metastases_resectable) == offset_of!(nettx_case, local_spread) + 16
    );
    assert!(
        offset_of!(nettx_case, carcinoid_syndrome) == offset_of!(nettx_case, local_spread) + 20
    );
    assert!(offset_of!(CCase, complications) == offset_of!(nettx_case, complications));
    assert!(offset_of!(CCase, ssa_response) == offset_of!(nettx_case, ssa_response));
};

/// The tri-state facts of a case, in the order of `nettx_case` (and of JSON's
/// field table).
const FACTS: [&str; 6] = [
    "local_spread",
    "metastatic",
    "hepatic_metastases",
    "extrahepatic_metastases",
    "metastases_resectable",
    "carcinoid_syndrome",
];

/// Flag bits of a [`TypedInput`]'s first byte.
const FLAG_STRUCT_SIZE: u8 = 1 << 0;
const FLAG_CASE_ID: u8 = 1 << 1;
const FLAG_NULL_ERROR_JSON: u8 = 1 << 2;
const FLAG_COMPACT: u8 = 1 << 3;

/// A typed case as the `c_typed` target reads it from its bytes. Missing
/// bytes read as 0; all integers are little-endian.
///
/// ```text
/// byte 0     flags: bit 0  struct_size is the next u32 (else sizeof(nettx_case))
///                   bit 1  case_id is the rest of the input (else NULL)
///                   bit 2  nettx_evaluate's error_json out-parameter is NULL
///                   bit 3  compact: enum fields are one byte (i8), complications one (u8)
/// bytes 1-4  struct_size (u32; always present, used only with bit 0)
/// then       primary_site, histology                       (i32, or i8 if compact)
///            has_tumor_size                                (u8, any value: non-zero is true)
///            tumor_size_cm                                 (f64 bits, u64)
///            local_spread, metastatic, hepatic_metastases, extrahepatic_metastases,
///            metastases_resectable, carcinoid_syndrome     (i32, or i8 if compact)
///            complications                                 (u32, or u8 if compact)
///            ssa_response                                  (i32, or i8 if compact)
/// rest       case_id, up to its first NUL (with bit 1)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TypedInput {
    /// `struct_size`; None for `sizeof(nettx_case)`.
    pub struct_size: Option<u32>,
    /// Pass NULL as `error_json`.
    pub null_error_json: bool,
    /// Encode the enums in one byte each.
    pub compact: bool,
    /// `case_id` (its bytes, no NUL); None for a NULL pointer.
    pub case_id: Option<Vec<u8>>,
    /// `primary_site`.
    pub primary_site: i32,
    /// `histology`.
    pub histology: i32,
    /// `has_tumor_size` (as a byte: C's `bool` is one).
    pub has_tumor_size: u8,
    /// `tumor_size_cm`.
    pub tumor_size_cm: f64,
    /// The facts, in the order of [`FACTS`].
    pub facts: [i32; 6],
    /// `complications` (bits).
    pub complications: u32,
    /// `ssa_response`.
    pub ssa_response: i32,
}

/// Reads the fields of a [`TypedInput`], zeros past the end.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let n = N.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        out[..n].copy_from_slice(head);
        self.0 = rest;
        out
    }

    fn int(&mut self, compact: bool) -> i32 {
        if compact {
            i32::from(i8::from_le_bytes(self.bytes()))
        } else {
            i32::from_le_bytes(self.bytes())
        }
    }
}

impl TypedInput {
    /// The case `nettx_case_init` sets up, with `primary_site` set.
    pub fn init(primary_site: i32) -> TypedInput {
        TypedInput {
            struct_size: None,
            null_error_json: false,
            compact: false,
            case_id: None,
            primary_site,
            histology: -1,
            has_tumor_size: 0,
            tumor_size_cm: 0.0,
            facts: [0; 6],
            complications: 0,
            ssa_response: -1,
        }
    }

    /// Reads a typed case from fuzz bytes (see the type's documentation).
    pub fn decode(data: &[u8]) -> TypedInput {
        let mut r = Reader(data);
        let [flags] = r.bytes();
        let compact = flags & FLAG_COMPACT != 0;
        let struct_size = u32::from_le_bytes(r.bytes());
        let primary_site = r.int(compact);
        let histology = r.int(compact);
        let [has_tumor_size] = r.bytes();
        let tumor_size_cm = f64::from_bits(u64::from_le_bytes(r.bytes()));
        let facts = std::array::from_fn(|_| r.int(compact));
        let complications = if compact {
            u32::from(u8::from_le_bytes(r.bytes()))
        } else {
            u32::from_le_bytes(r.bytes())
        };
        let ssa_response = r.int(compact);
        TypedInput {
            struct_size: (flags & FLAG_STRUCT_SIZE != 0).then_some(struct_size),
            null_error_json: flags & FLAG_NULL_ERROR_JSON != 0,
            compact,
            case_id: (flags & FLAG_CASE_ID != 0).then(|| until_nul(r.0).to_vec()),
            primary_site,
            histology,
            has_tumor_size,
            tumor_size_cm,
            facts,
            complications,
            ssa_response,
        }
    }

    /// The fuzz bytes of this case (the inverse of [`TypedInput::decode`]; in
    /// compact form each enum value and the complications are cut to a byte).
    pub fn encode(&self) -> Vec<u8> {
        let mut flags = 0;
        for (on, bit) in [
            (self.struct_size.is_some(), FLAG_STRUCT_SIZE),
            (self.case_id.is_some(), FLAG_CASE_ID),
            (self.null_error_json, FLAG_NULL_ERROR_JSON),
            (self.compact, FLAG_COMPACT),
        ] {
            if on {
                flags |= bit;
            }
        }
        let mut out = vec![flags];
        out.extend(self.struct_size.unwrap_or(STRUCT_SIZE).to_le_bytes());
        let int = |out: &mut Vec<u8>, v: i32| {
            if self.compact {
                out.extend(v.to_le_bytes().first());
            } else {
                out.extend(v.to_le_bytes());
            }
        };
        int(&mut out, self.primary_site);
        int(&mut out, self.histology);
        out.push(self.has_tumor_size);
        out.extend(self.tumor_size_cm.to_bits().to_le_bytes());
        for fact in self.facts {
            int(&mut out, fact);
        }
        if self.compact {
            out.extend(self.complications.to_le_bytes().first());
        } else {
            out.extend(self.complications.to_le_bytes());
        }
        int(&mut out, self.ssa_response);
        if let Some(id) = &self.case_id {
            out.extend(until_nul(id));
        }
        out
    }

    /// The `nettx_case` memory of this input, with `case_id` as given.
    fn to_c(&self, case_id: *const c_char) -> CCase {
        CCase {
            struct_size: self.struct_size.unwrap_or(STRUCT_SIZE),
            case_id,
            primary_site: self.primary_site,
            histology: self.histology,
            has_tumor_size: self.has_tumor_size,
            tumor_size_cm: self.tumor_size_cm,
            facts: self.facts,
            complications: self.complications,
            ssa_response: self.ssa_response,
        }
    }

    /// What the JSON interface answers for the equivalent case (see the
    /// module documentation).
    fn expected(&self) -> Expected {
        if self.struct_size.is_some_and(|s| s != STRUCT_SIZE) {
            return Expected::Refused {
                status: PARSE,
                field: None,
            };
        }
        let mut entries: Vec<(&'static str, EntryValue)> = Vec::new();
        let json = |v: Value| EntryValue::Json(v);
        if let Some(id) = &self.case_id {
            match std::str::from_utf8(id) {
                Ok(id) if id.len() <= MAX_CASE_JSON_BYTES => {
                    entries.push(("case_id", json(Value::from(id))));
                }
                // Not UTF-8, or longer than any JSON case could be.
                _ => {
                    return Expected::Refused {
                        status: FIELD,
                        field: Some("case_id"),
                    }
                }
            }
        }
        // NETTX_SITE_NONE (-1): no site, as a JSON case without primary_site.
        if let Some(v) = enum_value::<Site>(self.primary_site, -1) {
            entries.push(("primary_site", json(v)));
        }
        if let Some(v) = enum_value::<Histology>(self.histology, -1) {
            entries.push(("histology", json(v)));
        }
        if self.has_tumor_size != 0 {
            entries.push(("tumor_size_cm", EntryValue::Float(self.tumor_size_cm)));
        }
        for (key, value) in FACTS.into_iter().zip(self.facts) {
            let v = match value {
                0 => continue,
                1 => Value::Bool(false),
                2 => Value::Bool(true),
                other => Value::from(other),
            };
            entries.push((key, json(v)));
        }
        let all_bits = (1u32 << Complication::ALL.len()) - 1;
        if self.complications & !all_bits != 0 {
            entries.push(("complications", json(Value::from(self.complications))));
        } else if self.complications != 0 {
            let list = Complication::ALL
                .iter()
                .filter(|c| self.complications & (1 << c.index()) != 0)
                .map(|c| Value::from(c.as_str()))
                .collect();
            entries.push(("complications", json(Value::Array(list))));
        }
        if let Some(v) = enum_value::<SsaResponse>(self.ssa_response, -1) {
            entries.push(("ssa_response", json(v)));
        }

        // As a JSON text, when it can be one within the limit.
        let object: Option<Map<String, Value>> = entries
            .iter()
            .map(|(k, v)| match v {
                EntryValue::Json(v) => Some(((*k).to_owned(), v.clone())),
                EntryValue::Float(f) => {
                    serde_json::Number::from_f64(*f).map(|n| ((*k).to_owned(), Value::Number(n)))
                }
                _ => None,
            })
            .collect();
        if let Some(text) = object.and_then(|o| serde_json::to_string(&o).ok()) {
            if text.len() <= MAX_CASE_JSON_BYTES {
                let (status, doc) = evaluate_json_len(text.as_bytes());
                check_status_doc(status, &doc);
                return Expected::Answer { status, doc };
            }
        }
        let answer = nettx_core::case_from_entry_values(entries)
            .map(|case| nettx_core::evaluate(&case).to_json());
        let (status, doc) = answer_of(&answer);
        Expected::Answer { status, doc }
    }
}

/// A C enum value as JSON: None for the enum's unknown value (left out, as
/// JSON leaves an unknown out), the wire name of a value the enum names, any
/// other integer as that JSON number.
fn enum_value<T: Vocabulary>(value: i32, unknown: i32) -> Option<Value> {
    if value == unknown {
        return None;
    }
    let named = usize::try_from(value).ok().and_then(|i| T::ALL.get(i));
    Some(named.map_or_else(|| Value::from(value), |v| Value::from(v.as_str())))
}

/// What a typed case must give (see [`TypedInput::expected`]).
enum Expected {
    /// The status and document of the equivalent JSON case.
    Answer { status: c_int, doc: String },
    /// No JSON equivalent: refused with this status, naming this field.
    Refused {
        status: c_int,
        field: Option<&'static str>,
    },
}

/// An evaluation handle, freed with `nettx_evaluation_free` when dropped (a
/// NULL one reads as the accessors say they read NULL).
struct Handle(*mut nettx_evaluation);

type Accessor<T> = unsafe extern "C" fn(*const nettx_evaluation) -> T;
type Indexed<T> = unsafe extern "C" fn(*const nettx_evaluation, usize) -> T;
type Indexed2<T> = unsafe extern "C" fn(*const nettx_evaluation, usize, usize) -> T;

impl Handle {
    fn get<T>(&self, f: Accessor<T>) -> T {
        // SAFETY: the handle is NULL or live until `drop`; accessors only read.
        unsafe { f(self.0) }
    }

    fn at<T>(&self, f: Indexed<T>, i: usize) -> T {
        // SAFETY: as in `get`; any index is allowed.
        unsafe { f(self.0, i) }
    }

    fn at2<T>(&self, f: Indexed2<T>, i: usize, j: usize) -> T {
        // SAFETY: as in `get`; any indices are allowed.
        unsafe { f(self.0, i, j) }
    }

    fn to_json(&self) -> (c_int, String) {
        let mut out = null_mut();
        // SAFETY: the handle is NULL or live; `out` is a writable pointer.
        let status = unsafe { nettx_evaluation_to_json(self.0, &mut out) };
        (status, LibString::take(out).text())
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from `nettx_evaluate` (or is NULL), is freed
        // only here and not used after.
        unsafe { nettx_evaluation_free(self.0) };
    }
}

/// A string accessor's value, which must not be NULL.
fn text(ptr: *const c_char, what: &str) -> Value {
    Value::from(borrowed(ptr).unwrap_or_else(|| panic!("{what} is NULL")))
}

/// A 0/1 flag accessor's value.
fn flag(value: c_int, what: &str) -> Value {
    match value {
        0 => Value::Bool(false),
        1 => Value::Bool(true),
        other => panic!("{what} is {other}"),
    }
}

/// The evaluation document as the accessors tell it, every index read and
/// one past the end of every list checked.
fn accessor_view(h: &Handle) -> Value {
    use nettx_vocabulary as V;
    let mut doc = Map::new();
    let mut put = |key: &str, v: Value| doc.insert(key.to_owned(), v);

    put(
        "guideline",
        serde_json::json!({
            "id": text(nettx_guideline_id(), "nettx_guideline_id"),
            "version": text(nettx_guideline_version(), "nettx_guideline_version"),
            "digest": text(nettx_guideline_digest(), "nettx_guideline_digest"),
        }),
    );
    put(
        "engine",
        serde_json::json!({
            "name": text(nettx_engine_name(), "nettx_engine_name"),
            "version": text(nettx_version(), "nettx_version"),
        }),
    );
    if let Some(id) = borrowed(h.get(nettx_evaluation_case_id)) {
        put("case_id", Value::from(id));
    }
    put(
        "case_digest",
        text(h.get(nettx_evaluation_case_digest), "case_digest"),
    );
    put(
        "in_scope",
        flag(h.get(nettx_evaluation_in_scope), "in_scope"),
    );
    put(
        "disease_state",
        Value::from(name(V::DiseaseState, h.get(nettx_evaluation_disease_state))),
    );

    let n = h.get(nettx_evaluation_goal_count);
    let goals = (0..n)
        .map(|i| Value::from(name(V::Goal, h.at(nettx_evaluation_goal, i))))
        .collect();
    assert_eq!(h.at(nettx_evaluation_goal, n), -1, "goal past the end");
    put("goals", Value::Array(goals));

    let n = h.get(nettx_evaluation_recommendation_count);
    let mut recommendations = Vec::new();
    for i in 0..=n {
        let code = h.at(nettx_evaluation_recommendation_code, i);
        let code_name = borrowed(h.at(nettx_evaluation_recommendation_code_name, i));
        let category = h.at(nettx_evaluation_recommendation_category, i);
        let strength = h.at(nettx_evaluation_recommendation_strength, i);
        let intent = h.at(nettx_evaluation_recommendation_intent, i);
        let urgency = h.at(nettx_evaluation_recommendation_urgency, i);
        let summary = h.at(nettx_evaluation_recommendation_summary, i);
        let rationale = h.at(nettx_evaluation_recommendation_rationale, i);
        let sources = h.at(nettx_evaluation_recommendation_source_count, i);
        if i == n {
            assert_eq!(
                (code, code_name, category, strength, intent, urgency),
                (-1, None, -1, -1, -1, -1),
                "recommendation past the end"
            );
            assert!(summary.is_null() && rationale.is_null() && sources == 0);
            assert!(h
                .at2(nettx_evaluation_recommendation_source, i, 0)
                .is_null());
            break;
        }
        assert_eq!(code_name, Some(name(V::Code, code)), "code name");
        let sources: Vec<Value> = (0..sources)
            .map(|j| {
                text(
                    h.at2(nettx_evaluation_recommendation_source, i, j),
                    "source",
                )
            })
            .collect();
        assert!(h
            .at2(nettx_evaluation_recommendation_source, i, sources.len())
            .is_null());
        recommendations.push(serde_json::json!({
            "code": code_name,
            "category": name(V::Category, category),
            "strength": name(V::Strength, strength),
            "intent": name(V::Intent, intent),
            "urgency": name(V::Urgency, urgency),
            "summary": text(summary, "summary"),
            "rationale": text(rationale, "rationale"),
            "sources": sources,
        }));
    }
    put("recommendations", Value::Array(recommendations));

    let n = h.get(nettx_evaluation_missing_count);
    let mut missing = Vec::new();
    for i in 0..=n {
        let field = h.at(nettx_evaluation_missing_field, i);
        let field_name = borrowed(h.at(nettx_evaluation_missing_field_name, i));
        let reason = h.at(nettx_evaluation_missing_reason, i);
        if i == n {
            assert_eq!((field, field_name), (-1, None), "missing past the end");
            assert!(reason.is_null());
            break;
        }
        assert_eq!(
            field_name,
            Some(name(V::Field, field)),
            "missing field name"
        );
        missing.push(serde_json::json!({
            "field": field_name,
            "reason": text(reason, "reason"),
        }));
    }
    put("missing", Value::Array(missing));

    let n = h.get(nettx_evaluation_warning_count);
    let mut warnings = Vec::new();
    for i in 0..=n {
        let code = h.at(nettx_evaluation_warning_code, i);
        let code_name = borrowed(h.at(nettx_evaluation_warning_code_name, i));
        let message = h.at(nettx_evaluation_warning_message, i);
        let sources = h.at(nettx_evaluation_warning_source_count, i);
        if i == n {
            assert_eq!(
                (code, code_name, sources),
                (-1, None, 0),
                "warning past the end"
            );
            assert!(message.is_null());
            assert!(h.at2(nettx_evaluation_warning_source, i, 0).is_null());
            break;
        }
        assert_eq!(code_name, Some(name(V::Warning, code)), "warning name");
        let sources: Vec<Value> = (0..sources)
            .map(|j| text(h.at2(nettx_evaluation_warning_source, i, j), "source"))
            .collect();
        assert!(h
            .at2(nettx_evaluation_warning_source, i, sources.len())
            .is_null());
        warnings.push(serde_json::json!({
            "code": code_name,
            "message": text(message, "warning message"),
            "sources": sources,
        }));
    }
    put("warnings", Value::Array(warnings));

    let n = h.get(nettx_evaluation_trace_count);
    let mut trace = Vec::new();
    for i in 0..=n {
        let rule = h.at(nettx_evaluation_trace_rule, i);
        let rule_id = borrowed(h.at(nettx_evaluation_trace_rule_id, i));
        let fired = h.at(nettx_evaluation_trace_fired, i);
        let detail = h.at(nettx_evaluation_trace_detail, i);
        if i == n {
            assert_eq!((rule, rule_id, fired), (-1, None, -1), "trace past the end");
            assert!(detail.is_null());
            break;
        }
        assert_eq!(rule_id, Some(name(V::Rule, rule)), "rule name");
        trace.push(serde_json::json!({
            "rule": rule_id,
            "fired": flag(fired, "fired"),
            "detail": text(detail, "detail"),
        }));
    }
    put("trace", Value::Array(trace));
    Value::Object(doc)
}

/// The accessors on a NULL handle read as documented: -1, NULL or 0.
fn check_null_handle() {
    let h = Handle(null_mut());
    assert!(h.get(nettx_evaluation_case_id).is_null());
    assert!(h.get(nettx_evaluation_case_digest).is_null());
    assert_eq!(h.get(nettx_evaluation_in_scope), -1);
    assert_eq!(h.get(nettx_evaluation_disease_state), -1);
    assert_eq!(h.get(nettx_evaluation_goal_count), 0);
    assert_eq!(h.get(nettx_evaluation_recommendation_count), 0);
    assert_eq!(h.get(nettx_evaluation_missing_count), 0);
    assert_eq!(h.get(nettx_evaluation_warning_count), 0);
    assert_eq!(h.get(nettx_evaluation_trace_count), 0);
    assert_eq!(h.at(nettx_evaluation_goal, 0), -1);
    assert_eq!(h.at(nettx_evaluation_recommendation_code, 0), -1);
    assert!(h.at(nettx_evaluation_recommendation_summary, 0).is_null());
    assert_eq!(h.at(nettx_evaluation_missing_field, 0), -1);
    assert_eq!(h.at(nettx_evaluation_warning_code, 0), -1);
    assert_eq!(h.at(nettx_evaluation_trace_fired, 0), -1);
    assert!(h.at(nettx_evaluation_trace_detail, 0).is_null());
    let (status, doc) = h.to_json();
    assert_eq!(
        status,
        nettx_status::NETTX_ERR_NULL_ARGUMENT as c_int,
        "{doc}"
    );
}

/// `nettx_case_init` writes the state [`TypedInput::init`] describes (with no
/// site), so that the inputs here mean what they say.
fn check_case_init() {
    let mut c = std::mem::MaybeUninit::<nettx_case>::uninit();
    // SAFETY: `c` is writable memory for one `nettx_case`.
    let status = unsafe { nettx_case_init(c.as_mut_ptr()) };
    assert_eq!(status, OK, "nettx_case_init");
    // SAFETY: `nettx_case_init` returned OK, so it wrote every field, each
    // enum with a value its Rust enum names.
    let c = unsafe { c.assume_init() };
    let want = TypedInput::init(-1).to_c(null());
    assert_eq!(c.struct_size, want.struct_size, "struct_size");
    assert!(c.case_id.is_null(), "case_id");
    assert_eq!(
        (
            c.primary_site as i32,
            c.histology as i32,
            c.ssa_response as i32
        ),
        (want.primary_site, want.histology, want.ssa_response),
        "site, histology, ssa_response"
    );
    assert_eq!(
        (c.has_tumor_size, c.tumor_size_cm.to_bits(), c.complications),
        (
            want.has_tumor_size != 0,
            want.tumor_size_cm.to_bits(),
            want.complications
        ),
        "size, complications"
    );
    let facts = [
        c.local_spread,
        c.metastatic,
        c.hepatic_metastases,
        c.extrahepatic_metastases,
        c.metastases_resectable,
        c.carcinoid_syndrome,
    ];
    assert_eq!(facts.map(|f| f as i32), want.facts, "facts");
}

/// The `c_typed` target: see the module documentation.
pub fn check_c_typed(data: &[u8]) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        check_case_init();
        check_null_handle();
    });

    let input = TypedInput::decode(data);
    let case_id = input.case_id.as_ref().map(|id| {
        CString::new(id.as_slice()).unwrap_or_else(|e| panic!("a case_id holds a NUL: {e}"))
    });
    let c = input.to_c(case_id.as_ref().map_or(null(), |id| id.as_ptr()));
    let mut out = null_mut();
    let mut error = null_mut();
    let error_json: *mut *mut c_char = if input.null_error_json {
        null_mut()
    } else {
        &mut error
    };
    // SAFETY: `c` has the layout of `nettx_case` (checked at compile time)
    // with every field initialised, and its case_id is NULL or a
    // NUL-terminated string alive for the call; `out` is a writable pointer
    // and `error_json` NULL or one.
    let status = unsafe {
        nettx_evaluate(
            std::ptr::from_ref(&c).cast::<nettx_case>(),
            &mut out,
            error_json,
        )
    };
    let expected = input.expected();

    if status == OK {
        assert!(error.is_null(), "error_json written on success");
        let handle = Handle(out);
        assert!(!handle.0.is_null(), "NETTX_OK without an evaluation");
        let (to_json_status, doc) = handle.to_json();
        assert_eq!(to_json_status, OK, "nettx_evaluation_to_json: {doc}");
        let parsed = check_status_doc(OK, &doc);
        assert_eq!(
            accessor_view(&handle),
            parsed,
            "the accessors and nettx_evaluation_to_json disagree"
        );
        match expected {
            Expected::Answer { status, doc: json } => {
                assert_eq!(
                    (status, json.as_str()),
                    (OK, doc.as_str()),
                    "typed and JSON disagree"
                );
            }
            Expected::Refused { status, field } => {
                panic!("accepted a case that must be refused ({status}, {field:?}): {doc}")
            }
        }
        return;
    }

    assert!(out.is_null(), "out written on failure");
    let doc = if input.null_error_json {
        None
    } else {
        Some(LibString::take(error).text())
    };
    let parsed = doc.as_deref().map(|d| check_status_doc(status, d));
    let field_of = |v: &Value| {
        v["error"]
            .get("field")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match expected {
        Expected::Refused {
            status: want,
            field,
        } => {
            assert_eq!(status, want, "status of a case without JSON equivalent");
            if let Some(v) = &parsed {
                assert_eq!(field_of(v).as_deref(), field, "field of {v}");
            }
        }
        Expected::Answer {
            status: want,
            doc: json,
        } => {
            assert_eq!(status, want, "typed status {status}, JSON gives {json}");
            let (Some(doc), Some(v)) = (doc, parsed) else {
                return;
            };
            let want_v: Value = serde_json::from_str(&json).unwrap_or_default();
            if field_of(&want_v).as_deref() == Some("tumor_size_cm") {
                assert_eq!(
                    v["error"]["kind"], want_v["error"]["kind"],
                    "{doc} vs {json}"
                );
                assert_eq!(field_of(&v), field_of(&want_v), "{doc} vs {json}");
                let message = v["error"]["message"].as_str().unwrap_or_default();
                assert!(message.contains("between 0.01 and 30"), "{doc}");
            } else {
                assert_eq!(doc, json, "typed and JSON errors disagree");
            }
        }
    }
}
