//! The closed vocabularies of the output as C enums, and the names of every
//! value of every vocabulary (input, output and status).
//!
//! The numeric value of each enum constant is the value's position in the
//! core's list (`index()`), which is also the interface's order; the names are
//! the core's wire names.

use crate::texts::{at, texts};
use crate::util::{code, guard, read_bounded};
use crate::{nettx_histology, nettx_ssa_response, nettx_status};
use std::ffi::{c_char, c_int, CString};

/// Stage of the disease after the step-0 inferences.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_disease_state {
    /// `localized`: no distant metastasis.
    Localized = 0,
    /// `metastatic`: distant metastases present.
    Metastatic = 1,
    /// `undetermined`: metastatic status unknown.
    Undetermined = 2,
}

/// An aim of treatment (statement S0).
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_goal {
    /// `symptom_control`.
    SymptomControl = 0,
    /// `tumor_growth_control`.
    TumorGrowthControl = 1,
    /// `biochemical_control`: control of hormone secretion.
    BiochemicalControl = 2,
    /// `cure`.
    Cure = 3,
}

/// How strongly the guideline backs a recommendation.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_strength {
    /// `preferred`: the guideline's choice.
    Preferred = 0,
    /// `alternative`: acceptable, but another recommendation is preferred.
    Alternative = 1,
    /// `option`: may be considered.
    Option = 2,
}

/// What a recommendation aims to achieve.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_intent {
    /// `curative`.
    Curative = 0,
    /// `cytoreductive`.
    Cytoreductive = 1,
    /// `symptom_control`.
    SymptomControl = 2,
    /// `complication_relief`.
    ComplicationRelief = 3,
    /// `diagnostic`.
    Diagnostic = 4,
}

/// How soon a recommendation should be acted on.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_urgency {
    /// `urgent`: a complication is present.
    Urgent = 0,
    /// `elective`: planned.
    Elective = 1,
}

/// Kind of a recommendation.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_category {
    /// `surgery`.
    Surgery = 0,
    /// `medical`.
    Medical = 1,
    /// `workup`.
    Workup = 2,
    /// `referral`.
    Referral = 3,
}

/// The fields of a case, in the order of the interface's table.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_field {
    /// `case_id`.
    CaseId = 0,
    /// `primary_site`.
    PrimarySite = 1,
    /// `histology`.
    Histology = 2,
    /// `tumor_size_cm`.
    TumorSizeCm = 3,
    /// `local_spread`.
    LocalSpread = 4,
    /// `metastatic`.
    Metastatic = 5,
    /// `hepatic_metastases`.
    HepaticMetastases = 6,
    /// `extrahepatic_metastases`.
    ExtrahepaticMetastases = 7,
    /// `metastases_resectable`.
    MetastasesResectable = 8,
    /// `carcinoid_syndrome`.
    CarcinoidSyndrome = 9,
    /// `complications`.
    Complications = 10,
    /// `ssa_response`.
    SsaResponse = 11,
}

/// A recommendation code (the name of each constant after `NETTX_CODE_` is the
/// code's stable wire name).
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_code {
    /// Urgent segmental resection for a complication.
    UrgentSegmentalResection = 0,
    /// Local excision of a small tumour.
    LocalExcision = 1,
    /// Resection of jejunum/ileum with its mesentery.
    SmallBowelResectionWithMesentery = 2,
    /// Partial colectomy with lymphadenectomy.
    PartialColectomyWithLymphadenectomy = 3,
    /// Oncologic resection whose extent follows the tumour.
    OncologicResection = 4,
    /// Cytoreductive surgery.
    CytoreductiveSurgery = 5,
    /// Resection of liver metastases.
    LiverResection = 6,
    /// Somatostatin analogue.
    SomatostatinAnalog = 7,
    /// Everolimus.
    Everolimus = 8,
    /// Interferon alpha.
    InterferonAlpha = 9,
    /// Complete the staging.
    CompleteStaging = 10,
    /// Assess resectability of the metastases.
    AssessResectability = 11,
    /// Refer to a multidisciplinary tumour board.
    MultidisciplinaryReview = 12,
}

/// A safety warning code (the name of each constant after `NETTX_WARNING_` is
/// the code's stable wire name).
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_warning {
    /// Histology unknown: a well-differentiated tumour is assumed.
    HistologyAssumed = 0,
    /// Carcinoid syndrome without metastases.
    SyndromeWithoutMetastases = 1,
    /// Surgery in a patient with carcinoid syndrome.
    CarcinoidCrisisRisk = 2,
    /// Surgery in a patient on, or about to start, a somatostatin analogue.
    SsaGallstones = 3,
    /// Everolimus evidence in carcinoid syndrome.
    EverolimusEvidence = 4,
    /// Interferon toxicity.
    InterferonToxicity = 5,
    /// Local excision of a duodenal tumour.
    PeriampullaryCheck = 6,
    /// Rectal tumour of 1–2 cm.
    RectalIntermediateSize = 7,
    /// Antiproliferative SSA use is beyond the source.
    AntiproliferativeSsaNotCovered = 8,
    /// Symptoms worsening on an SSA in metastatic disease (guideline 1.1.0).
    RefractorySyndromeOptions = 9,
    /// A bleeding tumour: haemostasis usually comes first (guideline 1.1.0).
    BleedingHaemostasisFirst = 10,
    /// A perforation: a primary anastomosis may be unsafe (guideline 1.1.0).
    PerforationContamination = 11,
}

/// A vocabulary whose values have names: the argument of `nettx_name`,
/// `nettx_value` and `nettx_vocabulary_size`.
///
/// `NETTX_VOCABULARY_SOURCE` (statements S0–S14, references R1–R9) and
/// `NETTX_VOCABULARY_RULE` (decision rules) have no C enum: their values are
/// positions in the core's tables, as returned by the accessors.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_vocabulary {
    /// `nettx_site`.
    Site = 0,
    /// `nettx_histology` (`NETTX_HISTOLOGY_UNKNOWN` is named `"unknown"`).
    Histology = 1,
    /// `nettx_complication`.
    Complication = 2,
    /// `nettx_ssa_response` (`NETTX_SSA_RESPONSE_UNKNOWN` is named `"unknown"`).
    SsaResponse = 3,
    /// `nettx_fact`: `"unknown"`, `"false"`, `"true"`.
    Fact = 4,
    /// `nettx_disease_state`.
    DiseaseState = 5,
    /// `nettx_goal`.
    Goal = 6,
    /// `nettx_strength`.
    Strength = 7,
    /// `nettx_intent`.
    Intent = 8,
    /// `nettx_urgency`.
    Urgency = 9,
    /// `nettx_category`.
    Category = 10,
    /// `nettx_field`.
    Field = 11,
    /// `nettx_code`.
    Code = 12,
    /// `nettx_warning`.
    Warning = 13,
    /// Statements and references cited as sources (`"S0"` … `"R7"`).
    Source = 14,
    /// Decision rules, as named in the trace (`"infer.metastatic_from_site"`, …).
    Rule = 15,
    /// `nettx_status`: `"ok"`, `"parse"`, `"field"`, `"contradiction"`,
    /// `"internal"`, `"null_argument"`, `"panic"`.
    Status = 16,
}

/// The names of a vocabulary, and the value (if any) named `"unknown"`.
fn table(vocabulary: i32) -> Option<(&'static [CString], Option<i32>)> {
    let t = texts();
    Some(match vocabulary {
        0 => (&t.site, None),
        1 => (&t.histology, Some(nettx_histology::Unknown as i32)),
        2 => (&t.complication, None),
        3 => (&t.ssa_response, Some(nettx_ssa_response::Unknown as i32)),
        4 => (&t.fact, None),
        5 => (&t.disease_state, None),
        6 => (&t.goal, None),
        7 => (&t.strength, None),
        8 => (&t.intent, None),
        9 => (&t.urgency, None),
        10 => (&t.category, None),
        11 => (&t.field, None),
        12 => (&t.code, None),
        13 => (&t.warning, None),
        14 => (&t.source, None),
        15 => (&t.rule, None),
        16 => (&t.status, None),
        _ => return None,
    })
}

/// The stable name of `value` in `vocabulary` (a `nettx_vocabulary`): the
/// interface's wire name, e.g. `nettx_name(NETTX_VOCABULARY_CODE,
/// NETTX_CODE_LOCAL_EXCISION)` is `"LOCAL_EXCISION"`.
///
/// Returns a static string (never freed, valid for the life of the process),
/// or NULL if the vocabulary or the value is not one of the library's.
/// `NETTX_SITE_NONE` has no name.
#[no_mangle]
pub extern "C" fn nettx_name(vocabulary: i32, value: i32) -> *const c_char {
    guard(std::ptr::null(), || match table(vocabulary) {
        None => std::ptr::null(),
        Some((_, Some(unknown))) if value == unknown => texts().unknown.as_ptr(),
        Some((names, _)) => usize::try_from(value).map_or(std::ptr::null(), |i| at(names, i)),
    })
}

/// The number of named values of `vocabulary` (a `nettx_vocabulary`), which
/// are numbered from 0; 0 if the vocabulary is not one of the library's. The
/// unknown values (-1) are not counted.
#[no_mangle]
pub extern "C" fn nettx_vocabulary_size(vocabulary: i32) -> usize {
    guard(0, || table(vocabulary).map_or(0, |(names, _)| names.len()))
}

/// Looks a name up in `vocabulary` (a `nettx_vocabulary`): the inverse of
/// `nettx_name`, exact and case-sensitive, e.g. `"ileum"` in
/// `NETTX_VOCABULARY_SITE` is `NETTX_SITE_ILEUM`, and `"unknown"` in
/// `NETTX_VOCABULARY_HISTOLOGY` is `NETTX_HISTOLOGY_UNKNOWN`.
///
/// Returns `NETTX_OK` and writes `*out_value`; `NETTX_ERR_FIELD` if the name is
/// not one of the vocabulary's (or the vocabulary is not one of the library's);
/// `NETTX_ERR_NULL_ARGUMENT` if `name` or `out_value` is NULL. `*out_value` is
/// written only on success.
///
/// # Safety
///
/// `name` must be NULL or a NUL-terminated string (at most 257 bytes of it are
/// read); `out_value` must be NULL or point to a writable `int32_t`.
#[no_mangle]
pub unsafe extern "C" fn nettx_value(
    vocabulary: i32,
    name: *const c_char,
    out_value: *mut i32,
) -> c_int {
    guard(code(nettx_status::NETTX_ERR_PANIC), || {
        if name.is_null() || out_value.is_null() {
            return code(nettx_status::NETTX_ERR_NULL_ARGUMENT);
        }
        // SAFETY: `name` is non-null and NUL-terminated by the caller's
        // contract; the slice is used only during this call.
        let Ok(bytes) = (unsafe { read_bounded(name, 256) }) else {
            return code(nettx_status::NETTX_ERR_FIELD);
        };
        let Some((names, unknown)) = table(vocabulary) else {
            return code(nettx_status::NETTX_ERR_FIELD);
        };
        let found = match unknown {
            Some(unknown) if bytes == b"unknown" => Some(unknown),
            _ => names
                .iter()
                .position(|n| n.as_bytes() == bytes)
                .and_then(|i| i32::try_from(i).ok()),
        };
        match found {
            Some(value) => {
                // SAFETY: `out_value` is non-null and points to a writable
                // `int32_t` by the caller's contract.
                unsafe { out_value.write(value) };
                code(nettx_status::NETTX_OK)
            }
            None => code(nettx_status::NETTX_ERR_FIELD),
        }
    })
}

/// The name of a `nettx_status` value: `nettx_name(NETTX_VOCABULARY_STATUS,
/// status)`. Returns a static string, or NULL for a value that is not a status.
#[no_mangle]
pub extern "C" fn nettx_status_name(status: c_int) -> *const c_char {
    nettx_name(nettx_vocabulary::Status as i32, status)
}

/// Identifier of the guideline this library implements
/// (`"intestinal-net-treatment"`, the `guideline.id` of every evaluation).
/// Static string, never freed.
#[no_mangle]
pub extern "C" fn nettx_guideline_id() -> *const c_char {
    guard(std::ptr::null(), || texts().guideline_id.as_ptr())
}

/// Version of the guideline knowledge (the `guideline.version` of every
/// evaluation). Static string, never freed.
#[no_mangle]
pub extern "C" fn nettx_guideline_version() -> *const c_char {
    guard(std::ptr::null(), || texts().guideline_version.as_ptr())
}

/// SHA-256 (lowercase hex) of the rule table (the `guideline.digest` of every
/// evaluation). Static string, never freed.
#[no_mangle]
pub extern "C" fn nettx_guideline_digest() -> *const c_char {
    guard(std::ptr::null(), || texts().guideline_digest.as_ptr())
}

/// Name of the engine (`"nettx"`, the `engine.name` of every evaluation; its
/// `engine.version` is `nettx_version()`). Static string, never freed.
#[no_mangle]
pub extern "C" fn nettx_engine_name() -> *const c_char {
    guard(std::ptr::null(), || texts().engine_name.as_ptr())
}
