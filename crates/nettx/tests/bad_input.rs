//! Hostile and malformed input through every library entry point
//! (`evaluate_json`, `evaluate_json_bytes`, `case_from_json_bytes`,
//! `Case::from_json`, `CaseBuilder`): each must give the error of the
//! interface contract (kind, field, an actionable message, the exact error
//! JSON shape), never a panic, a stack overflow or a partial evaluation.

use nettx::{
    Case, CaseBuilder, Complication, Error, ErrorKind, Field, Histology, Site, SsaResponse,
    MAX_CASE_ID_BYTES, MAX_CASE_JSON_BYTES,
};
use proptest::prelude::*;
use serde_json::Value;

/// Longest message accepted from any error, however large the input.
const MAX_MESSAGE_BYTES: usize = 1000;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The error document the interface requires for `e`, built by hand: compact,
/// keys `kind`, `field` (only when there is one), `message`, in that order.
fn expected_error_json(e: &Error) -> String {
    let mut s = format!(r#"{{"error":{{"kind":"{}""#, e.kind().as_str());
    if let Some(field) = e.field_name() {
        s.push_str(",\"field\":");
        s.push_str(&serde_json::to_string(field).expect("string serializes"));
    }
    s.push_str(",\"message\":");
    s.push_str(&serde_json::to_string(e.message()).expect("string serializes"));
    s.push_str("}}");
    s
}

/// Checks the error JSON of `e`: exact bytes, valid JSON, only the allowed keys.
fn check_error_json(e: &Error) {
    let json = e.to_json();
    assert_eq!(json, expected_error_json(e), "error JSON shape");
    assert_eq!(
        serde_json::to_string(e).expect("Error serializes"),
        json,
        "serde and to_json agree"
    );
    let v: Value = serde_json::from_str(&json).expect("error JSON is JSON");
    let top = v.as_object().expect("error document is an object");
    assert_eq!(top.len(), 1, "only the `error` key at the top: {json}");
    let body = top["error"].as_object().expect("`error` is an object");
    let expected_keys = if e.field_name().is_some() { 3 } else { 2 };
    assert_eq!(
        body.len(),
        expected_keys,
        "keys of the error object: {json}"
    );
    assert_eq!(body["kind"], e.kind().as_str());
    assert_eq!(body["message"], e.message());
    match e.field_name() {
        Some(f) => assert_eq!(body["field"], f),
        None => assert!(!body.contains_key("field"), "no field: {json}"),
    }
}

/// Checks that the message is a short, printable sentence that names the
/// offending field where there is one.
fn check_message(e: &Error) {
    let m = e.message();
    assert!(!m.trim().is_empty(), "empty message: {e:?}");
    assert!(
        m.len() < MAX_MESSAGE_BYTES,
        "message of {} bytes (must stay short): {}…",
        m.len(),
        m.chars().take(200).collect::<String>()
    );
    assert!(
        m.split_whitespace().count() >= 3,
        "message is not a sentence: {m:?}"
    );
    assert!(
        !m.chars().any(|c| c.is_control()),
        "message holds a raw control character: {m:?}"
    );
    if let Some(field) = e.field_name() {
        // Messages quote (an excerpt of) the key, escaped for display.
        let excerpt: String = field.chars().take(20).collect();
        let escaped: String = excerpt.escape_debug().collect();
        assert!(
            m.contains(&excerpt) || m.contains(&escaped),
            "message does not name the field `{excerpt}`: {m:?}"
        );
    }
}

/// Checks one error against the expected kind and field, its message and its
/// JSON.
fn check_error(e: &Error, kind: ErrorKind, field: Option<&str>, what: &str) {
    assert_eq!(
        e.kind(),
        kind,
        "{what}: kind (error {})",
        shorten(&e.to_json())
    );
    assert_eq!(
        e.field_name(),
        field,
        "{what}: field (error {})",
        shorten(&e.to_json())
    );
    assert_ne!(e.kind(), ErrorKind::Internal, "{what}: internal error");
    check_message(e);
    check_error_json(e);
}

fn shorten(s: &str) -> String {
    if s.len() <= 300 {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}… ({} bytes)", s.len())
    }
}

/// Runs `input` through every JSON entry point; all must fail the same way.
fn expect_err(input: &str, kind: ErrorKind, field: Option<&str>) -> Error {
    let what = shorten(input);
    let e = nettx::evaluate_json(input).expect_err(&format!("must be rejected: {what}"));
    check_error(&e, kind, field, &what);
    let e2 = nettx::evaluate_json_bytes(input.as_bytes())
        .expect_err(&format!("bytes must be rejected: {what}"));
    assert_eq!(e2, e, "evaluate_json_bytes differs: {what}");
    let e3 = Case::from_json(input).expect_err(&format!("Case::from_json must reject: {what}"));
    assert_eq!(e3, e, "Case::from_json differs: {what}");
    let e4 = nettx::case_from_json_bytes(input.as_bytes())
        .expect_err(&format!("case_from_json_bytes must reject: {what}"));
    assert_eq!(e4, e, "case_from_json_bytes differs: {what}");
    e
}

/// Runs raw bytes through the byte entry points; both must fail the same way.
fn expect_bytes_err(input: &[u8], kind: ErrorKind, field: Option<&str>) -> Error {
    let what = shorten(&String::from_utf8_lossy(input));
    let e =
        nettx::evaluate_json_bytes(input).expect_err(&format!("bytes must be rejected: {what}"));
    check_error(&e, kind, field, &what);
    let e2 = nettx::case_from_json_bytes(input)
        .expect_err(&format!("case_from_json_bytes must reject: {what}"));
    assert_eq!(e2, e, "case_from_json_bytes differs: {what}");
    e
}

/// Runs `input` through every JSON entry point; all must succeed with the same
/// evaluation, which is a JSON object.
fn expect_ok(input: &str) -> String {
    let what = shorten(input);
    let out = match nettx::evaluate_json(input) {
        Ok(out) => out,
        Err(e) => panic!("must be accepted: {what}\n  error: {}", e.to_json()),
    };
    let v: Value = serde_json::from_str(&out).expect("evaluation is JSON");
    assert!(v.is_object(), "evaluation is an object");
    assert_eq!(
        nettx::evaluate_json_bytes(input.as_bytes()).expect("bytes accepted"),
        out,
        "evaluate_json_bytes differs: {what}"
    );
    let case = Case::from_json(input).expect("Case::from_json accepts");
    assert_eq!(nettx::evaluate(&case).to_json(), out, "typed path differs");
    out
}

/// A builder error, checked like the JSON ones.
fn expect_build_err(b: CaseBuilder, kind: ErrorKind, field: &str, what: &str) -> Error {
    let e = b
        .build()
        .expect_err(&format!("builder must reject: {what}"));
    check_error(&e, kind, Some(field), what);
    e
}

/// `{"primary_site":"ileum"}` padded with spaces to exactly `len` bytes.
fn padded_case(len: usize) -> String {
    let core = r#"{"primary_site":"ileum"}"#;
    assert!(len >= core.len());
    let mut s = String::with_capacity(len);
    s.push_str(core);
    s.push_str(&" ".repeat(len - core.len()));
    assert_eq!(s.len(), len);
    s
}

fn with_field(key: &str, value: &str) -> String {
    format!(r#"{{"primary_site":"ileum",{key}:{value}}}"#)
}

const PARSE: ErrorKind = ErrorKind::Parse;
const FIELD: ErrorKind = ErrorKind::Field;
const CONTRADICTION: ErrorKind = ErrorKind::Contradiction;

// ---------------------------------------------------------------------------
// Not JSON, not an object
// ---------------------------------------------------------------------------

#[test]
fn non_json_is_a_parse_error_without_field() {
    let inputs = [
        "",
        " ",
        "\n\t\r ",
        "primary_site=ileum",
        "primary_site: ileum",
        "<case><primary_site>ileum</primary_site></case>",
        "{primary_site:\"ileum\"}",
        "{'primary_site':'ileum'}",
        "{\"primary_site\":\"ileum\",}",
        "{\"primary_site\":\"ileum\"",
        "{\"primary_site\":\"ileum",
        "{\"primary_site\"}",
        "{\"primary_site\":}",
        "{\"primary_site\" \"ileum\"}",
        "{,}",
        "}",
        "{{}}",
        "{\"primary_site\":\"ileum\"} x",
        "{\"primary_site\":\"ileum\"}{}",
        "{\"primary_site\":\"ileum\"}\n{\"primary_site\":\"ileum\"}",
        "{\"primary_site\":\"ileum\"}/* comment */",
        "// comment\n{\"primary_site\":\"ileum\"}",
        "{\"primary_site\":\"ileum\",\"metastatic\":tru}",
        "{\"primary_site\":\"ileum\",\"metastatic\":True}",
        "{\"primary_site\":\"ileum\",\"metastatic\":undefined}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":.5}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":5.}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":+5}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":05}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":0x10}",
        "{\"primary_site\":\"ileum\",\"tumor_size_cm\":1_0}",
        "{\"primary_site\":\"il\\eum\"}",
        "{\"primary_site\":\"\\ud800\"}",
        "{\"primary_site\":\"\\udc00ileum\"}",
        "{\"\\ud83d\":1,\"primary_site\":\"ileum\"}",
        // Raw control characters inside a string are not JSON.
        "{\"primary_site\":\"ile\u{0}um\"}",
        "{\"primary_site\":\"ile\num\"}",
        "{\"primary_site\":\"ile\tum\"}",
        // Raw NUL outside strings.
        "\u{0}{\"primary_site\":\"ileum\"}",
        "{\"primary_site\":\"ileum\"}\u{0}",
        // Whitespace that JSON does not know.
        "\u{a0}{\"primary_site\":\"ileum\"}",
        "\u{b}{\"primary_site\":\"ileum\"}",
        "\u{c}{\"primary_site\":\"ileum\"}",
        "\u{2028}{\"primary_site\":\"ileum\"}",
        "{\"primary_site\":\"ileum\"}\u{feff}",
    ];
    for input in inputs {
        expect_err(input, PARSE, None);
    }
}

#[test]
fn top_level_that_is_not_an_object_is_a_parse_error() {
    for input in [
        "null",
        "true",
        "false",
        "0",
        "42",
        "-1.5",
        "\"ileum\"",
        "\"{\\\"primary_site\\\":\\\"ileum\\\"}\"",
        "[]",
        "[{\"primary_site\":\"ileum\"}]",
        " [ ] ",
    ] {
        expect_err(input, PARSE, None);
    }
}

#[test]
fn empty_object_lacks_primary_site() {
    expect_err("{}", FIELD, Some("primary_site"));
    expect_err(" { } ", FIELD, Some("primary_site"));
}

#[test]
fn json_whitespace_around_the_case_is_accepted() {
    expect_ok("\r\n\t {\"primary_site\" :\r\n \"ileum\" }\r\n\t ");
    // An escaped ASCII letter is the same string once decoded.
    let a = expect_ok(r#"{"primary_site":"\u0069leum"}"#);
    assert_eq!(a, expect_ok(r#"{"primary_site":"ileum"}"#));
}

// ---------------------------------------------------------------------------
// Wrong types and values for every field
// ---------------------------------------------------------------------------

/// Values of the wrong type (or outside the vocabulary) for each field.
fn wrong_values(field: Field) -> &'static [&'static str] {
    match field {
        Field::CaseId => &["42", "0", "true", "false", "[]", "[\"x\"]", "{}", "1.5"],
        Field::PrimarySite => &[
            "42",
            "true",
            "[]",
            "[\"ileum\"]",
            "{}",
            "{\"ileum\":true}",
            "\"unknown\"",
            "\"\"",
            "\"Ileum\"",
            "\"ILEUM\"",
            "\" ileum\"",
            "\"ileum \"",
            "\"ileum\\n\"",
            "\"small intestine\"",
            "\"stomach\"",
            "\"null\"",
            "2",
        ],
        Field::Histology => &[
            "1",
            "true",
            "[]",
            "[\"well_differentiated\"]",
            "{}",
            "\"\"",
            "\"Well_differentiated\"",
            "\"well differentiated\"",
            "\"moderately_differentiated\"",
            "\"UNKNOWN\"",
            "\"null\"",
        ],
        Field::TumorSizeCm => &[
            "\"2\"",
            "\"2.5 cm\"",
            "true",
            "false",
            "[]",
            "[2]",
            "{}",
            "{\"cm\":2}",
            "\"\"",
            "\"NaN\"",
            "\"unknown\"",
            "-2",
            "0",
            "-0",
            "-0.0",
            "0.0",
            "0.009",
            "0.00999999",
            "30.0000001",
            "31",
            "1e-400",
            "5e-324",
            "1e308",
            "-1e308",
            "1.7976931348623157e308",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "-123456789012345678901234567890",
        ],
        Field::LocalSpread
        | Field::Metastatic
        | Field::HepaticMetastases
        | Field::ExtrahepaticMetastases
        | Field::MetastasesResectable
        | Field::CarcinoidSyndrome => &[
            "\"true\"",
            "\"false\"",
            "\"yes\"",
            "\"no\"",
            "\"unknown\"",
            "\"null\"",
            "\"\"",
            "0",
            "1",
            "-1",
            "0.0",
            "[]",
            "[true]",
            "{}",
        ],
        Field::Complications => &[
            "\"bleeding\"",
            "\"\"",
            "true",
            "false",
            "0",
            "1",
            "{}",
            "{\"bleeding\":true}",
            "[1]",
            "[null]",
            "[true]",
            "[[\"bleeding\"]]",
            "[{}]",
            "[\"volvulus\"]",
            "[\"Bleeding\"]",
            "[\"bleeding\",\"volvulus\"]",
            "[\"bleeding\",null]",
            "[\"unknown\"]",
            "[\"\"]",
            "\"unknown\"",
        ],
        Field::SsaResponse => &[
            "1",
            "true",
            "[]",
            "[\"controlled\"]",
            "{}",
            "\"\"",
            "\"Controlled\"",
            "\"partial\"",
            "\"not started\"",
            "\"null\"",
        ],
    }
}

#[test]
fn wrong_types_and_values_for_every_field() {
    let mut checked = 0;
    for &field in Field::ALL {
        let name = field.as_str();
        for value in wrong_values(field) {
            let input = if field == Field::PrimarySite {
                format!(r#"{{"primary_site":{value}}}"#)
            } else {
                with_field(&format!("\"{name}\""), value)
            };
            let e = expect_err(&input, FIELD, Some(name));
            if field == Field::TumorSizeCm && serde_json::from_str::<f64>(value).is_ok() {
                assert!(
                    e.message().contains("0.01") && e.message().contains("30"),
                    "size message gives the range: {}",
                    e.message()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn null_means_unknown_for_every_optional_field() {
    let plain = expect_ok(r#"{"primary_site":"ileum"}"#);
    for &field in Field::ALL {
        if field == Field::PrimarySite {
            continue;
        }
        let input = with_field(&format!("\"{}\"", field.as_str()), "null");
        assert_eq!(expect_ok(&input), plain, "{} null", field.as_str());
    }
    expect_err(r#"{"primary_site":null}"#, FIELD, Some("primary_site"));
}

#[test]
fn size_boundaries_and_integer_forms() {
    for ok in [
        "0.01", "30", "30.0", "30.00", "1", "2", "2.5e0", "0.25e1", "1E1", "3e+1", "1e-2",
    ] {
        expect_ok(&with_field("\"tumor_size_cm\"", ok));
    }
    // An integer and the same value with a fraction give the same case.
    let a = expect_ok(&with_field("\"tumor_size_cm\"", "2"));
    let b = expect_ok(&with_field("\"tumor_size_cm\"", "2.0"));
    assert_eq!(a, b);
}

#[test]
fn negative_size_message_is_actionable() {
    let e = expect_err(
        &with_field("\"tumor_size_cm\"", "-2"),
        FIELD,
        Some("tumor_size_cm"),
    );
    assert!(
        e.message().contains("-2"),
        "quotes the value: {}",
        e.message()
    );
    let e = expect_err(
        &with_field("\"tumor_size_cm\"", "-0.0"),
        FIELD,
        Some("tumor_size_cm"),
    );
    assert!(
        e.message().contains("-0"),
        "quotes the value: {}",
        e.message()
    );
}

// ---------------------------------------------------------------------------
// Numbers JSON cannot carry
// ---------------------------------------------------------------------------

#[test]
fn nan_and_infinity_are_parse_errors() {
    for v in [
        "NaN",
        "nan",
        "-NaN",
        "Infinity",
        "-Infinity",
        "+Infinity",
        "inf",
        "-inf",
        "1e400",
        "-1e400",
        "1e309",
        "1.8e308",
        "1e99999999999999999999",
    ] {
        expect_err(&with_field("\"tumor_size_cm\"", v), PARSE, None);
        // The same in a boolean field and in an unknown key: still syntax.
        expect_err(&with_field("\"metastatic\"", v), PARSE, None);
        expect_err(&with_field("\"zzz\"", v), PARSE, None);
    }
}

#[test]
fn huge_integers_are_field_errors_not_panics() {
    let digits = "9".repeat(300);
    expect_err(
        &with_field("\"tumor_size_cm\"", &digits),
        FIELD,
        Some("tumor_size_cm"),
    );
    // More digits than a double can hold: out of range, a parse error.
    let digits = "9".repeat(400);
    expect_err(&with_field("\"tumor_size_cm\"", &digits), PARSE, None);
    // 60,000 digits after the point round to a valid double.
    let long = format!("1.{}1", "0".repeat(60_000));
    let ok = expect_ok(&with_field("\"tumor_size_cm\"", &long));
    assert_eq!(ok, expect_ok(&with_field("\"tumor_size_cm\"", "1.0")));
    // 60,000 zeros after the point underflow to 0: out of range, short message.
    let tiny = format!("0.{}1", "0".repeat(60_000));
    expect_err(
        &with_field("\"tumor_size_cm\"", &tiny),
        FIELD,
        Some("tumor_size_cm"),
    );
    // A huge integer in an unknown key is still an unknown key.
    expect_err(&with_field("\"zzz\"", &"9".repeat(300)), FIELD, Some("zzz"));
}

// ---------------------------------------------------------------------------
// Duplicate and unknown keys
// ---------------------------------------------------------------------------

#[test]
fn duplicate_keys_are_parse_errors() {
    let inputs = [
        r#"{"primary_site":"ileum","primary_site":"ileum"}"#,
        r#"{"primary_site":"ileum","primary_site":"jejunum"}"#,
        r#"{"primary_site":"ileum","primary_site":null}"#,
        r#"{"primary_site":"ileum","metastatic":true,"metastatic":false}"#,
        r#"{"primary_site":"ileum","metastatic":null,"metastatic":null}"#,
        r#"{"case_id":null,"case_id":null,"primary_site":"ileum"}"#,
        r#"{"primary_site":"ileum","complications":[],"complications":[]}"#,
        // The same key spelt with an escape is the same key.
        r#"{"primary_site":"ileum","metastatic":true,"metast\u0061tic":true}"#,
        r#"{"primary_site":"ileum","\u0070rimary_site":"ileum"}"#,
        // Duplicate unknown keys are a syntax problem too, before unknown keys.
        r#"{"primary_site":"ileum","x":1,"x":1}"#,
        r#"{"x":1,"primary_site":"ileum","x":2}"#,
        // A duplicate wins over a bad value and a contradiction.
        r#"{"primary_site":"nowhere","metastatic":false,"hepatic_metastases":true,"histology":1,"histology":2}"#,
    ];
    for input in inputs {
        let e = expect_err(input, PARSE, None);
        assert!(
            e.message().contains("duplicate"),
            "message says what is wrong: {}",
            e.message()
        );
    }
}

#[test]
fn duplicate_keys_in_nested_unknown_values_do_not_matter_to_the_case() {
    // Nested objects under an unknown key: the unknown key is the error.
    expect_err(
        r#"{"primary_site":"ileum","zzz":{"a":1,"a":2}}"#,
        FIELD,
        Some("zzz"),
    );
}

#[test]
fn unknown_keys_are_field_errors_naming_the_key() {
    let keys = [
        "tumour_size_cm",
        "Primary_site",
        "PRIMARY_SITE",
        "primary_site ",
        " primary_site",
        "primarysite",
        "caseid",
        "case_id\u{0}",
        "metastatic\u{200b}",
        "metast\u{0430}tic",
        "x",
        "__proto__",
        "constructor",
        "$ref",
        "",
        "\u{0}",
        "\u{1f600}",
        "\u{feff}",
    ];
    for key in keys {
        let key_json = serde_json::to_string(key).expect("key");
        let input = with_field(&key_json, "1");
        expect_err(&input, FIELD, Some(key));
    }
}

#[test]
fn the_first_unknown_key_of_the_document_is_reported() {
    expect_err(
        r#"{"b_key":1,"a_key":2,"primary_site":"ileum"}"#,
        FIELD,
        Some("b_key"),
    );
    // Unknown keys before bad values of known fields and contradictions.
    expect_err(
        r#"{"case_id":1,"primary_site":"moon","metastatic":false,"hepatic_metastases":true,"zz":0,"aa":0}"#,
        FIELD,
        Some("zz"),
    );
    // A missing primary_site is a field problem, after unknown keys.
    expect_err(r#"{"zzz":null}"#, FIELD, Some("zzz"));
}

#[test]
fn error_order_follows_the_table_then_contradictions() {
    // case_id before primary_site.
    expect_err(r#"{"primary_site":1,"case_id":1}"#, FIELD, Some("case_id"));
    // Fields in table order, not document order.
    expect_err(
        r#"{"ssa_response":1,"complications":1,"carcinoid_syndrome":1,"metastases_resectable":1,"extrahepatic_metastases":1,"hepatic_metastases":1,"metastatic":1,"local_spread":1,"tumor_size_cm":"x","histology":1,"primary_site":"ileum"}"#,
        FIELD,
        Some("histology"),
    );
    expect_err(
        r#"{"ssa_response":1,"complications":1,"carcinoid_syndrome":1,"metastases_resectable":1,"extrahepatic_metastases":1,"hepatic_metastases":1,"metastatic":1,"local_spread":1,"primary_site":"ileum"}"#,
        FIELD,
        Some("local_spread"),
    );
    // A field error wins over a contradiction.
    expect_err(
        r#"{"primary_site":"ileum","metastatic":false,"hepatic_metastases":true,"complications":["x"]}"#,
        FIELD,
        Some("complications"),
    );
    // metastatic before ssa_response among contradictions.
    expect_err(
        r#"{"primary_site":"ileum","carcinoid_syndrome":false,"ssa_response":"controlled","metastatic":true,"hepatic_metastases":false,"extrahepatic_metastases":false}"#,
        CONTRADICTION,
        Some("metastatic"),
    );
    expect_err(
        r#"{"primary_site":"ileum","carcinoid_syndrome":false,"ssa_response":"symptoms_worsening"}"#,
        CONTRADICTION,
        Some("ssa_response"),
    );
}

// ---------------------------------------------------------------------------
// Nesting
// ---------------------------------------------------------------------------

#[test]
fn deep_nesting_is_a_parse_error_not_a_stack_overflow() {
    for depth in [200, 1_000, 60_000] {
        let open = "[".repeat(depth);
        let close = "]".repeat(depth);
        // Top level, unclosed and closed.
        expect_err(&open, PARSE, None);
        expect_err(&format!("{open}{close}"), PARSE, None);
        // Inside an unknown key and inside a known field, unclosed and closed.
        for key in [
            "\"zzz\"",
            "\"primary_site\"",
            "\"complications\"",
            "\"case_id\"",
        ] {
            expect_err(&format!("{{{key}:{open}"), PARSE, None);
            let closed = format!("{{{key}:{open}{close}}}");
            if closed.len() <= MAX_CASE_JSON_BYTES {
                expect_err(&closed, PARSE, None);
            }
        }
        // Objects nested in objects.
        let objects = "{\"a\":".repeat(depth / 5);
        expect_err(&format!("{{\"zzz\":{objects}1"), PARSE, None);
    }
    // 100,000 levels: over the size limit, rejected before any parsing.
    let open = "[".repeat(100_000);
    expect_err(&open, PARSE, None);
    expect_bytes_err(open.as_bytes(), PARSE, None);
    expect_err(&format!("{{\"zzz\":{open}"), PARSE, None);
    let objects = "{\"a\":".repeat(100_000);
    expect_err(&objects, PARSE, None);
}

#[test]
fn nesting_within_the_limit_reaches_the_field_check() {
    let nested = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    expect_err(
        &format!(r#"{{"primary_site":{nested}}}"#),
        FIELD,
        Some("primary_site"),
    );
    expect_err(
        &format!(r#"{{"primary_site":"ileum","zzz":{nested}}}"#),
        FIELD,
        Some("zzz"),
    );
}

// ---------------------------------------------------------------------------
// Size limits
// ---------------------------------------------------------------------------

#[test]
fn input_of_exactly_the_limit_is_accepted() {
    assert_eq!(MAX_CASE_JSON_BYTES, 65_536);
    let exact = padded_case(MAX_CASE_JSON_BYTES);
    let out = expect_ok(&exact);
    assert_eq!(out, expect_ok(r#"{"primary_site":"ileum"}"#));
    // Leading padding too, and a big but valid unknown-free case_id region.
    let lead = format!(
        "{}{}",
        " ".repeat(MAX_CASE_JSON_BYTES - 24),
        r#"{"primary_site":"ileum"}"#
    );
    assert_eq!(lead.len(), MAX_CASE_JSON_BYTES);
    expect_ok(&lead);
}

#[test]
fn input_over_the_limit_is_rejected_before_parsing() {
    let over = padded_case(MAX_CASE_JSON_BYTES + 1);
    let e = expect_err(&over, PARSE, None);
    assert!(
        e.message().contains("65536") || e.message().contains("65,536"),
        "message gives the limit: {}",
        e.message()
    );
    // Otherwise a field error (unknown key), but the size comes first.
    let unknown = format!(
        r#"{{"zzz":"{}","primary_site":"ileum"}}"#,
        "x".repeat(MAX_CASE_JSON_BYTES)
    );
    expect_err(&unknown, PARSE, None);
    // Otherwise a field error on primary_site.
    let bad_site = format!(
        r#"{{"primary_site":"moon"}}{}"#,
        " ".repeat(MAX_CASE_JSON_BYTES)
    );
    expect_err(&bad_site, PARSE, None);
    // Invalid UTF-8 past the limit: still a parse error without field.
    let mut bytes = padded_case(MAX_CASE_JSON_BYTES).into_bytes();
    bytes.push(0xff);
    expect_bytes_err(&bytes, PARSE, None);
}

#[test]
fn megabyte_inputs_give_short_messages() {
    let mb = "x".repeat(1 << 20);
    let inputs = [
        format!(r#"{{"primary_site":"ileum","{mb}":1}}"#),
        format!(r#"{{"primary_site":"ileum","zzz":"{mb}"}}"#),
        format!(r#"{{"primary_site":"{mb}"}}"#),
        format!(r#"{{"primary_site":"ileum","case_id":"{mb}"}}"#),
        format!(r#"{{"primary_site":"ileum","complications":["{mb}"]}}"#),
        format!(r#""{mb}""#),
        mb.clone(),
    ];
    for input in &inputs {
        let e = expect_err(input, PARSE, None);
        assert!(e.message().len() < MAX_MESSAGE_BYTES);
        assert!(e.to_json().len() < MAX_MESSAGE_BYTES + 100);
    }
}

#[test]
fn long_strings_under_the_limit_give_short_messages() {
    let long = "x".repeat(60_000);
    // As an unknown key: the field is the key; the message quotes an excerpt.
    let e = expect_err(
        &format!(r#"{{"primary_site":"ileum","{long}":1}}"#),
        FIELD,
        Some(long.as_str()),
    );
    assert!(e.message().len() < MAX_MESSAGE_BYTES);
    // As a value of an unknown key: the key is named.
    expect_err(
        &format!(r#"{{"primary_site":"ileum","zzz":"{long}"}}"#),
        FIELD,
        Some("zzz"),
    );
    // As a value of each string field.
    for (key, field) in [
        ("primary_site", "primary_site"),
        ("histology", "histology"),
        ("ssa_response", "ssa_response"),
        ("case_id", "case_id"),
    ] {
        let input = if key == "primary_site" {
            format!(r#"{{"primary_site":"{long}"}}"#)
        } else {
            format!(r#"{{"primary_site":"ileum","{key}":"{long}"}}"#)
        };
        expect_err(&input, FIELD, Some(field));
    }
    expect_err(
        &format!(r#"{{"primary_site":"ileum","complications":["{long}"]}}"#),
        FIELD,
        Some("complications"),
    );
    // Multi-byte characters are cut at a character boundary.
    let wide = "é\u{1f600}".repeat(10_000);
    expect_err(
        &format!(r#"{{"primary_site":"{wide}"}}"#),
        FIELD,
        Some("primary_site"),
    );
    // Escapes that expand: every \u0000 is quoted back escaped.
    let nuls = "\\u0000".repeat(10_000);
    expect_err(
        &format!(r#"{{"primary_site":"{nuls}"}}"#),
        FIELD,
        Some("primary_site"),
    );
    // Many entries in a list.
    let many = vec!["\"bleeding\""; 5_000].join(",");
    expect_ok(&format!(
        r#"{{"primary_site":"ileum","complications":[{many}]}}"#
    ));
    let many_bad = format!("{},\"x\"", many);
    let e = expect_err(
        &format!(r#"{{"primary_site":"ileum","complications":[{many_bad}]}}"#),
        FIELD,
        Some("complications"),
    );
    assert!(
        e.message().contains("5000"),
        "says which entry: {}",
        e.message()
    );
}

#[test]
fn long_top_level_string_gives_a_short_message() {
    let long = "x".repeat(60_000);
    expect_err(&format!("\"{long}\""), PARSE, None);
}

#[test]
fn long_top_level_array_gives_a_short_message() {
    let long = "x".repeat(60_000);
    expect_err(&format!("[\"{long}\"]"), PARSE, None);
    expect_err(&"9".repeat(60_000), PARSE, None);
}

#[test]
fn many_keys_are_cheap() {
    // 5,000 distinct unknown keys in one case: the first is reported.
    let keys: Vec<String> = (0..5_000).map(|i| format!("\"k{i}\":0")).collect();
    let input = format!(r#"{{"primary_site":"ileum",{}}}"#, keys.join(","));
    assert!(input.len() <= MAX_CASE_JSON_BYTES);
    let start = std::time::Instant::now();
    expect_err(&input, FIELD, Some("k0"));
    // 5,000 keys with the last repeating the first: a duplicate.
    let input = format!(r#"{{"primary_site":"ileum",{},"k0":1}}"#, keys.join(","));
    expect_err(&input, PARSE, None);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "many keys took {:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------
// case_id
// ---------------------------------------------------------------------------

fn with_case_id(id: &str) -> String {
    format!(
        r#"{{"case_id":{},"primary_site":"ileum"}}"#,
        serde_json::to_string(id).expect("id")
    )
}

#[test]
fn case_id_limit_is_256_bytes_of_utf8() {
    assert_eq!(MAX_CASE_ID_BYTES, 256);
    let accepted = [
        "x".repeat(256),
        "é".repeat(128),                        // 2 bytes each
        format!("{}x", "€".repeat(85)),         // 3 × 85 + 1
        "\u{1f600}".repeat(64),                 // 4 bytes each
        format!("{}{}", "x".repeat(252), "😀"), // 4-byte char ending on 256
        String::new(),
    ];
    for id in &accepted {
        assert!(id.len() <= 256);
        let out = expect_ok(&with_case_id(id));
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["case_id"], id.as_str(), "case_id echoed");
        let case = Case::builder(Site::Ileum)
            .case_id(id.clone())
            .build()
            .expect("builder accepts");
        assert_eq!(case.case_id(), Some(id.as_str()));
    }
    let rejected = [
        "x".repeat(257),
        format!("{}x", "é".repeat(128)),
        "€".repeat(86),
        format!("{}{}", "x".repeat(253), "😀"), // 257: a 4-byte char across the limit
        "\u{1f600}".repeat(65),
        "x".repeat(10_000),
    ];
    for id in &rejected {
        assert!(id.len() > 256);
        let e = expect_err(&with_case_id(id), FIELD, Some("case_id"));
        assert!(
            e.message().contains("256"),
            "message gives the limit: {}",
            e.message()
        );
        expect_build_err(
            Case::builder(Site::Ileum).case_id(id.clone()),
            FIELD,
            "case_id",
            "long case_id",
        );
    }
    // 128 × \u00e9 escapes: 768 bytes of JSON, 256 bytes of UTF-8: accepted.
    let escaped = format!(
        r#"{{"case_id":"{}","primary_site":"ileum"}}"#,
        "\\u00e9".repeat(128)
    );
    expect_ok(&escaped);
    let escaped = format!(
        r#"{{"case_id":"{}","primary_site":"ileum"}}"#,
        "\\u00e9".repeat(129)
    );
    expect_err(&escaped, FIELD, Some("case_id"));
}

#[test]
fn case_id_with_nul_and_controls_is_echoed_escaped() {
    let out = expect_ok(r#"{"case_id":"a\u0000b\u001f\n\"c","primary_site":"ileum"}"#);
    assert!(out.contains(r#""case_id":"a\u0000b\u001f\n\"c""#), "{out}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["case_id"], "a\u{0}b\u{1f}\n\"c");
    // Null is the same as absent.
    let with_null = expect_ok(r#"{"case_id":null,"primary_site":"ileum"}"#);
    assert_eq!(with_null, expect_ok(r#"{"primary_site":"ileum"}"#));
    assert!(!with_null.contains("case_id"));
}

// ---------------------------------------------------------------------------
// Encoding: UTF-8, byte-order mark, NUL, look-alike letters
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_is_a_parse_error() {
    let cases: [&[u8]; 10] = [
        b"{\"primary_site\":\"ile\xffum\"}",
        b"{\"primary_site\":\"ileum\"}\xff",
        b"\xff{\"primary_site\":\"ileum\"}",
        b"{\"primary_site\":\"ileum\",\"zz\xfe\":1}",
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\xc0\xaf\"}", // overlong '/'
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\xed\xa0\x80\"}", // encoded surrogate
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\x80\"}",     // lone continuation
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\xe2\x82\"}", // truncated
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\xf4\x90\x80\x80\"}", // > U+10FFFF
        b"{\"primary_site\":\"ileum\",\"case_id\":\"\xe2\x82",    // truncated at the end
    ];
    for bytes in cases {
        let e = expect_bytes_err(bytes, PARSE, None);
        assert!(
            e.message().contains("UTF-8"),
            "message says UTF-8: {}",
            e.message()
        );
    }
    // Latin-1 and UTF-16 texts are not UTF-8.
    expect_bytes_err(
        b"{\"case_id\":\"caf\xe9\",\"primary_site\":\"ileum\"}",
        PARSE,
        None,
    );
    let utf16: Vec<u8> = "{\"primary_site\":\"ileum\"}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    expect_bytes_err(&utf16, PARSE, None);
    let mut utf16_bom = vec![0xff, 0xfe];
    utf16_bom.extend_from_slice(&utf16);
    expect_bytes_err(&utf16_bom, PARSE, None);
}

#[test]
fn byte_order_mark_is_a_parse_error() {
    let e = expect_err("\u{feff}{\"primary_site\":\"ileum\"}", PARSE, None);
    assert!(
        e.message().to_lowercase().contains("byte-order mark")
            || e.message().to_lowercase().contains("bom"),
        "message names the BOM: {}",
        e.message()
    );
    expect_bytes_err(b"\xef\xbb\xbf{\"primary_site\":\"ileum\"}", PARSE, None);
    expect_err("\u{feff}\u{feff}{\"primary_site\":\"ileum\"}", PARSE, None);
    expect_err(" \u{feff}{\"primary_site\":\"ileum\"}", PARSE, None);
    // Inside a value it is a character like any other: not a site.
    expect_err(
        "{\"primary_site\":\"\u{feff}ileum\"}",
        FIELD,
        Some("primary_site"),
    );
}

#[test]
fn nul_characters_inside_strings() {
    expect_err(r#"{"primary_site":"\u0000"}"#, FIELD, Some("primary_site"));
    expect_err(
        r#"{"primary_site":"ileum\u0000"}"#,
        FIELD,
        Some("primary_site"),
    );
    expect_err(
        r#"{"primary_site":"\u0000ileum"}"#,
        FIELD,
        Some("primary_site"),
    );
    expect_err(
        r#"{"primary_site":"ileum","histology":"well_differentiated\u0000"}"#,
        FIELD,
        Some("histology"),
    );
    expect_err(
        r#"{"primary_site":"ileum","complications":["bleeding\u0000"]}"#,
        FIELD,
        Some("complications"),
    );
    expect_err(
        r#"{"primary_site":"ileum","ssa_response":"\u0000"}"#,
        FIELD,
        Some("ssa_response"),
    );
    let e = expect_err(
        r#"{"primary_site":"ileum","metastatic\u0000":true}"#,
        FIELD,
        Some("metastatic\u{0}"),
    );
    assert!(e.to_json().contains(r#""field":"metastatic\u0000""#));
}

#[test]
fn unicode_lookalikes_are_not_vocabulary_values() {
    let sites = [
        "ileum\u{200b}",                            // zero-width space after
        "il\u{200b}eum",                            // zero-width space inside
        "\u{200b}ileum",                            // zero-width space before
        "ileu\u{200d}m",                            // zero-width joiner
        "ile\u{ad}um",                              // soft hyphen
        "\u{456}leum",                              // Cyrillic і
        "il\u{435}um",                              // Cyrillic е
        "ileu\u{43c}",                              // Cyrillic м
        "\u{1d5c2}leum",                            // mathematical sans-serif i
        "\u{ff49}\u{ff4c}\u{ff45}\u{ff55}\u{ff4d}", // fullwidth
        "ileum\u{301}",                             // combining acute accent
        "i\u{307}leum",                             // combining dot above
        "ILEUM",
        "İleum", // Turkish dotted capital I
        "ıleum", // Turkish dotless i
        "ileum\u{a0}",
        "ileum\u{2028}",
        "ileum\u{feff}",
        "ileum\u{e0000}", // tag character
        "\u{202e}muneli", // right-to-left override
    ];
    for site in sites {
        let input = format!(
            r#"{{"primary_site":{}}}"#,
            serde_json::to_string(site).expect("site")
        );
        expect_err(&input, FIELD, Some("primary_site"));
        // Written with \u escapes: the same decoded string, the same error.
        let escaped: String = site.encode_utf16().map(|u| format!("\\u{u:04x}")).collect();
        let input = format!(r#"{{"primary_site":"{escaped}"}}"#);
        expect_err(&input, FIELD, Some("primary_site"));
    }
    for (key, value) in [
        ("histology", "well_d\u{456}fferentiated"),
        ("histology", "well_differentiated\u{200b}"),
        ("ssa_response", "c\u{43e}ntrolled"),
        ("ssa_response", "unknown\u{200b}"),
    ] {
        let input = format!(
            r#"{{"primary_site":"ileum","{key}":{}}}"#,
            serde_json::to_string(value).expect("value")
        );
        expect_err(&input, FIELD, Some(key));
    }
    let input = r#"{"primary_site":"ileum","complications":["bl\u0435eding"]}"#;
    expect_err(input, FIELD, Some("complications"));
    // A key with a look-alike letter is an unknown key.
    let key = "metast\u{430}tic";
    let input = format!(r#"{{"primary_site":"ileum","{key}":true}}"#);
    expect_err(&input, FIELD, Some(key));
}

// ---------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------

#[test]
fn builder_rejects_unusable_sizes() {
    for size in [
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -2.0,
        -0.0,
        0.0,
        0.009_999,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        30.000_001,
        f64::MAX,
        f64::MIN,
    ] {
        let e = expect_build_err(
            Case::builder(Site::Ileum).tumor_size_cm(size),
            FIELD,
            "tumor_size_cm",
            &format!("size {size:?}"),
        );
        assert!(
            e.message().contains("0.01") && e.message().contains("30"),
            "message gives the range: {}",
            e.message()
        );
    }
    for size in [0.01, 30.0, 1.0, 2.5] {
        let case = Case::builder(Site::Ileum)
            .tumor_size_cm(size)
            .build()
            .expect("in range");
        assert_eq!(case.tumor_size_cm(), Some(size));
    }
    // Unknown is fine.
    Case::builder(Site::Ileum)
        .tumor_size_cm(None)
        .build()
        .expect("unknown size");
}

#[test]
fn builder_without_primary_site() {
    expect_build_err(CaseBuilder::new(), FIELD, "primary_site", "empty builder");
    expect_build_err(
        CaseBuilder::default().metastatic(false),
        FIELD,
        "primary_site",
        "no site",
    );
    expect_build_err(
        Case::builder(Site::Ileum).primary_site(None),
        FIELD,
        "primary_site",
        "site unset",
    );
    // Without a site and with a bad size: primary_site comes first (table order).
    expect_build_err(
        CaseBuilder::new().tumor_size_cm(f64::NAN),
        FIELD,
        "primary_site",
        "no site, NaN size",
    );
    // A too-long case_id comes before the missing site.
    expect_build_err(
        CaseBuilder::new().case_id("x".repeat(257)),
        FIELD,
        "case_id",
        "long id, no site",
    );
}

#[test]
fn builder_contradictions() {
    expect_build_err(
        Case::builder(Site::Ileum)
            .metastatic(false)
            .hepatic_metastases(true),
        CONTRADICTION,
        "metastatic",
        "not metastatic, liver metastases",
    );
    expect_build_err(
        Case::builder(Site::Ileum)
            .metastatic(false)
            .extrahepatic_metastases(true),
        CONTRADICTION,
        "metastatic",
        "not metastatic, extrahepatic metastases",
    );
    expect_build_err(
        Case::builder(Site::Ileum)
            .metastatic(true)
            .hepatic_metastases(false)
            .extrahepatic_metastases(false),
        CONTRADICTION,
        "metastatic",
        "metastatic nowhere",
    );
    for r in [SsaResponse::Controlled, SsaResponse::SymptomsWorsening] {
        expect_build_err(
            Case::builder(Site::Ileum)
                .carcinoid_syndrome(false)
                .ssa_response(r),
            CONTRADICTION,
            "ssa_response",
            "response without syndrome",
        );
    }
    // Both contradictions: metastatic first.
    expect_build_err(
        Case::builder(Site::Colon)
            .carcinoid_syndrome(false)
            .ssa_response(SsaResponse::Controlled)
            .metastatic(false)
            .hepatic_metastases(true),
        CONTRADICTION,
        "metastatic",
        "two contradictions",
    );
    // A field error before a contradiction.
    expect_build_err(
        Case::builder(Site::Ileum)
            .metastatic(false)
            .hepatic_metastases(true)
            .tumor_size_cm(f64::INFINITY),
        FIELD,
        "tumor_size_cm",
        "bad size and contradiction",
    );
    // Not contradictions: unknowns, intolerance, not started.
    for b in [
        Case::builder(Site::Ileum)
            .metastatic(true)
            .hepatic_metastases(false),
        Case::builder(Site::Ileum)
            .metastatic(false)
            .hepatic_metastases(false)
            .extrahepatic_metastases(false),
        Case::builder(Site::Ileum)
            .carcinoid_syndrome(false)
            .ssa_response(SsaResponse::Intolerant),
        Case::builder(Site::Ileum)
            .carcinoid_syndrome(false)
            .ssa_response(SsaResponse::NotStarted),
        Case::builder(Site::Ileum)
            .histology(Histology::WellDifferentiated)
            .complication(Complication::Bleeding)
            .complication(Complication::Bleeding),
    ] {
        let case = b.build().expect("consistent case");
        // A built case reads back from its JSON to the same case.
        assert_eq!(Case::from_json(&case.to_json()).expect("round trip"), case);
    }
}

#[test]
fn builder_and_json_agree_on_errors() {
    let pairs: Vec<(CaseBuilder, &str)> = vec![
        (
            Case::builder(Site::Ileum).tumor_size_cm(-2.0),
            r#"{"primary_site":"ileum","tumor_size_cm":-2}"#,
        ),
        (
            Case::builder(Site::Ileum)
                .metastatic(false)
                .extrahepatic_metastases(true),
            r#"{"primary_site":"ileum","metastatic":false,"extrahepatic_metastases":true}"#,
        ),
        (
            Case::builder(Site::Ileum)
                .carcinoid_syndrome(false)
                .ssa_response(SsaResponse::Controlled),
            r#"{"primary_site":"ileum","carcinoid_syndrome":false,"ssa_response":"controlled"}"#,
        ),
        (CaseBuilder::new(), r#"{}"#),
    ];
    for (builder, json) in pairs {
        let a = builder.build().expect_err("builder rejects");
        let b = nettx::evaluate_json(json).expect_err("json rejects");
        assert_eq!(a.kind(), b.kind(), "{json}");
        assert_eq!(a.field_name(), b.field_name(), "{json}");
    }
}

// ---------------------------------------------------------------------------
// Properties: nothing panics, every error has a stable kind
// ---------------------------------------------------------------------------

/// Checks the contract for one arbitrary input: either a JSON evaluation or a
/// well-formed error of kind parse, field or contradiction.
fn check_any(result: &Result<String, Error>) -> Result<(), TestCaseError> {
    match result {
        Ok(out) => {
            let v: Value = serde_json::from_str(out)
                .map_err(|e| TestCaseError::fail(format!("output is not JSON: {e}")))?;
            prop_assert!(v.is_object());
            prop_assert!(v.get("case_digest").is_some());
        }
        Err(e) => {
            prop_assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Parse | ErrorKind::Field | ErrorKind::Contradiction
                ),
                "kind {:?}",
                e.kind()
            );
            prop_assert!(!e.message().is_empty());
            prop_assert!(
                !e.message().chars().any(char::is_control),
                "raw control character in {:?}",
                e.message()
            );
            prop_assert_eq!(e.to_json(), expected_error_json(e));
            let v: Value = serde_json::from_str(&e.to_json())
                .map_err(|err| TestCaseError::fail(format!("error is not JSON: {err}")))?;
            prop_assert!(v["error"].is_object());
            if e.kind() == ErrorKind::Parse {
                prop_assert!(e.field_name().is_none());
            } else {
                prop_assert!(e.field_name().is_some());
            }
        }
    }
    Ok(())
}

/// JSON-ish fragments, so that random texts reach beyond the first byte.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\"primary_site\"",
        "\"case_id\"",
        "\"tumor_size_cm\"",
        "\"metastatic\"",
        "\"hepatic_metastases\"",
        "\"carcinoid_syndrome\"",
        "\"ssa_response\"",
        "\"complications\"",
        "\"zzz\"",
        "\"ileum\"",
        "\"colon\"",
        "\"controlled\"",
        "\"bleeding\"",
        "\"unknown\"",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\u{feff}\"",
        "null",
        "true",
        "false",
        "0",
        "-0",
        "2.5",
        "1e400",
        "NaN",
        "-Infinity",
        "99999999999999999999999",
        "\u{feff}",
    ])
}

/// A JSON value for a field: plausible and implausible ones.
fn field_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        (0.0f64..35.0).prop_map(|x| format!("{x}")),
        prop::sample::select(vec![
            "duodenum",
            "ileum",
            "colon",
            "appendix",
            "well_differentiated",
            "poorly_differentiated",
            "unknown",
            "not_started",
            "controlled",
            "symptoms_worsening",
            "intolerant",
            "bleeding",
            "other",
        ])
        .prop_map(|s| format!("\"{s}\"")),
        any::<String>().prop_map(|s| serde_json::to_string(&s).expect("string")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|v| format!("[{}]", v.join(",")))
    })
}

fn field_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(Field::ALL.to_vec()).prop_map(|f| f.as_str().to_owned()),
        1 => Just("zzz".to_owned()),
        1 => any::<String>(),
    ]
}

/// An object with known and unknown keys (possibly repeated).
fn case_text() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec((field_key(), field_value()), 0..8),
    )
        .prop_map(|(with_site, pairs)| {
            let mut parts: Vec<String> = pairs
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::to_string(&k).expect("key")))
                .collect();
            if with_site {
                parts.insert(0, "\"primary_site\":\"ileum\"".to_owned());
            }
            format!("{{{}}}", parts.join(","))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let r = nettx::evaluate_json(&s);
        check_any(&r)?;
        prop_assert_eq!(nettx::evaluate_json_bytes(s.as_bytes()), r);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..512)) {
        let r = nettx::evaluate_json_bytes(&b);
        check_any(&r)?;
        if let Ok(s) = std::str::from_utf8(&b) {
            prop_assert_eq!(nettx::evaluate_json(s), r);
        } else {
            let e = r.expect_err("invalid UTF-8 is rejected");
            prop_assert_eq!(e.kind(), ErrorKind::Parse);
        }
    }

    #[test]
    fn arbitrary_token_soup_never_panics(tokens in prop::collection::vec(token(), 0..40)) {
        let s = tokens.concat();
        let r = nettx::evaluate_json(&s);
        check_any(&r)?;
        prop_assert_eq!(nettx::evaluate_json_bytes(s.as_bytes()), r);
    }

    #[test]
    fn arbitrary_case_objects_keep_the_contract(s in case_text()) {
        let r = nettx::evaluate_json(&s);
        check_any(&r)?;
        prop_assert_eq!(nettx::evaluate_json_bytes(s.as_bytes()), r.clone());
        // Deterministic.
        prop_assert_eq!(nettx::evaluate_json(&s), r.clone());
        if let Ok(out) = r {
            // The accepted case reads back from its canonical JSON to the
            // same evaluation.
            let case = Case::from_json(&s).expect("accepted");
            prop_assert_eq!(nettx::evaluate_json(&case.to_json()).expect("round trip"), out);
        }
    }

    #[test]
    fn arbitrary_builder_sizes_never_panic(size in any::<f64>()) {
        match Case::builder(Site::Ileum).tumor_size_cm(size).build() {
            Ok(case) => {
                prop_assert!((0.01..=30.0).contains(&size));
                let _ = nettx::evaluate(&case).to_json();
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Field);
                prop_assert_eq!(e.field_name(), Some("tumor_size_cm"));
                prop_assert_eq!(e.to_json(), expected_error_json(&e));
            }
        }
    }
}
