//! JSON text (and field/value pairs of a host language) to [`Case`], with
//! the interface's limits and error order: parse errors, then the first
//! unknown key, then fields in table order, then contradictions.
//!
//! The document is first read into one slot per known field (duplicate keys
//! are refused, unknown keys remembered), and only then converted field by
//! field, so the error reported does not depend on the order of the keys.

use crate::case::{
    check_case_id, check_contradictions, check_size, format_size, missing_site, Case,
    Complications, Facts,
};
use crate::error::Error;
use crate::limits::{MAX_CASE_JSON_BYTES, MAX_NESTING_DEPTH};
use crate::vocab::{join_names, Complication, Field, FieldKind, Histology, Site, SsaResponse};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::fmt;

/// Longest excerpt of an offending value quoted back in a message.
const MAX_QUOTED_CHARS: usize = 60;

/// Parses a case from bytes that should be UTF-8 JSON.
pub(crate) fn case_from_bytes(bytes: &[u8]) -> Result<Case, Error> {
    check_len(bytes.len())?;
    match std::str::from_utf8(bytes) {
        Ok(text) => case_from_str(text),
        Err(e) => Err(Error::parse(format!(
            "the input is not valid UTF-8 (first bad byte at offset {}); send the case as UTF-8 JSON",
            e.valid_up_to()
        ))),
    }
}

/// Parses a case from JSON text.
pub(crate) fn case_from_str(json: &str) -> Result<Case, Error> {
    check_len(json.len())?;
    if json.starts_with('\u{feff}') {
        return Err(Error::parse(
            "the input starts with a byte-order mark; send the JSON without it",
        ));
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let raw = RawCase::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    raw.into_case()
}

/// A field value as a host language holds it.
///
/// JSON values are checked exactly as in a JSON document; the other variants
/// stand for what JSON cannot hold, and are checked and quoted in messages by
/// the same converter of each field.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryValue {
    /// A JSON value (null means unknown).
    Json(Value),
    /// A number that JSON may not be able to hold (NaN, ±infinity) or any
    /// double. A finite one is the JSON number of that value; a non-finite
    /// one is range-checked like a JSON number (so NaN or infinity for
    /// `tumor_size_cm` is a `field` error "must be between 0.01 and 30 cm,
    /// got NaN"), and a type error in any other field.
    Float(f64),
    /// A list whose items may be any of these (for `complications`).
    List(Vec<EntryValue>),
    /// A value with no JSON form, shown in messages by this text (e.g. a
    /// Python `repr`, cut short when long); always a type error for the
    /// field it is given for.
    Opaque(String),
}

impl From<Value> for EntryValue {
    /// The JSON value as it is ([`EntryValue::Json`]).
    fn from(v: Value) -> Self {
        EntryValue::Json(v)
    }
}

impl EntryValue {
    /// A finite [`EntryValue::Float`] as the JSON number it is; anything else
    /// unchanged.
    fn normalized(self) -> EntryValue {
        match self {
            EntryValue::Float(f) => match Number::from_f64(f) {
                Some(n) => EntryValue::Json(Value::Number(n)),
                None => EntryValue::Float(f),
            },
            other => other,
        }
    }
}

/// Builds a case from key/value pairs (a Python dict, a table row), with the
/// checks, messages and error order of JSON input. A key given twice is a
/// parse error; the first unknown key in iteration order is reported.
pub(crate) fn case_from_entries<K: AsRef<str>>(
    entries: impl IntoIterator<Item = (K, Value)>,
) -> Result<Case, Error> {
    case_from_entry_values(entries.into_iter().map(|(k, v)| (k, EntryValue::Json(v))))
}

/// Like [`case_from_entries`], for values that JSON may not hold.
pub(crate) fn case_from_entry_values<K: AsRef<str>>(
    entries: impl IntoIterator<Item = (K, EntryValue)>,
) -> Result<Case, Error> {
    let mut raw = RawCase::default();
    for (key, value) in entries {
        let key = key.as_ref();
        let placed = match Field::from_name(key) {
            Some(field) => raw.put(field, value),
            None => raw.put_unknown(key),
        };
        placed.map_err(Error::parse)?;
    }
    raw.into_case()
}

/// The path used by `impl Deserialize for Case` (any serde format).
pub(crate) fn case_from_deserializer<'de, D: de::Deserializer<'de>>(
    d: D,
) -> Result<Case, D::Error> {
    let raw = RawCase::deserialize(d)?;
    raw.into_case().map_err(|e| de::Error::custom(e.message()))
}

fn check_len(len: usize) -> Result<(), Error> {
    if len > MAX_CASE_JSON_BYTES {
        return Err(Error::parse(format!(
            "the input is {len} bytes; a case may be at most {MAX_CASE_JSON_BYTES} bytes of JSON"
        )));
    }
    Ok(())
}

/// A parse error from serde_json. Its message can quote a whole offending
/// value (a megabyte top-level string, say), so long messages are cut to an
/// excerpt, keeping the position. Nesting beyond serde_json's recursion limit
/// (which is [`MAX_NESTING_DEPTH`], checked by a test) is said in terms of
/// the documented limit.
fn json_error(e: serde_json::Error) -> Error {
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        return Error::parse(format!(
            "the input nests arrays and objects more than {MAX_NESTING_DEPTH} levels deep (at line {} column {}); a case may nest at most {MAX_NESTING_DEPTH} levels, the case object counting as one",
            e.line(),
            e.column()
        ));
    }
    let text = if text.chars().nth(4 * MAX_QUOTED_CHARS).is_some() {
        format!(
            "{} at line {} column {}",
            shorten(text, 2 * MAX_QUOTED_CHARS),
            e.line(),
            e.column()
        )
    } else {
        text
    };
    Error::parse(format!("the input is not a valid case document: {text}"))
}

/// A key of the case object: a known field, or an unknown key kept for the
/// error message.
enum Key {
    Known(Field),
    Unknown(String),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match Field::from_name(v) {
            Some(field) => Key::Known(field),
            None => Key::Unknown(v.to_owned()),
        })
    }
}

/// The document after syntax checks: one raw value per known field, and the
/// unknown keys in the order met (the first is the one reported).
#[derive(Default)]
struct RawCase {
    values: [Option<Slot>; Field::ALL.len()],
    unknown: Vec<String>,
}

/// A known field's value as given, or already read when the parser could
/// tell it is good without building a JSON value (a yes/no given as a
/// boolean, a wire name of the field's vocabulary).
enum Slot {
    Given(EntryValue),
    Read(FieldValue),
}

/// Reads the value of a known field of a JSON document: a boolean of a
/// yes/no field or a wire name of a choice field straight into its
/// [`FieldValue`] (what [`read_field`] makes of it), anything else into the
/// JSON value `serde_json::Value` would build (so its checks, messages and
/// nesting limit are the same).
struct SlotSeed(Field);

impl<'de> de::DeserializeSeed<'de> for SlotSeed {
    type Value = Slot;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        d.deserialize_any(self)
    }
}

impl SlotSeed {
    fn given(v: Value) -> Slot {
        Slot::Given(EntryValue::Json(v))
    }
}

impl<'de> Visitor<'de> for SlotSeed {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde_json's own words for Value, so messages stay the same.
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Slot, E> {
        Ok(match self.0.kind() {
            FieldKind::Bool => Slot::Read(FieldValue::Flag(Some(v))),
            _ => Self::given(Value::Bool(v)),
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Slot, E> {
        Ok(Self::given(Value::Number(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Slot, E> {
        Ok(Self::given(Value::Number(v.into())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Slot, E> {
        // As Value does (formats other than JSON may give 128-bit integers).
        Number::deserialize(de::value::I128Deserializer::<E>::new(v))
            .map(|n| Self::given(Value::Number(n)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Slot, E> {
        Number::deserialize(de::value::U128Deserializer::<E>::new(v))
            .map(|n| Self::given(Value::Number(n)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Slot, E> {
        Ok(Self::given(
            Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot, E> {
        Ok(match self.0.read_wire_name(v) {
            Some(read) => Slot::Read(read),
            None => Self::given(Value::String(v.to_owned())),
        })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Slot, E> {
        Ok(match self.0.read_wire_name(&v) {
            Some(read) => Slot::Read(read),
            None => Self::given(Value::String(v)),
        })
    }
    fn visit_none<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Self::given(Value::Null))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Self::given(Value::Null))
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        Value::deserialize(d).map(Self::given)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Slot, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Self::given)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Slot, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Self::given)
    }
}

/// The message for a key given twice (`shown` already quoted as needed).
fn duplicate(shown: &str) -> String {
    format!("duplicate key `{shown}`; each field may appear once")
}

impl RawCase {
    /// Stores the value of a known field; a second value is a duplicate.
    fn put(&mut self, field: Field, value: EntryValue) -> Result<(), String> {
        self.put_slot(field, Slot::Given(value))
    }

    /// Stores the value of a known field, given or read.
    fn put_slot(&mut self, field: Field, value: Slot) -> Result<(), String> {
        match self.values.get_mut(field.index()) {
            Some(slot) if slot.is_none() => {
                *slot = Some(value);
                Ok(())
            }
            _ => Err(duplicate(field.as_str())),
        }
    }

    /// Records an unknown key; the same key twice is a duplicate.
    fn put_unknown(&mut self, name: &str) -> Result<(), String> {
        if self.unknown.iter().any(|k| k == name) {
            return Err(duplicate(&quote_str(name)));
        }
        self.unknown.push(name.to_owned());
        Ok(())
    }
}

impl<'de> Deserialize<'de> for RawCase {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawCase;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object holding the case's fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCase, A::Error> {
        let mut raw = RawCase::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let placed = match key {
                Key::Known(field) => {
                    let value = map.next_value_seed(SlotSeed(field))?;
                    raw.put_slot(field, value)
                }
                Key::Unknown(name) => {
                    // Read as a Value (not skipped) so that the nesting
                    // limit applies to unknown keys as to known ones.
                    map.next_value::<Value>()?;
                    raw.put_unknown(&name)
                }
            };
            placed.map_err(de::Error::custom)?;
        }
        Ok(raw)
    }
}

impl RawCase {
    /// The value of `field`: read already, or read now from what was given
    /// (null when absent; a finite float as the JSON number it is).
    fn take(&mut self, field: Field) -> Result<FieldValue, Error> {
        match self.values.get_mut(field.index()).and_then(Option::take) {
            Some(Slot::Read(value)) => Ok(value),
            Some(Slot::Given(value)) => read_field(field, value.normalized()),
            None => read_field(field, EntryValue::Json(Value::Null)),
        }
    }

    fn into_case(mut self) -> Result<Case, Error> {
        if let Some(key) = self.unknown.first() {
            let message = format!(
                "unknown field `{}`; the accepted fields are {}",
                quote_str(key),
                join_names(Field::ALL, Field::as_str)
            );
            return Err(Error::new(
                crate::vocab::ErrorKind::Field,
                Some(key),
                message,
            ));
        }
        let mut next = |field: Field| self.take(field);
        let FieldValue::CaseId(case_id) = next(Field::CaseId)? else {
            return Err(other_kind());
        };
        let FieldValue::Site(site) = next(Field::PrimarySite)? else {
            return Err(other_kind());
        };
        let FieldValue::Histology(histology) = next(Field::Histology)? else {
            return Err(other_kind());
        };
        let FieldValue::Size(size_cm) = next(Field::TumorSizeCm)? else {
            return Err(other_kind());
        };
        let mut flag = |field: Field| match next(field)? {
            FieldValue::Flag(b) => Ok(b),
            _ => Err(other_kind()),
        };
        let local_spread = flag(Field::LocalSpread)?;
        let metastatic = flag(Field::Metastatic)?;
        let hepatic = flag(Field::HepaticMetastases)?;
        let extrahepatic = flag(Field::ExtrahepaticMetastases)?;
        let resectable = flag(Field::MetastasesResectable)?;
        let syndrome = flag(Field::CarcinoidSyndrome)?;
        let FieldValue::Complications(complications) = next(Field::Complications)? else {
            return Err(other_kind());
        };
        let FieldValue::SsaResponse(ssa_response) = next(Field::SsaResponse)? else {
            return Err(other_kind());
        };
        let facts = Facts {
            site,
            histology,
            size_cm,
            local_spread,
            metastatic,
            hepatic,
            extrahepatic,
            resectable,
            syndrome,
            complications,
            ssa_response,
        };
        check_contradictions(&facts)?;
        Ok(Case { case_id, facts })
    }
}

/// A field's value as read, by kind (`None`: unknown).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// `case_id` (`None`: none given).
    CaseId(Option<String>),
    /// `primary_site` (never unknown).
    Site(Site),
    /// `histology`.
    Histology(Option<Histology>),
    /// `tumor_size_cm`.
    Size(Option<f64>),
    /// A yes/no field.
    Flag(Option<bool>),
    /// `complications` (empty: none recorded).
    Complications(Complications),
    /// `ssa_response`.
    SsaResponse(Option<SsaResponse>),
}

/// Reached only if [`read_field`] gave a value of another kind than its
/// field's, which it never does: an internal error rather than a panic.
fn other_kind() -> Error {
    Error::new(
        crate::vocab::ErrorKind::Internal,
        None,
        "a field was read as a value of another kind (please report this)",
    )
}

impl Field {
    /// Reads a value of this field with exactly the checks and messages of
    /// a case document: the one reader that every entry point (JSON, dicts,
    /// data frames) shares. `null` is unknown; a missing `primary_site` is an
    /// error. Contradictions between fields are checked when a whole case is
    /// built, not here.
    ///
    /// For any value, the reading (or the error) is the one a case holding
    /// that value gives, and it is of the field's [`kind`](Field::kind); so a
    /// binding can judge one value at a time (a column's distinct values, a
    /// C enum value) without building a case around it.
    ///
    /// ```
    /// use nettx::{EntryValue, Field, FieldValue};
    /// use serde_json::json;
    /// assert_eq!(Field::Metastatic.read(EntryValue::Json(json!(null)))?, FieldValue::Flag(None));
    /// let e = Field::TumorSizeCm.read(EntryValue::Float(f64::NAN)).unwrap_err();
    /// assert_eq!(e.field_name(), Some("tumor_size_cm"));
    /// # Ok::<(), nettx::Error>(())
    /// ```
    pub fn read(self, value: EntryValue) -> Result<FieldValue, Error> {
        read_field(self, value)
    }

    /// For a field of one value of a vocabulary (`primary_site`,
    /// `histology`, `ssa_response`): the value a text that is one of its
    /// wire names gives, what [`Self::read`] gives for that text, found
    /// without building a JSON value. `None` for any other text or field
    /// (read those with [`Self::read`], which also gives the error).
    ///
    /// ```
    /// use nettx::{EntryValue, Field, FieldValue, Site};
    /// use serde_json::json;
    /// assert_eq!(Field::PrimarySite.read_wire_name("ileum"), Some(FieldValue::Site(Site::Ileum)));
    /// assert_eq!(
    ///     Field::PrimarySite.read_wire_name("ileum"),
    ///     Field::PrimarySite.read(EntryValue::Json(json!("ileum"))).ok()
    /// );
    /// assert_eq!(Field::PrimarySite.read_wire_name("Ileum"), None);
    /// assert_eq!(Field::Metastatic.read_wire_name("true"), None);
    /// ```
    pub fn read_wire_name(self, name: &str) -> Option<FieldValue> {
        Some(match self {
            Field::PrimarySite => FieldValue::Site(Site::from_name(name)?),
            Field::Histology => FieldValue::Histology(Some(Histology::from_name(name)?)),
            Field::SsaResponse => FieldValue::SsaResponse(Some(SsaResponse::from_name(name)?)),
            _ => return None,
        })
    }
}

fn read_field(field: Field, value: EntryValue) -> Result<FieldValue, Error> {
    let value = value.normalized();
    Ok(match field {
        Field::CaseId => FieldValue::CaseId(match value {
            EntryValue::Json(Value::Null) => None,
            EntryValue::Json(Value::String(s)) => {
                check_case_id(&s)?;
                Some(s)
            }
            other => return Err(wrong(Field::CaseId, "a string or null", &other)),
        }),
        Field::PrimarySite => FieldValue::Site(match value {
            EntryValue::Json(Value::Null) => return Err(missing_site()),
            EntryValue::Json(Value::String(s)) => Site::from_name(&s).ok_or_else(|| {
                wrong(
                    Field::PrimarySite,
                    &one_of(Site::ALL, Site::as_str, false),
                    &EntryValue::Json(Value::String(s)),
                )
            })?,
            other => {
                return Err(wrong(
                    Field::PrimarySite,
                    &one_of(Site::ALL, Site::as_str, false),
                    &other,
                ))
            }
        }),
        Field::Histology => FieldValue::Histology(named(
            value,
            Field::Histology,
            Histology::ALL,
            Histology::as_str,
            Histology::from_name,
        )?),
        Field::TumorSizeCm => FieldValue::Size(match value {
            EntryValue::Json(Value::Null) => None,
            EntryValue::Json(Value::Number(n)) => {
                let v = n.as_f64().ok_or_else(|| {
                    Error::field(
                        Field::TumorSizeCm,
                        format!("tumor_size_cm {n} is not a usable number"),
                    )
                })?;
                check_size(v, || n.to_string())?;
                Some(v)
            }
            // Only a non-finite one is left (`normalized`), which the range refuses.
            EntryValue::Float(v) => {
                check_size(v, || format_size(v))?;
                Some(v)
            }
            other => return Err(wrong(Field::TumorSizeCm, "a number of cm or null", &other)),
        }),
        Field::LocalSpread
        | Field::Metastatic
        | Field::HepaticMetastases
        | Field::ExtrahepaticMetastases
        | Field::MetastasesResectable
        | Field::CarcinoidSyndrome => FieldValue::Flag(boolean(value, field)?),
        Field::Complications => FieldValue::Complications(complications(value)?),
        Field::SsaResponse => FieldValue::SsaResponse(named(
            value,
            Field::SsaResponse,
            SsaResponse::ALL,
            SsaResponse::as_str,
            SsaResponse::from_name,
        )?),
    })
}

fn boolean(v: EntryValue, field: Field) -> Result<Option<bool>, Error> {
    match v {
        EntryValue::Json(Value::Null) => Ok(None),
        EntryValue::Json(Value::Bool(b)) => Ok(Some(b)),
        other => Err(wrong(field, "true, false or null (unknown)", &other)),
    }
}

/// A string field with an `"unknown"` value (histology, ssa_response).
fn named<T: Copy>(
    v: EntryValue,
    field: Field,
    all: &[T],
    name: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match &v {
        EntryValue::Json(Value::Null) => Ok(None),
        EntryValue::Json(Value::String(s)) if s == "unknown" => Ok(None),
        EntryValue::Json(Value::String(s)) => match parse(s) {
            Some(t) => Ok(Some(t)),
            None => Err(wrong(field, &one_of(all, name, true), &v)),
        },
        _ => Err(wrong(field, &one_of(all, name, true), &v)),
    }
}

fn complications(v: EntryValue) -> Result<Complications, Error> {
    let expected = || {
        format!(
            "a list of {} (or null for none)",
            join_names(Complication::ALL, Complication::as_str)
        )
    };
    let items: Vec<EntryValue> = match v {
        EntryValue::Json(Value::Null) => return Ok(Complications::new()),
        EntryValue::Json(Value::Array(items)) => items.into_iter().map(EntryValue::Json).collect(),
        EntryValue::List(items) => items,
        other => return Err(wrong(Field::Complications, &expected(), &other)),
    };
    let mut set = Complications::new();
    for (i, item) in items.iter().enumerate() {
        let found = match item {
            EntryValue::Json(Value::String(s)) => Complication::from_name(s),
            _ => None,
        };
        match found {
            Some(c) => set.insert(c),
            None => {
                return Err(Error::field(
                    Field::Complications,
                    format!(
                        "complications[{i}] must be one of {}, got {}",
                        join_names(Complication::ALL, Complication::as_str),
                        quote_entry(item)
                    ),
                ))
            }
        }
    }
    Ok(set)
}

fn one_of<T: Copy>(all: &[T], name: fn(T) -> &'static str, unknown: bool) -> String {
    let names = join_names(all, name);
    if unknown {
        format!("one of {names}, \"unknown\" or null")
    } else {
        format!("one of {names}")
    }
}

fn wrong(field: Field, expected: &str, got: &EntryValue) -> Error {
    Error::field(
        field,
        format!("{field} must be {expected}, got {}", quote_entry(got)),
    )
}

/// The offending value as a message shows it: a JSON value as compact JSON,
/// a number as JSON writes it (a non-finite one as `NaN`, `inf` or `-inf`),
/// a list as "a list", an opaque value by its text; cut short when long.
fn quote_entry(v: &EntryValue) -> String {
    match v {
        EntryValue::Json(v) => quote_value(v),
        EntryValue::Float(f) => match Number::from_f64(*f) {
            Some(n) => quote_value(&Value::Number(n)),
            None => shorten(format_size(*f), MAX_QUOTED_CHARS),
        },
        EntryValue::List(_) => "a list".to_owned(),
        EntryValue::Opaque(text) => shorten(text.clone(), MAX_QUOTED_CHARS),
    }
}

/// The offending value as compact JSON, cut short when long. In a string,
/// characters a reader would not see or that would reorder the message
/// (DEL, zero-width and bidirectional controls, combining marks, unusual
/// spaces: whatever `char::escape_debug` escapes) are written as JSON `\u`
/// escapes, so the quote shows why a look-alike value was refused and still
/// reads back as the same string.
fn quote_value(v: &Value) -> String {
    let text = match v {
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::String(_) => visible(&v.to_string()),
        other => other.to_string(),
    };
    shorten(text, MAX_QUOTED_CHARS)
}

/// `json` (a JSON text, whose ASCII control characters are escaped already)
/// with every other character that `char::escape_debug` would escape written
/// as a JSON `\uXXXX` escape (a surrogate pair beyond the BMP).
fn visible(json: &str) -> String {
    let hidden = |c: char| (c == '\u{7f}' || !c.is_ascii()) && c.escape_debug().nth(1).is_some();
    if !json.chars().any(hidden) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A key as a message shows it: escaped as `char::escape_debug` escapes each
/// character (`str::escape_debug` would leave combining marks raw after the
/// first character), cut short when long.
fn quote_str(s: &str) -> String {
    let escaped: String = s.chars().flat_map(char::escape_debug).collect();
    shorten(escaped, MAX_QUOTED_CHARS)
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn shorten(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        // `cut` is a character boundary (from `char_indices`), so `get`
        // always succeeds; it is used because it cannot panic.
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}
