//! The canonical form of a case and its digest.
//!
//! Canonical form: compact JSON of the known fields in the order of the
//! interface's table, unknown fields left out, complications deduplicated in
//! the order of their values list (left out when empty), numbers in the
//! shortest form that reads back to the same double, with a digit after the
//! point (`2.0`). The digest is the SHA-256 of that text, without `case_id`.

use crate::case::Case;
use crate::vocab::Field;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The yes/no facts in canonical order, with their wire names.
fn flags(f: &crate::case::Facts) -> [(&'static str, Option<bool>); 6] {
    [
        (Field::LocalSpread.as_str(), f.local_spread),
        (Field::Metastatic.as_str(), f.metastatic),
        (Field::HepaticMetastases.as_str(), f.hepatic),
        (Field::ExtrahepaticMetastases.as_str(), f.extrahepatic),
        (Field::MetastasesResectable.as_str(), f.resectable),
        (Field::CarcinoidSyndrome.as_str(), f.syndrome),
    ]
}

/// Serializes `case` in canonical order; `with_id` adds `case_id` first.
pub(crate) fn serialize_case<S: serde::Serializer>(
    case: &Case,
    with_id: bool,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let f = &case.facts;
    let mut s = serializer.serialize_struct("Case", 12)?;
    if with_id {
        if let Some(id) = &case.case_id {
            s.serialize_field("case_id", id)?;
        }
    }
    s.serialize_field("primary_site", &f.site)?;
    if let Some(v) = f.histology {
        s.serialize_field("histology", &v)?;
    }
    if let Some(v) = f.size_cm {
        s.serialize_field("tumor_size_cm", &v)?;
    }
    for (name, value) in flags(f) {
        if let Some(v) = value {
            s.serialize_field(name, &v)?;
        }
    }
    if !f.complications.is_empty() {
        s.serialize_field("complications", &ComplicationList(f.complications))?;
    }
    if let Some(v) = f.ssa_response {
        s.serialize_field("ssa_response", &v)?;
    }
    s.end()
}

struct ComplicationList(crate::case::Complications);

impl Serialize for ComplicationList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for c in self.0.iter() {
            seq.serialize_element(&c)?;
        }
        seq.end()
    }
}

/// The case as compact JSON (`with_id`: including `case_id`).
pub(crate) fn case_json(case: &Case, with_id: bool) -> String {
    let mut out = String::with_capacity(256);
    write_case(case, with_id, &mut out);
    out
}

/// Where the canonical text is written: a `String`, or [`StackText`].
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Room for the canonical text of a case without its id. Its length is
/// bounded (each field once, from fixed vocabularies and one double; a test
/// holds the longest case within it), so a digest needs no allocation.
const STACK_TEXT_BYTES: usize = 512;

/// The canonical text of a case without its id, on the stack.
struct StackText {
    buf: [u8; STACK_TEXT_BYTES],
    len: usize,
    /// Set if a write did not fit (never expected; the text is then written
    /// again into a `String`).
    overflow: bool,
}

impl StackText {
    fn new() -> Self {
        StackText {
            buf: [0; STACK_TEXT_BYTES],
            len: 0,
            overflow: false,
        }
    }

    /// The text written, or `None` if it did not fit.
    fn bytes(&self) -> Option<&[u8]> {
        if self.overflow {
            return None;
        }
        self.buf.get(..self.len)
    }
}

impl Sink for StackText {
    #[inline]
    fn put(&mut self, s: &str) {
        let end = self.len + s.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                self.len = end;
            }
            None => self.overflow = true,
        }
    }
}

/// Writes the canonical form straight into `out`: the same bytes as
/// [`serialize_case`] through `serde_json` (a test holds the two equal),
/// without its machinery. Keys and wire names never need an escape; the
/// size is written by serde_json's own float formatter (`zmij`).
fn write_case(case: &Case, with_id: bool, out: &mut String) {
    out.push('{');
    if with_id {
        if let Some(id) = &case.case_id {
            out.push_str("\"case_id\":");
            crate::json_out::string(out, id);
            out.push(',');
        }
    }
    write_facts(&case.facts, out);
}

/// The canonical form after its `{` and any `case_id`: the facts and the
/// closing `}`.
fn write_facts<S: Sink>(f: &crate::case::Facts, out: &mut S) {
    out.put("\"primary_site\":\"");
    out.put(f.site.as_str());
    out.put("\"");
    if let Some(v) = f.histology {
        out.put(",\"histology\":\"");
        out.put(v.as_str());
        out.put("\"");
    }
    if let Some(v) = f.size_cm {
        out.put(",\"tumor_size_cm\":");
        // A finite double (validated on build), in the form serde_json
        // writes (its own formatter; a test holds the two equal).
        out.put(zmij::Buffer::new().format_finite(v));
    }
    for (name, value) in flags(f) {
        if let Some(v) = value {
            out.put(",\"");
            out.put(name);
            out.put(if v { "\":true" } else { "\":false" });
        }
    }
    if !f.complications.is_empty() {
        out.put(",\"complications\":[");
        for (i, c) in f.complications.iter().enumerate() {
            if i > 0 {
                out.put(",");
            }
            out.put("\"");
            out.put(c.as_str());
            out.put("\"");
        }
        out.put("]");
    }
    if let Some(v) = f.ssa_response {
        out.put(",\"ssa_response\":\"");
        out.put(v.as_str());
        out.put("\"");
    }
    out.put("}");
}

/// SHA-256 (lowercase hex) of the canonical form without `case_id`.
pub(crate) fn case_digest(case: &Case) -> String {
    let mut out = String::with_capacity(64);
    push_case_digest(case, &mut out);
    out
}

/// Appends [`case_digest`] to `out`. The text is written on the stack (no
/// allocation per case, which a cohort of millions notices).
pub(crate) fn push_case_digest(case: &Case, out: &mut String) {
    let mut text = StackText::new();
    text.put("{");
    write_facts(&case.facts, &mut text);
    let digest = match text.bytes() {
        Some(bytes) => Sha256::digest(bytes),
        None => Sha256::digest(case_json(case, false).as_bytes()),
    };
    push_hex(&digest, out);
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&Sha256::digest(bytes), &mut out);
    out
}

/// Appends `bytes` (at most 32, a digest) in lowercase hex, in one copy.
fn push_hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // The index is below 16, so `get` always finds it (and is compiled
    // without a check).
    let digit = |n: u8| DIGITS.get(usize::from(n & 0xf)).copied().unwrap_or(b'0');
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(bytes) {
        if let [high, low] = pair {
            *high = digit(byte >> 4);
            *low = digit(byte & 0xf);
        }
    }
    let used = hex.get(..bytes.len().min(32) * 2).unwrap_or_default();
    // Hex digits are ASCII, so always UTF-8.
    out.push_str(std::str::from_utf8(used).unwrap_or_default());
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]
mod tests {
    use super::*;
    use crate::vocab::{Complication, Histology, Site, SsaResponse};

    struct ViaSerde<'a>(&'a Case, bool);

    impl Serialize for ViaSerde<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_case(self.0, self.1, serializer)
        }
    }

    /// The stack buffer of a digest holds an upper bound of the longest
    /// canonical text (409 bytes today; the true longest is a little
    /// shorter): every field known, each at its longest value,
    /// every complication, and a size of the longest form a double takes.
    #[test]
    fn the_longest_canonical_text_fits_on_the_stack() {
        fn longest<T: crate::vocab::Vocabulary>() -> usize {
            T::ALL.iter().map(|v| v.as_str().len()).max().unwrap()
        }
        let flags: usize = flags(&Case::builder(Site::ALL[0]).build().unwrap().facts)
            .iter()
            .map(|(name, _)| ",\"\":false".len() + name.len())
            .sum();
        let complications: usize = Complication::ALL
            .iter()
            .map(|c| ",\"\"".len() + c.as_str().len())
            .sum();
        let bound = "{\"primary_site\":\"\"".len()
            + longest::<Site>()
            + ",\"histology\":\"\"".len()
            + longest::<Histology>()
            + ",\"tumor_size_cm\":".len()
            + "-2.2250738585072014e-308".len()
            + flags
            + ",\"complications\":[]".len()
            + complications
            + ",\"ssa_response\":\"\"".len()
            + longest::<SsaResponse>()
            + "}".len();
        assert!(bound <= STACK_TEXT_BYTES, "{bound}");
    }

    /// A text that would not fit is reported, not cut (the digest then
    /// writes it into a `String`).
    #[test]
    fn a_stack_text_that_overflows_is_refused_whole() {
        let mut text = StackText::new();
        text.put("{");
        assert_eq!(text.bytes(), Some(&b"{"[..]));
        text.put(&"x".repeat(STACK_TEXT_BYTES));
        assert_eq!(text.bytes(), None);
    }

    /// The direct writer gives the bytes of the serde form, for every kind
    /// of value: each field unknown or known, sizes of every shape, ids
    /// that need escapes.
    #[test]
    fn the_direct_writer_writes_what_serde_writes() {
        let sizes = [
            None,
            Some(0.01),
            Some(0.1),
            Some(0.1 + 0.2),
            Some(1.0),
            Some(2.0),
            Some(2.5),
            Some(1.0 / 3.0),
            Some(1.0 / 7.0),
            Some(15.123456789),
            Some(29.999999999999996),
            Some(30.0),
        ];
        let flags = [None, Some(true), Some(false)];
        let mut n = 0;
        for (i, site) in Site::ALL.iter().enumerate() {
            for (j, size) in sizes.iter().enumerate() {
                for (k, flag) in flags.iter().enumerate() {
                    let mut b = Case::builder(*site)
                        .tumor_size_cm(*size)
                        .local_spread(*flag)
                        .carcinoid_syndrome(flags[(k + 1) % 3])
                        .metastases_resectable(flags[(k + 2) % 3])
                        .histology(
                            Histology::ALL
                                .get((i + j) % (Histology::ALL.len() + 1))
                                .copied(),
                        )
                        .ssa_response(
                            SsaResponse::ALL
                                .get((i + k) % (SsaResponse::ALL.len() + 1))
                                .copied(),
                        );
                    if k == 1 {
                        b = b
                            .complication(Complication::ALL[j % Complication::ALL.len()])
                            .complication(Complication::ALL[0]);
                    }
                    if j % 2 == 0 {
                        b = b.case_id(format!("id \"{i}\\{j}\u{1}é"));
                    }
                    let Ok(case) = b.build() else { continue };
                    for with_id in [false, true] {
                        let serde = serde_json::to_string(&ViaSerde(&case, with_id)).unwrap();
                        assert_eq!(case_json(&case, with_id), serde);
                    }
                    assert_eq!(
                        case_digest(&case),
                        hex_sha256(case_json(&case, false).as_bytes())
                    );
                    n += 1;
                }
            }
        }
        assert!(n >= 80, "{n}");
    }

    #[test]
    fn hex_digest_is_lowercase_sha256() {
        assert_eq!(
            hex_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
