//! `Field::read`, the public per-field reader that the bindings use instead
//! of building a case around one value: for any value it gives exactly what
//! a case holding that value (and a valid site) gives, the same value or the
//! same error, and its value is of the field's kind (`Field::kind`).

use nettx::{
    case_from_entry_values, Case, EntryValue, Field, FieldKind, FieldValue, Histology, Site,
    SsaResponse,
};
use serde_json::{json, Value};

/// The kind of value a reading is.
fn kind_of(value: &FieldValue) -> FieldKind {
    match value {
        FieldValue::CaseId(_) => FieldKind::Text,
        FieldValue::Site(_) | FieldValue::Histology(_) | FieldValue::SsaResponse(_) => {
            FieldKind::Choice
        }
        FieldValue::Size(_) => FieldKind::Number,
        FieldValue::Flag(_) => FieldKind::Bool,
        FieldValue::Complications(_) => FieldKind::List,
    }
}

/// What `case` holds in `field`, as a reading.
fn held(case: &Case, field: Field) -> FieldValue {
    match field {
        Field::CaseId => FieldValue::CaseId(case.case_id().map(str::to_owned)),
        Field::PrimarySite => FieldValue::Site(case.primary_site()),
        Field::Histology => FieldValue::Histology(case.histology()),
        Field::TumorSizeCm => FieldValue::Size(case.tumor_size_cm()),
        Field::LocalSpread => FieldValue::Flag(case.local_spread()),
        Field::Metastatic => FieldValue::Flag(case.metastatic()),
        Field::HepaticMetastases => FieldValue::Flag(case.hepatic_metastases()),
        Field::ExtrahepaticMetastases => FieldValue::Flag(case.extrahepatic_metastases()),
        Field::MetastasesResectable => FieldValue::Flag(case.metastases_resectable()),
        Field::CarcinoidSyndrome => FieldValue::Flag(case.carcinoid_syndrome()),
        Field::Complications => FieldValue::Complications(case.complications()),
        Field::SsaResponse => FieldValue::SsaResponse(case.ssa_response()),
    }
}

/// Values of every type and of every field: names of each vocabulary and
/// near misses, numbers in and out of range, identifiers at and over the
/// limit, lists, and what JSON cannot hold.
fn sample_values() -> Vec<EntryValue> {
    let mut names: Vec<String> = ["", "unknown", "Unknown", "yes", "true", " ileum", "ileum "]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    names.extend(Site::ALL.iter().map(|v| v.as_str().to_owned()));
    names.extend(Histology::ALL.iter().map(|v| v.as_str().to_owned()));
    names.extend(SsaResponse::ALL.iter().map(|v| v.as_str().to_owned()));
    names.extend(
        nettx::Complication::ALL
            .iter()
            .map(|v| v.as_str().to_owned()),
    );
    names.push("x".repeat(nettx::MAX_CASE_ID_BYTES));
    names.push("x".repeat(nettx::MAX_CASE_ID_BYTES + 1));
    let mut values: Vec<EntryValue> = names
        .iter()
        .map(|n| EntryValue::Json(Value::String(n.clone())))
        .collect();
    let one_item_lists: Vec<EntryValue> = values
        .iter()
        .map(|v| EntryValue::List(vec![v.clone()]))
        .collect();
    values.extend(one_item_lists);
    let json_values = [
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-2),
        json!(2.5),
        json!(2.0),
        json!(0.009),
        json!(30),
        json!(30.01),
        json!(1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!([]),
        json!(["bleeding", "other"]),
        json!(["bleeding", "bleeding"]),
        json!(["bleeding", 1]),
        json!([["bleeding"]]),
        json!({"a": 1}),
    ];
    values.extend(json_values.into_iter().map(EntryValue::Json));
    values.extend([
        EntryValue::Float(f64::NAN),
        EntryValue::Float(f64::INFINITY),
        EntryValue::Float(f64::NEG_INFINITY),
        EntryValue::Float(2.5),
        EntryValue::Float(40.0),
        EntryValue::Float(-0.0),
        EntryValue::List(vec![]),
        EntryValue::List(vec![
            EntryValue::Json(json!("bleeding")),
            EntryValue::Float(2.0),
        ]),
        EntryValue::List(vec![EntryValue::Opaque("b'x'".to_owned())]),
        EntryValue::Opaque("Decimal('1')".to_owned()),
    ]);
    values
}

#[test]
fn a_reading_is_of_the_fields_kind() {
    for &field in Field::ALL {
        // null is unknown for every field but the site, which needs a name.
        let value = if field == Field::PrimarySite {
            EntryValue::Json(json!("ileum"))
        } else {
            EntryValue::Json(Value::Null)
        };
        let read = field.read(value).expect("accepted");
        assert_eq!(kind_of(&read), field.kind(), "{field}");
    }
}

#[test]
fn a_reading_is_what_a_case_holding_the_value_gives() {
    let mut accepted = 0;
    let mut refused = 0;
    for &field in Field::ALL {
        for value in sample_values() {
            let mut entries = vec![(field.as_str(), value.clone())];
            if field != Field::PrimarySite {
                entries.push(("primary_site", EntryValue::Json(json!("ileum"))));
            }
            let whole = case_from_entry_values(entries);
            match (field.read(value.clone()), whole) {
                (Ok(read), Ok(case)) => {
                    assert_eq!(read, held(&case, field), "{field} {value:?}");
                    assert_eq!(kind_of(&read), field.kind(), "{field} {value:?}");
                    accepted += 1;
                }
                (Err(e), Err(want)) => {
                    assert_eq!(e, want, "{field} {value:?}");
                    assert_eq!(e.field_name(), Some(field.as_str()), "{value:?}");
                    refused += 1;
                }
                (read, whole) => panic!("{field} {value:?}: read {read:?}, case {whole:?}"),
            }
        }
    }
    // Both sides of every field were reached.
    assert!(accepted > Field::ALL.len() && refused > Field::ALL.len());
}

/// A wire name read without a JSON value gives what `Field::read` gives for
/// that text, for every name of every vocabulary in every field; any other
/// text or field is left to `read`.
#[test]
fn a_wire_name_reads_as_read_reads_it() {
    let mut names: Vec<&str> = Vec::new();
    names.extend(Site::ALL.iter().map(|v| v.as_str()));
    names.extend(Histology::ALL.iter().map(|v| v.as_str()));
    names.extend(SsaResponse::ALL.iter().map(|v| v.as_str()));
    names.extend(["", "Ileum", "unknown", "true", "null", " ileum"]);
    let mut read = 0;
    for field in Field::ALL {
        for name in &names {
            let Some(value) = field.read_wire_name(name) else {
                continue;
            };
            read += 1;
            assert_eq!(
                field
                    .read(EntryValue::Json(Value::String((*name).to_owned())))
                    .ok(),
                Some(value),
                "{field} {name}"
            );
        }
    }
    assert_eq!(
        read,
        Site::ALL.len() + Histology::ALL.len() + SsaResponse::ALL.len()
    );
}
