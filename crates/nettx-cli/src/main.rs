//! The `nettx` command: evaluate cases given as JSON or JSON Lines, or FHIR
//! records; list the rule table; print the schemas. All clinical logic is in
//! the `nettx` crate, the FHIR mapping in `nettx-fhir`.

mod input;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use input::{Document, Reader};
use nettx::pathway::{Pathway, PathwayFormat};
use nettx::{report, Error, Evaluation};
use nettx_fhir::Mapped;
use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "\
nettx: treatment recommendations for intestinal neuroendocrine tumours
(decision support for a clinician, who reviews the cited basis before acting)

USAGE:
    nettx evaluate [--format json|text|cds-cards|svg|dot|mermaid] [--input case|fhir] FILE|-
        Evaluate one JSON case, or JSON Lines of cases (one per line), from
        FILE or standard input (-). Prints one compact JSON evaluation per
        case (json, the default), a readable report (text) or the CDS Hooks
        cards {\"cards\":[...]} (cds-cards). A bad case prints its error in
        its place; the exit status is then 1. svg, dot and mermaid draw the
        pathway diagram instead: one case's path through the guideline, or
        for several cases their counts on every edge (errors then go to
        standard error).
        Input is streamed: any number of lines, one case in memory at a
        time. A case (a line, or the whole input) may be at most 65,536
        bytes and nest at most 127 levels; a longer line is refused with a
        parse error without being read into memory.
        With --input fhir, each document is a FHIR R4 record (a Bundle or a
        CDS Hooks prefetch object, at most 8 MiB): json prints the mapping
        object with \"evaluation\" added, text adds a \"Read from\" section.
    nettx fhir map FILE|-
        Map FHIR records (one, or JSON Lines) to cases: prints
        {\"case\":...,\"provenance\":...,\"notes\":[...]} per record.
    nettx rules [--format text|json|markdown|svg|dot|mermaid]
        List the rule table: statements, codes, warnings, decision rules;
        or draw the guideline's decision graph (svg, dot, mermaid).
    nettx serve [--config FILE] [--listen ADDR] [--base-url URL] [--audit-log FILE]
                [--tls-cert FILE --tls-key FILE] [--behind-tls-proxy]
        Run the CDS Hooks 2.0 service (docs/CDS-HOOKS.md). Flags override the
        TOML config. With no issuers configured it runs in development mode:
        loopback only, no token checked, and it says so. Stops gracefully on
        SIGTERM or Ctrl-C.
    nettx schema case|evaluation|error
        Print the JSON Schema of the input, the output or the error document.
    nettx completions bash|zsh|fish|elvish|powershell
        Print a shell completion script.
    nettx --version | --help | COMMAND --help

EXIT STATUS: 0 every case evaluated; 1 some case was invalid; 2 usage or I/O error.
";

// USAGE states the limits in words; a change of them must change it too.
const _: () = assert!(
    nettx::MAX_CASE_JSON_BYTES == 65_536
        && nettx::MAX_NESTING_DEPTH == 127
        && nettx_fhir::MAX_RECORD_JSON_BYTES == 8 * 1024 * 1024
);

/// The command line (see USAGE for the overview `nettx --help` prints).
#[derive(Parser)]
#[command(
    name = "nettx",
    override_help = USAGE,
    disable_version_flag = true,
    args_override_self = true,
    subcommand_required = false
)]
struct Cli {
    /// Print the version, the guideline and its digest.
    #[arg(short = 'V', long = "version")]
    version: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate cases (JSON or JSON Lines) or FHIR records.
    #[command(args_override_self = true)]
    Evaluate {
        /// Output: compact JSON per document, a readable report, CDS Hooks cards, or the pathway diagram.
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// What each document is: a flat case, or a FHIR record (Bundle or CDS Hooks prefetch).
        #[arg(long, value_enum, default_value_t = Input::Case)]
        input: Input,
        /// The input file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// FHIR records: map them to cases.
    Fhir {
        #[command(subcommand)]
        command: FhirCommand,
    },
    /// List the rule table: statements, codes, warnings, decision rules.
    #[command(args_override_self = true)]
    Rules {
        /// Output form.
        #[arg(short = 'f', long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Run the CDS Hooks service.
    Serve(ServeArgs),
    /// Print the JSON Schema of the input, the output or the error document.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: Schema,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the version, the guideline and its digest.
    Version,
}

/// `nettx serve`: each flag overrides its setting in the config file.
#[derive(clap::Args)]
struct ServeArgs {
    /// A TOML config file (docs/CDS-HOOKS.md lists its settings).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// The socket address to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// The public base URL callers use (a token's aud is this + the path).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The audit log (JSON Lines, appended).
    #[arg(long, value_name = "FILE")]
    audit_log: Option<std::path::PathBuf>,
    /// TLS certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// TLS private key (PEM); needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// A TLS proxy sits in front (allows a non-loopback address without --tls-cert).
    #[arg(long)]
    behind_tls_proxy: bool,
}

fn serve(args: ServeArgs) -> Result<ExitCode, Failure> {
    let mut config = match &args.config {
        Some(path) => nettx_server::Config::from_file(path)
            .map_err(|e| Failure::Usage(format!("configuration: {e}")))?,
        None => nettx_server::Config::default(),
    };
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(url) = args.base_url {
        config.public_base_url = Some(url);
    }
    if let Some(path) = args.audit_log {
        config.audit.path = path;
    }
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        config.tls = Some(nettx_server::config::Tls { cert, key });
    }
    if args.behind_tls_proxy {
        config.behind_tls_proxy = true;
    }
    // The service serves on threads of its own (one per core); this
    // runtime only accepts connections and waits for the signal to stop.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(io::Error::other(format!("cannot start the runtime: {e}"))))?;
    runtime.block_on(async {
        let running = nettx_server::start(config)
            .await
            .map_err(|e| Failure::Usage(format!("configuration: {e}")))?;
        running.until_signal().await.map_err(Failure::Io)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
enum FhirCommand {
    /// Map FHIR records (one, or JSON Lines) to cases with provenance and notes.
    Map {
        /// The input file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
}

/// Output form of `evaluate`.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    /// One compact JSON document per input document.
    Json,
    /// A readable report.
    Text,
    /// CDS Hooks cards: {"cards":[…]}.
    CdsCards,
    /// The pathway diagram (SVG): the case's path through the guideline, or
    /// for several cases their counts on every edge.
    Svg,
    /// The pathway diagram as Graphviz DOT.
    Dot,
    /// The pathway diagram as a Mermaid flowchart.
    Mermaid,
}

impl Format {
    /// The drawing format, for the pathway formats.
    fn drawing(self) -> Option<PathwayFormat> {
        match self {
            Format::Svg => Some(PathwayFormat::Svg),
            Format::Dot => Some(PathwayFormat::Dot),
            Format::Mermaid => Some(PathwayFormat::Mermaid),
            Format::Json | Format::Text | Format::CdsCards => None,
        }
    }
}

/// What `evaluate` reads.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Input {
    /// A flat case.
    Case,
    /// A FHIR R4 record: a Bundle or a CDS Hooks prefetch object.
    Fhir,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    /// A readable listing.
    Text,
    /// The table as JSON (its SHA-256 is the guideline digest).
    Json,
    /// The table as Markdown (docs/RULES.md).
    Markdown,
    /// The pathway diagram of the whole guideline (SVG).
    Svg,
    /// The pathway diagram as Graphviz DOT.
    Dot,
    /// The pathway diagram as a Mermaid flowchart.
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum)]
enum Schema {
    Case,
    Evaluation,
    Error,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            return match e.kind() {
                K::DisplayHelp | K::DisplayVersion => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                _ => {
                    // clap's message without its own usage lines: ours follows.
                    let text = e.to_string();
                    let words: Vec<&str> = text
                        .lines()
                        .take_while(|l| !l.starts_with("Usage:"))
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
                        .collect();
                    let msg = words.join(" ");
                    usage_error(msg.strip_prefix("error: ").unwrap_or(&msg))
                }
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => usage_error(&msg),
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("nettx: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("nettx: {msg}\n\n{USAGE}");
    ExitCode::from(2)
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

fn version_line() -> String {
    format!(
        "nettx {} (guideline {} {}, digest {})",
        nettx::ENGINE_VERSION,
        nettx::knowledge::GUIDELINE_ID,
        nettx::knowledge::GUIDELINE_VERSION,
        nettx::knowledge::guideline_digest()
    )
}

/// Opens FILE, or standard input for `-`, and runs `f` on it.
fn with_input<T>(
    path: &str,
    f: impl FnOnce(&mut dyn BufRead) -> Result<T, Failure>,
) -> Result<T, Failure> {
    if path == "-" {
        f(&mut io::stdin().lock())
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot open {path}: {e}")))?;
        f(&mut io::BufReader::with_capacity(1 << 16, file))
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    if cli.version {
        writeln!(out, "{}", version_line())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(command) = cli.command else {
        return Err(Failure::Usage("a command is required".into()));
    };
    let code = match command {
        Command::Evaluate {
            format,
            input,
            file,
        } => with_input(&file, |r| match input {
            Input::Case => evaluate_cases(r, format, &mut out),
            Input::Fhir => evaluate_records(r, Some(format), &mut out),
        })?,
        Command::Fhir {
            command: FhirCommand::Map { file },
        } => with_input(&file, |r| evaluate_records(r, None, &mut out))?,
        Command::Rules { format } => {
            match format {
                RulesFormat::Text => out.write_all(report::rules_text().as_bytes())?,
                RulesFormat::Json => writeln!(out, "{}", nettx::knowledge::guideline_json())?,
                RulesFormat::Markdown => out.write_all(report::rules_markdown().as_bytes())?,
                RulesFormat::Svg | RulesFormat::Dot | RulesFormat::Mermaid => {
                    let drawing = match format {
                        RulesFormat::Dot => PathwayFormat::Dot,
                        RulesFormat::Mermaid => PathwayFormat::Mermaid,
                        _ => PathwayFormat::Svg,
                    };
                    let pathway = Pathway::new(nettx::Guideline::builtin());
                    out.write_all(render(&pathway, drawing)?.as_bytes())?;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Serve(args) => {
            out.flush()?;
            serve(args)?
        }
        Command::Schema { which } => {
            let schema = match which {
                Schema::Case => nettx::schema::case_schema(),
                Schema::Evaluation => nettx::schema::evaluation_schema(),
                Schema::Error => nettx::schema::error_schema(),
            };
            out.write_all(nettx::schema::to_text(&schema).as_bytes())?;
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "nettx", &mut out);
            ExitCode::SUCCESS
        }
        Command::Version => {
            writeln!(out, "{}", version_line())?;
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

/// Counts documents and failures; prints the summary and gives the status.
struct Tally {
    noun: &'static str,
    total: usize,
    failed: usize,
    first_failure: usize,
}

impl Tally {
    fn new(noun: &'static str) -> Self {
        Tally {
            noun,
            total: 0,
            failed: 0,
            first_failure: 0,
        }
    }
    fn fail(&mut self, line: usize) {
        self.failed += 1;
        if self.first_failure == 0 {
            self.first_failure = line;
        }
    }
    fn status(&self) -> ExitCode {
        let noun = self.noun;
        if self.failed > 0 {
            eprintln!(
                "nettx: {} of {} {noun}s invalid (first at line {})",
                self.failed, self.total, self.first_failure
            );
            return ExitCode::from(1);
        }
        if self.total == 0 {
            eprintln!("nettx: the input holds no {noun}");
            return ExitCode::from(1);
        }
        ExitCode::SUCCESS
    }
}

fn separator(out: &mut impl Write, total: usize, line: usize) -> io::Result<()> {
    if total > 1 {
        out.write_all(b"\n")?;
    }
    writeln!(out, "=== line {line} ===")
}

/// Evaluates every case of the input; returns exit status 1 if any failed.
fn evaluate_cases(
    input: &mut dyn BufRead,
    format: Format,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let mut reader = Reader::new(input, input::CASE);
    let mut tally = Tally::new("case");
    // Every output but the drawings shows the trace: written during the
    // walk for those (a drawing records its own walk).
    let traced = format.drawing().is_none();
    let read = |bytes: &[u8]| {
        nettx::case_from_json_bytes(bytes).map(|case| {
            if traced {
                nettx::evaluate_traced(&case)
            } else {
                nettx::evaluate(&case)
            }
        })
    };
    let mut pathway = Pathway::new(nettx::Guideline::builtin());
    // The JSON lines of evaluations, collected in one buffer (no allocation
    // per case) and handed over in blocks larger than the writer's own
    // buffer, which it then writes without copying them again.
    let mut json = String::new();
    const BLOCK: usize = 1 << 17;
    loop {
        let doc = match reader.next_document(read) {
            Ok(Some(doc)) => doc,
            Ok(None) => break,
            Err(e) => {
                // The lines evaluated before the input failed are written.
                out.write_all(json.as_bytes())?;
                out.flush()?;
                return Err(e.into());
            }
        };
        tally.total += 1;
        let Document { line, result } = doc;
        if format.drawing().is_some() {
            draw_or_report(&mut pathway, result, &mut tally, line)?;
            continue;
        }
        if let (Ok(ev), Format::Json) = (&result, format) {
            ev.write_json(&mut json);
            json.push('\n');
            if json.len() >= BLOCK {
                out.write_all(json.as_bytes())?;
                json.clear();
            }
            continue;
        }
        // Anything else is written after the lines collected so far.
        out.write_all(json.as_bytes())?;
        json.clear();
        match (result, format) {
            (Ok(_), Format::Json) => {}
            (Ok(ev), Format::CdsCards) => {
                out.write_all(nettx_fhir::cds_cards(&ev).to_json().as_bytes())?;
                out.write_all(b"\n")?;
            }
            (Ok(ev), Format::Text) => {
                separator(out, tally.total, line)?;
                out.write_all(report::evaluation_text(&ev).as_bytes())?;
            }
            (Err(e), format) => {
                tally.fail(line);
                write_error(out, &e, format, tally.total, line, "CASE")?;
            }
            // Drawn above.
            (Ok(_), Format::Svg | Format::Dot | Format::Mermaid) => {}
        }
    }
    out.write_all(json.as_bytes())?;
    if let Some(drawing) = format.drawing() {
        if pathway.cases() > 0 {
            out.write_all(render(&pathway, drawing)?.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(tally.status())
}

/// Adds an evaluation to the drawing, or reports its error on standard
/// error (standard output holds the drawing).
fn draw_or_report(
    pathway: &mut Pathway<'static>,
    result: Result<Evaluation, Error>,
    tally: &mut Tally,
    line: usize,
) -> Result<(), Failure> {
    match result.and_then(|ev| pathway.add(&ev)) {
        Ok(()) => Ok(()),
        Err(e) => {
            tally.fail(line);
            eprintln!("nettx: line {line}: {}", e.to_json());
            Ok(())
        }
    }
}

/// The drawing, or an I/O-level failure naming the problem (the layout of
/// the built-in guideline does not fail; a test holds it to that).
fn render(pathway: &Pathway<'_>, format: PathwayFormat) -> Result<String, Failure> {
    pathway
        .render(format)
        .map_err(|e| Failure::Io(io::Error::other(e.message().to_owned())))
}

fn write_error(
    out: &mut impl Write,
    e: &Error,
    format: Format,
    total: usize,
    line: usize,
    what: &str,
) -> io::Result<()> {
    match format {
        Format::Json | Format::CdsCards | Format::Svg | Format::Dot | Format::Mermaid => {
            out.write_all(e.to_json().as_bytes())?;
            out.write_all(b"\n")
        }
        Format::Text => {
            separator(out, total, line)?;
            writeln!(out, "INVALID {what}: {e}")
        }
    }
}

/// The "Read from" section of the text report of a FHIR record.
fn read_from_text(mapped: &Mapped) -> String {
    let mut s = String::from("\nRead from\n");
    for (field, resources) in mapped.provenance() {
        s.push_str(&format!("  {field}: {}\n", resources.join(", ")));
    }
    if !mapped.notes().is_empty() {
        s.push_str("\nNot used, or to know\n");
        for n in mapped.notes() {
            s.push_str(&format!("  {}: {}\n", n.resource, n.note));
        }
    }
    s
}

/// Maps (and, with a format, evaluates) every FHIR record of the input.
fn evaluate_records(
    input: &mut dyn BufRead,
    format: Option<Format>,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let mut reader = Reader::new(input, input::RECORD);
    let mut tally = Tally::new("record");
    let read = |bytes: &[u8]| nettx_fhir::map_record_bytes(bytes);
    let mut pathway = Pathway::new(nettx::Guideline::builtin());
    let drawing = format.and_then(Format::drawing);
    while let Some(doc) = reader.next_document(read)? {
        tally.total += 1;
        let Document { line, result } = doc;
        if drawing.is_some() {
            draw_or_report(&mut pathway, result.map(|m| m.evaluate()), &mut tally, line)?;
            continue;
        }
        let mapped = match result {
            Ok(m) => m,
            Err(e) => {
                tally.fail(line);
                write_error(
                    out,
                    &e,
                    format.unwrap_or(Format::Json),
                    tally.total,
                    line,
                    "RECORD",
                )?;
                continue;
            }
        };
        let Some(format) = format else {
            out.write_all(mapped.to_json().as_bytes())?;
            out.write_all(b"\n")?;
            continue;
        };
        let ev: Evaluation = mapped.evaluate();
        match format {
            Format::Json => out.write_all(mapped.to_json_with(&ev).as_bytes())?,
            Format::CdsCards => out.write_all(nettx_fhir::cds_cards(&ev).to_json().as_bytes())?,
            // Drawn after the loop.
            Format::Svg | Format::Dot | Format::Mermaid => continue,
            Format::Text => {
                separator(out, tally.total, line)?;
                out.write_all(report::evaluation_text(&ev).as_bytes())?;
                out.write_all(read_from_text(&mapped).as_bytes())?;
                continue;
            }
        }
        out.write_all(b"\n")?;
    }
    if let Some(drawing) = drawing {
        if pathway.cases() > 0 {
            out.write_all(render(&pathway, drawing)?.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(tally.status())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "test code")]
mod tests {
    use super::*;
    use std::io::Read;

    /// A reader that gives `text`, then fails (a disk or a pipe that breaks
    /// part way).
    struct FailsAfter(io::Cursor<Vec<u8>>);

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::other("the disk went away")),
                n => Ok(n),
            }
        }
    }

    /// The evaluations made before the input fails are written before the
    /// error is reported (they wait in a buffer while the input lasts).
    #[test]
    fn lines_evaluated_before_a_read_error_are_written() {
        let line = r#"{"primary_site":"ileum","metastatic":false}"#;
        let text = format!("{line}\n{line}\n");
        let mut input = io::BufReader::new(FailsAfter(io::Cursor::new(text.into_bytes())));
        let mut out = Vec::new();
        let result = evaluate_cases(&mut input, Format::Json, &mut out);
        assert!(matches!(result, Err(Failure::Io(_))));
        let written = String::from_utf8(out).unwrap();
        let expected = nettx::evaluate_json(line).unwrap();
        assert_eq!(written, format!("{expected}\n{expected}\n"));
    }
}
