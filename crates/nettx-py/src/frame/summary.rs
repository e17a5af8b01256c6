//! Evaluating the rows of a [`Frame`] on all cores, and the `;`-joined
//! summary columns of `evaluate_frame`.

use super::rows::{Frame, IntMap};
use crate::batch::par_ranges;
use nettx::{Case, Code, Error, Field, Vocabulary, WarningCode};
use std::collections::HashMap;

/// What one evaluated row contributes to the result columns.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RowOut {
    /// Preferred codes in output order, 4 bits each (code index + 1).
    pub(crate) preferred: u64,
    /// All codes in output order, packed likewise.
    pub(crate) codes: u64,
    /// Missing fields, bit = field index.
    pub(crate) missing: u16,
    /// Warnings, bit = warning index.
    pub(crate) warnings: u16,
    pub(crate) disease: u8,
    pub(crate) flags: u8,
}

pub(crate) const OK: u8 = 1;
pub(crate) const IN_SCOPE: u8 = 2;
pub(crate) const URGENT: u8 = 4;

pub(crate) fn pack(codes: impl Iterator<Item = Code>) -> u64 {
    codes.fold(0, |key, c| (key << 4) | (c.index() as u64 + 1))
}

/// The codes of a packed list, in order.
pub(crate) fn unpack(mut key: u64) -> Vec<Code> {
    let mut out = Vec::new();
    while key != 0 {
        if let Some(c) = usize::try_from(key & 0xF)
            .ok()
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| Code::ALL.get(k))
        {
            out.push(*c);
        }
        key >>= 4;
    }
    out.reverse();
    out
}

/// The evaluated frame: one [`RowOut`] per row, the errors by row, and the
/// cases when kept.
pub(crate) struct Evaluated {
    pub(crate) outs: Vec<RowOut>,
    pub(crate) errors: Vec<(usize, Error)>,
    pub(crate) cases: Vec<Option<Case>>,
}

/// Builds, evaluates and summarises every row, on all cores.
pub(crate) fn evaluate_rows(frame: &Frame, keep_cases: bool) -> Evaluated {
    let n = frame.rows.len();
    let parts = par_ranges(n, |range| {
        let mut outs = Vec::with_capacity(range.len());
        let mut errors = Vec::new();
        let mut cases = Vec::with_capacity(if keep_cases { range.len() } else { 0 });
        for i in range {
            match frame.row_case(i) {
                Ok(case) => {
                    let ev = nettx::evaluate(&case);
                    let mut flags = OK;
                    if ev.in_scope() {
                        flags |= IN_SCOPE;
                    }
                    if ev.is_urgent() {
                        flags |= URGENT;
                    }
                    outs.push(RowOut {
                        preferred: pack(ev.preferred().map(|r| r.code())),
                        codes: pack(ev.recommendations().iter().map(|r| r.code())),
                        missing: ev
                            .missing()
                            .fold(0, |bits, m| bits | (1 << m.field().index())),
                        warnings: ev.warnings().fold(0, |bits, w| bits | (1 << w.index())),
                        disease: ev.disease_state().index() as u8,
                        flags,
                    });
                    if keep_cases {
                        cases.push(Some(case));
                    }
                }
                Err(e) => {
                    outs.push(RowOut::default());
                    errors.push((i, e));
                    if keep_cases {
                        cases.push(None);
                    }
                }
            }
        }
        (outs, errors, cases)
    });
    let mut all = Evaluated {
        outs: Vec::with_capacity(n),
        errors: Vec::new(),
        cases: Vec::with_capacity(if keep_cases { n } else { 0 }),
    };
    for (outs, errors, cases) in parts {
        all.outs.extend(outs);
        all.errors.extend(errors);
        all.cases.extend(cases);
    }
    all
}

/// Distinct values in order of first appearance, and each row's index into
/// them (-1 for none).
pub(crate) struct Dictionary<K> {
    pub(crate) index: IntMap<K, i32>,
    pub(crate) values: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Copy> Dictionary<K> {
    pub(crate) fn new() -> Self {
        Dictionary {
            index: IntMap::default(),
            values: Vec::new(),
        }
    }
    pub(crate) fn code(&mut self, key: K) -> i32 {
        if let Some(&c) = self.index.get(&key) {
            return c;
        }
        let c = i32::try_from(self.values.len()).unwrap_or(i32::MAX);
        self.values.push(key);
        self.index.insert(key, c);
        c
    }
}

pub(crate) fn join_codes(key: u64) -> String {
    let names: Vec<&str> = unpack(key).into_iter().map(Code::as_str).collect();
    names.join(";")
}

pub(crate) fn join_bits<T: Vocabulary>(bits: u16) -> String {
    let names: Vec<&str> = T::ALL
        .iter()
        .filter(|v| bits & (1 << v.index()) != 0)
        .map(|v| v.as_str())
        .collect();
    names.join(";")
}

pub(crate) fn bytes_of<T: Copy, const N: usize>(
    values: &[T],
    to_bytes: fn(T) -> [u8; N],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * N);
    for v in values {
        out.extend_from_slice(&to_bytes(*v));
    }
    out
}

/// The result columns, as packed arrays and lists of categories.
pub(crate) struct Columns {
    pub(crate) ok: Vec<u8>,
    pub(crate) in_scope: Vec<u8>,
    pub(crate) urgent: Vec<u8>,
    pub(crate) disease: Vec<i8>,
    pub(crate) preferred: (Vec<i32>, Vec<String>),
    pub(crate) codes: (Vec<i32>, Vec<String>),
    pub(crate) missing: (Vec<i32>, Vec<String>),
    pub(crate) warnings: (Vec<i32>, Vec<String>),
    pub(crate) error_message: (Vec<i32>, Vec<String>),
    pub(crate) error_kind: Vec<i8>,
    pub(crate) error_field: (Vec<i32>, Vec<String>),
}

/// Summarises the evaluated rows as result columns.
pub(crate) fn summarise(ev: &Evaluated) -> Columns {
    let n = ev.outs.len();
    let mut preferred = Dictionary::new();
    let mut codes = Dictionary::new();
    let mut missing = Dictionary::new();
    let mut warnings = Dictionary::new();
    let mut c = Columns {
        ok: Vec::with_capacity(n),
        in_scope: Vec::with_capacity(n),
        urgent: Vec::with_capacity(n),
        disease: Vec::with_capacity(n),
        preferred: (Vec::with_capacity(n), Vec::new()),
        codes: (Vec::with_capacity(n), Vec::new()),
        missing: (Vec::with_capacity(n), Vec::new()),
        warnings: (Vec::with_capacity(n), Vec::new()),
        error_message: (vec![-1; n], Vec::new()),
        error_kind: vec![-1; n],
        error_field: (vec![-1; n], Vec::new()),
    };
    for out in &ev.outs {
        let ok = out.flags & OK != 0;
        c.ok.push(u8::from(ok));
        c.in_scope.push(u8::from(out.flags & IN_SCOPE != 0));
        c.urgent.push(u8::from(out.flags & URGENT != 0));
        if ok {
            c.disease.push(out.disease as i8);
            c.preferred.0.push(preferred.code(out.preferred));
            c.codes.0.push(codes.code(out.codes));
            c.missing.0.push(missing.code(out.missing));
            c.warnings.0.push(warnings.code(out.warnings));
        } else {
            c.disease.push(-1);
            c.preferred.0.push(-1);
            c.codes.0.push(-1);
            c.missing.0.push(-1);
            c.warnings.0.push(-1);
        }
    }
    c.preferred.1 = preferred.values.iter().map(|k| join_codes(*k)).collect();
    c.codes.1 = codes.values.iter().map(|k| join_codes(*k)).collect();
    c.missing.1 = missing
        .values
        .iter()
        .map(|k| join_bits::<Field>(*k))
        .collect();
    c.warnings.1 = warnings
        .values
        .iter()
        .map(|k| join_bits::<WarningCode>(*k))
        .collect();

    let mut messages: HashMap<&str, i32> = HashMap::new();
    let mut fields: HashMap<&str, i32> = HashMap::new();
    for (row, e) in &ev.errors {
        let next = i32::try_from(messages.len()).unwrap_or(i32::MAX);
        let m = *messages.entry(e.message()).or_insert_with(|| {
            c.error_message.1.push(e.message().to_owned());
            next
        });
        if let Some(slot) = c.error_message.0.get_mut(*row) {
            *slot = m;
        }
        if let Some(slot) = c.error_kind.get_mut(*row) {
            *slot = e.kind().index() as i8;
        }
        if let Some(field) = e.field_name() {
            let next = i32::try_from(fields.len()).unwrap_or(i32::MAX);
            let f = *fields.entry(field).or_insert_with(|| {
                c.error_field.1.push(field.to_owned());
                next
            });
            if let Some(slot) = c.error_field.0.get_mut(*row) {
                *slot = f;
            }
        }
    }
    c
}
