//! The hostile-input corpus (`tests/hostile/corpus.json`) for the Rust tests:
//! loading it, expanding its generator, and the expected answers. Used by
//! `crates/nettx-tests/tests/hostile.rs` (the core) and
//! `crates/nettx-cli/tests/hostile.rs` (the binary); the format is described
//! in `tests/hostile/README.md`, and `tests/hostile/corpus.py` is the same
//! code in Python (for the C and Python suites).

use serde_json::Value;

/// Fewest error entries the corpus must have: every language's test fails
/// below it.
pub const MIN_ERROR_ENTRIES: usize = 60;

/// What an entry point must answer for an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An error of this kind, naming this field (`None`: no field).
    Error {
        /// `parse`, `field`, `contradiction` or `internal`.
        kind: String,
        /// The offending field, if any.
        field: Option<String>,
    },
    /// The input is a valid case: it is evaluated.
    Valid,
    /// This entry point is not checked with this input, for the reason given.
    Skip(String),
}

/// One entry of the corpus.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Unique title.
    pub title: String,
    /// The input bytes (`input` as UTF-8, or `generate` expanded).
    pub input: Vec<u8>,
    /// What every entry point that reads the whole text answers.
    pub answer: Answer,
    /// What `nettx_evaluate_json` answers (it reads a C string to its NUL).
    pub c_string: Answer,
    /// What Python's `evaluate(json.loads(input))` answers, if given.
    pub dict: Option<Answer>,
    /// What the command line answers.
    pub cli: Answer,
}

/// The corpus file.
pub fn corpus_path() -> std::path::PathBuf {
    crate::repository().join("tests/hostile/corpus.json")
}

/// Expands a generator: a list of parts, each a string (its UTF-8 bytes),
/// `{"repeat": S, "times": N}` (S's UTF-8 bytes N times) or `{"hex": H}`
/// (the bytes H spells, two hex digits each), concatenated.
pub fn expand(parts: &Value) -> Result<Vec<u8>, String> {
    let parts = parts
        .as_array()
        .ok_or("`generate` must be a list of parts")?;
    let mut out = Vec::new();
    for part in parts {
        match part {
            Value::String(s) => out.extend_from_slice(s.as_bytes()),
            Value::Object(o) if o.len() == 2 && o.contains_key("repeat") => {
                let text = o["repeat"].as_str().ok_or("`repeat` takes a string")?;
                let times = o
                    .get("times")
                    .and_then(Value::as_u64)
                    .ok_or("`repeat` needs `times`, a count")?;
                let times = usize::try_from(times).map_err(|e| e.to_string())?;
                out.extend_from_slice(text.repeat(times).as_bytes());
            }
            Value::Object(o) if o.len() == 1 && o.contains_key("hex") => {
                let hex = o["hex"].as_str().ok_or("`hex` takes a string")?;
                if hex.len() % 2 != 0 {
                    return Err(format!("odd number of hex digits in {hex:?}"));
                }
                for pair in hex.as_bytes().chunks(2) {
                    let pair = std::str::from_utf8(pair).map_err(|e| e.to_string())?;
                    out.push(u8::from_str_radix(pair, 16).map_err(|e| format!("{pair:?}: {e}"))?);
                }
            }
            other => return Err(format!("unknown generator part {other}")),
        }
    }
    Ok(out)
}

/// Reads an answer: `{"kind": K, "field": F?}` (F a string or a generator,
/// decoded as UTF-8), `{"valid": true}` or `{"skip": REASON}`.
fn parse_answer(v: &Value) -> Result<Answer, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("an answer is an object: {v}"))?;
    if let Some(reason) = o.get("skip") {
        let reason = reason.as_str().filter(|r| !r.is_empty());
        return reason
            .map(|r| Answer::Skip(r.to_owned()))
            .ok_or_else(|| "`skip` needs a reason".to_owned());
    }
    if o.get("valid") == Some(&Value::Bool(true)) && o.len() == 1 {
        return Ok(Answer::Valid);
    }
    let kind = o
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| ["parse", "field", "contradiction", "internal"].contains(k))
        .ok_or_else(|| format!("bad or missing kind in {v}"))?;
    let field = match o.get("field") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(parts) => Some(String::from_utf8(expand(parts)?).map_err(|e| e.to_string())?),
    };
    if o.keys().any(|k| k != "kind" && k != "field") {
        return Err(format!("unknown key in answer {v}"));
    }
    Ok(Answer::Error {
        kind: kind.to_owned(),
        field,
    })
}

fn entry(v: &Value) -> Result<Entry, String> {
    let o = v.as_object().ok_or("an entry is an object")?;
    const KEYS: [&str; 9] = [
        "title", "input", "generate", "error", "valid", "c_string", "dict", "cli", "note",
    ];
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key `{k}`"));
    }
    let title = o
        .get("title")
        .and_then(Value::as_str)
        .ok_or("no title")?
        .to_owned();
    let input = match (o.get("input"), o.get("generate")) {
        (Some(Value::String(s)), None) => s.as_bytes().to_vec(),
        (None, Some(parts)) => expand(parts)?,
        _ => {
            return Err(format!(
                "{title}: exactly one of `input` (a string) or `generate`"
            ))
        }
    };
    let answer = match (o.get("error"), o.get("valid")) {
        (Some(e), None) => match parse_answer(e)? {
            a @ Answer::Error { .. } => a,
            _ => return Err(format!("{title}: `error` must be an error")),
        },
        (None, Some(Value::Bool(true))) => Answer::Valid,
        _ => return Err(format!("{title}: exactly one of `error` or `valid: true`")),
    };
    let override_of = |key: &str| o.get(key).map(parse_answer).transpose();
    let c_string = override_of("c_string")?.unwrap_or_else(|| answer.clone());
    let cli = override_of("cli")?.unwrap_or_else(|| answer.clone());
    let dict = override_of("dict")?;
    // An override needs a note saying why, unless every override is a skip
    // (whose reason says it).
    let given: Vec<Answer> = ["c_string", "dict", "cli"]
        .iter()
        .filter_map(|k| o.get(*k).map(parse_answer))
        .collect::<Result<_, _>>()?;
    let explained = o.contains_key("note") || given.iter().all(|a| matches!(a, Answer::Skip(_)));
    if !explained {
        return Err(format!("{title}: an override needs a `note` saying why"));
    }
    Ok(Entry {
        title,
        input,
        answer,
        c_string,
        dict,
        cli,
    })
}

/// The corpus, checked for form (unique titles, known keys, valid answers,
/// enough error entries).
pub fn load() -> Vec<Entry> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("corpus.json is JSON");
    let entries = doc["entries"].as_array().expect("`entries` is a list");
    let entries: Vec<Entry> = entries
        .iter()
        .enumerate()
        .map(|(i, v)| entry(v).unwrap_or_else(|e| panic!("corpus entry {i}: {e}")))
        .collect();
    let mut titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), entries.len(), "corpus titles are unique");
    let errors = entries
        .iter()
        .filter(|e| matches!(e.answer, Answer::Error { .. }))
        .count();
    assert!(
        errors >= MIN_ERROR_ENTRIES,
        "the corpus must hold at least {MIN_ERROR_ENTRIES} error entries, has {errors}"
    );
    entries
}

/// The kind and field of an output document: [`Answer::Valid`] for an
/// evaluation, else the error's, checking the error document's form: compact,
/// keys `kind`, `field` (left out when none) and `message` in that order, and
/// a message a person can read (not empty, at most 1,000 bytes).
pub fn document_answer(doc: &str) -> Result<Answer, String> {
    let v: Value = serde_json::from_str(doc).map_err(|e| format!("not JSON ({e}): {doc}"))?;
    let Some(error) = v.get("error") else {
        return Ok(Answer::Valid);
    };
    let text = |key: &str| error.get(key).and_then(Value::as_str);
    let kind = text("kind").ok_or("no kind")?;
    let message = text("message").ok_or("no message")?;
    let field = text("field");
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let rebuilt = match field {
        Some(f) => format!(
            "{{\"error\":{{\"kind\":{},\"field\":{},\"message\":{}}}}}",
            quoted(kind),
            quoted(f),
            quoted(message)
        ),
        None => format!(
            "{{\"error\":{{\"kind\":{},\"message\":{}}}}}",
            quoted(kind),
            quoted(message)
        ),
    };
    if rebuilt != doc {
        return Err(format!(
            "not the compact error document of the interface: {doc}"
        ));
    }
    if message.is_empty() || message.len() > 1000 {
        return Err(format!("a message of {} bytes", message.len()));
    }
    Ok(Answer::Error {
        kind: kind.to_owned(),
        field: field.map(str::to_owned),
    })
}

/// `text` cut for a failure message.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut cut: String = text.chars().take(80).collect();
    if text.chars().nth(80).is_some() {
        cut.push('…');
    }
    format!("{cut:?} ({} bytes)", bytes.len())
}
