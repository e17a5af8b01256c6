//! THE MAPPING TABLE: every code the mapping reads, with its system, the case
//! value it gives and where in a resource it is read. A code that is not in
//! this table is never read as a fact (the contract, `docs/FHIR.md`, "The
//! mapping").
//!
//! Nothing else in the crate names a clinical code; `map.rs` only asks this
//! table what a coding means.

use nettx::{Complication, Histology, Site};

/// ICD-10-CM.
pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
/// SNOMED CT.
pub const SNOMED: &str = "http://snomed.info/sct";
/// LOINC.
pub const LOINC: &str = "http://loinc.org";
/// ICD-O-3 (morphology codes such as `8240/3`).
pub const ICDO3: &str = "http://terminology.hl7.org/CodeSystem/icd-o-3";
/// UCUM (units of a size).
pub const UCUM: &str = "http://unitsofmeasure.org";
/// AJCC staging codes.
pub const AJCC: &str = "http://cancerstaging.org";
/// UICC staging codes.
pub const UICC: &str = "https://www.uicc.org/resources/tnm";
/// nettx's own system for facts that have no standard code.
pub const CASE_FACT: &str = "urn:nettx:case-fact";
/// Condition.clinicalStatus codes.
pub const CLINICAL_STATUS: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
/// Condition.verificationStatus codes.
pub const VERIFICATION_STATUS: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
/// The mCODE histology-morphology-behavior extension (on a Condition).
pub const MORPHOLOGY_EXTENSION: &str =
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior";
/// The extension linking a Condition to another (a secondary to its primary).
pub const CONDITION_RELATED: &str = "http://hl7.org/fhir/StructureDefinition/condition-related";

/// Where in a resource a code is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `Condition.code`.
    ConditionCode,
    /// `Condition.bodySite`.
    ConditionBodySite,
    /// The morphology extension of a Condition (`valueCodeableConcept`).
    Morphology,
    /// `Observation.code` (and, for a size, `Observation.component.code`).
    ObservationCode,
    /// `Observation.valueCodeableConcept` of a TNM category observation.
    TnmValue,
}

impl Source {
    /// How the documentation names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ConditionCode => "Condition.code",
            Source::ConditionBodySite => "Condition.bodySite",
            Source::Morphology => "Condition.extension (histology-morphology-behavior)",
            Source::ObservationCode => "Observation.code",
            Source::TnmValue => "Observation.valueCodeableConcept",
        }
    }
}

/// How a table code matches a coding's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Exactly this code.
    Exact(&'static str),
    /// This code and its subcodes (`K56.6` matches `K56.6`, `K56.60`, `K56.699`):
    /// the prefix followed by nothing or by digits only.
    WithSubcodes(&'static str),
}

impl Match {
    fn matches(self, code: &str) -> bool {
        match self {
            Match::Exact(c) => code == c,
            Match::WithSubcodes(p) => code
                .strip_prefix(p)
                .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit())),
        }
    }
    /// The code as the documentation shows it (`K56.6*` for subcodes).
    pub fn shown(self) -> String {
        match self {
            Match::Exact(c) => c.to_owned(),
            Match::WithSubcodes(p) => format!("{p}*"),
        }
    }
}

/// Where a secondary (metastasis) lies, from its code or its bodySite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Liver: `hepatic_metastases`.
    Liver,
    /// Lung: `extrahepatic_metastases`.
    Lung,
    /// Bone: `extrahepatic_metastases`.
    Bone,
    /// Brain: `extrahepatic_metastases`.
    Brain,
    /// Other distant sites named by C7B.09: `extrahepatic_metastases`.
    OtherDistant,
    /// Lymph nodes: sets nothing (often regional and resectable).
    Nodes,
    /// Peritoneum: sets nothing (often regional and resectable).
    Peritoneum,
    /// A secondary of another site, not in the table: only `metastatic`.
    Elsewhere,
    /// No site in the code (C7B.00, C79.9): the site comes from bodySite.
    Unspecified,
}

impl Place {
    /// Whether this place sets `extrahepatic_metastases`.
    pub fn is_extrahepatic(self) -> bool {
        matches!(
            self,
            Place::Lung | Place::Bone | Place::Brain | Place::OtherDistant
        )
    }
    /// How notes and messages name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Liver => "liver",
            Place::Lung => "lung",
            Place::Bone => "bone",
            Place::Brain => "brain",
            Place::OtherDistant => "other distant sites",
            Place::Nodes => "lymph nodes",
            Place::Peritoneum => "peritoneum",
            Place::Elsewhere => "a site outside the table",
            Place::Unspecified => "an unspecified site",
        }
    }
}

/// T, N or M.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Primary tumour (T).
    T,
    /// Regional nodes (N).
    N,
    /// Distant metastasis (M).
    M,
}

impl Category {
    /// The letter of the category.
    pub fn letter(self) -> char {
        match self {
            Category::T => 'T',
            Category::N => 'N',
            Category::M => 'M',
        }
    }
}

/// What a code gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gives {
    /// A primary NET: its site (none: from bodySite) and its histology (if the code says).
    Primary(Option<Site>, Option<Histology>),
    /// A primary site read from bodySite.
    BodySite(Site),
    /// A morphology: the histology.
    Morph(Histology),
    /// A secondary (metastasis) at this place.
    Secondary(Place),
    /// Where a secondary with a site-unspecified code lies (bodySite).
    SecondaryBodySite(Place),
    /// Carcinoid syndrome.
    Syndrome,
    /// A complication.
    Complication(Complication),
    /// A size observation (`component`: the size is in the component 33728-7).
    Size {
        /// Whether the value is in a component (LOINC 21889-1).
        component: bool,
    },
    /// A TNM category observation, pathological or clinical.
    Tnm(Category, bool),
    /// A SNOMED value of a TNM category: its category, value (`0`) and whether it is pathological.
    TnmSnomedValue(Category, &'static str, bool),
}

/// One row of the mapping table.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Where the code is read.
    pub source: Source,
    /// The code system.
    pub system: &'static str,
    /// The code (or code family).
    pub code: Match,
    /// What it gives.
    pub gives: Gives,
}

const fn e(source: Source, system: &'static str, code: Match, gives: Gives) -> Entry {
    Entry {
        source,
        system,
        code,
        gives,
    }
}

use Category::{M, N, T};
use Gives::*;
use Match::{Exact as X, WithSubcodes as Sub};
use Source::*;

const WD: Option<Histology> = Some(Histology::WellDifferentiated);
const PD: Option<Histology> = Some(Histology::PoorlyDifferentiated);

/// The whole table, in the order of the contract's mapping table.
pub static TABLE: &[Entry] = &[
    // primary_site and histology from the primary's ICD-10-CM code.
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.010"),
        Primary(Some(Site::Duodenum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.011"),
        Primary(Some(Site::Jejunum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.012"),
        Primary(Some(Site::Ileum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.019"),
        Primary(Some(Site::SmallIntestineUnspecified), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.020"),
        Primary(Some(Site::Appendix), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.021"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.022"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.023"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.024"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.025"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7A.026"),
        Primary(Some(Site::Rectum), WD),
    ),
    e(ConditionCode, ICD10CM, X("C7A.029"), Primary(None, WD)),
    e(
        ConditionCode,
        ICD10CM,
        Sub("C7A.09"),
        Primary(Some(Site::Other), WD),
    ),
    e(ConditionCode, ICD10CM, X("C7A.1"), Primary(None, PD)),
    e(ConditionCode, ICD10CM, X("C7A.8"), Primary(None, None)),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.010"),
        Primary(Some(Site::Duodenum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.011"),
        Primary(Some(Site::Jejunum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.012"),
        Primary(Some(Site::Ileum), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.019"),
        Primary(Some(Site::SmallIntestineUnspecified), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.020"),
        Primary(Some(Site::Appendix), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.021"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.022"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.023"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.024"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.025"),
        Primary(Some(Site::Colon), WD),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("D3A.026"),
        Primary(Some(Site::Rectum), WD),
    ),
    e(ConditionCode, ICD10CM, X("D3A.029"), Primary(None, WD)),
    e(
        ConditionCode,
        ICD10CM,
        Sub("D3A.09"),
        Primary(Some(Site::Other), WD),
    ),
    // primary_site from the primary's bodySite.
    e(
        ConditionBodySite,
        SNOMED,
        X("38848004"),
        BodySite(Site::Duodenum),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("21306003"),
        BodySite(Site::Jejunum),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("34516001"),
        BodySite(Site::Ileum),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("30315005"),
        BodySite(Site::SmallIntestineUnspecified),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("66754008"),
        BodySite(Site::Appendix),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("71854001"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("32713005"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("9040008"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("485005"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("32622004"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("60184004"),
        BodySite(Site::Colon),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("34402009"),
        BodySite(Site::Rectum),
    ),
    // histology from the morphology extension.
    e(
        Morphology,
        ICDO3,
        X("8240/3"),
        Gives::Morph(Histology::WellDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8241/3"),
        Gives::Morph(Histology::WellDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8242/3"),
        Gives::Morph(Histology::WellDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8249/3"),
        Gives::Morph(Histology::WellDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8246/3"),
        Gives::Morph(Histology::PoorlyDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8013/3"),
        Gives::Morph(Histology::PoorlyDifferentiated),
    ),
    e(
        Morphology,
        ICDO3,
        X("8041/3"),
        Gives::Morph(Histology::PoorlyDifferentiated),
    ),
    // secondaries (metastases) by code.
    e(
        ConditionCode,
        ICD10CM,
        X("C7B.00"),
        Secondary(Place::Unspecified),
    ),
    e(ConditionCode, ICD10CM, X("C7B.01"), Secondary(Place::Nodes)),
    e(ConditionCode, ICD10CM, X("C7B.02"), Secondary(Place::Liver)),
    e(ConditionCode, ICD10CM, X("C7B.03"), Secondary(Place::Bone)),
    e(
        ConditionCode,
        ICD10CM,
        X("C7B.04"),
        Secondary(Place::Peritoneum),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("C7B.09"),
        Secondary(Place::OtherDistant),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("C7B.0"),
        Secondary(Place::Elsewhere),
    ),
    e(ConditionCode, ICD10CM, X("C78.7"), Secondary(Place::Liver)),
    e(ConditionCode, ICD10CM, Sub("C78.0"), Secondary(Place::Lung)),
    e(
        ConditionCode,
        ICD10CM,
        X("C78.6"),
        Secondary(Place::Peritoneum),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("C78."),
        Secondary(Place::Elsewhere),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("C79.3"),
        Secondary(Place::Brain),
    ),
    e(ConditionCode, ICD10CM, X("C79.51"), Secondary(Place::Bone)),
    e(
        ConditionCode,
        ICD10CM,
        X("C79.9"),
        Secondary(Place::Unspecified),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("C79."),
        Secondary(Place::Elsewhere),
    ),
    // where a secondary lies, by bodySite.
    e(
        ConditionBodySite,
        SNOMED,
        X("10200004"),
        SecondaryBodySite(Place::Liver),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("39607008"),
        SecondaryBodySite(Place::Lung),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("272673000"),
        SecondaryBodySite(Place::Bone),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("12738006"),
        SecondaryBodySite(Place::Brain),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("15425007"),
        SecondaryBodySite(Place::Peritoneum),
    ),
    e(
        ConditionBodySite,
        SNOMED,
        X("59441001"),
        SecondaryBodySite(Place::Nodes),
    ),
    // carcinoid syndrome.
    e(ConditionCode, SNOMED, X("35868009"), Syndrome),
    e(ConditionCode, ICD10CM, X("E34.0"), Syndrome),
    e(ConditionCode, ICD10CM, X("E34.00"), Syndrome),
    e(ConditionCode, ICD10CM, X("E34.01"), Syndrome),
    e(ConditionCode, ICD10CM, X("E34.09"), Syndrome),
    // complications.
    e(
        ConditionCode,
        SNOMED,
        X("81060008"),
        Complication(Complication::BowelObstruction),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("K56.6"),
        Complication(Complication::BowelObstruction),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K56.1"),
        Complication(Complication::BowelObstruction),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K56.2"),
        Complication(Complication::BowelObstruction),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K31.5"),
        Complication(Complication::BowelObstruction),
    ),
    e(
        ConditionCode,
        SNOMED,
        X("74474003"),
        Complication(Complication::Bleeding),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K92.0"),
        Complication(Complication::Bleeding),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K92.1"),
        Complication(Complication::Bleeding),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K92.2"),
        Complication(Complication::Bleeding),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K62.5"),
        Complication(Complication::Bleeding),
    ),
    e(
        ConditionCode,
        ICD10CM,
        X("K63.1"),
        Complication(Complication::Perforation),
    ),
    e(
        ConditionCode,
        ICD10CM,
        Sub("K55.0"),
        Complication(Complication::IntestinalIschemia),
    ),
    // tumour size.
    e(
        ObservationCode,
        LOINC,
        X("21889-1"),
        Size { component: true },
    ),
    e(
        ObservationCode,
        LOINC,
        X("33728-7"),
        Size { component: false },
    ),
    // TNM category observations (pathological: true).
    e(ObservationCode, LOINC, X("21905-5"), Tnm(T, false)),
    e(ObservationCode, LOINC, X("21899-0"), Tnm(T, true)),
    e(ObservationCode, SNOMED, X("78873005"), Tnm(T, false)),
    e(ObservationCode, SNOMED, X("399504009"), Tnm(T, false)),
    e(ObservationCode, SNOMED, X("384625004"), Tnm(T, true)),
    e(ObservationCode, LOINC, X("21906-3"), Tnm(N, false)),
    e(ObservationCode, LOINC, X("21900-6"), Tnm(N, true)),
    e(ObservationCode, SNOMED, X("277206009"), Tnm(N, false)),
    e(ObservationCode, SNOMED, X("399534004"), Tnm(N, false)),
    e(ObservationCode, SNOMED, X("371494008"), Tnm(N, true)),
    e(ObservationCode, LOINC, X("21907-1"), Tnm(M, false)),
    e(ObservationCode, LOINC, X("21901-4"), Tnm(M, true)),
    e(ObservationCode, SNOMED, X("277208005"), Tnm(M, false)),
    e(ObservationCode, SNOMED, X("399387003"), Tnm(M, false)),
    e(ObservationCode, SNOMED, X("371497001"), Tnm(M, true)),
    // SNOMED values of TNM categories (AJCC and UICC codes are read by their grammar).
    e(
        TnmValue,
        SNOMED,
        X("1229967007"),
        TnmSnomedValue(N, "0", false),
    ),
    e(
        TnmValue,
        SNOMED,
        X("1229947003"),
        TnmSnomedValue(N, "0", true),
    ),
    e(
        TnmValue,
        SNOMED,
        X("1229901006"),
        TnmSnomedValue(M, "0", false),
    ),
];

/// What `code` of `system` gives when read at `source`; the first matching
/// row wins (exact rows come before the families that contain them).
pub fn lookup(source: Source, system: &str, code: &str) -> Option<Gives> {
    groups()
        .iter()
        .find(|g| g.source == source && g.system == system)?
        .rows
        .iter()
        .find(|r| r.code.matches(code))
        .map(|r| r.gives)
}

/// The rows of one source and system, in table order.
struct Group {
    source: Source,
    system: &'static str,
    rows: Vec<&'static Entry>,
}

/// The table's rows grouped by source and system (made at the first
/// lookup): a coding is compared with the codes of its own source and
/// system only, in table order, so the first matching row still wins.
fn groups() -> &'static [Group] {
    static GROUPS: std::sync::OnceLock<Vec<Group>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: Vec<Group> = Vec::new();
        for r in TABLE {
            match groups
                .iter_mut()
                .find(|g| g.source == r.source && g.system == r.system)
            {
                Some(g) => g.rows.push(r),
                None => groups.push(Group {
                    source: r.source,
                    system: r.system,
                    rows: vec![r],
                }),
            }
        }
        groups
    })
}

/// Whether an ICD-10-CM code is another cancer: C00–C96 outside C7A, C7B,
/// C78 and C79 (D3A is not a C code).
pub fn is_other_cancer(system: &str, code: &str) -> bool {
    if system != ICD10CM {
        return false;
    }
    let b = code.as_bytes();
    match (b.first(), b.get(1), b.get(2)) {
        (Some(b'C'), Some(d1 @ b'0'..=b'9'), Some(d2 @ b'0'..=b'9')) => {
            let n = (d1 - b'0') * 10 + (d2 - b'0');
            n <= 96 && n != 78 && n != 79 && (b.len() == 3 || b.get(3) == Some(&b'.'))
        }
        _ => false,
    }
}

/// What a row gives, for people.
fn gives_text(g: Gives) -> String {
    match g {
        Primary(site, h) => {
            let site = site.map_or("site from bodySite".to_owned(), |s| {
                format!("`primary_site` {s}")
            });
            match h {
                Some(h) => format!("primary NET: {site}, `histology` {h}"),
                None => format!("primary NET: {site}"),
            }
        }
        BodySite(s) => format!("`primary_site` {s} (a primary whose code gives no site)"),
        Morph(h) => format!("primary NET (without a secondary code); `histology` {h}"),
        Secondary(p) => match p {
            Place::Liver => "secondary: `hepatic_metastases`".to_owned(),
            Place::Lung | Place::Bone | Place::Brain | Place::OtherDistant => {
                format!("secondary ({}): `extrahepatic_metastases`", p.as_str())
            }
            Place::Nodes | Place::Peritoneum => format!("secondary ({}): sets nothing", p.as_str()),
            Place::Elsewhere => "secondary elsewhere: `metastatic` only".to_owned(),
            Place::Unspecified => {
                "secondary, site from bodySite (else `metastatic` only)".to_owned()
            }
        },
        SecondaryBodySite(p) => format!("where a secondary lies: {}", p.as_str()),
        Syndrome => "`carcinoid_syndrome`".to_owned(),
        Complication(c) => format!("`complications` {c}"),
        Size { component: true } => "`tumor_size_cm` (component 33728-7)".to_owned(),
        Size { component: false } => "`tumor_size_cm` (valueQuantity)".to_owned(),
        Tnm(c, p) => format!(
            "{} category, {}",
            c.letter(),
            if p { "pathological" } else { "clinical" }
        ),
        TnmSnomedValue(c, v, p) => format!("{}{}{v}", if p { "p" } else { "c" }, c.letter()),
    }
}

/// The table as Markdown (the generated section of `docs/FHIR.md`).
pub fn markdown() -> String {
    let mut out = String::from("| read at | system | code | gives |\n|---|---|---|---|\n");
    for r in TABLE {
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} |\n",
            r.source.as_str(),
            r.system,
            r.code.shown(),
            gives_text(r.gives)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_rows_win_over_their_families() {
        assert_eq!(
            lookup(ConditionCode, ICD10CM, "C78.7"),
            Some(Secondary(Place::Liver))
        );
        assert_eq!(
            lookup(ConditionCode, ICD10CM, "C78.01"),
            Some(Secondary(Place::Lung))
        );
        assert_eq!(
            lookup(ConditionCode, ICD10CM, "C78.89"),
            Some(Secondary(Place::Elsewhere))
        );
        assert_eq!(
            lookup(ConditionCode, ICD10CM, "C79.52"),
            Some(Secondary(Place::Elsewhere))
        );
        assert_eq!(lookup(ConditionCode, ICD10CM, "C7A.00"), None);
        assert_eq!(lookup(ConditionCode, ICD10CM, "c7a.012"), None);
        assert_eq!(lookup(ConditionCode, ICD10CM, "C7A012"), None);
        assert_eq!(lookup(ConditionCode, SNOMED, "C7A.012"), None);
        assert_eq!(
            lookup(ConditionCode, ICD10CM, "K56.699"),
            Some(Complication(nettx::Complication::BowelObstruction))
        );
        assert_eq!(lookup(ConditionCode, ICD10CM, "K56.7"), None);
        assert_eq!(lookup(ConditionCode, ICD10CM, "K55.1"), None);
        assert_eq!(lookup(ConditionCode, ICD10CM, "K56.6x"), None);
    }

    /// The lookup as first written: the whole table scanned in order.
    fn lookup_by_scan(source: Source, system: &str, code: &str) -> Option<Gives> {
        TABLE
            .iter()
            .find(|r| r.source == source && r.system == system && r.code.matches(code))
            .map(|r| r.gives)
    }

    #[test]
    fn the_grouped_lookup_finds_what_a_scan_of_the_table_finds() {
        let sources = [
            ConditionCode,
            ConditionBodySite,
            Morphology,
            ObservationCode,
            TnmValue,
        ];
        let mut systems: Vec<&str> = TABLE.iter().map(|r| r.system).collect();
        systems.extend(["http://example.org", "", "http://snomed.info/sct/"]);
        let mut codes: Vec<String> = Vec::new();
        for r in TABLE {
            let (Match::Exact(c) | Match::WithSubcodes(c)) = r.code;
            for tail in ["", "0", "9", "99", "x", ".1"] {
                codes.push(format!("{c}{tail}"));
            }
            codes.push(c.get(..c.len().saturating_sub(1)).unwrap_or("").to_owned());
        }
        codes.push(String::new());
        for source in sources {
            for system in &systems {
                for code in &codes {
                    assert_eq!(
                        lookup(source, system, code),
                        lookup_by_scan(source, system, code),
                        "{source:?} {system} {code}"
                    );
                }
            }
        }
    }

    #[test]
    fn other_cancers() {
        for c in ["C18.7", "C50.911", "C61", "C96.9", "C00.0"] {
            assert!(is_other_cancer(ICD10CM, c), "{c}");
        }
        for c in [
            "C7A.012", "C7B.02", "C78.7", "C79.9", "D3A.012", "C97", "D12.6", "C7", "",
        ] {
            assert!(!is_other_cancer(ICD10CM, c), "{c}");
        }
        assert!(!is_other_cancer(SNOMED, "C18.7"));
    }
}
