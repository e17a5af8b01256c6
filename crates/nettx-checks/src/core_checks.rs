//! Invariants of the core's JSON entry points on arbitrary bytes:
//! `evaluate_json` and `evaluate_json_bytes`, `Case::from_json` and
//! `case_from_json_bytes`, `Case::to_json`, `Error::to_json`.
//!
//! Checked by the `evaluate_json` fuzz target, and by the `c_json` target
//! through the C ABI's checks (which compare the C answers with
//! [`checked_answer`]); replayed over the saved inputs by
//! `crates/nettx-tests/tests/fuzz_regressions.rs`.
//!
//! For any input:
//! - both entries (`&str` and bytes) and both parsers give the same answer,
//!   and give it again when asked twice (byte-identical output);
//! - the answer does not depend on the layout of the object: its members
//!   written compactly, sorted or reversed, give the same answer (unless
//!   several keys are unknown: the first in document order is reported);
//! - on success the output is a JSON evaluation document, the same bytes as
//!   `evaluate(&case).to_json()` and as serde's serialization of the
//!   evaluation; `to_builder().build()` gives the case back; the case
//!   re-serialized with `Case::to_json` parses back to an equal case (a fixed
//!   point) that evaluates to the same bytes; serde's `Deserialize` of the
//!   text accepts the same cases;
//! - on failure the error is never `internal`; its `to_json()` is the error
//!   document (`kind`, `field` only when there is one, `message`); a `parse`
//!   error names no field, a `contradiction` names a field of the case, a
//!   `field` error names a field of the case or, for an unknown key, that key
//!   exactly as the input holds it (which may be the empty key `""`, so
//!   "non-empty" holds for every field name but that one); the message is a
//!   short printable sentence;
//! - bytes that are not UTF-8 are a `parse` error (and their lossy UTF-8
//!   conversion goes through all the checks above as text).

use nettx::{Case, Error, ErrorKind, Field, MAX_CASE_JSON_BYTES};
use serde_json::{Map, Value};

/// Longest error message any input may produce (the bound the core's
/// `tests/bad_input.rs` holds every message to).
pub const MAX_MESSAGE_BYTES: usize = 1000;

/// The keys of an evaluation document (`case_id` only when the case has one).
const EVALUATION_KEYS: [&str; 10] = [
    "guideline",
    "engine",
    "case_digest",
    "in_scope",
    "disease_state",
    "goals",
    "recommendations",
    "missing",
    "warnings",
    "trace",
];

/// The bytes a C string copied from `data` holds: all before the first NUL.
pub fn until_nul(data: &[u8]) -> &[u8] {
    data.iter()
        .position(|&b| b == 0)
        .map_or(data, |nul| data.split_at(nul).0)
}

/// Checks every invariant of the core's JSON entries on `data` (see the
/// module documentation): the `evaluate_json` target.
pub fn check_evaluate_json(data: &[u8]) {
    let _ = checked_answer(data);
}

/// Checks every invariant of the core's JSON entries on `data` and returns the
/// core's answer for these bytes.
pub fn checked_answer(data: &[u8]) -> Result<String, Error> {
    let answer = nettx::evaluate_json_bytes(data);
    assert_eq!(
        nettx::evaluate_json_bytes(data),
        answer,
        "evaluate_json_bytes answers differently the second time"
    );
    match std::str::from_utf8(data) {
        Ok(text) => {
            let by_text = check_text(text);
            assert_eq!(
                answer, by_text,
                "evaluate_json_bytes and evaluate_json disagree"
            );
            assert_eq!(
                nettx::case_from_json_bytes(data),
                Case::from_json(text),
                "case_from_json_bytes and Case::from_json disagree"
            );
        }
        Err(_) => {
            let e = match &answer {
                Ok(out) => panic!("bytes that are not UTF-8 were evaluated: {out}"),
                Err(e) => e,
            };
            assert_eq!(e.kind(), ErrorKind::Parse, "not UTF-8: {e:?}");
            check_error(e, data);
            assert_eq!(
                nettx::case_from_json_bytes(data).err().as_ref(),
                Some(e),
                "case_from_json_bytes and evaluate_json_bytes disagree"
            );
            // The same input made valid goes through the `&str` entries.
            let _ = check_text(&String::from_utf8_lossy(data));
        }
    }
    answer
}

/// Checks the `&str` entries on `text` and returns `evaluate_json`'s answer.
pub fn check_text(text: &str) -> Result<String, Error> {
    let answer = nettx::evaluate_json(text);
    assert_eq!(
        nettx::evaluate_json(text),
        answer,
        "evaluate_json answers differently the second time"
    );
    let parsed = Case::from_json(text);
    // serde's `Deserialize` for `Case` runs the same checks, but not the
    // entry's size limit.
    let by_serde = serde_json::from_str::<Case>(text);
    match (&answer, &parsed) {
        (Ok(out), Ok(case)) => {
            check_evaluation(out, case);
            check_key_order(text, &answer);
            assert_eq!(
                by_serde.as_ref().ok(),
                Some(case),
                "Deserialize refused or changed an accepted case"
            );
        }
        (Err(e), Err(e2)) => {
            assert_eq!(e, e2, "evaluate_json and Case::from_json disagree");
            check_error(e, text.as_bytes());
            if e.kind() != ErrorKind::Parse {
                check_key_order(text, &answer);
            }
            if text.len() <= MAX_CASE_JSON_BYTES {
                assert!(
                    by_serde.is_err(),
                    "Deserialize accepted what Case::from_json refused ({e:?})"
                );
            }
        }
        (a, p) => panic!("evaluate_json gave {a:?} but Case::from_json gave {p:?}"),
    }
    answer
}

/// The answer does not depend on the layout of the document: the same members
/// written compactly in another order (sorted, and reversed) give the same
/// answer. For a `text` the core read as an object (its answer is not a
/// `parse` error), with at most one unknown key (of several, the first in
/// document order is reported, so their order matters).
fn check_key_order(text: &str, answer: &Result<String, Error>) {
    let members: Map<String, Value> = serde_json::from_str(text).unwrap_or_else(|e| {
        panic!("the core read {text:?} as a case, serde_json not as an object: {e}")
    });
    let unknown = members
        .keys()
        .filter(|k| Field::from_name(k).is_none())
        .count();
    if unknown > 1 {
        return;
    }
    let member = |(k, v): (&String, &Value)| {
        format!(
            "{}:{}",
            Value::from(k.as_str()),
            serde_json::to_string(v).unwrap_or_default()
        )
    };
    let sorted: Vec<String> = members.iter().map(member).collect();
    let reversed: Vec<String> = sorted.iter().rev().cloned().collect();
    for order in [sorted, reversed] {
        let relaid = format!("{{{}}}", order.join(","));
        if relaid.len() <= MAX_CASE_JSON_BYTES {
            assert_eq!(
                &nettx::evaluate_json(&relaid),
                answer,
                "the same members in another order ({relaid}) give another answer"
            );
        }
    }
}

/// Checks an accepted case and its evaluation document `out`.
fn check_evaluation(out: &str, case: &Case) {
    let doc: Value = serde_json::from_str(out)
        .unwrap_or_else(|e| panic!("the evaluation is not JSON ({e}): {out}"));
    let obj = doc
        .as_object()
        .unwrap_or_else(|| panic!("the evaluation is not a JSON object: {out}"));
    let mut keys: Vec<&str> = EVALUATION_KEYS.to_vec();
    if case.case_id().is_some() {
        keys.push("case_id");
    }
    keys.sort_unstable();
    let mut got: Vec<&str> = obj.keys().map(String::as_str).collect();
    got.sort_unstable();
    assert_eq!(got, keys, "keys of the evaluation document: {out}");
    assert_eq!(
        obj.get("case_id").and_then(Value::as_str),
        case.case_id(),
        "case_id is not echoed"
    );

    let evaluation = nettx::evaluate(case);
    assert_eq!(
        evaluation.to_json(),
        out,
        "evaluate(&case) and evaluate_json disagree"
    );
    let by_serde = serde_json::to_string(&evaluation)
        .unwrap_or_else(|e| panic!("the evaluation does not serialize: {e}"));
    assert_eq!(
        by_serde, out,
        "the fast JSON writer and serde's serialization disagree"
    );
    assert_eq!(
        obj.get("case_digest").and_then(Value::as_str),
        Some(evaluation.case_digest().as_str()),
        "case_digest"
    );

    assert_eq!(
        case.to_builder().build().as_ref(),
        Ok(case),
        "the builder of a case builds another case"
    );

    // The case re-serialized reads back to itself and evaluates the same.
    let canonical = case.to_json();
    assert_eq!(
        serde_json::to_string(case).ok().as_deref(),
        Some(canonical.as_str()),
        "Case::to_json and serde's serialization of the case disagree"
    );
    let back = Case::from_json(&canonical)
        .unwrap_or_else(|e| panic!("Case::to_json gave {canonical}, which is refused: {e:?}"));
    assert_eq!(&back, case, "{canonical} reads back to another case");
    assert_eq!(
        back.to_json(),
        canonical,
        "Case::to_json is not a fixed point"
    );
    assert_eq!(
        nettx::evaluate_json(&canonical).as_deref(),
        Ok(out),
        "the re-serialized case {canonical} evaluates differently"
    );
}

/// Checks an error the core gave for `input`.
pub fn check_error(e: &Error, input: &[u8]) {
    assert_ne!(
        e.kind(),
        ErrorKind::Internal,
        "internal error for an input: {e:?}"
    );
    let json = e.to_json();
    let doc: Value = serde_json::from_str(&json)
        .unwrap_or_else(|err| panic!("the error document is not JSON ({err}): {json}"));
    let top = doc
        .as_object()
        .unwrap_or_else(|| panic!("the error document is not an object: {json}"));
    assert_eq!(top.len(), 1, "keys of the error document: {json}");
    let body = top
        .get("error")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no `error` object: {json}"));
    let kind = body.get("kind").and_then(Value::as_str);
    assert!(
        matches!(kind, Some("parse" | "field" | "contradiction")),
        "kind of {json}"
    );
    assert_eq!(kind, Some(e.kind().as_str()), "kind of {json}");
    assert_eq!(
        body.get("message").and_then(Value::as_str),
        Some(e.message()),
        "message of {json}"
    );
    assert_eq!(
        body.get("field").and_then(Value::as_str),
        e.field_name(),
        "field of {json}"
    );
    let expected_len = if e.field_name().is_some() { 3 } else { 2 };
    assert_eq!(body.len(), expected_len, "keys of the error object: {json}");
    check_message(e.message());

    match e.kind() {
        ErrorKind::Parse => assert_eq!(e.field_name(), None, "a parse error names a field"),
        ErrorKind::Contradiction => {
            let field = e.field_name().unwrap_or_default();
            assert!(
                Field::from_name(field).is_some(),
                "a contradiction names {field:?}, not a field of the case"
            );
        }
        ErrorKind::Field => {
            let field = e
                .field_name()
                .unwrap_or_else(|| panic!("a field error names no field: {json}"));
            if Field::from_name(field).is_none() {
                check_unknown_key(e, field, input);
            }
        }
        ErrorKind::Internal => unreachable!("checked above"),
    }
}

/// A `field` error that names no field of the case must be about an unknown
/// key, and name a key that the input object really holds.
fn check_unknown_key(e: &Error, key: &str, input: &[u8]) {
    assert!(
        e.message().starts_with("unknown field"),
        "a field error on {key:?}, which is not a field: {e:?}"
    );
    let object: Map<String, Value> = std::str::from_utf8(input)
        .ok()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| {
            panic!("an unknown-key error for an input that is no JSON object: {e:?}")
        });
    assert!(
        object.contains_key(key),
        "the unknown key {key:?} is not a key of the input"
    );
}

/// An error message: a short, printable sentence.
fn check_message(m: &str) {
    assert!(!m.trim().is_empty(), "empty message");
    assert!(
        m.len() < MAX_MESSAGE_BYTES,
        "message of {} bytes: {}…",
        m.len(),
        m.chars().take(200).collect::<String>()
    );
    assert!(
        !m.chars().any(char::is_control),
        "message holds a control character: {m:?}"
    );
    assert!(
        m.split_whitespace().count() >= 3,
        "message is not a sentence: {m:?}"
    );
}
