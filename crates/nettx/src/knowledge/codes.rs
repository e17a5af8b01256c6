//! The recommendation codes and the safety warnings, with their texts and
//! citations.

use crate::vocab::{Category, Code, Intent, Source, WarningCode};
use serde::Serialize;

/// One recommendation code.
#[derive(Debug, Serialize)]
pub struct CodeSpec {
    /// The code.
    pub code: Code,
    /// Surgery, medical, workup or referral.
    pub category: Category,
    /// What it aims at (the same wherever it is recommended).
    pub intent: Intent,
    /// The statements that back it (none for a referral where the source is silent).
    pub sources: &'static [Source],
    /// A short title (under 100 characters), as a CDS Hooks card summary
    /// shows it after the strength.
    pub title: &'static str,
    /// One line saying what is recommended.
    pub summary: &'static str,
}

/// Every recommendation code, in [`Code::ALL`] order (which is also the
/// tie-break order of the output).
pub static CODES: [CodeSpec; Code::ALL.len()] = {
    use Category::*;
    use Code as C;
    use Intent::*;
    use Source::*;
    [
        CodeSpec { code: C::UrgentSegmentalResection, category: Surgery, intent: ComplicationRelief, sources: &[S7, S10], title: "Urgent segmental bowel resection for a tumour complication", summary: "Urgent segmental resection of the affected bowel with its mesentery and a primary anastomosis, to relieve the complication." },
        CodeSpec { code: C::LocalExcision, category: Surgery, intent: Curative, sources: &[S4, S1], title: "Local excision of the small tumour", summary: "Local excision of the small tumour with a clear (negative) margin." },
        CodeSpec { code: C::SmallBowelResectionWithMesentery, category: Surgery, intent: Curative, sources: &[S5, S1], title: "Small-bowel resection with its mesentery", summary: "Resection of the involved jejunum or ileum together with its mesentery, aiming at cure." },
        CodeSpec { code: C::PartialColectomyWithLymphadenectomy, category: Surgery, intent: Curative, sources: &[S6, S1], title: "Partial colectomy with lymph-node dissection", summary: "Partial colectomy (or the equivalent rectal resection) with lymph-node dissection." },
        CodeSpec { code: C::OncologicResection, category: Surgery, intent: Curative, sources: &[S1, S3], title: "Oncologic resection with a clear margin", summary: "Resection with a clear margin whose extent is set by the tumour's size, site and local spread (in the duodenum possibly a pancreaticoduodenectomy)." },
        CodeSpec { code: C::CytoreductiveSurgery, category: Surgery, intent: Cytoreductive, sources: &[S9], title: "Cytoreductive surgery of the primary and the metastases", summary: "Cytoreductive surgery removing the primary and the metastatic disease." },
        CodeSpec { code: C::LiverResection, category: Surgery, intent: Cytoreductive, sources: &[S14, S9], title: "Resection of the liver metastases", summary: "Resection of the liver metastases." },
        CodeSpec { code: C::SomatostatinAnalog, category: Medical, intent: SymptomControl, sources: &[S8, S11], title: "Somatostatin analogue (octreotide or lanreotide)", summary: "Somatostatin analogue: octreotide (also as a monthly intramuscular depot) or lanreotide." },
        CodeSpec { code: C::Everolimus, category: Medical, intent: SymptomControl, sources: &[S13], title: "Everolimus as second-line therapy", summary: "Everolimus, an mTOR inhibitor, as second-line therapy." },
        CodeSpec { code: C::InterferonAlpha, category: Medical, intent: SymptomControl, sources: &[S12], title: "Interferon alfa", summary: "Interferon alfa, weighed against its considerable side effects." },
        CodeSpec { code: C::CompleteStaging, category: Workup, intent: Diagnostic, sources: &[S2, S1], title: "Complete the staging before choosing an operation", summary: "Complete the staging: establish whether distant metastases are present before choosing an operation." },
        CodeSpec { code: C::AssessResectability, category: Workup, intent: Diagnostic, sources: &[S9, S8], title: "Assess whether the metastases can be resected", summary: "Establish whether all metastatic disease can be resected and whether any of it lies outside the liver." },
        CodeSpec { code: C::MultidisciplinaryReview, category: Referral, intent: Diagnostic, sources: &[], title: "Refer to a multidisciplinary tumour board", summary: "Refer to a multidisciplinary tumour board: the guideline gives no recommendation for this situation." },
    ]
};

impl Code {
    /// This code's entry in the table.
    pub fn spec(self) -> &'static CodeSpec {
        super::entry(&CODES, self.index())
    }
}

/// One safety warning.
#[derive(Debug, Serialize)]
pub struct WarningSpec {
    /// The warning's code.
    pub code: WarningCode,
    /// What it tells the clinician.
    pub message: &'static str,
    /// The statements and references behind it.
    pub sources: &'static [Source],
}

/// Every warning, in [`WarningCode::ALL`] order (the output order). When each
/// is raised is a rule of its own in [`crate::knowledge::RULES`].
pub static WARNINGS: [WarningSpec; WarningCode::ALL.len()] = {
    use Source::*;
    use WarningCode as W;
    [
        WarningSpec { code: W::HistologyAssumed, sources: &[], message: "Histology is not recorded: these recommendations assume a well-differentiated NET. Poorly differentiated neuroendocrine carcinoma is treated on other pathways; confirm the histology." },
        WarningSpec { code: W::SyndromeWithoutMetastases, sources: &[], message: "Carcinoid syndrome is unusual without metastases; review the liver imaging before treating the disease as localized." },
        WarningSpec { code: W::CarcinoidCrisisRisk, sources: &[R3, R4], message: "An operation in a patient with carcinoid syndrome: plan perioperative prevention of carcinoid crisis, and assess for carcinoid heart disease before major surgery." },
        WarningSpec { code: W::SsaGallstones, sources: &[R2], message: "Long-term somatostatin analogue treatment causes gallstones: consider a cholecystectomy during the operation." },
        WarningSpec { code: W::EverolimusEvidence, sources: &[R5], message: "Everolimus was approved on trials in progressive non-functional NETs; a benefit for the symptoms of carcinoid syndrome was not established." },
        WarningSpec { code: W::InterferonToxicity, sources: &[S12, R2], message: "Interferon has notable adverse effects and is rarely used today; weigh them with the patient." },
        WarningSpec { code: W::PeriampullaryCheck, sources: &[R1], message: "Before local excision of a duodenal tumour, confirm it is not periampullary: periampullary tumours need surgical resection whatever their size." },
        WarningSpec { code: W::RectalIntermediateSize, sources: &[R7], message: "For rectal tumours of 1 to 2 cm, current guidance weighs endoscopic against surgical resection by risk factors; review before a colectomy." },
        WarningSpec { code: W::AntiproliferativeSsaNotCovered, sources: &[R6], message: "The source gives somatostatin analogues only for symptoms; current guidance also uses them to control tumour growth, which the tumour board should consider." },
    ]
};

impl WarningCode {
    /// This warning's entry in the table.
    pub fn spec(self) -> &'static WarningSpec {
        super::entry(&WARNINGS, self.index())
    }
}
