//! The hostile-input corpus (`tests/hostile/corpus.json`) through the `nettx`
//! binary: each input, as a file and on standard input, must print the error
//! document with the corpus's kind and field in its place and exit with
//! status 1 (a valid entry: its evaluation, status 0).
//!
//! How the command line reads differently, by design: an input that is not
//! one JSON object (pretty-printed or not) is read as JSON Lines, one case per
//! non-empty line. So an entry without a newline prints exactly one line; an
//! entry with newlines may print a line per input line, and its first printed
//! line is the one checked (the corpus's kind and field are those of the whole
//! text, which the first line's error matches by construction of those
//! entries). Entries the command line reads differently on purpose (two cases
//! on two lines are two cases; an input of blank lines holds no case) carry
//! `"cli": {"skip": reason}` in the corpus.
//!
//! Also here: one line of 50 MB without a newline is refused with a parse
//! error in bounded memory, and the lines after it are still evaluated.

// Only `run` and `BIN` are used here; `cli.rs` uses the rest.
#[allow(dead_code)]
mod support;

use nettx_checks::hostile::{self, document_answer, excerpt, Answer};
use std::io::Write;
use std::process::{Command, Stdio};
use support::BIN;

/// Exit status and standard output of `nettx evaluate ARG` with `stdin`.
fn run(arg: &str, stdin: &[u8]) -> (i32, String) {
    let out = support::run(&["evaluate", arg], stdin);
    (out.code, out.stdout_text())
}

/// Runs the input from a file and from standard input; both must agree.
fn run_both(input: &[u8]) -> (i32, String) {
    let path = std::env::temp_dir().join(format!("nettx-hostile-{}.in", std::process::id()));
    std::fs::write(&path, input).expect("temp file");
    let from_file = run(path.to_str().expect("UTF-8 path"), b"");
    let _ = std::fs::remove_file(&path);
    let from_stdin = run("-", input);
    assert_eq!(from_file, from_stdin, "FILE and - differ");
    from_stdin
}

/// What is wrong with the command line's answer to `input`, if anything.
fn check(input: &[u8], expected: &Answer) -> Result<(), String> {
    let (code, out) = run_both(input);
    let lines: Vec<&str> = out.lines().collect();
    let first = lines.first().ok_or("no output line")?;
    if !input.contains(&b'\n') && lines.len() != 1 {
        return Err(format!(
            "{} output lines for one line of input",
            lines.len()
        ));
    }
    let got = document_answer(first)?;
    let want_code = if *expected == Answer::Valid { 0 } else { 1 };
    if got != *expected || code != want_code {
        return Err(format!("exit status {code} and {got:?}"));
    }
    if got == Answer::Valid {
        let library = nettx::evaluate_json_bytes(input).map_err(|e| e.to_json())?;
        if *first != library {
            return Err("the evaluation differs from the library's".into());
        }
    }
    Ok(())
}

#[test]
fn every_entry_gets_its_kind_and_field_from_the_command_line() {
    let entries = hostile::load();
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in &entries {
        if let Answer::Skip(_) = entry.cli {
            continue;
        }
        checked += 1;
        if let Err(why) = check(&entry.input, &entry.cli) {
            failures.push(format!(
                "{}: {why}; expected {:?}; input {}",
                entry.title,
                entry.cli,
                excerpt(&entry.input)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} entries differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= hostile::MIN_ERROR_ENTRIES,
        "{checked} entries checked"
    );
}

/// Peak resident memory of a running process, in kB (Linux).
#[cfg(target_os = "linux")]
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_line_of_50_mb_is_refused_in_bounded_memory() {
    const LINE: usize = 50 << 20;
    let mut child = Command::new(BIN)
        .args(["evaluate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("nettx starts");
    let mut pipe = child.stdin.take().expect("stdin");
    let block = vec![b'x'; 1 << 20];
    for _ in 0..LINE / block.len() {
        pipe.write_all(&block).expect("nettx reads the long line");
    }
    // Everything written so far has been read (the pipe holds at most a
    // little): the peak memory of the process says whether it was kept.
    #[cfg(target_os = "linux")]
    {
        let peak = peak_rss_kb(child.id()).expect("VmHWM of the running process");
        assert!(
            peak < 20 * 1024,
            "nettx kept {peak} kB after reading a 50 MB line"
        );
    }
    pipe.write_all(b"\n{\"primary_site\":\"ileum\"}\n")
        .expect("the next line");
    drop(pipe);
    let out = child.wait_with_output().expect("nettx runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text:.300}");
    assert_eq!(
        document_answer(lines[0]),
        Ok(Answer::Error {
            kind: "parse".into(),
            field: None
        })
    );
    assert!(lines[0].contains("longer than 65536 bytes"), "{}", lines[0]);
    assert_eq!(
        lines[1],
        nettx::evaluate_json(r#"{"primary_site":"ileum"}"#).expect("valid")
    );
}
