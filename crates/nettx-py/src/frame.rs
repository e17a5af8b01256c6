//! Column-wise evaluation of a DataFrame (the native half of
//! `nettx.evaluate_frame`).
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
//! No value is judged here: a vocabulary value is read by asking the core
//! about it once ([`probe`]), and a row the fast path cannot build is handed
//! to the core as the dict it stands for ([`row_entries`]), so that every row
//! gets exactly the error (kind, field, message) the same case gets as a dict,
//! and in the same order.

use crate::batch::par_ranges;
use crate::convert::{case_from_values, key_text, null, to_entry_value};
use crate::errors::invalid_case;
use crate::objects::PyEvaluation;
use crate::vocab::member;
use nettx::{
    Case, CaseBuilder, Code, Complication, Complications, DiseaseState, EntryValue, Error,
    ErrorKind, Field, Histology, Site, SsaResponse, Vocabulary, WarningCode,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

// A preferred or all-codes list is packed into a u64, 4 bits a code.
const _: () = assert!(Code::ALL.len() < 16);
const _: () = assert!(Field::ALL.len() <= 16);
const _: () = assert!(WarningCode::ALL.len() <= 16);
const _: () = assert!(Complication::ALL.len() <= 8);

/// Largest number of distinct strings remembered per column.
const MAX_CACHED_STRINGS: usize = 4096;

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

type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// One case as read from the columns: a code per field, known or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// Per field (by index): 0 unknown, `k + 1` the k-th value of the
    /// field's vocabulary (for booleans: 1 false, 2 true).
    codes: [u8; 12],
    /// Complications, bit `k` the k-th of [`Complication::ALL`].
    complications: u8,
    /// Whether the size was an integer (as it is shown back in a message).
    size_is_int: bool,
    /// Fields whose value the core will refuse (bit = field index); the value
    /// is in the bad-value table.
    bad: u16,
    /// `tumor_size_cm`; NaN when unknown.
    size: f64,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            codes: [0; 12],
            complications: 0,
            size_is_int: false,
            bad: 0,
            size: f64::NAN,
        }
    }
}

fn code_of<T: Vocabulary>(v: Option<T>) -> u8 {
    v.map_or(0, |v| (v.index() + 1) as u8)
}

fn from_code<T: Vocabulary>(c: u8) -> Option<T> {
    usize::from(c)
        .checked_sub(1)
        .and_then(|i| T::ALL.get(i))
        .copied()
}

fn tri_code(b: Option<bool>) -> u8 {
    match b {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

fn from_tri(c: u8) -> Option<bool> {
    match c {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

fn complication_bits(set: Complications) -> u8 {
    set.iter().fold(0, |bits, c| bits | (1 << c.index()))
}

fn complication_set(bits: u8) -> Complications {
    Complication::ALL
        .iter()
        .copied()
        .filter(|c| bits & (1 << c.index()) != 0)
        .collect()
}

fn is_bool_field(f: Field) -> bool {
    matches!(
        f,
        Field::LocalSpread
            | Field::Metastatic
            | Field::HepaticMetastases
            | Field::ExtrahepaticMetastases
            | Field::MetastasesResectable
            | Field::CarcinoidSyndrome
    )
}

/// What the core makes of one value of a field, read from the case it
/// builds: the field's code (or complication bits), or `None` when it refuses
/// the value. Sizes and identifiers are not probed (they are checked per row).
pub(crate) fn probe(field: Field, value: &EntryValue) -> Option<u8> {
    let mut entries: Vec<(&str, EntryValue)> = vec![(field.as_str(), value.clone())];
    if field != Field::PrimarySite {
        entries.push((
            Field::PrimarySite.as_str(),
            EntryValue::Json(Value::String(Site::Ileum.as_str().to_owned())),
        ));
    }
    let case = case_from_values(&entries).ok()?;
    Some(match field {
        Field::PrimarySite => code_of(Some(case.primary_site())),
        Field::Histology => code_of::<Histology>(case.histology()),
        Field::SsaResponse => code_of::<SsaResponse>(case.ssa_response()),
        Field::LocalSpread => tri_code(case.local_spread()),
        Field::Metastatic => tri_code(case.metastatic()),
        Field::HepaticMetastases => tri_code(case.hepatic_metastases()),
        Field::ExtrahepaticMetastases => tri_code(case.extrahepatic_metastases()),
        Field::MetastasesResectable => tri_code(case.metastases_resectable()),
        Field::CarcinoidSyndrome => tri_code(case.carcinoid_syndrome()),
        Field::Complications => complication_bits(case.complications()),
        Field::CaseId | Field::TumorSizeCm => return None,
    })
}

/// The columns of a DataFrame, read: one [`Row`] per case.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    /// The fields that have a column, in table order.
    present: Vec<Field>,
    rows: Vec<Row>,
    /// `case_id` per row, when there is such a column.
    case_ids: Option<Vec<Option<String>>>,
    /// The values the core refuses, by (row, field index).
    bad: HashMap<(usize, u8), EntryValue>,
}

impl Frame {
    /// An empty frame of `n` rows, every field unknown.
    pub(crate) fn new(n: usize) -> Self {
        Frame {
            present: Vec::new(),
            rows: vec![Row::default(); n],
            case_ids: None,
            bad: HashMap::new(),
        }
    }

    fn mark_present(&mut self, field: Field) {
        if !self.present.contains(&field) {
            self.present.push(field);
            self.present.sort_by_key(|f| f.index());
        }
        if field == Field::CaseId && self.case_ids.is_none() {
            self.case_ids = Some(vec![None; self.rows.len()]);
        }
    }

    fn set_bad(&mut self, i: usize, field: Field, value: EntryValue) {
        if let Some(row) = self.rows.get_mut(i) {
            row.bad |= 1 << field.index();
            self.bad.insert((i, field.index() as u8), value);
        }
    }

    fn set_cell(&mut self, i: usize, field: Field, cell: Cell) {
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
            Cell::Id(id) => {
                if let Some(slot) = self.case_ids.as_mut().and_then(|ids| ids.get_mut(i)) {
                    *slot = Some(id);
                }
            }
            Cell::Bad(conv) => self.set_bad(i, field, conv),
        }
    }

    /// The row's case through the fast typed path, or `None` when the core
    /// refuses it (its error then comes from [`Frame::row_case`]).
    fn fast_case(&self, i: usize) -> Option<Case> {
        let row = self.rows.get(i)?;
        if row.bad != 0 {
            return None;
        }
        let c = |f: Field| row.codes.get(f.index()).copied().unwrap_or(0);
        let case_id = self
            .case_ids
            .as_ref()
            .and_then(|ids| ids.get(i).cloned().flatten());
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
    fn row_entries(&self, i: usize) -> Vec<(&'static str, EntryValue)> {
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
                        self.case_ids
                            .as_ref()
                            .and_then(|ids| ids.get(i).cloned().flatten())
                            .map_or(Value::Null, Value::String),
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
        match self.fast_case(i) {
            Some(case) => Ok(case),
            None => case_from_values(&self.row_entries(i)),
        }
    }
}

/// Integers below this magnitude (2^53) are exact as doubles, and shown
/// back as integers.
const MAX_EXACT_INT: u64 = 1 << 53;

/// Whether a JSON number is a float, or an integer a double holds exactly
/// (and [`size_value`] shows back as that integer).
fn exact_as_double(n: &serde_json::Number) -> bool {
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
fn size_value(size: f64, is_int: bool) -> EntryValue {
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
enum Cell {
    Unknown,
    /// A field code, or the complication bits.
    Code(u8),
    Size(f64, bool),
    Id(String),
    Bad(EntryValue),
}

/// What one evaluated row contributes to the result columns.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RowOut {
    /// Preferred codes in output order, 4 bits each (code index + 1).
    preferred: u64,
    /// All codes in output order, packed likewise.
    codes: u64,
    /// Missing fields, bit = field index.
    missing: u16,
    /// Warnings, bit = warning index.
    warnings: u16,
    disease: u8,
    flags: u8,
}

const OK: u8 = 1;
const IN_SCOPE: u8 = 2;
const URGENT: u8 = 4;

fn pack(codes: impl Iterator<Item = Code>) -> u64 {
    codes.fold(0, |key, c| (key << 4) | (c.index() as u64 + 1))
}

/// The codes of a packed list, in order.
pub(crate) fn unpack(mut key: u64) -> Vec<Code> {
    let mut out = Vec::new();
    while key != 0 {
        if let Some(c) = usize::try_from(key & 0xF)
            .ok()
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| Code::ALL.get(k))
        {
            out.push(*c);
        }
        key >>= 4;
    }
    out.reverse();
    out
}

/// The evaluated frame: one [`RowOut`] per row, the errors by row, and the
/// cases when kept.
pub(crate) struct Evaluated {
    pub(crate) outs: Vec<RowOut>,
    pub(crate) errors: Vec<(usize, Error)>,
    pub(crate) cases: Vec<Option<Case>>,
}

/// Builds, evaluates and summarises every row, on all cores.
pub(crate) fn evaluate_rows(frame: &Frame, keep_cases: bool) -> Evaluated {
    let n = frame.rows.len();
    let parts = par_ranges(n, |range| {
        let mut outs = Vec::with_capacity(range.len());
        let mut errors = Vec::new();
        let mut cases = Vec::with_capacity(if keep_cases { range.len() } else { 0 });
        for i in range {
            match frame.row_case(i) {
                Ok(case) => {
                    let ev = nettx::evaluate(&case);
                    let mut flags = OK;
                    if ev.in_scope() {
                        flags |= IN_SCOPE;
                    }
                    if ev.is_urgent() {
                        flags |= URGENT;
                    }
                    outs.push(RowOut {
                        preferred: pack(ev.preferred().map(|r| r.code())),
                        codes: pack(ev.recommendations().iter().map(|r| r.code())),
                        missing: ev
                            .missing()
                            .fold(0, |bits, m| bits | (1 << m.field().index())),
                        warnings: ev.warnings().fold(0, |bits, w| bits | (1 << w.index())),
                        disease: ev.disease_state().index() as u8,
                        flags,
                    });
                    if keep_cases {
                        cases.push(Some(case));
                    }
                }
                Err(e) => {
                    outs.push(RowOut::default());
                    errors.push((i, e));
                    if keep_cases {
                        cases.push(None);
                    }
                }
            }
        }
        (outs, errors, cases)
    });
    let mut all = Evaluated {
        outs: Vec::with_capacity(n),
        errors: Vec::new(),
        cases: Vec::with_capacity(if keep_cases { n } else { 0 }),
    };
    for (outs, errors, cases) in parts {
        all.outs.extend(outs);
        all.errors.extend(errors);
        all.cases.extend(cases);
    }
    all
}

/// Distinct values in order of first appearance, and each row's index into
/// them (-1 for none).
struct Dictionary<K> {
    index: IntMap<K, i32>,
    values: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Copy> Dictionary<K> {
    fn new() -> Self {
        Dictionary {
            index: IntMap::default(),
            values: Vec::new(),
        }
    }
    fn code(&mut self, key: K) -> i32 {
        if let Some(&c) = self.index.get(&key) {
            return c;
        }
        let c = i32::try_from(self.values.len()).unwrap_or(i32::MAX);
        self.values.push(key);
        self.index.insert(key, c);
        c
    }
}

fn join_codes(key: u64) -> String {
    let names: Vec<&str> = unpack(key).into_iter().map(Code::as_str).collect();
    names.join(";")
}

fn join_bits<T: Vocabulary>(bits: u16) -> String {
    let names: Vec<&str> = T::ALL
        .iter()
        .filter(|v| bits & (1 << v.index()) != 0)
        .map(|v| v.as_str())
        .collect();
    names.join(";")
}

fn bytes_of<T: Copy, const N: usize>(values: &[T], to_bytes: fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * N);
    for v in values {
        out.extend_from_slice(&to_bytes(*v));
    }
    out
}

/// The result columns, as packed arrays and lists of categories.
pub(crate) struct Columns {
    pub(crate) ok: Vec<u8>,
    pub(crate) in_scope: Vec<u8>,
    pub(crate) urgent: Vec<u8>,
    pub(crate) disease: Vec<i8>,
    pub(crate) preferred: (Vec<i32>, Vec<String>),
    pub(crate) codes: (Vec<i32>, Vec<String>),
    pub(crate) missing: (Vec<i32>, Vec<String>),
    pub(crate) warnings: (Vec<i32>, Vec<String>),
    pub(crate) error_message: (Vec<i32>, Vec<String>),
    pub(crate) error_kind: Vec<i8>,
    pub(crate) error_field: (Vec<i32>, Vec<String>),
}

/// Summarises the evaluated rows as result columns.
pub(crate) fn summarise(ev: &Evaluated) -> Columns {
    let n = ev.outs.len();
    let mut preferred = Dictionary::new();
    let mut codes = Dictionary::new();
    let mut missing = Dictionary::new();
    let mut warnings = Dictionary::new();
    let mut c = Columns {
        ok: Vec::with_capacity(n),
        in_scope: Vec::with_capacity(n),
        urgent: Vec::with_capacity(n),
        disease: Vec::with_capacity(n),
        preferred: (Vec::with_capacity(n), Vec::new()),
        codes: (Vec::with_capacity(n), Vec::new()),
        missing: (Vec::with_capacity(n), Vec::new()),
        warnings: (Vec::with_capacity(n), Vec::new()),
        error_message: (vec![-1; n], Vec::new()),
        error_kind: vec![-1; n],
        error_field: (vec![-1; n], Vec::new()),
    };
    for out in &ev.outs {
        let ok = out.flags & OK != 0;
        c.ok.push(u8::from(ok));
        c.in_scope.push(u8::from(out.flags & IN_SCOPE != 0));
        c.urgent.push(u8::from(out.flags & URGENT != 0));
        if ok {
            c.disease.push(out.disease as i8);
            c.preferred.0.push(preferred.code(out.preferred));
            c.codes.0.push(codes.code(out.codes));
            c.missing.0.push(missing.code(out.missing));
            c.warnings.0.push(warnings.code(out.warnings));
        } else {
            c.disease.push(-1);
            c.preferred.0.push(-1);
            c.codes.0.push(-1);
            c.missing.0.push(-1);
            c.warnings.0.push(-1);
        }
    }
    c.preferred.1 = preferred.values.iter().map(|k| join_codes(*k)).collect();
    c.codes.1 = codes.values.iter().map(|k| join_codes(*k)).collect();
    c.missing.1 = missing
        .values
        .iter()
        .map(|k| join_bits::<Field>(*k))
        .collect();
    c.warnings.1 = warnings
        .values
        .iter()
        .map(|k| join_bits::<WarningCode>(*k))
        .collect();

    let mut messages: HashMap<&str, i32> = HashMap::new();
    let mut fields: HashMap<&str, i32> = HashMap::new();
    for (row, e) in &ev.errors {
        let next = i32::try_from(messages.len()).unwrap_or(i32::MAX);
        let m = *messages.entry(e.message()).or_insert_with(|| {
            c.error_message.1.push(e.message().to_owned());
            next
        });
        if let Some(slot) = c.error_message.0.get_mut(*row) {
            *slot = m;
        }
        if let Some(slot) = c.error_kind.get_mut(*row) {
            *slot = e.kind().index() as i8;
        }
        if let Some(field) = e.field_name() {
            let next = i32::try_from(fields.len()).unwrap_or(i32::MAX);
            let f = *fields.entry(field).or_insert_with(|| {
                c.error_field.1.push(field.to_owned());
                next
            });
            if let Some(slot) = c.error_field.0.get_mut(*row) {
                *slot = f;
            }
        }
    }
    c
}

// ---------------------------------------------------------------------------
// Reading the columns (with the interpreter attached).

/// How pandas marks a missing value: None, a float NaN, its sentinels
/// (`pd.NA`, `pd.NaT`) and, for any other object, its `isna`.
#[derive(Clone, Default)]
struct MissingValues<'py> {
    sentinels: Vec<Bound<'py, PyAny>>,
    isna: Option<Bound<'py, PyAny>>,
}

/// Reads the values of one field from Python objects, remembering what each
/// distinct string was read as.
struct Reader<'py> {
    field: Field,
    missing: MissingValues<'py>,
    /// Strings already read, by address. Each entry holds the string, so
    /// that its address cannot be reused by another object while cached:
    /// Python code run during the read (`isna`, a `__repr__`, another
    /// thread) may drop the last other reference to it (an item of a
    /// caller's list, say).
    by_address: IntMap<usize, (Bound<'py, PyAny>, Cell)>,
    by_text: HashMap<String, Cell>,
}

impl<'py> Reader<'py> {
    fn new(field: Field, missing: MissingValues<'py>) -> Self {
        Reader {
            field,
            missing,
            by_address: IntMap::default(),
            by_text: HashMap::new(),
        }
    }

    /// Whether `obj` is None, a float NaN, or one of pandas' sentinels (the
    /// cheap checks, made for every value).
    fn is_missing(&self, obj: &Bound<'py, PyAny>) -> bool {
        if obj.is_none() {
            return true;
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return f.value().is_nan();
        }
        self.missing.sentinels.iter().any(|m| obj.is(m))
    }

    /// What the core makes of a value that is not one of the common cases
    /// (after asking pandas whether it is a missing value of another kind,
    /// such as a numpy NaN or NaT).
    fn generic(&self, obj: &Bound<'py, PyAny>) -> PyResult<Cell> {
        if let Some(isna) = &self.missing.isna {
            let answer = isna.call1((obj,))?;
            if answer
                .cast::<pyo3::types::PyBool>()
                .is_ok_and(|b| b.is_true())
            {
                return Ok(Cell::Unknown);
            }
        }
        let conv = to_entry_value(obj, false)?;
        Ok(self.judge(conv))
    }

    fn judge(&self, conv: EntryValue) -> Cell {
        match self.field {
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
            field => match probe(field, &conv) {
                Some(0) if field != Field::Complications => Cell::Unknown,
                Some(code) => Cell::Code(code),
                None => Cell::Bad(conv),
            },
        }
    }

    /// Reads one value.
    fn read(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Cell> {
        if self.is_missing(obj) {
            return Ok(Cell::Unknown);
        }
        match self.field {
            Field::TumorSizeCm => {
                if let Ok(f) = obj.cast::<PyFloat>() {
                    return Ok(Cell::Size(f.value(), false));
                }
                if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<pyo3::types::PyBool>() {
                    if let Ok(i) = obj.extract::<i64>() {
                        if i.unsigned_abs() < MAX_EXACT_INT {
                            return Ok(Cell::Size(i as f64, true));
                        }
                    }
                }
                self.generic(obj)
            }
            f if is_bool_field(f) => {
                if let Ok(b) = obj.cast::<pyo3::types::PyBool>() {
                    return Ok(Cell::Code(tri_code(Some(b.is_true()))));
                }
                self.generic(obj)
            }
            Field::CaseId => {
                if let Ok(s) = obj.cast::<PyString>() {
                    if let Ok(text) = s.to_cow() {
                        return Ok(Cell::Id(text.into_owned()));
                    }
                }
                self.generic(obj)
            }
            Field::Complications => {
                if let Ok(list) = obj.cast::<PyList>() {
                    if let Some(bits) = self.complication_items(list.iter())? {
                        return Ok(Cell::Code(bits));
                    }
                } else if let Ok(tuple) = obj.cast::<PyTuple>() {
                    if let Some(bits) = self.complication_items(tuple.iter())? {
                        return Ok(Cell::Code(bits));
                    }
                }
                self.generic(obj)
            }
            _ => self.string(obj),
        }
    }

    /// The bits of a list of complication names, or `None` when an item is
    /// not a name the core accepts (the whole value is then judged as one).
    fn complication_items(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
    ) -> PyResult<Option<u8>> {
        let mut bits = 0u8;
        for item in items {
            match self.string(&item)? {
                Cell::Code(b) => bits |= b,
                _ => return Ok(None),
            }
        }
        Ok(Some(bits))
    }

    /// A string value of a vocabulary field (or a complication item), looked
    /// up by identity, then by text, then asked of the core.
    fn string(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Cell> {
        let Ok(s) = obj.cast::<PyString>() else {
            return self.generic(obj);
        };
        let address = obj.as_ptr() as usize;
        if let Some((_, cell)) = self.by_address.get(&address) {
            return Ok(cell.clone());
        }
        let Ok(text) = s.to_cow() else {
            return self.generic(obj);
        };
        let cell = match self.by_text.get(text.as_ref()) {
            Some(cell) => cell.clone(),
            None => {
                let value = EntryValue::Json(Value::String(text.to_string()));
                let cell = if self.field == Field::Complications {
                    // An item: the core reads it as a one-item list.
                    match probe(Field::Complications, &EntryValue::List(vec![value.clone()])) {
                        Some(bits) => Cell::Code(bits),
                        None => Cell::Bad(value),
                    }
                } else {
                    self.judge(value)
                };
                if self.by_text.len() < MAX_CACHED_STRINGS {
                    self.by_text.insert(text.into_owned(), cell.clone());
                }
                cell
            }
        };
        if self.by_address.len() < MAX_CACHED_STRINGS {
            // The entry keeps the object alive, so its address stays its own
            // while the column is read.
            self.by_address.insert(address, (obj.clone(), cell.clone()));
        }
        Ok(cell)
    }
}

fn wrong_payload(field: Field, what: &str) -> PyErr {
    PyValueError::new_err(format!("nettx: bad column payload for {field}: {what}"))
}

fn check_len(field: Field, got: usize, want: usize) -> PyResult<()> {
    if got == want {
        Ok(())
    } else {
        Err(wrong_payload(
            field,
            &format!("{got} bytes or items, expected {want}"),
        ))
    }
}

/// Reads one column payload (see `nettx/_frame.py`) into the frame.
fn read_column<'py>(
    frame: &mut Frame,
    field: Field,
    kind: &str,
    data: &Bound<'py, PyAny>,
    extra: &Bound<'py, PyAny>,
    missing: &MissingValues<'py>,
) -> PyResult<()> {
    let n = frame.rows.len();
    frame.mark_present(field);
    match kind {
        "bool" | "tri" if is_bool_field(field) => {
            let bytes = data.cast::<PyBytes>()?.as_bytes();
            check_len(field, bytes.len(), n)?;
            for (row, b) in frame.rows.iter_mut().zip(bytes) {
                if let Some(slot) = row.codes.get_mut(field.index()) {
                    *slot = match b {
                        0 => 1,
                        1 => 2,
                        _ => 0,
                    };
                }
            }
        }
        "float" if field == Field::TumorSizeCm => {
            let bytes = data.cast::<PyBytes>()?.as_bytes();
            check_len(field, bytes.len(), n * 8)?;
            for (row, chunk) in frame.rows.iter_mut().zip(bytes.chunks_exact(8)) {
                row.size = <[u8; 8]>::try_from(chunk).map_or(f64::NAN, f64::from_ne_bytes);
            }
        }
        "int" if field == Field::TumorSizeCm => {
            let bytes = data.cast::<PyBytes>()?.as_bytes();
            check_len(field, bytes.len(), n * 8)?;
            let mask = if extra.is_none() {
                None
            } else {
                let m = extra.cast::<PyBytes>()?.as_bytes();
                check_len(field, m.len(), n)?;
                Some(m)
            };
            for (i, chunk) in bytes.chunks_exact(8).enumerate() {
                let is_missing = mask.and_then(|m| m.get(i)).is_some_and(|b| *b != 0);
                if is_missing {
                    continue;
                }
                if let Ok(raw) = <[u8; 8]>::try_from(chunk) {
                    let v = i64::from_ne_bytes(raw);
                    if v.unsigned_abs() < MAX_EXACT_INT {
                        frame.set_cell(i, field, Cell::Size(v as f64, true));
                    } else {
                        // Beyond a double's integers: the row is built from
                        // the exact value, as the dict would hold it.
                        frame.set_bad(i, field, EntryValue::Json(Value::Number(v.into())));
                    }
                }
            }
        }
        "cat" => {
            let bytes = data.cast::<PyBytes>()?.as_bytes();
            check_len(field, bytes.len(), n * 4)?;
            let categories = extra.cast::<PyList>()?;
            let mut reader = Reader::new(field, missing.clone());
            let cells = categories
                .iter()
                .map(|c| reader.read(&c))
                .collect::<PyResult<Vec<Cell>>>()?;
            for (i, chunk) in bytes.chunks_exact(4).enumerate() {
                let code = <[u8; 4]>::try_from(chunk).map_or(-1, i32::from_ne_bytes);
                let cell = usize::try_from(code)
                    .ok()
                    .and_then(|c| cells.get(c))
                    .cloned()
                    .unwrap_or(Cell::Unknown);
                frame.set_cell(i, field, cell);
            }
        }
        "obj" => {
            let list = data.cast::<PyList>()?;
            check_len(field, list.len(), n)?;
            let mut reader = Reader::new(field, missing.clone());
            for (i, obj) in list.iter().enumerate() {
                let cell = reader.read(&obj)?;
                frame.set_cell(i, field, cell);
            }
        }
        other => return Err(wrong_payload(field, &format!("kind {other:?}"))),
    }
    Ok(())
}

/// Checks the column names of a DataFrame as the keys of a case would be
/// checked (unknown names, unless ignored; a name twice; no `primary_site`)
/// and returns `(position, field)` for each case column, in table order.
#[pyfunction]
#[pyo3(signature = (columns, ignore_extra_columns))]
pub(crate) fn frame_columns(
    py: Python<'_>,
    columns: &Bound<'_, PyAny>,
    ignore_extra_columns: bool,
) -> PyResult<Vec<(usize, &'static str)>> {
    let mut entries: Vec<(String, EntryValue)> = Vec::new();
    let mut plan: Vec<(usize, Field)> = Vec::new();
    for (pos, label) in columns.try_iter()?.enumerate() {
        let name = key_text(&label?);
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
    if let Err(e) = case_from_values(&entries) {
        return Err(invalid_case(py, &e, None));
    }
    plan.sort_by_key(|(_, f)| f.index());
    Ok(plan.into_iter().map(|(p, f)| (p, f.as_str())).collect())
}

fn i32_bytes(v: &[i32]) -> Vec<u8> {
    bytes_of(v, i32::to_ne_bytes)
}

fn coded<'py>(
    py: Python<'py>,
    (codes, values): &(Vec<i32>, Vec<String>),
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(
        py,
        [
            PyBytes::new(py, &i32_bytes(codes)).into_any(),
            PyList::new(py, values)?.into_any(),
        ],
    )
}

/// Evaluates the columns of a DataFrame (see `nettx/_frame.py`, which
/// prepares `columns` and builds the result from the returned dict).
///
/// `columns` holds `(field, kind, data, extra)` per case column; `missing`
/// the objects pandas uses for missing values besides None and NaN; `isna`
/// (`pandas.isna`) is asked about values of any other type. More than
/// [`nettx::MAX_BATCH_CASES`] rows raise `InvalidCaseError` (kind `parse`)
/// before any column is read (`evaluate_frame` checks first, with
/// `check_batch_len`).
#[pyfunction]
#[pyo3(signature = (n, columns, missing, isna, keep_evaluations))]
pub(crate) fn evaluate_columns<'py>(
    py: Python<'py>,
    n: usize,
    columns: &Bound<'py, PyList>,
    missing: &Bound<'py, PyTuple>,
    isna: Option<Bound<'py, PyAny>>,
    keep_evaluations: bool,
) -> PyResult<Bound<'py, PyDict>> {
    nettx::check_batch_len(n).map_err(|e| invalid_case(py, &e, None))?;
    let missing = MissingValues {
        sentinels: missing.iter().collect(),
        isna,
    };
    let mut frame = Frame::new(n);
    for column in columns.iter() {
        let (name, kind, data, extra): (String, String, Bound<'py, PyAny>, Bound<'py, PyAny>) =
            column.extract()?;
        let field = Field::from_name(&name)
            .ok_or_else(|| PyValueError::new_err(format!("nettx: {name:?} is not a field")))?;
        read_column(&mut frame, field, &kind, &data, &extra, &missing)?;
    }

    let (evaluated, cols) = py.detach(|| {
        let evaluated = evaluate_rows(&frame, keep_evaluations);
        let cols = summarise(&evaluated);
        (evaluated, cols)
    });

    let out = PyDict::new(py);
    out.set_item("ok", PyBytes::new(py, &cols.ok))?;
    out.set_item("in_scope", PyBytes::new(py, &cols.in_scope))?;
    out.set_item("urgent", PyBytes::new(py, &cols.urgent))?;
    out.set_item(
        "disease_state",
        PyBytes::new(py, &bytes_of(&cols.disease, i8::to_ne_bytes)),
    )?;
    let states = DiseaseState::ALL
        .iter()
        .map(|d| member(py, *d))
        .collect::<PyResult<Vec<_>>>()?;
    out.set_item("disease_states", PyList::new(py, states)?)?;
    out.set_item("preferred", coded(py, &cols.preferred)?)?;
    out.set_item("codes", coded(py, &cols.codes)?)?;
    out.set_item("missing", coded(py, &cols.missing)?)?;
    out.set_item("warnings", coded(py, &cols.warnings)?)?;
    out.set_item("error", coded(py, &cols.error_message)?)?;
    out.set_item("error_field", coded(py, &cols.error_field)?)?;
    out.set_item(
        "error_kind",
        PyBytes::new(py, &bytes_of(&cols.error_kind, i8::to_ne_bytes)),
    )?;
    let kinds = ErrorKind::ALL
        .iter()
        .map(|k| member(py, *k))
        .collect::<PyResult<Vec<_>>>()?;
    out.set_item("error_kinds", PyList::new(py, kinds)?)?;
    let first = evaluated.errors.iter().min_by_key(|(row, _)| *row);
    match first {
        Some((row, e)) => {
            out.set_item("first_error", (*row, crate::errors::error_tuple(py, e)?))?
        }
        None => out.set_item("first_error", py.None())?,
    }
    if keep_evaluations {
        let items = evaluated
            .cases
            .into_iter()
            .map(|case| match case {
                Some(case) => Ok(Bound::new(py, PyEvaluation::lazy(case))?.into_any()),
                None => Ok(py.None().into_bound(py)),
            })
            .collect::<PyResult<Vec<_>>>()?;
        out.set_item("evaluations", PyList::new(py, items)?)?;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_value(v: Value) -> EntryValue {
        EntryValue::Json(v)
    }

    /// A frame from dict-like rows of JSON values, read as the Python side
    /// would (every column as objects).
    fn frame_of(columns: &[Field], rows: &[Vec<Value>]) -> Frame {
        let mut frame = Frame::new(rows.len());
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
        frame
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
