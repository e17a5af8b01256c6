//! Reading a record: limits, the top level (Bundle or CDS Hooks prefetch
//! object), the resources in record order, and references between them.
//! The one-pass reader ([`crate::onepass`]) is tried first; the general
//! reader here reads whatever it gives up on, with every error.

use crate::elems::Elems;
use crate::model::{EntriesSeed, RawResource, Str, Top, TopSeed, TOO_MANY};
use crate::{MAX_RECORD_JSON_BYTES, MAX_RESOURCES};
use nettx::{Error, ErrorKind, MAX_NESTING_DEPTH};
use serde::de::DeserializeSeed;
use serde_json::value::RawValue;
use std::cell::{Cell, RefCell};

/// One resource of the record.
pub struct Res<'a> {
    /// Position in the record (0-based, record order).
    pub pos: usize,
    /// `resourceType`.
    pub rtype: Str<'a>,
    /// Logical id, when a string.
    pub id: Option<Str<'a>>,
    /// `fullUrl` of its entry, if any.
    pub full_url: Option<Str<'a>>,
    /// Its elements.
    pub elems: Elems<'a>,
}

impl<'a> Res<'a> {
    /// The resource at `pos`.
    pub fn new(
        pos: usize,
        rtype: Str<'a>,
        id: Option<Str<'a>>,
        full_url: Option<Str<'a>>,
        elems: Elems<'a>,
    ) -> Res<'a> {
        Res {
            pos,
            rtype,
            id,
            full_url,
            elems,
        }
    }

    /// How outputs name it: `Type/id`, else its `fullUrl`, else `Type #n`
    /// (made when an output needs it).
    pub fn name(&self) -> String {
        match (&self.id, &self.full_url) {
            (Some(id), _) => {
                let mut name = String::with_capacity(self.rtype.len() + 1 + id.len());
                name.push_str(&self.rtype);
                name.push('/');
                name.push_str(id);
                name
            }
            (None, Some(url)) => url.to_string(),
            (None, None) => format!("{} #{}", self.rtype, self.pos + 1),
        }
    }
}

pub fn parse_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Parse, None, message)
}

/// A JSON string's value; `None` if the raw value is not a string.
pub fn raw_str(raw: &RawValue) -> Option<Str<'_>> {
    serde_json::from_str::<Str<'_>>(raw.get()).ok()
}

/// Refuses nesting deeper than the core's limit, counting the top-level
/// value as level 1 (serde_json does not count levels inside raw values).
/// Most of a FHIR record's bytes are inside strings, which are skipped with
/// `memchr` to their closing quote.
fn check_depth(text: &str) -> Result<(), Error> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // Skip the string: to its closing quote, stepping over escapes.
                i += 1;
                loop {
                    let rest = bytes.get(i..).unwrap_or_default();
                    match memchr::memchr2(b'"', b'\\', rest) {
                        Some(k) if rest.get(k) == Some(&b'\\') => i += k + 2,
                        Some(k) => {
                            i += k + 1;
                            break;
                        }
                        None => return Ok(()),
                    }
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Err(too_deep(bytes, i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The error for nesting too deep at byte `i`, with its line and column.
fn too_deep(bytes: &[u8], i: usize) -> Error {
    let before = bytes.get(..i).unwrap_or_default();
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = i - before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1)
        + 1;
    parse_error(format!(
        "the record nests arrays and objects more than {MAX_NESTING_DEPTH} levels deep (at line {line} column {col}); a record may nest at most {MAX_NESTING_DEPTH} levels, the record counting as one"
    ))
}

fn too_many() -> Error {
    parse_error(format!(
        "the record holds more than {MAX_RESOURCES} resources; send at most {MAX_RESOURCES} (one patient's record)"
    ))
}

fn json_error(e: &serde_json::Error, what: &str) -> Error {
    let text = e.to_string();
    if text.starts_with(TOO_MANY) {
        return too_many();
    }
    // serde_json can quote a long offending value: keep an excerpt.
    let short: String = text.chars().take(200).collect();
    parse_error(format!("{what} is not valid: {short}"))
}

struct Reader<'a> {
    count: Cell<usize>,
    out: Vec<Res<'a>>,
}

impl<'a> Reader<'a> {
    fn seed(&self) -> EntriesSeed<'_> {
        EntriesSeed {
            count: &self.count,
            max: MAX_RESOURCES,
        }
    }

    /// The entries of a Bundle: read already, or still raw (when `entry`
    /// came before `resourceType`).
    fn bundle(&mut self, top: Top<'a>, where_: &str) -> Result<(), Error> {
        let entries = match top.entries {
            Some(e) => e,
            None => match top.members.iter().find(|(k, _)| k == "entry") {
                Some((_, raw)) => {
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    self.seed()
                        .deserialize(&mut de)
                        .map_err(|e| json_error(&e, &format!("{where_}.entry")))?
                }
                None => Vec::new(),
            },
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let Some(resource) = entry.resource else {
                return Err(parse_error(format!(
                    "{where_}.entry[{i}] has no resource; every entry of the Bundle must hold one"
                )));
            };
            // (The place is spelled out only for an error.)
            self.push(resource, entry.fullUrl, || {
                format!("{where_}.entry[{i}].resource")
            })?;
        }
        Ok(())
    }

    fn push(
        &mut self,
        res: RawResource<'a>,
        full_url: Option<Str<'a>>,
        where_: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        let rtype = res
            .resourceType
            .and_then(raw_str)
            .ok_or_else(|| parse_error(format!("{} has no resourceType string", where_())))?;
        let id = res.id.and_then(raw_str);
        let pos = self.out.len();
        let elems = Elems::Raw(Box::new(res));
        self.out.push(Res::new(pos, rtype, id, full_url, elems));
        Ok(())
    }
}

/// Reads a record: a Bundle, or a CDS Hooks prefetch object whose values are
/// Bundles, single resources or `null`. In one pass when it can
/// ([`crate::onepass`]), else by the general reader.
pub fn read_record(text: &str) -> Result<Vec<Res<'_>>, Error> {
    read_checked(text, true)
}

/// Reads a record by the general reader only (the tests compare the two).
#[cfg(test)]
pub fn read_record_general(text: &str) -> Result<Vec<Res<'_>>, Error> {
    read_checked(text, false)
}

/// The limits, then the one-pass reader (if `one_pass`), else the general one.
fn read_checked(text: &str, one_pass: bool) -> Result<Vec<Res<'_>>, Error> {
    if text.len() > MAX_RECORD_JSON_BYTES {
        return Err(parse_error(format!(
            "the record is {} bytes; a record may be at most {MAX_RECORD_JSON_BYTES} bytes of JSON",
            text.len()
        )));
    }
    if text.starts_with('\u{feff}') {
        return Err(parse_error(
            "the record starts with a byte-order mark; send the JSON without it",
        ));
    }
    // (The one-pass reader counts the levels itself: a record it reads is
    // within the nesting limit, and one it gives up on is checked here.)
    if one_pass {
        if let Some(resources) = crate::onepass::read(text) {
            return Ok(resources);
        }
    }
    check_depth(text)?;
    let mut reader = Reader {
        count: Cell::new(0),
        out: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed(reader.seed())
        .deserialize(&mut de)
        .map_err(|e| json_error(&e, "the record"))?;
    de.end().map_err(|e| json_error(&e, "the record"))?;
    if top.bad_resource_type {
        return Err(parse_error("resourceType of the record is not a string"));
    }
    match top.resource_type.as_deref() {
        Some("Bundle") => reader.bundle(top, "Bundle")?,
        Some(other) => {
            return Err(parse_error(format!(
                "the record is a {other}; send a Bundle or a CDS Hooks prefetch object"
            )))
        }
        None => {
            for (key, value) in top.members {
                let text = value.get();
                if text == "null" {
                    continue;
                }
                let where_ = format!("prefetch `{key}`");
                if !text.starts_with('{') {
                    return Err(parse_error(format!(
                        "{where_} is neither a FHIR resource, a Bundle nor null"
                    )));
                }
                let mut de = serde_json::Deserializer::from_str(text);
                let inner = TopSeed(reader.seed())
                    .deserialize(&mut de)
                    .map_err(|e| json_error(&e, &where_))?;
                match inner.resource_type.as_deref() {
                    Some("Bundle") => reader.bundle(inner, &where_)?,
                    Some(_) => {
                        let n = reader.count.get() + 1;
                        if n > MAX_RESOURCES {
                            return Err(too_many());
                        }
                        reader.count.set(n);
                        let res: RawResource<'_> =
                            serde_json::from_str(text).map_err(|e| json_error(&e, &where_))?;
                        reader.push(res, None, || where_.clone())?;
                    }
                    None => {
                        return Err(parse_error(format!(
                            "{where_} is neither a FHIR resource, a Bundle nor null (no resourceType string)"
                        )))
                    }
                }
            }
        }
    }
    Ok(reader.out)
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A resource of the record (by position).
    InRecord(usize),
    /// `Type/id` of a resource not in the record.
    Named(String, String),
    /// Nothing: a `urn:` or `#` reference that resolves to nothing, or not a reference.
    Nothing,
}

/// Resolves references: relative `Type/id`, absolute `…/Type/id`, or
/// `urn:uuid:` through `fullUrl`, without a version (`/_history/n`).
pub struct Resolver<'r> {
    /// By `(type, id)`, borrowed from the resources.
    by_key: Index<(&'r str, &'r str)>,
    /// By `fullUrl`.
    by_url: Index<&'r str>,
    /// The last reference resolved and where it points (a record's
    /// references mostly name the same few resources, one after another).
    last: RefCell<Option<(String, Target)>>,
}

/// Keys with the positions of their resources. Indexed in record order, so
/// the first of equal keys (the one that counts) has the smallest position.
/// A short list is searched in order; a longer one is sorted (equal keys by
/// position) and bisected: no hashing, and no input makes a lookup slower
/// than that.
struct Index<K> {
    list: Vec<(K, usize)>,
    sorted: bool,
}

/// Longest list searched in order (a record's references resolve mostly to
/// a few resources, and the resolver remembers the last).
const SHORT: usize = 64;

impl<K: Ord + Copy> Index<K> {
    fn new(mut list: Vec<(K, usize)>) -> Index<K> {
        let sorted = list.len() > SHORT;
        if sorted {
            list.sort_unstable();
        }
        Index { list, sorted }
    }

    /// The position indexed first under the key that `is` recognises and
    /// `before` tells smaller keys of.
    fn find(&self, is: impl Fn(K) -> bool, before: impl Fn(K) -> bool) -> Option<usize> {
        if !self.sorted {
            return self.list.iter().find(|(k, _)| is(*k)).map(|(_, p)| *p);
        }
        let i = self.list.partition_point(|(k, _)| before(*k));
        self.list
            .get(i)
            .filter(|(k, _)| is(*k))
            .map(|(_, pos)| *pos)
    }
}

/// The type and id of a reference (relative or absolute, without a
/// version), as slices of it.
fn type_id(reference: &str) -> Option<(&str, &str)> {
    let bytes = reference.as_bytes();
    // (memchr first: most references have no `_`, and memmem sets up a searcher.)
    let version = match memchr::memchr(b'_', bytes) {
        Some(_) => memchr::memmem::find(bytes, b"/_history/"),
        None => None,
    };
    let r = match version {
        Some(i) => reference.get(..i)?,
        None => reference,
    };
    // The last two parts between slashes.
    let slash = memchr::memrchr(b'/', r.as_bytes())?;
    let id = r.get(slash + 1..)?;
    let before = r.get(..slash)?;
    let typ = match memchr::memrchr(b'/', before.as_bytes()) {
        Some(j) => before.get(j + 1..)?,
        None => before,
    };
    let valid_type = typ.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && typ.bytes().all(|b| b.is_ascii_alphanumeric());
    let valid_id = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    (valid_type && valid_id).then_some((typ, id))
}

impl<'r> Resolver<'r> {
    /// Indexes the resources of a record (borrowing their names).
    pub fn new(resources: &'r [Res<'_>]) -> Resolver<'r> {
        let mut by_key = Vec::with_capacity(resources.len());
        let mut by_url = Vec::new();
        for r in resources {
            if let Some(id) = &r.id {
                by_key.push(((&*r.rtype, &**id), r.pos));
            }
            if let Some(url) = &r.full_url {
                by_url.push((&**url, r.pos));
                if let Some(key @ (_, i)) = type_id(url) {
                    if r.id.is_none() || r.id.as_deref() == Some(i) {
                        by_key.push((key, r.pos));
                    }
                }
            }
        }
        Resolver {
            by_key: Index::new(by_key),
            by_url: Index::new(by_url),
            last: RefCell::new(None),
        }
    }

    /// Where `reference` points.
    pub fn resolve(&self, reference: &str) -> Target {
        if let Ok(mut last) = self.last.try_borrow_mut() {
            if let Some((text, target)) = &*last {
                if text == reference {
                    return target.clone();
                }
            }
            let target = self.resolve_anew(reference);
            *last = Some((reference.to_owned(), target.clone()));
            return target;
        }
        self.resolve_anew(reference)
    }

    fn resolve_anew(&self, reference: &str) -> Target {
        if reference.starts_with("urn:") || reference.starts_with('#') {
            let found = self.by_url.find(|k| k == reference, |k| k < reference);
            return match found {
                Some(i) => Target::InRecord(i),
                None => Target::Nothing,
            };
        }
        match type_id(reference) {
            Some((t, i)) => match self
                .by_key
                .find(|(a, b)| (a, b) == (t, i), |(a, b)| (a, b) < (t, i))
            {
                Some(pos) => Target::InRecord(pos),
                None => Target::Named(t.to_owned(), i.to_owned()),
            },
            None => Target::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::elems::Elems;
    use std::collections::HashMap;

    /// The resolver as it was written first (hash maps, the first indexed
    /// key kept), for comparison.
    fn reference_resolve(resources: &[Res<'_>], reference: &str) -> Target {
        let mut by_key = HashMap::new();
        let mut by_url = HashMap::new();
        for r in resources {
            if let Some(id) = &r.id {
                by_key.entry((&*r.rtype, &**id)).or_insert(r.pos);
            }
            if let Some(url) = &r.full_url {
                by_url.entry(&**url).or_insert(r.pos);
                if let Some(key @ (_, i)) = type_id(url) {
                    if r.id.is_none() || r.id.as_deref() == Some(i) {
                        by_key.entry(key).or_insert(r.pos);
                    }
                }
            }
        }
        if reference.starts_with("urn:") || reference.starts_with('#') {
            return by_url
                .get(reference)
                .map_or(Target::Nothing, |i| Target::InRecord(*i));
        }
        match type_id(reference) {
            Some((t, i)) => match by_key.get(&(t, i)) {
                Some(pos) => Target::InRecord(*pos),
                None => Target::Named(t.to_owned(), i.to_owned()),
            },
            None => Target::Nothing,
        }
    }

    #[test]
    fn the_resolver_finds_what_the_hash_maps_found_in_short_and_long_records() {
        for n in [5usize, 64, 65, 300] {
            let texts: Vec<(String, Option<String>, Option<String>)> = (0..n)
                .map(|i| {
                    let rtype = ["Patient", "Condition", "Observation"][i % 3].to_owned();
                    // Ids repeat (the first counts); some resources have none.
                    let id = (i % 7 != 0).then(|| format!("x{}", i % (n / 2 + 1)));
                    let url = match i % 4 {
                        0 => Some(format!("urn:uuid:{}", i % (n / 3 + 1))),
                        1 => Some(format!("https://h.example/fhir/{rtype}/x{}", i % 9)),
                        2 => Some(format!("{rtype}/y{i}/_history/2")),
                        _ => None,
                    };
                    (rtype, id, url)
                })
                .collect();
            let resources: Vec<Res<'_>> = texts
                .iter()
                .enumerate()
                .map(|(pos, (t, id, url))| {
                    Res::new(
                        pos,
                        Str(t.as_str().into()),
                        id.as_deref().map(|s| Str(s.into())),
                        url.as_deref().map(|s| Str(s.into())),
                        Elems::Refs(None, None),
                    )
                })
                .collect();
            let resolver = Resolver::new(&resources);
            let mut references: Vec<String> = Vec::new();
            for (t, id, url) in &texts {
                references.extend(id.iter().map(|id| format!("{t}/{id}")));
                references.extend(id.iter().map(|id| format!("http://a/{t}/{id}/_history/1")));
                references.extend(url.iter().cloned());
            }
            references.extend(
                ["urn:uuid:nothing", "#x", "Patient/none", "bad", "Device/x1"].map(String::from),
            );
            // Twice, in another order: the remembered last answer must not leak.
            let again: Vec<String> = references.iter().rev().cloned().collect();
            for r in references.iter().chain(&again) {
                assert_eq!(
                    resolver.resolve(r),
                    reference_resolve(&resources, r),
                    "{n}: {r}"
                );
            }
        }
    }
}
