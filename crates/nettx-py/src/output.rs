//! The result of evaluating a table, as Arrow record batches in the stable
//! output schema (docs/ARROW.md): one row per case, the same columns for
//! `evaluate_arrow`, `evaluate_frame` and Spark.
//!
//! The rows of a [`Frame`] are built into cases and evaluated on all cores;
//! each thread writes its part of every column into flat buffers (no
//! allocation per row), and the parts are joined in row order. List columns
//! hold dictionary strings whose dictionary is the whole vocabulary, in the
//! core's order, so that every batch has the same dictionary.

use crate::batch::par_ranges;
use crate::frame::{CaseIds, Frame};
use arrow_array::types::Int8Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Int8Array, ListArray, RecordBatch, StringArray,
};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field as ArrowField, Schema, SchemaRef};
use nettx::{
    Case, Code, DiseaseState, Error, ErrorKind, Field, Goal, Strength, Vocabulary, WarningCode,
};
use std::collections::HashMap;
use std::sync::Arc;

// Dictionary keys are i8: every vocabulary must fit.
const _: () = assert!(Code::ALL.len() <= 127);
const _: () = assert!(Field::ALL.len() <= 127);
const _: () = assert!(WarningCode::ALL.len() <= 127);
const _: () = assert!(Goal::ALL.len() <= 127);
const _: () = assert!(Strength::ALL.len() <= 127);
const _: () = assert!(DiseaseState::ALL.len() <= 127);
const _: () = assert!(ErrorKind::ALL.len() <= 127);

/// Most rows evaluated and written as one record batch. Larger input
/// batches are sliced (without copying) into batches of this size, so that
/// the memory in use is bounded by it, whatever the input's batches.
pub(crate) const CHUNK_ROWS: usize = 65_536;

/// What to write besides the stable columns.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// Write the error columns (`error_kind`, `error_field`, `error`).
    pub(crate) error_columns: bool,
    /// Write `evaluation`: each row's full evaluation as JSON.
    pub(crate) evaluation_json: bool,
    /// Keep each row's case (for `Evaluation` objects made later).
    pub(crate) keep_cases: bool,
}

/// The list columns, in schema order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListColumn {
    Goals,
    Codes,
    Strengths,
    Missing,
    Warnings,
    Preferred,
}

const LIST_COLUMNS: [ListColumn; 6] = [
    ListColumn::Goals,
    ListColumn::Codes,
    ListColumn::Strengths,
    ListColumn::Missing,
    ListColumn::Warnings,
    ListColumn::Preferred,
];

impl ListColumn {
    fn name(self) -> &'static str {
        match self {
            ListColumn::Goals => "goals",
            ListColumn::Codes => "codes",
            ListColumn::Strengths => "strengths",
            ListColumn::Missing => "missing",
            ListColumn::Warnings => "warnings",
            ListColumn::Preferred => "preferred",
        }
    }
    /// The vocabulary of the column's items, as wire names in the core's order.
    fn vocabulary(self) -> Vec<&'static str> {
        match self {
            ListColumn::Goals => names::<Goal>(),
            ListColumn::Codes | ListColumn::Preferred => names::<Code>(),
            ListColumn::Strengths => names::<Strength>(),
            ListColumn::Missing => names::<Field>(),
            ListColumn::Warnings => names::<WarningCode>(),
        }
    }
}

fn names<T: Vocabulary>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.as_str()).collect()
}

/// A dictionary-encoded string type with i8 keys.
fn dictionary_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8))
}

/// The item field of a list column.
fn list_item() -> Arc<ArrowField> {
    Arc::new(ArrowField::new("item", dictionary_type(), false))
}

/// The output schema (docs/ARROW.md), with the guideline and engine in its
/// metadata.
pub(crate) fn schema(options: Options) -> SchemaRef {
    let mut fields = vec![
        ArrowField::new("case_id", DataType::Utf8, true),
        ArrowField::new("in_scope", DataType::Boolean, true),
        ArrowField::new("disease_state", dictionary_type(), true),
    ];
    let list = |name: &str| ArrowField::new(name, DataType::List(list_item()), true);
    for column in LIST_COLUMNS {
        fields.push(list(column.name()));
    }
    fields.push(ArrowField::new("urgent", DataType::Boolean, true));
    fields.push(ArrowField::new("case_digest", DataType::Utf8, true));
    if options.error_columns {
        fields.push(ArrowField::new("error_kind", dictionary_type(), true));
        fields.push(ArrowField::new("error_field", DataType::Utf8, true));
        fields.push(ArrowField::new("error", DataType::Utf8, true));
    }
    if options.evaluation_json {
        fields.push(ArrowField::new("evaluation", DataType::Utf8, true));
    }
    let metadata: HashMap<String, String> = [
        (
            "nettx.guideline.id",
            nettx::knowledge::GUIDELINE_ID.to_owned(),
        ),
        (
            "nettx.guideline.version",
            nettx::knowledge::GUIDELINE_VERSION.to_owned(),
        ),
        (
            "nettx.guideline.digest",
            nettx::knowledge::guideline_digest().to_owned(),
        ),
        ("nettx.engine.name", nettx::ENGINE_NAME.to_owned()),
        ("nettx.engine.version", nettx::ENGINE_VERSION.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// One list column's part: dictionary keys and offsets (from 0).
#[derive(Debug, Default)]
struct ListPart {
    keys: Vec<i8>,
    offsets: Vec<i32>,
}

impl ListPart {
    fn new(rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        ListPart {
            keys: Vec::with_capacity(rows * 2),
            offsets,
        }
    }
    fn push_row(&mut self, items: impl Iterator<Item = usize>) {
        for i in items {
            self.keys.push(i8::try_from(i).unwrap_or(i8::MAX));
        }
        self.offsets
            .push(i32::try_from(self.keys.len()).unwrap_or(i32::MAX));
    }
    fn push_empty(&mut self) {
        self.push_row(std::iter::empty());
    }
}

/// Strings of one column's part (digests, JSON), with offsets from 0.
#[derive(Debug, Default)]
struct TextPart {
    text: String,
    offsets: Vec<usize>,
}

impl TextPart {
    fn new(rows: usize, per_row: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        TextPart {
            text: String::with_capacity(rows * per_row),
            offsets,
        }
    }
    fn push(&mut self, s: &str) {
        self.push_with(|text| text.push_str(s));
    }
    /// Appends the string `write` writes.
    fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.offsets.push(self.text.len());
    }
}

/// The evaluated rows of a frame (or of a range of it): the columns'
/// buffers, and per row the error (when it could not be evaluated) and,
/// when kept, the case.
#[derive(Debug, Default)]
pub(crate) struct Evaluated {
    ok: Vec<bool>,
    in_scope: Vec<bool>,
    urgent: Vec<bool>,
    disease: Vec<i8>,
    lists: Vec<ListPart>,
    digest: TextPart,
    json: TextPart,
    /// The rows that could not be evaluated (position in the frame), in
    /// row order.
    pub(crate) errors: Vec<(usize, Error)>,
    /// The cases, one per row (`None` for an error), when kept.
    pub(crate) cases: Vec<Option<Case>>,
}

/// Builds, evaluates and writes every row of `frame`, on all cores.
pub(crate) fn evaluate(frame: &Frame, options: Options) -> Evaluated {
    let n = frame.rows.len();
    let parts = par_ranges(n, |range| evaluate_part(frame, range, options));
    join(parts, n, options)
}

/// Builds, evaluates and writes every row of `frame` on the calling thread
/// (for callers that run several frames at once).
pub(crate) fn evaluate_here(frame: &Frame, options: Options) -> Evaluated {
    evaluate_part(frame, 0..frame.rows.len(), options)
}

/// The rows `range` of `frame`, evaluated and written.
fn evaluate_part(frame: &Frame, range: std::ops::Range<usize>, options: Options) -> Evaluated {
    let rows = range.len();
    let mut p = Evaluated {
        ok: Vec::with_capacity(rows),
        in_scope: Vec::with_capacity(rows),
        urgent: Vec::with_capacity(rows),
        disease: Vec::with_capacity(rows),
        lists: LIST_COLUMNS.iter().map(|_| ListPart::new(rows)).collect(),
        digest: TextPart::new(rows, 64),
        json: TextPart::new(
            if options.evaluation_json { rows } else { 0 },
            if options.evaluation_json { 4096 } else { 0 },
        ),
        errors: Vec::new(),
        cases: Vec::with_capacity(if options.keep_cases { rows } else { 0 }),
    };
    for i in range {
        // The id is in the output's own column; only the evaluation JSON
        // and kept cases need it in the case.
        let case = if options.evaluation_json || options.keep_cases {
            frame.row_case(i)
        } else {
            frame.row_case_without_id(i)
        };
        match case {
            Ok(case) => {
                // The trace is written during the walk only when the
                // evaluation JSON (which holds it) is asked for.
                let ev = if options.evaluation_json {
                    nettx::evaluate_traced(&case)
                } else {
                    nettx::evaluate(&case)
                };
                p.ok.push(true);
                p.in_scope.push(ev.in_scope());
                p.urgent.push(ev.is_urgent());
                p.disease
                    .push(i8::try_from(ev.disease_state().index()).unwrap_or(-1));
                for (column, part) in LIST_COLUMNS.iter().zip(p.lists.iter_mut()) {
                    match column {
                        ListColumn::Goals => part.push_row(ev.goals().map(|g| g.index())),
                        ListColumn::Codes => {
                            part.push_row(ev.recommendations().iter().map(|r| r.code().index()))
                        }
                        ListColumn::Strengths => {
                            part.push_row(ev.recommendations().iter().map(|r| r.strength().index()))
                        }
                        ListColumn::Missing => {
                            part.push_row(ev.missing().map(|m| m.field().index()))
                        }
                        ListColumn::Warnings => part.push_row(ev.warnings().map(|w| w.index())),
                        ListColumn::Preferred => {
                            part.push_row(ev.preferred().map(|r| r.code().index()))
                        }
                    }
                }
                p.digest.push_with(|text| ev.write_case_digest(text));
                if options.evaluation_json {
                    p.json.push_with(|text| ev.write_json(text));
                }
                if options.keep_cases {
                    p.cases.push(Some(case));
                }
            }
            Err(e) => {
                p.ok.push(false);
                p.in_scope.push(false);
                p.urgent.push(false);
                p.disease.push(-1);
                for part in &mut p.lists {
                    part.push_empty();
                }
                p.digest.push("");
                if options.evaluation_json {
                    p.json.push("");
                }
                p.errors.push((i, e));
                if options.keep_cases {
                    p.cases.push(None);
                }
            }
        }
    }
    p
}

/// Joins the parts, in row order, adjusting offsets (a single part is
/// moved, not copied).
fn join(mut parts: Vec<Evaluated>, n: usize, options: Options) -> Evaluated {
    if parts.len() == 1 {
        if let Some(p) = parts.pop() {
            return p;
        }
    }
    let mut all = Evaluated {
        ok: Vec::with_capacity(n),
        in_scope: Vec::with_capacity(n),
        urgent: Vec::with_capacity(n),
        disease: Vec::with_capacity(n),
        lists: LIST_COLUMNS.iter().map(|_| ListPart::new(n)).collect(),
        digest: TextPart::new(n, 64),
        json: TextPart::new(0, 0),
        errors: Vec::new(),
        cases: Vec::with_capacity(if options.keep_cases { n } else { 0 }),
    };
    for p in parts {
        all.ok.extend(p.ok);
        all.in_scope.extend(p.in_scope);
        all.urgent.extend(p.urgent);
        all.disease.extend(p.disease);
        for (into, from) in all.lists.iter_mut().zip(p.lists) {
            let base = into.offsets.last().copied().unwrap_or(0);
            into.keys.extend(from.keys);
            into.offsets
                .extend(from.offsets.iter().skip(1).map(|o| base.saturating_add(*o)));
        }
        for (into, from) in [(&mut all.digest, p.digest), (&mut all.json, p.json)] {
            let base = into.offsets.last().copied().unwrap_or(0);
            into.text.push_str(&from.text);
            into.offsets
                .extend(from.offsets.iter().skip(1).map(|o| base + *o));
        }
        all.errors.extend(p.errors);
        all.cases.extend(p.cases);
    }
    all
}

/// A string array of the vocabulary's wire names (a dictionary's values).
fn vocabulary_array(names: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(names.iter()))
}

fn string_array(text: TextPart, valid: Option<NullBuffer>) -> Result<StringArray, ArrowError> {
    let offsets = text
        .offsets
        .iter()
        .map(|o| {
            i32::try_from(*o)
                .map_err(|_| ArrowError::ComputeError("nettx: string column over 2 GiB".to_owned()))
        })
        .collect::<Result<Vec<i32>, _>>()?;
    StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(text.text.into_bytes()),
        valid,
    )
}

/// The `case_id` column: an error, not a panic, past the 2 GiB that 32-bit
/// offsets hold (ids are copied even when a row refuses them for length).
fn id_array(ids: &CaseIds) -> Result<StringArray, ArrowError> {
    let rows = ids.len();
    let mut text = TextPart::new(rows, 0);
    let mut valid = Vec::with_capacity(rows);
    for id in ids.iter() {
        text.push(id.unwrap_or_default());
        valid.push(id.is_some());
    }
    let nulls = valid.iter().any(|v| !v).then(|| NullBuffer::from(valid));
    string_array(text, nulls)
        .map_err(|e| ArrowError::ComputeError(format!("nettx: the case_id column: {e}")))
}

/// The record batch of the evaluated rows of `frame` (case identifiers from
/// the frame). The columns' buffers move from `ev` into the batch (its
/// errors and cases stay).
pub(crate) fn to_batch(
    frame: &Frame,
    ev: &mut Evaluated,
    options: Options,
) -> Result<RecordBatch, ArrowError> {
    let n = ev.ok.len();
    let any_error = !ev.errors.is_empty();
    let valid = any_error.then(|| NullBuffer::new(BooleanBuffer::from(ev.ok.clone())));
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(16);

    let case_ids = match &frame.case_ids {
        Some(ids) => id_array(ids)?,
        None => StringArray::new_null(n),
    };
    columns.push(Arc::new(case_ids));
    columns.push(Arc::new(BooleanArray::new(
        BooleanBuffer::from(std::mem::take(&mut ev.in_scope)),
        valid.clone(),
    )));
    let disease = DictionaryArray::<Int8Type>::try_new(
        Int8Array::new(
            ScalarBuffer::from(std::mem::take(&mut ev.disease)),
            valid.clone(),
        ),
        vocabulary_array(&names::<DiseaseState>()),
    )?;
    columns.push(Arc::new(disease));
    for (column, part) in LIST_COLUMNS.iter().zip(std::mem::take(&mut ev.lists)) {
        let values = DictionaryArray::<Int8Type>::try_new(
            Int8Array::new(ScalarBuffer::from(part.keys), None),
            vocabulary_array(&column.vocabulary()),
        )?;
        columns.push(Arc::new(ListArray::try_new(
            list_item(),
            OffsetBuffer::new(ScalarBuffer::from(part.offsets)),
            Arc::new(values),
            valid.clone(),
        )?));
    }
    columns.push(Arc::new(BooleanArray::new(
        BooleanBuffer::from(std::mem::take(&mut ev.urgent)),
        valid.clone(),
    )));
    columns.push(Arc::new(string_array(
        std::mem::take(&mut ev.digest),
        valid.clone(),
    )?));
    if options.error_columns {
        let mut kinds = vec![-1i8; n];
        let mut fields: Vec<Option<&str>> = vec![None; n];
        let mut messages: Vec<Option<&str>> = vec![None; n];
        for (row, e) in &ev.errors {
            if let Some(k) = kinds.get_mut(*row) {
                *k = i8::try_from(e.kind().index()).unwrap_or(-1);
            }
            if let Some(f) = fields.get_mut(*row) {
                *f = e.field_name();
            }
            if let Some(m) = messages.get_mut(*row) {
                *m = Some(e.message());
            }
        }
        let failed = NullBuffer::new(BooleanBuffer::from_iter(ev.ok.iter().map(|ok| !ok)));
        columns.push(Arc::new(DictionaryArray::<Int8Type>::try_new(
            Int8Array::new(ScalarBuffer::from(kinds), Some(failed)),
            vocabulary_array(&names::<ErrorKind>()),
        )?));
        columns.push(Arc::new(StringArray::from(fields)));
        columns.push(Arc::new(StringArray::from(messages)));
    }
    if options.evaluation_json {
        columns.push(Arc::new(string_array(
            std::mem::take(&mut ev.json),
            valid.clone(),
        )?));
    }
    RecordBatch::try_new(schema(options), columns)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::frame::{Cell, Frame};
    use arrow_array::cast::AsArray;
    use arrow_array::Array;

    fn site_frame(sites: &[Option<nettx::Site>]) -> Frame {
        let mut frame = Frame::new(sites.len());
        frame.mark_present(Field::PrimarySite);
        for (i, s) in sites.iter().enumerate() {
            let cell = match s {
                Some(s) => Cell::Code(crate::frame::code_of(Some(*s))),
                None => Cell::Unknown,
            };
            frame.set_cell(i, Field::PrimarySite, cell);
        }
        frame
    }

    #[test]
    fn a_batch_holds_each_rows_evaluation() {
        let frame = site_frame(&[Some(nettx::Site::Ileum), None, Some(nettx::Site::Rectum)]);
        let options = Options {
            error_columns: true,
            evaluation_json: true,
            keep_cases: false,
        };
        let mut ev = evaluate(&frame, options);
        assert_eq!(ev.errors.len(), 1);
        assert_eq!(ev.errors.first().map(|e| e.0), Some(1));
        let batch = to_batch(&frame, &mut ev, options).expect("batch");
        assert_eq!(batch.num_rows(), 3);
        let json = batch
            .column_by_name("evaluation")
            .expect("evaluation")
            .as_string::<i32>();
        for (i, site) in ["ileum", "", "rectum"].iter().enumerate() {
            if site.is_empty() {
                assert!(json.is_null(i));
                continue;
            }
            let want =
                nettx::evaluate_json(&format!(r#"{{"primary_site":"{site}"}}"#)).expect("valid");
            assert_eq!(json.value(i), want);
        }
        let codes = batch
            .column_by_name("codes")
            .expect("codes")
            .as_list::<i32>();
        assert!(codes.is_null(1));
        assert!(!codes.is_null(0));
        let error = batch.column_by_name("error_field").expect("error_field");
        assert_eq!(error.as_string::<i32>().value(1), "primary_site");
        assert_eq!(
            batch
                .schema()
                .metadata()
                .get("nettx.guideline.digest")
                .map(String::as_str),
            Some(nettx::knowledge::guideline_digest())
        );
    }
}
