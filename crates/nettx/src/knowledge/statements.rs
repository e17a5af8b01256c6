//! The statements of the source (S0–S14) and the outside references (R1–R9),
//! each in the project's own words.

use super::graph::{text, Text};
use crate::vocab::Source;
use serde::{Deserialize, Serialize};

/// One statement of the source or one outside reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Its identifier (`S0`…`S14`, `R1`…`R9`).
    pub id: Source,
    /// Section of the source (`goals`, `localized`, …) or `reference`.
    pub section: Text,
    /// What it says, paraphrased; for a reference, the citation.
    pub text: Text,
}

/// Every statement and reference, in [`Source::ALL`] order.
pub static SOURCES: [SourceSpec; Source::ALL.len()] = [
    SourceSpec { id: Source::S0, section: text("goals"), text: text("Treatment seeks control of symptoms, of tumour growth and of hormone secretion (biochemical control).") },
    SourceSpec { id: Source::S1, section: text("localized"), text: text("Disease confined to the primary is treated by resection with a clear margin; an operation is the only treatment that can cure.") },
    SourceSpec { id: Source::S2, section: text("localized"), text: text("Most patients already have metastases, synchronous or in the liver, when the tumour is found.") },
    SourceSpec { id: Source::S3, section: text("localized"), text: text("How much is resected depends on the tumour's size, site and local extension, on the loco-regional principles used for midgut cancers.") },
    SourceSpec { id: Source::S4, section: text("localized"), text: text("A tumour of about 1 cm may be removed by local excision, which in the duodenum spares a wider resection or a pancreaticoduodenectomy.") },
    SourceSpec { id: Source::S5, section: text("localized"), text: text("Jejunal and ileal NETs spread often whatever their size; without metastases the involved bowel is resected with its mesentery, aiming at cure.") },
    SourceSpec { id: Source::S6, section: text("localized"), text: text("Colorectal NETs are usually larger than 2 cm and invasive; without metastases a partial colectomy with lymph-node dissection is done.") },
    SourceSpec { id: Source::S7, section: text("localized"), text: text("A complication such as obstruction calls for an urgent operation; a segmental resection with the involved mesentery and a primary anastomosis is enough to control the primary and relieve the complication.") },
    SourceSpec { id: Source::S8, section: text("metastatic"), text: text("When carcinoid syndrome causes symptoms and the disease cannot be resected, treatment starts with a somatostatin analogue.") },
    SourceSpec { id: Source::S9, section: text("metastatic"), text: text("When metastatic disease can be resected and none lies outside the liver, cytoreductive surgery is chosen over drug treatment.") },
    SourceSpec { id: Source::S10, section: text("metastatic"), text: text("Complications caused by the tumour are treated by an operation.") },
    SourceSpec { id: Source::S11, section: text("medical"), text: text("Somatostatin analogues (octreotide, lanreotide) are the first drugs for symptoms; octreotide also exists as a monthly intramuscular depot; side effects are mostly mild nausea or bloating.") },
    SourceSpec { id: Source::S12, section: text("medical"), text: text("Interferon may be tried in advanced disease when symptoms worsen on a somatostatin analogue or it is not tolerated; its side effects keep it in the background.") },
    SourceSpec { id: Source::S13, section: text("medical"), text: text("Everolimus, an mTOR inhibitor, is approved as second-line treatment when symptoms progress despite a somatostatin analogue.") },
    SourceSpec { id: Source::S14, section: text("hepatic"), text: text("Resecting liver metastases relieves symptoms and improves survival.") },
    SourceSpec { id: Source::R1, section: text("reference"), text: text("ENETS consensus guidelines for gastroduodenal neoplasms, 2016 (Delle Fave et al., Neuroendocrinology 2016); updated by ENETS 2023 guidance (Panzuto et al., J Neuroendocrinol 2023;35:e13306).") },
    SourceSpec { id: Source::R2, section: text("reference"), text: text("NCCN Clinical Practice Guidelines, Neuroendocrine and Adrenal Tumors.") },
    SourceSpec { id: Source::R3, section: text("reference"), text: text("ENETS 2024 guidance paper for small-intestinal NETs (Lamarca et al., J Neuroendocrinol 2024, doi 10.1111/jne.13423).") },
    SourceSpec { id: Source::R4, section: text("reference"), text: text("Carcinoid heart disease screening (NT-proBNP, echocardiography) in patients with carcinoid syndrome.") },
    SourceSpec { id: Source::R5, section: text("reference"), text: text("RADIANT-4 (Yao et al., Lancet 2016) and RADIANT-2 (Pavel et al., Lancet 2011).") },
    SourceSpec { id: Source::R6, section: text("reference"), text: text("PROMID (Rinke et al., J Clin Oncol 2009) and CLARINET (Caplin et al., N Engl J Med 2014).") },
    SourceSpec { id: Source::R7, section: text("reference"), text: text("ENETS 2023 guidance paper for colorectal neuroendocrine tumours (Rinke et al., J Neuroendocrinol 2023, doi 10.1111/jne.13309).") },
    SourceSpec { id: Source::R8, section: text("reference"), text: text("TELESTAR (Kulke et al., J Clin Oncol 2017;35:14–23): telotristat ethyl for carcinoid syndrome diarrhoea not controlled by a somatostatin analogue.") },
    SourceSpec { id: Source::R9, section: text("reference"), text: text("NETTER-1 (Strosberg et al., N Engl J Med 2017;376:125–135): 177Lu-Dotatate in progressive midgut NETs.") },
];

impl Source {
    /// This statement's or reference's entry in the table.
    pub fn spec(self) -> &'static SourceSpec {
        super::entry(&SOURCES, self.index())
    }

    /// Whether this is a statement of the source (S0–S14) rather than an
    /// outside reference (R1–R9).
    pub fn is_statement(self) -> bool {
        self <= Source::S14
    }
}
