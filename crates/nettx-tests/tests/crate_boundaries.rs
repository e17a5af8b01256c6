//! No crate compiles another crate's source files: code shared between
//! crates is a crate of its own (`crates/nettx-checks` for the test support)
//! used as a dependency, never a file included across a crate boundary. This
//! test reads every Rust file and every `Cargo.toml` under `crates/` and
//! `fuzz/` and fails on
//!
//! - a `path` attribute of a module (`#[path = "…"]`, also inside
//!   `#[cfg_attr(…)]`) or an `include!("…")` whose file lies outside the
//!   directory of the crate that holds it (the nearest `Cargo.toml` above it);
//! - a `Cargo.toml` whose targets (`[lib]`, `[[bin]]`, `[[test]]`,
//!   `[[bench]]`, `[[example]]`) or build script (`build = "…"`) point
//!   outside that manifest's directory.
//!
//! There are no exceptions: even the C ABI, which libnettx (crates/nettx-ffi)
//! and the fuzz targets both need, is a crate of its own (`nettx-capi`) that
//! each depends on.
//!
//! Reading data files of the repository (`tests/`, `fuzz/regressions/`) at
//! run time is not an inclusion and is not looked at.

use std::path::{Component, Path, PathBuf};

/// Folders never read: build output, and the fuzz inputs (data, many files).
const SKIPPED_DIRS: &[&str] = &["target", "corpus", "artifacts", "seeds", "regressions"];

/// One inclusion that leaves its crate.
#[derive(Debug, PartialEq, Eq)]
struct Escape {
    /// The file that includes, relative to the repository.
    file: String,
    /// Its line (1-based).
    line: usize,
    /// The path as written.
    path: String,
}

/// Removes `.` and `..` components without touching the file system (the
/// file need not exist for the rule to apply).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Does `written`, relative to the directory `from`, stay inside `root`?
fn stays_inside(root: &Path, from: &Path, written: &str) -> bool {
    normalize(&from.join(written)).starts_with(normalize(root))
}

/// The string literal at the start of `text` (after blanks), if any, without
/// its quotes; escapes are not decoded (paths here have none).
fn leading_literal(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix('"')?;
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                end = Some(i);
                break;
            }
            _ => escaped = false,
        }
    }
    end.and_then(|e| rest.get(..e))
}

/// Is the byte before `at` in `text` part of an identifier?
fn after_identifier(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|before| before.chars().next_back())
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The source with its comments removed (line and doc comments, nested
/// block comments), line breaks kept, so that prose about an attribute is
/// not read as one. Literals (strings, raw strings, characters) are kept as
/// they are, so that a `//` or a quote inside one is not misread.
fn strip_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while let Some(c) = at(i) {
        let next = at(i + 1);
        // Where the literal or comment that starts here ends (exclusive), and
        // whether it is kept.
        let (end, keep) = match c {
            '/' if next == Some('/') => {
                let mut j = i;
                while at(j).is_some_and(|c| c != '\n') {
                    j += 1;
                }
                (j, false)
            }
            '/' if next == Some('*') => {
                let (mut j, mut depth) = (i + 2, 1usize);
                while depth > 0 && j < chars.len() {
                    match (at(j), at(j + 1)) {
                        (Some('*'), Some('/')) => (depth, j) = (depth - 1, j + 2),
                        (Some('/'), Some('*')) => (depth, j) = (depth + 1, j + 2),
                        (Some('\n'), _) => {
                            out.push('\n');
                            j += 1;
                        }
                        _ => j += 1,
                    }
                }
                (j, false)
            }
            '"' => {
                let mut j = i + 1;
                while let Some(c) = at(j) {
                    j += if c == '\\' { 2 } else { 1 };
                    if c == '"' {
                        break;
                    }
                }
                (j, true)
            }
            // r"…", r#"…"#, br"…" (not an identifier ending in r).
            'r' if !is_ident(at(i.wrapping_sub(1)))
                || (at(i.wrapping_sub(1)) == Some('b') && !is_ident(at(i.wrapping_sub(2)))) =>
            {
                let hashes = chars
                    .get(i + 1..)
                    .map_or(0, |rest| rest.iter().take_while(|&&c| c == '#').count());
                if at(i + 1 + hashes) == Some('"') {
                    let close: Vec<char> = std::iter::once('"')
                        .chain(std::iter::repeat('#').take(hashes))
                        .collect();
                    let mut j = i + 2 + hashes;
                    while j < chars.len() && chars.get(j..j + close.len()) != Some(&close[..]) {
                        j += 1;
                    }
                    (j + close.len(), true)
                } else {
                    (i + 1, true)
                }
            }
            // A character literal ('"', '\'', '\u{22}'); else a lifetime.
            '\'' if next == Some('\\') => {
                let mut j = i + 3;
                while at(j).is_some_and(|c| c != '\'') {
                    j += 1;
                }
                (j + 1, true)
            }
            '\'' if at(i + 2) == Some('\'') => (i + 3, true),
            _ => (i + 1, true),
        };
        let end = end.min(chars.len());
        if keep {
            out.extend(chars.get(i..end).unwrap_or_default());
        }
        i = end;
    }
    out
}

/// The paths a Rust source file includes, with their lines: every
/// `path = "…"` inside an attribute (`#[…]` or `#![…]`, so `cfg_attr` too)
/// and every `include!("…")`.
fn included_paths(source: &str) -> Vec<(usize, String)> {
    let code = strip_comments(source);
    let line_of = |at: usize| code.get(..at).map_or(0, |s| s.matches('\n').count()) + 1;
    let mut found = Vec::new();
    // Attributes: from `#[` or `#![` to the bracket that closes it.
    let mut from = 0;
    while let Some(start) = code.get(from..).and_then(|s| s.find('#')).map(|i| i + from) {
        from = start + 1;
        let rest = code.get(start + 1..).unwrap_or_default();
        let rest = rest.strip_prefix('!').unwrap_or(rest).trim_start();
        let Some(body) = rest.strip_prefix('[') else {
            continue;
        };
        let mut depth = 1usize;
        let end = body
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(i, _)| i);
        let attribute = body.get(..end).unwrap_or_default();
        let offset = code.len() - body.len();
        let mut search = 0;
        while let Some(at) = attribute
            .get(search..)
            .and_then(|s| s.find("path"))
            .map(|i| i + search)
        {
            search = at + 4;
            if after_identifier(attribute, at) {
                continue;
            }
            let after = attribute.get(at + 4..).unwrap_or_default().trim_start();
            if let Some(value) = after.strip_prefix('=').and_then(leading_literal) {
                found.push((line_of(offset + at), value.to_owned()));
            }
        }
    }
    // include!("…") (not include_str!/include_bytes!, which read data).
    let mut search = 0;
    while let Some(at) = code
        .get(search..)
        .and_then(|s| s.find("include!"))
        .map(|i| i + search)
    {
        search = at + 8;
        if after_identifier(&code, at) {
            continue;
        }
        let after = code.get(at + 8..).unwrap_or_default().trim_start();
        if let Some(value) = after.strip_prefix('(').and_then(leading_literal) {
            found.push((line_of(at), value.to_owned()));
        }
    }
    found.sort();
    found
}

/// The source paths a `Cargo.toml` names, with their lines: `path` in a
/// target table and `build` (when a string) in `[package]`.
fn manifest_paths(manifest: &str) -> Vec<(usize, String)> {
    const TARGET_TABLES: [&str; 6] = [
        "[lib]",
        "[[bin]]",
        "[[test]]",
        "[[bench]]",
        "[[example]]",
        "[package]",
    ];
    let mut table = "";
    let mut found = Vec::new();
    for (i, raw) in manifest.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            table = TARGET_TABLES
                .iter()
                .find(|t| line.starts_with(*t))
                .copied()
                .unwrap_or("");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let wanted = match table {
            "" => false,
            "[package]" => key == "build",
            _ => key == "path",
        };
        if let Some(value) = leading_literal(value).filter(|_| wanted) {
            found.push((i + 1, value.to_owned()));
        }
    }
    found
}

/// Every file under `dir` (skipping [`SKIPPED_DIRS`] and hidden folders).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// The directory of the crate that holds `file`: the nearest folder above it
/// with a `Cargo.toml`.
fn crate_dir(file: &Path) -> PathBuf {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or_else(|| panic!("{} belongs to no crate", file.display()))
        .to_path_buf()
}

fn repository() -> PathBuf {
    normalize(&nettx_checks::repository())
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repository())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every inclusion under `crates/` and `fuzz/` that leaves its crate, and
/// the number of Rust files and manifests read.
fn escapes() -> (Vec<Escape>, usize, usize) {
    let root = repository();
    let mut all = Vec::new();
    for top in ["crates", "fuzz"] {
        files(&root.join(top), &mut all);
    }
    all.sort();
    let (mut sources, mut manifests) = (0, 0);
    let mut out = Vec::new();
    for file in &all {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let dir = file.parent().unwrap_or(&root);
        let (paths, home) = if name == "Cargo.toml" {
            manifests += 1;
            let text = std::fs::read_to_string(file).expect("Cargo.toml is text");
            (manifest_paths(&text), dir.to_path_buf())
        } else if name.ends_with(".rs") {
            sources += 1;
            let text =
                std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (included_paths(&text), crate_dir(file))
        } else {
            continue;
        };
        for (line, path) in paths {
            if !stays_inside(&home, dir, &path) {
                out.push(Escape {
                    file: relative(file),
                    line,
                    path,
                });
            }
        }
    }
    (out, sources, manifests)
}

#[test]
fn no_source_file_is_included_across_crates() {
    let (found, sources, manifests) = escapes();
    // Not vacuous: the walk reached the workspace and the fuzz crate.
    assert!(sources > 100, "only {sources} Rust files read");
    assert!(manifests >= 9, "only {manifests} Cargo.toml files read");
    let wrong: Vec<String> = found
        .iter()
        .map(|e| format!("{}:{}: {:?}", e.file, e.line, e.path))
        .collect();
    assert!(
        wrong.is_empty(),
        "source files included from outside their crate (make the shared code a \
         crate and depend on it, as crates/nettx-checks is):\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_scanner_finds_what_it_must() {
    // Written with escapes, so that this file's own text holds no attribute.
    let source = "//! #[path = \"../../../a.rs\"] in prose is not read\n\
                  #[path = \"../../../fuzz/src/replay.rs\"]\n\
                  mod replay;\n\
                  #[cfg_attr(test, path=\"b.rs\")]\n\
                  mod b;\n\
                  /* #[path = \"../c.rs\"] */\n\
                  const S: &str = \"#[doc]\";\n\
                  #[doc = \"x\"] #[pathological] fn f() {}\n\
                  include!(\"../../d.rs\");\n\
                  const T: &[u8] = include_bytes!(\"../../e.bin\");\n\
                  let q = '\"'; // #[path = \"../x.rs\"]\n\
                  let r = r#\"x // y\"#; #[path = \"../../w.rs\"] mod w;\n";
    assert_eq!(
        included_paths(source),
        vec![
            (2, "../../../fuzz/src/replay.rs".to_owned()),
            (4, "b.rs".to_owned()),
            (9, "../../d.rs".to_owned()),
            (12, "../../w.rs".to_owned()),
        ]
    );
    let manifest = "[package]\nname = \"x\"\nbuild = \"../build.rs\"\n\n\
                    [lib]\npath = \"../../y/src/lib.rs\"\n\
                    [dependencies]\nz = { path = \"../z\" }\n\
                    [[bin]]\nname = \"b\"\npath=\"src/b.rs\"\n";
    assert_eq!(
        manifest_paths(manifest),
        vec![
            (3, "../build.rs".to_owned()),
            (6, "../../y/src/lib.rs".to_owned()),
            (11, "src/b.rs".to_owned()),
        ]
    );
    let krate = Path::new("/repo/crates/a");
    assert!(stays_inside(krate, &krate.join("tests"), "support/mod.rs"));
    assert!(stays_inside(krate, &krate.join("src"), "../tests/x.rs"));
    assert!(!stays_inside(
        krate,
        &krate.join("tests"),
        "../../../fuzz/src/replay.rs"
    ));
    assert!(!stays_inside(krate, krate, "../a-other/src/lib.rs"));
}
