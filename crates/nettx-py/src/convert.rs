//! Python values to the core's case: a dict (or keyword arguments, or a
//! DataFrame row) becomes field/value pairs for
//! [`nettx::case_from_entry_values`], so that a dict is checked exactly as the
//! same case in JSON would be, with the same messages and error order.
//!
//! JSON cannot hold everything a Python value can: a float NaN or infinity, an
//! integer beyond the range of a double, an object of another type. The core
//! takes such values as they are ([`EntryValue`]): a float as a
//! [`EntryValue::Float`] (so that a non-finite `tumor_size_cm` gets the range
//! error of any other size out of range), an object of another type as an
//! [`EntryValue::Opaque`] shown by its `repr`; the core refuses them where
//! they are given and quotes them in its message.
//!
//! The part of this module that decides is the core's
//! ([`case_from_values`]); the part that reads Python objects
//! ([`to_entry_value`], [`mapping_entries`]) only classifies them.

use nettx::{Case, EntryValue, Error, Field};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping, PySet, PyString, PyTuple,
    PyType,
};
use serde_json::{Map, Value};

/// Longest representation of an offending Python value passed to the core
/// (which quotes values to the same length).
const MAX_SHOWN_CHARS: usize = 60;

/// A JSON null (an unknown value).
pub(crate) fn null() -> EntryValue {
    EntryValue::Json(Value::Null)
}

/// Builds a case from converted pairs, in iteration order, with the core's
/// checks, messages and error order.
pub(crate) fn case_from_values<K: AsRef<str>>(entries: &[(K, EntryValue)]) -> Result<Case, Error> {
    nettx::case_from_entry_values(entries.iter().map(|(k, v)| (k.as_ref(), v.clone())))
}

/// `text` cut to at most [`MAX_SHOWN_CHARS`] characters, with an ellipsis.
pub(crate) fn shorten(text: String) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Python's `repr` of a value, cut short (`<unprintable>` when `repr` fails).
pub(crate) fn shown(obj: &Bound<'_, PyAny>) -> String {
    match obj.repr() {
        Ok(r) => shorten(r.to_string_lossy().into_owned()),
        Err(_) => String::from("<unprintable>"),
    }
}

/// The classes of the numeric tower, for numbers of other libraries (numpy).
struct Numbers {
    integral: Py<PyType>,
    real: Py<PyType>,
}

static NUMBERS: PyOnceLock<Numbers> = PyOnceLock::new();

fn numbers(py: Python<'_>) -> PyResult<&Numbers> {
    NUMBERS.get_or_try_init(py, || {
        let m = py.import("numbers")?;
        Ok(Numbers {
            integral: m.getattr("Integral")?.cast_into::<PyType>()?.unbind(),
            real: m.getattr("Real")?.cast_into::<PyType>()?.unbind(),
        })
    })
}

/// Converts a Python value as JSON would hold it. `nested` is true inside a
/// list: containers there are not read (the core refuses any container as a
/// list item, whatever it holds).
///
/// `None` is null; `bool` (checked before `int`, of which it is a subclass)
/// and `numpy.bool_` are booleans; `int` and other integers of Python's
/// numeric tower (numpy's) are numbers; `float` and other reals are
/// [`EntryValue::Float`]s; `str` (and its subclasses, such as the package's
/// enums) is a string; a list, tuple, set or numpy array is a list; a mapping
/// is an object. Anything else is opaque, shown by its `repr`.
pub(crate) fn to_entry_value(obj: &Bound<'_, PyAny>, nested: bool) -> PyResult<EntryValue> {
    if obj.is_none() {
        return Ok(null());
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(EntryValue::Json(Value::Bool(b.is_true())));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match s.to_cow() {
            Ok(text) => EntryValue::Json(Value::String(text.into_owned())),
            // A lone surrogate cannot be UTF-8.
            Err(_) => EntryValue::Opaque(shown(obj)),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(EntryValue::Float(f.value()));
    }
    if obj.is_instance_of::<PyInt>() {
        return int_value(obj);
    }
    if obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PySet>()
        || obj.is_instance_of::<PyFrozenSet>()
    {
        if nested {
            return Ok(EntryValue::Json(Value::Array(Vec::new())));
        }
        let mut items = Vec::new();
        for item in obj.try_iter()? {
            items.push(to_entry_value(&item?, true)?);
        }
        return Ok(EntryValue::List(items));
    }
    if obj.is_instance_of::<PyDict>() || obj.cast::<PyMapping>().is_ok() {
        return Ok(EntryValue::Json(Value::Object(Map::new())));
    }
    if is_numpy(obj, &["bool_", "bool"]) {
        return Ok(EntryValue::Json(Value::Bool(obj.is_truthy()?)));
    }
    if is_numpy(obj, &["ndarray"]) {
        // A numpy array is read as the list (or scalar) it holds, as pandas
        // gives list columns read back from Parquet; inside a list it is a
        // container like any other, and not read.
        if nested {
            return Ok(EntryValue::Json(Value::Array(Vec::new())));
        }
        return to_entry_value(&obj.call_method0("tolist")?, false);
    }
    let py = obj.py();
    let nums = numbers(py)?;
    if obj.is_instance(nums.integral.bind(py))? {
        if let Ok(index) = obj.call_method0("__index__") {
            return int_value(&index);
        }
    }
    if obj.is_instance(nums.real.bind(py))? {
        if let Ok(v) = obj
            .call_method0("__float__")
            .and_then(|f| f.extract::<f64>())
        {
            return Ok(EntryValue::Float(v));
        }
    }
    Ok(EntryValue::Opaque(shown(obj)))
}

/// An `int` (never a `bool`): exact when it fits 64 bits, else a double as a
/// JSON parser would read it, else (beyond a double) an infinite number.
fn int_value(obj: &Bound<'_, PyAny>) -> PyResult<EntryValue> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(EntryValue::Json(Value::Number(i.into())));
    }
    if let Ok(u) = obj.extract::<u64>() {
        return Ok(EntryValue::Json(Value::Number(u.into())));
    }
    match obj.extract::<f64>() {
        Ok(v) => Ok(EntryValue::Float(v)),
        Err(_) => Ok(EntryValue::Float(if obj.lt(0)? {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })),
    }
}

/// Whether `obj` is an instance of one of numpy's types `names` (such as
/// `bool_`, which is not a subclass of `bool`), recognised by name so that
/// numpy need not be imported.
fn is_numpy(obj: &Bound<'_, PyAny>, names: &[&str]) -> bool {
    let ty = obj.get_type();
    let module_is_numpy = ty
        .module()
        .map(|m| m.to_cow().map(|m| m == "numpy").unwrap_or(false))
        .unwrap_or(false);
    module_is_numpy
        && ty
            .name()
            .map(|n| {
                n.to_cow()
                    .map(|n| names.contains(&n.as_ref()))
                    .unwrap_or(false)
            })
            .unwrap_or(false)
}

/// Interned field names, so that the usual keys (string literals, interned
/// by Python) are recognised by identity without reading their text.
static FIELD_NAMES: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();

fn field_names(py: Python<'_>) -> &[Py<PyString>] {
    FIELD_NAMES.get_or_init(py, || {
        Field::ALL
            .iter()
            .map(|f| PyString::intern(py, f.as_str()).unbind())
            .collect()
    })
}

/// The text of a key: a field name, any other string, or (for a key that is
/// not a string) its `repr`, which names it in the unknown-field error.
pub(crate) fn key_text(key: &Bound<'_, PyAny>) -> String {
    let py = key.py();
    for (field, name) in Field::ALL.iter().zip(field_names(py)) {
        if key.is(name.bind(py)) {
            return field.as_str().to_owned();
        }
    }
    if let Ok(s) = key.cast::<PyString>() {
        if let Ok(text) = s.to_cow() {
            return text.into_owned();
        }
    }
    let text = shown(key);
    if Field::from_name(&text).is_some() {
        // A key that only prints like a field name is not that field.
        let ty = key
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return format!("{text} ({ty})");
    }
    text
}

/// Reads a dict or other mapping into converted pairs, in iteration order.
/// `Err(None)` when `obj` is not a mapping; `Err(Some(e))` when reading it
/// failed (a mapping whose iteration raised).
pub(crate) fn mapping_entries(
    obj: &Bound<'_, PyAny>,
) -> Result<Vec<(String, EntryValue)>, Option<PyErr>> {
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut entries = Vec::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            entries.push((key_text(&k), to_entry_value(&v, false).map_err(Some)?));
        }
        return Ok(entries);
    }
    if obj.cast::<PyMapping>().is_err() {
        return Err(None);
    }
    let items = obj.call_method0("items").map_err(Some)?;
    let mut entries = Vec::new();
    for item in items.try_iter().map_err(Some)? {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            item.and_then(|i| i.extract()).map_err(Some)?;
        entries.push((key_text(&k), to_entry_value(&v, false).map_err(Some)?));
    }
    Ok(entries)
}

/// What went wrong reading a case from a Python value.
pub(crate) enum CaseInputError {
    /// The case is invalid (the core's error).
    Invalid(Error),
    /// The value is not a case at all, or reading it raised.
    Python(PyErr),
}

impl From<PyErr> for CaseInputError {
    fn from(e: PyErr) -> Self {
        CaseInputError::Python(e)
    }
}

/// A case from a `nettx.Case` or a mapping of fields.
pub(crate) fn case_from_object(obj: &Bound<'_, PyAny>) -> Result<Case, CaseInputError> {
    if let Ok(case) = obj.cast::<crate::objects::PyCase>() {
        return Ok(case.get().inner.clone());
    }
    match mapping_entries(obj) {
        Ok(entries) => case_from_values(&entries).map_err(CaseInputError::Invalid),
        Err(Some(e)) => Err(CaseInputError::Python(e)),
        Err(None) => Err(CaseInputError::Python(not_a_case(obj))),
    }
}

/// The `TypeError` for a value that is neither a mapping nor a `Case`.
pub(crate) fn not_a_case(obj: &Bound<'_, PyAny>) -> PyErr {
    let ty = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| String::from("?"));
    let hint = if obj.is_instance_of::<PyString>() {
        "; for JSON text use nettx.evaluate_json"
    } else {
        ""
    };
    pyo3::exceptions::PyTypeError::new_err(format!(
        "a case must be a dict of fields (or another mapping) or a nettx.Case, got {ty}{hint}"
    ))
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use nettx::ErrorKind;
    use serde_json::json;

    fn err(entries: &[(&str, EntryValue)]) -> Error {
        match case_from_values(entries) {
            Ok(case) => panic!("accepted: {}", case.to_json()),
            Err(e) => e,
        }
    }

    fn opaque(shown: &str) -> EntryValue {
        EntryValue::Opaque(shown.to_owned())
    }

    #[test]
    fn json_values_give_the_json_paths_result() {
        let entries = [
            ("primary_site", EntryValue::Json(json!("ileum"))),
            ("metastatic", EntryValue::Json(json!(false))),
            ("tumor_size_cm", EntryValue::Float(2.5)),
        ];
        let case = case_from_values(&entries).expect("valid");
        let from_json =
            Case::from_json(r#"{"primary_site":"ileum","metastatic":false,"tumor_size_cm":2.5}"#)
                .expect("valid");
        assert_eq!(case, from_json);
    }

    #[test]
    fn a_non_finite_size_is_a_range_error_on_the_size() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = err(&[
                ("primary_site", EntryValue::Json(json!("ileum"))),
                ("tumor_size_cm", EntryValue::Float(v)),
            ]);
            assert_eq!(e.kind(), ErrorKind::Field);
            assert_eq!(e.field_name(), Some("tumor_size_cm"));
            assert!(
                e.message().contains("between 0.01 and 30"),
                "{}",
                e.message()
            );
        }
    }

    #[test]
    fn an_opaque_value_is_a_type_error_showing_it() {
        let e = err(&[
            ("primary_site", EntryValue::Json(json!("ileum"))),
            ("metastatic", EntryValue::Float(f64::NAN)),
        ]);
        assert_eq!(e.field_name(), Some("metastatic"));
        assert!(e.message().ends_with("got NaN"), "{}", e.message());
        let e = err(&[("primary_site", opaque("Decimal('1')"))]);
        assert!(e.message().ends_with("got Decimal('1')"), "{}", e.message());
    }

    #[test]
    fn an_opaque_list_item_is_shown_at_its_index() {
        let e = err(&[
            ("primary_site", EntryValue::Json(json!("ileum"))),
            (
                "complications",
                EntryValue::List(vec![EntryValue::Json(json!("bleeding")), opaque("b'x'")]),
            ),
        ]);
        assert!(
            e.message().starts_with("complications[1]"),
            "{}",
            e.message()
        );
        assert!(e.message().ends_with("got b'x'"), "{}", e.message());
    }

    #[test]
    fn the_error_order_is_the_cores() {
        // An earlier field's error wins over a later opaque value…
        let e = err(&[
            ("metastatic", EntryValue::Float(f64::NAN)),
            ("primary_site", EntryValue::Json(json!("nowhere"))),
        ]);
        assert_eq!(e.field_name(), Some("primary_site"));
        // …an unknown key over everything…
        let e = err(&[
            ("tumor_size_cm", EntryValue::Float(f64::NAN)),
            ("zzz", null()),
        ]);
        assert_eq!(e.field_name(), Some("zzz"));
    }

    #[test]
    fn shorten_cuts_long_text() {
        assert_eq!(shorten("abc".into()), "abc");
        let long = "x".repeat(100);
        let cut = shorten(long);
        assert_eq!(cut.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
