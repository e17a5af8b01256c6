//! Unit tests of the C ABI, calling the exports as C would: the conformance
//! suite through both entry points, error equivalence with JSON input, NULL
//! arguments, bounds, names, threads and the panic boundary.

use crate::case::{nettx_case, read_raw, RawCase, STRUCT_SIZE};
use crate::*;
use nettx_core::{
    Case, Code, Complication, DiseaseState, ErrorKind, Field, Goal, Histology, RuleId, Site,
    Source, SsaResponse, Vocabulary, WarningCode, MAX_CASE_JSON_BYTES,
};
use serde_json::Value;
use std::ffi::{c_char, c_int, CStr, CString};
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};

const OK: c_int = nettx_status::NETTX_OK as c_int;
const NULL_ARG: c_int = nettx_status::NETTX_ERR_NULL_ARGUMENT as c_int;

fn conformance(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/conformance")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("conformance file");
    serde_json::from_str(&text).expect("conformance JSON")
}

/// The valid conformance cases, in golden order.
fn cases() -> Vec<Value> {
    let examples = conformance("guideline-examples.json");
    let doc = conformance("cases.json");
    examples
        .as_array()
        .expect("examples")
        .iter()
        .chain(doc["cases"].as_array().expect("cases"))
        .map(|c| c["case"].clone())
        .collect()
}

/// Every conformance input, in golden order: cases, then error inputs.
fn inputs() -> Vec<String> {
    let doc = conformance("cases.json");
    let mut out: Vec<String> = cases().iter().map(Value::to_string).collect();
    for e in doc["errors"].as_array().expect("errors") {
        out.push(e["input"].as_str().expect("input").to_owned());
    }
    out
}

fn golden() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/conformance/golden.jsonl");
    std::fs::read_to_string(path)
        .expect("golden.jsonl")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Takes a string the library handed over, and frees it.
fn take(s: *mut c_char) -> String {
    assert!(!s.is_null(), "expected a string from the library");
    // SAFETY: `s` is a live string from the library, read before it is freed
    // exactly once here.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    // SAFETY: as above; nothing uses `s` afterwards.
    unsafe { nettx_string_free(s) };
    text
}

/// A static or evaluation-owned string (NULL as `None`).
fn borrowed(s: *const c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    // SAFETY: the library returned a live NUL-terminated string.
    Some(
        unsafe { CStr::from_ptr(s) }
            .to_str()
            .expect("UTF-8")
            .to_owned(),
    )
}

/// `nettx_evaluate_json` on `input` (a NUL is appended).
fn eval_json(input: &[u8]) -> (c_int, String) {
    let mut bytes = input.to_vec();
    bytes.push(0);
    let mut out = null_mut();
    // SAFETY: `bytes` is NUL-terminated and `out` is a writable pointer.
    let status = unsafe { nettx_evaluate_json(bytes.as_ptr().cast(), &mut out) };
    (status, take(out))
}

/// The empty case as `nettx_case_init` writes it, in its raw form.
fn init_raw() -> RawCase {
    let mut c = MaybeUninit::<nettx_case>::uninit();
    // SAFETY: `c` is writable memory for one `nettx_case`.
    assert_eq!(unsafe { nettx_case_init(c.as_mut_ptr()) }, OK);
    // SAFETY: `nettx_case_init` initialised it.
    match unsafe { read_raw(c.as_ptr()) } {
        Ok(raw) => raw,
        Err(_) => panic!("nettx_case_init wrote this library's struct_size"),
    }
}

/// A handle from `nettx_evaluate`, freed on drop.
struct Handle(*mut nettx_evaluation);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from `nettx_evaluate` and is freed once.
        unsafe { nettx_evaluation_free(self.0) };
    }
}

/// `nettx_evaluate` on a raw case: the handle, or the status and error JSON.
fn eval_typed(raw: &RawCase) -> Result<Handle, (c_int, String)> {
    let mut out = null_mut();
    let mut error = null_mut();
    // SAFETY: `raw` has the layout of `nettx_case` (checked at compile time)
    // and any case_id it holds is a live C string; the out-params are writable.
    let status = unsafe { nettx_evaluate((raw as *const RawCase).cast(), &mut out, &mut error) };
    if status == OK {
        assert!(error.is_null(), "error_json written on success");
        assert!(!out.is_null());
        Ok(Handle(out))
    } else {
        assert!(out.is_null(), "out written on failure");
        Err((status, take(error)))
    }
}

fn to_json(h: &Handle) -> String {
    let mut out = null_mut();
    // SAFETY: a live handle and a writable out-param.
    assert_eq!(unsafe { nettx_evaluation_to_json(h.0, &mut out) }, OK);
    take(out)
}

fn index<T: Vocabulary>(v: T) -> i32 {
    i32::try_from(v.index()).expect("small")
}

fn named<T: Vocabulary>(v: &Value, from: fn(&str) -> Option<T>) -> i32 {
    match v.as_str() {
        None | Some("unknown") => -1,
        Some(name) => index(from(name).expect("known name")),
    }
}

fn fact(v: &Value) -> i32 {
    match v.as_bool() {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

/// The C form of a JSON case (the CString keeps the case_id alive).
fn raw_from_json(case: &Value) -> (RawCase, Option<CString>) {
    let mut raw = init_raw();
    let id = case
        .get("case_id")
        .and_then(Value::as_str)
        .map(|s| CString::new(s).expect("no NUL"));
    raw.case_id = id.as_ref().map_or(null(), |c| c.as_ptr());
    for (key, v) in case.as_object().expect("object") {
        match key.as_str() {
            "case_id" => {}
            "primary_site" => raw.primary_site = named(v, Site::from_name),
            "histology" => raw.histology = named(v, Histology::from_name),
            "tumor_size_cm" => {
                if let Some(size) = v.as_f64() {
                    raw.has_tumor_size = 1;
                    raw.tumor_size_cm = size;
                }
            }
            "local_spread" => raw.local_spread = fact(v),
            "metastatic" => raw.metastatic = fact(v),
            "hepatic_metastases" => raw.hepatic_metastases = fact(v),
            "extrahepatic_metastases" => raw.extrahepatic_metastases = fact(v),
            "metastases_resectable" => raw.metastases_resectable = fact(v),
            "carcinoid_syndrome" => raw.carcinoid_syndrome = fact(v),
            "complications" => {
                for c in v.as_array().into_iter().flatten() {
                    let c = Complication::from_name(c.as_str().expect("name")).expect("known");
                    raw.complications |= 1 << c.index();
                }
            }
            "ssa_response" => raw.ssa_response = named(v, SsaResponse::from_name),
            other => panic!("unexpected key {other}"),
        }
    }
    (raw, id)
}

#[test]
fn json_entry_gives_the_golden_bytes() {
    let golden = golden();
    let inputs = inputs();
    assert_eq!(inputs.len(), golden.len());
    for (input, want) in inputs.iter().zip(&golden) {
        let (status, out) = eval_json(input.as_bytes());
        assert_eq!(&out, want, "input {input}");
        let expected = match nettx_core::evaluate_json(input) {
            Ok(_) => OK,
            Err(e) => crate::util::status_of(&e) as c_int,
        };
        assert_eq!(status, expected, "input {input}");
    }
}

#[test]
fn typed_entry_gives_the_golden_bytes_and_the_core_values() {
    let golden = golden();
    for (i, case) in cases().iter().enumerate() {
        let (raw, _id) = raw_from_json(case);
        let h = eval_typed(&raw).unwrap_or_else(|e| panic!("case {i}: {e:?}"));
        assert_eq!(to_json(&h), golden[i], "case {i}");

        let core = nettx_core::evaluate(&Case::from_json(&case.to_string()).expect("valid"));
        let e = h.0;
        // SAFETY: `e` is a live handle for all accessor calls below.
        unsafe {
            assert_eq!(nettx_evaluation_in_scope(e), c_int::from(core.in_scope()));
            assert_eq!(
                nettx_evaluation_disease_state(e),
                index(core.disease_state())
            );
            assert_eq!(
                borrowed(nettx_evaluation_case_digest(e)),
                Some(core.case_digest())
            );
            assert_eq!(
                borrowed(nettx_evaluation_case_id(e)).as_deref(),
                core.case_id()
            );
            let goals: Vec<i32> = (0..nettx_evaluation_goal_count(e))
                .map(|g| nettx_evaluation_goal(e, g))
                .collect();
            assert_eq!(goals, core.goals().map(index).collect::<Vec<_>>());
            assert_eq!(
                nettx_evaluation_recommendation_count(e),
                core.recommendations().len()
            );
            for (r, rec) in core.recommendations().iter().enumerate() {
                assert_eq!(
                    nettx_evaluation_recommendation_code(e, r),
                    index(rec.code())
                );
                assert_eq!(
                    borrowed(nettx_evaluation_recommendation_code_name(e, r)).as_deref(),
                    Some(rec.code().as_str())
                );
                assert_eq!(
                    nettx_evaluation_recommendation_category(e, r),
                    index(rec.category())
                );
                assert_eq!(
                    nettx_evaluation_recommendation_strength(e, r),
                    index(rec.strength())
                );
                assert_eq!(
                    nettx_evaluation_recommendation_intent(e, r),
                    index(rec.intent())
                );
                assert_eq!(
                    nettx_evaluation_recommendation_urgency(e, r),
                    index(rec.urgency())
                );
                assert_eq!(
                    borrowed(nettx_evaluation_recommendation_summary(e, r)).as_deref(),
                    Some(rec.summary())
                );
                assert_eq!(
                    borrowed(nettx_evaluation_recommendation_rationale(e, r)).as_deref(),
                    Some(rec.rationale())
                );
                let sources: Vec<String> = (0..nettx_evaluation_recommendation_source_count(e, r))
                    .filter_map(|s| borrowed(nettx_evaluation_recommendation_source(e, r, s)))
                    .collect();
                let want: Vec<&str> = rec.sources().iter().map(|s| s.as_str()).collect();
                assert_eq!(sources, want);
            }
            let missing: Vec<(i32, String)> = (0..nettx_evaluation_missing_count(e))
                .map(|m| {
                    assert_eq!(
                        borrowed(nettx_evaluation_missing_field_name(e, m)),
                        borrowed(nettx_name(
                            nettx_vocabulary::Field as i32,
                            nettx_evaluation_missing_field(e, m)
                        ))
                    );
                    (
                        nettx_evaluation_missing_field(e, m),
                        borrowed(nettx_evaluation_missing_reason(e, m)).expect("reason"),
                    )
                })
                .collect();
            let want: Vec<(i32, String)> = core
                .missing()
                .map(|m| (index(m.field()), m.reason().to_owned()))
                .collect();
            assert_eq!(missing, want);
            let warnings: Vec<(i32, String, Vec<String>)> = (0..nettx_evaluation_warning_count(e))
                .map(|w| {
                    (
                        nettx_evaluation_warning_code(e, w),
                        borrowed(nettx_evaluation_warning_message(e, w)).expect("message"),
                        (0..nettx_evaluation_warning_source_count(e, w))
                            .filter_map(|s| borrowed(nettx_evaluation_warning_source(e, w, s)))
                            .collect(),
                    )
                })
                .collect();
            let want: Vec<(i32, String, Vec<String>)> = core
                .warnings()
                .map(|w| {
                    (
                        index(w),
                        w.message().to_owned(),
                        w.sources().iter().map(|s| s.as_str().to_owned()).collect(),
                    )
                })
                .collect();
            assert_eq!(warnings, want);
            assert_eq!(nettx_evaluation_trace_count(e), core.trace().len());
            for (t, entry) in core.trace().iter().enumerate() {
                assert_eq!(nettx_evaluation_trace_rule(e, t), index(entry.rule()));
                assert_eq!(
                    borrowed(nettx_evaluation_trace_rule_id(e, t)).as_deref(),
                    Some(entry.rule().as_str())
                );
                assert_eq!(
                    nettx_evaluation_trace_fired(e, t),
                    c_int::from(entry.fired())
                );
                assert_eq!(
                    borrowed(nettx_evaluation_trace_detail(e, t)),
                    Some(entry.detail().to_string())
                );
            }
            // Out of range is a sentinel, never a value.
            let n = nettx_evaluation_recommendation_count(e);
            assert_eq!(nettx_evaluation_recommendation_code(e, n), -1);
            assert!(nettx_evaluation_recommendation_summary(e, n).is_null());
            assert_eq!(nettx_evaluation_recommendation_source_count(e, n), 0);
            assert!(nettx_evaluation_recommendation_source(e, 0, 99).is_null());
            assert_eq!(nettx_evaluation_trace_fired(e, 999), -1);
            assert!(nettx_evaluation_trace_detail(e, 999).is_null());
            assert_eq!(nettx_evaluation_goal(e, 99), -1);
            assert_eq!(nettx_evaluation_missing_field(e, 99), -1);
            assert_eq!(nettx_evaluation_warning_code(e, 99), -1);
        }
    }
}

/// The typed path refuses what JSON refuses, with the same document.
#[test]
fn typed_errors_match_json_errors() {
    let long_id = CString::new("x".repeat(257)).expect("no NUL");
    let ok_id = CString::new("x".repeat(256)).expect("no NUL");
    type Edit = Box<dyn Fn(&mut RawCase)>;
    let checks: Vec<(&str, Edit)> = vec![
        (r#"{"metastatic":false}"#, Box::new(|_| {})),
        (r#"{"primary_site":99}"#, Box::new(|r| r.primary_site = 99)),
        (r#"{"primary_site":-2}"#, Box::new(|r| r.primary_site = -2)),
        (
            r#"{"primary_site":"ileum","histology":7}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.histology = 7
            }),
        ),
        (
            r#"{"primary_site":"ileum","tumor_size_cm":-2}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.has_tumor_size = 1;
                r.tumor_size_cm = -2.0
            }),
        ),
        (
            r#"{"primary_site":"ileum","tumor_size_cm":0}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.has_tumor_size = 1;
                r.tumor_size_cm = 0.0
            }),
        ),
        (
            r#"{"primary_site":"ileum","tumor_size_cm":0.009}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.has_tumor_size = 1;
                r.tumor_size_cm = 0.009
            }),
        ),
        (
            r#"{"primary_site":"ileum","tumor_size_cm":30.01}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.has_tumor_size = 1;
                r.tumor_size_cm = 30.01
            }),
        ),
        (
            r#"{"primary_site":"ileum","local_spread":3}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.local_spread = 3
            }),
        ),
        (
            r#"{"primary_site":"ileum","carcinoid_syndrome":-1}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.carcinoid_syndrome = -1
            }),
        ),
        (
            r#"{"primary_site":"ileum","complications":33}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.complications = 32 | 1
            }),
        ),
        (
            r#"{"primary_site":"ileum","ssa_response":4}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.ssa_response = 4
            }),
        ),
        (
            r#"{"primary_site":"ileum","metastatic":false,"hepatic_metastases":true}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.metastatic = 1;
                r.hepatic_metastases = 2
            }),
        ),
        (
            r#"{"primary_site":"ileum","metastatic":true,"hepatic_metastases":false,"extrahepatic_metastases":false}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.metastatic = 2;
                r.hepatic_metastases = 1;
                r.extrahepatic_metastases = 1
            }),
        ),
        (
            r#"{"primary_site":"ileum","carcinoid_syndrome":false,"ssa_response":"controlled"}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.carcinoid_syndrome = 1;
                r.ssa_response = 1
            }),
        ),
        // First error in table order, whatever else is wrong.
        (
            r#"{"primary_site":8,"ssa_response":9,"tumor_size_cm":-1}"#,
            Box::new(|r| {
                r.primary_site = 8;
                r.ssa_response = 9;
                r.has_tumor_size = 1;
                r.tumor_size_cm = -1.0
            }),
        ),
        (
            r#"{"primary_site":"ileum","tumor_size_cm":99,"metastatic":7,"ssa_response":9}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.has_tumor_size = 1;
                r.tumor_size_cm = 99.0;
                r.metastatic = 7;
                r.ssa_response = 9
            }),
        ),
        (
            r#"{"primary_site":"ileum","metastatic":false,"hepatic_metastases":true,"ssa_response":17}"#,
            Box::new(|r| {
                r.primary_site = 2;
                r.metastatic = 1;
                r.hepatic_metastases = 2;
                r.ssa_response = 17
            }),
        ),
    ];
    for (json, edit) in &checks {
        let mut raw = init_raw();
        edit(&mut raw);
        let (status, doc) = eval_typed(&raw)
            .err()
            .unwrap_or_else(|| panic!("{json}: accepted"));
        let (json_status, json_doc) = eval_json(json.as_bytes());
        assert_ne!(json_status, OK);
        assert_eq!((status, &doc), (json_status, &json_doc), "{json}");
    }
    // case_id: checked first, with the core's message.
    let mut raw = init_raw();
    raw.case_id = long_id.as_ptr();
    raw.primary_site = 42;
    let json = format!(r#"{{"case_id":"{}","primary_site":42}}"#, "x".repeat(257));
    assert_eq!(eval_typed(&raw).err(), Some(eval_json(json.as_bytes())));
    raw.case_id = ok_id.as_ptr();
    raw.primary_site = 2;
    assert!(eval_typed(&raw).is_ok());
}

#[test]
fn typed_errors_without_a_json_equivalent() {
    let kind_field = |doc: &str| {
        let v: Value = serde_json::from_str(doc).expect("error JSON");
        (
            v["error"]["kind"].as_str().map(str::to_owned),
            v["error"]["field"].as_str().map(str::to_owned),
            v["error"]["message"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_default(),
        )
    };
    let field = nettx_status::NETTX_ERR_FIELD as c_int;
    for size in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut raw = init_raw();
        raw.primary_site = 2;
        raw.has_tumor_size = 1;
        raw.tumor_size_cm = size;
        let (status, doc) = eval_typed(&raw).err().expect("refused");
        let (kind, f, message) = kind_field(&doc);
        assert_eq!(status, field);
        assert_eq!(
            (kind.as_deref(), f.as_deref()),
            (Some("field"), Some("tumor_size_cm"))
        );
        assert!(message.contains("between 0.01 and 30"), "{message}");
    }
    // A size is read only when has_tumor_size says so.
    let mut raw = init_raw();
    raw.primary_site = 2;
    raw.tumor_size_cm = f64::NAN;
    assert!(eval_typed(&raw).is_ok());
    // Any non-zero has_tumor_size is true, as in C.
    raw.has_tumor_size = 7;
    assert_eq!(eval_typed(&raw).err().map(|e| e.0), Some(field));

    // case_id that is not UTF-8, or longer than any JSON could hold.
    let bad = [b'a', 0xff, b'b', 0];
    let mut raw = init_raw();
    raw.primary_site = 2;
    raw.case_id = bad.as_ptr().cast();
    let (status, doc) = eval_typed(&raw).err().expect("refused");
    assert_eq!(status, field);
    let (_, f, message) = kind_field(&doc);
    assert_eq!(f.as_deref(), Some("case_id"));
    assert!(message.contains("offset 1"), "{message}");
    let huge = CString::new("y".repeat(MAX_CASE_JSON_BYTES + 10)).expect("no NUL");
    raw.case_id = huge.as_ptr();
    let (status, doc) = eval_typed(&raw).err().expect("refused");
    assert_eq!(status, field);
    assert!(kind_field(&doc).2.contains("more than 65536 bytes"));

    // A struct that did not go through nettx_case_init.
    let mut raw = init_raw();
    raw.primary_site = 2;
    raw.struct_size = 0;
    let (status, doc) = eval_typed(&raw).err().expect("refused");
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    assert!(kind_field(&doc).2.contains("nettx_case_init"));
    raw.struct_size = STRUCT_SIZE;
    assert!(eval_typed(&raw).is_ok());
    // A larger layout (a caller built with a later header) is refused too.
    raw.struct_size = STRUCT_SIZE + 8;
    assert_eq!(
        eval_typed(&raw).err().map(|e| e.0),
        Some(nettx_status::NETTX_ERR_PARSE as c_int)
    );
}

#[test]
fn struct_size_is_read_before_the_rest_of_the_case() {
    // A caller built with a smaller layout: only `struct_size` exists (4 bytes
    // on the heap). It must be refused without a byte past it being read
    // (`cargo +nightly miri test` and valgrind report any such read).
    let small = Box::new(4u32);
    let c: *const nettx_case = std::ptr::from_ref::<u32>(&small).cast();
    let (mut out, mut error) = (null_mut(), null_mut());
    // SAFETY: `c` points to a readable `struct_size` that is not this
    // library's, which is all the contract asks then; out-params are writable.
    let status = unsafe { nettx_evaluate(c, &mut out, &mut error) };
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    assert!(out.is_null());
    let doc = take(error);
    assert!(doc.contains("struct_size is 4, expected"), "{doc}");
}

#[test]
fn complication_bits_are_the_enum_positions() {
    let bits = [
        (
            NETTX_COMPLICATION_BIT_BOWEL_OBSTRUCTION,
            Complication::BowelObstruction,
        ),
        (NETTX_COMPLICATION_BIT_BLEEDING, Complication::Bleeding),
        (
            NETTX_COMPLICATION_BIT_PERFORATION,
            Complication::Perforation,
        ),
        (
            NETTX_COMPLICATION_BIT_INTESTINAL_ISCHEMIA,
            Complication::IntestinalIschemia,
        ),
        (NETTX_COMPLICATION_BIT_OTHER, Complication::Other),
    ];
    assert_eq!(bits.len(), Complication::ALL.len());
    for (bit, c) in bits {
        assert_eq!(bit, 1 << c.index());
    }
}

#[test]
fn init_sets_everything_unknown() {
    let raw = init_raw();
    assert_eq!(raw.struct_size, STRUCT_SIZE);
    assert!(raw.case_id.is_null());
    assert_eq!(raw.primary_site, nettx_site::None as i32);
    assert_eq!(raw.histology, nettx_histology::Unknown as i32);
    assert_eq!(raw.has_tumor_size, 0);
    for f in [
        raw.local_spread,
        raw.metastatic,
        raw.hepatic_metastases,
        raw.extrahepatic_metastases,
        raw.metastases_resectable,
        raw.carcinoid_syndrome,
    ] {
        assert_eq!(f, nettx_fact::Unknown as i32);
    }
    assert_eq!(raw.complications, 0);
    assert_eq!(raw.ssa_response, nettx_ssa_response::Unknown as i32);
    // The typed case with only a site gives the JSON case with only a site.
    let mut raw = raw;
    raw.primary_site = index(Site::Colon);
    let h = eval_typed(&raw).expect("valid");
    assert_eq!(to_json(&h), eval_json(br#"{"primary_site":"colon"}"#).1);
}

#[test]
fn null_arguments_are_errors_never_crashes() {
    let case = cr#"{"primary_site":"ileum"}"#;
    let mut out = null_mut();
    // SAFETY: every pointer passed in this block is NULL, a live C string, a
    // writable out-param or a live handle; strings handed over are freed.
    unsafe {
        assert_eq!(nettx_evaluate_json(null(), null_mut()), NULL_ARG);
        assert_eq!(
            nettx_evaluate_json(case.as_ptr().cast(), null_mut()),
            NULL_ARG
        );
        assert_eq!(nettx_evaluate_json(null(), &mut out), NULL_ARG);
        let doc = take(out);
        assert!(
            doc.starts_with(r#"{"error":{"kind":"parse","message":"case_json is NULL"#),
            "{doc}"
        );
        nettx_string_free(null_mut());

        assert_eq!(nettx_case_init(null_mut()), NULL_ARG);
        let raw = {
            let mut r = init_raw();
            r.primary_site = 2;
            r
        };
        let c: *const nettx_case = (&raw as *const RawCase).cast();
        let mut ev = null_mut();
        let mut err = null_mut();
        assert_eq!(nettx_evaluate(null(), &mut ev, &mut err), NULL_ARG);
        assert!(ev.is_null());
        assert!(take(err).contains("is NULL"));
        err = null_mut();
        assert_eq!(nettx_evaluate(c, null_mut(), &mut err), NULL_ARG);
        assert!(take(err).contains("out (where the evaluation goes) is NULL"));
        assert_eq!(nettx_evaluate(null(), null_mut(), null_mut()), NULL_ARG);
        // error_json may be NULL, on success and on failure.
        assert_eq!(nettx_evaluate(c, &mut ev, null_mut()), OK);
        let h = Handle(ev);
        let mut bad = raw;
        bad.primary_site = 77;
        let mut ev2 = null_mut();
        assert_eq!(
            nettx_evaluate((&bad as *const RawCase).cast(), &mut ev2, null_mut()),
            nettx_status::NETTX_ERR_FIELD as c_int
        );
        assert!(ev2.is_null());

        assert_eq!(nettx_evaluation_to_json(h.0, null_mut()), NULL_ARG);
        let mut json = null_mut();
        assert_eq!(nettx_evaluation_to_json(null(), &mut json), NULL_ARG);
        assert!(take(json).contains("evaluation is NULL"));
        nettx_evaluation_free(null_mut());

        let e: *const nettx_evaluation = null();
        assert!(nettx_evaluation_case_id(e).is_null());
        assert!(nettx_evaluation_case_digest(e).is_null());
        assert_eq!(nettx_evaluation_in_scope(e), -1);
        assert_eq!(nettx_evaluation_disease_state(e), -1);
        assert_eq!(nettx_evaluation_goal_count(e), 0);
        assert_eq!(nettx_evaluation_goal(e, 0), -1);
        assert_eq!(nettx_evaluation_recommendation_count(e), 0);
        assert_eq!(nettx_evaluation_recommendation_code(e, 0), -1);
        assert!(nettx_evaluation_recommendation_code_name(e, 0).is_null());
        assert_eq!(nettx_evaluation_recommendation_category(e, 0), -1);
        assert_eq!(nettx_evaluation_recommendation_strength(e, 0), -1);
        assert_eq!(nettx_evaluation_recommendation_intent(e, 0), -1);
        assert_eq!(nettx_evaluation_recommendation_urgency(e, 0), -1);
        assert!(nettx_evaluation_recommendation_summary(e, 0).is_null());
        assert!(nettx_evaluation_recommendation_rationale(e, 0).is_null());
        assert_eq!(nettx_evaluation_recommendation_source_count(e, 0), 0);
        assert!(nettx_evaluation_recommendation_source(e, 0, 0).is_null());
        assert_eq!(nettx_evaluation_missing_count(e), 0);
        assert_eq!(nettx_evaluation_missing_field(e, 0), -1);
        assert!(nettx_evaluation_missing_field_name(e, 0).is_null());
        assert!(nettx_evaluation_missing_reason(e, 0).is_null());
        assert_eq!(nettx_evaluation_warning_count(e), 0);
        assert_eq!(nettx_evaluation_warning_code(e, 0), -1);
        assert!(nettx_evaluation_warning_code_name(e, 0).is_null());
        assert!(nettx_evaluation_warning_message(e, 0).is_null());
        assert_eq!(nettx_evaluation_warning_source_count(e, 0), 0);
        assert!(nettx_evaluation_warning_source(e, 0, 0).is_null());
        assert_eq!(nettx_evaluation_trace_count(e), 0);
        assert_eq!(nettx_evaluation_trace_rule(e, 0), -1);
        assert!(nettx_evaluation_trace_rule_id(e, 0).is_null());
        assert_eq!(nettx_evaluation_trace_fired(e, 0), -1);
        assert!(nettx_evaluation_trace_detail(e, 0).is_null());

        let mut v = 0;
        assert_eq!(nettx_value(0, null(), &mut v), NULL_ARG);
        assert_eq!(nettx_value(0, c"ileum".as_ptr(), null_mut()), NULL_ARG);
        assert_eq!(nettx_error_read(null(), null_mut(), null_mut()), NULL_ARG);
    }
}

/// `nettx_evaluate_json_len` on `input` (no NUL needed).
fn eval_json_len(input: &[u8]) -> (c_int, String) {
    let mut out = null_mut();
    // SAFETY: `input` has `input.len()` readable bytes; `out` is writable.
    let status = unsafe { nettx_evaluate_json_len(input.as_ptr().cast(), input.len(), &mut out) };
    (status, take(out))
}

#[test]
fn length_delimited_entry_agrees_with_the_nul_terminated_one() {
    for input in inputs() {
        assert_eq!(
            eval_json_len(input.as_bytes()),
            eval_json(input.as_bytes()),
            "{input}"
        );
    }
    // An embedded NUL is refused, not a silent end of the text.
    let (status, out) = eval_json_len(b"{\"primary_site\":\"ileum\"}\0{");
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int, "{out}");
    // Over the limit: the core's message, with the real length.
    let long = vec![b' '; MAX_CASE_JSON_BYTES + 5];
    let (status, out) = eval_json_len(&long);
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    assert!(out.contains("the input is 65541 bytes"), "{out}");
    let mut json = null_mut();
    // SAFETY: NULL text with a writable out-param, and a NULL out-param.
    unsafe {
        assert_eq!(nettx_evaluate_json_len(null(), 0, &mut json), NULL_ARG);
        take(json);
        assert_eq!(
            nettx_evaluate_json_len(c"{}".as_ptr(), 2, null_mut()),
            NULL_ARG
        );
    }
    // Not a slice that could exist: refused without being touched.
    let mut json = null_mut();
    // SAFETY: the text is never read for a length over isize::MAX.
    let status = unsafe { nettx_evaluate_json_len(c"{}".as_ptr(), usize::MAX, &mut json) };
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    take(json);
}

#[test]
fn an_over_long_len_is_refused_without_touching_the_text() {
    // Three bytes, and a `len` over the limit: refused on `len` alone. A slice
    // of `len` bytes must not even be formed (that would be undefined
    // behaviour, which `cargo +nightly miri test` reports).
    let short = *b"{} ";
    for len in [MAX_CASE_JSON_BYTES + 1, isize::MAX as usize, usize::MAX] {
        let mut out = null_mut();
        // SAFETY: with `len` over 65,536 the contract asks for no readable
        // bytes at all; `out` is a writable pointer.
        let status = unsafe { nettx_evaluate_json_len(short.as_ptr().cast(), len, &mut out) };
        assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
        assert_eq!(
            take(out),
            format!(
                r#"{{"error":{{"kind":"parse","message":"the input is {len} bytes; a case may be at most 65536 bytes of JSON"}}}}"#
            )
        );
    }
    // The core's own message for the same length.
    let long = vec![b' '; MAX_CASE_JSON_BYTES + 1];
    assert_eq!(
        eval_json_len(&long).1,
        format!(
            r#"{{"error":{{"kind":"parse","message":"the input is {} bytes; a case may be at most 65536 bytes of JSON"}}}}"#,
            MAX_CASE_JSON_BYTES + 1
        )
    );
}

#[test]
fn over_long_input_is_refused_without_reading_it_all() {
    // Exactly at the limit: read and parsed (spaces are JSON whitespace).
    let mut doc = br#"{"primary_site":"ileum"}"#.to_vec();
    doc.resize(MAX_CASE_JSON_BYTES, b' ');
    let (status, out) = eval_json(&doc);
    assert_eq!(status, OK, "{out}");
    // One byte more: refused by the bound, with its own message.
    doc.push(b' ');
    let (status, out) = eval_json(&doc);
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    assert_eq!(
        out,
        r#"{"error":{"kind":"parse","message":"the input is longer than 65536 bytes; a case may be at most 65536 bytes of JSON"}}"#
    );
    // Not terminated at all: only MAX + 1 bytes exist and none is read past.
    let unterminated = vec![b'x'; MAX_CASE_JSON_BYTES + 1].into_boxed_slice();
    let mut out = null_mut();
    // SAFETY: the buffer has 65,537 readable bytes, the contract's minimum.
    let status = unsafe { nettx_evaluate_json(unterminated.as_ptr().cast(), &mut out) };
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    take(out);
    // Invalid UTF-8 is a parse error.
    let (status, out) = eval_json(b"{\"primary_site\":\"ile\xffum\"}");
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int);
    assert!(out.contains("not valid UTF-8"), "{out}");
}

fn check_names<T: Vocabulary>(vocabulary: nettx_vocabulary) {
    let v = vocabulary as i32;
    assert_eq!(nettx_vocabulary_size(v), T::ALL.len());
    for t in T::ALL {
        let name = borrowed(nettx_name(v, index(*t))).expect("named");
        assert_eq!(name, t.as_str());
        let c = CString::new(name).expect("no NUL");
        let mut value = -99;
        // SAFETY: a live C string and a writable int.
        assert_eq!(unsafe { nettx_value(v, c.as_ptr(), &mut value) }, OK);
        assert_eq!(value, index(*t));
    }
    assert!(nettx_name(v, index_len::<T>()).is_null());
    let mut value = -99;
    // SAFETY: a live C string and a writable int.
    let status = unsafe { nettx_value(v, c"no such name".as_ptr(), &mut value) };
    assert_eq!(status, nettx_status::NETTX_ERR_FIELD as c_int);
    assert_eq!(value, -99, "written on failure");
}

fn index_len<T: Vocabulary>() -> i32 {
    i32::try_from(T::ALL.len()).expect("small")
}

#[test]
fn every_vocabulary_has_the_core_names() {
    use nettx_core::{Category, Intent, Strength, Urgency};
    check_names::<Site>(nettx_vocabulary::Site);
    check_names::<Histology>(nettx_vocabulary::Histology);
    check_names::<Complication>(nettx_vocabulary::Complication);
    check_names::<SsaResponse>(nettx_vocabulary::SsaResponse);
    check_names::<DiseaseState>(nettx_vocabulary::DiseaseState);
    check_names::<Goal>(nettx_vocabulary::Goal);
    check_names::<Strength>(nettx_vocabulary::Strength);
    check_names::<Intent>(nettx_vocabulary::Intent);
    check_names::<Urgency>(nettx_vocabulary::Urgency);
    check_names::<Category>(nettx_vocabulary::Category);
    check_names::<Field>(nettx_vocabulary::Field);
    check_names::<Code>(nettx_vocabulary::Code);
    check_names::<WarningCode>(nettx_vocabulary::Warning);
    check_names::<Source>(nettx_vocabulary::Source);
    check_names::<RuleId>(nettx_vocabulary::Rule);
}

#[test]
fn unknown_and_status_names() {
    let h = nettx_vocabulary::Histology as i32;
    assert_eq!(borrowed(nettx_name(h, -1)).as_deref(), Some("unknown"));
    let s = nettx_vocabulary::SsaResponse as i32;
    assert_eq!(borrowed(nettx_name(s, -1)).as_deref(), Some("unknown"));
    let mut v = 5;
    // SAFETY: a live C string and a writable int.
    assert_eq!(unsafe { nettx_value(h, c"unknown".as_ptr(), &mut v) }, OK);
    assert_eq!(v, -1);
    assert!(nettx_name(nettx_vocabulary::Site as i32, -1).is_null());
    let f = nettx_vocabulary::Fact as i32;
    let facts: Vec<_> = (0..3).filter_map(|i| borrowed(nettx_name(f, i))).collect();
    assert_eq!(facts, ["unknown", "false", "true"]);
    assert_eq!(nettx_vocabulary_size(f), 3);
    // Statuses: the four kinds are numbered as the core orders them, from 1.
    for kind in ErrorKind::ALL {
        let status = index(*kind) + 1;
        assert_eq!(
            borrowed(nettx_status_name(status)).as_deref(),
            Some(kind.as_str())
        );
        let e = nettx_core::Error::new(*kind, None, "m");
        assert_eq!(crate::util::status_of(&e) as i32, status);
    }
    let names: Vec<_> = (0..7)
        .filter_map(|i| borrowed(nettx_status_name(i)))
        .collect();
    assert_eq!(
        names,
        [
            "ok",
            "parse",
            "field",
            "contradiction",
            "internal",
            "null_argument",
            "panic"
        ]
    );
    assert!(nettx_status_name(7).is_null());
    assert!(nettx_name(99, 0).is_null());
    assert_eq!(nettx_vocabulary_size(-1), 0);
}

#[test]
fn the_ffi_enums_are_the_core_positions() {
    // The header test checks every constant C sees; these check the Rust side.
    assert_eq!(nettx_site::Other as i32, index(Site::Other));
    assert_eq!(
        nettx_histology::PoorlyDifferentiated as i32,
        index(Histology::PoorlyDifferentiated)
    );
    assert_eq!(
        nettx_ssa_response::Intolerant as i32,
        index(SsaResponse::Intolerant)
    );
    assert_eq!(nettx_complication::Other as i32, index(Complication::Other));
    assert_eq!(
        nettx_code::MultidisciplinaryReview as i32,
        index(Code::MultidisciplinaryReview)
    );
    assert_eq!(
        nettx_warning::AntiproliferativeSsaNotCovered as i32,
        index(WarningCode::AntiproliferativeSsaNotCovered)
    );
    assert_eq!(
        nettx_warning::PerforationContamination as i32,
        index(WarningCode::PerforationContamination)
    );
    assert_eq!(nettx_field::SsaResponse as i32, index(Field::SsaResponse));
    assert_eq!(nettx_goal::Cure as i32, index(Goal::Cure));
    assert_eq!(
        nettx_disease_state::Undetermined as i32,
        index(DiseaseState::Undetermined)
    );
}

#[test]
fn error_documents_can_be_read_without_a_json_parser() {
    let (status, doc) = eval_json(br#"{"primary_site":"ileum","tumour_size_cm":2}"#);
    let doc = CString::new(doc).expect("no NUL");
    let (mut field, mut message) = (null_mut(), null_mut());
    // SAFETY: a live C string and writable out-params; strings are freed.
    let read = unsafe { nettx_error_read(doc.as_ptr(), &mut field, &mut message) };
    assert_eq!(read, status);
    assert_eq!(take(field), "tumour_size_cm");
    assert!(take(message).starts_with("unknown field `tumour_size_cm`"));
    // No field: NULL.
    let (status, doc) = eval_json(b"[]");
    let doc = CString::new(doc).expect("no NUL");
    let (mut field, mut message) = (c"sentinel".as_ptr().cast_mut(), null_mut());
    // SAFETY: as above.
    let read = unsafe { nettx_error_read(doc.as_ptr(), &mut field, &mut message) };
    assert_eq!(read, status);
    assert!(field.is_null());
    take(message);
}

#[test]
fn error_read_parts_survive_an_embedded_nul() {
    // An unknown key holding a NUL: the library's own error document names it
    // (JSON escapes the NUL), and its parts must still be whole C strings.
    let (status, doc) = eval_json(br#"{"primary_site":"ileum","a\u0000b":1}"#);
    assert_eq!(status, nettx_status::NETTX_ERR_FIELD as c_int, "{doc}");
    let doc = CString::new(doc).expect("JSON escapes NUL");
    let (mut field, mut message) = (null_mut(), null_mut());
    // SAFETY: a live C string and writable out-params; strings are freed.
    let read = unsafe { nettx_error_read(doc.as_ptr(), &mut field, &mut message) };
    assert_eq!(read, status);
    assert_eq!(take(field), "a\u{FFFD}b");
    let message = take(message);
    assert!(message.starts_with("unknown field"), "{message}");
    // A NUL in the message too (any document of this library's shape).
    let doc = c"{\"error\":{\"kind\":\"internal\",\"message\":\"x\\u0000y\"}}";
    let mut message = null_mut();
    // SAFETY: as above.
    let read = unsafe { nettx_error_read(doc.as_ptr(), null_mut(), &mut message) };
    assert_eq!(read, nettx_status::NETTX_ERR_INTERNAL as c_int);
    assert_eq!(take(message), "x\u{FFFD}y");
}

#[test]
fn error_read_reads_up_to_its_own_bound() {
    use crate::json::MAX_ERROR_JSON_BYTES;
    // Longer than the bound of a case (65,537 bytes), within its own: read.
    let wrap =
        |message: &str| format!(r#"{{"error":{{"kind":"internal","message":"{message}"}}}}"#);
    let overhead = wrap("").len();
    for len in [MAX_CASE_JSON_BYTES + 2, MAX_ERROR_JSON_BYTES] {
        let doc = CString::new(wrap(&"m".repeat(len - overhead))).expect("no NUL");
        assert_eq!(doc.as_bytes().len(), len);
        let mut message = null_mut();
        // SAFETY: a live C string and a writable out-param.
        let read = unsafe { nettx_error_read(doc.as_ptr(), null_mut(), &mut message) };
        assert_eq!(read, nettx_status::NETTX_ERR_INTERNAL as c_int, "{len}");
        assert_eq!(take(message).len(), len - overhead);
    }
    // One byte more: not read to its end, so not an error document.
    let doc = CString::new(wrap(&"m".repeat(MAX_ERROR_JSON_BYTES + 1 - overhead))).expect("no NUL");
    let mut message = null_mut();
    // SAFETY: as above.
    let read = unsafe { nettx_error_read(doc.as_ptr(), null_mut(), &mut message) };
    assert_eq!(read, OK);
    assert!(message.is_null(), "written for a text not read");
    // Unterminated: only MAX + 1 bytes exist and none is read past.
    let unterminated = vec![b' '; MAX_ERROR_JSON_BYTES + 1].into_boxed_slice();
    // SAFETY: the contract's minimum of readable bytes; no out-params.
    let read = unsafe { nettx_error_read(unterminated.as_ptr().cast(), null_mut(), null_mut()) };
    assert_eq!(read, OK);
}

/// The header's conventions paragraph that starts with `title`.
fn conventions_paragraph(header: &str, title: &str) -> String {
    let start = header.find(&format!(" * {title}")).expect(title);
    let rest = &header[start..];
    let end = rest.find(" *\n").expect("end of paragraph");
    rest[..end]
        .lines()
        .map(|l| l.trim_start_matches(" *").trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn header_conventions_say_what_the_code_does() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../include/nettx.h");
    let header = std::fs::read_to_string(path).expect("include/nettx.h");
    // The bounds of input strings: read_bounded(ptr, max) reads max + 1 bytes.
    let strings = conventions_paragraph(&header, "Strings in.");
    let thousands = |n: usize| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(d);
        }
        out
    };
    for (bound, function) in [
        (MAX_CASE_JSON_BYTES + 1, "nettx_evaluate_json"),
        (257, "nettx_value"),
        (crate::json::MAX_ERROR_JSON_BYTES + 1, "nettx_error_read"),
    ] {
        let text = format!("{} bytes", thousands(bound));
        assert!(
            strings.contains(&text) && strings.contains(function),
            "{text} ({function}) in: {strings}"
        );
    }
    assert!(!strings.contains("never reads more than"), "{strings}");
    // What a NULL handle gives: counts are 0, like an empty list.
    let status = conventions_paragraph(&header, "Status.");
    assert!(
        status.contains("0 for a count") && status.contains("only after NETTX_OK"),
        "{status}"
    );
    assert!(!status.contains("never a valid-looking value"), "{status}");
    // SAFETY: a NULL handle is allowed.
    assert_eq!(unsafe { nettx_evaluation_warning_count(null()) }, 0);
}

#[test]
fn error_read_statuses() {
    // SAFETY: live C strings; NULL out-params are allowed.
    unsafe {
        assert_eq!(
            nettx_error_read(
                c"{\"error\":{\"kind\":\"internal\",\"message\":\"x\"}}".as_ptr(),
                null_mut(),
                null_mut()
            ),
            nettx_status::NETTX_ERR_INTERNAL as c_int
        );
        assert_eq!(
            nettx_error_read(c"{\"error\":{\"kind\":\"contradiction\",\"field\":\"metastatic\",\"message\":\"x\"}}".as_ptr(), null_mut(), null_mut()),
            nettx_status::NETTX_ERR_CONTRADICTION as c_int
        );
        assert_eq!(
            nettx_error_read(c"{\"in_scope\":true}".as_ptr(), null_mut(), null_mut()),
            OK
        );
        assert_eq!(
            nettx_error_read(c"not json".as_ptr(), null_mut(), null_mut()),
            OK
        );
    }
}

#[test]
fn version_is_the_crate_version() {
    assert_eq!(
        borrowed(nettx_version()).as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        NETTX_VERSION_MAJOR.to_string(),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        NETTX_VERSION_MINOR.to_string(),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        NETTX_VERSION_PATCH.to_string(),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        borrowed(nettx_version()).as_deref(),
        Some(nettx_core::ENGINE_VERSION)
    );
    assert_eq!(
        borrowed(nettx_guideline_digest()).as_deref(),
        Some(nettx_core::knowledge::guideline_digest())
    );
    assert_eq!(
        borrowed(nettx_guideline_id()).as_deref(),
        Some(nettx_core::knowledge::GUIDELINE_ID)
    );
    assert_eq!(
        borrowed(nettx_guideline_version()).as_deref(),
        Some(nettx_core::knowledge::GUIDELINE_VERSION)
    );
    assert_eq!(
        borrowed(nettx_engine_name()).as_deref(),
        Some(nettx_core::ENGINE_NAME)
    );
}

#[test]
fn static_texts_hold_no_nul() {
    // A NUL would make `texts.rs` fall back to an empty string.
    let t = crate::texts::texts();
    for table in [&t.code_summary, &t.rule_effect, &t.warning_message] {
        assert!(table.iter().all(|s| !s.as_bytes().is_empty()));
    }
    let reasons = t
        .missing_reason
        .iter()
        .filter(|s| !s.as_bytes().is_empty())
        .count();
    assert_eq!(reasons, nettx_core::knowledge::MISSING.len());
}

#[test]
fn panics_become_a_status() {
    let status = crate::util::guard(crate::util::code(nettx_status::NETTX_ERR_PANIC), || {
        let v: Vec<i32> = Vec::new();
        // An out-of-bounds index panics; the guard must catch it.
        let i = v.len() + usize::from(v.is_empty());
        crate::util::code(nettx_status::NETTX_OK) + v[i]
    });
    assert_eq!(status, nettx_status::NETTX_ERR_PANIC as c_int);
    let doc = crate::util::failure_document(&crate::util::Failure::panic());
    let text = take(doc);
    assert!(
        text.starts_with(r#"{"error":{"kind":"internal","message":"a panic"#),
        "{text}"
    );
}

#[test]
fn eight_threads_get_identical_results() {
    let inputs = inputs();
    let golden = golden();
    let cases = cases();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (inputs, golden, cases) = (&inputs, &golden, &cases);
            s.spawn(move || {
                for round in 0..5 {
                    for (i, input) in inputs.iter().enumerate() {
                        let (_, out) = eval_json(input.as_bytes());
                        assert_eq!(&out, &golden[i], "thread {t} round {round} input {i}");
                    }
                    for (i, case) in cases.iter().enumerate() {
                        let (raw, _id) = raw_from_json(case);
                        let h = eval_typed(&raw).expect("valid");
                        assert_eq!(to_json(&h), golden[i], "thread {t} typed case {i}");
                    }
                }
            });
        }
    });
}

// ---------------------------------------------------------------------------
// FHIR records in, CDS Hooks cards out
// ---------------------------------------------------------------------------

fn fhir_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fhir")
}

fn fhir_good() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fhir_dir().join("good"))
        .expect("tests/fhir/good")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".json")?;
            (!stem.ends_with(".expected")).then(|| stem.to_owned())
        })
        .collect();
    names.sort();
    names
}

fn fhir_eval(record: &[u8]) -> (c_int, String) {
    let mut bytes = record.to_vec();
    bytes.push(0);
    let mut out = null_mut();
    // SAFETY: `bytes` is NUL-terminated and `out` is a writable pointer.
    let status = unsafe { nettx_fhir_evaluate_json(bytes.as_ptr().cast(), &mut out) };
    (status, take(out))
}

#[test]
fn fhir_records_give_the_golden_bytes_and_cards() {
    let evaluated = std::fs::read_to_string(fhir_dir().join("evaluated.jsonl")).expect("golden");
    let cards = std::fs::read_to_string(fhir_dir().join("cards.jsonl")).expect("golden");
    let names = fhir_good();
    assert!(names.len() >= 40);
    for ((name, want), want_cards) in names.iter().zip(evaluated.lines()).zip(cards.lines()) {
        let record =
            std::fs::read(fhir_dir().join("good").join(format!("{name}.json"))).expect("record");
        let (status, json) = fhir_eval(&record);
        assert_eq!(status, OK, "{name}: {json}");
        assert_eq!(json, want, "{name}");
        // The cards of the typed evaluation of the mapped case.
        let doc: Value = serde_json::from_str(&json).expect("json");
        let (raw, _id) = raw_from_json(&doc["case"]);
        let h = eval_typed(&raw).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let mut out = null_mut();
        // SAFETY: a live handle and a writable out-param.
        let status = unsafe { nettx_evaluation_cds_cards_json(h.0, &mut out) };
        assert_eq!(status, OK);
        assert_eq!(take(out), want_cards, "{name}");
    }
}

#[test]
fn fhir_bad_records_give_their_status_and_error() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(fhir_dir().join("bad/expected.json")).expect("manifest"),
    )
    .expect("json");
    for (name, want) in manifest.as_object().expect("object") {
        if want.get("generate").is_some() {
            continue; // generated; see fhir_limits
        }
        let bytes =
            std::fs::read(fhir_dir().join("bad").join(format!("{name}.json"))).expect("bad");
        let (status, json) = fhir_eval(&bytes);
        let kind = want["kind"].as_str().expect("kind");
        let expected = crate::util::status_of(&nettx_core::Error::new(
            ErrorKind::from_name(kind).expect("kind"),
            None,
            "",
        ));
        assert_eq!(status, expected as c_int, "{name}: {json}");
        let doc: Value = serde_json::from_str(&json).expect("error JSON");
        assert_eq!(doc["error"]["kind"], want["kind"], "{name}");
        assert_eq!(
            doc["error"].get("field").unwrap_or(&Value::Null),
            &want["field"],
            "{name}"
        );
        // The same document as the Rust entry gives.
        let rust = nettx_fhir::map_record_bytes(&bytes).expect_err("refused");
        assert_eq!(json, rust.to_json(), "{name}");
    }
}

#[test]
fn fhir_limits_and_null_arguments() {
    // One byte over the limit: refused without parsing.
    let mut big = vec![b' '; NETTX_MAX_RECORD_JSON_BYTES + 1];
    big[0] = b'{';
    let (status, json) = fhir_eval(&big);
    assert_eq!(status, nettx_status::NETTX_ERR_PARSE as c_int, "{json}");
    let mut out = null_mut();
    // SAFETY: NULL record, writable out-param.
    let status = unsafe { nettx_fhir_evaluate_json(null(), &mut out) };
    assert_eq!(status, NULL_ARG);
    assert!(take(out).contains("record"));
    let record = CString::new("{}").expect("cstring");
    // SAFETY: a NUL-terminated record and a NULL out-param: nothing written.
    let status = unsafe { nettx_fhir_evaluate_json(record.as_ptr(), null_mut()) };
    assert_eq!(status, NULL_ARG);
    let mut out = null_mut();
    // SAFETY: NULL evaluation, writable out-param.
    let status = unsafe { nettx_evaluation_cds_cards_json(null(), &mut out) };
    assert_eq!(status, NULL_ARG);
    assert!(take(out).contains("evaluation"));
    let (raw, _id) = raw_from_json(&serde_json::json!({"primary_site": "ileum"}));
    let h = eval_typed(&raw).expect("valid");
    // SAFETY: a live handle, NULL out-param: nothing written.
    let status = unsafe { nettx_evaluation_cds_cards_json(h.0, null_mut()) };
    assert_eq!(status, NULL_ARG);
}
