//! Every static text C can be handed — wire names, summaries, rationales,
//! reasons, warning messages, stamps — as NUL-terminated strings, read from the
//! core once per process and kept for its lifetime.

use nettx_core::knowledge::{guideline_digest, GUIDELINE_ID, GUIDELINE_VERSION};
use nettx_core::{
    Category, Code, Complication, DiseaseState, Field, Goal, Histology, Intent, RuleId, Site,
    Source, SsaResponse, Strength, Urgency, Vocabulary, WarningCode, ENGINE_NAME,
};
use std::ffi::{c_char, CString};
use std::sync::OnceLock;

/// The static texts (see the module documentation).
pub(crate) struct Texts {
    pub site: Box<[CString]>,
    pub histology: Box<[CString]>,
    pub complication: Box<[CString]>,
    pub ssa_response: Box<[CString]>,
    pub fact: Box<[CString]>,
    pub disease_state: Box<[CString]>,
    pub goal: Box<[CString]>,
    pub strength: Box<[CString]>,
    pub intent: Box<[CString]>,
    pub urgency: Box<[CString]>,
    pub category: Box<[CString]>,
    pub field: Box<[CString]>,
    pub code: Box<[CString]>,
    pub warning: Box<[CString]>,
    pub source: Box<[CString]>,
    pub rule: Box<[CString]>,
    pub status: Box<[CString]>,
    /// `unknown`, the wire word for an unknown histology or SSA response.
    pub unknown: CString,
    /// Summary of each code, by code index.
    pub code_summary: Box<[CString]>,
    /// Effect of each rule (a recommendation's rationale), by rule index.
    pub rule_effect: Box<[CString]>,
    /// Message of each warning, by warning index.
    pub warning_message: Box<[CString]>,
    /// Reason a field is reported missing, by field index.
    pub missing_reason: Box<[CString]>,
    pub guideline_id: CString,
    pub guideline_version: CString,
    pub guideline_digest: CString,
    pub engine_name: CString,
}

/// A C string of `text`. Core texts hold no NUL (tested); if one ever did, it
/// would read as the empty string rather than fail.
fn c(text: &str) -> CString {
    CString::new(text).unwrap_or_default()
}

fn names<T: Vocabulary>() -> Box<[CString]> {
    T::ALL.iter().map(|v| c(v.as_str())).collect()
}

fn per<T: Vocabulary>(text: impl Fn(T) -> &'static str) -> Box<[CString]> {
    T::ALL.iter().map(|v| c(text(*v))).collect()
}

/// The texts, built on first use (thread-safe).
pub(crate) fn texts() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(|| Texts {
        site: names::<Site>(),
        histology: names::<Histology>(),
        complication: names::<Complication>(),
        ssa_response: names::<SsaResponse>(),
        fact: [c("unknown"), c("false"), c("true")].into(),
        disease_state: names::<DiseaseState>(),
        goal: names::<Goal>(),
        strength: names::<Strength>(),
        intent: names::<Intent>(),
        urgency: names::<Urgency>(),
        category: names::<Category>(),
        field: names::<Field>(),
        code: names::<Code>(),
        warning: names::<WarningCode>(),
        source: names::<Source>(),
        rule: names::<RuleId>(),
        status: crate::status::ALL_STATUSES
            .iter()
            .map(|s| c(s.name()))
            .collect(),
        unknown: c("unknown"),
        code_summary: per::<Code>(|code| code.spec().summary.as_ref()),
        rule_effect: per::<RuleId>(RuleId::effect),
        warning_message: per::<WarningCode>(WarningCode::message),
        missing_reason: per::<Field>(nettx_core::knowledge::missing_reason),
        guideline_id: c(GUIDELINE_ID),
        guideline_version: c(GUIDELINE_VERSION),
        guideline_digest: c(guideline_digest()),
        engine_name: c(ENGINE_NAME),
    })
}

/// The pointer C gets for entry `index` of `table`, or NULL when out of range.
pub(crate) fn at(table: &'static [CString], index: usize) -> *const c_char {
    table.get(index).map_or(std::ptr::null(), |s| s.as_ptr())
}
