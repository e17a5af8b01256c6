//! The hostile-input corpus (`tests/hostile/corpus.json`) through the core's
//! entry points: `evaluate_json` and `Case::from_json` (text), and
//! `evaluate_json_bytes` and `case_from_json_bytes` (bytes, for input that is
//! not UTF-8). Each must give the corpus's kind and field, with the error
//! document of the interface; the C, Python and command-line suites check the
//! same corpus.

use nettx::{Case, Error};
use nettx_checks::hostile::{self, document_answer, excerpt, Answer, Entry};

/// The answer of a result of the core.
fn answer_of<T>(result: &Result<T, Error>) -> Result<Answer, String> {
    match result {
        Ok(_) => Ok(Answer::Valid),
        Err(e) => {
            let from_doc = document_answer(&e.to_json())?;
            let direct = Answer::Error {
                kind: e.kind().to_string(),
                field: e.field_name().map(str::to_owned),
            };
            if from_doc != direct {
                return Err(format!("to_json says {from_doc:?}, the error {direct:?}"));
            }
            Ok(direct)
        }
    }
}

/// Every way the core reads JSON, with its answer for `entry`.
fn answers(entry: &Entry) -> Vec<(&'static str, Result<Answer, String>)> {
    let bytes = &entry.input;
    let mut out = vec![
        (
            "evaluate_json_bytes",
            answer_of(&nettx::evaluate_json_bytes(bytes)),
        ),
        (
            "case_from_json_bytes",
            answer_of(&nettx::case_from_json_bytes(bytes)),
        ),
    ];
    if let Ok(text) = std::str::from_utf8(bytes) {
        out.push(("evaluate_json", answer_of(&nettx::evaluate_json(text))));
        out.push(("Case::from_json", answer_of(&Case::from_json(text))));
    }
    out
}

#[test]
fn every_entry_gets_its_kind_and_field_from_every_core_entry_point() {
    let entries = hostile::load();
    let mut failures = Vec::new();
    for entry in &entries {
        for (how, got) in answers(entry) {
            if got.as_ref() != Ok(&entry.answer) {
                failures.push(format!(
                    "{}: {how} gave {got:?}, expected {:?}; input {}",
                    entry.title,
                    entry.answer,
                    excerpt(&entry.input)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} entries differ:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

/// Whether `m` shows every character: no control character and nothing
/// that `char::escape_debug` would escape (zero-width, bidirectional
/// controls, combining marks, unusual spaces), so that a look-alike value is
/// visibly different in the message and the message cannot reorder a log.
fn is_visible(m: &str) -> bool {
    m.chars()
        .all(|c| c == '"' || c == '\'' || c == '\\' || c.escape_debug().nth(1).is_none())
}

#[test]
fn messages_are_short_and_show_every_character() {
    for entry in hostile::load() {
        if let Err(e) = nettx::evaluate_json_bytes(&entry.input) {
            let m = e.message();
            assert!(is_visible(m), "{}: message {m:?}", entry.title);
            assert!(
                m.len() <= 1000,
                "{}: message of {} bytes",
                entry.title,
                m.len()
            );
        }
    }
    // A look-alike value is quoted with its invisible character escaped, and
    // the quote reads back as the value given.
    for (value, shown) in [
        ("ileum\u{7f}", r#""ileum\u007f""#),
        ("ileum\u{200b}", r#""ileum\u200b""#),
        ("\u{202e}muneli", r#""\u202emuneli""#),
        ("ile\u{ad}um", r#""ile\u00adum""#),
        ("ileum\u{e0000}", r#""ileum\udb40\udc00""#),
        ("ileu\u{301}m", r#""ileu\u0301m""#),
        ("\u{456}leum", "\"\u{456}leum\""),
    ] {
        let input = format!(
            r#"{{"primary_site":{}}}"#,
            serde_json::to_string(value).expect("JSON")
        );
        let e = nettx::evaluate_json(&input).expect_err("refused");
        assert!(
            e.message().ends_with(&format!("got {shown}")),
            "{}",
            e.message()
        );
        let back: String = serde_json::from_str(shown).expect("the quote is JSON");
        assert_eq!(back, value);
    }
}

#[test]
fn limits_have_their_documented_values() {
    assert_eq!(nettx::MAX_CASE_JSON_BYTES, 65_536);
    assert_eq!(nettx::MAX_NESTING_DEPTH, 127);
    assert_eq!(nettx::MAX_CASE_ID_BYTES, 256);
    assert_eq!(nettx::MAX_BATCH_CASES, 1_000_000);
    assert_eq!(nettx::limits::MAX_CASE_ID_BYTES, nettx::MAX_CASE_ID_BYTES);
}

/// `{"primary_site":"ileum","zzz":[[…]]}` nesting `levels` deep in all, the
/// case object counting as one.
fn nested_under_unknown_key(levels: usize) -> String {
    let inner = levels - 1;
    format!(
        r#"{{"primary_site":"ileum","zzz":{}{}}}"#,
        "[".repeat(inner),
        "]".repeat(inner)
    )
}

#[test]
fn nesting_limit_is_exact_and_named_in_the_message() {
    let depth = nettx::MAX_NESTING_DEPTH;
    // At the limit the document is read and the unknown key reported…
    let e = nettx::evaluate_json(&nested_under_unknown_key(depth)).expect_err("unknown key");
    assert_eq!(e.field_name(), Some("zzz"));
    let objects = format!(
        r#"{{"primary_site":"ileum","zzz":{}1{}}}"#,
        r#"{"a":"#.repeat(depth - 1),
        "}".repeat(depth - 1)
    );
    let e = nettx::evaluate_json(&objects).expect_err("unknown key");
    assert_eq!(e.field_name(), Some("zzz"));
    // …one level more is a parse error that names the limit.
    for input in [
        nested_under_unknown_key(depth + 1),
        "[".repeat(depth + 1),
        format!(r#"{{"zzz":{}"#, r#"{"a":"#.repeat(depth)),
    ] {
        let e = nettx::evaluate_json(&input).expect_err("too deep");
        assert_eq!((e.kind(), e.field_name()), (nettx::ErrorKind::Parse, None));
        if input.starts_with('{') {
            assert!(
                e.message()
                    .contains(&format!("more than {depth} levels deep"))
                    && e.message().contains(&format!("at most {depth} levels")),
                "{}",
                e.message()
            );
        }
    }
}

#[test]
fn size_limit_is_exact() {
    let limit = nettx::MAX_CASE_JSON_BYTES;
    let case = r#"{"primary_site":"ileum"}"#;
    let exact = format!("{case}{}", " ".repeat(limit - case.len()));
    assert!(nettx::evaluate_json(&exact).is_ok());
    let over = format!("{exact} ");
    let e = nettx::evaluate_json(&over).expect_err("too long");
    assert_eq!((e.kind(), e.field_name()), (nettx::ErrorKind::Parse, None));
    assert!(e.message().contains("65536"), "{}", e.message());
}

/// The field/value path (what the bindings use for a Python dict or a table
/// row, [`nettx::case_from_entries`]) gives the corpus's `dict` answer where
/// the entry has one, else the JSON answer: wherever the text is a JSON
/// object that serde_json reads whole (the limits of JSON text, the size and
/// the nesting, do not apply to values that are not text). Entries whose
/// JSON answer is a parse error and that have no `dict` answer are about the
/// text itself (a duplicate key, which a map cannot hold) and are left out.
#[test]
fn the_field_value_path_agrees() {
    let mut checked = 0;
    for entry in hostile::load() {
        let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(&entry.input)
        else {
            continue;
        };
        let expected = match &entry.dict {
            Some(Answer::Skip(_)) => continue,
            Some(answer) => answer.clone(),
            None if matches!(&entry.answer, Answer::Error { kind, .. } if kind == "parse") => {
                continue
            }
            None => entry.answer.clone(),
        };
        let got = answer_of(&nettx::case_from_entries(map));
        assert_eq!(got.as_ref(), Ok(&expected), "{}", entry.title);
        checked += 1;
    }
    assert!(
        checked >= 60,
        "only {checked} entries reached the field/value path"
    );
}
