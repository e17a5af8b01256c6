//! The decision graph of the built-in guideline: every branch, threshold and
//! effect of the decision procedure, as data (see [`super::graph`] for what
//! each kind of node means). The engine walks this graph; the rule listing,
//! `docs/RULES.md`, the pathway diagrams and the digest are made from it.

use super::graph::{
    text, Arm, Cond, Effect, ForkNode, List, Next, Node, RuleNode, ThresholdId as T, ThresholdSpec,
};
use crate::vocab::{
    Category, Code, Complication, DiseaseState, Field as F, Goal, Histology, Site, Source::*,
    SsaResponse, Strength, Urgency, WarningCode,
};
use crate::RuleId;
use std::borrow::Cow;

/// A list of the table (a borrowed slice, so that it can sit in a static).
macro_rules! l {
    ($($item:expr),* $(,)?) => { Cow::Borrowed(&[$($item),*]) };
}
/// A yes/no field has a value.
macro_rules! is {
    ($field:ident, $value:expr) => {
        Cond::Is {
            field: F::$field,
            value: $value,
        }
    };
}
/// Every condition holds.
macro_rules! all {
    ($($c:expr),* $(,)?) => { Cond::All(l![$($c),*]) };
}
/// Some condition holds.
macro_rules! any {
    ($($c:expr),* $(,)?) => { Cond::Any(l![$($c),*]) };
}
/// No condition holds.
macro_rules! none_of {
    ($($c:expr),* $(,)?) => { Cond::NoneOf(l![$($c),*]) };
}
/// A step-0 inference.
macro_rules! set {
    ($field:ident, $value:expr) => {
        Effect::Set {
            field: F::$field,
            value: $value,
        }
    };
}
/// A recommendation (elective unless said).
macro_rules! rec {
    ($code:ident, $strength:ident) => {
        rec!($code, $strength, Elective)
    };
    ($code:ident, $strength:ident, $urgency:ident) => {
        Effect::Recommend {
            code: Code::$code,
            strength: Strength::$strength,
            urgency: Urgency::$urgency,
        }
    };
}
/// Effects applied only when a condition holds.
macro_rules! when {
    ($c:expr => [$($e:expr),* $(,)?]) => { Effect::If { when: $c, then: l![$($e),*] } };
}
/// The duodenal rule for missing size (1) and spread (2): size is missing
/// when unknown and spread is not true; spread is missing when unknown and
/// the size is not known to be over the local-excision threshold.
macro_rules! extent_missing {
    (1) => { when!(all![Cond::Unknown(F::TumorSizeCm), none_of![is!(LocalSpread, true)]] => [Effect::Missing(F::TumorSizeCm)]) };
    (2) => { when!(all![Cond::Unknown(F::LocalSpread), none_of![Cond::SizeOver(T::LocalExcisionMaxCm)]] => [Effect::Missing(F::LocalSpread)]) };
}

const SYNDROME: List<F> = l![F::CarcinoidSyndrome];
const SITES: List<F> = l![
    F::Metastatic,
    F::HepaticMetastases,
    F::ExtrahepaticMetastases
];
const EXTENT: List<F> = l![F::PrimarySite, F::TumorSizeCm, F::LocalSpread];
const SPREAD_STATUS: List<F> = l![F::MetastasesResectable, F::ExtrahepaticMetastases];
const SSA: List<F> = l![F::Metastatic, F::SsaResponse];

/// The named thresholds, in [`T::ALL`] order.
pub(super) static THRESHOLDS: [ThresholdSpec; T::ALL.len()] = [
    ThresholdSpec { id: T::LocalExcisionMaxCm, value_cm: 1.0, sources: l![S4], meaning: text("A tumour of at most this size without local spread can be excised locally; above it, a larger resection.") },
    ThresholdSpec { id: T::RectalIntermediateMaxCm, value_cm: 2.0, sources: l![S6, R7], meaning: text("Rectal tumours over the local-excision size and at most this size are the intermediate band where current guidance weighs endoscopic against surgical resection.") },
];

/// The decision graph; evaluation starts at the first node.
pub(super) static NODES: &[Node] = &[
    Node::Rule(RuleNode {
        id: RuleId::InferMetastaticFromSite, step: text("0"), sources: l![], reads: SITES,
        condition: text("hepatic_metastases or extrahepatic_metastases is true"),
        effect: text("metastatic is taken as true: a metastasis at any site is a distant metastasis."),
        when: any![is!(HepaticMetastases, true), is!(ExtrahepaticMetastases, true)],
        then: l![set!(Metastatic, true)],
        yes: Next::to("infer.other_site"), no: Next::to("infer.other_site"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::InferOtherSite, step: text("0"), sources: l![], reads: SITES,
        condition: text("metastatic is true and one metastasis site is false"),
        effect: text("the other metastasis site is taken as true: the metastases must be somewhere."),
        when: all![is!(Metastatic, true), any![is!(HepaticMetastases, false), is!(ExtrahepaticMetastases, false)]],
        then: l![when!(is!(HepaticMetastases, false) => [set!(ExtrahepaticMetastases, true)]), when!(is!(ExtrahepaticMetastases, false) => [set!(HepaticMetastases, true)])],
        yes: Next::to("infer.localized_from_sites"), no: Next::to("infer.localized_from_sites"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::InferLocalizedFromSites, step: text("0"), sources: l![], reads: SITES,
        condition: text("hepatic_metastases and extrahepatic_metastases are both false"),
        effect: text("metastatic is taken as false: no site holds a metastasis."),
        when: all![is!(HepaticMetastases, false), is!(ExtrahepaticMetastases, false)],
        then: l![set!(Metastatic, false)],
        yes: Next::to("infer.sites_from_localized"), no: Next::to("infer.sites_from_localized"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::InferSitesFromLocalized, step: text("0"), sources: l![], reads: SITES,
        condition: text("metastatic is false"),
        effect: text("both metastasis sites are taken as false."),
        when: is!(Metastatic, false),
        then: l![set!(HepaticMetastases, false), set!(ExtrahepaticMetastases, false)],
        yes: Next::to("infer.syndrome_from_ssa_response"), no: Next::to("infer.syndrome_from_ssa_response"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::InferSyndromeFromSsaResponse, step: text("0"), sources: l![], reads: l![F::CarcinoidSyndrome, F::SsaResponse],
        condition: text("ssa_response is controlled or symptoms_worsening"),
        effect: text("carcinoid_syndrome is taken as true: a response of symptoms to an SSA means the syndrome is present."),
        when: Cond::SsaResponseIn(l![SsaResponse::Controlled, SsaResponse::SymptomsWorsening]),
        then: l![set!(CarcinoidSyndrome, true)],
        yes: Next::to("scope.excluded"), no: Next::to("scope.excluded"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::ScopeExcluded, step: text("1"), sources: l![], reads: l![F::PrimarySite, F::Histology, F::Complications],
        condition: text("primary_site is appendix or other, or histology is poorly_differentiated"),
        effect: text("The guideline covers well-differentiated NETs of the duodenum, jejunum/ileum, colon and rectum only: no recommendation beyond a tumour board review (urgent when a complication is recorded)."),
        when: any![Cond::SiteIn(l![Site::Appendix, Site::Other]), Cond::HistologyIs(Histology::PoorlyDifferentiated)],
        then: l![Effect::OutOfScope, when!(Cond::AnyComplication => [rec!(MultidisciplinaryReview, Preferred, Urgent)]), when!(none_of![Cond::AnyComplication] => [rec!(MultidisciplinaryReview, Preferred)])],
        yes: Next::to("end"), no: Next::to("complication.urgent_resection"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::ComplicationUrgentResection, step: text("2"), sources: l![S7, S10], reads: l![F::Complications],
        condition: text("a tumour-related complication is recorded"),
        effect: text("A complication is treated by an urgent operation whatever the stage (S10); a segmental resection with the involved mesentery and primary anastomosis relieves it and controls the primary (S7)."),
        when: Cond::AnyComplication,
        then: l![rec!(UrgentSegmentalResection, Preferred, Urgent)],
        yes: Next::to("fork.disease_state"), no: Next::to("fork.disease_state"),
    }),
    Node::Fork(ForkNode {
        id: text("fork.disease_state"), step: text("3-5"), question: text("Are distant metastases present?"), reads: l![F::Metastatic],
        arms: l![
            Arm { when: Cond::Unknown(F::Metastatic), label: text("unknown"), to: Next::to("undetermined.staging") },
            Arm { when: is!(Metastatic, false), label: text("no: localized"), to: Next::to("localized.complication_sufficient") },
            Arm { when: Cond::Always, label: text("yes: metastatic"), to: Next::to("metastatic.resectable") },
        ],
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedComplicationSufficient, step: text("3"), sources: l![S7], reads: l![F::Metastatic, F::Complications],
        condition: text("disease is localized and the urgent resection of step 2 was recommended"),
        effect: text("Without metastases the urgent segmental resection is sufficient treatment of the primary (S7): no further operation on the primary, and its size and spread are not needed."),
        when: Cond::AnyComplication,
        then: l![],
        yes: Next::to("localized.syndrome"), no: Next::to("fork.primary_site"),
    }),
    Node::Fork(ForkNode {
        id: text("fork.primary_site"), step: text("3"), question: text("Where is the primary?"), reads: l![F::PrimarySite],
        arms: l![
            Arm { when: Cond::SiteIn(l![Site::Jejunum, Site::Ileum]), label: text("jejunum or ileum"), to: Next::to("localized.jejunum_ileum") },
            Arm { when: Cond::SiteIn(l![Site::SmallIntestineUnspecified]), label: text("small intestine, segment not recorded"), to: Next::to("localized.site_unspecified") },
            Arm { when: Cond::SiteIn(l![Site::Duodenum, Site::Colon, Site::Rectum]), label: text("duodenum, colon or rectum"), to: Next::to("localized.local_excision") },
            Arm { when: Cond::Always, label: text("another site (out of scope, never reached)"), to: Next::to("localized.syndrome") },
        ],
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedJejunumIleum, step: text("3"), sources: l![S5, S1], reads: l![F::PrimarySite, F::Metastatic],
        condition: text("disease is localized and primary_site is jejunum or ileum"),
        effect: text("Jejunal and ileal NETs metastasize whatever their size (S5), so the involved bowel is resected with its mesentery, with curative intent (S1); size and spread do not change this."),
        when: Cond::Always,
        then: l![rec!(SmallBowelResectionWithMesentery, Preferred)],
        yes: Next::to("localized.syndrome"), no: Next::to("localized.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedSiteUnspecified, step: text("3"), sources: l![S1, S3], reads: EXTENT,
        condition: text("disease is localized and primary_site is small_intestine_unspecified"),
        effect: text("The segment decides the operation (jejunum/ileum: resection with mesentery at any size, S5; duodenum: by size and spread, S4): until it is known, a margin-negative resection whose extent follows the tumour (S1, S3)."),
        when: Cond::Always,
        then: l![rec!(OncologicResection, Preferred), Effect::Missing(F::PrimarySite), extent_missing!(1), extent_missing!(2)],
        yes: Next::to("localized.syndrome"), no: Next::to("localized.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedLocalExcision, step: text("3"), sources: l![S4, S1], reads: EXTENT,
        condition: text("disease is localized, primary_site is duodenum, colon or rectum, tumor_size_cm is at most 1.0 and local_spread is false"),
        effect: text("A tumour of 1 cm or less without local spread can be excised locally with a clear margin (S4), which cures it (S1) and spares a wider resection."),
        when: all![Cond::SizeAtMost(T::LocalExcisionMaxCm), is!(LocalSpread, false)],
        then: l![rec!(LocalExcision, Preferred)],
        yes: Next::to("localized.syndrome"), no: Next::to("fork.beyond_local_excision"),
    }),
    Node::Fork(ForkNode {
        id: text("fork.beyond_local_excision"), step: text("3"), question: text("Is the tumour known to be beyond local excision?"), reads: l![F::PrimarySite, F::TumorSizeCm, F::LocalSpread],
        arms: l![
            Arm { when: all![Cond::SiteIn(l![Site::Duodenum]), any![Cond::SizeOver(T::LocalExcisionMaxCm), is!(LocalSpread, true)]], label: text("duodenum: larger or spread"), to: Next::to("localized.duodenal_resection") },
            Arm { when: any![Cond::SizeOver(T::LocalExcisionMaxCm), is!(LocalSpread, true)], label: text("colon or rectum: larger or spread"), to: Next::to("localized.colorectal_resection") },
            Arm { when: Cond::Always, label: text("size or spread unknown"), to: Next::to("localized.extent_unknown") },
        ],
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedDuodenalResection, step: text("3"), sources: l![S1, S3], reads: EXTENT,
        condition: text("disease is localized, primary_site is duodenum, and tumor_size_cm is over 1.0 or local_spread is true"),
        effect: text("A duodenal tumour too large or too extensive for local excision needs a margin-negative resection whose extent follows size, site and spread, possibly a pancreaticoduodenectomy (S1, S3)."),
        when: Cond::Always,
        then: l![rec!(OncologicResection, Preferred)],
        yes: Next::to("localized.syndrome"), no: Next::to("localized.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedColorectalResection, step: text("3"), sources: l![S6, S1], reads: EXTENT,
        condition: text("disease is localized, primary_site is colon or rectum, and tumor_size_cm is over 1.0 or local_spread is true"),
        effect: text("A colorectal tumour beyond local excision is treated by partial colectomy (or the rectal equivalent) with lymphadenectomy, with curative intent (S6, S1)."),
        when: Cond::Always,
        then: l![rec!(PartialColectomyWithLymphadenectomy, Preferred)],
        yes: Next::to("localized.rectal_intermediate"), no: Next::to("localized.rectal_intermediate"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedRectalIntermediate, step: text("3"), sources: l![S4, R7], reads: EXTENT,
        condition: text("primary_site is rectum, tumor_size_cm is over 1.0 and at most 2.0, and local_spread is not true"),
        effect: text("For a rectal tumour of 1 to 2 cm without local spread, local (endoscopic) excision is an alternative to the colectomy (S4 says about 1 cm; R7 weighs endoscopic against surgical resection by risk factors); whether the tumour has spread decides between them."),
        when: all![Cond::SiteIn(l![Site::Rectum]), Cond::SizeOver(T::LocalExcisionMaxCm), Cond::SizeAtMost(T::RectalIntermediateMaxCm), none_of![is!(LocalSpread, true)]],
        then: l![
            when!(is!(LocalSpread, false) => [rec!(LocalExcision, Alternative)]),
            when!(Cond::Unknown(F::LocalSpread) => [Effect::Missing(F::LocalSpread)]),
        ],
        yes: Next::to("localized.syndrome"), no: Next::to("localized.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedExtentUnknown, step: text("3"), sources: l![S1, S3], reads: EXTENT,
        condition: text("disease is localized, primary_site is duodenum, colon or rectum, and size or spread is unknown without the other settling the choice"),
        effect: text("Local excision needs a tumour known to be at most 1 cm and without spread (S4); until size and spread are known, a margin-negative resection whose extent follows the tumour (S1, S3)."),
        when: Cond::Always,
        then: l![rec!(OncologicResection, Preferred), extent_missing!(1), extent_missing!(2)],
        yes: Next::to("localized.syndrome"), no: Next::to("localized.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::LocalizedSyndrome, step: text("3"), sources: l![S11], reads: l![F::Metastatic, F::CarcinoidSyndrome],
        condition: text("disease is localized and carcinoid_syndrome is true"),
        effect: text("Somatostatin analogues are the first-line treatment of symptoms (S11)."),
        when: is!(CarcinoidSyndrome, true),
        then: l![rec!(SomatostatinAnalog, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticResectable, step: text("4"), sources: l![S9, S14], reads: SPREAD_STATUS,
        condition: text("disease is metastatic, metastases_resectable is true and extrahepatic_metastases is false"),
        effect: text("Resectable metastases confined to the liver: cytoreductive surgery is preferred over medical therapy (S9), including resection of the liver metastases, which relieves symptoms and improves survival (S14)."),
        when: all![is!(MetastasesResectable, true), is!(ExtrahepaticMetastases, false)],
        then: l![rec!(CytoreductiveSurgery, Preferred), rec!(LiverResection, Preferred)],
        yes: Next::to("metastatic.resectable_syndrome"), no: Next::to("fork.unresectable"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticResectableSyndrome, step: text("4"), sources: l![S9, S11], reads: l![F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: text("the metastases are resectable and liver-only, and carcinoid_syndrome is true"),
        effect: text("Beside the cytoreductive surgery preferred for resectable liver-only disease (S9), a somatostatin analogue controls the symptoms before and around the operation (S11)."),
        when: is!(CarcinoidSyndrome, true),
        then: l![rec!(SomatostatinAnalog, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Fork(ForkNode {
        id: text("fork.unresectable"), step: text("4"), question: text("Is the disease known to be unresectable?"), reads: l![F::ExtrahepaticMetastases, F::MetastasesResectable],
        arms: l![
            Arm { when: any![is!(MetastasesResectable, false), is!(ExtrahepaticMetastases, true)], label: text("unresectable or extrahepatic"), to: Next::to("metastatic.unresectable_syndrome") },
            Arm { when: Cond::Always, label: text("resectability or extrahepatic spread unknown"), to: Next::to("metastatic.assess_resectability") },
        ],
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticUnresectableSyndrome, step: text("4"), sources: l![S8, S11], reads: l![F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: text("disease is metastatic, metastases_resectable is false or extrahepatic_metastases is true, and carcinoid_syndrome is true"),
        effect: text("Symptomatic carcinoid syndrome with disease that cannot be resected (or lies outside the liver): start with a somatostatin analogue (S8, S11)."),
        when: is!(CarcinoidSyndrome, true),
        then: l![rec!(SomatostatinAnalog, Preferred)],
        yes: Next::to("metastatic.extrahepatic_resectable"), no: Next::to("metastatic.unresectable_no_syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticExtrahepaticResectable, step: text("4"), sources: l![S9], reads: SPREAD_STATUS,
        condition: text("extrahepatic_metastases is true and metastases_resectable is true"),
        effect: text("The metastases are judged resectable, but some lie outside the liver, and S9 covers liver-only disease: whether and how to operate is for a multidisciplinary tumour board."),
        when: all![is!(ExtrahepaticMetastases, true), is!(MetastasesResectable, true)],
        then: l![rec!(MultidisciplinaryReview, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticUnresectableNoSyndrome, step: text("4"), sources: l![], reads: l![F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: text("disease is metastatic, metastases_resectable is false or extrahepatic_metastases is true, and carcinoid_syndrome is false or unknown"),
        effect: text("The source recommends nothing for unresectable disease without known carcinoid syndrome: refer to a multidisciplinary tumour board."),
        when: Cond::Always,
        then: l![rec!(MultidisciplinaryReview, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticAssessResectability, step: text("4"), sources: l![S9, S8], reads: SPREAD_STATUS,
        condition: text("disease is metastatic and metastases_resectable or extrahepatic_metastases is unknown (and neither rules out surgery)"),
        effect: text("Whether all metastatic disease is resectable and confined to the liver decides between cytoreductive surgery (S9) and medical therapy (S8): establish it first."),
        when: Cond::Always,
        then: l![rec!(AssessResectability, Preferred), when!(Cond::Unknown(F::ExtrahepaticMetastases) => [Effect::Missing(F::ExtrahepaticMetastases)]), when!(Cond::Unknown(F::MetastasesResectable) => [Effect::Missing(F::MetastasesResectable)])],
        yes: Next::to("metastatic.assess_syndrome"), no: Next::to("metastatic.assess_syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MetastaticAssessSyndrome, step: text("4"), sources: l![S11], reads: l![F::MetastasesResectable, F::ExtrahepaticMetastases, F::CarcinoidSyndrome],
        condition: text("resectability is being assessed and carcinoid_syndrome is true"),
        effect: text("Somatostatin analogues treat the symptoms while resectability is assessed (S11)."),
        when: is!(CarcinoidSyndrome, true),
        then: l![rec!(SomatostatinAnalog, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::UndeterminedStaging, step: text("5"), sources: l![S2, S1], reads: l![F::Metastatic],
        condition: text("metastatic is unknown"),
        effect: text("Most patients have metastases at presentation (S2), and curative surgery of the primary is for localized disease (S1): complete the staging before any elective operation."),
        when: Cond::Always,
        then: l![rec!(CompleteStaging, Preferred), Effect::Missing(F::Metastatic)],
        yes: Next::to("undetermined.syndrome"), no: Next::to("undetermined.syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::UndeterminedSyndrome, step: text("5"), sources: l![S11], reads: l![F::Metastatic, F::CarcinoidSyndrome],
        condition: text("metastatic is unknown and carcinoid_syndrome is true"),
        effect: text("Somatostatin analogues are the first-line treatment of symptoms (S11), whatever the stage turns out to be."),
        when: is!(CarcinoidSyndrome, true),
        then: l![rec!(SomatostatinAnalog, Preferred)],
        yes: Next::to("fork.ssa"), no: Next::to("fork.ssa"),
    }),
    Node::Fork(ForkNode {
        id: text("fork.ssa"), step: text("6"), question: text("Is a somatostatin analogue recommended?"), reads: l![],
        arms: l![
            Arm { when: Cond::Recommended(Code::SomatostatinAnalog), label: text("yes"), to: Next::to("fork.ssa_response") },
            Arm { when: Cond::Always, label: text("no"), to: Next::to("fallback.no_preferred") },
        ],
    }),
    Node::Fork(ForkNode {
        id: text("fork.ssa_response"), step: text("6"), question: text("How have the symptoms responded to the analogue?"), reads: SSA,
        arms: l![
            Arm { when: Cond::Unknown(F::SsaResponse), label: text("unknown"), to: Next::to("ssa.response_unknown") },
            Arm { when: Cond::SsaResponseIn(l![SsaResponse::NotStarted, SsaResponse::Controlled]), label: text("not started or controlled"), to: Next::to("ssa.continue") },
            Arm { when: all![Cond::SsaResponseIn(l![SsaResponse::SymptomsWorsening]), Cond::DiseaseState(DiseaseState::Metastatic)], label: text("worsening, metastatic"), to: Next::to("ssa.second_line") },
            Arm { when: all![Cond::SsaResponseIn(l![SsaResponse::Intolerant]), Cond::DiseaseState(DiseaseState::Metastatic)], label: text("intolerant, metastatic"), to: Next::to("ssa.intolerant_advanced") },
            Arm { when: Cond::SsaResponseIn(l![SsaResponse::SymptomsWorsening]), label: text("worsening, not metastatic"), to: Next::to("ssa.worsening_not_advanced") },
            Arm { when: Cond::Always, label: text("intolerant, not metastatic"), to: Next::to("ssa.intolerant_not_advanced") },
        ],
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaResponseUnknown, step: text("6"), sources: l![S11, S12, S13], reads: SSA,
        condition: text("a somatostatin analogue is recommended and ssa_response is unknown"),
        effect: text("The response to an analogue decides whether to start or continue it, add second-line therapy or stop it: record it."),
        when: Cond::Always,
        then: l![Effect::Missing(F::SsaResponse)],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaContinue, step: text("6"), sources: l![S11], reads: SSA,
        condition: text("a somatostatin analogue is recommended and ssa_response is not_started or controlled"),
        effect: text("Start the analogue, or continue it while it controls the symptoms (S11)."),
        when: Cond::Always,
        then: l![],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaSecondLine, step: text("6"), sources: l![S11, S13, S12, R5], reads: SSA,
        condition: text("a somatostatin analogue is recommended, disease is metastatic and ssa_response is symptoms_worsening"),
        effect: text("Symptoms progress on an analogue in advanced disease: the analogue is continued, and escalated, at the strength it had (S11); everolimus (S13) and interferon (S12) may be considered, but a benefit of everolimus for the syndrome was not shown (R5)."),
        when: Cond::Always,
        then: l![
            // The analogue keeps its strength: a preferred one is restated with
            // this rule's rationale; one of another strength stays as it was.
            when!(Cond::RecommendedAs { code: Code::SomatostatinAnalog, strength: Strength::Preferred } => [rec!(SomatostatinAnalog, Preferred)]),
            rec!(Everolimus, Option),
            rec!(InterferonAlpha, Option),
        ],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaIntolerantAdvanced, step: text("6"), sources: l![S12], reads: SSA,
        condition: text("a somatostatin analogue is recommended, disease is metastatic and ssa_response is intolerant"),
        effect: text("The analogue is not tolerated: it is withdrawn, and in advanced disease interferon may be considered (S12)."),
        when: Cond::Always,
        then: l![Effect::Withdraw(Code::SomatostatinAnalog), rec!(InterferonAlpha, Option)],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaWorseningNotAdvanced, step: text("6"), sources: l![S12, S13], reads: SSA,
        condition: text("a somatostatin analogue is recommended, disease is not known to be metastatic and ssa_response is symptoms_worsening"),
        effect: text("Second-line drugs are for advanced disease (S12, S13): stage or operate first; the analogue stays."),
        when: Cond::Always,
        then: l![],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::SsaIntolerantNotAdvanced, step: text("6"), sources: l![S11], reads: SSA,
        condition: text("a somatostatin analogue is recommended, disease is not known to be metastatic and ssa_response is intolerant"),
        effect: text("The analogue is not tolerated: it is withdrawn; second-line drugs are for advanced disease."),
        when: Cond::Always,
        then: l![Effect::Withdraw(Code::SomatostatinAnalog)],
        yes: Next::to("fallback.no_preferred"), no: Next::to("fallback.no_preferred"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::FallbackNoPreferred, step: text("7"), sources: l![], reads: l![],
        condition: text("no recommendation of this in-scope case is preferred"),
        effect: text("The guideline names no preferred treatment for this situation: refer to a multidisciplinary tumour board."),
        when: none_of![Cond::StrengthRecommended(Strength::Preferred)],
        then: l![rec!(MultidisciplinaryReview, Preferred)],
        yes: Next::to("missing.carcinoid_syndrome"), no: Next::to("missing.carcinoid_syndrome"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::MissingSyndrome, step: text("settle"), sources: l![S0, S8, S11], reads: SYNDROME,
        condition: text("the case is in scope and carcinoid_syndrome is unknown"),
        effect: text("carcinoid_syndrome is reported missing: it decides the analogue, crisis prevention around surgery and the goals."),
        when: Cond::Unknown(F::CarcinoidSyndrome),
        then: l![Effect::Missing(F::CarcinoidSyndrome)],
        yes: Next::to("warning.histology_assumed"), no: Next::to("warning.histology_assumed"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnHistologyAssumed, step: text("settle"), sources: l![], reads: l![F::Histology],
        condition: text("the case is in scope and histology is unknown"),
        effect: text("warning HISTOLOGY_ASSUMED"),
        when: Cond::Unknown(F::Histology),
        then: l![Effect::Warn(WarningCode::HistologyAssumed)],
        yes: Next::to("warning.syndrome_without_metastases"), no: Next::to("warning.syndrome_without_metastases"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnSyndromeWithoutMetastases, step: text("settle"), sources: l![], reads: l![F::Metastatic, F::CarcinoidSyndrome],
        condition: text("carcinoid_syndrome is true and metastatic is false"),
        effect: text("warning SYNDROME_WITHOUT_METASTASES"),
        when: all![is!(CarcinoidSyndrome, true), Cond::DiseaseState(DiseaseState::Localized)],
        then: l![Effect::Warn(WarningCode::SyndromeWithoutMetastases)],
        yes: Next::to("warning.carcinoid_crisis_risk"), no: Next::to("warning.carcinoid_crisis_risk"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnCarcinoidCrisisRisk, step: text("settle"), sources: l![R3, R4], reads: l![F::HepaticMetastases, F::CarcinoidSyndrome],
        condition: text("a surgery recommendation is made, and carcinoid_syndrome is true or unknown or hepatic_metastases is true"),
        effect: text("warning CARCINOID_CRISIS_RISK"),
        when: all![Cond::CategoryRecommended(Category::Surgery), any![is!(CarcinoidSyndrome, true), Cond::Unknown(F::CarcinoidSyndrome), is!(HepaticMetastases, true)]],
        then: l![Effect::Warn(WarningCode::CarcinoidCrisisRisk)],
        yes: Next::to("warning.ssa_gallstones"), no: Next::to("warning.ssa_gallstones"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnSsaGallstones, step: text("settle"), sources: l![R2], reads: l![F::SsaResponse],
        condition: text("an elective abdominal operation is recommended (small-bowel resection, partial colectomy, oncologic resection, cytoreductive surgery or liver resection; not a local excision, not the urgent resection), and a somatostatin analogue is recommended or ssa_response is controlled or symptoms_worsening"),
        effect: text("warning SSA_GALLSTONES"),
        when: all![any![
            Cond::Recommended(Code::SmallBowelResectionWithMesentery),
            Cond::Recommended(Code::PartialColectomyWithLymphadenectomy),
            Cond::Recommended(Code::OncologicResection),
            Cond::Recommended(Code::CytoreductiveSurgery),
            Cond::Recommended(Code::LiverResection),
        ], any![Cond::Recommended(Code::SomatostatinAnalog), Cond::SsaResponseIn(l![SsaResponse::Controlled, SsaResponse::SymptomsWorsening])]],
        then: l![Effect::Warn(WarningCode::SsaGallstones)],
        yes: Next::to("warning.everolimus_evidence"), no: Next::to("warning.everolimus_evidence"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnEverolimusEvidence, step: text("settle"), sources: l![R5], reads: l![],
        condition: text("everolimus is recommended"),
        effect: text("warning EVEROLIMUS_EVIDENCE"),
        when: Cond::Recommended(Code::Everolimus),
        then: l![Effect::Warn(WarningCode::EverolimusEvidence)],
        yes: Next::to("warning.interferon_toxicity"), no: Next::to("warning.interferon_toxicity"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnInterferonToxicity, step: text("settle"), sources: l![S12, R2], reads: l![],
        condition: text("interferon is recommended"),
        effect: text("warning INTERFERON_TOXICITY"),
        when: Cond::Recommended(Code::InterferonAlpha),
        then: l![Effect::Warn(WarningCode::InterferonToxicity)],
        yes: Next::to("warning.periampullary_check"), no: Next::to("warning.periampullary_check"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnPeriampullaryCheck, step: text("settle"), sources: l![R1], reads: l![F::PrimarySite],
        condition: text("local excision is recommended for a duodenal tumour"),
        effect: text("warning PERIAMPULLARY_CHECK"),
        when: all![Cond::Recommended(Code::LocalExcision), Cond::SiteIn(l![Site::Duodenum])],
        then: l![Effect::Warn(WarningCode::PeriampullaryCheck)],
        yes: Next::to("warning.rectal_intermediate_size"), no: Next::to("warning.rectal_intermediate_size"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnRectalIntermediateSize, step: text("settle"), sources: l![R7], reads: EXTENT,
        condition: text("partial colectomy is recommended for a rectal tumour over 1.0 and at most 2.0 cm with local_spread not true"),
        effect: text("warning RECTAL_INTERMEDIATE_SIZE"),
        when: all![Cond::Recommended(Code::PartialColectomyWithLymphadenectomy), Cond::SiteIn(l![Site::Rectum]), Cond::SizeOver(T::LocalExcisionMaxCm), Cond::SizeAtMost(T::RectalIntermediateMaxCm), none_of![is!(LocalSpread, true)]],
        then: l![Effect::Warn(WarningCode::RectalIntermediateSize)],
        yes: Next::to("warning.antiproliferative_ssa_not_covered"), no: Next::to("warning.antiproliferative_ssa_not_covered"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnAntiproliferativeSsaNotCovered, step: text("settle"), sources: l![R6], reads: l![F::CarcinoidSyndrome, F::SsaResponse],
        condition: text("disease is metastatic and unresectable, carcinoid_syndrome is false and ssa_response is not intolerant"),
        effect: text("warning ANTIPROLIFERATIVE_SSA_NOT_COVERED"),
        when: all![Cond::DiseaseState(DiseaseState::Metastatic), any![is!(MetastasesResectable, false), is!(ExtrahepaticMetastases, true)], is!(CarcinoidSyndrome, false), none_of![Cond::SsaResponseIn(l![SsaResponse::Intolerant])]],
        then: l![Effect::Warn(WarningCode::AntiproliferativeSsaNotCovered)],
        yes: Next::to("warning.refractory_syndrome_options"), no: Next::to("warning.refractory_syndrome_options"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnRefractorySyndromeOptions, step: text("settle"), sources: l![R3, R8, R9], reads: SSA,
        condition: text("disease is metastatic and ssa_response is symptoms_worsening"),
        effect: text("warning REFRACTORY_SYNDROME_OPTIONS"),
        when: all![Cond::DiseaseState(DiseaseState::Metastatic), Cond::SsaResponseIn(l![SsaResponse::SymptomsWorsening])],
        then: l![Effect::Warn(WarningCode::RefractorySyndromeOptions)],
        yes: Next::to("warning.bleeding_haemostasis_first"), no: Next::to("warning.bleeding_haemostasis_first"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnBleedingHaemostasisFirst, step: text("settle"), sources: l![R1, R3, R7], reads: l![F::Complications],
        condition: text("the urgent segmental resection is recommended and bleeding is among the complications"),
        effect: text("warning BLEEDING_HAEMOSTASIS_FIRST"),
        when: all![Cond::Recommended(Code::UrgentSegmentalResection), Cond::HasComplication(Complication::Bleeding)],
        then: l![Effect::Warn(WarningCode::BleedingHaemostasisFirst)],
        yes: Next::to("warning.perforation_contamination"), no: Next::to("warning.perforation_contamination"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::WarnPerforationContamination, step: text("settle"), sources: l![], reads: l![F::Complications],
        condition: text("the urgent segmental resection is recommended and perforation is among the complications"),
        effect: text("warning PERFORATION_CONTAMINATION"),
        when: all![Cond::Recommended(Code::UrgentSegmentalResection), Cond::HasComplication(Complication::Perforation)],
        then: l![Effect::Warn(WarningCode::PerforationContamination)],
        yes: Next::to("goal.symptom_control"), no: Next::to("goal.symptom_control"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::GoalSymptomControl, step: text("settle"), sources: l![S0], reads: l![F::CarcinoidSyndrome, F::Complications],
        condition: text("carcinoid_syndrome is true or a complication is recorded"),
        effect: text("goal symptom_control"),
        when: any![is!(CarcinoidSyndrome, true), Cond::AnyComplication],
        then: l![Effect::Goal(Goal::SymptomControl)],
        yes: Next::to("goal.tumor_growth_control"), no: Next::to("goal.tumor_growth_control"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::GoalTumorGrowthControl, step: text("settle"), sources: l![S0], reads: l![F::Metastatic],
        condition: text("disease is metastatic"),
        effect: text("goal tumor_growth_control"),
        when: Cond::DiseaseState(DiseaseState::Metastatic),
        then: l![Effect::Goal(Goal::TumorGrowthControl)],
        yes: Next::to("goal.biochemical_control"), no: Next::to("goal.biochemical_control"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::GoalBiochemicalControl, step: text("settle"), sources: l![S0], reads: SYNDROME,
        condition: text("carcinoid_syndrome is true"),
        effect: text("goal biochemical_control"),
        when: is!(CarcinoidSyndrome, true),
        then: l![Effect::Goal(Goal::BiochemicalControl)],
        yes: Next::to("goal.cure"), no: Next::to("goal.cure"),
    }),
    Node::Rule(RuleNode {
        id: RuleId::GoalCure, step: text("settle"), sources: l![S0, S1], reads: l![F::Metastatic],
        condition: text("disease is localized and a surgery recommendation is made"),
        effect: text("goal cure"),
        when: all![Cond::DiseaseState(DiseaseState::Localized), Cond::CategoryRecommended(Category::Surgery)],
        then: l![Effect::Goal(Goal::Cure)],
        yes: Next::to("end"), no: Next::to("end"),
    }),
];
