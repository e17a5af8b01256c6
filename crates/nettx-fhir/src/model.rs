//! Minimal serde types of the FHIR R4 elements the mapping reads: Bundle,
//! Patient, Condition, Observation, CodeableConcept, Coding, Quantity,
//! Reference, Extension, Period. Unknown elements are skipped.
//!
//! The general reader reads in two passes. The record is read once into
//! [`RawResource`]s whose elements are kept as raw JSON text (no copy), so
//! that a resource of a type the mapping ignores is never held to the shapes
//! below; then the elements the mapping reads are read into these types when
//! it reads them, and a wrong shape there is a `parse` error naming the
//! resource. The one-pass reader ([`crate::onepass`]) builds the same types
//! directly, for records where that gives the same answer.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// A string of the record, borrowed when it has no escapes (serde's own
/// `Cow<str>` always copies).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    /// A string that is not from the record.
    pub fn from_static(s: &'static str) -> Str<'a> {
        Str(Cow::Borrowed(s))
    }
    /// The string, owned.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Str<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// One resource of the record, its elements still raw JSON.
#[derive(Debug, Default)]
#[allow(non_snake_case, reason = "FHIR's element names")]
pub struct RawResource<'a> {
    pub resourceType: Option<&'a RawValue>,
    pub id: Option<&'a RawValue>,
    pub subject: Option<&'a RawValue>,
    pub patient: Option<&'a RawValue>,
    pub code: Option<&'a RawValue>,
    pub bodySite: Option<&'a RawValue>,
    pub extension: Option<&'a RawValue>,
    pub clinicalStatus: Option<&'a RawValue>,
    pub verificationStatus: Option<&'a RawValue>,
    pub status: Option<&'a RawValue>,
    pub focus: Option<&'a RawValue>,
    pub valueQuantity: Option<&'a RawValue>,
    pub valueCodeableConcept: Option<&'a RawValue>,
    pub valueBoolean: Option<&'a RawValue>,
    pub component: Option<&'a RawValue>,
    pub effectiveDateTime: Option<&'a RawValue>,
    pub effectivePeriod: Option<&'a RawValue>,
    pub effectiveInstant: Option<&'a RawValue>,
    pub effectiveTiming: Option<&'a RawValue>,
    /// The first other `value[x]` element (`valueString`, `valueInteger`,
    /// …), by name: a case-fact observation must not carry one.
    pub other_value: Option<Str<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawResource<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawResource<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FHIR resource (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut r = RawResource::default();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let slot = match key.as_ref() {
                        "resourceType" => &mut r.resourceType,
                        "id" => &mut r.id,
                        "subject" => &mut r.subject,
                        "patient" => &mut r.patient,
                        "code" => &mut r.code,
                        "bodySite" => &mut r.bodySite,
                        "extension" => &mut r.extension,
                        "clinicalStatus" => &mut r.clinicalStatus,
                        "verificationStatus" => &mut r.verificationStatus,
                        "status" => &mut r.status,
                        "focus" => &mut r.focus,
                        "valueQuantity" => &mut r.valueQuantity,
                        "valueCodeableConcept" => &mut r.valueCodeableConcept,
                        "valueBoolean" => &mut r.valueBoolean,
                        "component" => &mut r.component,
                        "effectiveDateTime" => &mut r.effectiveDateTime,
                        "effectivePeriod" => &mut r.effectivePeriod,
                        "effectiveInstant" => &mut r.effectiveInstant,
                        "effectiveTiming" => &mut r.effectiveTiming,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            if r.other_value.is_none() && key.starts_with("value") {
                                r.other_value = Some(key);
                            }
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(de::Error::custom(format_args!(
                            "the element `{key}` appears twice in one resource"
                        )));
                    }
                    *slot = Some(map.next_value::<&'de RawValue>()?);
                }
                Ok(r)
            }
        }
        d.deserialize_map(V)
    }
}

/// A Bundle entry.
#[derive(Debug, Deserialize)]
#[allow(non_snake_case, reason = "FHIR's element names")]
pub struct RawEntry<'a> {
    #[serde(borrow)]
    pub fullUrl: Option<Str<'a>>,
    #[serde(borrow)]
    pub resource: Option<RawResource<'a>>,
}

/// Counts resources across the whole record and refuses the one past the
/// limit while reading, so that a huge entry list is never held.
#[derive(Clone, Copy)]
pub struct EntriesSeed<'c> {
    /// Resources read so far in the record.
    pub count: &'c Cell<usize>,
    /// The limit.
    pub max: usize,
}

impl<'de, 'c> DeserializeSeed<'de> for EntriesSeed<'c> {
    type Value = Vec<RawEntry<'de>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, 'c> Visitor<'de> for EntriesSeed<'c> {
    type Value = Vec<RawEntry<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Bundle entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = seq.next_element::<RawEntry<'de>>()? {
            let n = self.count.get() + 1;
            if n > self.max {
                return Err(de::Error::custom(format_args!("{TOO_MANY} {}", self.max)));
            }
            self.count.set(n);
            out.push(entry);
        }
        Ok(out)
    }
}

/// Start of the message of the resource limit (recognised when mapping the error).
pub const TOO_MANY: &str = "too many resources: a record holds at most";

/// The top level of a record, or a prefetch value: its `resourceType`, the
/// entries of a Bundle (read in the same pass when `resourceType` comes
/// first, as FHIR's JSON form puts it), and its other members, still raw.
pub struct Top<'a> {
    /// `resourceType`, when a string.
    pub resource_type: Option<Str<'a>>,
    /// Whether `resourceType` was there but not a string.
    pub bad_resource_type: bool,
    /// The entries of a Bundle, if read in the first pass.
    pub entries: Option<Vec<RawEntry<'a>>>,
    /// Every other member, in order.
    pub members: Vec<(Str<'a>, &'a RawValue)>,
}

/// Reads a [`Top`], counting resources with `EntriesSeed`.
pub struct TopSeed<'c>(pub EntriesSeed<'c>);

impl<'de, 'c> DeserializeSeed<'de> for TopSeed<'c> {
    type Value = Top<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'c> Visitor<'de> for TopSeed<'c> {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (a FHIR Bundle or a CDS Hooks prefetch object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = Top {
            resource_type: None,
            bad_resource_type: false,
            entries: None,
            members: Vec::new(),
        };
        let mut seen_type = false;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            let duplicate = (key == "resourceType" && seen_type)
                || (key == "entry" && top.entries.is_some())
                || top.members.iter().any(|(k, _)| *k == key);
            if duplicate {
                return Err(de::Error::custom(format_args!(
                    "the member `{key}` appears twice"
                )));
            }
            if key == "resourceType" {
                seen_type = true;
                let raw = map.next_value::<&'de RawValue>()?;
                match serde_json::from_str::<Str<'de>>(raw.get()) {
                    Ok(t) => top.resource_type = Some(t),
                    Err(_) => top.bad_resource_type = true,
                }
            } else if key == "entry" && top.resource_type.as_deref() == Some("Bundle") {
                top.entries = Some(map.next_value_seed(self.0)?);
            } else {
                let raw = map.next_value::<&'de RawValue>()?;
                top.members.push((key, raw));
            }
        }
        Ok(top)
    }
}

/// Coding.
#[derive(Debug, Clone, Deserialize)]
pub struct Coding<'a> {
    #[serde(borrow)]
    pub system: Option<Str<'a>>,
    #[serde(borrow)]
    pub code: Option<Str<'a>>,
}

/// CodeableConcept.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct CodeableConcept<'a> {
    #[serde(borrow, default)]
    pub coding: Codings<'a>,
}

impl CodeableConcept<'_> {
    /// The codings that have both a system and a code.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.coding
            .iter()
            .filter_map(|c| Some((c.system.as_deref()?, c.code.as_deref()?)))
    }
}

/// The codings of a CodeableConcept.
pub type Codings<'a> = List<Coding<'a>>;

/// A FHIR list (the codings of a concept, the focus of an observation): the
/// first item kept inline (most such lists hold one, and a Vec of one is an
/// allocation), the others in a Vec. Read from JSON exactly as a `Vec<T>`
/// is (the same checks and messages).
#[derive(Debug, Clone)]
pub struct List<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> List<T> {
    /// Adds an item at the end.
    pub fn push(&mut self, item: T) {
        if self.first.is_none() {
            self.first = Some(item);
        } else {
            self.rest.push(item);
        }
    }
    /// The items in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(self.rest.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // As serde's `Vec`, whose messages these are.
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = List::default();
                while let Some(item) = seq.next_element::<T>()? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// Reference.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference<'a> {
    #[serde(borrow)]
    pub reference: Option<Str<'a>>,
}

/// Quantity: the value kept as its JSON text (a decimal, read exactly).
#[derive(Debug, Clone, Deserialize)]
pub struct Quantity<'a> {
    #[serde(borrow)]
    pub value: Option<&'a RawValue>,
    #[serde(borrow)]
    pub system: Option<Str<'a>>,
    #[serde(borrow)]
    pub code: Option<Str<'a>>,
    #[serde(borrow)]
    pub unit: Option<Str<'a>>,
}

/// Extension (only the members the mapping reads).
#[derive(Debug, Clone, Deserialize)]
#[allow(non_snake_case, reason = "FHIR's element names")]
pub struct Extension<'a> {
    #[serde(borrow)]
    pub url: Option<Str<'a>>,
    #[serde(borrow)]
    pub valueCodeableConcept: Option<&'a RawValue>,
    #[serde(borrow)]
    pub valueReference: Option<&'a RawValue>,
}

/// Observation.component.
#[derive(Debug, Clone, Deserialize)]
#[allow(non_snake_case, reason = "FHIR's element names")]
pub struct Component<'a> {
    #[serde(borrow, default)]
    pub code: CodeableConcept<'a>,
    #[serde(borrow)]
    pub valueQuantity: Option<&'a RawValue>,
}

/// Period.
#[derive(Debug, Clone, Deserialize)]
pub struct Period<'a> {
    #[serde(borrow)]
    pub start: Option<Str<'a>>,
    #[serde(borrow)]
    pub end: Option<Str<'a>>,
}
