//! The result of evaluating a case: recommendations, missing data, warnings,
//! goals and the trace, with the stamps an audit log needs.
//!
//! Texts are not copied into an evaluation: each item holds codes, and its
//! texts and citations are read from the rule table when asked for or
//! serialized.

use crate::case::{Case, Facts};
use crate::knowledge::{CodeSpec, Guideline, RuleId, WarningSpec};
use crate::vocab::{
    Category, Code, DiseaseState, Field, Goal, Intent, Set, Source, Strength, Urgency, WarningCode,
};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::OnceLock;

/// Name of the engine, as stamped in every evaluation.
pub const ENGINE_NAME: &str = "nettx";
/// Version of the engine (the crate version), as stamped in every evaluation.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One recommendation of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    pub(crate) guideline: &'static Guideline,
    pub(crate) code: Code,
    pub(crate) strength: Strength,
    pub(crate) urgency: Urgency,
    pub(crate) rule: RuleId,
}

impl Recommendation {
    /// The entry of this code in the guideline that made it.
    pub(crate) fn spec(&self) -> &'static CodeSpec {
        self.guideline.code(self.code).unwrap_or(self.code.spec())
    }
    /// The recommendation code.
    pub fn code(&self) -> Code {
        self.code
    }
    /// Surgery, medical, workup or referral.
    pub fn category(&self) -> Category {
        self.spec().category
    }
    /// Preferred, alternative or option.
    pub fn strength(&self) -> Strength {
        self.strength
    }
    /// What it aims at.
    pub fn intent(&self) -> Intent {
        self.spec().intent
    }
    /// Urgent or elective.
    pub fn urgency(&self) -> Urgency {
        self.urgency
    }
    /// A short title of the code (under 100 characters) from the rule
    /// table, e.g. for the summary of a CDS Hooks card.
    ///
    /// ```
    /// use nettx::{Case, Site};
    /// let case = Case::builder(Site::Ileum).metastatic(false).build()?;
    /// let evaluation = nettx::evaluate(&case);
    /// let title = evaluation.recommendations()[0].title();
    /// assert_eq!(title, "Small-bowel resection with its mesentery");
    /// # Ok::<(), nettx::Error>(())
    /// ```
    pub fn title(&self) -> &'static str {
        &self.spec().title
    }
    /// One line saying what is recommended.
    pub fn summary(&self) -> &'static str {
        &self.spec().summary
    }
    /// Why it is recommended for this case: the effect of the rule that made it.
    pub fn rationale(&self) -> &'static str {
        self.guideline
            .rule(self.rule)
            .map(|r| &*r.effect)
            .unwrap_or("")
    }
    /// The guideline statements that back the code.
    pub fn sources(&self) -> &'static [Source] {
        &self.spec().sources
    }
    /// The decision rule that made (or last changed) this recommendation.
    pub fn rule(&self) -> RuleId {
        self.rule
    }
}

/// Most recommendations held inside an [`Evaluation`] without an
/// allocation (a case gets one to four; more go on the heap).
const INLINE_RECOMMENDATIONS: usize = 4;

/// The recommendations of an evaluation, in output order.
#[derive(Debug, Clone)]
pub(crate) enum Recommendations {
    /// The first `.0` of the array (the rest are fillers).
    Inline(u8, [Recommendation; INLINE_RECOMMENDATIONS]),
    /// More than fit inline.
    Heap(Vec<Recommendation>),
}

impl Recommendations {
    /// The `len` recommendations of `list`, sorted into output order
    /// (urgent first, then by strength, then in code-table order); `filler`
    /// fills the unused inline places.
    pub(crate) fn sorted(
        list: impl Iterator<Item = Recommendation>,
        len: usize,
        filler: Recommendation,
    ) -> Self {
        let key = |r: &Recommendation| (r.urgency, r.strength, r.code);
        if len <= INLINE_RECOMMENDATIONS {
            let mut items = [filler; INLINE_RECOMMENDATIONS];
            let mut n = 0u8;
            for (slot, r) in items.iter_mut().zip(list) {
                *slot = r;
                n += 1;
            }
            if let Some(used) = items.get_mut(..usize::from(n)) {
                used.sort_by_key(key);
            }
            Recommendations::Inline(n, items)
        } else {
            let mut items: Vec<Recommendation> = list.collect();
            items.sort_by_key(key);
            Recommendations::Heap(items)
        }
    }

    /// The recommendations, in output order.
    pub(crate) fn as_slice(&self) -> &[Recommendation] {
        match self {
            Recommendations::Inline(n, items) => items.get(..usize::from(*n)).unwrap_or_default(),
            Recommendations::Heap(items) => items,
        }
    }
}

/// A field the evaluation needed and did not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    guideline: &'static Guideline,
    field: Field,
}

impl Missing {
    /// The field to find out.
    pub fn field(&self) -> Field {
        self.field
    }
    /// The decision it blocks.
    pub fn reason(&self) -> &'static str {
        self.guideline.missing_reason(self.field)
    }
}

impl WarningCode {
    /// What the warning tells the clinician.
    pub fn message(self) -> &'static str {
        &self.spec().message
    }
    /// The statements and references behind it.
    pub fn sources(self) -> &'static [Source] {
        &self.spec().sources
    }
}

/// One rule consulted during evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceEntry {
    pub(crate) guideline: &'static Guideline,
    pub(crate) rule: RuleId,
    pub(crate) fired: bool,
    /// The facts when the rule was consulted.
    pub(crate) facts: Facts,
}

impl TraceEntry {
    /// The rule.
    pub fn rule(&self) -> RuleId {
        self.rule
    }
    /// Whether its condition held.
    pub fn fired(&self) -> bool {
        self.fired
    }
    /// The facts the rule read, with their values when it was consulted, e.g.
    /// `metastatic=false, carcinoid_syndrome=unknown`; for a rule that reads
    /// only the recommendations made so far, its condition. The rule's
    /// condition and effect are in the rule table under [`Self::rule`].
    pub fn detail(&self) -> TraceDetail<'_> {
        TraceDetail(self)
    }
}

impl TraceEntry {
    /// Writes the detail: the facts the rule read, or its condition. To a
    /// `Formatter` for [`TraceDetail`], straight into a `String` for the
    /// JSON writer (without the formatting machinery).
    pub(crate) fn write_detail<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        let Some(spec) = self.guideline.rule(self.rule) else {
            return Ok(());
        };
        if spec.reads.is_empty() {
            return out.write_str(&spec.condition);
        }
        for (i, field) in spec.reads.iter().enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            out.write_str(field.as_str())?;
            out.write_str("=")?;
            self.facts.show(*field, out)?;
        }
        Ok(())
    }
}

/// The human-readable detail of a [`TraceEntry`] (formats without allocating).
pub struct TraceDetail<'a>(&'a TraceEntry);

impl fmt::Display for TraceDetail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_detail(f)
    }
}

/// The evaluation of one case.
#[derive(Clone)]
pub struct Evaluation {
    pub(crate) guideline: &'static Guideline,
    pub(crate) case: Case,
    pub(crate) in_scope: bool,
    pub(crate) disease_state: DiseaseState,
    pub(crate) goals: Set<Goal>,
    pub(crate) recommendations: Recommendations,
    pub(crate) missing: Set<Field>,
    pub(crate) warnings: Set<WarningCode>,
    /// Written by the walk when the caller will serialize the evaluation,
    /// otherwise on the first call of [`Evaluation::trace`] (the trace is a
    /// function of the guideline and the case, like everything else here).
    pub(crate) trace: OnceLock<Vec<TraceEntry>>,
}

impl PartialEq for Evaluation {
    /// Equal when made by equal guidelines from equal cases with the same
    /// outcome. The traces are not compared: they are a function of the
    /// guideline and the case, written or not yet.
    fn eq(&self, other: &Self) -> bool {
        (std::ptr::eq(self.guideline, other.guideline) || self.guideline == other.guideline)
            && self.case == other.case
            && self.in_scope == other.in_scope
            && self.disease_state == other.disease_state
            && self.goals == other.goals
            && self.recommendations() == other.recommendations()
            && self.missing == other.missing
            && self.warnings == other.warnings
    }
}

impl fmt::Debug for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluation")
            .field("guideline", &self.guideline)
            .field("case", &self.case)
            .field("in_scope", &self.in_scope)
            .field("disease_state", &self.disease_state)
            .field("goals", &self.goals)
            .field("recommendations", &self.recommendations())
            .field("missing", &self.missing)
            .field("warnings", &self.warnings)
            .field("trace", &self.trace())
            .finish()
    }
}

impl Evaluation {
    /// The guideline it was made with.
    pub fn guideline(&self) -> &'static Guideline {
        self.guideline
    }
    /// The case that was evaluated (as given, before inferences).
    pub fn case(&self) -> &Case {
        &self.case
    }
    /// The caller's identifier, echoed.
    pub fn case_id(&self) -> Option<&str> {
        self.case.case_id()
    }
    /// SHA-256 of the case's canonical form (computed on each call).
    pub fn case_digest(&self) -> String {
        crate::canonical::case_digest(&self.case)
    }
    /// Appends [`Self::case_digest`] (64 lowercase hex digits) to `out`, for
    /// callers that write many digests into one buffer.
    ///
    /// ```
    /// use nettx::{Case, Site};
    /// let evaluation = nettx::evaluate(&Case::builder(Site::Ileum).build()?);
    /// let mut out = String::from("digest ");
    /// evaluation.write_case_digest(&mut out);
    /// assert_eq!(out, format!("digest {}", evaluation.case_digest()));
    /// # Ok::<(), nettx::Error>(())
    /// ```
    pub fn write_case_digest(&self, out: &mut String) {
        crate::canonical::push_case_digest(&self.case, out)
    }
    /// Whether the guideline covers this case.
    pub fn in_scope(&self) -> bool {
        self.in_scope
    }
    /// Localized, metastatic or undetermined, after the step-0 inferences.
    pub fn disease_state(&self) -> DiseaseState {
        self.disease_state
    }
    /// The goals of treatment the case calls for, in output order.
    pub fn goals(&self) -> impl Iterator<Item = Goal> + Clone {
        self.goals.iter()
    }
    /// The recommendations in output order (urgent first, then by strength,
    /// then in code-table order).
    pub fn recommendations(&self) -> &[Recommendation] {
        self.recommendations.as_slice()
    }
    /// The preferred recommendations, in output order.
    pub fn preferred(&self) -> impl Iterator<Item = &Recommendation> {
        self.recommendations()
            .iter()
            .filter(|r| r.strength == Strength::Preferred)
    }
    /// Whether any recommendation is urgent.
    pub fn is_urgent(&self) -> bool {
        self.recommendations()
            .iter()
            .any(|r| r.urgency == Urgency::Urgent)
    }
    /// Whether `code` is recommended (at any strength).
    pub fn recommends(&self, code: Code) -> bool {
        self.recommendations().iter().any(|r| r.code == code)
    }
    /// The fields the evaluation needed and did not have, in output order.
    pub fn missing(&self) -> impl Iterator<Item = Missing> + Clone {
        let guideline = self.guideline;
        self.missing
            .iter()
            .map(move |field| Missing { guideline, field })
    }
    /// The safety warnings, in output order.
    pub fn warnings(&self) -> impl Iterator<Item = WarningCode> + Clone {
        self.warnings.iter()
    }
    /// The warnings with their texts from the guideline, in output order.
    pub fn warning_specs(&self) -> impl Iterator<Item = &'static WarningSpec> + Clone {
        let g = self.guideline;
        self.warnings
            .iter()
            .map(move |w| g.warning(w).unwrap_or(w.spec()))
    }
    /// Every rule consulted, in the order consulted. Written on the first
    /// call (the case is walked again, tracing), unless the evaluation was
    /// made to be serialized.
    pub fn trace(&self) -> &[TraceEntry] {
        self.trace
            .get_or_init(|| crate::engine::trace(self.guideline, &self.case))
    }
    /// The evaluation as compact JSON (the interface's output schema); the
    /// same bytes as serializing it with `serde_json`, only faster.
    pub fn to_json(&self) -> String {
        crate::json_out::evaluation(self)
    }
    /// Appends the evaluation as compact JSON to `out`: the bytes of
    /// [`Self::to_json`], for callers that write many evaluations through
    /// one buffer (no allocation per evaluation once it has grown).
    ///
    /// ```
    /// use nettx::{Case, Site};
    /// let case = Case::builder(Site::Appendix).tumor_size_cm(1.5).build()?;
    /// let evaluation = nettx::evaluate(&case);
    /// let mut out = String::from("[");
    /// evaluation.write_json(&mut out);
    /// out.push(']');
    /// assert_eq!(out, format!("[{}]", evaluation.to_json()));
    /// # Ok::<(), nettx::Error>(())
    /// ```
    pub fn write_json(&self, out: &mut String) {
        crate::json_out::write_evaluation(self, out)
    }
}

struct Listed<I>(I);

impl<I, T> Serialize for Listed<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for item in self.0.clone() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

struct Stamp<'a>(&'a str, &'a str, Option<&'a str>);

impl Serialize for Stamp<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (first, second) = if self.2.is_some() {
            ("id", "version")
        } else {
            ("name", "version")
        };
        let mut s = serializer.serialize_struct("Stamp", 3)?;
        s.serialize_field(first, self.0)?;
        s.serialize_field(second, self.1)?;
        if let Some(digest) = self.2 {
            s.serialize_field("digest", digest)?;
        }
        s.end()
    }
}

impl Serialize for Recommendation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Recommendation", 8)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("category", &self.category())?;
        s.serialize_field("strength", &self.strength)?;
        s.serialize_field("intent", &self.intent())?;
        s.serialize_field("urgency", &self.urgency)?;
        s.serialize_field("summary", self.summary())?;
        s.serialize_field("rationale", self.rationale())?;
        s.serialize_field("sources", self.sources())?;
        s.end()
    }
}

impl Serialize for Missing {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Missing", 2)?;
        s.serialize_field("field", &self.field)?;
        s.serialize_field("reason", self.reason())?;
        s.end()
    }
}

struct WarningItem(&'static WarningSpec);

impl Serialize for WarningItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Warning", 3)?;
        s.serialize_field("code", &self.0.code)?;
        s.serialize_field("message", &self.0.message)?;
        s.serialize_field("sources", &self.0.sources)?;
        s.end()
    }
}

impl Serialize for TraceDetail<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for TraceEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TraceEntry", 3)?;
        s.serialize_field("rule", &self.rule)?;
        s.serialize_field("fired", &self.fired)?;
        s.serialize_field("detail", &self.detail())?;
        s.end()
    }
}

impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Evaluation", 13)?;
        if let Some(id) = self.case_id() {
            s.serialize_field("case_id", id)?;
        }
        let g = self.guideline;
        s.serialize_field("guideline", &Stamp(&g.id, &g.version, Some(g.digest())))?;
        s.serialize_field("engine", &Stamp(ENGINE_NAME, ENGINE_VERSION, None))?;
        s.serialize_field("case_digest", &self.case_digest())?;
        s.serialize_field("in_scope", &self.in_scope)?;
        s.serialize_field("disease_state", &self.disease_state)?;
        s.serialize_field("goals", &Listed(self.goals.iter()))?;
        s.serialize_field("recommendations", self.recommendations())?;
        s.serialize_field("missing", &Listed(self.missing()))?;
        s.serialize_field("warnings", &Listed(self.warning_specs().map(WarningItem)))?;
        s.serialize_field("trace", self.trace())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inline or on the heap, the recommendations come out as a sorted
    /// vector of the same ones would.
    #[test]
    fn recommendations_are_sorted_inline_and_on_the_heap() {
        let g = Guideline::builtin();
        let strengths = Strength::ALL;
        let urgencies = Urgency::ALL;
        let make = |i: usize, code: Code| Recommendation {
            guideline: g,
            code,
            strength: strengths
                .get(i * 7 % strengths.len())
                .copied()
                .unwrap_or(Strength::Option),
            urgency: urgencies
                .get(i * 5 % urgencies.len())
                .copied()
                .unwrap_or(Urgency::Elective),
            rule: RuleId::GoalCure,
        };
        for n in 0..=Code::ALL.len() {
            let list: Vec<Recommendation> = Code::ALL
                .iter()
                .take(n)
                .enumerate()
                .map(|(i, c)| make(i, *c))
                .collect();
            let mut want = list.clone();
            want.sort_by_key(|r| (r.urgency, r.strength, r.code));
            let filler = make(0, Code::UrgentSegmentalResection);
            let got = Recommendations::sorted(list.iter().copied(), list.len(), filler);
            assert_eq!(got.as_slice(), &want[..], "{n}");
            assert_eq!(
                matches!(got, Recommendations::Inline(..)),
                n <= INLINE_RECOMMENDATIONS
            );
        }
    }
}
