//! The cases of a table as compact rows ([`Frame`]): one [`Row`] of small
//! codes per case, built into a case by the core's builder, or, when the
//! core refuses a value, handed to the core as the dict the row stands for
//! ([`Frame::row_case`]), so that every row gets exactly the error of the
//! same case given as a dict.
//!
//! No value is judged here: a value of a vocabulary or yes/no field is read
//! by the core's reader of that field ([`Field::read`], in [`judge`]), once
//! per distinct value where the readers cache.

use crate::convert::{case_from_values, null};
use nettx::{
    Case, CaseBuilder, Code, Complication, Complications, EntryValue, Error, Field, FieldValue,
    Histology, Site, SsaResponse, Vocabulary, WarningCode,
};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

// A preferred or all-codes list is packed into a u64, 4 bits a code.
const _: () = assert!(Code::ALL.len() < 16);
const _: () = assert!(Field::ALL.len() <= 16);
const _: () = assert!(WarningCode::ALL.len() <= 16);
const _: () = assert!(Complication::ALL.len() <= 8);

/// Largest number of distinct strings remembered per column.
pub(crate) const MAX_CACHED_STRINGS: usize = 4096;

/// A fast hasher for small integer keys (packed code lists, addresses of
/// objects): the keys come from the engine or from memory, not from callers.
#[derive(Default)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// One case as read from the columns: a code per field, known or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// Per field (by index): 0 unknown, `k + 1` the k-th value of the
    /// field's vocabulary (for booleans: 1 false, 2 true).
    pub(crate) codes: [u8; Field::ALL.len()],
    /// Complications, bit `k` the k-th of [`Complication::ALL`].
    pub(crate) complications: u8,
    /// Whether the size was an integer (as it is shown back in a message).
    pub(crate) size_is_int: bool,
    /// Fields whose value the core will refuse (bit = field index); the value
    /// is in the bad-value table.
    pub(crate) bad: u16,
    /// `tumor_size_cm`; NaN when unknown.
    pub(crate) size: f64,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            codes: [0; Field::ALL.len()],
            complications: 0,
            size_is_int: false,
            bad: 0,
            size: f64::NAN,
        }
    }
}

pub(crate) fn code_of<T: Vocabulary>(v: Option<T>) -> u8 {
    v.map_or(0, |v| (v.index() + 1) as u8)
}

pub(crate) fn from_code<T: Vocabulary>(c: u8) -> Option<T> {
    usize::from(c)
        .checked_sub(1)
        .and_then(|i| T::ALL.get(i))
        .copied()
}

pub(crate) fn tri_code(b: Option<bool>) -> u8 {
    match b {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

pub(crate) fn from_tri(c: u8) -> Option<bool> {
    match c {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

pub(crate) fn complication_bits(set: Complications) -> u8 {
    set.iter().fold(0, |bits, c| bits | (1 << c.index()))
}

pub(crate) fn complication_set(bits: u8) -> Complications {
    Complication::ALL
        .iter()
        .copied()
        .filter(|c| bits & (1 << c.index()) != 0)
        .collect()
}

/// The code of a value the core's reader gave ([`Field::read`]): the
/// field's code (0 unknown), or the complication bits. `None` for
/// `case_id` and the size, which are not coded.
fn code_of_value(value: &FieldValue) -> Option<u8> {
    Some(match value {
        FieldValue::Site(site) => code_of(Some(*site)),
        FieldValue::Histology(h) => code_of(*h),
        FieldValue::SsaResponse(r) => code_of(*r),
        FieldValue::Flag(b) => tri_code(*b),
        FieldValue::Complications(set) => complication_bits(*set),
        FieldValue::CaseId(_) | FieldValue::Size(_) => return None,
    })
}

/// The bits of one item of a `complications` list, as the core reads it in
/// a list of its own; `None` when the core refuses it.
pub(crate) fn complication_item_bits(item: EntryValue) -> Option<u8> {
    match Field::Complications.read(EntryValue::List(vec![item])) {
        Ok(FieldValue::Complications(set)) => Some(complication_bits(set)),
        _ => None,
    }
}

/// The `case_id` of each row, kept in one buffer (no allocation per row).
#[derive(Debug, Default)]
pub(crate) struct CaseIds {
    text: String,
    /// Per row: where its id is in `text`, or `None`.
    spans: Vec<Option<(usize, usize)>>,
}

impl CaseIds {
    fn set(&mut self, i: usize, id: &str) {
        if let Some(span) = self.spans.get_mut(i) {
            let start = self.text.len();
            self.text.push_str(id);
            *span = Some((start, self.text.len()));
        }
    }

    /// Row `i`'s id, if it has one.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let (start, end) = (*self.spans.get(i)?)?;
        self.text.get(start..end)
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Every row's id, in row order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.spans.len()).map(|i| self.get(i))
    }
}

/// The columns of a DataFrame, read: one [`Row`] per case.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    /// The fields that have a column, in table order.
    pub(crate) present: Vec<Field>,
    pub(crate) rows: Vec<Row>,
    /// `case_id` per row, when there is such a column.
    pub(crate) case_ids: Option<CaseIds>,
    /// The values the core refuses, by (row, field index).
    pub(crate) bad: HashMap<(usize, u8), EntryValue>,
    /// The buffers of the ids of a frame [`Frame::reset`], for reuse.
    spare_ids: Option<CaseIds>,
}

impl Frame {
    /// An empty frame of `n` rows, every field unknown.
    pub(crate) fn new(n: usize) -> Self {
        Frame {
            present: Vec::new(),
            rows: vec![Row::default(); n],
            case_ids: None,
            bad: HashMap::new(),
            spare_ids: None,
        }
    }

    /// Makes this frame an empty frame of `n` rows, as [`Frame::new`] would,
    /// keeping its buffers (a reader of many batches reuses one frame).
    pub(crate) fn reset(&mut self, n: usize) {
        self.present.clear();
        self.rows.clear();
        self.rows.resize(n, Row::default());
        if let Some(mut ids) = self.case_ids.take() {
            ids.text.clear();
            ids.spans.clear();
            self.spare_ids = Some(ids);
        }
        self.bad.clear();
    }

    pub(crate) fn mark_present(&mut self, field: Field) {
        if !self.present.contains(&field) {
            self.present.push(field);
            self.present.sort_by_key(|f| f.index());
        }
        if field == Field::CaseId && self.case_ids.is_none() {
            let mut ids = self.spare_ids.take().unwrap_or_default();
            ids.spans.resize(self.rows.len(), None);
            self.case_ids = Some(ids);
        }
    }

    pub(crate) fn set_bad(&mut self, i: usize, field: Field, value: EntryValue) {
        if let Some(row) = self.rows.get_mut(i) {
            row.bad |= 1 << field.index();
            self.bad.insert((i, field.index() as u8), value);
        }
    }

    pub(crate) fn set_cell(&mut self, i: usize, field: Field, cell: Cell) {
        match cell {
            Cell::Unknown => {}
            Cell::Code(c) => {
                if let Some(row) = self.rows.get_mut(i) {
                    if field == Field::Complications {
                        row.complications = c;
                    } else if let Some(slot) = row.codes.get_mut(field.index()) {
                        *slot = c;
                    }
                }
            }
            Cell::Size(v, is_int) => {
                if let Some(row) = self.rows.get_mut(i) {
                    row.size = v;
                    row.size_is_int = is_int;
                }
            }
            Cell::Id(id) => self.set_id(i, &id),
            Cell::Bad(conv) => self.set_bad(i, field, conv),
        }
    }

    /// Sets row `i`'s `case_id` (a column of them must be marked present).
    pub(crate) fn set_id(&mut self, i: usize, id: &str) {
        if let Some(ids) = self.case_ids.as_mut() {
            ids.set(i, id);
        }
    }

    /// Row `i`'s `case_id`, if it has one.
    pub(crate) fn case_id(&self, i: usize) -> Option<&str> {
        self.case_ids.as_ref().and_then(|ids| ids.get(i))
    }

    /// The row's case through the fast typed path, or `None` when the core
    /// refuses it (its error then comes from [`Frame::row_case`]). Without
    /// `with_id` the case has no `case_id` (whose limit is still checked).
    pub(crate) fn fast_case(&self, i: usize, with_id: bool) -> Option<Case> {
        let row = self.rows.get(i)?;
        if row.bad != 0 {
            return None;
        }
        let c = |f: Field| row.codes.get(f.index()).copied().unwrap_or(0);
        let id = self.case_id(i);
        let case_id = match id {
            // Refused by the builder: the slow path gives its error.
            Some(id) if !with_id && id.len() > nettx::MAX_CASE_ID_BYTES => return None,
            Some(id) if with_id => Some(id.to_owned()),
            _ => None,
        };
        CaseBuilder::new()
            .case_id(case_id)
            .primary_site(from_code::<Site>(c(Field::PrimarySite)))
            .histology(from_code::<Histology>(c(Field::Histology)))
            .tumor_size_cm((!row.size.is_nan()).then_some(row.size))
            .local_spread(from_tri(c(Field::LocalSpread)))
            .metastatic(from_tri(c(Field::Metastatic)))
            .hepatic_metastases(from_tri(c(Field::HepaticMetastases)))
            .extrahepatic_metastases(from_tri(c(Field::ExtrahepaticMetastases)))
            .metastases_resectable(from_tri(c(Field::MetastasesResectable)))
            .carcinoid_syndrome(from_tri(c(Field::CarcinoidSyndrome)))
            .complications(complication_set(row.complications))
            .ssa_response(from_code::<SsaResponse>(c(Field::SsaResponse)))
            .build()
            .ok()
    }

    /// The row as the dict it stands for: its columns in table order, a
    /// missing value as `None`.
    pub(crate) fn row_entries(&self, i: usize) -> Vec<(&'static str, EntryValue)> {
        let row = self.rows.get(i).copied().unwrap_or_default();
        let mut entries = Vec::with_capacity(self.present.len());
        for &field in &self.present {
            let idx = field.index();
            let value = if row.bad & (1 << idx) != 0 {
                self.bad.get(&(i, idx as u8)).cloned().unwrap_or_else(null)
            } else {
                let code = row.codes.get(idx).copied().unwrap_or(0);
                let name = |s: Option<&'static str>| {
                    EntryValue::Json(s.map_or(Value::Null, |s| Value::String(s.to_owned())))
                };
                match field {
                    Field::CaseId => EntryValue::Json(
                        self.case_id(i)
                            .map_or(Value::Null, |id| Value::String(id.to_owned())),
                    ),
                    Field::PrimarySite => name(from_code::<Site>(code).map(Site::as_str)),
                    Field::Histology => name(from_code::<Histology>(code).map(Histology::as_str)),
                    Field::SsaResponse => {
                        name(from_code::<SsaResponse>(code).map(SsaResponse::as_str))
                    }
                    Field::TumorSizeCm => size_value(row.size, row.size_is_int),
                    Field::Complications => EntryValue::Json(Value::Array(
                        complication_set(row.complications)
                            .iter()
                            .map(|c| Value::String(c.as_str().to_owned()))
                            .collect(),
                    )),
                    _ => EntryValue::Json(from_tri(code).map_or(Value::Null, Value::Bool)),
                }
            };
            entries.push((field.as_str(), value));
        }
        entries
    }

    /// The row's case, or the error the same case gets as a dict.
    pub(crate) fn row_case(&self, i: usize) -> Result<Case, Error> {
        match self.fast_case(i, true) {
            Some(case) => Ok(case),
            None => case_from_values(&self.row_entries(i)),
        }
    }

    /// The row's case without its `case_id` (for outputs that take the id
    /// from the frame, and whose evaluation does not depend on it), or the
    /// error the same case gets as a dict.
    pub(crate) fn row_case_without_id(&self, i: usize) -> Result<Case, Error> {
        match self.fast_case(i, false) {
            Some(case) => Ok(case),
            None => case_from_values(&self.row_entries(i)),
        }
    }
}

/// Integers below this magnitude (2^53) are exact as doubles, and shown
/// back as integers.
pub(crate) const MAX_EXACT_INT: u64 = 1 << 53;

/// Whether a JSON number is a float, or an integer a double holds exactly
/// (and [`size_value`] shows back as that integer).
pub(crate) fn exact_as_double(n: &serde_json::Number) -> bool {
    if let Some(i) = n.as_i64() {
        i.unsigned_abs() < MAX_EXACT_INT
    } else if let Some(u) = n.as_u64() {
        u < MAX_EXACT_INT
    } else {
        true
    }
}

/// A size as the dict would hold it: unknown (NaN) as `None`, an integer as
/// an integer, any other (infinity too) as the float it is.
pub(crate) fn size_value(size: f64, is_int: bool) -> EntryValue {
    if size.is_nan() {
        return null();
    }
    if is_int && size.fract() == 0.0 && size.abs() < MAX_EXACT_INT as f64 {
        return EntryValue::Json(Value::Number((size as i64).into()));
    }
    EntryValue::Float(size)
}

/// One value of a column, read.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Unknown,
    /// A field code, or the complication bits.
    Code(u8),
    Size(f64, bool),
    Id(String),
    Bad(EntryValue),
}

/// What the core makes of one value of `field`, as a cell: known, unknown,
/// or a value it refuses (kept for the error of the row).
///
/// Vocabulary, yes/no and list fields are read by the core's reader of the
/// field ([`Field::read`]). `case_id` and the size are only sorted by type
/// here, without a copy: their limits are checked per row by the builder
/// ([`Frame::fast_case`]), and a row it refuses is given to the core as the
/// dict it stands for, which reads them with the same reader.
/// What [`judge`] gives for a wire name of a choice field (site,
/// histology, SSA response), found without building a value; `None` for any
/// other field or text (judge it).
#[inline]
pub(crate) fn choice_cell(field: Field, text: &str) -> Option<Cell> {
    match code_of_value(&field.read_wire_name(text)?)? {
        0 => Some(Cell::Unknown),
        code => Some(Cell::Code(code)),
    }
}

pub(crate) fn judge(field: Field, conv: EntryValue) -> Cell {
    match field {
        Field::CaseId => match conv {
            EntryValue::Json(Value::String(s)) => Cell::Id(s),
            EntryValue::Json(Value::Null) => Cell::Unknown,
            other => Cell::Bad(other),
        },
        Field::TumorSizeCm => match &conv {
            EntryValue::Json(Value::Null) => Cell::Unknown,
            // An integer a double cannot hold exactly keeps its value,
            // to be shown as the dict would show it.
            EntryValue::Json(Value::Number(n)) if !exact_as_double(n) => Cell::Bad(conv),
            EntryValue::Json(Value::Number(n)) => match n.as_f64() {
                Some(v) => Cell::Size(v, n.is_i64() || n.is_u64()),
                None => Cell::Bad(conv),
            },
            // A NaN here is a value given, not a missing one.
            EntryValue::Float(v) if v.is_finite() => Cell::Size(*v, false),
            _ => Cell::Bad(conv),
        },
        // The value is kept for the row's error when the core refuses it.
        field => match field
            .read(conv.clone())
            .ok()
            .as_ref()
            .and_then(code_of_value)
        {
            Some(0) if field != Field::Complications => Cell::Unknown,
            Some(code) => Cell::Code(code),
            None => Cell::Bad(conv),
        },
    }
}

/// Checks the column names of a table as the keys of a case would be checked
/// (unknown names, unless `ignore_extra_columns`; a name twice; no
/// `primary_site`), with the core's errors, and returns `(position, field)`
/// for each case column, in field order.
pub(crate) fn plan_columns(
    names: impl IntoIterator<Item = String>,
    ignore_extra_columns: bool,
) -> Result<Vec<(usize, Field)>, Error> {
    let mut entries: Vec<(String, EntryValue)> = Vec::new();
    let mut plan: Vec<(usize, Field)> = Vec::new();
    for (pos, name) in names.into_iter().enumerate() {
        let field = Field::from_name(&name);
        if field.is_none() && ignore_extra_columns {
            continue;
        }
        // Only the names are checked here: a valid site stands in for the
        // values of `primary_site`, null for every other column.
        let value = if field == Some(Field::PrimarySite) {
            EntryValue::Json(Value::String(Site::Ileum.as_str().to_owned()))
        } else {
            null()
        };
        entries.push((name, value));
        if let Some(field) = field {
            plan.push((pos, field));
        }
    }
    case_from_values(&entries)?;
    plan.sort_by_key(|(_, f)| f.index());
    Ok(plan)
}
