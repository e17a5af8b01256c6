//! The one-pass reader: a record read straight into resources whose
//! elements are typed, for records written as FHIR's JSON form writes them
//! (`resourceType` first in every resource and Bundle).
//!
//! It answers only when the general reader ([`crate::read`], elements kept
//! raw and parsed when the mapping reads them) would read the same
//! resources, and every element the mapping may read would parse: it gives
//! up (`None`) on anything else — any JSON error, a limit reached, a
//! duplicate member, an entry without a resource, `resourceType` not first,
//! an element of a Condition or Observation (or the `subject`/`patient` of
//! any resource) that is not of its type — and the general reader then
//! reads the record and gives the errors and their order. So both ways
//! answer alike by construction; the one-pass reader only skips the second
//! parse of the elements, the raw copies and most moves.

mod elements;

use crate::elems::{Elements, Elems};
use crate::model::{Reference, Str};
use crate::read::Res;
use crate::MAX_RESOURCES;
use elements::{at, within, Skip};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads `text` in one pass, or `None` to leave it to the general reader.
pub fn read(text: &str) -> Option<Vec<Res<'_>>> {
    let mut sink = Sink {
        out: Vec::with_capacity(expected_resources(text)),
        count: 0,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    Record(&mut sink).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(sink.out)
}

/// Room for the resources a record of this length likely holds (about one
/// per 256 bytes, few FHIR resources being shorter), so that the list is
/// seldom grown and its resources seldom moved; a record of more simply
/// grows it.
fn expected_resources(text: &str) -> usize {
    (text.len() / 256 + 1).min(MAX_RESOURCES)
}

/// The error that makes the reader give up (its text is never shown).
fn give_up<E: de::Error>() -> E {
    E::custom("left to the general reader")
}

/// The resources read so far, and how many (across the record).
struct Sink<'de> {
    out: Vec<Res<'de>>,
    count: usize,
}

impl<'de> Sink<'de> {
    fn count_one<E: de::Error>(&mut self) -> Result<(), E> {
        self.count += 1;
        if self.count > MAX_RESOURCES {
            return Err(give_up());
        }
        Ok(())
    }
}

/// The record: a Bundle (`resourceType` first) or a prefetch object.
struct Record<'s, 'de>(&'s mut Sink<'de>);

impl<'de> DeserializeSeed<'de> for Record<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Record<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR Bundle or a CDS Hooks prefetch object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(first) = map.next_key::<Str<'de>>()? else {
            return Ok(());
        };
        if first == "resourceType" {
            let rtype = map.next_value::<Str<'de>>()?;
            if rtype != "Bundle" {
                return Err(give_up());
            }
            return bundle(map, self.0, 1);
        }
        let mut keys: Vec<Str<'de>> = Vec::with_capacity(4);
        prefetch_object(map, first, self.0, &mut keys)
    }
}

/// The rest of a prefetch object after its first key: every value null, a
/// resource or a Bundle, read at level 2 (the object being level 1), each
/// key once; its keys in order into `keys`.
fn prefetch_object<'de, A: MapAccess<'de>>(
    mut map: A,
    first: Str<'de>,
    sink: &mut Sink<'de>,
    keys: &mut Vec<Str<'de>>,
) -> Result<(), A::Error> {
    let mut key = first;
    loop {
        if key == "resourceType" || keys.contains(&key) {
            return Err(give_up());
        }
        map.next_value_seed(Prefetched(&mut *sink, 2))?;
        keys.push(key);
        match map.next_key::<Str<'de>>()? {
            Some(k) => key = k,
            None => return Ok(()),
        }
    }
}

/// A CDS Hooks `prefetch` object read in one pass where it stands in a
/// larger document (the hook request), so that a service need not first
/// copy it out as a record and parse it a second time.
///
/// It reads exactly as [`crate::map_record`] reads a record of the same
/// keys and values in the same order (the same levels, limits and
/// give-ups): deserializing one fails wherever the one-pass reader would
/// leave that record to the general reader, and the caller then maps the
/// record itself. Its errors mean only that; they are never shown.
pub struct Prefetch<'de> {
    keys: Vec<Str<'de>>,
    sink: Sink<'de>,
}

impl<'de> Prefetch<'de> {
    /// The object's keys, in their order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.keys.iter().map(|k| &**k)
    }

    /// The resources read, in their order.
    pub(crate) fn into_resources(self) -> Vec<Res<'de>> {
        self.sink.out
    }
}

// (For any shorter lifetime too, so that it can be a borrowed field of a
// derived `Deserialize`.)
impl<'de: 'a, 'a> de::Deserialize<'de> for Prefetch<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut read: Prefetch<'de> = Prefetch {
            keys: Vec::with_capacity(4),
            sink: Sink {
                out: Vec::with_capacity(64),
                count: 0,
            },
        };
        d.deserialize_map(PrefetchObject(&mut read))?;
        Ok(read)
    }
}

/// The visitor of a [`Prefetch`].
struct PrefetchObject<'s, 'de>(&'s mut Prefetch<'de>);

impl<'de> Visitor<'de> for PrefetchObject<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CDS Hooks prefetch object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(first) = map.next_key::<Str<'de>>()? else {
            return Ok(());
        };
        let Prefetch { keys, sink } = self.0;
        prefetch_object(map, first, sink, keys)
    }
}

/// The rest of a Bundle at `level`, after its `resourceType`: the entries
/// read, other members skipped (each at most once).
fn bundle<'de, A: MapAccess<'de>>(
    mut map: A,
    sink: &mut Sink<'de>,
    level: usize,
) -> Result<(), A::Error> {
    let mut members: Vec<Str<'de>> = Vec::new();
    let mut entries = false;
    while let Some(key) = map.next_key::<Str<'de>>()? {
        if key == "resourceType" {
            return Err(give_up());
        }
        if key == "entry" {
            if entries {
                return Err(give_up());
            }
            entries = true;
            map.next_value_seed(Entries(&mut *sink, level + 1))?;
            continue;
        }
        if members.contains(&key) {
            return Err(give_up());
        }
        map.next_value_seed(Skip(level + 1))?;
        members.push(key);
    }
    Ok(())
}

/// A value of a prefetch object (at a level): null, a Bundle or one resource.
struct Prefetched<'s, 'de>(&'s mut Sink<'de>, usize);

impl<'de> DeserializeSeed<'de> for Prefetched<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Prefetched<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a FHIR resource or a Bundle")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let level = self.1;
        within(level)?;
        match map.next_key::<Str<'de>>()? {
            Some(k) if k == "resourceType" => {}
            _ => return Err(give_up()),
        }
        let rtype = map.next_value::<Str<'de>>()?;
        if rtype == "Bundle" {
            return bundle(map, self.0, level);
        }
        // One resource: the general reader refuses any member twice in it.
        self.0.count_one()?;
        let mut reader = Resource::new(level);
        reader.mark(0)?;
        reader.set_type(rtype);
        let mut keys: Vec<Str<'de>> = Vec::with_capacity(16);
        while let Some(key) = map.next_key::<Str<'de>>()? {
            if key == "resourceType" || keys.contains(&key) {
                return Err(give_up());
            }
            reader.member(&key, &mut map)?;
            keys.push(key);
        }
        let pos = self.0.out.len();
        let res = reader.finish(pos, None)?;
        self.0.out.push(res);
        Ok(())
    }
}

/// The entries of a Bundle (an array at a level).
struct Entries<'s, 'de>(&'s mut Sink<'de>, usize);

impl<'de> DeserializeSeed<'de> for Entries<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Bundle entries")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        within(self.1)?;
        while let Some(()) = seq.next_element_seed(Entry(&mut *self.0, self.1 + 1))? {
            self.0.count_one()?;
        }
        Ok(())
    }
}

/// One entry (at a level): its `fullUrl` and its resource (which it must have).
struct Entry<'s, 'de>(&'s mut Sink<'de>, usize);

impl<'de> DeserializeSeed<'de> for Entry<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Entry<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Bundle entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = self.1 + 1;
        within(self.1)?;
        let mut full_url: Option<Option<Str<'de>>> = None;
        let mut resource: Option<Resource<'de>> = None;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "fullUrl" => {
                    if full_url.is_some() {
                        return Err(give_up());
                    }
                    full_url = Some(map.next_value_seed(at::<Option<Str<'de>>>(inner))?);
                }
                "resource" => {
                    if resource.is_some() {
                        return Err(give_up());
                    }
                    resource = Some(map.next_value_seed(Resource::new(inner))?);
                }
                _ => map.next_value_seed(Skip(inner))?,
            }
        }
        let Some(resource) = resource else {
            return Err(give_up());
        };
        let pos = self.0.out.len();
        let res = resource.finish(pos, full_url.flatten())?;
        self.0.out.push(res);
        Ok(())
    }
}

/// What the mapping reads of a resource of this type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `resourceType` not seen yet: read what a Condition or an Observation needs.
    Unknown,
    Condition,
    Observation,
    /// Only `subject` and `patient`.
    Other,
}

/// A resource being read.
struct Resource<'de> {
    /// Its level: its members are one deeper.
    level: usize,
    rtype: Option<Str<'de>>,
    id: Option<Str<'de>>,
    kind: Kind,
    /// The elements the general reader keeps, each seen at most once.
    seen: u32,
    subject: Option<Reference<'de>>,
    patient: Option<Reference<'de>>,
    /// A Condition's or Observation's elements (or, before `resourceType`,
    /// those of either), made at the first that needs them.
    elements: Option<Box<Elements<'de>>>,
}

/// The bit of each element the general reader keeps (`RawResource`).
fn kept(key: &str) -> Option<u32> {
    Some(match key {
        "resourceType" => 0,
        "id" => 1,
        "subject" => 2,
        "patient" => 3,
        "code" => 4,
        "bodySite" => 5,
        "extension" => 6,
        "clinicalStatus" => 7,
        "verificationStatus" => 8,
        "status" => 9,
        "focus" => 10,
        "valueQuantity" => 11,
        "valueCodeableConcept" => 12,
        "valueBoolean" => 13,
        "component" => 14,
        "effectiveDateTime" => 15,
        "effectivePeriod" => 16,
        "effectiveInstant" => 17,
        "effectiveTiming" => 18,
        _ => return None,
    })
}

impl<'de> Resource<'de> {
    fn new(level: usize) -> Resource<'de> {
        Resource {
            level,
            rtype: None,
            id: None,
            kind: Kind::Unknown,
            seen: 0,
            subject: None,
            patient: None,
            elements: None,
        }
    }

    fn set_type(&mut self, rtype: Str<'de>) {
        self.kind = match rtype.as_ref() {
            "Condition" => Kind::Condition,
            "Observation" => Kind::Observation,
            _ => Kind::Other,
        };
        self.rtype = Some(rtype);
    }

    fn mark<E: de::Error>(&mut self, bit: u32) -> Result<(), E> {
        let b = 1u32 << bit;
        if self.seen & b != 0 {
            return Err(give_up());
        }
        self.seen |= b;
        Ok(())
    }

    /// Reads (or skips) the value of member `key`.
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let inner = self.level + 1;
        let Some(bit) = kept(key) else {
            map.next_value_seed(Skip(inner))?;
            if key.starts_with("value") && self.kind != Kind::Other {
                self.elements.get_or_insert_with(Box::default).other_value = true;
            }
            return Ok(());
        };
        self.mark(bit)?;
        match bit {
            0 => {
                let rtype = map.next_value_seed(at::<Str<'de>>(inner))?;
                self.set_type(rtype);
                return Ok(());
            }
            1 => {
                self.id = Some(map.next_value_seed(at(inner))?);
                return Ok(());
            }
            2 => {
                self.subject = Some(map.next_value_seed(at(inner))?);
                return Ok(());
            }
            3 => {
                self.patient = Some(map.next_value_seed(at(inner))?);
                return Ok(());
            }
            _ => {}
        }
        let condition = matches!(self.kind, Kind::Unknown | Kind::Condition);
        let observation = matches!(self.kind, Kind::Unknown | Kind::Observation);
        let wanted = match bit {
            4 => condition || observation,
            5..=8 => condition,
            18 => false,
            _ => observation,
        };
        if !wanted {
            return map.next_value_seed(Skip(inner));
        }
        let e = self.elements.get_or_insert_with(Box::default);
        match bit {
            4 => e.code = Some(map.next_value_seed(at(inner))?),
            5 => e.body_site = Some(map.next_value_seed(at(inner))?),
            6 => e.extension = Some(map.next_value_seed(at(inner))?),
            7 => e.clinical_status = Some(map.next_value_seed(at(inner))?),
            8 => e.verification_status = Some(map.next_value_seed(at(inner))?),
            9 => e.status = Some(map.next_value_seed(at(inner))?),
            10 => e.focus = Some(map.next_value_seed(at(inner))?),
            11 => e.value_quantity = Some(map.next_value_seed(at(inner))?),
            12 => e.value_codeable_concept = Some(map.next_value_seed(at(inner))?),
            13 => e.value_boolean = Some(map.next_value_seed(at(inner))?),
            14 => e.component = Some(map.next_value_seed(at(inner))?),
            15 => e.effective_date_time = Some(map.next_value_seed(at(inner))?),
            16 => e.effective_period = Some(map.next_value_seed(at(inner))?),
            _ => e.effective_instant = Some(map.next_value_seed(at(inner))?),
        }
        Ok(())
    }

    /// The resource at `pos`; it must have a `resourceType`.
    fn finish<E: de::Error>(self, pos: usize, full_url: Option<Str<'de>>) -> Result<Res<'de>, E> {
        let Some(rtype) = self.rtype else {
            return Err(give_up());
        };
        let elems = match self.kind {
            Kind::Condition | Kind::Observation => {
                let mut e = self.elements.unwrap_or_default();
                e.subject = self.subject;
                e.patient = self.patient;
                Elems::Read(e)
            }
            _ => Elems::Refs(self.subject, self.patient),
        };
        Ok(Res::new(pos, rtype, self.id, full_url, elems))
    }
}

impl<'de> DeserializeSeed<'de> for Resource<'de> {
    type Value = Resource<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Resource<'de> {
    type Value = Resource<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR resource (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        within(self.level)?;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            self.member(&key, &mut map)?;
        }
        Ok(self)
    }
}
