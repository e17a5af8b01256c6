//! Arrow columns into the rows of a [`Frame`].
//!
//! Each value is given to the core as the JSON value it stands for (a string,
//! a boolean, a number, a list; null for null), through the same
//! [`judge`](crate::frame::judge) as a pandas column or a dict, so that a
//! value gets the same acceptance, error and message whatever it came in. The
//! common types are read without that detour: booleans of a boolean field,
//! float sizes, and strings and dictionary values, which are judged
//! once per distinct value. A type that has no JSON counterpart (a date, a
//! struct, bytes) is refused by the core at its first non-null value, with
//! the column and the row in the error.

use crate::frame::{choice_cell, complication_item_bits, judge, Cell, Frame, MAX_CACHED_STRINGS};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayAccessor, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use nettx::{EntryValue, Field, FieldKind};
use serde_json::{Number, Value};
use std::collections::HashMap;

/// What one column's distinct strings were judged as, kept across batches.
#[derive(Debug, Default)]
pub(crate) struct ColumnCache {
    by_text: HashMap<String, Cell>,
    /// For complications: each item's bits, or `None` when the core refuses
    /// the item alone.
    items: HashMap<String, Option<u8>>,
}

impl ColumnCache {
    fn text_cell(&mut self, field: Field, text: &str) -> Cell {
        // Most texts are wire names: known without hashing.
        if let Some(cell) = choice_cell(field, text) {
            return cell;
        }
        if let Some(cell) = self.by_text.get(text) {
            return cell.clone();
        }
        let cell = judge(field, EntryValue::Json(Value::String(text.to_owned())));
        if self.by_text.len() < MAX_CACHED_STRINGS {
            self.by_text.insert(text.to_owned(), cell.clone());
        }
        cell
    }

    fn item_bits(&mut self, text: &str) -> Option<u8> {
        if let Some(bits) = self.items.get(text) {
            return *bits;
        }
        let bits = complication_item_bits(EntryValue::Json(Value::String(text.to_owned())));
        if self.items.len() < MAX_CACHED_STRINGS {
            self.items.insert(text.to_owned(), bits);
        }
        bits
    }
}

/// The JSON value an Arrow value stands for: null, a boolean, a number (a
/// float as [`EntryValue::Float`], so that NaN and infinity reach the core as
/// they are), a string, or a list of these. Any other type is opaque, shown
/// by its type.
pub(crate) fn entry_value(array: &dyn Array, i: usize) -> EntryValue {
    if array.is_null(i) {
        return EntryValue::Json(Value::Null);
    }
    let json = |v: Value| EntryValue::Json(v);
    macro_rules! int {
        ($t:ty) => {
            json(Value::Number(Number::from(
                array.as_primitive::<$t>().value(i),
            )))
        };
    }
    match array.data_type() {
        DataType::Boolean => json(Value::Bool(array.as_boolean().value(i))),
        DataType::Int8 => int!(Int8Type),
        DataType::Int16 => int!(Int16Type),
        DataType::Int32 => int!(Int32Type),
        DataType::Int64 => int!(Int64Type),
        DataType::UInt8 => int!(UInt8Type),
        DataType::UInt16 => int!(UInt16Type),
        DataType::UInt32 => int!(UInt32Type),
        DataType::UInt64 => int!(UInt64Type),
        DataType::Float16 => {
            EntryValue::Float(f64::from(array.as_primitive::<Float16Type>().value(i)))
        }
        DataType::Float32 => {
            EntryValue::Float(f64::from(array.as_primitive::<Float32Type>().value(i)))
        }
        DataType::Float64 => EntryValue::Float(array.as_primitive::<Float64Type>().value(i)),
        DataType::Decimal128(_, scale) => {
            let v = array.as_primitive::<Decimal128Type>().value(i);
            EntryValue::Float(v as f64 / 10f64.powi(i32::from(*scale)))
        }
        DataType::Utf8 => json(Value::String(array.as_string::<i32>().value(i).to_owned())),
        DataType::LargeUtf8 => json(Value::String(array.as_string::<i64>().value(i).to_owned())),
        DataType::Utf8View => json(Value::String(array.as_string_view().value(i).to_owned())),
        DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
            Some(dict) => {
                let key = dict.normalized_keys().get(i).copied();
                match key {
                    Some(k) if k < dict.values().len() => entry_value(dict.values().as_ref(), k),
                    _ => EntryValue::Json(Value::Null),
                }
            }
            None => opaque(array.data_type()),
        },
        DataType::List(_) => list_value(&array.as_list::<i32>().value(i)),
        DataType::LargeList(_) => list_value(&array.as_list::<i64>().value(i)),
        DataType::FixedSizeList(_, _) => list_value(&array.as_fixed_size_list().value(i)),
        other => opaque(other),
    }
}

fn list_value(items: &ArrayRef) -> EntryValue {
    EntryValue::List(
        (0..items.len())
            .map(|j| entry_value(items.as_ref(), j))
            .collect(),
    )
}

fn opaque(t: &DataType) -> EntryValue {
    EntryValue::Opaque(format!("a value of Arrow type {t}"))
}

/// Reads one column of `batch` (the values of `field`) into `frame`, whose
/// rows are the batch's.
pub(crate) fn read_column(
    frame: &mut Frame,
    field: Field,
    array: &ArrayRef,
    cache: &mut ColumnCache,
) {
    frame.mark_present(field);
    let n = array.len();
    match array.data_type() {
        DataType::Null => {}
        DataType::Boolean if field.kind() == FieldKind::Bool => {
            let values = array.as_boolean();
            // Straight into each row's code (1 false, 2 true; null stays 0).
            let idx = field.index();
            for (i, row) in frame.rows.iter_mut().enumerate().take(n) {
                if values.is_valid(i) {
                    if let Some(slot) = row.codes.get_mut(idx) {
                        *slot = if values.value(i) { 2 } else { 1 };
                    }
                }
            }
        }
        DataType::Float64 if field == Field::TumorSizeCm => {
            read_sizes(frame, array.as_primitive::<Float64Type>().iter())
        }
        DataType::Float32 if field == Field::TumorSizeCm => read_sizes(
            frame,
            array
                .as_primitive::<Float32Type>()
                .iter()
                .map(|v| v.map(f64::from)),
        ),
        DataType::Utf8 => read_strings(frame, field, array.as_string::<i32>(), cache),
        DataType::LargeUtf8 => read_strings(frame, field, array.as_string::<i64>(), cache),
        DataType::Utf8View => read_strings(frame, field, array.as_string_view(), cache),
        DataType::Dictionary(_, _) if field != Field::CaseId => {
            let Some(dict) = array.as_any_dictionary_opt() else {
                return read_values(frame, field, array.as_ref());
            };
            // Each dictionary value is judged once.
            let values = dict.values();
            let cells: Vec<Cell> = (0..values.len())
                .map(|k| match string_at(values.as_ref(), k) {
                    Some(text) => cache.text_cell(field, text),
                    None => judge(field, entry_value(values.as_ref(), k)),
                })
                .collect();
            let keys = dict.normalized_keys();
            for (i, k) in keys.iter().enumerate() {
                if array.is_null(i) {
                    continue;
                }
                let cell = cells.get(*k).cloned().unwrap_or(Cell::Unknown);
                frame.set_cell(i, field, cell);
            }
        }
        DataType::List(_) | DataType::LargeList(_) if field == Field::Complications => {
            read_complications(frame, array, cache);
        }
        _ => read_values(frame, field, array.as_ref()),
    }
}

/// A string column (utf8, large_utf8 or utf8_view): a wire name of a
/// choice field straight into the row's code, any other text judged once
/// through the column's cache, `case_id` kept as it is.
fn read_strings<'a, A>(frame: &mut Frame, field: Field, array: A, cache: &mut ColumnCache)
where
    A: ArrayAccessor<Item = &'a str>,
{
    let idx = field.index();
    for i in 0..array.len() {
        if array.is_null(i) {
            continue;
        }
        let text = array.value(i);
        if field == Field::CaseId {
            // Its limit is checked when the row's case is built.
            frame.set_id(i, text);
            continue;
        }
        let cell = match choice_cell(field, text) {
            Some(Cell::Code(code)) => {
                if let Some(slot) = frame.rows.get_mut(i).and_then(|r| r.codes.get_mut(idx)) {
                    *slot = code;
                }
                continue;
            }
            Some(Cell::Unknown) => continue,
            _ => cache.text_cell(field, text),
        };
        frame.set_cell(i, field, cell);
    }
}

/// A float column of sizes: a finite value straight into its row, any
/// other (NaN, infinity) judged as [`read_values`] would judge it, for the
/// same error.
fn read_sizes(frame: &mut Frame, values: impl Iterator<Item = Option<f64>>) {
    for (i, value) in values.enumerate() {
        match value {
            None => {}
            Some(v) if v.is_finite() => frame.set_cell(i, Field::TumorSizeCm, Cell::Size(v, false)),
            Some(v) => {
                let cell = judge(Field::TumorSizeCm, EntryValue::Float(v));
                frame.set_cell(i, Field::TumorSizeCm, cell);
            }
        }
    }
}

/// The text of a string value (of any string type), if it is one.
fn string_at(array: &dyn Array, i: usize) -> Option<&str> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(i)),
        DataType::Utf8View => Some(array.as_string_view().value(i)),
        _ => None,
    }
}

/// Any column, value by value, through the core.
fn read_values(frame: &mut Frame, field: Field, array: &dyn Array) {
    for i in 0..array.len() {
        if array.is_null(i) {
            continue;
        }
        let cell = judge(field, entry_value(array, i));
        frame.set_cell(i, field, cell);
    }
}

/// A list column of complications: the bits of each row's items, each
/// distinct item judged once; a row with an item the core refuses alone is
/// given to the core whole, for its error.
fn read_complications(frame: &mut Frame, array: &ArrayRef, cache: &mut ColumnCache) {
    let (items, offsets): (ArrayRef, Vec<usize>) = match array.data_type() {
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let offsets = list
                .value_offsets()
                .iter()
                .map(|o| usize::try_from(*o).unwrap_or(0))
                .collect();
            (list.values().clone(), offsets)
        }
        _ => {
            let list = array.as_list::<i64>();
            let offsets = list
                .value_offsets()
                .iter()
                .map(|o| usize::try_from(*o).unwrap_or(0))
                .collect();
            (list.values().clone(), offsets)
        }
    };
    // Only this slice's items: a slice of a long list column shares the
    // whole column's items, which must not be read once per slice.
    let lo = offsets.first().copied().unwrap_or(0);
    let hi = offsets.last().copied().unwrap_or(lo).max(lo);
    let (items, offsets) = if hi <= items.len() {
        let offsets: Vec<usize> = offsets.iter().map(|o| o.saturating_sub(lo)).collect();
        (items.slice(lo, hi - lo), offsets)
    } else {
        (items, offsets)
    };
    // Bits of each item: `None` when not a string the core takes alone.
    let item_bits: Vec<Option<u8>> = match items.as_any_dictionary_opt() {
        Some(dict) => {
            let values = dict.values();
            let per_value: Vec<Option<u8>> = (0..values.len())
                .map(|k| string_at(values.as_ref(), k).and_then(|t| cache.item_bits(t)))
                .collect();
            let keys = dict.normalized_keys();
            (0..items.len())
                .map(|j| {
                    if items.is_null(j) {
                        return None;
                    }
                    keys.get(j)
                        .and_then(|k| per_value.get(*k).copied().flatten())
                })
                .collect()
        }
        None => (0..items.len())
            .map(|j| string_at(items.as_ref(), j).and_then(|t| cache.item_bits(t)))
            .collect(),
    };
    for i in 0..array.len() {
        if array.is_null(i) {
            continue;
        }
        let (Some(&start), Some(&end)) = (offsets.get(i), offsets.get(i + 1)) else {
            continue;
        };
        let mut bits = 0u8;
        let mut good = true;
        for j in start..end {
            match item_bits.get(j).copied().flatten() {
                Some(b) => bits |= b,
                None => {
                    good = false;
                    break;
                }
            }
        }
        let cell = if good {
            Cell::Code(bits)
        } else {
            let value = EntryValue::List(
                (start..end)
                    .map(|j| entry_value(items.as_ref(), j))
                    .collect(),
            );
            judge(Field::Complications, value)
        };
        frame.set_cell(i, Field::Complications, cell);
    }
}

/// The rows of a batch: every planned column read into `frame`, which is
/// reset first (its buffers are reused).
pub(crate) fn read_batch(
    frame: &mut Frame,
    batch: &RecordBatch,
    plan: &[(usize, Field)],
    caches: &mut [ColumnCache],
) {
    frame.reset(batch.num_rows());
    for ((position, field), cache) in plan.iter().zip(caches.iter_mut()) {
        if let Some(array) = batch.columns().get(*position) {
            read_column(frame, *field, array, cache);
        }
    }
}
