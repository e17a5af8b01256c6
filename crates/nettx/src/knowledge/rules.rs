//! The identifiers of the decision rules (each a node of the decision graph
//! in `decisions.rs`, named in every trace), and why each field that can be
//! reported missing matters.

use super::graph::{text, Text};
use crate::vocab::{vocabulary, Field};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Identifier of a decision rule (stable; appears in every trace).
    pub enum RuleId {
        /// Step 0: a metastasis site is true.
        InferMetastaticFromSite = "infer.metastatic_from_site",
        /// Step 0: metastatic and one site false.
        InferOtherSite = "infer.other_site",
        /// Step 0: both sites false.
        InferLocalizedFromSites = "infer.localized_from_sites",
        /// Step 0: metastatic false.
        InferSitesFromLocalized = "infer.sites_from_localized",
        /// Step 0: a symptom response to an SSA implies the syndrome.
        InferSyndromeFromSsaResponse = "infer.syndrome_from_ssa_response",
        /// Step 1: outside the guideline's scope.
        ScopeExcluded = "scope.excluded",
        /// Step 2: a complication.
        ComplicationUrgentResection = "complication.urgent_resection",
        /// Step 3: the urgent resection suffices for the primary.
        LocalizedComplicationSufficient = "localized.complication_sufficient",
        /// Step 3: jejunum or ileum.
        LocalizedJejunumIleum = "localized.jejunum_ileum",
        /// Step 3: small-intestinal segment not recorded.
        LocalizedSiteUnspecified = "localized.site_unspecified",
        /// Step 3: small tumour without spread.
        LocalizedLocalExcision = "localized.local_excision",
        /// Step 3: duodenal tumour beyond local excision.
        LocalizedDuodenalResection = "localized.duodenal_resection",
        /// Step 3: colorectal tumour beyond local excision.
        LocalizedColorectalResection = "localized.colorectal_resection",
        /// Step 3: size or spread unknown.
        LocalizedExtentUnknown = "localized.extent_unknown",
        /// Step 3: carcinoid syndrome.
        LocalizedSyndrome = "localized.syndrome",
        /// Step 4: resectable, liver only.
        MetastaticResectable = "metastatic.resectable",
        /// Step 4: resectable, with carcinoid syndrome.
        MetastaticResectableSyndrome = "metastatic.resectable_syndrome",
        /// Step 4: unresectable, with carcinoid syndrome.
        MetastaticUnresectableSyndrome = "metastatic.unresectable_syndrome",
        /// Step 4: unresectable, syndrome absent or unknown.
        MetastaticUnresectableNoSyndrome = "metastatic.unresectable_no_syndrome",
        /// Step 4: resectability or extrahepatic spread unknown.
        MetastaticAssessResectability = "metastatic.assess_resectability",
        /// Step 4: resectability unknown, with carcinoid syndrome.
        MetastaticAssessSyndrome = "metastatic.assess_syndrome",
        /// Step 5: metastatic status unknown.
        UndeterminedStaging = "undetermined.staging",
        /// Step 5: metastatic status unknown, with carcinoid syndrome.
        UndeterminedSyndrome = "undetermined.syndrome",
        /// Step 6: SSA response unknown.
        SsaResponseUnknown = "ssa.response_unknown",
        /// Step 6: SSA not started or controlling symptoms.
        SsaContinue = "ssa.continue",
        /// Step 6: symptoms worsening on an SSA, metastatic disease.
        SsaSecondLine = "ssa.second_line",
        /// Step 6: SSA not tolerated, metastatic disease.
        SsaIntolerantAdvanced = "ssa.intolerant_advanced",
        /// Step 6: symptoms worsening on an SSA, disease not metastatic.
        SsaWorseningNotAdvanced = "ssa.worsening_not_advanced",
        /// Step 6: SSA not tolerated, disease not metastatic.
        SsaIntolerantNotAdvanced = "ssa.intolerant_not_advanced",
        /// Step 7: nothing preferred.
        FallbackNoPreferred = "fallback.no_preferred",
        /// Carcinoid syndrome unknown in an in-scope case.
        MissingSyndrome = "missing.carcinoid_syndrome",
        /// Warning HISTOLOGY_ASSUMED.
        WarnHistologyAssumed = "warning.histology_assumed",
        /// Warning SYNDROME_WITHOUT_METASTASES.
        WarnSyndromeWithoutMetastases = "warning.syndrome_without_metastases",
        /// Warning CARCINOID_CRISIS_RISK.
        WarnCarcinoidCrisisRisk = "warning.carcinoid_crisis_risk",
        /// Warning SSA_GALLSTONES.
        WarnSsaGallstones = "warning.ssa_gallstones",
        /// Warning EVEROLIMUS_EVIDENCE.
        WarnEverolimusEvidence = "warning.everolimus_evidence",
        /// Warning INTERFERON_TOXICITY.
        WarnInterferonToxicity = "warning.interferon_toxicity",
        /// Warning PERIAMPULLARY_CHECK.
        WarnPeriampullaryCheck = "warning.periampullary_check",
        /// Warning RECTAL_INTERMEDIATE_SIZE.
        WarnRectalIntermediateSize = "warning.rectal_intermediate_size",
        /// Warning ANTIPROLIFERATIVE_SSA_NOT_COVERED.
        WarnAntiproliferativeSsaNotCovered = "warning.antiproliferative_ssa_not_covered",
        /// Goal symptom_control.
        GoalSymptomControl = "goal.symptom_control",
        /// Goal tumor_growth_control.
        GoalTumorGrowthControl = "goal.tumor_growth_control",
        /// Goal biochemical_control.
        GoalBiochemicalControl = "goal.biochemical_control",
        /// Goal cure.
        GoalCure = "goal.cure",
        /// Step 3: rectal tumour in the intermediate size band (1.1.0).
        LocalizedRectalIntermediate = "localized.rectal_intermediate",
        /// Step 4: extrahepatic disease judged resectable, with syndrome (1.1.0).
        MetastaticExtrahepaticResectable = "metastatic.extrahepatic_resectable",
        /// Warning REFRACTORY_SYNDROME_OPTIONS (1.1.0).
        WarnRefractorySyndromeOptions = "warning.refractory_syndrome_options",
        /// Warning BLEEDING_HAEMOSTASIS_FIRST (1.1.0).
        WarnBleedingHaemostasisFirst = "warning.bleeding_haemostasis_first",
        /// Warning PERFORATION_CONTAMINATION (1.1.0).
        WarnPerforationContamination = "warning.perforation_contamination",
    }
}

impl RuleId {
    /// What follows when this rule holds, and why, in the built-in guideline
    /// (the rationale of the recommendations it makes).
    pub fn effect(self) -> &'static str {
        super::Guideline::builtin()
            .rule(self)
            .map(|r| r.effect.as_ref())
            .unwrap_or("")
    }
}

/// Why a missing field matters, for each field that can be reported missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingSpec {
    /// The field.
    pub field: Field,
    /// The decision it blocks.
    pub reason: Text,
}

/// The fields that can be reported missing, in output order.
pub static MISSING: [MissingSpec; 8] = [
    MissingSpec { field: Field::PrimarySite, reason: text("The small-intestinal segment decides the operation: jejunum or ileum gets resection with the mesentery at any size; the duodenum is treated by size and spread.") },
    MissingSpec { field: Field::TumorSizeCm, reason: text("The size decides between local excision (at most 1.0 cm without spread) and a larger resection.") },
    MissingSpec { field: Field::LocalSpread, reason: text("Local spread decides whether the tumour can be excised locally (at most 1.0 cm, or a rectal tumour of at most 2.0 cm) or needs a larger resection.") },
    MissingSpec { field: Field::Metastatic, reason: text("Whether distant metastases are present decides between curative surgery of the primary and treatment of metastatic disease.") },
    MissingSpec { field: Field::ExtrahepaticMetastases, reason: text("Metastases outside the liver exclude cytoreductive surgery under the guideline.") },
    MissingSpec { field: Field::MetastasesResectable, reason: text("Whether all metastatic disease can be resected decides between cytoreductive surgery and medical therapy.") },
    MissingSpec { field: Field::CarcinoidSyndrome, reason: text("Carcinoid syndrome decides the somatostatin analogue, crisis prevention around surgery and the goals of treatment.") },
    MissingSpec { field: Field::SsaResponse, reason: text("The response to a somatostatin analogue decides whether to start or continue it, add second-line therapy, or withdraw it.") },
];
