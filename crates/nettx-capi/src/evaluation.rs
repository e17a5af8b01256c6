//! The typed API: `nettx_evaluate` and the opaque `nettx_evaluation` with
//! its accessors. Every value and text comes from the core's `Evaluation`.

use crate::case::{nettx_case, read_raw, to_core};
use crate::nettx_status;
use crate::texts::{at, texts};
use crate::util::{answer_json, code, failure_document, guard, Failure};
use nettx_core::{Evaluation, Missing, Recommendation, TraceEntry, Vocabulary, WarningCode};
use std::ffi::{c_char, c_int, CString};
use std::sync::OnceLock;

/// The evaluation of one case (opaque): made by `nettx_evaluate`, read with
/// the `nettx_evaluation_*` accessors, freed with `nettx_evaluation_free`.
///
/// It never changes once made, so any number of threads may read one
/// evaluation at the same time. Strings its accessors return stay valid until
/// it is freed.
pub struct nettx_evaluation {
    pub(crate) evaluation: Evaluation,
    case_id: Option<CString>,
    case_digest: OnceLock<CString>,
    trace_details: OnceLock<Box<[CString]>>,
}

impl nettx_evaluation {
    /// The core's evaluation behind the handle.
    pub(crate) fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }

    fn new(evaluation: Evaluation) -> Self {
        // A case_id from C holds no NUL; from anywhere else one could, and
        // would then read as absent rather than cut short.
        let case_id = evaluation.case_id().and_then(|id| CString::new(id).ok());
        nettx_evaluation {
            evaluation,
            case_id,
            case_digest: OnceLock::new(),
            trace_details: OnceLock::new(),
        }
    }

    fn recommendation(&self, index: usize) -> Option<&Recommendation> {
        self.evaluation.recommendations().get(index)
    }

    fn missing(&self, index: usize) -> Option<Missing> {
        self.evaluation.missing().nth(index)
    }

    fn warning(&self, index: usize) -> Option<WarningCode> {
        self.evaluation.warnings().nth(index)
    }

    fn trace(&self, index: usize) -> Option<&TraceEntry> {
        self.evaluation.trace().get(index)
    }
}

/// Runs `f` on the evaluation behind `ptr`, or gives `default` when `ptr` is
/// NULL (or `f` panics).
///
/// # Safety
///
/// `ptr` must be NULL or a live handle from `nettx_evaluate`.
unsafe fn with<T>(
    ptr: *const nettx_evaluation,
    default: T,
    f: impl FnOnce(&nettx_evaluation) -> T,
) -> T
where
    T: Copy,
{
    guard(default, || {
        // SAFETY: by the caller's contract `ptr` is NULL or a live handle made
        // by `nettx_evaluate` (a leaked Box), which nothing mutates; `as_ref`
        // turns NULL into `None`.
        match unsafe { ptr.as_ref() } {
            Some(e) => f(e),
            None => default,
        }
    })
}

fn index_of<T: Vocabulary>(value: Option<T>) -> i32 {
    value
        .and_then(|v| i32::try_from(v.index()).ok())
        .unwrap_or(-1)
}

/// Evaluates a typed case.
///
/// On success returns `NETTX_OK` and writes `*out` with a new evaluation that
/// the caller owns and frees with `nettx_evaluation_free`. On failure returns
/// the status (`NETTX_ERR_FIELD`, `NETTX_ERR_CONTRADICTION`, …), writes
/// nothing to `*out`, and, if `error_json` is not NULL, writes `*error_json`
/// with the error document (the same kind, field and message JSON input with
/// these values gets), a new string the caller frees with `nettx_string_free`.
/// `*error_json` is written only on failure. `error_json` may be NULL; `c` and
/// `out` may not (`NETTX_ERR_NULL_ARGUMENT`).
///
/// The case is read during the call only and never kept. Its `struct_size` is
/// read first, alone: a struct of another layout (`struct_size` other than
/// this library's `sizeof(nettx_case)`) is refused with `NETTX_ERR_PARSE`
/// without any other byte of it being read.
///
/// # Safety
///
/// `c` must be NULL or point to an initialised `nettx_case` whose `case_id`
/// is NULL or NUL-terminated (or, if its `struct_size` is not this library's
/// `sizeof(nettx_case)`, to at least that readable `struct_size`); `out` and
/// `error_json` must be NULL or point to writable pointers.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluate(
    c: *const nettx_case,
    out: *mut *mut nettx_evaluation,
    error_json: *mut *mut c_char,
) -> c_int {
    let result = guard(Err(Failure::panic()), || {
        if c.is_null() {
            return Err(Failure::null_argument("c (the case)"));
        }
        if out.is_null() {
            return Err(Failure::null_argument("out (where the evaluation goes)"));
        }
        // SAFETY: `c` is non-null and points to an initialised `nettx_case`
        // (at least its `struct_size`, read first) by the caller's contract.
        let raw = unsafe { read_raw(c) }?;
        // SAFETY: the case's `case_id` is NULL or NUL-terminated by contract.
        let case = unsafe { to_core(&raw) }?;
        let handle = Box::new(nettx_evaluation::new(nettx_core::evaluate(&case)));
        // SAFETY: `out` is non-null and points to a writable pointer by the
        // caller's contract; ownership of the Box passes to the caller.
        unsafe { out.write(Box::into_raw(handle)) };
        Ok(())
    });
    match result {
        Ok(()) => code(nettx_status::NETTX_OK),
        Err(failure) => {
            if !error_json.is_null() {
                let doc = guard(std::ptr::null_mut(), || failure_document(&failure));
                // SAFETY: `error_json` is non-null and points to a writable
                // pointer by the caller's contract.
                unsafe { error_json.write(doc) };
            }
            code(failure.status)
        }
    }
}

/// Frees an evaluation made by `nettx_evaluate`, with every string its
/// accessors returned. NULL is a no-op.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle from `nettx_evaluate`, not used
/// (by any thread) after this call, and freed only once.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_free(evaluation: *mut nettx_evaluation) {
    guard((), || {
        if !evaluation.is_null() {
            // SAFETY: a live handle from `nettx_evaluate` is a Box leaked with
            // `Box::into_raw`; the caller gives up every use of it.
            drop(unsafe { Box::from_raw(evaluation) });
        }
    })
}

/// Serializes an evaluation to its JSON document: the same bytes
/// `nettx_evaluate_json` gives for the same case.
///
/// Returns `NETTX_OK` and writes `*out_json` with a new string the caller
/// frees with `nettx_string_free`. If `evaluation` is NULL returns
/// `NETTX_ERR_NULL_ARGUMENT` and writes the error document to `*out_json`; if
/// `out_json` is NULL returns `NETTX_ERR_NULL_ARGUMENT` and writes nothing.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle; `out_json` must be NULL or point
/// to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_to_json(
    evaluation: *const nettx_evaluation,
    out_json: *mut *mut c_char,
) -> c_int {
    let produce = || {
        // SAFETY: `evaluation` is NULL or a live, unmutated handle by the
        // caller's contract.
        match unsafe { evaluation.as_ref() } {
            None => Err(Failure::null_argument("evaluation")),
            Some(e) => Ok(e.evaluation.to_json()),
        }
    };
    // SAFETY: `out_json` is NULL or writable by this function's contract.
    unsafe { answer_json(out_json, produce) }
}

/// The case's identifier, echoed; NULL if the case had none (or `evaluation`
/// is NULL). Owned by the evaluation: valid until `nettx_evaluation_free`.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_case_id(
    evaluation: *const nettx_evaluation,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.case_id
                .as_ref()
                .map_or(std::ptr::null(), |id| id.as_ptr())
        })
    }
}

/// SHA-256 (64 lowercase hex digits) of the case in canonical form, as in the
/// JSON output's `case_digest`. Owned by the evaluation: valid until
/// `nettx_evaluation_free`. NULL if `evaluation` is NULL. (Computed on first
/// call, about a quarter of a microsecond.)
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_case_digest(
    evaluation: *const nettx_evaluation,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.case_digest
                .get_or_init(|| CString::new(e.evaluation.case_digest()).unwrap_or_default())
                .as_ptr()
        })
    }
}

/// Whether the guideline covers the case: 1 yes, 0 no, -1 if `evaluation` is
/// NULL.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_in_scope(evaluation: *const nettx_evaluation) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, -1, |e| c_int::from(e.evaluation.in_scope())) }
}

/// The disease state after the step-0 inferences (a `nettx_disease_state`), or
/// -1 if `evaluation` is NULL.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_disease_state(
    evaluation: *const nettx_evaluation,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(Some(e.evaluation.disease_state()))
        })
    }
}

/// Number of goals of treatment (0 if `evaluation` is NULL).
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_goal_count(evaluation: *const nettx_evaluation) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, 0, |e| e.evaluation.goals().count()) }
}

/// Goal `index` (0-based, in output order) as a `nettx_goal`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_goal(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.evaluation.goals().nth(index))
        })
    }
}

/// Number of recommendations (0 if `evaluation` is NULL). They are in output
/// order: urgent first, then by strength, then in code-table order.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_count(
    evaluation: *const nettx_evaluation,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, 0, |e| e.evaluation.recommendations().len()) }
}

/// Code of recommendation `index` as a `nettx_code`, or -1 if `evaluation` is
/// NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_code(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.recommendation(index).map(Recommendation::code))
        })
    }
}

/// Wire name of the code of recommendation `index` (e.g. `"LOCAL_EXCISION"`):
/// a static string, never freed; NULL if `evaluation` is NULL or `index` is out
/// of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_code_name(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.recommendation(index)
                .map_or(std::ptr::null(), |r| at(&texts().code, r.code().index()))
        })
    }
}

/// Category of recommendation `index` as a `nettx_category`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_category(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.recommendation(index).map(Recommendation::category))
        })
    }
}

/// Strength of recommendation `index` as a `nettx_strength`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_strength(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.recommendation(index).map(Recommendation::strength))
        })
    }
}

/// Intent of recommendation `index` as a `nettx_intent`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_intent(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.recommendation(index).map(Recommendation::intent))
        })
    }
}

/// Urgency of recommendation `index` as a `nettx_urgency`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_urgency(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.recommendation(index).map(Recommendation::urgency))
        })
    }
}

/// One line saying what recommendation `index` recommends: a static string,
/// never freed; NULL if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_summary(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.recommendation(index).map_or(std::ptr::null(), |r| {
                at(&texts().code_summary, r.code().index())
            })
        })
    }
}

/// Why recommendation `index` is made for this case (the effect of the rule
/// that made it): a static string, never freed; NULL if `evaluation` is NULL
/// or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_rationale(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.recommendation(index).map_or(std::ptr::null(), |r| {
                at(&texts().rule_effect, r.rule().index())
            })
        })
    }
}

/// Number of sources (guideline statements and references) behind
/// recommendation `index`; 0 if `evaluation` is NULL or `index` is out of
/// range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_source_count(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, 0, |e| {
            e.recommendation(index).map_or(0, |r| r.sources().len())
        })
    }
}

/// Source `source_index` of recommendation `index` (e.g. `"S7"`, `"R2"`): a
/// static string, never freed; NULL if `evaluation` is NULL or an index is out
/// of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_recommendation_source(
    evaluation: *const nettx_evaluation,
    index: usize,
    source_index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.recommendation(index)
                .and_then(|r| r.sources().get(source_index))
                .map_or(std::ptr::null(), |s| at(&texts().source, s.index()))
        })
    }
}

/// Number of missing fields: facts a decision needed and did not have (0 if
/// `evaluation` is NULL).
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_missing_count(
    evaluation: *const nettx_evaluation,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, 0, |e| e.evaluation.missing().count()) }
}

/// Missing field `index` (in output order) as a `nettx_field`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_missing_field(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.missing(index).map(|m| m.field()))
        })
    }
}

/// Wire name of missing field `index` (e.g. `"tumor_size_cm"`): a static
/// string, never freed; NULL if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_missing_field_name(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.missing(index)
                .map_or(std::ptr::null(), |m| at(&texts().field, m.field().index()))
        })
    }
}

/// The decision missing field `index` blocks: a static string, never freed;
/// NULL if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_missing_reason(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.missing(index).map_or(std::ptr::null(), |m| {
                at(&texts().missing_reason, m.field().index())
            })
        })
    }
}

/// Number of safety warnings (0 if `evaluation` is NULL).
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_count(
    evaluation: *const nettx_evaluation,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, 0, |e| e.evaluation.warnings().count()) }
}

/// Warning `index` (in output order) as a `nettx_warning`, or -1 if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_code(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, -1, |e| index_of(e.warning(index))) }
}

/// Wire name of warning `index` (e.g. `"SSA_GALLSTONES"`): a static string,
/// never freed; NULL if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_code_name(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.warning(index)
                .map_or(std::ptr::null(), |w| at(&texts().warning, w.index()))
        })
    }
}

/// What warning `index` tells the clinician: a static string, never freed;
/// NULL if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_message(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.warning(index).map_or(std::ptr::null(), |w| {
                at(&texts().warning_message, w.index())
            })
        })
    }
}

/// Number of sources behind warning `index`; 0 if `evaluation` is NULL or
/// `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_source_count(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, 0, |e| {
            e.warning(index).map_or(0, |w| w.sources().len())
        })
    }
}

/// Source `source_index` of warning `index` (e.g. `"R2"`): a static string,
/// never freed; NULL if `evaluation` is NULL or an index is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_warning_source(
    evaluation: *const nettx_evaluation,
    index: usize,
    source_index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.warning(index)
                .and_then(|w| w.sources().get(source_index))
                .map_or(std::ptr::null(), |s| at(&texts().source, s.index()))
        })
    }
}

/// Number of trace entries: every rule consulted, in the order consulted (0 if
/// `evaluation` is NULL).
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_trace_count(
    evaluation: *const nettx_evaluation,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(evaluation, 0, |e| e.evaluation.trace().len()) }
}

/// The rule of trace entry `index`, as its position in `NETTX_VOCABULARY_RULE`
/// (name: `nettx_name(NETTX_VOCABULARY_RULE, value)`), or -1 if `evaluation` is
/// NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_trace_rule(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            index_of(e.trace(index).map(TraceEntry::rule))
        })
    }
}

/// Identifier of the rule of trace entry `index` (e.g.
/// `"localized.jejunum_ileum"`): a static string, never freed; NULL if
/// `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_trace_rule_id(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            e.trace(index)
                .map_or(std::ptr::null(), |t| at(&texts().rule, t.rule().index()))
        })
    }
}

/// Whether the rule of trace entry `index` fired (its condition held): 1 yes,
/// 0 no, -1 if `evaluation` is NULL or `index` is out of range.
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_trace_fired(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, -1, |e| {
            e.trace(index).map_or(-1, |t| c_int::from(t.fired()))
        })
    }
}

/// The facts the rule of trace entry `index` read, with their values when it
/// was consulted (e.g. `"metastatic=false, carcinoid_syndrome=unknown"`).
/// Owned by the evaluation: valid until `nettx_evaluation_free`. NULL if
/// `evaluation` is NULL or `index` is out of range. (The details of all entries
/// are formatted on the first call.)
///
/// # Safety
///
/// `evaluation` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nettx_evaluation_trace_detail(
    evaluation: *const nettx_evaluation,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(evaluation, std::ptr::null(), |e| {
            let details = e.trace_details.get_or_init(|| {
                e.evaluation
                    .trace()
                    .iter()
                    .map(|t| CString::new(t.detail().to_string()).unwrap_or_default())
                    .collect()
            });
            details.get(index).map_or(std::ptr::null(), |d| d.as_ptr())
        })
    }
}
