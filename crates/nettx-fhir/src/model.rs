//! Minimal serde types of the FHIR R4 elements the mapping reads: Bundle,
//! Patient, Condition, Observation, CodeableConcept, Coding, Quantity,
//! Reference, Extension, Period. Unknown elements are skipped.
//!
//! Reading is in two passes. The record is read once into [`RawResource`]s
//! whose elements are kept as raw JSON text (no copy), so that a resource of
//! a type the mapping ignores is never held to the shapes below; then the
//! elements of Patients, Conditions and Observations are read into these
//! types, and a wrong shape there is a `parse` error naming the resource.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// A string of the record, borrowed when it has no escapes.
pub type Str<'a> = Cow<'a, str>;

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
    pub fullUrl: Option<&'a RawValue>,
    #[serde(borrow)]
    pub resource: Option<&'a RawValue>,
}

/// Counts resources across the whole record and refuses the one past the
/// limit while reading, so that a huge entry list is never held.
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

/// The top level of a record, or a prefetch value: its members in order,
/// values still raw.
pub struct Members<'a>(pub Vec<(Str<'a>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object (a FHIR Bundle or a CDS Hooks prefetch object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let value = map.next_value::<&'de RawValue>()?;
                    if out.iter().any(|(k, _): &(Str<'de>, _)| *k == key) {
                        return Err(de::Error::custom(format_args!(
                            "the member `{key}` appears twice"
                        )));
                    }
                    out.push((key, value));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Coding.
#[derive(Debug, Deserialize)]
pub struct Coding<'a> {
    #[serde(borrow)]
    pub system: Option<Str<'a>>,
    #[serde(borrow)]
    pub code: Option<Str<'a>>,
}

/// CodeableConcept.
#[derive(Debug, Deserialize, Default)]
pub struct CodeableConcept<'a> {
    #[serde(borrow, default)]
    pub coding: Vec<Coding<'a>>,
}

impl CodeableConcept<'_> {
    /// The codings that have both a system and a code.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.coding
            .iter()
            .filter_map(|c| Some((c.system.as_deref()?, c.code.as_deref()?)))
    }
}

/// Reference.
#[derive(Debug, Deserialize)]
pub struct Reference<'a> {
    #[serde(borrow)]
    pub reference: Option<Str<'a>>,
}

/// Quantity: the value kept as its JSON text (a decimal, read exactly).
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[allow(non_snake_case, reason = "FHIR's element names")]
pub struct Component<'a> {
    #[serde(borrow, default)]
    pub code: CodeableConcept<'a>,
    #[serde(borrow)]
    pub valueQuantity: Option<&'a RawValue>,
}

/// Period.
#[derive(Debug, Deserialize)]
pub struct Period<'a> {
    #[serde(borrow)]
    pub start: Option<Str<'a>>,
    #[serde(borrow)]
    pub end: Option<Str<'a>>,
}
