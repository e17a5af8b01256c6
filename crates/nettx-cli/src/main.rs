//! The `nettx` command: evaluate cases given as JSON or JSON Lines, list the
//! rule table, print the schemas. All clinical logic is in the `nettx` crate.

mod input;

use input::{Document, Reader};
use nettx::report;
use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "\
nettx: treatment recommendations for intestinal neuroendocrine tumours
(decision support for a clinician, who reviews the cited basis before acting)

USAGE:
    nettx evaluate [--format json|text] FILE|-
        Evaluate one JSON case, or JSON Lines of cases (one per line), from
        FILE or standard input (-). Prints one compact JSON evaluation per
        case (json, the default) or a readable report (text). A bad case
        prints its error in its place; the exit status is then 1.
        Input is streamed: any number of lines, one case in memory at a
        time. A case (a line, or the whole input) may be at most 65,536
        bytes and nest at most 127 levels; a longer line is refused with a
        parse error without being read into memory.
    nettx rules [--format text|json|markdown]
        List the rule table: statements, codes, warnings, decision rules.
    nettx schema case|evaluation|error
        Print the JSON Schema of the input, the output or the error document.
    nettx --version | --help

EXIT STATUS: 0 every case evaluated; 1 some case was invalid; 2 usage or I/O error.
";

// USAGE states the limits in words; a change of them must change it too.
const _: () = assert!(nettx::MAX_CASE_JSON_BYTES == 65_536 && nettx::MAX_NESTING_DEPTH == 127);

/// Output form of `evaluate`.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("nettx: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("nettx: {e}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    Usage(String),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Splits `--format X` / `--format=X` out of `args`; returns it and the rest.
fn take_format(args: &[String]) -> Result<(Option<&str>, Vec<&str>), Failure> {
    let mut format = None;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some(v) = arg.strip_prefix("--format=") {
            format = Some(v);
        } else if arg == "--format" || arg == "-f" {
            let v = it
                .next()
                .ok_or_else(|| Failure::Usage("--format needs a value".into()))?;
            format = Some(v.as_str());
        } else {
            rest.push(arg.as_str());
        }
    }
    Ok((format, rest))
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("a command is required".into()));
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let code = match command.as_str() {
        "evaluate" => {
            let (format, paths) = take_format(rest)?;
            let format = match format.unwrap_or("json") {
                "json" => Format::Json,
                "text" => Format::Text,
                other => {
                    return Err(Failure::Usage(format!(
                        "unknown format `{other}` for evaluate (json, text)"
                    )))
                }
            };
            let [path] = paths.as_slice() else {
                return Err(Failure::Usage(
                    "evaluate takes one FILE, or - for standard input".into(),
                ));
            };
            if *path == "-" {
                evaluate(io::stdin().lock(), format, &mut out)?
            } else {
                let file = std::fs::File::open(path)
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot open {path}: {e}")))?;
                evaluate(
                    io::BufReader::with_capacity(1 << 16, file),
                    format,
                    &mut out,
                )?
            }
        }
        "rules" => {
            let (format, extra) = take_format(rest)?;
            if let Some(arg) = extra.first() {
                return Err(Failure::Usage(format!("unexpected argument `{arg}`")));
            }
            match format.unwrap_or("text") {
                "text" => out.write_all(report::rules_text().as_bytes())?,
                "json" => writeln!(out, "{}", nettx::knowledge::guideline_json())?,
                "markdown" => out.write_all(report::rules_markdown().as_bytes())?,
                other => {
                    return Err(Failure::Usage(format!(
                        "unknown format `{other}` for rules (text, json, markdown)"
                    )))
                }
            }
            ExitCode::SUCCESS
        }
        "schema" => {
            let schema = match rest.first().map(String::as_str) {
                Some("case") => nettx::schema::case_schema(),
                Some("evaluation") => nettx::schema::evaluation_schema(),
                Some("error") => nettx::schema::error_schema(),
                _ => {
                    return Err(Failure::Usage(
                        "schema takes one of: case, evaluation, error".into(),
                    ))
                }
            };
            out.write_all(nettx::schema::to_text(&schema).as_bytes())?;
            ExitCode::SUCCESS
        }
        "--version" | "-V" | "version" => {
            writeln!(
                out,
                "nettx {} (guideline {} {}, digest {})",
                nettx::ENGINE_VERSION,
                nettx::knowledge::GUIDELINE_ID,
                nettx::knowledge::GUIDELINE_VERSION,
                nettx::knowledge::guideline_digest()
            )?;
            ExitCode::SUCCESS
        }
        "--help" | "-h" | "help" => {
            out.write_all(USAGE.as_bytes())?;
            ExitCode::SUCCESS
        }
        other => return Err(Failure::Usage(format!("unknown command `{other}`"))),
    };
    out.flush()?;
    Ok(code)
}

/// Evaluates every case of the input; returns exit status 1 if any failed.
fn evaluate<R: BufRead>(
    input: R,
    format: Format,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let mut reader = Reader::new(input);
    let mut failed = 0usize;
    let mut total = 0usize;
    let mut first_failure = 0usize;
    while let Some(doc) = reader.next_document()? {
        total += 1;
        let Document { line, result } = doc;
        match (result, format) {
            (Ok(ev), Format::Json) => {
                out.write_all(ev.to_json().as_bytes())?;
                out.write_all(b"\n")?;
            }
            (Ok(ev), Format::Text) => {
                if total > 1 {
                    out.write_all(b"\n")?;
                }
                writeln!(out, "=== line {line} ===")?;
                out.write_all(report::evaluation_text(&ev).as_bytes())?;
            }
            (Err(e), format) => {
                failed += 1;
                if first_failure == 0 {
                    first_failure = line;
                }
                match format {
                    Format::Json => {
                        out.write_all(e.to_json().as_bytes())?;
                        out.write_all(b"\n")?;
                    }
                    Format::Text => {
                        if total > 1 {
                            out.write_all(b"\n")?;
                        }
                        writeln!(out, "=== line {line} ===\nINVALID CASE: {e}")?;
                    }
                }
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("nettx: {failed} of {total} cases invalid (first at line {first_failure})");
        return Ok(ExitCode::from(1));
    }
    if total == 0 {
        eprintln!("nettx: the input holds no case");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
