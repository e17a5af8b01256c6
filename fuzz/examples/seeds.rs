//! Writes the checked-in seed corpora of the fuzz targets, `fuzz/seeds/<target>/`,
//! from the shared test data (`tests/conformance/guideline-examples.json`
//! and `cases.json`: every case and every error input), plus a few
//! hand-made inputs; with `--regressions`, also the initial tricky inputs of
//! `fuzz/regressions/<target>/` (limits, NULs, encodings) that the
//! regression tests replay.
//!
//! Run from `fuzz/`: `cargo run --example seeds [-- --regressions]`.
//! It replaces the files it writes and leaves every other file alone.

use nettx_capi::checks::{TypedInput, STRUCT_SIZE};
use nettx_core::{Complication, Histology, Site, SsaResponse, MAX_CASE_JSON_BYTES};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let conformance = fuzz.join("../tests/conformance");
    let read = |name: &str| -> Result<Value, Failure> {
        Ok(serde_json::from_str(&fs::read_to_string(
            conformance.join(name),
        )?)?)
    };
    let examples = read("guideline-examples.json")?;
    let own = read("cases.json")?;
    let cases: Vec<&Value> = examples
        .as_array()
        .into_iter()
        .flatten()
        .chain(own["cases"].as_array().into_iter().flatten())
        .filter_map(|c| c.get("case"))
        .collect();
    let errors: Vec<&str> = own["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["input"].as_str())
        .collect();

    // The JSON targets: every case, compact and (a few) pretty; every error input.
    let mut json: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        json.push((format!("case-{i:02}"), serde_json::to_vec(case)?));
    }
    for (i, case) in cases.iter().enumerate().step_by(10) {
        json.push((format!("pretty-{i:02}"), serde_json::to_vec_pretty(case)?));
    }
    for (i, input) in errors.iter().enumerate() {
        json.push((format!("error-{i:02}"), input.as_bytes().to_vec()));
    }
    json.push((
        "all-fields".into(),
        br#"{"case_id":"p-1","primary_site":"ileum","histology":"well_differentiated","tumor_size_cm":2.5,"local_spread":true,"metastatic":true,"hepatic_metastases":true,"extrahepatic_metastases":false,"metastases_resectable":false,"carcinoid_syndrome":true,"complications":["bowel_obstruction","bleeding","perforation","intestinal_ischemia","other"],"ssa_response":"symptoms_worsening"}"#.to_vec(),
    ));
    write(&fuzz.join("seeds/evaluate_json"), &json)?;
    let mut c_json = json;
    c_json.push((
        "nul-after-case".into(),
        b"{\"primary_site\":\"rectum\",\"tumor_size_cm\":1.5}\0{\"x\":1}".to_vec(),
    ));
    write(&fuzz.join("seeds/c_json"), &c_json)?;

    // The typed target: every case as a nettx_case, and hand-made oddities.
    let mut typed: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let mut input = typed_case(case);
        // Every fourth one compact, so that both encodings are seeded.
        input.compact = i % 4 == 3;
        typed.push((format!("case-{i:02}"), input.encode()));
    }
    for (i, input) in errors.iter().enumerate() {
        let Ok(case) = serde_json::from_str::<Value>(input) else {
            continue;
        };
        if case.is_object() {
            typed.push((format!("error-{i:02}"), typed_case(&case).encode()));
        }
    }
    let ileum = TypedInput::init(2);
    let oddities: Vec<(&str, TypedInput)> = vec![
        ("init-no-site", TypedInput::init(-1)),
        (
            "struct-size-zero",
            TypedInput {
                struct_size: Some(0),
                ..ileum.clone()
            },
        ),
        (
            "struct-size-larger",
            TypedInput {
                struct_size: Some(STRUCT_SIZE + 8),
                ..ileum.clone()
            },
        ),
        (
            "size-nan",
            TypedInput {
                has_tumor_size: 1,
                tumor_size_cm: f64::NAN,
                ..ileum.clone()
            },
        ),
        (
            "size-subnormal",
            TypedInput {
                has_tumor_size: 1,
                tumor_size_cm: f64::from_bits(1),
                ..ileum.clone()
            },
        ),
        (
            "size-negative-zero-flag-7",
            TypedInput {
                has_tumor_size: 7,
                tumor_size_cm: -0.0,
                ..ileum.clone()
            },
        ),
        (
            "enums-out-of-range",
            TypedInput {
                histology: 2,
                facts: [3, -1, 0, 0, 0, 0],
                complications: 1 << 5,
                ssa_response: 4,
                ..ileum.clone()
            },
        ),
        (
            "case-id-not-utf8",
            TypedInput {
                case_id: Some(vec![b'a', 0xff, b'b']),
                ..ileum.clone()
            },
        ),
        (
            "case-id-control-null-error-json",
            TypedInput {
                case_id: Some(b"tab\there \"quoted\" \\ \x01".to_vec()),
                null_error_json: true,
                primary_site: 99,
                ..ileum.clone()
            },
        ),
    ];
    for (name, input) in oddities {
        typed.push((name.to_owned(), input.encode()));
    }
    write(&fuzz.join("seeds/c_typed"), &typed)?;

    if std::env::args().any(|a| a == "--regressions") {
        regressions(&fuzz.join("regressions"))?;
    }
    Ok(())
}

/// A JSON case as a typed case: names as their enum values; any other value
/// as an out-of-range integer (so that the error inputs stay errors).
fn typed_case(case: &Value) -> TypedInput {
    fn index<T: Copy>(all: &[T], name: fn(T) -> &'static str, v: &Value, unknown: i32) -> i32 {
        match v.as_str() {
            None if v.is_null() => unknown,
            Some("unknown") if unknown == -1 => -1,
            Some(s) => all
                .iter()
                .position(|x| name(*x) == s)
                .and_then(|i| i32::try_from(i).ok())
                .unwrap_or(100),
            None => 100,
        }
    }
    let mut input = TypedInput::init(-1);
    input.primary_site = index(Site::ALL, Site::as_str, &case["primary_site"], -1);
    input.histology = index(Histology::ALL, Histology::as_str, &case["histology"], -1);
    input.ssa_response = index(
        SsaResponse::ALL,
        SsaResponse::as_str,
        &case["ssa_response"],
        -1,
    );
    if let Some(size) = case["tumor_size_cm"].as_f64() {
        input.has_tumor_size = 1;
        input.tumor_size_cm = size;
    }
    let facts = [
        "local_spread",
        "metastatic",
        "hepatic_metastases",
        "extrahepatic_metastases",
        "metastases_resectable",
        "carcinoid_syndrome",
    ];
    for (slot, key) in input.facts.iter_mut().zip(facts) {
        *slot = match &case[key] {
            Value::Null => 0,
            Value::Bool(false) => 1,
            Value::Bool(true) => 2,
            _ => 3,
        };
    }
    for c in case["complications"].as_array().into_iter().flatten() {
        let bit = Complication::ALL
            .iter()
            .position(|x| Some(x.as_str()) == c.as_str())
            .unwrap_or(31);
        input.complications |= 1 << bit;
    }
    if let Some(id) = case["case_id"].as_str() {
        input.case_id = Some(id.as_bytes().to_vec());
    }
    input
}

/// The initial regression inputs: limits, NULs and encodings.
fn regressions(dir: &Path) -> Result<(), Failure> {
    let full = format!(
        r#"{{"case_id":"{}","primary_site":"ileum","histology":"well_differentiated","tumor_size_cm":30,"local_spread":true,"metastatic":true,"hepatic_metastases":true,"extrahepatic_metastases":null,"metastases_resectable":false,"carcinoid_syndrome":true,"complications":["bleeding","bleeding","other"],"ssa_response":"intolerant"}}"#,
        "\u{e9}".repeat(128)
    );
    let padded = |len: usize| {
        let mut text = full.clone().into_bytes();
        text.resize(len, b' ');
        text
    };
    let largest = padded(MAX_CASE_JSON_BYTES);
    let over = padded(MAX_CASE_JSON_BYTES + 1);
    let mut deep = String::from(r#"{"primary_site":"ileum","x":"#);
    deep.push_str(&"[".repeat(200));
    deep.push_str(&"]".repeat(200));
    deep.push('}');

    let evaluate_json: Vec<(String, Vec<u8>)> = vec![
        ("largest-valid-case".into(), largest.clone()),
        ("one-byte-over-the-limit".into(), over.clone()),
        (
            "not-utf8".into(),
            b"{\"primary_site\":\"ileum\",\"case_id\":\"\xff\"}".to_vec(),
        ),
        (
            "empty-key".into(),
            br#"{"":1,"primary_site":"ileum"}"#.to_vec(),
        ),
        (
            "byte-order-mark".into(),
            "\u{feff}{\"primary_site\":\"ileum\"}".into(),
        ),
        ("deep-nesting".into(), deep.into_bytes()),
        (
            "lone-surrogate".into(),
            br#"{"primary_site":"ileum","case_id":"\ud800"}"#.to_vec(),
        ),
        (
            "size-out-of-f64".into(),
            br#"{"primary_site":"ileum","tumor_size_cm":1e400}"#.to_vec(),
        ),
        (
            "size-rounds-to-30".into(),
            br#"{"primary_site":"ileum","tumor_size_cm":30.000000000000001}"#.to_vec(),
        ),
        (
            "nul-escape-in-unknown-key".into(),
            br#"{"primary_site":"ileum","case_id\u0000":1}"#.to_vec(),
        ),
    ];
    write(&dir.join("evaluate_json"), &evaluate_json)?;

    let mut nul_after = b"{\"primary_site\":\"ileum\"}".to_vec();
    nul_after.push(0);
    nul_after.extend_from_slice(b"garbage");
    let mut long_prefix = over.clone();
    long_prefix.push(0);
    let c_json: Vec<(String, Vec<u8>)> = vec![
        ("nul-after-case".into(), nul_after),
        (
            "nul-inside-string".into(),
            b"{\"primary_site\":\"ileum\",\"case_id\":\"a\0b\"}".to_vec(),
        ),
        ("largest-valid-case".into(), largest),
        ("one-byte-over-the-limit".into(), over),
        ("over-the-limit-then-nul".into(), long_prefix),
        (
            "not-utf8".into(),
            b"{\"primary_site\":\"\xc3\x28\"}".to_vec(),
        ),
        ("empty".into(), Vec::new()),
    ];
    write(&dir.join("c_json"), &c_json)?;

    let ileum = TypedInput::init(2);
    let with_id = |id: Vec<u8>| TypedInput {
        case_id: Some(id),
        ..ileum.clone()
    };
    let c_typed: Vec<(String, TypedInput)> = vec![
        ("case-id-257-bytes".into(), with_id(vec![b'x'; 257])),
        (
            "case-id-over-the-limit".into(),
            with_id(vec![b'y'; MAX_CASE_JSON_BYTES + 1]),
        ),
        // 20,000 control bytes: 120,000 bytes as JSON, over the limit, so
        // the core's converter stands in for the JSON entry.
        (
            "case-id-escapes-beyond-json-limit".into(),
            with_id(vec![1; 20_000]),
        ),
        (
            "size-infinite".into(),
            TypedInput {
                has_tumor_size: 1,
                tumor_size_cm: f64::INFINITY,
                ..ileum.clone()
            },
        ),
        (
            "size-huge".into(),
            TypedInput {
                has_tumor_size: 1,
                tumor_size_cm: f64::MAX,
                ..ileum.clone()
            },
        ),
        (
            "struct-size-max-null-error-json".into(),
            TypedInput {
                struct_size: Some(u32::MAX),
                null_error_json: true,
                ..ileum.clone()
            },
        ),
        (
            "contradiction".into(),
            TypedInput {
                facts: [0, 1, 2, 0, 0, 0],
                ..ileum.clone()
            },
        ),
    ];
    let c_typed: Vec<(String, Vec<u8>)> =
        c_typed.into_iter().map(|(n, t)| (n, t.encode())).collect();
    write(&dir.join("c_typed"), &c_typed)?;
    Ok(())
}

/// Writes each named input as a file of `dir`.
fn write(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Failure> {
    fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes)?;
    }
    println!("{}: {} files", dir.display(), files.len());
    Ok(())
}
