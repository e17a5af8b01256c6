//! The one-pass reader's readers of values: the typed elements (the same
//! values as the serde derives of [`crate::model`] give, or a give-up where
//! those would fail or where these are stricter: objects only, no member
//! twice) and the skipping of everything else, each counting its nesting
//! level, so that a record the one-pass reader reads is within
//! [`MAX_NESTING_DEPTH`] without a separate scan of the text.

use super::give_up;
use crate::model::{
    CodeableConcept, Coding, Codings, Component, Extension, List, Period, Quantity, Reference, Str,
};
use nettx::MAX_NESTING_DEPTH;
use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// A value read at a nesting level (the record itself is level 1; an
/// object or array at level `n` holds values at level `n + 1`).
pub trait Typed<'de>: Sized {
    /// Reads the value, at `level`.
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error>;
}

/// Reads a `T` at a level (the seed of [`Typed`]).
pub struct At<T>(usize, PhantomData<T>);

/// Reads a `T` at `level`.
pub fn at<T>(level: usize) -> At<T> {
    At(level, PhantomData)
}

impl<'de, T: Typed<'de>> DeserializeSeed<'de> for At<T> {
    type Value = T;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d, self.0)
    }
}

/// Refuses an object or array at a level deeper than the limit.
pub fn within<E: de::Error>(level: usize) -> Result<(), E> {
    if level > MAX_NESTING_DEPTH {
        return Err(give_up());
    }
    Ok(())
}

/// Skips any value at a level, counting the levels of what it holds.
pub struct Skip(pub usize);

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        within(self.0)?;
        while seq.next_element_seed(Skip(self.0 + 1))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        within(self.0)?;
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Skip(self.0 + 1))?;
        }
        Ok(())
    }
}

impl<'de> Typed<'de> for Str<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, _: usize) -> Result<Self, D::Error> {
        Str::deserialize(d)
    }
}

/// Raw JSON text (kept raw by the model too); an object or array in it is
/// held to the limit by its own levels.
impl<'de> Typed<'de> for &'de RawValue {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        let text = raw.get();
        if text.starts_with(['[', '{']) {
            within(level + raw_depth(text) - 1)?;
        }
        Ok(raw)
    }
}

/// How deep the arrays and objects of a JSON text nest (strings skipped).
fn raw_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

impl<'de, T: Typed<'de>> Typed<'de> for Option<T> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        struct V<T>(usize, PhantomData<T>);
        impl<'de, T: Typed<'de>> Visitor<'de> for V<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::read(d, self.0).map(Some)
            }
        }
        d.deserialize_option(V(level, PhantomData))
    }
}

impl<'de, T: Typed<'de>> Typed<'de> for Vec<T> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        struct V<T>(usize, PhantomData<T>);
        impl<'de, T: Typed<'de>> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                within(self.0)?;
                let mut out = Vec::new();
                while let Some(v) = seq.next_element_seed(at::<T>(self.0 + 1))? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(level, PhantomData))
    }
}

impl<'de, T: Typed<'de>> Typed<'de> for List<T> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        struct V<T>(usize, PhantomData<T>);
        impl<'de, T: Typed<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                within(self.0)?;
                let mut out = List::default();
                while let Some(item) = seq.next_element_seed(at::<T>(self.0 + 1))? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(level, PhantomData))
    }
}

/// The members of an object type: each read at most once, others skipped.
trait Fields<'de>: Default {
    type Out;
    /// Reads member `key` at `level` if it is a field (`false`: not one).
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error>;
    fn finish(self) -> Self::Out;
}

/// Reads a field's value, refusing it twice.
fn once<'de, A: MapAccess<'de>, T: Typed<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    level: usize,
) -> Result<bool, A::Error> {
    if slot.is_some() {
        return Err(give_up());
    }
    *slot = Some(map.next_value_seed(at::<T>(level))?);
    Ok(true)
}

/// Reads an object of fields `F` at `level`.
fn object<'de, F: Fields<'de>, D: de::Deserializer<'de>>(
    d: D,
    level: usize,
) -> Result<F::Out, D::Error> {
    struct V<F>(usize, PhantomData<F>);
    impl<'de, F: Fields<'de>> Visitor<'de> for V<F> {
        type Value = F::Out;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a FHIR element (an object)")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<F::Out, A::Error> {
            within(self.0)?;
            let mut fields = F::default();
            while let Some(key) = map.next_key::<Str<'de>>()? {
                if !fields.member(&key, &mut map, self.0 + 1)? {
                    map.next_value_seed(Skip(self.0 + 1))?;
                }
            }
            Ok(fields.finish())
        }
    }
    d.deserialize_map(V::<F>(level, PhantomData))
}

/// A field read or not, and if read, perhaps null.
type Slot<'de> = Option<Option<Str<'de>>>;
/// A raw field read or not, and if read, perhaps null.
type RawSlot<'de> = Option<Option<&'de RawValue>>;

#[derive(Default)]
struct CodingFields<'de>(Slot<'de>, Slot<'de>);

impl<'de> Fields<'de> for CodingFields<'de> {
    type Out = Coding<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "system" => once(&mut self.0, map, level),
            "code" => once(&mut self.1, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Coding<'de> {
        Coding {
            system: self.0.flatten(),
            code: self.1.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Coding<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<CodingFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct ConceptFields<'de>(Option<Codings<'de>>);

impl<'de> Fields<'de> for ConceptFields<'de> {
    type Out = CodeableConcept<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "coding" => once(&mut self.0, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> CodeableConcept<'de> {
        CodeableConcept {
            coding: self.0.unwrap_or_default(),
        }
    }
}

impl<'de> Typed<'de> for CodeableConcept<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<ConceptFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct ReferenceFields<'de>(Slot<'de>);

impl<'de> Fields<'de> for ReferenceFields<'de> {
    type Out = Reference<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "reference" => once(&mut self.0, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Reference<'de> {
        Reference {
            reference: self.0.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Reference<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<ReferenceFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct QuantityFields<'de> {
    value: RawSlot<'de>,
    system: Slot<'de>,
    code: Slot<'de>,
    unit: Slot<'de>,
}

impl<'de> Fields<'de> for QuantityFields<'de> {
    type Out = Quantity<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "value" => once(&mut self.value, map, level),
            "system" => once(&mut self.system, map, level),
            "code" => once(&mut self.code, map, level),
            "unit" => once(&mut self.unit, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Quantity<'de> {
        Quantity {
            value: self.value.flatten(),
            system: self.system.flatten(),
            code: self.code.flatten(),
            unit: self.unit.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Quantity<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<QuantityFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct ExtensionFields<'de>(Slot<'de>, RawSlot<'de>, RawSlot<'de>);

impl<'de> Fields<'de> for ExtensionFields<'de> {
    type Out = Extension<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "url" => once(&mut self.0, map, level),
            "valueCodeableConcept" => once(&mut self.1, map, level),
            "valueReference" => once(&mut self.2, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Extension<'de> {
        Extension {
            url: self.0.flatten(),
            valueCodeableConcept: self.1.flatten(),
            valueReference: self.2.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Extension<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<ExtensionFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct ComponentFields<'de>(Option<CodeableConcept<'de>>, RawSlot<'de>);

impl<'de> Fields<'de> for ComponentFields<'de> {
    type Out = Component<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "code" => once(&mut self.0, map, level),
            "valueQuantity" => once(&mut self.1, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Component<'de> {
        Component {
            code: self.0.unwrap_or_default(),
            valueQuantity: self.1.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Component<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<ComponentFields<'de>, D>(d, level)
    }
}

#[derive(Default)]
struct PeriodFields<'de>(Slot<'de>, Slot<'de>);

impl<'de> Fields<'de> for PeriodFields<'de> {
    type Out = Period<'de>;
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        level: usize,
    ) -> Result<bool, A::Error> {
        match key {
            "start" => once(&mut self.0, map, level),
            "end" => once(&mut self.1, map, level),
            _ => Ok(false),
        }
    }
    fn finish(self) -> Period<'de> {
        Period {
            start: self.0.flatten(),
            end: self.1.flatten(),
        }
    }
}

impl<'de> Typed<'de> for Period<'de> {
    fn read<D: de::Deserializer<'de>>(d: D, level: usize) -> Result<Self, D::Error> {
        object::<PeriodFields<'de>, D>(d, level)
    }
}
