//! `evaluate_arrow`: Arrow data in, Arrow data out, through the Arrow
//! PyCapsule interface (no pyarrow needed).
//!
//! - [`bridge`]: capsules in and out (the crate's only `unsafe` code);
//! - [`read`]: Arrow columns into the rows of a [`Frame`](crate::frame::Frame);
//! - this module: the stream read once, batch by batch, each batch sliced to
//!   at most [`CHUNK_ROWS`] rows, one slice per core read, evaluated and
//!   written as an output batch at a time, with the interpreter released; the result
//!   class [`PyArrowResult`]; and [`python_columns`], the output batches as
//!   Python columns for pandas (`evaluate_frame`, `ArrowResult.to_pandas`).

mod bridge;
mod read;

use crate::batch::par_map;
use crate::errors::{invalid_case, nettx_error};
use crate::frame::{plan_columns, Frame};
use crate::output::{self, Options, CHUNK_ROWS};
use crate::vocab::member;
use arrow_array::cast::AsArray;
use arrow_array::types::Int8Type;
use arrow_array::{Array, RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use nettx::{DiseaseState, ErrorKind, Field};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict, PyList, PyString, PyTuple};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Why reading and evaluating a stream stopped.
enum Failure {
    /// A row the core refused (its position in the whole stream).
    Case(usize, nettx::Error),
    /// The stream or a batch could not be read or written.
    Arrow(ArrowError),
}

/// Reads the batches of a stream and evaluates them, one output batch (of
/// at most [`CHUNK_ROWS`] rows) per slice of the input. Several slices are
/// evaluated at once, one per core, each read, evaluated and written by its
/// own thread; a lone slice is split over the cores instead. The output
/// batches are the same either way.
struct Evaluator {
    reader: bridge::Reader,
    plan: Vec<(usize, Field)>,
    /// What each worker keeps from slice to slice.
    workers: Vec<Worker>,
    options: Options,
    raise: bool,
    /// The input batch being read, how far, and the size of its slices.
    pending: Option<(RecordBatch, usize, usize)>,
    /// Rows read before the pending slice (for the rows of errors).
    start: usize,
    /// Output batches evaluated and not yet handed on, in order; after a
    /// failure its error is last.
    ready: VecDeque<Result<RecordBatch, Failure>>,
    /// Set after an error: the stream ends once `ready` is handed on.
    done: bool,
    schema: SchemaRef,
}

/// Most slices evaluated at once.
const MAX_WORKERS: usize = 8;

/// What one worker keeps from slice to slice: the judged strings of each
/// column, and the buffers of the rows it reads.
#[derive(Default)]
struct Worker {
    caches: Vec<read::ColumnCache>,
    frame: Frame,
}

impl Evaluator {
    fn new(
        reader: bridge::Reader,
        plan: Vec<(usize, Field)>,
        options: Options,
        raise: bool,
    ) -> Self {
        let workers = std::thread::available_parallelism()
            .map_or(1, |c| c.get())
            .clamp(1, MAX_WORKERS);
        let workers = (0..workers)
            .map(|_| Worker {
                caches: plan.iter().map(|_| Default::default()).collect(),
                frame: Frame::default(),
            })
            .collect();
        Evaluator {
            reader,
            plan,
            workers,
            options,
            raise,
            pending: None,
            start: 0,
            ready: VecDeque::new(),
            done: false,
            schema: output::schema(options),
        }
    }

    /// The next output batch: `None` at the end of the input.
    fn next_batch(&mut self) -> Option<Result<RecordBatch, Failure>> {
        if self.ready.is_empty() && !self.done {
            self.fill();
        }
        self.ready.pop_front()
    }

    /// The next slice of the input (with the row it starts at), `None` at
    /// the end of the input.
    fn next_slice(&mut self) -> Option<Result<(usize, RecordBatch), Failure>> {
        loop {
            if let Some((batch, offset, size)) = self.pending.take() {
                if offset < batch.num_rows() {
                    let len = size.min(batch.num_rows() - offset);
                    let slice = batch.slice(offset, len);
                    self.pending = Some((batch, offset + len, size));
                    let start = self.start;
                    self.start += len;
                    return Some(Ok((start, slice)));
                }
            }
            match self.reader.next()? {
                Ok(batch) => {
                    let size = slice_size(batch.num_rows());
                    self.pending = Some((batch, 0, size));
                }
                Err(e) => return Some(Err(Failure::Arrow(e))),
            }
        }
    }

    /// Reads up to one slice per worker, evaluates them, and queues their
    /// output batches in order, up to and including the first failure.
    fn fill(&mut self) {
        let mut slices = Vec::with_capacity(self.workers.len());
        let mut failure = None;
        while slices.len() < self.workers.len() {
            match self.next_slice() {
                Some(Ok(slice)) => slices.push(slice),
                Some(Err(f)) => {
                    failure = Some(f);
                    break;
                }
                None => break,
            }
        }
        if slices.is_empty() && failure.is_none() {
            self.done = true;
            return;
        }
        let (plan, options, raise) = (&self.plan, self.options, self.raise);
        let results: Vec<Result<RecordBatch, Failure>> = if slices.len() == 1 {
            match (slices.first(), self.workers.first_mut()) {
                (Some((start, slice)), Some(worker)) => {
                    vec![evaluate_slice(
                        slice, *start, plan, worker, options, raise, true,
                    )]
                }
                _ => Vec::new(),
            }
        } else {
            let work: Vec<_> = slices.iter().zip(self.workers.iter_mut()).collect();
            par_map(work, |((start, slice), worker)| {
                evaluate_slice(slice, *start, plan, worker, options, raise, false)
            })
        };
        for result in results {
            let failed = result.is_err();
            self.ready.push_back(result);
            if failed {
                self.done = true;
                return;
            }
        }
        if let Some(f) = failure {
            self.ready.push_back(Err(f));
            self.done = true;
        }
    }
}

/// The size of the slices of a batch of `rows` rows: as few slices as
/// [`CHUNK_ROWS`] allows, of equal size (so that slices evaluated at once
/// take about as long as each other).
fn slice_size(rows: usize) -> usize {
    let slices = rows.div_ceil(CHUNK_ROWS).max(1);
    rows.div_ceil(slices).max(1)
}

/// Reads, evaluates and writes one slice of the input (`start`: the row of
/// the whole stream it begins at); `split` spreads its rows over the cores.
fn evaluate_slice(
    slice: &RecordBatch,
    start: usize,
    plan: &[(usize, Field)],
    worker: &mut Worker,
    options: Options,
    raise: bool,
    split: bool,
) -> Result<RecordBatch, Failure> {
    read::read_batch(&mut worker.frame, slice, plan, &mut worker.caches);
    let frame = &worker.frame;
    let mut evaluated = if split {
        output::evaluate(frame, options)
    } else {
        output::evaluate_here(frame, options)
    };
    if raise {
        if let Some((row, e)) = evaluated.errors.first() {
            return Err(Failure::Case(start + row, e.clone()));
        }
    }
    output::to_batch(frame, &mut evaluated, options).map_err(Failure::Arrow)
}

/// The evaluator as an Arrow reader, for a lazy stream: a refused row ends
/// the stream with an error saying what `InvalidCaseError` would.
impl Iterator for Evaluator {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        // Called from the Arrow C stream's callback, which a panic must not
        // cross (it would abort the process): a panic ends the stream with
        // an error instead.
        let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.next_batch()));
        let Ok(next) = next else {
            self.done = true;
            self.ready.clear();
            return Some(Err(ArrowError::ComputeError(
                "nettx: internal error while evaluating a batch (a panic); the stream ends here"
                    .to_owned(),
            )));
        };
        next.map(|r| {
            r.map_err(|f| match f {
                Failure::Arrow(e) => e,
                Failure::Case(row, e) => {
                    let place = match e.field_name() {
                        Some(field) => format!("{} error in `{field}`", e.kind()),
                        None => format!("{} error", e.kind()),
                    };
                    ArrowError::InvalidArgumentError(format!(
                        "nettx: row {row}: {place}: {}",
                        e.message()
                    ))
                }
            })
        })
    }
}

impl RecordBatchReader for Evaluator {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

/// Reads every batch of `reader` and evaluates it, batch by batch.
fn run(
    reader: bridge::Reader,
    plan: Vec<(usize, Field)>,
    options: Options,
    raise: bool,
) -> Result<Vec<RecordBatch>, Failure> {
    let mut evaluator = Evaluator::new(reader, plan, options, raise);
    let mut out = Vec::new();
    while let Some(batch) = evaluator.next_batch() {
        out.push(batch?);
    }
    Ok(out)
}

/// Evaluates every row of Arrow data whose columns are case fields, and
/// returns an ``ArrowResult`` in the output schema (docs/ARROW.md).
///
/// ``data`` is anything with the Arrow PyCapsule interface
/// (``__arrow_c_stream__`` or ``__arrow_c_array__``): a pyarrow Table,
/// RecordBatch or RecordBatchReader, a Polars DataFrame, a DuckDB relation, a
/// pandas DataFrame (pandas 2.2+, with pyarrow). Its stream is read once,
/// in slices of at most 65,536 rows; one slice per core is read, evaluated
/// and written at a time (with the interpreter released), so memory is
/// bounded by a few batches plus the result.
///
/// Columns are named like the case fields (``primary_site`` required, others
/// unknown when left out; any other column is an error unless
/// ``ignore_extra_columns``), in their natural Arrow types: strings (utf8,
/// large_utf8, utf8_view or dictionary-encoded) for the vocabularies and
/// ``case_id``; bool for the yes/no facts; any float, integer or decimal for
/// ``tumor_size_cm``; a list of strings for ``complications``. Null is
/// unknown; a float NaN is a value given, and out of range. A value of the
/// wrong type raises ``InvalidCaseError`` naming the column (``field``) and
/// the row (``row``, counted from 0 over the whole stream), with the same
/// message a dict with that value gets.
///
/// With ``errors="return"`` a bad row gets null results and the columns
/// ``error_kind``, ``error_field`` and ``error`` say why; with ``full=True``
/// the column ``evaluation`` holds each row's full evaluation as JSON (the
/// bytes of ``Evaluation.to_json``).
///
/// With ``lazy=True`` nothing is read yet: the result is an ``ArrowStream``
/// that reads and evaluates the next slices (one per core) when its consumer
/// asks for a batch and has none waiting (``pyarrow.RecordBatchReader.from_stream``, a Parquet writer,
/// DuckDB's ``COPY … TO``), so that input and output pass through in bounded
/// memory. It can be read once. A refused row then ends the stream with
/// the consumer's error (pyarrow: ``ArrowInvalid``) saying what
/// ``InvalidCaseError`` would; ``errors="return"`` avoids that.
#[pyfunction]
#[pyo3(signature = (data, *, errors = "raise", full = false, ignore_extra_columns = false, lazy = false))]
pub(crate) fn evaluate_arrow(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    errors: &str,
    full: bool,
    ignore_extra_columns: bool,
    lazy: bool,
) -> PyResult<Py<PyAny>> {
    let raise = match errors {
        "raise" => true,
        "return" => false,
        other => {
            return Err(PyValueError::new_err(format!(
                "errors must be \"raise\" or \"return\", got {other:?}"
            )))
        }
    };
    let reader = bridge::import(data)?;
    let schema = reader.schema();
    let names = schema.fields().iter().map(|f| f.name().clone());
    let plan = plan_columns(names, ignore_extra_columns).map_err(|e| invalid_case(py, &e, None))?;
    let options = Options {
        error_columns: !raise,
        evaluation_json: full,
        keep_cases: false,
    };
    if lazy {
        let evaluator = Evaluator::new(reader, plan, options, raise);
        return Ok(PyArrowStream {
            schema: evaluator.schema.clone(),
            evaluator: Mutex::new(Some(evaluator)),
        }
        .into_pyobject(py)?
        .into_any()
        .unbind());
    }
    match py.detach(|| run(reader, plan, options, raise)) {
        Ok(batches) => Ok(PyArrowResult::new(output::schema(options), batches)
            .into_pyobject(py)?
            .into_any()
            .unbind()),
        Err(Failure::Case(row, e)) => Err(invalid_case(py, &e, Some(row))),
        Err(Failure::Arrow(e)) => Err(nettx_error(
            py,
            format!("nettx: cannot read the Arrow data: {e}"),
        )),
    }
}

/// The result of ``evaluate_arrow``: record batches in nettx's output
/// schema (docs/ARROW.md), readable without copying by any Arrow library
/// through ``__arrow_c_stream__``.
#[pyclass(module = "nettx", name = "ArrowResult", frozen)]
pub(crate) struct PyArrowResult {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    rows: usize,
}

impl PyArrowResult {
    pub(crate) fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        PyArrowResult {
            schema,
            batches,
            rows,
        }
    }
}

#[pymethods]
impl PyArrowResult {
    /// The result as an Arrow C stream in a capsule (the Arrow PyCapsule
    /// interface): ``pyarrow.table(r)``, ``polars.DataFrame(r)`` and DuckDB
    /// read it without copying. ``requested_schema`` is not supported and
    /// ignored, as the interface allows.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        bridge::export_stream(py, self.schema.clone(), self.batches.clone())
    }

    /// The schema as an Arrow C schema in a capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        bridge::export_schema(py, &self.schema)
    }

    /// The number of rows.
    fn __len__(&self) -> usize {
        self.rows
    }

    /// The number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows
    }

    /// The number of record batches (each at most 65,536 rows).
    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema's metadata: the guideline's id, version and digest and the
    /// engine's name and version (keys ``nettx.guideline.digest`` …).
    #[getter]
    fn metadata(&self) -> HashMap<String, String> {
        self.schema
            .metadata()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The result as a ``pyarrow.Table`` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// The result as a ``polars.DataFrame`` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }

    /// The result as a ``pandas.DataFrame`` with the columns of
    /// ``evaluate_frame`` (lists as Python lists; needs pandas, not pyarrow).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A list per row and list column, holding only strings: no cycle can
        // form, and collections triggered by their count would double the
        // time (see `nettx._frame._no_gc`).
        let gc = py.import("gc")?;
        let enabled = gc.call_method0("isenabled")?.is_truthy()?;
        gc.call_method0("disable")?;
        let columns = python_columns(py, &self.batches);
        if enabled {
            gc.call_method0("enable")?;
        }
        let columns = columns?;
        py.import("nettx._frame")?
            .call_method1("_frame_from_columns", (columns, py.None()))
    }

    fn __repr__(&self) -> String {
        format!(
            "<nettx.ArrowResult: {} rows, {} batches, columns {}>",
            self.rows,
            self.batches.len(),
            self.column_names().join(", ")
        )
    }
}

/// The lazy result of ``evaluate_arrow(…, lazy=True)``: a stream that
/// reads and evaluates the next slices (one per core) when its consumer asks
/// for a batch and none is waiting. It can be read once.
#[pyclass(module = "nettx", name = "ArrowStream", frozen)]
pub(crate) struct PyArrowStream {
    schema: SchemaRef,
    evaluator: Mutex<Option<Evaluator>>,
}

#[pymethods]
impl PyArrowStream {
    /// The stream as an Arrow C stream in a capsule; it evaluates the next
    /// slices when the consumer asks for a batch. A second call raises ``RuntimeError``.
    /// ``requested_schema`` is not supported and ignored.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let evaluator = self
            .evaluator
            .lock()
            .map_err(|_| PyRuntimeError::new_err("nettx: the stream's lock is poisoned"))?
            .take()
            .ok_or_else(|| {
                PyRuntimeError::new_err("nettx: an ArrowStream can be read only once")
            })?;
        bridge::export_reader(py, Box::new(evaluator))
    }

    /// The schema as an Arrow C schema in a capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        bridge::export_schema(py, &self.schema)
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema's metadata (the guideline's id, version and digest; the
    /// engine).
    #[getter]
    fn metadata(&self) -> HashMap<String, String> {
        self.schema
            .metadata()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn __repr__(&self) -> String {
        let read = self.evaluator.lock().map(|e| e.is_none()).unwrap_or(true);
        format!(
            "<nettx.ArrowStream: {}>",
            if read { "read" } else { "not read yet" }
        )
    }
}

fn internal(what: &str) -> PyErr {
    PyRuntimeError::new_err(format!("nettx: unexpected output column {what}"))
}

/// The output batches (in [`output::schema`]) as Python columns, for
/// pandas: see `nettx/_frame.py`'s `_frame_from_columns`.
pub(crate) fn python_columns<'py>(
    py: Python<'py>,
    batches: &[RecordBatch],
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let Some(first) = batches.first() else {
        // No rows: every column empty.
        let schema = output::schema(Options::default());
        for f in schema.fields() {
            out.set_item(f.name(), PyList::empty(py))?;
        }
        out.set_item("ok", PyBytes::new(py, &[]))?;
        for name in ["in_scope", "urgent"] {
            out.set_item(name, PyBytes::new(py, &[]))?;
        }
        out.set_item("disease_state", PyBytes::new(py, &[]))?;
        out.set_item("disease_states", states(py)?)?;
        return Ok(out);
    };
    let schema = first.schema();
    let mut ok = Vec::new();
    for batch in batches {
        let valid = batch
            .column_by_name("in_scope")
            .ok_or_else(|| internal("in_scope"))?;
        ok.extend((0..valid.len()).map(|i| u8::from(valid.is_valid(i))));
    }
    out.set_item("ok", PyBytes::new(py, &ok))?;
    for f in schema.fields() {
        let name = f.name().as_str();
        let arrays: Vec<&dyn Array> = batches
            .iter()
            .map(|b| b.column_by_name(name).map(|a| a.as_ref()))
            .collect::<Option<_>>()
            .ok_or_else(|| internal(name))?;
        match name {
            "in_scope" | "urgent" => {
                let mut bytes = Vec::new();
                for a in &arrays {
                    let a = a.as_boolean_opt().ok_or_else(|| internal(name))?;
                    bytes.extend((0..a.len()).map(|i| u8::from(a.is_valid(i) && a.value(i))));
                }
                out.set_item(name, PyBytes::new(py, &bytes))?;
            }
            "disease_state" | "error_kind" => {
                let mut codes = Vec::new();
                for a in &arrays {
                    let d = a
                        .as_dictionary_opt::<Int8Type>()
                        .ok_or_else(|| internal(name))?;
                    let keys = d.keys();
                    codes.extend((0..keys.len()).map(|i| {
                        if keys.is_valid(i) {
                            keys.value(i).to_ne_bytes()[0]
                        } else {
                            (-1i8).to_ne_bytes()[0]
                        }
                    }));
                }
                out.set_item(name, PyBytes::new(py, &codes))?;
                if name == "disease_state" {
                    out.set_item("disease_states", states(py)?)?;
                } else {
                    let kinds = ErrorKind::ALL
                        .iter()
                        .map(|k| member(py, *k))
                        .collect::<PyResult<Vec<_>>>()?;
                    out.set_item("error_kinds", PyList::new(py, kinds)?)?;
                }
            }
            "case_id" | "case_digest" | "error_field" | "error" | "evaluation" => {
                let list = PyList::empty(py);
                for a in &arrays {
                    let s = a.as_string_opt::<i32>().ok_or_else(|| internal(name))?;
                    for i in 0..s.len() {
                        if s.is_valid(i) {
                            list.append(s.value(i))?;
                        } else {
                            list.append(py.None())?;
                        }
                    }
                }
                out.set_item(name, list)?;
            }
            _ => {
                // A list column of dictionary strings.
                let mut rows: Vec<Bound<'py, PyAny>> = Vec::new();
                for a in &arrays {
                    let l = a.as_list_opt::<i32>().ok_or_else(|| internal(name))?;
                    let d = l
                        .values()
                        .as_dictionary_opt::<Int8Type>()
                        .ok_or_else(|| internal(name))?;
                    let words = d
                        .values()
                        .as_string_opt::<i32>()
                        .ok_or_else(|| internal(name))?;
                    let words: Vec<Bound<'py, PyString>> = (0..words.len())
                        .map(|k| PyString::intern(py, words.value(k)))
                        .collect();
                    let keys: &[i8] = d.keys().values();
                    let offsets = l.value_offsets();
                    // Each distinct list is made once, as a tuple; a row gets
                    // its own list copied from it (one allocation, no lookups).
                    let mut made: HashMap<&[i8], Bound<'py, PyTuple>> = HashMap::new();
                    for i in 0..l.len() {
                        if l.is_null(i) {
                            rows.push(py.None().into_bound(py));
                            continue;
                        }
                        let start = offsets.get(i).and_then(|o| usize::try_from(*o).ok());
                        let end = offsets.get(i + 1).and_then(|o| usize::try_from(*o).ok());
                        let row = match (start, end) {
                            (Some(start), Some(end)) => keys.get(start..end),
                            _ => None,
                        }
                        .ok_or_else(|| internal(name))?;
                        let tuple = match made.get(row) {
                            Some(t) => t,
                            None => {
                                let items = row
                                    .iter()
                                    .map(|k| {
                                        usize::try_from(*k)
                                            .ok()
                                            .and_then(|k| words.get(k))
                                            .ok_or_else(|| internal(name))
                                    })
                                    .collect::<PyResult<Vec<_>>>()?;
                                made.entry(row).or_insert(PyTuple::new(py, items)?)
                            }
                        };
                        rows.push(tuple.as_sequence().to_list()?.into_any());
                    }
                }
                out.set_item(name, PyList::new(py, rows)?)?;
            }
        }
    }
    Ok(out)
}

fn states(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let states = DiseaseState::ALL
        .iter()
        .map(|d| member(py, *d))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, states)
}
