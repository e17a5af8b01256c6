//! Reading pandas columns (the payloads `nettx/_frame.py` prepares) into a
//! [`Frame`], with the interpreter attached; `frame_columns` and
//! `evaluate_columns`, the native half of `evaluate_frame`.

use super::rows::*;
use super::summary::{bytes_of, evaluate_rows, summarise};
use crate::arrow::python_columns;
use crate::convert::{key_text, to_entry_value};
use crate::errors::invalid_case;
use crate::objects::PyEvaluation;
use crate::output::{self, Options};
use crate::vocab::member;
use nettx::{DiseaseState, EntryValue, ErrorKind, Field, FieldKind};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;
use std::collections::HashMap;

/// (`pd.NA`, `pd.NaT`) and, for any other object, its `isna`.
#[derive(Clone, Default)]
pub(crate) struct MissingValues<'py> {
    sentinels: Vec<Bound<'py, PyAny>>,
    isna: Option<Bound<'py, PyAny>>,
}

/// Reads the values of one field from Python objects, remembering what each
/// distinct string was read as.
pub(crate) struct Reader<'py> {
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
    pub(crate) fn new(field: Field, missing: MissingValues<'py>) -> Self {
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

    pub(crate) fn judge(&self, conv: EntryValue) -> Cell {
        judge(self.field, conv)
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
            f if f.kind() == FieldKind::Bool => {
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
                    match complication_item_bits(value.clone()) {
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

pub(crate) fn wrong_payload(field: Field, what: &str) -> PyErr {
    PyValueError::new_err(format!("nettx: bad column payload for {field}: {what}"))
}

pub(crate) fn check_len(field: Field, got: usize, want: usize) -> PyResult<()> {
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
pub(crate) fn read_column<'py>(
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
        "bool" | "tri" if field.kind() == FieldKind::Bool => {
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
    let mut names = Vec::new();
    for label in columns.try_iter()? {
        names.push(key_text(&label?));
    }
    let plan = plan_columns(names, ignore_extra_columns).map_err(|e| invalid_case(py, &e, None))?;
    Ok(plan.into_iter().map(|(p, f)| (p, f.as_str())).collect())
}

/// The rows of `frame` evaluated into the output schema, as Python columns.
fn evaluate_lists<'py>(
    py: Python<'py>,
    frame: &Frame,
    keep_evaluations: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = Options {
        error_columns: true,
        evaluation_json: false,
        keep_cases: keep_evaluations,
    };
    let (evaluated, batch) = py.detach(|| {
        let mut evaluated = output::evaluate(frame, options);
        let batch = output::to_batch(frame, &mut evaluated, options);
        (evaluated, batch)
    });
    let batch = batch.map_err(|e| PyRuntimeError::new_err(format!("nettx: {e}")))?;
    let out = python_columns(py, &[batch])?;
    match evaluated.errors.first() {
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

fn i32_bytes(v: &[i32]) -> Vec<u8> {
    bytes_of(v, i32::to_ne_bytes)
}

pub(crate) fn coded<'py>(
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
///
/// The result is the output schema's columns as Python columns
/// ([`python_columns`]), with `first_error` and, when kept, `evaluations`;
/// with `joined` (the deprecated form), the `;`-joined summary columns of
/// [`summarise`] instead.
#[pyfunction]
#[pyo3(signature = (n, columns, missing, isna, keep_evaluations, joined = false))]
pub(crate) fn evaluate_columns<'py>(
    py: Python<'py>,
    n: usize,
    columns: &Bound<'py, PyList>,
    missing: &Bound<'py, PyTuple>,
    isna: Option<Bound<'py, PyAny>>,
    keep_evaluations: bool,
    joined: bool,
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
    if !joined {
        return evaluate_lists(py, &frame, keep_evaluations);
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
