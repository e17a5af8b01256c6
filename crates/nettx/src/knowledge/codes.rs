//! The recommendation codes and the safety warnings, with their texts and
//! citations.

use super::graph::{list, text, List, Text};
use crate::vocab::{Category, Code, Intent, Source, WarningCode};
use serde::{Deserialize, Serialize};

/// One recommendation code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSpec {
    /// The code.
    pub code: Code,
    /// Surgery, medical, workup or referral.
    pub category: Category,
    /// What it aims at (the same wherever it is recommended).
    pub intent: Intent,
    /// The statements that back it (none for a referral where the source is silent).
    pub sources: List<Source>,
    /// A short title (under 100 characters), as a CDS Hooks card summary
    /// shows it after the strength.
    pub title: Text,
    /// One line saying what is recommended.
    pub summary: Text,
}

/// Every recommendation code, in [`Code::ALL`] order (which is also the
/// tie-break order of the output).
pub static CODES: [CodeSpec; Code::ALL.len()] = {
    use Category::*;
    use Code as C;
    use Intent::*;
    use Source::*;
    [
        CodeSpec { code: C::UrgentSegmentalResection, category: Surgery, intent: ComplicationRelief, sources: list(&[S7, S10]), title: text("Urgent segmental bowel resection for a tumour complication"), summary: text("Urgent segmental resection of the affected bowel with its mesentery and a primary anastomosis, to relieve the complication.") },
        CodeSpec { code: C::LocalExcision, category: Surgery, intent: Curative, sources: list(&[S4, S1]), title: text("Local excision of the small tumour"), summary: text("Local excision of the small tumour with a clear (negative) margin.") },
        CodeSpec { code: C::SmallBowelResectionWithMesentery, category: Surgery, intent: Curative, sources: list(&[S5, S1]), title: text("Small-bowel resection with its mesentery"), summary: text("Resection of the involved jejunum or ileum together with its mesentery, aiming at cure.") },
        CodeSpec { code: C::PartialColectomyWithLymphadenectomy, category: Surgery, intent: Curative, sources: list(&[S6, S1]), title: text("Partial colectomy with lymph-node dissection"), summary: text("Partial colectomy (or the equivalent rectal resection) with lymph-node dissection.") },
        CodeSpec { code: C::OncologicResection, category: Surgery, intent: Curative, sources: list(&[S1, S3]), title: text("Oncologic resection with a clear margin"), summary: text("Resection with a clear margin whose extent is set by the tumour's size, site and local spread (in the duodenum possibly a pancreaticoduodenectomy).") },
        CodeSpec { code: C::CytoreductiveSurgery, category: Surgery, intent: Cytoreductive, sources: list(&[S9]), title: text("Cytoreductive surgery of the primary and the metastases"), summary: text("Cytoreductive surgery removing the primary and the metastatic disease.") },
        CodeSpec { code: C::LiverResection, category: Surgery, intent: Cytoreductive, sources: list(&[S14, S9]), title: text("Resection of the liver metastases"), summary: text("Resection of the liver metastases.") },
        CodeSpec { code: C::SomatostatinAnalog, category: Medical, intent: SymptomControl, sources: list(&[S8, S11]), title: text("Somatostatin analogue (octreotide or lanreotide)"), summary: text("Somatostatin analogue: octreotide (also as a monthly intramuscular depot) or lanreotide.") },
        CodeSpec { code: C::Everolimus, category: Medical, intent: SymptomControl, sources: list(&[S13]), title: text("Everolimus as second-line therapy"), summary: text("Everolimus, an mTOR inhibitor, as second-line therapy.") },
        CodeSpec { code: C::InterferonAlpha, category: Medical, intent: SymptomControl, sources: list(&[S12]), title: text("Interferon alfa"), summary: text("Interferon alfa, weighed against its considerable side effects.") },
        CodeSpec { code: C::CompleteStaging, category: Workup, intent: Diagnostic, sources: list(&[S2, S1]), title: text("Complete the staging before choosing an operation"), summary: text("Complete the staging: establish whether distant metastases are present before choosing an operation.") },
        CodeSpec { code: C::AssessResectability, category: Workup, intent: Diagnostic, sources: list(&[S9, S8]), title: text("Assess whether the metastases can be resected"), summary: text("Establish whether all metastatic disease can be resected and whether any of it lies outside the liver.") },
        CodeSpec { code: C::MultidisciplinaryReview, category: Referral, intent: Diagnostic, sources: list(&[]), title: text("Refer to a multidisciplinary tumour board"), summary: text("Refer to a multidisciplinary tumour board: the guideline gives no recommendation for this situation.") },
    ]
};

impl Code {
    /// This code's entry in the table.
    pub fn spec(self) -> &'static CodeSpec {
        super::entry(&CODES, self.index())
    }
}

/// One safety warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSpec {
    /// The warning's code.
    pub code: WarningCode,
    /// What it tells the clinician.
    pub message: Text,
    /// The statements and references behind it.
    pub sources: List<Source>,
}

/// Every warning, in [`WarningCode::ALL`] order (the output order). When each
/// is raised is a rule of its own in [`crate::knowledge::RULES`].
pub static WARNINGS: [WarningSpec; WarningCode::ALL.len()] = {
    use Source::*;
    use WarningCode as W;
    [
        WarningSpec { code: W::HistologyAssumed, sources: list(&[]), message: text("Histology is not recorded: these recommendations assume a well-differentiated NET. Poorly differentiated neuroendocrine carcinoma is treated on other pathways; confirm the histology.") },
        WarningSpec { code: W::SyndromeWithoutMetastases, sources: list(&[]), message: text("Carcinoid syndrome is unusual without metastases; review the liver imaging before treating the disease as localized.") },
        WarningSpec { code: W::CarcinoidCrisisRisk, sources: list(&[R3, R4]), message: text("An operation in a patient who has or may have carcinoid syndrome (present, not recorded, or liver metastases, from which a syndrome not yet recognised may come): plan perioperative prevention of carcinoid crisis, and assess for carcinoid heart disease before major surgery.") },
        WarningSpec { code: W::SsaGallstones, sources: list(&[R2]), message: text("Long-term somatostatin analogue treatment causes gallstones: consider a cholecystectomy during the operation.") },
        WarningSpec { code: W::EverolimusEvidence, sources: list(&[R5]), message: text("Everolimus was approved on trials in progressive non-functional NETs; a benefit for the symptoms of carcinoid syndrome was not established.") },
        WarningSpec { code: W::InterferonToxicity, sources: list(&[S12, R2]), message: text("Interferon has notable adverse effects and is rarely used today; weigh them with the patient.") },
        WarningSpec { code: W::PeriampullaryCheck, sources: list(&[R1]), message: text("Before local excision of a duodenal tumour, confirm it is not periampullary: periampullary tumours need surgical resection whatever their size.") },
        WarningSpec { code: W::RectalIntermediateSize, sources: list(&[R7]), message: text("For rectal tumours of 1 to 2 cm, current guidance weighs endoscopic against surgical resection by risk factors; review before a colectomy.") },
        WarningSpec { code: W::AntiproliferativeSsaNotCovered, sources: list(&[R6]), message: text("The source gives somatostatin analogues only for symptoms; current guidance also uses them to control tumour growth, which the tumour board should consider.") },
        WarningSpec { code: W::RefractorySyndromeOptions, sources: list(&[R3, R8, R9]), message: text("Symptoms are worsening on a somatostatin analogue: continue the analogue and consider escalating it. Current guidance adds telotristat for diarrhoea and weighs peptide receptor radionuclide therapy and liver-directed therapy, which the source does not cover: discuss at a tumour board.") },
        WarningSpec { code: W::BleedingHaemostasisFirst, sources: list(&[R1, R3, R7]), message: text("Bleeding is usually treated first by endoscopic or angiographic haemostasis (duodenal and rectal tumours are within reach of the endoscope); keep the urgent resection for bleeding that these cannot control.") },
        WarningSpec { code: W::PerforationContamination, sources: list(&[]), message: text("After a perforation with peritoneal contamination a primary anastomosis may be unsafe: the surgeon decides between an anastomosis and a stoma.") },
    ]
};

impl WarningCode {
    /// This warning's entry in the table.
    pub fn spec(self) -> &'static WarningSpec {
        super::entry(&WARNINGS, self.index())
    }
}
