//! `include/nettx.h` is what cbindgen makes of the C ABI this crate's
//! libraries export (the source of crates/nettx-capi, with this crate's
//! `cbindgen.toml`), byte for byte, and its version macros are the crate's
//! version.
//!
//! Regenerate the header after changing the C API or `cbindgen.toml`:
//! `NETTX_UPDATE_HEADER=1 cargo test -p nettx-ffi --test header`.

use std::path::PathBuf;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// crates/nettx-capi, whose source defines the functions, types and constants
/// this crate's libraries export (read here as cbindgen's input, not compiled).
fn capi_dir() -> PathBuf {
    crate_dir().join("../nettx-capi")
}

fn header_path() -> PathBuf {
    crate_dir().join("../../include/nettx.h")
}

/// The header as the pinned cbindgen generates it from the source.
fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(capi_dir().join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn header_is_current() {
    let now = generate();
    let path = header_path();
    if std::env::var_os("NETTX_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &now).expect("write include/nettx.h");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == now,
        "include/nettx.h is out of date with crates/nettx-capi/src; if the change is intended, regenerate it with\n  NETTX_UPDATE_HEADER=1 cargo test -p nettx-ffi --test header\nand review the diff"
    );
}

/// The `#define NAME value` lines of the header.
fn macro_value(header: &str, name: &str) -> Option<String> {
    header.lines().find_map(|line| {
        let rest = line.strip_prefix("#define ")?;
        let (n, value) = rest.split_once(' ')?;
        (n == name).then(|| value.trim().to_owned())
    })
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(header_path()).expect("include/nettx.h");
    for (name, want) in [
        ("NETTX_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("NETTX_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("NETTX_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert_eq!(
            macro_value(&header, name).as_deref(),
            Some(want),
            "{name} in include/nettx.h (from crates/nettx-capi/src/lib.rs) does not match the version in Cargo.toml; update the constant in lib.rs and regenerate the header"
        );
    }
    // NETTX_VERSION is assembled from the three, so it can only be
    // MAJOR.MINOR.PATCH: a pre-release or build suffix would need a change here.
    assert_eq!(
        env!("CARGO_PKG_VERSION"),
        format!(
            "{}.{}.{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR"),
            env!("CARGO_PKG_VERSION_PATCH")
        )
    );
    let assembled = macro_value(&header, "NETTX_VERSION").expect("NETTX_VERSION");
    assert!(assembled.contains("NETTX_VERSION_MAJOR") && assembled.contains("NETTX_VERSION_PATCH"));
}

/// The constants of `enum name { … }` in the header, with their values.
fn enum_constants(header: &str, name: &str) -> Vec<(String, i64)> {
    let start = header
        .find(&format!("enum {name}\n"))
        .unwrap_or_else(|| panic!("enum {name} in the header"));
    let body = &header[start..];
    let body = &body[body.find('{').expect("{")..body.find("};").expect("};")];
    body.lines()
        .filter_map(|line| {
            let line = line.trim().trim_end_matches(',');
            let (constant, value) = line.split_once(" = ")?;
            Some((constant.to_owned(), value.parse().expect("integer value")))
        })
        .collect()
}

/// Every constant of the C enum is the core's value of that name, at the
/// core's position (`index()`), and every core value has its constant;
/// `extra` lists the C-only constants (unknown states) with their values.
fn check_enum<T: nettx_core::Vocabulary>(header: &str, name: &str, extra: &[(&str, i64)]) {
    let prefix = format!("{}_", name.to_uppercase());
    let mut constants = enum_constants(header, name);
    for (constant, value) in extra {
        let at = constants
            .iter()
            .position(|(c, _)| c == constant)
            .unwrap_or_else(|| panic!("{constant} missing"));
        assert_eq!(constants.remove(at).1, *value, "{constant}");
    }
    assert_eq!(
        constants.len(),
        T::ALL.len(),
        "{name}: one constant per value"
    );
    for (constant, value) in constants {
        let suffix = constant.strip_prefix(&prefix).expect("prefixed constant");
        let core = T::ALL
            .iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(suffix))
            .unwrap_or_else(|| panic!("{constant} names no value of the core"));
        assert_eq!(
            value,
            core.index() as i64,
            "{constant} is not the core's index"
        );
    }
}

#[test]
fn enum_values_are_the_core_positions() {
    use nettx_core::*;
    let header = std::fs::read_to_string(header_path()).expect("include/nettx.h");
    check_enum::<Site>(&header, "nettx_site", &[("NETTX_SITE_NONE", -1)]);
    check_enum::<Histology>(
        &header,
        "nettx_histology",
        &[("NETTX_HISTOLOGY_UNKNOWN", -1)],
    );
    check_enum::<Complication>(&header, "nettx_complication", &[]);
    check_enum::<SsaResponse>(
        &header,
        "nettx_ssa_response",
        &[("NETTX_SSA_RESPONSE_UNKNOWN", -1)],
    );
    check_enum::<DiseaseState>(&header, "nettx_disease_state", &[]);
    check_enum::<Goal>(&header, "nettx_goal", &[]);
    check_enum::<Strength>(&header, "nettx_strength", &[]);
    check_enum::<Intent>(&header, "nettx_intent", &[]);
    check_enum::<Urgency>(&header, "nettx_urgency", &[]);
    check_enum::<Category>(&header, "nettx_category", &[]);
    check_enum::<Field>(&header, "nettx_field", &[]);
    check_enum::<Code>(&header, "nettx_code", &[]);
    check_enum::<WarningCode>(&header, "nettx_warning", &[]);
    check_enum::<nettx_core::pathway::PathwayFormat>(&header, "nettx_pathway_format", &[]);
    assert_eq!(
        enum_constants(&header, "nettx_fact"),
        [
            ("NETTX_FACT_UNKNOWN".to_owned(), 0),
            ("NETTX_FACT_FALSE".to_owned(), 1),
            ("NETTX_FACT_TRUE".to_owned(), 2)
        ]
    );
    // Status: OK, then one value per error kind in the core's order, then
    // NULL argument and panic.
    let status = enum_constants(&header, "nettx_status");
    assert_eq!(status[0], ("NETTX_OK".to_owned(), 0));
    for kind in ErrorKind::ALL {
        let constant = format!("NETTX_ERR_{}", kind.as_str().to_uppercase());
        let value = status.iter().find(|(c, _)| *c == constant).map(|(_, v)| *v);
        assert_eq!(value, Some(kind.index() as i64 + 1), "{constant}");
    }
    let rest: Vec<_> = status[ErrorKind::ALL.len() + 1..].to_vec();
    assert_eq!(
        rest,
        [
            ("NETTX_ERR_NULL_ARGUMENT".to_owned(), 5),
            ("NETTX_ERR_PANIC".to_owned(), 6)
        ]
    );
    // The vocabulary selector covers every vocabulary with names.
    let vocabularies = enum_constants(&header, "nettx_vocabulary");
    assert_eq!(vocabularies.len(), 17);
}

/// The declarations of `header` with no doc comment right above them:
/// macros, enums and their constants, structs and their fields, functions
/// (a prototype may span several lines; its first line counts).
fn undocumented(header: &str) -> Vec<String> {
    let lines: Vec<&str> = header.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let top_level = !line.starts_with([' ', '#', '/', '*', '}', '{']) && !line.is_empty();
        let declares = (line.starts_with("#define NETTX_") && *line != "#define NETTX_H")
            || (line.starts_with("enum ") && !line.ends_with(';'))
            || line.starts_with("typedef struct nettx_case")
            || (top_level && line.contains("nettx_") && line.contains('('))
            || (line.starts_with("  NETTX_") && line.contains(" = "))
            || (line.starts_with("  ")
                && !line.trim_start().starts_with(['*', '/'])
                && line.ends_with(';')
                && !line.contains(')'));
        if !declares {
            continue;
        }
        let previous = lines[..i]
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        if !previous.is_some_and(|p| p.ends_with("*/")) {
            out.push((*line).to_owned());
        }
    }
    out
}

#[test]
fn every_item_is_documented() {
    // cbindgen copies the Rust doc comments; an undocumented item (or one
    // whose docs were lost) shows as a declaration with no comment above.
    let header = std::fs::read_to_string(header_path()).expect("include/nettx.h");
    let missing = undocumented(&header);
    assert!(
        missing.is_empty(),
        "undocumented items in include/nettx.h:\n{}",
        missing.join("\n")
    );
    // The check itself finds what it should.
    let sample = "/** ok */\nint nettx_a(int x,\n            int y);\n\nint nettx_b(int x,\n            int y);\ntypedef struct nettx_case {\n  /** doc */\n  int a;\n  int b;\n} nettx_case;\n#define NETTX_X 1\n";
    assert_eq!(
        undocumented(sample),
        [
            "int nettx_b(int x,",
            "typedef struct nettx_case {",
            "  int b;",
            "#define NETTX_X 1"
        ]
    );
}
