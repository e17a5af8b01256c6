//! The compact JSON writer behind [`crate::Evaluation::to_json`].
//!
//! It writes the same bytes as the serde `Serialize` implementation (a test
//! compares the two over every conformance case and arbitrary cases), but
//! appends straight into one buffer, and copies the parts that depend only
//! on the guideline (a missing field with its reason, a warning with its
//! message and sources, most of a recommendation, the start of a trace
//! entry) from [`Fragments`] written once per guideline, already escaped.

use crate::case::Facts;
use crate::evaluation::{Evaluation, Recommendation, TraceEntry};
use crate::knowledge::{CodeSpec, Guideline, RuleId, WarningSpec};
use crate::vocab::{Code, Field, Source, WarningCode};
use std::fmt::{self, Write as _};

/// The evaluation JSON's pieces that depend only on the guideline, written
/// once when it is built (escaped as any text needs), by vocabulary index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fragments {
    /// `"guideline":{…},"engine":{…},`.
    pub(crate) stamps: String,
    /// Per code: `{"code":…,"category":…,"strength":` (the strength follows).
    code_head: Vec<String>,
    /// Per code: `,"intent":…,"urgency":` (the urgency follows).
    code_mid: Vec<String>,
    /// Per code: `,"summary":…,"rationale":` (the rule's rationale follows).
    code_summary: Vec<String>,
    /// Per code: `,"sources":[…]}`.
    code_tail: Vec<String>,
    /// Per rule: its rationale as a JSON string.
    rationale: Vec<String>,
    /// Per field: `{"field":…,"reason":…}`.
    missing: Vec<String>,
    /// Per warning: `{"code":…,"message":…,"sources":[…]}`.
    warnings: Vec<String>,
    /// Per rule: `{"rule":…,"fired":true,"detail":"` and the same with
    /// `false`.
    trace_head: Vec<[String; 2]>,
    /// Per rule: how its trace detail is written.
    details: Vec<Detail>,
    /// Per rule that reads only facts of few values (or none): its whole
    /// trace entry for every combination of their values.
    entries: Vec<Option<Entries>>,
}

/// Every trace entry a rule can write, when it reads only facts of few
/// values: indexed by the values' numbers (`Facts::value_index`) in mixed
/// radix, per outcome.
#[derive(Debug, Clone)]
struct Entries {
    /// The facts read, each with its place value in the index.
    fields: Vec<(Field, usize)>,
    /// `[fired, not fired]`: the entries, by index.
    texts: [Vec<String>; 2],
}

/// Most entries prepared for one rule and outcome.
const MAX_ENTRIES: usize = 243;

impl Entries {
    /// The entries of a rule that reads `reads`, written with `write` (the
    /// slow path's writer, so that the texts are the same); `None` if it
    /// reads a fact of many values or its combinations are too many.
    fn new(reads: &[Field], write: impl Fn(&mut String, bool, &Facts)) -> Option<Entries> {
        let base = Facts::example();
        let mut fields = Vec::with_capacity(reads.len());
        let mut count = 1usize;
        for field in reads {
            let (_, n) = base.value_index(*field)?;
            fields.push((*field, count));
            count = count.checked_mul(n).filter(|c| *c <= MAX_ENTRIES)?;
        }
        let texts = [true, false].map(|fired| {
            (0..count)
                .map(|index| {
                    let mut facts = base;
                    for (field, place) in &fields {
                        let n = base.value_index(*field).map_or(1, |(_, n)| n);
                        facts = facts.with_value(*field, index / place % n);
                    }
                    let mut text = String::new();
                    write(&mut text, fired, &facts);
                    text
                })
                .collect()
        });
        Some(Entries { fields, texts })
    }

    /// The entry of `e`, if prepared.
    #[inline]
    fn get(&self, e: &TraceEntry) -> Option<&str> {
        let mut index = 0;
        for (field, place) in &self.fields {
            index += e.facts.value_index(*field)?.0 * place;
        }
        self.texts
            .get(usize::from(!e.fired()))?
            .get(index)
            .map(String::as_str)
    }
}

/// The detail of a rule's trace entry (see `TraceEntry::write_detail`),
/// prepared: the JSON string body up to the closing `"}`.
#[derive(Debug, Clone)]
enum Detail {
    /// A rule that reads no fact: its condition, escaped.
    Fixed(String),
    /// A rule that reads facts: per fact, the text before its value
    /// (`field=`, then `, field=`).
    Reads(Vec<(Field, String)>),
}

impl Fragments {
    /// The fragments of `g` (whose stamps carry `digest`), made with the
    /// same writers and the same table lookups as the slow path.
    pub(crate) fn new(g: &Guideline, digest: &str) -> Fragments {
        let mut f = Fragments::pieces(g, digest);
        f.entries = RuleId::ALL
            .iter()
            .map(|&rule| {
                let reads = g.rule(rule).map_or(&[][..], |spec| &spec.reads[..]);
                Entries::new(reads, |out, fired, facts| {
                    let _ = write_entry(out, &f, rule, fired, facts);
                })
            })
            .collect();
        f
    }

    /// Every fragment but the prepared entries.
    fn pieces(g: &Guideline, digest: &str) -> Fragments {
        let piece = |write: &dyn Fn(&mut String)| {
            let mut s = String::new();
            write(&mut s);
            s
        };
        /// One fragment per value of a vocabulary, in its order.
        fn per<T: Copy>(all: &[T], write: impl Fn(&mut String, T)) -> Vec<String> {
            all.iter()
                .map(|&v| {
                    let mut s = String::new();
                    write(&mut s, v);
                    s
                })
                .collect()
        }
        let spec = |c: Code| g.code(c).unwrap_or(c.spec());
        Fragments {
            stamps: stamps(&g.id, &g.version, digest),
            code_head: per(Code::ALL, |out, c| code_head(out, c, spec(c))),
            code_mid: per(Code::ALL, |out, c| code_mid(out, spec(c))),
            code_summary: per(Code::ALL, |out, c| code_summary(out, &spec(c).summary)),
            code_tail: per(Code::ALL, |out, c| code_tail(out, &spec(c).sources)),
            rationale: per(RuleId::ALL, |out, r| {
                string(out, g.rule(r).map(|n| &*n.effect).unwrap_or(""))
            }),
            missing: per(Field::ALL, |out, f| {
                missing_item(out, f, g.missing_reason(f))
            }),
            warnings: per(WarningCode::ALL, |out, w| {
                warning(out, g.warning(w).unwrap_or(w.spec()))
            }),
            entries: Vec::new(),
            details: RuleId::ALL
                .iter()
                .map(|&r| match g.rule(r) {
                    None => Detail::Fixed(String::new()),
                    Some(spec) if spec.reads.is_empty() => {
                        Detail::Fixed(piece(&|out| raw_escaped(out, &spec.condition)))
                    }
                    Some(spec) => Detail::Reads(
                        spec.reads
                            .iter()
                            .enumerate()
                            .map(|(i, field)| {
                                let sep = if i > 0 { ", " } else { "" };
                                (
                                    *field,
                                    piece(&|out| {
                                        out.push_str(sep);
                                        raw_escaped(out, field.as_str());
                                        out.push('=');
                                    }),
                                )
                            })
                            .collect(),
                    ),
                })
                .collect(),
            trace_head: RuleId::ALL
                .iter()
                .map(|&r| [true, false].map(|fired| piece(&|out| trace_start(out, r, fired))))
                .collect(),
        }
    }
}

/// Appends a wire name of a vocabulary as a JSON string: quoted, not
/// escaped, as no wire name needs an escape (a test holds every one to that).
#[inline]
fn wire_name(out: &mut String, name: &str) {
    out.push('"');
    out.push_str(name);
    out.push('"');
}

/// Appends `s` as a JSON string (quoted and escaped).
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    raw_escaped(out, s);
    out.push('"');
}

/// Appends the escaped contents of `s`, without quotes.
fn raw_escaped(out: &mut String, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        return;
    }
    // Rare path: let serde_json escape, then drop its quotes.
    let quoted = serde_json::to_string(s).unwrap_or_default();
    out.push_str(
        quoted
            .get(1..quoted.len().saturating_sub(1))
            .unwrap_or_default(),
    );
}

/// Whether a JSON string body needs an escape: a control character, `"` or
/// `\`. Eight bytes at a time (the texts are long and almost never need
/// one); the byte tests are exact, never a false alarm.
#[inline]
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const SPACE: u64 = u64::from_ne_bytes([0x20; 8]);
    const QUOTE: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASH: u64 = u64::from_ne_bytes([b'\\'; 8]);
    // A byte of `v` is zero / below 0x20 (each test exact for "any byte").
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let has_control = |v: u64| v.wrapping_sub(SPACE) & !v & HIGH != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_ne_bytes(word);
        if has_control(v) || has_zero(v ^ QUOTE) || has_zero(v ^ BACKSLASH) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A `fmt::Write` that escapes what it is given into a JSON string body.
struct Escaping<'a>(&'a mut String);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        raw_escaped(self.0, s);
        Ok(())
    }
}

fn key(out: &mut String, first: bool, name: &str) {
    if !first {
        out.push(',');
    }
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
}

fn names<T: Copy>(out: &mut String, items: impl Iterator<Item = T>, name: fn(T) -> &'static str) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, name(item));
    }
    out.push(']');
}

fn sources(out: &mut String, list: &[Source]) {
    names(out, list.iter().copied(), Source::as_str);
}

/// `"guideline":{…},"engine":{…},` — the same for every evaluation made
/// with one guideline (which keeps it).
pub(crate) fn stamps(id: &str, version: &str, digest: &str) -> String {
    let mut s = String::new();
    s.push_str("\"guideline\":{\"id\":");
    string(&mut s, id);
    s.push_str(",\"version\":");
    string(&mut s, version);
    s.push_str(",\"digest\":");
    string(&mut s, digest);
    s.push_str("},\"engine\":{\"name\":");
    string(&mut s, crate::ENGINE_NAME);
    s.push_str(",\"version\":");
    string(&mut s, crate::ENGINE_VERSION);
    s.push_str("},");
    s
}

fn recommendation(out: &mut String, f: &Fragments, r: &Recommendation) {
    let code = r.code().index();
    let (Some(head), Some(mid), Some(summary), Some(tail), Some(rationale)) = (
        f.code_head.get(code),
        f.code_mid.get(code),
        f.code_summary.get(code),
        f.code_tail.get(code),
        f.rationale.get(r.rule().index()),
    ) else {
        return recommendation_slow(out, r);
    };
    out.push_str(head);
    wire_name(out, r.strength().as_str());
    out.push_str(mid);
    wire_name(out, r.urgency().as_str());
    out.push_str(summary);
    out.push_str(rationale);
    out.push_str(tail);
}

/// A recommendation written piece by piece, with the writers of its
/// fragments (for fragments that are missing, which a guideline built
/// through `assemble` never lacks).
fn recommendation_slow(out: &mut String, r: &Recommendation) {
    code_head(out, r.code(), r.spec());
    string(out, r.strength().as_str());
    code_mid(out, r.spec());
    string(out, r.urgency().as_str());
    code_summary(out, r.summary());
    string(out, r.rationale());
    code_tail(out, r.sources());
}

/// `{"code":…,"category":…,"strength":` (the strength follows).
fn code_head(out: &mut String, code: Code, spec: &CodeSpec) {
    out.push_str("{\"code\":");
    string(out, code.as_str());
    key(out, false, "category");
    string(out, spec.category.as_str());
    key(out, false, "strength");
}

/// `,"intent":…,"urgency":` (the urgency follows).
fn code_mid(out: &mut String, spec: &CodeSpec) {
    key(out, false, "intent");
    string(out, spec.intent.as_str());
    key(out, false, "urgency");
}

/// `,"summary":…,"rationale":` (the rule's rationale follows).
fn code_summary(out: &mut String, summary: &str) {
    key(out, false, "summary");
    string(out, summary);
    key(out, false, "rationale");
}

/// `,"sources":[…]}`.
fn code_tail(out: &mut String, list: &[Source]) {
    key(out, false, "sources");
    sources(out, list);
    out.push('}');
}

/// `{"field":…,"reason":…}`.
fn missing_item(out: &mut String, field: Field, reason: &str) {
    out.push_str("{\"field\":");
    string(out, field.as_str());
    key(out, false, "reason");
    string(out, reason);
    out.push('}');
}

/// `{"rule":…,"fired":…,"detail":"` (the detail follows).
fn trace_start(out: &mut String, rule: RuleId, fired: bool) {
    out.push_str("{\"rule\":");
    string(out, rule.as_str());
    out.push_str(if fired {
        ",\"fired\":true,\"detail\":\""
    } else {
        ",\"fired\":false,\"detail\":\""
    });
}

fn warning(out: &mut String, w: &WarningSpec) {
    out.push_str("{\"code\":");
    string(out, w.code.as_str());
    key(out, false, "message");
    string(out, &w.message);
    key(out, false, "sources");
    sources(out, &w.sources);
    out.push('}');
}

fn trace_entry(out: &mut String, f: &Fragments, e: &TraceEntry) {
    let rule = e.rule();
    let prepared = f
        .entries
        .get(rule.index())
        .and_then(Option::as_ref)
        .and_then(|entries| entries.get(e));
    if let Some(text) = prepared {
        out.push_str(text);
    } else if !write_entry(out, f, rule, e.fired(), &e.facts) {
        // No fragments for the rule (never for a guideline built through
        // `assemble`): written from the table.
        trace_start(out, rule, e.fired());
        let _ = write!(Escaping(out), "{}", e.detail());
        out.push_str("\"}");
    }
}

/// Writes a trace entry from the fragments of its rule; `false` (writing
/// nothing) when there are none.
fn write_entry(out: &mut String, f: &Fragments, rule: RuleId, fired: bool, facts: &Facts) -> bool {
    let (Some([yes, no]), Some(detail)) =
        (f.trace_head.get(rule.index()), f.details.get(rule.index()))
    else {
        return false;
    };
    out.push_str(if fired { yes } else { no });
    match detail {
        Detail::Fixed(text) => out.push_str(text),
        Detail::Reads(parts) => {
            for (field, prefix) in parts {
                out.push_str(prefix);
                // A value is a wire name, a number, `unknown`, `-` or wire
                // names joined by `+`: never an escape (wire names are held
                // to that by a test).
                let _ = facts.show(*field, out);
            }
        }
    }
    out.push_str("\"}");
    true
}

fn list<T>(out: &mut String, items: impl Iterator<Item = T>, mut each: impl FnMut(&mut String, T)) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

/// About the length of the evaluation's JSON, from the fragments it will
/// copy (so the buffer is allocated once and never moved as it grows).
pub(crate) fn size_hint(ev: &Evaluation, f: &Fragments) -> usize {
    let len = |list: &[String], i: usize| list.get(i).map_or(256, String::len);
    let recommendations: usize = ev
        .recommendations()
        .iter()
        .map(|r| {
            let c = r.code().index();
            len(&f.code_head, c)
                + len(&f.code_mid, c)
                + len(&f.code_summary, c)
                + len(&f.code_tail, c)
                + len(&f.rationale, r.rule().index())
                + 32
        })
        .sum();
    let missing: usize = ev
        .missing()
        .map(|m| len(&f.missing, m.field().index()) + 1)
        .sum();
    let warnings: usize = ev.warnings().map(|w| len(&f.warnings, w.index()) + 1).sum();
    let trace = ev.trace().len() * 128;
    let goals: usize = ev.goals().map(|g| g.as_str().len() + 3).sum();
    // An escaped case_id is at most six bytes per byte (`\u00XX`).
    let id = ev.case_id().map_or(0, |id| id.len() * 6 + 16);
    // The keys, the digest, in_scope and disease_state: under 320 bytes.
    f.stamps.len() + 320 + goals + id + recommendations + missing + warnings + trace
}

/// The evaluation as compact JSON, keys in the interface's order.
pub(crate) fn evaluation(ev: &Evaluation) -> String {
    let mut out = String::new();
    write_evaluation(ev, &mut out);
    out
}

/// Appends the evaluation as compact JSON to `out`, keys in the interface's
/// order.
pub(crate) fn write_evaluation(ev: &Evaluation, out: &mut String) {
    let f = ev.guideline().fragments();
    out.reserve(size_hint(ev, f));
    out.push('{');
    if let Some(id) = ev.case_id() {
        out.push_str("\"case_id\":");
        string(out, id);
        out.push(',');
    }
    out.push_str(&f.stamps);
    key(out, true, "case_digest");
    out.push('"');
    crate::canonical::push_case_digest(ev.case(), out);
    out.push('"');
    key(out, false, "in_scope");
    out.push_str(if ev.in_scope() { "true" } else { "false" });
    key(out, false, "disease_state");
    wire_name(out, ev.disease_state().as_str());
    key(out, false, "goals");
    out.push('[');
    for (i, goal) in ev.goals().enumerate() {
        if i > 0 {
            out.push(',');
        }
        wire_name(out, goal.as_str());
    }
    out.push(']');
    key(out, false, "recommendations");
    list(out, ev.recommendations().iter(), |out, r| {
        recommendation(out, f, r)
    });
    key(out, false, "missing");
    list(out, ev.missing(), |out, m| {
        match f.missing.get(m.field().index()) {
            Some(fragment) => out.push_str(fragment),
            None => missing_item(out, m.field(), m.reason()),
        }
    });
    key(out, false, "warnings");
    list(out, ev.warnings(), |out, w| {
        match f.warnings.get(w.index()) {
            Some(fragment) => out.push_str(fragment),
            None => warning(out, ev.guideline().warning(w).unwrap_or(w.spec())),
        }
    });
    key(out, false, "trace");
    list(out, ev.trace().iter(), |out, e| trace_entry(out, f, e));
    out.push('}');
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used, reason = "test code")]
mod escape_tests {
    use super::needs_escape;

    #[test]
    fn trace_details_pushed_equal_those_displayed() {
        use crate::vocab::{Complication, Histology, Site, SsaResponse};
        let mut seen = 0;
        for (i, site) in Site::ALL.iter().enumerate() {
            for size in [
                None,
                Some(0.5),
                Some(1.0),
                Some(2.0),
                Some(2.5),
                Some(1.0 / 3.0),
            ] {
                for flag in [None, Some(true), Some(false)] {
                    let mut b = crate::Case::builder(*site)
                        .tumor_size_cm(size)
                        .metastatic(flag)
                        .local_spread(flag.map(|f| !f))
                        .carcinoid_syndrome(flag)
                        .histology(Histology::ALL.get(i % Histology::ALL.len()).copied())
                        .ssa_response(SsaResponse::ALL.get(i % SsaResponse::ALL.len()).copied());
                    if flag == Some(true) {
                        b = b
                            .hepatic_metastases(true)
                            .complication(Complication::ALL[i % Complication::ALL.len()])
                            .complication(Complication::ALL[(i + 2) % Complication::ALL.len()]);
                    }
                    let Ok(case) = b.build() else { continue };
                    for e in crate::evaluate(&case).trace() {
                        let mut pushed = String::new();
                        e.write_detail(&mut pushed).unwrap();
                        assert_eq!(pushed, e.detail().to_string());
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 500, "{seen}");
    }

    /// A table whose texts need escapes (quotes, a backslash, a newline)
    /// still gives valid JSON holding those texts exactly.
    #[test]
    fn texts_that_need_escapes_are_escaped() {
        use crate::knowledge::Guideline;
        let builtin = Guideline::builtin();
        let case = crate::Case::builder(crate::vocab::Site::Ileum)
            .tumor_size_cm(2.5)
            .build()
            .unwrap();
        let first = crate::evaluate(&case);
        let summary = first.recommendations()[0].summary();
        let reason = first.missing().next().unwrap().reason();
        let odd_summary = format!("{summary} \"quoted\" C:\\path\nnext line");
        let odd_reason = format!("{reason} \u{1}");
        let json = builtin
            .to_json()
            .replacen(
                &serde_json::to_string(summary).unwrap(),
                &serde_json::to_string(&odd_summary).unwrap(),
                1,
            )
            .replacen(
                &serde_json::to_string(reason).unwrap(),
                &serde_json::to_string(&odd_reason).unwrap(),
                1,
            );
        let custom = Guideline::from_json(&json).unwrap().leak();
        let out: serde_json::Value =
            serde_json::from_str(&custom.evaluate(&case).to_json()).unwrap();
        assert_eq!(out["recommendations"][0]["summary"], odd_summary.as_str());
        assert_eq!(out["missing"][0]["reason"], odd_reason.as_str());
    }

    /// A value number gives back its value, for every field of few values.
    #[test]
    fn value_numbers_round_trip() {
        use crate::case::Facts;
        use crate::vocab::Field;
        let base = Facts::example();
        let mut fields = 0;
        for field in Field::ALL {
            let Some((_, n)) = base.value_index(*field) else {
                continue;
            };
            fields += 1;
            for i in 0..n {
                assert_eq!(
                    base.with_value(*field, i).value_index(*field),
                    Some((i, n)),
                    "{field} {i}"
                );
            }
        }
        assert_eq!(fields, 9);
    }

    /// Two thirds of the built-in rules have their entries prepared (so
    /// the random-case comparison with serde covers the prepared path).
    #[test]
    fn most_trace_entries_are_prepared() {
        let f = crate::knowledge::Guideline::builtin().fragments();
        let prepared = f.entries.iter().flatten().count();
        assert!(
            prepared * 3 >= f.entries.len() * 2,
            "{prepared} of {}",
            f.entries.len()
        );
    }

    /// The field-by-field writers (kept for fragments that are missing)
    /// write what the fragments hold.
    #[test]
    fn slow_writers_write_the_fragments() {
        use super::*;
        use crate::vocab::Site;
        let g = Guideline::builtin();
        let f = g.fragments();
        let mut recommendations = 0;
        for site in Site::ALL {
            for metastatic in [None, Some(true), Some(false)] {
                let case = crate::Case::builder(*site)
                    .metastatic(metastatic)
                    .build()
                    .unwrap();
                let ev = crate::evaluate(&case);
                for r in ev.recommendations() {
                    let (mut fast, mut slow) = (String::new(), String::new());
                    recommendation(&mut fast, f, r);
                    recommendation_slow(&mut slow, r);
                    assert_eq!(fast, slow);
                    recommendations += 1;
                }
                for m in ev.missing() {
                    let mut slow = String::new();
                    missing_item(&mut slow, m.field(), m.reason());
                    assert_eq!(f.missing[m.field().index()], slow);
                }
            }
        }
        assert!(recommendations > 10, "{recommendations}");
    }

    /// The writer copies wire names without escaping them.
    #[test]
    fn no_wire_name_needs_an_escape() {
        use crate::vocab::*;
        fn check<T: Vocabulary>() {
            for v in T::ALL {
                let name = v.as_str();
                assert!(!needs_escape(name.as_bytes()), "{name}");
                assert!(!name.contains('+'), "{name}");
            }
        }
        check::<Site>();
        check::<Histology>();
        check::<SsaResponse>();
        check::<Complication>();
        check::<Field>();
        check::<Code>();
        check::<Category>();
        check::<Strength>();
        check::<Intent>();
        check::<Urgency>();
        check::<Goal>();
        check::<DiseaseState>();
        check::<WarningCode>();
        check::<crate::knowledge::RuleId>();
        check::<Source>();
    }

    #[test]
    fn needs_escape_is_exact_at_every_position() {
        let reference = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        for len in 0..24 {
            for pos in 0..len {
                for byte in 0u8..=255 {
                    let mut text = vec![b'a'; len];
                    text[pos] = byte;
                    assert_eq!(
                        needs_escape(&text),
                        reference(&text),
                        "{byte:#x} at {pos} of {len}"
                    );
                }
            }
        }
        assert!(!needs_escape("Résection – ≥ 2 cm".as_bytes()));
        // Random texts mixing every kind of byte, several specials together.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let text: Vec<u8> = (0..len)
                .map(|i| {
                    let r = state.rotate_left(i as u32 * 7);
                    [
                        0x00, 0x1f, 0x20, 0x21, b'"', 0x23, 0x5b, b'\\', 0x5d, 0x7f, 0x80, 0xff,
                        b'a',
                    ][(r % 13) as usize]
                })
                .collect();
            assert_eq!(needs_escape(&text), reference(&text), "{text:?}");
        }
    }
}
