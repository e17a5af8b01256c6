//! The one error type of the library: a stable kind, the offending field and a
//! message a person can act on.

use crate::vocab::{ErrorKind, Field};
use serde::ser::SerializeStruct;
use serde::Serialize;

/// Why a case could not be evaluated.
///
/// Only the first problem of an input is reported, in the order of the
/// interface: parse errors, then unknown keys, then fields in table order, then
/// contradictions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} error{}: {message}", field.as_deref().map(|f| format!(" in `{f}`")).unwrap_or_default())]
pub struct Error {
    kind: ErrorKind,
    field: Option<String>,
    message: String,
}

impl Error {
    /// An error of `kind`, naming `field` when there is one.
    pub fn new(kind: ErrorKind, field: Option<&str>, message: impl Into<String>) -> Self {
        Error {
            kind,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    pub(crate) fn parse(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Parse, None, message)
    }

    pub(crate) fn field(field: Field, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Field, Some(field.as_str()), message)
    }

    pub(crate) fn contradiction(field: Field, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Contradiction, Some(field.as_str()), message)
    }

    /// The stable kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The offending field (for an unknown key: the key itself), if any.
    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong and what to do about it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error as compact JSON: `{"error":{"kind":…,"field":…,"message":…}}`,
    /// `field` left out when there is none.
    pub fn to_json(&self) -> String {
        // Serializing a struct of strings into a String cannot fail; the
        // fallback keeps the contract even so.
        serde_json::to_string(self).unwrap_or_else(|_| {
            String::from(
                r#"{"error":{"kind":"internal","message":"error could not be serialized"}}"#,
            )
        })
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Body<'a>(&'a Error);
        impl Serialize for Body<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let e = self.0;
                let len = if e.field.is_some() { 3 } else { 2 };
                let mut s = serializer.serialize_struct("Error", len)?;
                s.serialize_field("kind", &e.kind)?;
                if let Some(field) = &e.field {
                    s.serialize_field("field", field)?;
                }
                s.serialize_field("message", &e.message)?;
                s.end()
            }
        }
        let mut s = serializer.serialize_struct("ErrorDocument", 1)?;
        s.serialize_field("error", &Body(self))?;
        s.end()
    }
}
