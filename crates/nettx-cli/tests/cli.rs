//! Black-box tests of the `nettx` binary: single cases and JSON Lines from a
//! file or standard input, bad lines reported in their place, exit statuses,
//! usage errors, the readable report, the rule table and its digest, the
//! schemas, the version, and streaming a large input.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod support;

use support::{run, Run, BIN};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A file under the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn path_for(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        std::env::temp_dir().join(format!(
            "nettx-cli-test-{}-{n}-{nanos}-{tag}",
            std::process::id()
        ))
    }

    fn with(tag: &str, contents: &[u8]) -> Self {
        let path = Self::path_for(tag);
        std::fs::write(&path, contents).expect("temp file written");
        TempFile(path)
    }

    fn empty(tag: &str) -> Self {
        TempFile(Self::path_for(tag))
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `nettx evaluate [extra…] FILE` and `nettx evaluate [extra…] -` on the
/// same input; both must give the same result, which is returned.
fn evaluate_both(extra: &[&str], input: &[u8]) -> Run {
    let file = TempFile::with("input", input);
    let mut args = vec!["evaluate"];
    args.extend_from_slice(extra);
    args.push(file.arg());
    let from_file = run(&args, b"");
    *args.last_mut().expect("FILE") = "-";
    let from_stdin = run(&args, input);
    assert_eq!(from_file, from_stdin, "FILE and - differ");
    from_file
}

/// What the library gives for one case: the evaluation or the error JSON.
fn library_line(bytes: &[u8]) -> String {
    match nettx::evaluate_json_bytes(bytes) {
        Ok(out) => out,
        Err(e) => e.to_json(),
    }
}

fn error_kind(line: &str) -> Option<(String, Option<String>)> {
    let v: serde_json::Value = serde_json::from_str(line).expect("output line is JSON");
    let e = v.get("error")?;
    Some((
        e["kind"].as_str().expect("kind").to_owned(),
        e.get("field")
            .map(|f| f.as_str().expect("field").to_owned()),
    ))
}

/// Checks a usage error: status 2, usage on stderr, nothing on stdout.
fn assert_usage_error(args: &[&str]) {
    let r = run(args, b"");
    assert_eq!(r.code, 2, "{args:?}: exit status ({r:?})");
    assert!(r.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert!(
        r.stderr.contains("USAGE") && r.stderr.contains("nettx evaluate"),
        "{args:?}: usage on stderr: {}",
        r.stderr
    );
}

const CASE_A: &str = r#"{"case_id":"A","primary_site":"ileum","tumor_size_cm":2.5,"metastatic":false,"carcinoid_syndrome":false}"#;
const CASE_B: &str = r#"{"case_id":"B","primary_site":"colon","histology":"well_differentiated","metastatic":true,"hepatic_metastases":true,"metastases_resectable":false,"carcinoid_syndrome":true,"ssa_response":"not_started"}"#;
const CASE_C: &str =
    r#"{"case_id":"C","primary_site":"jejunum","complications":["bowel_obstruction","bleeding"]}"#;
const CASE_D: &str = r#"{"primary_site":"duodenum","tumor_size_cm":1.0,"local_spread":false,"metastatic":false,"carcinoid_syndrome":false}"#;
const CASE_E: &str = r#"{"case_id":"E","primary_site":"rectum","tumor_size_cm":1.5,"metastatic":false,"carcinoid_syndrome":true,"ssa_response":"controlled"}"#;

/// `{"primary_site":"ileum"}` padded with spaces to exactly `len` bytes.
fn padded_case(len: usize) -> String {
    let core = r#"{"primary_site":"ileum"}"#;
    format!("{core}{}", " ".repeat(len - core.len()))
}

// ---------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------

#[test]
fn single_compact_case_from_file_and_stdin() {
    for input in [
        format!("{CASE_A}\n"),
        CASE_A.to_owned(),
        format!("{CASE_A}\r\n"),
        format!("\n\n  {CASE_A}  \n\n"),
    ] {
        let r = evaluate_both(&[], input.as_bytes());
        assert_eq!(r.code, 0, "{r:?}");
        assert_eq!(r.stderr, "", "nothing on stderr");
        let expected = nettx::evaluate_json(CASE_A).expect("valid case");
        assert_eq!(r.stdout_text(), format!("{expected}\n"));
    }
}

#[test]
fn pretty_printed_single_case() {
    let value: serde_json::Value = serde_json::from_str(CASE_B).expect("case");
    let pretty = serde_json::to_string_pretty(&value).expect("pretty");
    assert!(pretty.lines().count() > 5);
    let expected = nettx::evaluate_json(CASE_B).expect("valid case");
    assert_eq!(
        nettx::evaluate_json(&pretty).expect("pretty case"),
        expected
    );
    let crlf = pretty.replace('\n', "\r\n");
    let tabs = pretty.replace("  ", "\t");
    for input in [
        pretty.clone(),
        format!("{pretty}\n"),
        format!("\n\n{pretty}\n\n"),
        crlf.clone(),
        format!("{crlf}\r\n"),
        tabs,
    ] {
        let r = evaluate_both(&[], input.as_bytes());
        assert_eq!(r.code, 0, "{r:?}");
        assert_eq!(r.stdout_text(), format!("{expected}\n"), "input {input:?}");
    }
    // A pretty-printed case with a bad field: one error, in one line.
    let bad = pretty.replace("\"colon\"", "\"moon\"");
    let r = evaluate_both(&[], bad.as_bytes());
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0], library_line(bad.as_bytes()));
    assert_eq!(
        error_kind(&lines[0]),
        Some(("field".to_owned(), Some("primary_site".to_owned())))
    );
}

#[test]
fn multi_line_text_that_is_not_one_object_is_read_as_lines() {
    // A trailing comma: not one JSON document, so each non-empty line is a
    // case of its own, and each is reported.
    let input = "{\n  \"primary_site\": \"ileum\",\n}\n";
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (line, text) in lines
        .iter()
        .zip(["{", "  \"primary_site\": \"ileum\",", "}"])
    {
        assert_eq!(line, &library_line(text.as_bytes()));
        assert_eq!(error_kind(line).expect("error").0, "parse");
    }
}

// ---------------------------------------------------------------------------
// JSON Lines
// ---------------------------------------------------------------------------

#[test]
fn json_lines_with_blank_lines_and_crlf() {
    let input =
        format!("{CASE_A}\r\n\r\n{CASE_B}\n   \n\t\n{CASE_C}\r\n{CASE_D}\n\n{CASE_E}\r\n\r\n");
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stderr, "");
    let lines = r.lines();
    let cases = [CASE_A, CASE_B, CASE_C, CASE_D, CASE_E];
    assert_eq!(lines.len(), cases.len());
    for (line, case) in lines.iter().zip(cases) {
        assert_eq!(line, &nettx::evaluate_json(case).expect("valid"));
    }
    // The last line without a newline is read too.
    let input = format!("{CASE_A}\n{CASE_B}");
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 0);
    assert_eq!(r.lines().len(), 2);
}

#[test]
fn bad_lines_are_reported_in_their_place() {
    let bad_unknown = r#"{"primary_site":"ileum","tumour_size_cm":2}"#;
    let bad_contradiction =
        r#"{"primary_site":"ileum","metastatic":false,"hepatic_metastases":true}"#;
    let not_json = "primary_site=ileum";
    // Line numbers: 1 A, 2 blank, 3 unknown key, 4 B, 5 contradiction,
    // 6 not JSON, 7 C.
    let input = format!(
        "{CASE_A}\n\n{bad_unknown}\n{CASE_B}\r\n{bad_contradiction}\n{not_json}\n{CASE_C}\n"
    );
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let lines = r.lines();
    let expected = [
        CASE_A,
        bad_unknown,
        CASE_B,
        bad_contradiction,
        not_json,
        CASE_C,
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:?}");
    for (line, case) in lines.iter().zip(expected) {
        assert_eq!(line, &library_line(case.as_bytes()));
    }
    assert_eq!(
        error_kind(&lines[1]),
        Some(("field".to_owned(), Some("tumour_size_cm".to_owned())))
    );
    assert_eq!(
        error_kind(&lines[3]),
        Some(("contradiction".to_owned(), Some("metastatic".to_owned())))
    );
    assert_eq!(error_kind(&lines[4]), Some(("parse".to_owned(), None)));
    assert!(error_kind(&lines[5]).is_none());
    // A summary on stderr: how many failed, and where the first one is.
    assert!(
        r.stderr.contains("invalid") && r.stderr.contains("3 of 6"),
        "summary: {}",
        r.stderr
    );
    assert!(r.stderr.contains("line 3"), "first bad line: {}", r.stderr);
}

#[test]
fn over_long_lines_are_parse_errors_in_their_place() {
    let long = padded_case(70_000);
    let deep = "[".repeat(100_000);
    for (i, bad) in [long.as_str(), deep.as_str()].into_iter().enumerate() {
        // In the middle, and as the first line.
        for input in [
            format!("{CASE_A}\n{bad}\n{CASE_B}\n"),
            format!("{bad}\n{CASE_A}\n{CASE_B}\n"),
            format!("{bad}\r\n{CASE_A}\r\n{CASE_B}"),
        ] {
            let r = evaluate_both(&[], input.as_bytes());
            assert_eq!(r.code, 1, "case {i}: {}", r.stderr);
            let lines = r.lines();
            assert_eq!(lines.len(), 3, "case {i}: {lines:?}");
            let bad_at = if input.starts_with(CASE_A) { 1 } else { 0 };
            assert_eq!(
                error_kind(&lines[bad_at]),
                Some(("parse".to_owned(), None)),
                "case {i}: {}",
                lines[bad_at]
            );
            assert!(lines[bad_at].len() < 1000, "short error");
            let good: Vec<&String> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != bad_at)
                .map(|(_, l)| l)
                .collect();
            assert_eq!(good[0], &nettx::evaluate_json(CASE_A).expect("valid"));
            assert_eq!(good[1], &nettx::evaluate_json(CASE_B).expect("valid"));
        }
    }
}

#[test]
fn lines_at_the_size_limit() {
    let limit = nettx::MAX_CASE_JSON_BYTES;
    let exact = padded_case(limit);
    let over = padded_case(limit + 1);
    let plain = nettx::evaluate_json(r#"{"primary_site":"ileum"}"#).expect("valid");
    // Exactly the limit, with LF or CRLF: accepted.
    let input = format!("{CASE_A}\n{exact}\n{exact}\r\n{CASE_A}\n");
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1], plain);
    assert_eq!(lines[2], plain);
    // One byte more: rejected in its place.
    let input = format!("{CASE_A}\n{over}\n{over}\r\n{CASE_A}\n");
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 4);
    assert_eq!(error_kind(&lines[1]), Some(("parse".to_owned(), None)));
    assert_eq!(error_kind(&lines[2]), Some(("parse".to_owned(), None)));
    assert_eq!(lines[3], nettx::evaluate_json(CASE_A).expect("valid"));
    // A single case of exactly the limit as the whole input.
    let r = evaluate_both(&[], exact.as_bytes());
    assert_eq!(r.code, 0);
    assert_eq!(r.lines(), vec![plain]);
}

#[test]
fn invalid_utf8_line_is_a_parse_error_in_its_place() {
    let mut input = Vec::new();
    input.extend_from_slice(CASE_A.as_bytes());
    input.push(b'\n');
    let bad: &[u8] = b"{\"primary_site\":\"ile\xffum\"}";
    input.extend_from_slice(bad);
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(b"\xef\xbb\xbf");
    input.extend_from_slice(CASE_B.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(CASE_C.as_bytes());
    input.push(b'\n');
    let r = evaluate_both(&[], &input);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0], nettx::evaluate_json(CASE_A).expect("valid"));
    assert_eq!(error_kind(&lines[1]), Some(("parse".to_owned(), None)));
    assert_eq!(lines[1], library_line(bad));
    // A byte-order mark at the start of a line is a parse error too.
    assert_eq!(error_kind(&lines[2]), Some(("parse".to_owned(), None)));
    assert_eq!(lines[3], nettx::evaluate_json(CASE_C).expect("valid"));
    // Invalid UTF-8 as the very first bytes of the input.
    let mut input = b"\xff\xfe".to_vec();
    input.extend_from_slice(CASE_A.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(CASE_B.as_bytes());
    let r = evaluate_both(&[], &input);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(error_kind(&lines[0]), Some(("parse".to_owned(), None)));
    assert_eq!(lines[1], nettx::evaluate_json(CASE_B).expect("valid"));
}

#[test]
fn deep_nesting_on_the_first_line_does_not_crash() {
    let deep = "[".repeat(60_000);
    let input = format!("{deep}\n{CASE_A}\n");
    let r = evaluate_both(&[], input.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(error_kind(&lines[0]), Some(("parse".to_owned(), None)));
    assert_eq!(lines[1], nettx::evaluate_json(CASE_A).expect("valid"));
}

#[test]
fn empty_input_is_an_error() {
    for input in ["", "\n", "\n\n  \r\n\t\n"] {
        let r = evaluate_both(&[], input.as_bytes());
        assert_eq!(r.code, 1, "{input:?}");
        assert!(r.stdout.is_empty(), "{input:?}: no output");
        assert!(!r.stderr.trim().is_empty(), "{input:?}: a word on stderr");
    }
}

#[test]
fn nonexistent_file_is_an_io_error() {
    let missing = TempFile::empty("does-not-exist");
    let r = run(&["evaluate", missing.arg()], b"");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(missing.arg()),
        "names the file: {}",
        r.stderr
    );
    // A directory is not a file either.
    let dir = std::env::temp_dir();
    let r = run(&["evaluate", dir.to_str().expect("utf-8")], b"");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2_with_usage_on_stderr() {
    let file = TempFile::with("usage", CASE_A.as_bytes());
    let f = file.arg();
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["evaluat", f],
        vec!["Evaluate", f],
        vec!["evaluate"],
        vec!["evaluate", "--format", "text"],
        vec!["evaluate", f, f],
        vec!["evaluate", "--format", "xml", f],
        vec!["evaluate", "--format=yaml", f],
        vec!["evaluate", "--format=", f],
        vec!["evaluate", f, "--format"],
        vec!["rules", "--format", "xml"],
        vec!["rules", "extra"],
        vec!["schema"],
        vec!["schema", "cases"],
        vec!["schema", "Case"],
    ] {
        assert_usage_error(&args);
    }
}

#[test]
fn help_and_version() {
    for flag in ["--help", "-h"] {
        let r = run(&[flag], b"");
        assert_eq!(r.code, 0);
        assert!(r.stdout_text().contains("USAGE"));
    }
    for flag in ["--version", "-V"] {
        let r = run(&[flag], b"");
        assert_eq!(r.code, 0, "{r:?}");
        let text = r.stdout_text();
        assert!(
            text.starts_with(&format!("nettx {}", nettx::ENGINE_VERSION)),
            "{text}"
        );
        assert!(text.contains(nettx::knowledge::GUIDELINE_VERSION));
        assert!(text.contains(nettx::knowledge::guideline_digest()));
        assert_eq!(text.lines().count(), 1);
    }
}

// ---------------------------------------------------------------------------
// Readable report
// ---------------------------------------------------------------------------

#[test]
fn text_format_is_a_readable_report() {
    // Unknown histology and syndrome: missing data and warnings.
    let partly_known = r#"{"case_id":"T-2","primary_site":"ileum","metastatic":true}"#;
    for (case, extra) in [
        (CASE_B, ["--format", "text"]),
        (CASE_C, ["--format", "text"]),
        (partly_known, ["-f", "text"]),
    ] {
        let r = evaluate_both(&extra, case.as_bytes());
        assert_eq!(r.code, 0, "{r:?}");
        let text = r.stdout_text();
        let lower = text.to_lowercase();
        let ev = nettx::evaluate(&nettx::Case::from_json(case).expect("valid"));
        assert!(text.contains(&nettx::report::evaluation_text(&ev)));
        assert!(!ev.recommendations().is_empty());
        for rec in ev.recommendations() {
            assert!(text.contains(rec.code().as_str()), "{}", rec.code());
            assert!(
                lower.contains(rec.strength().as_str()),
                "{}",
                rec.strength()
            );
            assert!(lower.contains(rec.urgency().as_str()), "{}", rec.urgency());
            for s in rec.sources() {
                assert!(text.contains(s.as_str()), "source {s}");
            }
        }
        for m in ev.missing() {
            assert!(text.contains(m.field().as_str()));
        }
        for w in ev.warnings() {
            assert!(text.contains(w.as_str()), "warning {w}");
        }
        for heading in ["Missing data", "Warnings", "Sources cited"] {
            assert!(text.contains(heading), "heading {heading}");
        }
        assert!(text.contains(nettx::report::DISCLAIMER));
        if let Some(id) = ev.case_id() {
            assert!(text.contains(id));
        }
    }
    // `--format=text`, several cases and a bad one.
    let input = format!("{CASE_A}\n{{\"primary_site\":\"moon\"}}\n{CASE_B}\n");
    let r = evaluate_both(&["--format=text"], input.as_bytes());
    assert_eq!(r.code, 1);
    let text = r.stdout_text();
    assert_eq!(
        text.matches(nettx::report::DISCLAIMER).count(),
        2,
        "one report per valid case"
    );
    assert!(text.contains("primary_site"), "the error is shown");
    assert!(!r.stderr.is_empty());
    // The default format is JSON.
    let r = evaluate_both(&["--format", "json"], CASE_A.as_bytes());
    assert_eq!(
        r.stdout_text(),
        format!("{}\n", nettx::evaluate_json(CASE_A).expect("valid"))
    );
}

// ---------------------------------------------------------------------------
// Rule table, digest, schemas
// ---------------------------------------------------------------------------

#[test]
fn rules_text_lists_every_code_and_warning() {
    let r = run(&["rules"], b"");
    assert_eq!(r.code, 0, "{r:?}");
    let text = r.stdout_text();
    for code in nettx::Code::ALL {
        assert!(text.contains(code.as_str()), "code {code}");
    }
    for w in nettx::WarningCode::ALL {
        assert!(text.contains(w.as_str()), "warning {w}");
    }
    assert!(text.contains(nettx::knowledge::guideline_digest()));
    let r2 = run(&["rules", "--format", "text"], b"");
    assert_eq!(r2, r);
    let md = run(&["rules", "--format", "markdown"], b"");
    assert_eq!(md.code, 0);
    for code in nettx::Code::ALL {
        assert!(md.stdout_text().contains(code.as_str()), "markdown {code}");
    }
}

#[test]
fn rules_json_is_what_the_digest_covers() {
    let r = run(&["rules", "--format", "json"], b"");
    assert_eq!(r.code, 0, "{r:?}");
    let text = r.stdout_text();
    assert_eq!(text, format!("{}\n", nettx::knowledge::guideline_json()));
    let json = text.strip_suffix('\n').expect("newline");
    let v: serde_json::Value = serde_json::from_str(json).expect("rules are JSON");
    assert_eq!(v["id"], nettx::knowledge::GUIDELINE_ID);
    // The listing reads back as a valid guideline that writes the same bytes.
    let read = nettx::Guideline::from_json(json).expect("the listing is a valid guideline");
    assert_eq!(read.to_json(), json);
    // The digest of every evaluation is the SHA-256 of exactly these bytes.
    let digest = sha256_hex(json.as_bytes());
    assert_eq!(digest, nettx::knowledge::guideline_digest());
    let ev = run(&["evaluate", "-"], CASE_A.as_bytes());
    assert_eq!(ev.code, 0);
    let out: serde_json::Value = serde_json::from_slice(&ev.stdout).expect("evaluation");
    assert_eq!(out["guideline"]["digest"], digest.as_str());
    assert_eq!(out["guideline"]["id"], nettx::knowledge::GUIDELINE_ID);
    assert_eq!(
        out["guideline"]["version"],
        nettx::knowledge::GUIDELINE_VERSION
    );
    // `--format=json` is the same.
    assert_eq!(run(&["rules", "--format=json"], b""), r);
}

#[test]
fn schemas_are_json() {
    for (name, schema) in [
        ("case", nettx::schema::case_schema()),
        ("evaluation", nettx::schema::evaluation_schema()),
        ("error", nettx::schema::error_schema()),
    ] {
        let r = run(&["schema", name], b"");
        assert_eq!(r.code, 0, "{name}: {r:?}");
        let text = r.stdout_text();
        assert_eq!(text, nettx::schema::to_text(&schema), "{name}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        assert_eq!(v["type"], "object", "{name}");
        assert!(v["$schema"].is_string(), "{name}");
    }
    // The error schema describes the error documents the command prints.
    let r = run(&["schema", "error"], b"");
    let schema: serde_json::Value = serde_json::from_slice(&r.stdout).expect("schema");
    let kinds = schema["properties"]["error"]["properties"]["kind"]["enum"]
        .as_array()
        .expect("kinds");
    for k in ["parse", "field", "contradiction", "internal"] {
        assert!(kinds.iter().any(|v| v == k), "kind {k}");
    }
}

/// SHA-256 (lowercase hex), FIPS 180-4, so the test checks the digest without
/// trusting the crate's own hashing.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[test]
fn sha256_known_answers() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

// ---------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------

#[test]
fn streams_a_large_json_lines_file() {
    // 200,000 cases (about 10 s with a debug binary, 1 GB of output that is
    // removed afterwards).
    let n: usize = 200_000;
    let sites = [
        "duodenum",
        "jejunum",
        "ileum",
        "small_intestine_unspecified",
        "colon",
        "rectum",
        "appendix",
        "other",
    ];
    // Deliberately bad lines, at fixed positions.
    let bad_lines = [
        (7usize, r#"{"primary_site":"ileum","tumour_size_cm":1}"#),
        (n / 3, r#"{"primary_site":"ileum","metastatic":"yes"}"#),
        (n / 2, "not json at all"),
        (
            n - 1,
            r#"{"primary_site":"ileum","metastatic":false,"hepatic_metastases":true}"#,
        ),
    ];
    let input = TempFile::empty("stream-in.jsonl");
    {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(input.path()).expect("input file created"),
        );
        for i in 0..n {
            if let Some((_, bad)) = bad_lines.iter().find(|(at, _)| *at == i) {
                writeln!(w, "{bad}").expect("write");
                continue;
            }
            let size = 0.5 + (i % 50) as f64 * 0.1;
            let eol = if i % 10 == 0 { "\r\n" } else { "\n" };
            write!(
                w,
                r#"{{"case_id":"c{i}","primary_site":"{}","tumor_size_cm":{size:.1},"metastatic":{},"carcinoid_syndrome":{}}}{eol}"#,
                sites[i % sites.len()],
                i % 2 == 0,
                i % 3 == 0
            )
            .expect("write");
            if i % 1000 == 0 {
                w.write_all(b"\n").expect("blank line");
            }
        }
        w.flush().expect("flush");
    }
    let output = TempFile::empty("stream-out.jsonl");
    let started = Instant::now();
    let status = Command::new(BIN)
        .args(["evaluate", input.arg()])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(output.path()).expect("output file"))
        .stderr(Stdio::piped())
        .output()
        .expect("nettx runs");
    let elapsed = started.elapsed();
    assert_eq!(status.status.code(), Some(1), "some lines are bad");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains(&format!("{} of {n}", bad_lines.len())),
        "summary: {stderr}"
    );

    let reader = BufReader::new(std::fs::File::open(output.path()).expect("output"));
    let mut count = 0usize;
    let mut errors = Vec::new();
    for line in reader.lines() {
        let line = line.expect("output line");
        if line.starts_with(r#"{"error":"#) {
            errors.push(count);
        } else if count.is_multiple_of(9973) {
            // Spot checks: the evaluation of this very case.
            assert!(
                line.contains(&format!(r#""case_id":"c{count}""#)),
                "{count}"
            );
        }
        count += 1;
    }
    assert_eq!(count, n, "one output line per case");
    let expected: Vec<usize> = bad_lines.iter().map(|(at, _)| *at).collect();
    assert_eq!(errors, expected, "errors in the places of the bad lines");
    assert!(
        elapsed < Duration::from_secs(60),
        "{n} cases took {elapsed:?}"
    );
    eprintln!("streamed {n} cases in {elapsed:?}");
}

/// `rules --format svg|dot|mermaid` draws the guideline as the core does.
#[test]
fn rules_draws_the_guideline() {
    use nettx::pathway::{Pathway, PathwayFormat};
    for (flag, format) in [
        ("svg", PathwayFormat::Svg),
        ("dot", PathwayFormat::Dot),
        ("mermaid", PathwayFormat::Mermaid),
    ] {
        let r = run(&["rules", "--format", flag], b"");
        assert_eq!(r.code, 0, "{r:?}");
        let want = Pathway::new(nettx::Guideline::builtin())
            .render(format)
            .expect("renders");
        assert_eq!(r.stdout_text(), want, "rules --format {flag}");
    }
}

/// `evaluate --format svg|dot|mermaid` draws one case's path, or several
/// cases' counts; bad cases go to standard error and set status 1.
#[test]
fn evaluate_draws_the_pathway_of_one_case_or_a_cohort() {
    use nettx::pathway::{Pathway, PathwayFormat};
    let a = r#"{"primary_site":"ileum","metastatic":false}"#;
    let b = r#"{"primary_site":"rectum","tumor_size_cm":1.5,"complications":["bleeding"]}"#;
    let evaluate = |json: &str| nettx::evaluate(&nettx::Case::from_json(json).expect("case"));
    for (flag, format) in [
        ("svg", PathwayFormat::Svg),
        ("dot", PathwayFormat::Dot),
        ("mermaid", PathwayFormat::Mermaid),
    ] {
        let one = run(&["evaluate", "--format", flag, "-"], a.as_bytes());
        assert_eq!(one.code, 0, "{one:?}");
        let want = Pathway::of(&evaluate(a)).render(format).expect("renders");
        assert_eq!(one.stdout_text(), want, "one case, {flag}");

        let input = format!("{a}\n{b}\n{{\"bad\":1}}\n");
        let cohort = run(&["evaluate", "--format", flag, "-"], input.as_bytes());
        assert_eq!(cohort.code, 1, "{cohort:?}");
        let evaluations = [evaluate(a), evaluate(b)];
        let want = Pathway::cohort(&evaluations)
            .expect("same guideline")
            .render(format)
            .expect("renders");
        assert_eq!(cohort.stdout_text(), want, "two cases, {flag}");
        assert!(cohort.stderr.contains("line 3"), "{}", cohort.stderr);
    }
}
