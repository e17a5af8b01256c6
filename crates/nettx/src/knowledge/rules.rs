//! The decision rules: every condition the engine tests, with the statements
//! behind it, the facts it reads, and what follows when it holds. The engine
//! names these rules in the trace; a recommendation's rationale is the
//! `effect` of the rule that made it.

use crate::vocab::{vocabulary, Field, Source};
use serde::Serialize;

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
    }
}

/// One decision rule.
#[derive(Debug, Serialize)]
pub struct RuleSpec {
    /// The rule's identifier.
    pub id: RuleId,
    /// The step of the decision procedure (0–7), or `settle` for the missing
    /// data, warnings and goals settled on the final recommendations.
    pub step: &'static str,
    /// Statements and references behind it.
    pub sources: &'static [Source],
    /// The facts it reads (shown with their values in the trace).
    pub uses: &'static [Field],
    /// The condition tested.
    pub condition: &'static str,
    /// What follows when the condition holds, and why; the rationale of the
    /// recommendations the rule makes.
    pub effect: &'static str,
}

use Field as F;
use Source::*;

const SYNDROME: &[Field] = &[F::CarcinoidSyndrome];
const SITES: &[Field] = &[
    F::Metastatic,
    F::HepaticMetastases,
    F::ExtrahepaticMetastases,
];
const EXTENT: &[Field] = &[F::PrimarySite, F::TumorSizeCm, F::LocalSpread];
const SPREAD_STATUS: &[Field] = &[F::MetastasesResectable, F::ExtrahepaticMetastases];
const SSA: &[Field] = &[F::Metastatic, F::SsaResponse];

/// Every decision rule, in [`RuleId::ALL`] order.
pub static RULES: [RuleSpec; RuleId::ALL.len()] = [
    RuleSpec { id: RuleId::InferMetastaticFromSite, step: "0", sources: &[], uses: SITES,
        condition: "hepatic_metastases or extrahepatic_metastases is true",
        effect: "metastatic is taken as true: a metastasis at any site is a distant metastasis." },
    RuleSpec { id: RuleId::InferOtherSite, step: "0", sources: &[], uses: SITES,
        condition: "metastatic is true and one metastasis site is false",
        effect: "the other metastasis site is taken as true: the metastases must be somewhere." },
    RuleSpec { id: RuleId::InferLocalizedFromSites, step: "0", sources: &[], uses: SITES,
        condition: "hepatic_metastases and extrahepatic_metastases are both false",
        effect: "metastatic is taken as false: no site holds a metastasis." },
    RuleSpec { id: RuleId::InferSitesFromLocalized, step: "0", sources: &[], uses: SITES,
        condition: "metastatic is false",
        effect: "both metastasis sites are taken as false." },
    RuleSpec { id: RuleId::InferSyndromeFromSsaResponse, step: "0", sources: &[], uses: &[F::CarcinoidSyndrome, F::SsaResponse],
        condition: "ssa_response is controlled or symptoms_worsening",
        effect: "carcinoid_syndrome is taken as true: a response of symptoms to an SSA means the syndrome is present." },
    RuleSpec { id: RuleId::ScopeExcluded, step: "1", sources: &[], uses: &[F::PrimarySite, F::Histology, F::Complications],
        condition: "primary_site is appendix or other, or histology is poorly_differentiated",
        effect: "The guideline covers well-differentiated NETs of the duodenum, jejunum/ileum, colon and rectum only: no recommendation beyond a tumour board review (urgent when a complication is recorded)." },
    RuleSpec { id: RuleId::ComplicationUrgentResection, step: "2", sources: &[S7, S10], uses: &[F::Complications],
        condition: "a tumour-related complication is recorded",
        effect: "A complication is treated by an urgent operation whatever the stage (S10); a segmental resection with the involved mesentery and primary anastomosis relieves it and controls the primary (S7)." },
    RuleSpec { id: RuleId::LocalizedComplicationSufficient, step: "3", sources: &[S7], uses: &[F::Metastatic, F::Complications],
        condition: "disease is localized and the urgent resection of step 2 was recommended",
        effect: "Without metastases the urgent segmental resection is sufficient treatment of the primary (S7): no further operation on the primary, and its size and spread are not needed." },
    RuleSpec { id: RuleId::LocalizedJejunumIleum, step: "3", sources: &[S5, S1], uses: &[F::PrimarySite, F::Metastatic],
        condition: "disease is localized and primary_site is jejunum or ileum",
        effect: "Jejunal and ileal NETs metastasize whatever their size (S5), so the involved bowel is resected with its mesentery, with curative intent (S1); size and spread do not change this." },
    RuleSpec { id: RuleId::LocalizedSiteUnspecified, step: "3", sources: &[S1, S3], uses: EXTENT,
        condition: "disease is localized and primary_site is small_intestine_unspecified",
        effect: "The segment decides the operation (jejunum/ileum: resection with mesentery at any size, S5; duodenum: by size and spread, S4): until it is known, a margin-negative resection whose extent follows the tumour (S1, S3)." },
    RuleSpec { id: RuleId::LocalizedLocalExcision, step: "3", sources: &[S4, S1], uses: EXTENT,
        condition: "disease is localized, primary_site is duodenum, colon or rectum, tumor_size_cm is at most 1.0 and local_spread is false",
        effect: "A tumour of 1 cm or less without local spread can be excised locally with a clear margin (S4), which cures it (S1) and spares a wider resection." },
    RuleSpec { id: RuleId::LocalizedDuodenalResection, step: "3", sources: &[S1, S3], uses: EXTENT,
        condition: "disease is localized, primary_site is duodenum, and tumor_size_cm is over 1.0 or local_spread is true",
        effect: "A duodenal tumour too large or too extensive for local excision needs a margin-negative resection whose extent follows size, site and spread, possibly a pancreaticoduodenectomy (S1, S3)." },
    RuleSpec { id: RuleId::LocalizedColorectalResection, step: "3", sources: &[S6, S1], uses: EXTENT,
        condition: "disease is localized, primary_site is colon or rectum, and tumor_size_cm is over 1.0 or local_spread is true",
        effect: "A colorectal tumour beyond local excision is treated by partial colectomy (or the rectal equivalent) with lymphadenectomy, with curative intent (S6, S1)." },
    RuleSpec { id: RuleId::LocalizedExtentUnknown, step: "3", sources: &[S1, S3], uses: EXTENT,
        condition: "disease is localized, primary_site is duodenum, colon or rectum, and size or spread is unknown without the other settling the choice",
        effect: "Local excision needs a tumour known to be at most 1 cm and without spread (S4); until size and spread are known, a margin-negative resection whose extent follows the tumour (S1, S3)." },
    RuleSpec { id: RuleId::LocalizedSyndrome, step: "3", sources: &[S11], uses: &[F::Metastatic, F::CarcinoidSyndrome],
        condition: "disease is localized and carcinoid_syndrome is true",
        effect: "Somatostatin analogues are the first-line treatment of symptoms (S11)." },
    RuleSpec { id: RuleId::MetastaticResectable, step: "4", sources: &[S9, S14], uses: SPREAD_STATUS,
        condition: "disease is metastatic, metastases_resectable is true and extrahepatic_metastases is false",
        effect: "Resectable metastases confined to the liver: cytoreductive surgery is preferred over medical therapy (S9), including resection of the liver metastases, which relieves symptoms and improves survival (S14)." },
    RuleSpec { id: RuleId::MetastaticResectableSyndrome, step: "4", sources: &[S9, S11], uses: &[F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: "the metastases are resectable and liver-only, and carcinoid_syndrome is true",
        effect: "A somatostatin analogue treats the symptoms (S11), but for resectable liver-only disease surgery is preferred over medical therapy (S9): the analogue is the alternative." },
    RuleSpec { id: RuleId::MetastaticUnresectableSyndrome, step: "4", sources: &[S8, S11], uses: &[F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: "disease is metastatic, metastases_resectable is false or extrahepatic_metastases is true, and carcinoid_syndrome is true",
        effect: "Symptomatic carcinoid syndrome with disease that cannot be resected (or lies outside the liver): start with a somatostatin analogue (S8, S11)." },
    RuleSpec { id: RuleId::MetastaticUnresectableNoSyndrome, step: "4", sources: &[], uses: &[F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: "disease is metastatic, metastases_resectable is false or extrahepatic_metastases is true, and carcinoid_syndrome is false or unknown",
        effect: "The source recommends nothing for unresectable disease without known carcinoid syndrome: refer to a multidisciplinary tumour board." },
    RuleSpec { id: RuleId::MetastaticAssessResectability, step: "4", sources: &[S9, S8], uses: SPREAD_STATUS,
        condition: "disease is metastatic and metastases_resectable or extrahepatic_metastases is unknown (and neither rules out surgery)",
        effect: "Whether all metastatic disease is resectable and confined to the liver decides between cytoreductive surgery (S9) and medical therapy (S8): establish it first." },
    RuleSpec { id: RuleId::MetastaticAssessSyndrome, step: "4", sources: &[S11], uses: &[F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: "resectability is being assessed and carcinoid_syndrome is true",
        effect: "Somatostatin analogues treat the symptoms while resectability is assessed (S11)." },
    RuleSpec { id: RuleId::UndeterminedStaging, step: "5", sources: &[S2, S1], uses: &[F::Metastatic],
        condition: "metastatic is unknown",
        effect: "Most patients have metastases at presentation (S2), and curative surgery of the primary is for localized disease (S1): complete the staging before any elective operation." },
    RuleSpec { id: RuleId::UndeterminedSyndrome, step: "5", sources: &[S11], uses: &[F::Metastatic, F::CarcinoidSyndrome],
        condition: "metastatic is unknown and carcinoid_syndrome is true",
        effect: "Somatostatin analogues are the first-line treatment of symptoms (S11), whatever the stage turns out to be." },
    RuleSpec { id: RuleId::SsaResponseUnknown, step: "6", sources: &[S11, S12, S13], uses: SSA,
        condition: "a somatostatin analogue is recommended and ssa_response is unknown",
        effect: "The response to an analogue decides whether to start or continue it, add second-line therapy or stop it: record it." },
    RuleSpec { id: RuleId::SsaContinue, step: "6", sources: &[S11], uses: SSA,
        condition: "a somatostatin analogue is recommended and ssa_response is not_started or controlled",
        effect: "Start the analogue, or continue it while it controls the symptoms (S11)." },
    RuleSpec { id: RuleId::SsaSecondLine, step: "6", sources: &[S13, S12, S11], uses: SSA,
        condition: "a somatostatin analogue is recommended, disease is metastatic and ssa_response is symptoms_worsening",
        effect: "Symptoms progress on an analogue in advanced disease: everolimus is the approved second-line drug (S13), interferon may be considered (S12), and the analogue may be continued alongside (S11)." },
    RuleSpec { id: RuleId::SsaIntolerantAdvanced, step: "6", sources: &[S12], uses: SSA,
        condition: "a somatostatin analogue is recommended, disease is metastatic and ssa_response is intolerant",
        effect: "The analogue is not tolerated: it is withdrawn, and in advanced disease interferon may be considered (S12)." },
    RuleSpec { id: RuleId::SsaWorseningNotAdvanced, step: "6", sources: &[S12, S13], uses: SSA,
        condition: "a somatostatin analogue is recommended, disease is not known to be metastatic and ssa_response is symptoms_worsening",
        effect: "Second-line drugs are for advanced disease (S12, S13): stage or operate first; the analogue stays." },
    RuleSpec { id: RuleId::SsaIntolerantNotAdvanced, step: "6", sources: &[S11], uses: SSA,
        condition: "a somatostatin analogue is recommended, disease is not known to be metastatic and ssa_response is intolerant",
        effect: "The analogue is not tolerated: it is withdrawn; second-line drugs are for advanced disease." },
    RuleSpec { id: RuleId::FallbackNoPreferred, step: "7", sources: &[], uses: &[],
        condition: "no recommendation of this in-scope case is preferred",
        effect: "The guideline names no preferred treatment for this situation: refer to a multidisciplinary tumour board." },
    RuleSpec { id: RuleId::MissingSyndrome, step: "settle", sources: &[S0, S8, S11], uses: SYNDROME,
        condition: "the case is in scope and carcinoid_syndrome is unknown",
        effect: "carcinoid_syndrome is reported missing: it decides the analogue, crisis prevention around surgery and the goals." },
    RuleSpec { id: RuleId::WarnHistologyAssumed, step: "settle", sources: &[], uses: &[F::Histology],
        condition: "the case is in scope and histology is unknown",
        effect: "warning HISTOLOGY_ASSUMED" },
    RuleSpec { id: RuleId::WarnSyndromeWithoutMetastases, step: "settle", sources: &[], uses: &[F::Metastatic, F::CarcinoidSyndrome],
        condition: "carcinoid_syndrome is true and metastatic is false",
        effect: "warning SYNDROME_WITHOUT_METASTASES" },
    RuleSpec { id: RuleId::WarnCarcinoidCrisisRisk, step: "settle", sources: &[Source::R3, Source::R4], uses: SYNDROME,
        condition: "a surgery recommendation is made and carcinoid_syndrome is true",
        effect: "warning CARCINOID_CRISIS_RISK" },
    RuleSpec { id: RuleId::WarnSsaGallstones, step: "settle", sources: &[Source::R2], uses: &[F::SsaResponse],
        condition: "a surgery recommendation is made, and a somatostatin analogue is recommended or ssa_response is controlled or symptoms_worsening",
        effect: "warning SSA_GALLSTONES" },
    RuleSpec { id: RuleId::WarnEverolimusEvidence, step: "settle", sources: &[Source::R5], uses: &[],
        condition: "everolimus is recommended",
        effect: "warning EVEROLIMUS_EVIDENCE" },
    RuleSpec { id: RuleId::WarnInterferonToxicity, step: "settle", sources: &[S12, Source::R2], uses: &[],
        condition: "interferon is recommended",
        effect: "warning INTERFERON_TOXICITY" },
    RuleSpec { id: RuleId::WarnPeriampullaryCheck, step: "settle", sources: &[Source::R1], uses: &[F::PrimarySite],
        condition: "local excision is recommended for a duodenal tumour",
        effect: "warning PERIAMPULLARY_CHECK" },
    RuleSpec { id: RuleId::WarnRectalIntermediateSize, step: "settle", sources: &[Source::R7], uses: EXTENT,
        condition: "partial colectomy is recommended for a rectal tumour over 1.0 and at most 2.0 cm with local_spread not true",
        effect: "warning RECTAL_INTERMEDIATE_SIZE" },
    RuleSpec { id: RuleId::WarnAntiproliferativeSsaNotCovered, step: "settle", sources: &[Source::R6], uses: &[F::CarcinoidSyndrome, F::SsaResponse],
        condition: "disease is metastatic and unresectable, carcinoid_syndrome is false and ssa_response is not intolerant",
        effect: "warning ANTIPROLIFERATIVE_SSA_NOT_COVERED" },
    RuleSpec { id: RuleId::GoalSymptomControl, step: "settle", sources: &[S0], uses: &[F::CarcinoidSyndrome, F::Complications],
        condition: "carcinoid_syndrome is true or a complication is recorded",
        effect: "goal symptom_control" },
    RuleSpec { id: RuleId::GoalTumorGrowthControl, step: "settle", sources: &[S0], uses: &[F::Metastatic],
        condition: "disease is metastatic",
        effect: "goal tumor_growth_control" },
    RuleSpec { id: RuleId::GoalBiochemicalControl, step: "settle", sources: &[S0], uses: SYNDROME,
        condition: "carcinoid_syndrome is true",
        effect: "goal biochemical_control" },
    RuleSpec { id: RuleId::GoalCure, step: "settle", sources: &[S0, S1], uses: &[F::Metastatic],
        condition: "disease is localized and a surgery recommendation is made",
        effect: "goal cure" },
];

impl RuleId {
    /// This rule's entry in the table.
    pub fn spec(self) -> &'static RuleSpec {
        super::entry(&RULES, self.index())
    }
}

/// Why a missing field matters, for each field that can be reported missing.
#[derive(Debug, Serialize)]
pub struct MissingSpec {
    /// The field.
    pub field: Field,
    /// The decision it blocks.
    pub reason: &'static str,
}

/// The fields that can be reported missing, in output order.
pub static MISSING: [MissingSpec; 8] = [
    MissingSpec { field: F::PrimarySite, reason: "The small-intestinal segment decides the operation: jejunum or ileum gets resection with the mesentery at any size; the duodenum is treated by size and spread." },
    MissingSpec { field: F::TumorSizeCm, reason: "The size decides between local excision (at most 1.0 cm without spread) and a larger resection." },
    MissingSpec { field: F::LocalSpread, reason: "Local spread decides whether a small tumour can be excised locally." },
    MissingSpec { field: F::Metastatic, reason: "Whether distant metastases are present decides between curative surgery of the primary and treatment of metastatic disease." },
    MissingSpec { field: F::ExtrahepaticMetastases, reason: "Metastases outside the liver exclude cytoreductive surgery under the guideline." },
    MissingSpec { field: F::MetastasesResectable, reason: "Whether all metastatic disease can be resected decides between cytoreductive surgery and medical therapy." },
    MissingSpec { field: F::CarcinoidSyndrome, reason: "Carcinoid syndrome decides the somatostatin analogue, crisis prevention around surgery and the goals of treatment." },
    MissingSpec { field: F::SsaResponse, reason: "The response to a somatostatin analogue decides whether to start or continue it, add second-line therapy, or withdraw it." },
];

/// The reason given when `field` is missing (empty for a field that is never
/// reported missing).
pub fn missing_reason(field: Field) -> &'static str {
    MISSING
        .iter()
        .find(|m| m.field == field)
        .map(|m| m.reason)
        .unwrap_or("")
}
