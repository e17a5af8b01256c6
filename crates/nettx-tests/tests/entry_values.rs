//! `case_from_entry_values`: field values as a host language holds them
//! (a float NaN or infinity, a list of any values, an object with no JSON
//! form), checked by the same converter of each field as JSON input, with
//! messages that quote what was given.

use nettx::{case_from_entry_values, Case, EntryValue, Error, ErrorKind, Field};
use serde_json::{json, Value};

fn site() -> (&'static str, EntryValue) {
    ("primary_site", EntryValue::Json(json!("ileum")))
}

/// The error for `value` in `field`, with a valid site (unless the field is
/// the site).
fn error_for(field: Field, value: EntryValue) -> Error {
    let mut entries = vec![(field.as_str(), value)];
    if field != Field::PrimarySite {
        entries.push(site());
    }
    match case_from_entry_values(entries) {
        Ok(case) => panic!("{field}: accepted {}", case.to_json()),
        Err(e) => e,
    }
}

fn assert_field_error(e: &Error, field: Field) {
    assert_eq!(e.kind(), ErrorKind::Field, "{}", e.message());
    assert_eq!(e.field_name(), Some(field.as_str()), "{}", e.message());
}

#[test]
fn non_finite_sizes_are_range_errors_on_the_size() {
    for (v, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let e = error_for(Field::TumorSizeCm, EntryValue::Float(v));
        assert_field_error(&e, Field::TumorSizeCm);
        assert!(
            e.message().starts_with(&format!(
                "tumor_size_cm must be between 0.01 and 30 cm, got {shown}; "
            )),
            "{}",
            e.message()
        );
    }
}

#[test]
fn a_finite_float_is_the_json_number() {
    let as_float = case_from_entry_values([site(), ("tumor_size_cm", EntryValue::Float(2.5))]);
    let as_json = case_from_entry_values([site(), ("tumor_size_cm", EntryValue::Json(json!(2.5)))]);
    assert_eq!(as_float, as_json);
    assert_eq!(as_float.as_ref().map(Case::tumor_size_cm), Ok(Some(2.5)));
    assert_eq!(
        as_float.map(|c| c.to_json()),
        Case::from_json(r#"{"primary_site":"ileum","tumor_size_cm":2.5}"#).map(|c| c.to_json())
    );
    // The same errors too, wherever the number is given.
    for (field, v) in [
        (Field::TumorSizeCm, 31.0),
        (Field::TumorSizeCm, 0.0),
        (Field::TumorSizeCm, 1e300),
        (Field::Metastatic, 2.5),
        (Field::Histology, -0.0),
        (Field::CaseId, 1.0),
    ] {
        let float = error_for(field, EntryValue::Float(v));
        let json = error_for(field, EntryValue::Json(json!(v)));
        assert_eq!(float, json, "{field} {v}");
    }
    let float = error_for(
        Field::Complications,
        EntryValue::List(vec![EntryValue::Float(2.5)]),
    );
    let json = error_for(Field::Complications, EntryValue::Json(json!([2.5])));
    assert_eq!(float, json);
}

#[test]
fn a_non_finite_float_elsewhere_is_a_type_error_showing_it() {
    for field in Field::ALL.iter().copied() {
        if field == Field::TumorSizeCm {
            continue;
        }
        let e = error_for(field, EntryValue::Float(f64::NAN));
        assert_field_error(&e, field);
        assert!(
            e.message().starts_with(&format!("{field} must be ")),
            "{}",
            e.message()
        );
        assert!(e.message().ends_with(", got NaN"), "{}", e.message());
        let e = error_for(field, EntryValue::Float(f64::NEG_INFINITY));
        assert!(e.message().ends_with(", got -inf"), "{}", e.message());
    }
}

#[test]
fn an_opaque_value_is_a_type_error_in_every_field() {
    for field in Field::ALL.iter().copied() {
        let e = error_for(field, EntryValue::Opaque("Decimal('1')".to_owned()));
        assert_field_error(&e, field);
        assert!(
            e.message().starts_with(&format!("{field} must be ")),
            "{}",
            e.message()
        );
        assert!(
            e.message().ends_with(", got Decimal('1')"),
            "{}",
            e.message()
        );
        // The message is the one a JSON value of the wrong type gets, but
        // for the value shown.
        let json = error_for(field, EntryValue::Json(json!({})));
        assert_eq!(
            e.message().strip_suffix("Decimal('1')"),
            json.message().strip_suffix("an object"),
            "{field}"
        );
    }
}

#[test]
fn long_opaque_text_is_cut_short() {
    let e = error_for(Field::Histology, EntryValue::Opaque("x".repeat(500)));
    let shown = e.message().rsplit("got ").next().unwrap_or_default();
    assert_eq!(shown, format!("{}…", "x".repeat(60)));
    // Text already cut (as a binding may send it) is not cut again.
    let e2 = error_for(Field::Histology, EntryValue::Opaque(shown.to_owned()));
    assert_eq!(e, e2);
    // Multi-byte text is cut at a character boundary.
    let e = error_for(Field::Metastatic, EntryValue::Opaque("é".repeat(100)));
    assert!(
        e.message().ends_with(&format!("got {}…", "é".repeat(60))),
        "{}",
        e.message()
    );
}

#[test]
fn complications_as_a_list_of_entry_values() {
    let list = case_from_entry_values([
        site(),
        (
            "complications",
            EntryValue::List(vec![EntryValue::Json(json!("bleeding"))]),
        ),
    ])
    .expect("valid");
    let json = nettx::case_from_entries([
        ("primary_site", json!("ileum")),
        ("complications", json!(["bleeding"])),
    ])
    .expect("valid");
    assert_eq!(list, json);
    assert_eq!(list.complications().len(), 1);
    let empty = case_from_entry_values([site(), ("complications", EntryValue::List(Vec::new()))])
        .expect("valid");
    assert!(empty.complications().is_empty());
}

#[test]
fn an_opaque_list_item_is_shown_at_its_index() {
    let e = error_for(
        Field::Complications,
        EntryValue::List(vec![
            EntryValue::Json(json!("bleeding")),
            EntryValue::Opaque("object()".to_owned()),
        ]),
    );
    assert_field_error(&e, Field::Complications);
    assert!(
        e.message().starts_with("complications[1] must be one of "),
        "{}",
        e.message()
    );
    assert!(e.message().ends_with(", got object()"), "{}", e.message());
    // The message is JSON's for a bad item, but for the value shown.
    let json = error_for(
        Field::Complications,
        EntryValue::Json(json!(["bleeding", {}])),
    );
    assert_eq!(
        e.message().strip_suffix("object()"),
        json.message().strip_suffix("an object")
    );

    // Other items: a non-finite number, a nested list, JSON values.
    for (item, shown) in [
        (EntryValue::Float(f64::NAN), "NaN"),
        (EntryValue::List(Vec::new()), "a list"),
        (EntryValue::Json(json!([])), "a list"),
        (EntryValue::Json(json!({"a": 1})), "an object"),
        (EntryValue::Json(json!("volvulus")), "\"volvulus\""),
        (EntryValue::Json(Value::Null), "null"),
        (EntryValue::Json(json!(3)), "3"),
    ] {
        let e = error_for(Field::Complications, EntryValue::List(vec![item]));
        assert!(
            e.message().starts_with("complications[0] must be one of "),
            "{}",
            e.message()
        );
        assert!(
            e.message().ends_with(&format!(", got {shown}")),
            "{}",
            e.message()
        );
    }

    // The first bad item is reported, as in JSON.
    let e = error_for(
        Field::Complications,
        EntryValue::List(vec![
            EntryValue::Json(json!({})),
            EntryValue::Opaque("object()".to_owned()),
        ]),
    );
    assert!(
        e.message().starts_with("complications[0]") && e.message().ends_with("got an object"),
        "{}",
        e.message()
    );
}

#[test]
fn a_list_in_another_field_is_a_list() {
    for field in [Field::Metastatic, Field::Histology, Field::TumorSizeCm] {
        let list = error_for(
            field,
            EntryValue::List(vec![EntryValue::Opaque("object()".to_owned())]),
        );
        let json = error_for(field, EntryValue::Json(json!([1])));
        assert_eq!(list, json, "{field}");
        assert!(list.message().ends_with("got a list"), "{}", list.message());
    }
}

#[test]
fn the_error_order_is_jsons() {
    let nan = || EntryValue::Float(f64::NAN);
    let opaque = || EntryValue::Opaque("object()".to_owned());
    // An unknown key wins over everything…
    let e = case_from_entry_values([
        ("tumor_size_cm", nan()),
        ("zzz", EntryValue::Json(Value::Null)),
    ])
    .expect_err("unknown key");
    assert_eq!(e.field_name(), Some("zzz"));
    // …an earlier field over a later one, whatever the order of the keys…
    let e = case_from_entry_values([
        ("metastatic", opaque()),
        ("tumor_size_cm", nan()),
        ("primary_site", EntryValue::Json(json!("nowhere"))),
    ])
    .expect_err("bad site");
    assert_eq!(e.field_name(), Some("primary_site"));
    let e = case_from_entry_values([("metastatic", opaque()), ("tumor_size_cm", nan()), site()])
        .expect_err("bad size");
    assert_eq!(e.field_name(), Some("tumor_size_cm"));
    // …and a bad value over a contradiction.
    let e = case_from_entry_values([
        site(),
        ("metastatic", EntryValue::Json(json!(false))),
        ("hepatic_metastases", EntryValue::Json(json!(true))),
        ("ssa_response", opaque()),
    ])
    .expect_err("bad response");
    assert_field_error(&e, Field::SsaResponse);
    // A key twice is a parse error, as in JSON.
    let e = case_from_entry_values([site(), ("metastatic", opaque()), ("metastatic", nan())])
        .expect_err("duplicate");
    assert_eq!(e.kind(), ErrorKind::Parse);
}

/// JSON values through `case_from_entry_values` give exactly what the JSON
/// document gives, on every conformance case and error input that is an
/// object.
#[test]
fn json_values_match_the_json_path() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/cases.json");
    let text = std::fs::read_to_string(&path).expect("cases.json");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let mut compared = 0;
    let inputs = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"].to_string())
        .chain(
            doc["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .filter_map(|e| e["input"].as_str().map(str::to_owned)),
        );
    for input in inputs {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&input) else {
            continue;
        };
        let unknown = map.keys().filter(|k| Field::from_name(k).is_none()).count();
        if map.len() != input.matches("\":").count()
            || input.len() > nettx::MAX_CASE_JSON_BYTES
            || unknown > 1
        {
            continue;
        }
        let via_values =
            case_from_entry_values(map.into_iter().map(|(k, v)| (k, EntryValue::from(v))));
        assert_eq!(via_values, Case::from_json(&input), "{input}");
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} inputs compared");
}
