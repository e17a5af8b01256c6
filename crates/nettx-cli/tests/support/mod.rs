//! Running the `nettx` binary from the CLI's integration tests (`cli.rs`,
//! `hostile.rs`).

use std::io::Write;
use std::process::{Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_nettx");

/// What one run of the binary gave.
#[derive(Debug, PartialEq)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }

    /// Output lines (each ended by `\n`, the last one too).
    pub fn lines(&self) -> Vec<String> {
        let text = self.stdout_text();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "output ends with a newline"
        );
        text.lines().map(str::to_owned).collect()
    }
}

/// Runs `nettx args…` with `stdin` as standard input.
pub fn run(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nettx starts");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    // Written from a thread so that a large input cannot dead-lock against a
    // full stdout pipe.
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early (usage errors): ignore EPIPE.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("nettx runs");
    writer.join().expect("writer thread");
    Run {
        code: out.status.code().expect("exit status, not a signal"),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
