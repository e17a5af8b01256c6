//! The Arrow PyCapsule interface: the C data and C stream structures of
//! Arrow, passed between Python libraries inside named capsules
//! (<https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>).
//!
//! Importing moves the structure out of the producer's capsule (leaving it
//! marked released, as the protocol asks), so that the capsule's destructor
//! does nothing and arrow-rs owns the data; exporting puts an arrow-rs stream
//! into a new capsule, whose destructor releases it unless a consumer took it.
//! This is the only module with `unsafe` code in the crate.

use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{make_array, Array, RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};
use std::ffi::{CStr, CString};

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// A reader of record batches that can be sent to another thread.
pub(crate) type Reader = Box<dyn RecordBatchReader + Send>;

fn arrow_error(e: ArrowError) -> PyErr {
    PyValueError::new_err(format!("nettx: cannot read the Arrow data: {e}"))
}

/// Reads `data` through its `__arrow_c_stream__` (preferred) or
/// `__arrow_c_array__` method: a stream of record batches, read once.
pub(crate) fn import(data: &Bound<'_, PyAny>) -> PyResult<Reader> {
    if data.hasattr("__arrow_c_stream__")? {
        let capsule = data.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let pointer = capsule.pointer_checked(Some(STREAM))?;
        // SAFETY: a capsule named "arrow_array_stream" holds a valid
        // `ArrowArrayStream` (the PyCapsule interface's contract), which the
        // pointer (checked non-null, under that name) points to.
        // `from_raw` moves the structure out and leaves a released one
        // (release = NULL) in its place, so the capsule's destructor does not
        // release what we now own, and the capsule outlives this call.
        let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer.as_ptr().cast()) };
        let reader = RecordBatchStreamReader::try_new(stream).map_err(arrow_error)?;
        return Ok(Box::new(reader));
    }
    if data.hasattr("__arrow_c_array__")? {
        let pair = data.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema_capsule = pair.get_item(0)?;
        let schema_capsule = schema_capsule.cast::<PyCapsule>()?;
        let array_capsule = pair.get_item(1)?;
        let array_capsule = array_capsule.cast::<PyCapsule>()?;
        let schema_ptr = schema_capsule.pointer_checked(Some(SCHEMA))?;
        let array_ptr = array_capsule.pointer_checked(Some(ARRAY))?;
        // SAFETY: capsules named "arrow_schema" and "arrow_array" hold a
        // valid `ArrowSchema` and `ArrowArray` (the PyCapsule interface's
        // contract); the pointers are checked non-null under those names.
        // `from_raw` moves each structure out and leaves a released one in
        // its place, so that the capsules' destructors do not release them
        // again.
        let (schema, array) = unsafe {
            (
                FFI_ArrowSchema::from_raw(schema_ptr.as_ptr().cast()),
                FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast()),
            )
        };
        // SAFETY: `array` was exported with `schema` by the producer (they
        // come as one pair from `__arrow_c_array__`).
        let data = unsafe { from_ffi(array, &schema) }.map_err(arrow_error)?;
        let array = make_array(data);
        let Some(columns) = array.as_any().downcast_ref::<arrow_array::StructArray>() else {
            return Err(PyTypeError::new_err(format!(
                "evaluate_arrow takes a table: an array of structs (one field per column), got an array of {}",
                array.data_type()
            )));
        };
        let batch = RecordBatch::from(columns.clone());
        let schema = batch.schema();
        return Ok(Box::new(RecordBatchIterator::new(vec![Ok(batch)], schema)));
    }
    let ty = data
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| String::from("?"));
    Err(PyTypeError::new_err(format!(
        "evaluate_arrow takes Arrow data (an object with __arrow_c_stream__ or \
         __arrow_c_array__: a pyarrow Table, RecordBatch or RecordBatchReader, a Polars \
         DataFrame, a DuckDB relation), got {ty}; for a pandas DataFrame use \
         nettx.evaluate_frame"
    )))
}

/// A new capsule holding a stream of `batches` (shared, not copied).
pub(crate) fn export_stream<'py>(
    py: Python<'py>,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    // The capsule owns the stream; a consumer moves it out (marking ours
    // released), and dropping the capsule releases it otherwise.
    PyCapsule::new(py, stream, Some(CString::from(STREAM)))
}

/// A new capsule holding a stream of whatever `reader` yields, read when
/// the consumer asks for each batch.
pub(crate) fn export_reader<'py>(
    py: Python<'py>,
    reader: Reader,
) -> PyResult<Bound<'py, PyCapsule>> {
    let stream = FFI_ArrowArrayStream::new(reader);
    PyCapsule::new(py, stream, Some(CString::from(STREAM)))
}

/// A new capsule holding `schema`.
pub(crate) fn export_schema<'py>(
    py: Python<'py>,
    schema: &SchemaRef,
) -> PyResult<Bound<'py, PyCapsule>> {
    let ffi = FFI_ArrowSchema::try_from(schema.as_ref()).map_err(arrow_error)?;
    PyCapsule::new(py, ffi, Some(CString::from(SCHEMA)))
}
