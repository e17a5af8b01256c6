//! The decision procedure of `rules.md`, steps 0–7, then missing data,
//! warnings and goals settled on the final recommendations.
//!
//! Every condition tested is a rule of [`crate::knowledge::RULES`] and is
//! written to the trace with the facts it read; every recommendation records
//! the rule that made it, whose text is its rationale. The engine holds no
//! clinical text of its own.

use crate::case::{Case, Facts};
use crate::evaluation::{Evaluation, Recommendation, TraceEntry};
use crate::knowledge::RuleId as R;
use crate::vocab::{
    Category, Code, DiseaseState, Field, Goal, Histology, Set, Site, SsaResponse, Strength,
    Urgency, WarningCode,
};

/// Typical number of trace entries of an in-scope case (avoids regrowth).
const TRACE_CAPACITY: usize = 32;

/// Evaluates a validated case. Never fails and never panics: every `Case` is
/// valid by construction.
pub(crate) fn evaluate(case: &Case) -> Evaluation {
    let mut run = Run {
        facts: case.facts,
        trace: Vec::with_capacity(TRACE_CAPACITY),
        recs: [None; Code::ALL.len()],
        missing: Set::new(),
        warnings: Set::new(),
        goals: Set::new(),
    };
    run.normalize();
    let disease_state = match run.facts.metastatic {
        Some(true) => DiseaseState::Metastatic,
        Some(false) => DiseaseState::Localized,
        None => DiseaseState::Undetermined,
    };
    let in_scope = !run.out_of_scope();
    if in_scope {
        run.decide(disease_state);
        run.settle(disease_state);
    }
    let mut recommendations: Vec<Recommendation> = run.recs.iter().flatten().copied().collect();
    recommendations.sort_by_key(|r| (r.urgency, r.strength, r.code));
    Evaluation {
        case: case.clone(),
        in_scope,
        disease_state,
        goals: run.goals,
        recommendations,
        missing: run.missing,
        warnings: run.warnings,
        trace: run.trace,
    }
}

/// The working state of one evaluation.
struct Run {
    facts: Facts,
    trace: Vec<TraceEntry>,
    /// At most one recommendation per code, indexed by code.
    recs: [Option<Recommendation>; Code::ALL.len()],
    missing: Set<Field>,
    warnings: Set<WarningCode>,
    goals: Set<Goal>,
}

impl Run {
    /// Records that `rule` was consulted and whether it held; returns `fired`.
    fn consult(&mut self, rule: R, fired: bool) -> bool {
        self.trace.push(TraceEntry {
            rule,
            fired,
            facts: self.facts,
        });
        fired
    }

    fn recommend(&mut self, code: Code, strength: Strength, rule: R) {
        self.recommend_with(code, strength, Urgency::Elective, rule);
    }

    fn recommend_with(&mut self, code: Code, strength: Strength, urgency: Urgency, rule: R) {
        if let Some(slot) = self.recs.get_mut(code.index()) {
            *slot = Some(Recommendation {
                code,
                strength,
                urgency,
                rule,
            });
        }
    }

    fn recommended(&self, code: Code) -> Option<Recommendation> {
        self.recs.get(code.index()).copied().flatten()
    }

    fn withdraw(&mut self, code: Code) {
        if let Some(slot) = self.recs.get_mut(code.index()) {
            *slot = None;
        }
    }

    fn any_surgery(&self) -> bool {
        self.recs
            .iter()
            .flatten()
            .any(|r| r.category() == Category::Surgery)
    }

    fn syndrome(&self) -> bool {
        self.facts.syndrome == Some(true)
    }

    fn complicated(&self) -> bool {
        !self.facts.complications.is_empty()
    }

    /// Step 0: what the facts imply.
    fn normalize(&mut self) {
        let f = self.facts;
        if self.consult(
            R::InferMetastaticFromSite,
            f.hepatic == Some(true) || f.extrahepatic == Some(true),
        ) {
            self.facts.metastatic = Some(true);
        }
        let f = self.facts;
        let one_site_false = f.hepatic == Some(false) || f.extrahepatic == Some(false);
        if self.consult(
            R::InferOtherSite,
            f.metastatic == Some(true) && one_site_false,
        ) {
            if f.hepatic == Some(false) {
                self.facts.extrahepatic = Some(true);
            }
            if f.extrahepatic == Some(false) {
                self.facts.hepatic = Some(true);
            }
        }
        let f = self.facts;
        if self.consult(
            R::InferLocalizedFromSites,
            f.hepatic == Some(false) && f.extrahepatic == Some(false),
        ) {
            self.facts.metastatic = Some(false);
        }
        if self.consult(
            R::InferSitesFromLocalized,
            self.facts.metastatic == Some(false),
        ) {
            self.facts.hepatic = Some(false);
            self.facts.extrahepatic = Some(false);
        }
        let responded = matches!(
            self.facts.ssa_response,
            Some(SsaResponse::Controlled | SsaResponse::SymptomsWorsening)
        );
        if self.consult(R::InferSyndromeFromSsaResponse, responded) {
            self.facts.syndrome = Some(true);
        }
    }

    /// Step 1: returns true (after recommending the review) when the case is
    /// outside the guideline.
    fn out_of_scope(&mut self) -> bool {
        let excluded = matches!(self.facts.site, Site::Appendix | Site::Other)
            || self.facts.histology == Some(Histology::PoorlyDifferentiated);
        if self.consult(R::ScopeExcluded, excluded) {
            let urgency = if self.complicated() {
                Urgency::Urgent
            } else {
                Urgency::Elective
            };
            self.recommend_with(
                Code::MultidisciplinaryReview,
                Strength::Preferred,
                urgency,
                R::ScopeExcluded,
            );
        }
        excluded
    }

    /// Steps 2–7.
    fn decide(&mut self, state: DiseaseState) {
        if self.consult(R::ComplicationUrgentResection, self.complicated()) {
            self.recommend_with(
                Code::UrgentSegmentalResection,
                Strength::Preferred,
                Urgency::Urgent,
                R::ComplicationUrgentResection,
            );
        }
        match state {
            DiseaseState::Localized => self.localized(),
            DiseaseState::Metastatic => self.metastatic(),
            DiseaseState::Undetermined => self.undetermined(),
        }
        self.ssa_course(state);
        let any_preferred = self
            .recs
            .iter()
            .flatten()
            .any(|r| r.strength == Strength::Preferred);
        if self.consult(R::FallbackNoPreferred, !any_preferred) {
            self.recommend(
                Code::MultidisciplinaryReview,
                Strength::Preferred,
                R::FallbackNoPreferred,
            );
        }
    }

    /// Step 3.
    fn localized(&mut self) {
        if !self.consult(R::LocalizedComplicationSufficient, self.complicated()) {
            self.operate_on_primary();
        }
        if self.consult(R::LocalizedSyndrome, self.syndrome()) {
            self.recommend(
                Code::SomatostatinAnalog,
                Strength::Preferred,
                R::LocalizedSyndrome,
            );
        }
    }

    /// Step 3, the operation on the primary of localized disease.
    fn operate_on_primary(&mut self) {
        let f = self.facts;
        let small = f.size_cm.is_some_and(|s| s <= 1.0);
        let large = f.size_cm.is_some_and(|s| s > 1.0);
        let spread = f.local_spread == Some(true);
        match f.site {
            Site::Jejunum | Site::Ileum => {
                self.consult(R::LocalizedJejunumIleum, true);
                self.recommend(
                    Code::SmallBowelResectionWithMesentery,
                    Strength::Preferred,
                    R::LocalizedJejunumIleum,
                );
            }
            Site::SmallIntestineUnspecified => {
                self.consult(R::LocalizedSiteUnspecified, true);
                self.recommend(
                    Code::OncologicResection,
                    Strength::Preferred,
                    R::LocalizedSiteUnspecified,
                );
                self.missing.insert(Field::PrimarySite);
                self.extent_missing();
            }
            Site::Duodenum | Site::Colon | Site::Rectum => {
                if self.consult(
                    R::LocalizedLocalExcision,
                    small && f.local_spread == Some(false),
                ) {
                    self.recommend(
                        Code::LocalExcision,
                        Strength::Preferred,
                        R::LocalizedLocalExcision,
                    );
                } else if (large || spread) && f.site == Site::Duodenum {
                    self.consult(R::LocalizedDuodenalResection, true);
                    self.recommend(
                        Code::OncologicResection,
                        Strength::Preferred,
                        R::LocalizedDuodenalResection,
                    );
                } else if large || spread {
                    self.consult(R::LocalizedColorectalResection, true);
                    self.recommend(
                        Code::PartialColectomyWithLymphadenectomy,
                        Strength::Preferred,
                        R::LocalizedColorectalResection,
                    );
                } else {
                    self.consult(R::LocalizedExtentUnknown, true);
                    self.recommend(
                        Code::OncologicResection,
                        Strength::Preferred,
                        R::LocalizedExtentUnknown,
                    );
                    self.extent_missing();
                }
            }
            // Excluded by step 1; nothing to decide here (step 7 refers).
            Site::Appendix | Site::Other => {}
        }
    }

    /// The duodenal rule for missing size and spread.
    fn extent_missing(&mut self) {
        let f = self.facts;
        if f.size_cm.is_none() && f.local_spread != Some(true) {
            self.missing.insert(Field::TumorSizeCm);
        }
        if f.local_spread.is_none() && !f.size_cm.is_some_and(|s| s > 1.0) {
            self.missing.insert(Field::LocalSpread);
        }
    }

    /// Step 4.
    fn metastatic(&mut self) {
        let f = self.facts;
        let resectable = f.resectable == Some(true) && f.extrahepatic == Some(false);
        let unresectable = f.resectable == Some(false) || f.extrahepatic == Some(true);
        if self.consult(R::MetastaticResectable, resectable) {
            self.recommend(
                Code::CytoreductiveSurgery,
                Strength::Preferred,
                R::MetastaticResectable,
            );
            self.recommend(
                Code::LiverResection,
                Strength::Preferred,
                R::MetastaticResectable,
            );
            if self.consult(R::MetastaticResectableSyndrome, self.syndrome()) {
                self.recommend(
                    Code::SomatostatinAnalog,
                    Strength::Alternative,
                    R::MetastaticResectableSyndrome,
                );
            }
        } else if unresectable {
            if self.consult(R::MetastaticUnresectableSyndrome, self.syndrome()) {
                self.recommend(
                    Code::SomatostatinAnalog,
                    Strength::Preferred,
                    R::MetastaticUnresectableSyndrome,
                );
            } else {
                self.consult(R::MetastaticUnresectableNoSyndrome, true);
                self.recommend(
                    Code::MultidisciplinaryReview,
                    Strength::Preferred,
                    R::MetastaticUnresectableNoSyndrome,
                );
            }
        } else {
            self.consult(R::MetastaticAssessResectability, true);
            self.recommend(
                Code::AssessResectability,
                Strength::Preferred,
                R::MetastaticAssessResectability,
            );
            if f.extrahepatic.is_none() {
                self.missing.insert(Field::ExtrahepaticMetastases);
            }
            if f.resectable.is_none() {
                self.missing.insert(Field::MetastasesResectable);
            }
            if self.consult(R::MetastaticAssessSyndrome, self.syndrome()) {
                self.recommend(
                    Code::SomatostatinAnalog,
                    Strength::Preferred,
                    R::MetastaticAssessSyndrome,
                );
            }
        }
    }

    /// Step 5.
    fn undetermined(&mut self) {
        self.consult(R::UndeterminedStaging, true);
        self.recommend(
            Code::CompleteStaging,
            Strength::Preferred,
            R::UndeterminedStaging,
        );
        self.missing.insert(Field::Metastatic);
        if self.consult(R::UndeterminedSyndrome, self.syndrome()) {
            self.recommend(
                Code::SomatostatinAnalog,
                Strength::Preferred,
                R::UndeterminedSyndrome,
            );
        }
    }

    /// Step 6: the course of a recommended somatostatin analogue.
    fn ssa_course(&mut self, state: DiseaseState) {
        let Some(ssa) = self.recommended(Code::SomatostatinAnalog) else {
            return;
        };
        let advanced = state == DiseaseState::Metastatic;
        match self.facts.ssa_response {
            None => {
                self.consult(R::SsaResponseUnknown, true);
                self.missing.insert(Field::SsaResponse);
            }
            Some(SsaResponse::NotStarted | SsaResponse::Controlled) => {
                self.consult(R::SsaContinue, true);
            }
            Some(SsaResponse::SymptomsWorsening) if advanced => {
                self.consult(R::SsaSecondLine, true);
                self.recommend(Code::Everolimus, ssa.strength, R::SsaSecondLine);
                self.recommend(Code::InterferonAlpha, Strength::Option, R::SsaSecondLine);
                self.recommend(
                    Code::SomatostatinAnalog,
                    Strength::Alternative,
                    R::SsaSecondLine,
                );
            }
            Some(SsaResponse::Intolerant) if advanced => {
                self.consult(R::SsaIntolerantAdvanced, true);
                self.withdraw(Code::SomatostatinAnalog);
                self.recommend(
                    Code::InterferonAlpha,
                    Strength::Option,
                    R::SsaIntolerantAdvanced,
                );
            }
            Some(SsaResponse::SymptomsWorsening) => {
                self.consult(R::SsaWorseningNotAdvanced, true);
            }
            Some(SsaResponse::Intolerant) => {
                self.consult(R::SsaIntolerantNotAdvanced, true);
                self.withdraw(Code::SomatostatinAnalog);
            }
        }
    }

    /// Missing syndrome, warnings and goals, on the final recommendations.
    fn settle(&mut self, state: DiseaseState) {
        let f = self.facts;
        if self.consult(R::MissingSyndrome, f.syndrome.is_none()) {
            self.missing.insert(Field::CarcinoidSyndrome);
        }
        let surgery = self.any_surgery();
        let has = |run: &Run, code: Code| run.recommended(code).is_some();
        let ssa_given = matches!(
            f.ssa_response,
            Some(SsaResponse::Controlled | SsaResponse::SymptomsWorsening)
        );
        let unresectable = f.resectable == Some(false) || f.extrahepatic == Some(true);
        let rectal_intermediate = f.site == Site::Rectum
            && f.size_cm.is_some_and(|s| s > 1.0 && s <= 2.0)
            && f.local_spread != Some(true);
        let warnings = [
            (
                R::WarnHistologyAssumed,
                WarningCode::HistologyAssumed,
                f.histology.is_none(),
            ),
            (
                R::WarnSyndromeWithoutMetastases,
                WarningCode::SyndromeWithoutMetastases,
                self.syndrome() && state == DiseaseState::Localized,
            ),
            (
                R::WarnCarcinoidCrisisRisk,
                WarningCode::CarcinoidCrisisRisk,
                surgery && self.syndrome(),
            ),
            (
                R::WarnSsaGallstones,
                WarningCode::SsaGallstones,
                surgery && (has(self, Code::SomatostatinAnalog) || ssa_given),
            ),
            (
                R::WarnEverolimusEvidence,
                WarningCode::EverolimusEvidence,
                has(self, Code::Everolimus),
            ),
            (
                R::WarnInterferonToxicity,
                WarningCode::InterferonToxicity,
                has(self, Code::InterferonAlpha),
            ),
            (
                R::WarnPeriampullaryCheck,
                WarningCode::PeriampullaryCheck,
                has(self, Code::LocalExcision) && f.site == Site::Duodenum,
            ),
            (
                R::WarnRectalIntermediateSize,
                WarningCode::RectalIntermediateSize,
                has(self, Code::PartialColectomyWithLymphadenectomy) && rectal_intermediate,
            ),
            (
                R::WarnAntiproliferativeSsaNotCovered,
                WarningCode::AntiproliferativeSsaNotCovered,
                state == DiseaseState::Metastatic
                    && unresectable
                    && f.syndrome == Some(false)
                    && f.ssa_response != Some(SsaResponse::Intolerant),
            ),
        ];
        for (rule, code, holds) in warnings {
            if self.consult(rule, holds) {
                self.warnings.insert(code);
            }
        }
        let goals = [
            (
                R::GoalSymptomControl,
                Goal::SymptomControl,
                self.syndrome() || self.complicated(),
            ),
            (
                R::GoalTumorGrowthControl,
                Goal::TumorGrowthControl,
                state == DiseaseState::Metastatic,
            ),
            (
                R::GoalBiochemicalControl,
                Goal::BiochemicalControl,
                self.syndrome(),
            ),
            (
                R::GoalCure,
                Goal::Cure,
                state == DiseaseState::Localized && surgery,
            ),
        ];
        for (rule, goal, holds) in goals {
            if self.consult(rule, holds) {
                self.goals.insert(goal);
            }
        }
    }
}
