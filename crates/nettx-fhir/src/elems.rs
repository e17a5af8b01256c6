//! The elements of a resource as the mapping asks for them, whichever way
//! they were read: kept raw by the general reader (and parsed here, when
//! asked, with the errors of a wrong shape), or read in the one pass of
//! [`crate::onepass`] (which gives up on any record where a read element
//! would not parse, so that both ways answer alike).

use crate::model::{
    CodeableConcept, Component, Extension, List, Period, Quantity, RawResource, Reference, Str,
};
use crate::read::{parse_error, raw_str, Res};
use nettx::Error;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A resource's elements.
pub enum Elems<'a> {
    /// Kept raw: parsed when the mapping reads them.
    Raw(Box<RawResource<'a>>),
    /// A Condition's or Observation's elements, read in the first pass.
    Read(Box<Elements<'a>>),
    /// The `subject` and `patient` of a resource of another type, read in
    /// the first pass (the only elements of it the mapping reads).
    Refs(Option<Reference<'a>>, Option<Reference<'a>>),
}

/// The elements of Conditions and Observations the mapping reads, read
/// in the first pass (each `None` when absent).
#[derive(Debug, Default)]
#[allow(missing_docs, reason = "FHIR's element names")]
pub struct Elements<'a> {
    pub subject: Option<Reference<'a>>,
    pub patient: Option<Reference<'a>>,
    pub code: Option<CodeableConcept<'a>>,
    pub body_site: Option<Vec<CodeableConcept<'a>>>,
    pub extension: Option<Vec<Extension<'a>>>,
    pub clinical_status: Option<CodeableConcept<'a>>,
    pub verification_status: Option<CodeableConcept<'a>>,
    pub status: Option<Str<'a>>,
    pub focus: Option<List<Reference<'a>>>,
    pub value_quantity: Option<Quantity<'a>>,
    pub value_codeable_concept: Option<CodeableConcept<'a>>,
    pub value_boolean: Option<&'a RawValue>,
    pub component: Option<Vec<Component<'a>>>,
    pub effective_date_time: Option<Str<'a>>,
    pub effective_instant: Option<Str<'a>>,
    pub effective_period: Option<Period<'a>>,
    /// Whether another `value[x]` element is there.
    pub other_value: bool,
}

/// Reads element `name` of `r` as a `T`; a wrong shape is a `parse` error naming the resource.
pub fn elem<'a, T: Deserialize<'a>>(
    r: &Res<'a>,
    raw: Option<&'a RawValue>,
    name: &str,
) -> Result<Option<T>, Error> {
    match raw {
        None => Ok(None),
        Some(raw) => serde_json::from_str(raw.get()).map(Some).map_err(|e| {
            let msg: String = e.to_string().chars().take(160).collect();
            parse_error(format!("{}: {name} is not valid FHIR: {msg}", r.name()))
        }),
    }
}

/// A value read now (owned) or in the first pass (borrowed).
type Got<'r, T> = Result<Option<Cow<'r, T>>, Error>;

fn lent<T: Clone>(v: &Option<T>) -> Option<Cow<'_, T>> {
    v.as_ref().map(Cow::Borrowed)
}

fn lent_slice<T: Clone>(v: &Option<Vec<T>>) -> Option<Cow<'_, [T]>> {
    v.as_deref().map(Cow::Borrowed)
}

/// Which reference element.
#[derive(Clone, Copy)]
pub enum Who {
    /// `subject`.
    Subject,
    /// `patient`.
    Patient,
}

impl<'a> Res<'a> {
    /// The reference text of `subject` or `patient`: `None` when the
    /// element is absent, `Some(Ok(None))` when it holds no reference.
    /// `strict`: a wrong shape is an error (named `subject`), else no
    /// reference.
    pub fn reference(&self, who: Who, strict: bool) -> Option<Result<Option<Str<'a>>, Error>> {
        let pick =
            |s: &Option<Reference<'a>>, p: &Option<Reference<'a>>| -> Option<Option<Str<'a>>> {
                let r = match who {
                    Who::Subject => s,
                    Who::Patient => p,
                };
                r.as_ref().map(|r| r.reference.clone())
            };
        match &self.elems {
            Elems::Raw(raw) => {
                let raw = match who {
                    Who::Subject => raw.subject,
                    Who::Patient => raw.patient,
                }?;
                Some(if strict {
                    elem::<Reference<'a>>(self, Some(raw), "subject")
                        .map(|r| r.and_then(|r| r.reference))
                } else {
                    Ok(serde_json::from_str::<Reference<'a>>(raw.get())
                        .ok()
                        .and_then(|r| r.reference))
                })
            }
            Elems::Read(e) => pick(&e.subject, &e.patient).map(Ok),
            Elems::Refs(s, p) => pick(s, p).map(Ok),
        }
    }

    /// `code` (a Condition's or an Observation's).
    pub fn code(&self) -> Got<'_, CodeableConcept<'a>> {
        match &self.elems {
            Elems::Raw(raw) => Ok(elem(self, raw.code, "code")?.map(Cow::Owned)),
            Elems::Read(e) => Ok(lent(&e.code)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `bodySite`.
    pub fn body_site(&self) -> Result<Option<Cow<'_, [CodeableConcept<'a>]>>, Error> {
        match &self.elems {
            Elems::Raw(raw) => Ok(elem::<Vec<_>>(self, raw.bodySite, "bodySite")?.map(Cow::Owned)),
            Elems::Read(e) => Ok(lent_slice(&e.body_site)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `extension`.
    pub fn extension(&self) -> Result<Option<Cow<'_, [Extension<'a>]>>, Error> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem::<Vec<_>>(self, raw.extension, "extension")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent_slice(&e.extension)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `verificationStatus`.
    pub fn verification_status(&self) -> Got<'_, CodeableConcept<'a>> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem(self, raw.verificationStatus, "verificationStatus")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent(&e.verification_status)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `clinicalStatus`.
    pub fn clinical_status(&self) -> Got<'_, CodeableConcept<'a>> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem(self, raw.clinicalStatus, "clinicalStatus")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent(&e.clinical_status)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `status`, which must be a string when present.
    pub fn status(&self) -> Result<Option<Str<'a>>, Error> {
        match &self.elems {
            Elems::Raw(raw) => match raw.status {
                Some(raw) => raw_str(raw)
                    .map(Some)
                    .ok_or_else(|| parse_error(format!("{}: status is not a string", self.name()))),
                None => Ok(None),
            },
            Elems::Read(e) => Ok(e.status.clone()),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `focus`.
    pub fn focus(&self) -> Got<'_, List<Reference<'a>>> {
        match &self.elems {
            Elems::Raw(raw) => Ok(elem(self, raw.focus, "focus")?.map(Cow::Owned)),
            Elems::Read(e) => Ok(lent(&e.focus)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `effectiveDateTime`, else `effectiveInstant`: its text, which must be
    /// a string.
    pub fn effective_text(&self) -> Option<Result<Str<'a>, Error>> {
        match &self.elems {
            Elems::Raw(raw) => {
                let raw = raw.effectiveDateTime.or(raw.effectiveInstant)?;
                Some(raw_str(raw).ok_or_else(|| {
                    parse_error(format!("{}: effective[x] is not a string", self.name()))
                }))
            }
            Elems::Read(e) => e
                .effective_date_time
                .clone()
                .or_else(|| e.effective_instant.clone())
                .map(Ok),
            Elems::Refs(..) => None,
        }
    }

    /// `effectivePeriod`.
    pub fn effective_period(&self) -> Got<'_, Period<'a>> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem(self, raw.effectivePeriod, "effectivePeriod")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent(&e.effective_period)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `component`.
    pub fn component(&self) -> Result<Option<Cow<'_, [Component<'a>]>>, Error> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem::<Vec<_>>(self, raw.component, "component")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent_slice(&e.component)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `valueQuantity`.
    pub fn value_quantity(&self) -> Got<'_, Quantity<'a>> {
        match &self.elems {
            Elems::Raw(raw) => Ok(elem(self, raw.valueQuantity, "valueQuantity")?.map(Cow::Owned)),
            Elems::Read(e) => Ok(lent(&e.value_quantity)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `valueCodeableConcept`.
    pub fn value_codeable_concept(&self) -> Got<'_, CodeableConcept<'a>> {
        match &self.elems {
            Elems::Raw(raw) => {
                Ok(elem(self, raw.valueCodeableConcept, "valueCodeableConcept")?.map(Cow::Owned))
            }
            Elems::Read(e) => Ok(lent(&e.value_codeable_concept)),
            Elems::Refs(..) => Ok(None),
        }
    }

    /// `valueBoolean`, as its JSON text.
    pub fn value_boolean(&self) -> Option<&'a RawValue> {
        match &self.elems {
            Elems::Raw(raw) => raw.valueBoolean,
            Elems::Read(e) => e.value_boolean,
            Elems::Refs(..) => None,
        }
    }

    /// Whether `valueQuantity` is there (whatever its shape).
    pub fn has_value_quantity(&self) -> bool {
        match &self.elems {
            Elems::Raw(raw) => raw.valueQuantity.is_some(),
            Elems::Read(e) => e.value_quantity.is_some(),
            Elems::Refs(..) => false,
        }
    }

    /// Whether another `value[x]` element is there.
    pub fn has_other_value(&self) -> bool {
        match &self.elems {
            Elems::Raw(raw) => raw.other_value.is_some(),
            Elems::Read(e) => e.other_value,
            Elems::Refs(..) => false,
        }
    }
}
