//! The core's closed vocabularies as the package's string-valued enums
//! (`nettx.Site`, `nettx.Code`, …, declared in `nettx/_vocab.py`).
//!
//! The members of each enum are looked up once by their wire names and kept,
//! so that handing a `Code` to Python costs an index and a reference count.
//! The test suite checks that every enum lists exactly the core's values, in
//! the core's order ([`vocabularies`]).

use nettx::{
    Category, Code, Complication, DiseaseState, ErrorKind, Field, Goal, Histology, Intent, RuleId,
    Site, Source, SsaResponse, Strength, Urgency, Vocabulary, WarningCode,
};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

/// A core vocabulary with its Python enum class.
pub(crate) trait PyVocabulary: Vocabulary {
    /// Name of the enum class in `nettx._vocab`.
    const CLASS: &'static str;
    /// The cache of the enum's members, in the core's order.
    fn members() -> &'static PyOnceLock<Vec<Py<PyAny>>>;
}

macro_rules! py_vocabulary {
    ($($ty:ty => $class:literal),+ $(,)?) => {
        $(
            impl PyVocabulary for $ty {
                const CLASS: &'static str = $class;
                fn members() -> &'static PyOnceLock<Vec<Py<PyAny>>> {
                    static MEMBERS: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
                    &MEMBERS
                }
            }
        )+

        /// Every vocabulary: its enum class name and the core's wire names in order.
        pub(crate) fn all_vocabularies() -> Vec<(&'static str, Vec<&'static str>)> {
            vec![$(($class, <$ty as Vocabulary>::ALL.iter().map(|v| v.as_str()).collect())),+]
        }
    };
}

py_vocabulary! {
    Site => "Site",
    Histology => "Histology",
    Complication => "Complication",
    SsaResponse => "SsaResponse",
    DiseaseState => "DiseaseState",
    Goal => "Goal",
    Strength => "Strength",
    Intent => "Intent",
    Urgency => "Urgency",
    Category => "Category",
    Field => "Field",
    Source => "Source",
    Code => "Code",
    WarningCode => "WarningCode",
    ErrorKind => "ErrorKind",
    RuleId => "Rule",
}

/// The Python enum member for `value`.
pub(crate) fn member<T: PyVocabulary>(py: Python<'_>, value: T) -> PyResult<Bound<'_, PyAny>> {
    let members = T::members().get_or_try_init(py, || -> PyResult<Vec<Py<PyAny>>> {
        let class = py.import("nettx._vocab")?.getattr(T::CLASS)?;
        T::ALL
            .iter()
            .map(|v| class.call1((v.as_str(),)).map(Bound::unbind))
            .collect()
    })?;
    members
        .get(value.index())
        .map(|m| m.bind(py).clone())
        .ok_or_else(|| {
            PyRuntimeError::new_err(format!(
                "nettx: no member {} in {}",
                value.as_str(),
                T::CLASS
            ))
        })
}

/// A tuple of enum members.
pub(crate) fn members_tuple<'py, T: PyVocabulary>(
    py: Python<'py>,
    values: impl IntoIterator<Item = T>,
) -> PyResult<Bound<'py, PyTuple>> {
    let items = values
        .into_iter()
        .map(|v| member(py, v))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

/// `{"Site": ("duodenum", …), …}`: every vocabulary of the core, for the
/// test that the package's enums match them.
#[pyfunction]
pub(crate) fn vocabularies(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    for (class, names) in all_vocabularies() {
        dict.set_item(class, PyTuple::new(py, names)?)?;
    }
    Ok(dict)
}
