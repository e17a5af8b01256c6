//! Column-wise evaluation of a DataFrame (the native half of
//! `nettx.evaluate_frame`), in three parts:
//!
//! - [`rows`]: the cases of a table as compact rows, built into cases;
//! - [`summary`]: the rows evaluated on all cores and summarised as columns;
//! - [`pandas`]: reading pandas' column payloads, and the Python functions.
//!
//! The Python side hands over each case column once, in the cheapest form
//! pandas has for it (packed booleans, doubles, categorical codes, or a list
//! of objects). Reading them into one compact [`Row`] per case is the only
//! step that touches Python objects; then the interpreter is released and the
//! rows are built into cases, evaluated and summarised on all cores. The
//! summaries (preferred codes, all codes, missing fields, warnings) are small
//! integer codes into lists of distinct values, from which pandas builds
//! categoricals without a Python object per row.
//!
//! No value is judged here: a value is read by the core's reader of its
//! field (`nettx::Field::read`; a string once per distinct value), and a row
//! the fast path cannot build is handed to the core as the dict it stands
//! for ([`row_entries`]), so that every row gets exactly the error (kind,
//! field, message) the same case gets as a dict, and in the same order.

mod pandas;
mod rows;
mod summary;

pub(crate) use pandas::{evaluate_columns, frame_columns};
#[cfg(test)]
pub(crate) use rows::code_of;
pub(crate) use rows::{
    choice_cell, complication_item_bits, judge, plan_columns, CaseIds, Cell, Frame,
    MAX_CACHED_STRINGS,
};

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::pandas::*;
    use super::rows::*;
    use super::summary::*;
    use crate::convert::case_from_values;
    use nettx::{Code, DiseaseState, EntryValue, ErrorKind, Field, Site};
    use serde_json::json;
    use serde_json::Value;

    fn json_value(v: Value) -> EntryValue {
        EntryValue::Json(v)
    }

    /// A frame from dict-like rows of JSON values, read as the Python side
    /// would (every column as objects).
    fn frame_of(columns: &[Field], rows: &[Vec<Value>]) -> Frame {
        let mut frame = Frame::new(rows.len());
        fill(&mut frame, columns, rows);
        frame
    }

    /// Reads the rows into `frame` (of as many rows), column by column.
    fn fill(frame: &mut Frame, columns: &[Field], rows: &[Vec<Value>]) {
        for (c, &field) in columns.iter().enumerate() {
            frame.mark_present(field);
            let reader = Reader::new(field, MissingValues::default());
            for (i, row) in rows.iter().enumerate() {
                let value = row.get(c).cloned().unwrap_or(Value::Null);
                let conv = match value {
                    Value::Array(items) => {
                        EntryValue::List(items.into_iter().map(json_value).collect())
                    }
                    v => json_value(v),
                };
                let cell = reader.judge(conv);
                frame.set_cell(i, field, cell);
            }
        }
    }

    /// The fast path for wire names gives what judging the text gives, for
    /// every name of every vocabulary in every field (and declines the rest).
    /// A frame reset for another batch holds nothing of the one before: the
    /// same cases and errors as a new frame of the same rows.
    #[test]
    fn a_reset_frame_is_a_new_frame() {
        let columns = [Field::CaseId, Field::PrimarySite, Field::Metastatic];
        let first = vec![
            vec![json!("a"), json!("ileum"), json!(true)],
            vec![json!("b"), json!("nowhere"), json!(false)],
            vec![json!("x".repeat(300)), json!("rectum"), Value::Null],
        ];
        let second = vec![
            vec![Value::Null, json!("colon"), Value::Null],
            vec![json!("d"), json!("appendix"), json!("yes")],
        ];
        let fresh = frame_of(&columns, &second);
        let mut reused = frame_of(&columns, &first);
        reused.reset(second.len());
        fill(&mut reused, &columns, &second);
        for i in 0..second.len() {
            assert_eq!(reused.row_case(i), fresh.row_case(i), "row {i}");
            assert_eq!(reused.case_id(i), fresh.case_id(i), "row {i}");
        }
        let mut empty = frame_of(&columns, &first);
        empty.reset(2);
        assert!(empty.present.is_empty() && empty.bad.is_empty() && empty.case_ids.is_none());
        assert_eq!(empty.case_id(0), None);
    }

    #[test]
    fn choice_cells_are_judged_cells() {
        let mut names: Vec<&str> = Vec::new();
        names.extend(nettx::Site::ALL.iter().map(|v| v.as_str()));
        names.extend(nettx::Histology::ALL.iter().map(|v| v.as_str()));
        names.extend(nettx::SsaResponse::ALL.iter().map(|v| v.as_str()));
        names.extend(["", "Ileum", "unknown", "true", "null"]);
        let mut fast = 0;
        for field in nettx::Field::ALL {
            for name in &names {
                let Some(cell) = choice_cell(*field, name) else {
                    continue;
                };
                fast += 1;
                let judged = judge(*field, EntryValue::Json(Value::String((*name).to_owned())));
                assert_eq!(format!("{cell:?}"), format!("{judged:?}"), "{field} {name}");
            }
        }
        let expected =
            nettx::Site::ALL.len() + nettx::Histology::ALL.len() + nettx::SsaResponse::ALL.len();
        assert_eq!(fast, expected);
    }

    #[test]
    fn rows_give_the_dict_paths_cases_and_errors() {
        let columns = [
            Field::CaseId,
            Field::PrimarySite,
            Field::Histology,
            Field::TumorSizeCm,
            Field::Metastatic,
            Field::HepaticMetastases,
            Field::CarcinoidSyndrome,
            Field::Complications,
            Field::SsaResponse,
        ];
        let rows = vec![
            vec![
                json!("a"),
                json!("ileum"),
                json!("unknown"),
                json!(2.5),
                json!(false),
                Value::Null,
                json!(true),
                json!(["bleeding"]),
                json!("controlled"),
            ],
            vec![
                Value::Null,
                json!("Ileum"),
                json!("bad"),
                json!(-2),
                json!("yes"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("ileum"),
                Value::Null,
                json!(-2),
                json!("yes"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("ileum"),
                Value::Null,
                json!(40.0),
                Value::Null,
                Value::Null,
                Value::Null,
                json!(["volvulus"]),
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("colon"),
                Value::Null,
                Value::Null,
                json!(false),
                json!(true),
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("colon"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                json!(false),
                Value::Null,
                json!("controlled"),
            ],
            vec![
                json!("x".repeat(300)),
                json!("nowhere"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("ileum"),
                Value::Null,
                json!(1u64 << 62),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                json!("ileum"),
                Value::Null,
                json!(u64::MAX),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                json!(7),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ];
        let frame = frame_of(&columns, &rows);
        for (i, row) in rows.iter().enumerate() {
            let entries: Vec<(&str, Value)> = columns
                .iter()
                .zip(row)
                .map(|(f, v)| (f.as_str(), v.clone()))
                .collect();
            let want = nettx::case_from_entries(entries);
            let got = frame.row_case(i);
            match (&want, &got) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "row {i}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "row {i}"),
                _ => panic!("row {i}: dict gives {want:?}, frame gives {got:?}"),
            }
            // Without the id: the same case less its id, or the same error
            // (an over-long id too).
            match (&want, frame.row_case_without_id(i)) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(b.case_id(), None, "row {i}");
                    assert_eq!(
                        a.to_builder().case_id(None).build().as_ref(),
                        Ok(&b),
                        "row {i}"
                    );
                }
                (Err(a), Err(b)) => assert_eq!(a, &b, "row {i}"),
                (_, b) => panic!("row {i}: dict gives {want:?}, frame without id gives {b:?}"),
            }
        }
    }

    /// What a whole case with `value` in `field` (and a valid site) holds
    /// in that field, as a cell of the readers: the reading of one value
    /// these readers made before they asked the core's field reader.
    fn cell_of_whole_case(field: Field, value: &EntryValue) -> (bool, u8) {
        let mut entries = vec![(field.as_str(), value.clone())];
        if field != Field::PrimarySite {
            entries.push(("primary_site", json_value(json!("ileum"))));
        }
        let Ok(case) = case_from_values(&entries) else {
            return (false, 0);
        };
        let tri = |b: Option<bool>| tri_code(b);
        let code = match field {
            Field::PrimarySite => code_of(Some(case.primary_site())),
            Field::Histology => code_of(case.histology()),
            Field::SsaResponse => code_of(case.ssa_response()),
            Field::LocalSpread => tri(case.local_spread()),
            Field::Metastatic => tri(case.metastatic()),
            Field::HepaticMetastases => tri(case.hepatic_metastases()),
            Field::ExtrahepaticMetastases => tri(case.extrahepatic_metastases()),
            Field::MetastasesResectable => tri(case.metastases_resectable()),
            Field::CarcinoidSyndrome => tri(case.carcinoid_syndrome()),
            Field::Complications => complication_bits(case.complications()),
            Field::CaseId | Field::TumorSizeCm => unreachable!("not coded"),
        };
        (true, code)
    }

    /// Values of every type, and every name of every vocabulary a field
    /// reads (with near misses).
    fn sample_values() -> Vec<EntryValue> {
        let mut names: Vec<&str> = vec!["", "unknown", "Unknown", "yes", "true", "null", " ileum"];
        names.extend(Site::ALL.iter().map(|v| v.as_str()));
        names.extend(nettx::Histology::ALL.iter().map(|v| v.as_str()));
        names.extend(nettx::SsaResponse::ALL.iter().map(|v| v.as_str()));
        names.extend(nettx::Complication::ALL.iter().map(|v| v.as_str()));
        let mut values: Vec<EntryValue> = names.iter().map(|n| json_value(json!(n))).collect();
        let lists: Vec<EntryValue> = values
            .iter()
            .map(|v| EntryValue::List(vec![v.clone()]))
            .collect();
        values.extend(lists);
        values.extend([
            json_value(Value::Null),
            json_value(json!(true)),
            json_value(json!(false)),
            json_value(json!(0)),
            json_value(json!(1)),
            json_value(json!(2.5)),
            json_value(json!([])),
            json_value(json!(["bleeding", "other"])),
            json_value(json!(["bleeding", "bleeding"])),
            json_value(json!(["bleeding", 1])),
            json_value(json!({"a": 1})),
            EntryValue::Float(f64::NAN),
            EntryValue::Float(1.0),
            EntryValue::List(vec![]),
            EntryValue::List(vec![json_value(json!("bleeding")), EntryValue::Float(2.0)]),
            EntryValue::Opaque("Decimal('1')".to_owned()),
        ]);
        values
    }

    #[test]
    fn values_read_by_field_are_what_a_whole_case_holds() {
        for &field in Field::ALL {
            if matches!(field, Field::CaseId | Field::TumorSizeCm) {
                continue;
            }
            for value in sample_values() {
                let (accepted, code) = cell_of_whole_case(field, &value);
                let got = judge(field, value.clone());
                match got {
                    Cell::Unknown => assert!(
                        accepted && code == 0 && field != Field::Complications,
                        "{field} {value:?}"
                    ),
                    Cell::Code(c) => assert!(accepted && c == code, "{field} {value:?}"),
                    Cell::Bad(kept) => {
                        assert!(!accepted, "{field} {value:?}");
                        // (As text: NaN is not equal to itself.)
                        assert_eq!(format!("{kept:?}"), format!("{value:?}"), "{field}");
                    }
                    Cell::Size(..) | Cell::Id(_) => panic!("{field} {value:?}: {got:?}"),
                }
            }
        }
        for value in sample_values() {
            let whole =
                cell_of_whole_case(Field::Complications, &EntryValue::List(vec![value.clone()]));
            let item = complication_item_bits(value.clone());
            assert_eq!(item, whole.0.then_some(whole.1), "{value:?}");
        }
    }

    #[test]
    fn a_non_finite_size_is_the_cores_range_error() {
        let mut frame = Frame::new(1);
        frame.mark_present(Field::PrimarySite);
        frame.mark_present(Field::TumorSizeCm);
        frame.set_cell(
            0,
            Field::PrimarySite,
            Cell::Code(code_of(Some(Site::Ileum))),
        );
        frame.set_cell(0, Field::TumorSizeCm, Cell::Size(f64::INFINITY, false));
        let e = frame.row_case(0).expect_err("infinite size");
        assert_eq!(e.field_name(), Some("tumor_size_cm"));
        assert!(e.message().contains("between"), "{}", e.message());
    }

    #[test]
    fn floats_read_as_objects_give_the_dicts_result() {
        let reader = Reader::new(Field::TumorSizeCm, MissingValues::default());
        assert!(matches!(
            reader.judge(EntryValue::Float(2.5)),
            Cell::Size(v, false) if v == 2.5
        ));
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2.5, 40.0] {
            let mut frame = Frame::new(1);
            frame.mark_present(Field::PrimarySite);
            frame.mark_present(Field::TumorSizeCm);
            frame.set_cell(
                0,
                Field::PrimarySite,
                Cell::Code(code_of(Some(Site::Ileum))),
            );
            frame.set_cell(0, Field::TumorSizeCm, reader.judge(EntryValue::Float(v)));
            let want = case_from_values(&[
                ("primary_site", EntryValue::Json(json!("ileum"))),
                ("tumor_size_cm", EntryValue::Float(v)),
            ]);
            assert_eq!(frame.row_case(0), want, "{v}");
        }
        // A NaN given (not a missing value) is refused, as in a dict.
        let e = case_from_values(&[
            ("primary_site", EntryValue::Json(json!("ileum"))),
            ("tumor_size_cm", EntryValue::Float(f64::NAN)),
        ])
        .expect_err("NaN size");
        assert!(e.message().contains("got NaN"), "{}", e.message());
    }

    #[test]
    fn codes_pack_and_unpack_in_order() {
        let codes = [
            Code::UrgentSegmentalResection,
            Code::SomatostatinAnalog,
            Code::MultidisciplinaryReview,
        ];
        assert_eq!(unpack(pack(codes.iter().copied())), codes);
        assert_eq!(unpack(pack(Code::ALL.iter().copied())), Code::ALL);
        assert!(unpack(0).is_empty());
    }

    #[test]
    fn columns_summarise_rows_and_errors() {
        let columns_used = [Field::PrimarySite, Field::Metastatic];
        let rows = vec![
            vec![json!("ileum"), json!(false)],
            vec![json!("ileum"), json!("no")],
            vec![json!("ileum"), json!(false)],
        ];
        let frame = frame_of(&columns_used, &rows);
        let ev = evaluate_rows(&frame, true);
        let cols = summarise(&ev);
        assert_eq!(cols.ok, vec![1, 0, 1]);
        assert_eq!(cols.preferred.0, vec![0, -1, 0]);
        assert_eq!(
            cols.preferred.1,
            vec!["SMALL_BOWEL_RESECTION_WITH_MESENTERY".to_owned()]
        );
        assert_eq!(cols.error_message.0, vec![-1, 0, -1]);
        assert_eq!(cols.error_field.1, vec!["metastatic".to_owned()]);
        assert_eq!(
            cols.error_kind,
            vec![-1, ErrorKind::Field.index() as i8, -1]
        );
        assert_eq!(ev.cases.iter().filter(|c| c.is_some()).count(), 2);
        assert_eq!(
            cols.disease,
            vec![
                DiseaseState::Localized.index() as i8,
                -1,
                DiseaseState::Localized.index() as i8
            ]
        );
    }
}
