//! The closed vocabularies of the interface: every enum whose values travel as
//! stable strings (sites, codes, strengths, fields, …).
//!
//! Each enum is declared once through [`vocabulary!`], which gives it its wire
//! names, the list of all values in specification order, and serde support, so
//! that the names used by JSON, C, Python and the documentation are one list.

/// Declares a closed vocabulary: a fieldless enum with stable wire names.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the order the specification lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable wire name of this value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            /// Reads a stable wire name (exact and case-sensitive); `None` when
            /// the name is not one of this vocabulary's.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// Position of this value in [`Self::ALL`] (also its C enum value).
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl $crate::vocab::sealed::Sealed for $name {}

        impl $crate::vocab::Vocabulary for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn index(self) -> usize {
                self as usize
            }
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct NameVisitor;
                impl serde::de::Visitor<'_> for NameVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("one of: ", $($text, " "),+))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_name(v).ok_or_else(|| E::unknown_variant(v, &[$($text),+]))
                    }
                }
                deserializer.deserialize_str(NameVisitor)
            }
        }
    };
}

pub(crate) use vocabulary;

/// Keeps [`Vocabulary`] to this crate's vocabularies, whose sizes the sets
/// and tables are checked against.
pub(crate) mod sealed {
    /// Implemented by [`vocabulary!`] only.
    pub trait Sealed {}
}

/// What every closed vocabulary offers: its values in order, and each value's
/// position and wire name. Sealed: only this crate's vocabularies have it.
pub trait Vocabulary: sealed::Sealed + Copy + 'static {
    /// Every value, in specification order.
    const ALL: &'static [Self];
    /// Position of the value in [`Vocabulary::ALL`].
    fn index(self) -> usize;
    /// The stable wire name.
    fn as_str(self) -> &'static str;
}

/// A set of values of one vocabulary, iterated in specification order. A
/// vocabulary of more than 64 values does not compile into a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Set<T> {
    bits: u64,
    marker: std::marker::PhantomData<T>,
}

impl<T> Default for Set<T> {
    fn default() -> Self {
        Set {
            bits: 0,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T: Vocabulary> Set<T> {
    /// Evaluated (at compile time) for each vocabulary a set is used with.
    const FITS: () = assert!(T::ALL.len() <= 64, "a Set holds at most 64 values");

    /// The bit of `v`.
    fn bit(v: T) -> u64 {
        let () = Self::FITS;
        1 << v.index()
    }
    /// The empty set.
    pub fn new() -> Self {
        let () = Self::FITS;
        Set::default()
    }
    /// Adds `v`.
    pub fn insert(&mut self, v: T) {
        self.bits |= Self::bit(v);
    }
    /// Removes `v`.
    pub fn remove(&mut self, v: T) {
        self.bits &= !Self::bit(v);
    }
    /// Whether `v` is in the set.
    pub fn contains(&self, v: T) -> bool {
        self.bits & Self::bit(v) != 0
    }
    /// Number of values in the set.
    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }
    /// The values, in specification order (bit `i` is `T::ALL[i]`; only
    /// the set bits are visited).
    pub fn iter(&self) -> impl Iterator<Item = T> + Clone {
        let mut bits = self.bits;
        std::iter::from_fn(move || {
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(v) = T::ALL.get(i) {
                    return Some(*v);
                }
            }
            None
        })
    }
}

impl<T: Vocabulary> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Set::new();
        for v in iter {
            set.insert(v);
        }
        set
    }
}

vocabulary! {
    /// Where the primary tumour arose.
    pub enum Site {
        /// Duodenum.
        Duodenum = "duodenum",
        /// Jejunum.
        Jejunum = "jejunum",
        /// Ileum.
        Ileum = "ileum",
        /// Small intestine, segment not recorded.
        SmallIntestineUnspecified = "small_intestine_unspecified",
        /// Colon.
        Colon = "colon",
        /// Rectum.
        Rectum = "rectum",
        /// Appendix (outside the guideline's scope).
        Appendix = "appendix",
        /// Any other site (outside the guideline's scope).
        Other = "other",
    }
}

vocabulary! {
    /// Differentiation of the tumour on histology.
    pub enum Histology {
        /// Well-differentiated neuroendocrine tumour (the guideline's subject).
        WellDifferentiated = "well_differentiated",
        /// Poorly differentiated neuroendocrine carcinoma (outside scope).
        PoorlyDifferentiated = "poorly_differentiated",
    }
}

vocabulary! {
    /// A tumour-related complication that has occurred.
    pub enum Complication {
        /// Bowel obstruction.
        BowelObstruction = "bowel_obstruction",
        /// Bleeding.
        Bleeding = "bleeding",
        /// Perforation.
        Perforation = "perforation",
        /// Intestinal ischaemia.
        IntestinalIschemia = "intestinal_ischemia",
        /// Any other tumour-related complication.
        Other = "other",
    }
}

vocabulary! {
    /// How the patient's symptoms have responded to a somatostatin analogue.
    pub enum SsaResponse {
        /// No somatostatin analogue given yet.
        NotStarted = "not_started",
        /// Symptoms controlled on the analogue.
        Controlled = "controlled",
        /// Symptoms worsening despite the analogue.
        SymptomsWorsening = "symptoms_worsening",
        /// The analogue is not tolerated.
        Intolerant = "intolerant",
    }
}

vocabulary! {
    /// Stage of the disease after the step-0 inferences.
    pub enum DiseaseState {
        /// No distant metastasis.
        Localized = "localized",
        /// Distant metastases present.
        Metastatic = "metastatic",
        /// Metastatic status unknown.
        Undetermined = "undetermined",
    }
}

vocabulary! {
    /// An aim of treatment (statement S0).
    pub enum Goal {
        /// Control of symptoms.
        SymptomControl = "symptom_control",
        /// Control of tumour growth.
        TumorGrowthControl = "tumor_growth_control",
        /// Control of hormone secretion.
        BiochemicalControl = "biochemical_control",
        /// Cure.
        Cure = "cure",
    }
}

vocabulary! {
    /// How strongly the guideline backs a recommendation.
    pub enum Strength {
        /// The guideline's choice.
        Preferred = "preferred",
        /// Acceptable, but the guideline prefers another recommendation.
        Alternative = "alternative",
        /// May be considered.
        Option = "option",
    }
}

vocabulary! {
    /// What a recommendation aims to achieve.
    pub enum Intent {
        /// Cure of localized disease.
        Curative = "curative",
        /// Reduction of tumour burden.
        Cytoreductive = "cytoreductive",
        /// Control of symptoms.
        SymptomControl = "symptom_control",
        /// Relief of a complication.
        ComplicationRelief = "complication_relief",
        /// Finding out what is needed to decide.
        Diagnostic = "diagnostic",
    }
}

vocabulary! {
    /// How soon a recommendation should be acted on.
    pub enum Urgency {
        /// Now: a complication is present.
        Urgent = "urgent",
        /// Planned.
        Elective = "elective",
    }
}

vocabulary! {
    /// Kind of a recommendation.
    pub enum Category {
        /// An operation.
        Surgery = "surgery",
        /// A drug.
        Medical = "medical",
        /// An investigation.
        Workup = "workup",
        /// A referral.
        Referral = "referral",
    }
}

vocabulary! {
    /// The fields of a case, in the order of the interface's table (which is
    /// also the order of validation and of the canonical form).
    pub enum Field {
        /// `case_id`.
        CaseId = "case_id",
        /// `primary_site`.
        PrimarySite = "primary_site",
        /// `histology`.
        Histology = "histology",
        /// `tumor_size_cm`.
        TumorSizeCm = "tumor_size_cm",
        /// `local_spread`.
        LocalSpread = "local_spread",
        /// `metastatic`.
        Metastatic = "metastatic",
        /// `hepatic_metastases`.
        HepaticMetastases = "hepatic_metastases",
        /// `extrahepatic_metastases`.
        ExtrahepaticMetastases = "extrahepatic_metastases",
        /// `metastases_resectable`.
        MetastasesResectable = "metastases_resectable",
        /// `carcinoid_syndrome`.
        CarcinoidSyndrome = "carcinoid_syndrome",
        /// `complications`.
        Complications = "complications",
        /// `ssa_response`.
        SsaResponse = "ssa_response",
    }
}

vocabulary! {
    /// The kind of value a case field holds.
    pub enum FieldKind {
        /// Free text (`case_id`).
        Text = "text",
        /// One value of a closed vocabulary (`primary_site`, `histology`,
        /// `ssa_response`).
        Choice = "choice",
        /// A number (`tumor_size_cm`).
        Number = "number",
        /// Yes or no.
        Bool = "bool",
        /// A list of values of a closed vocabulary (`complications`).
        List = "list",
    }
}

impl Field {
    /// The kind of value this field holds.
    pub const fn kind(self) -> FieldKind {
        match self {
            Field::CaseId => FieldKind::Text,
            Field::PrimarySite | Field::Histology | Field::SsaResponse => FieldKind::Choice,
            Field::TumorSizeCm => FieldKind::Number,
            Field::LocalSpread
            | Field::Metastatic
            | Field::HepaticMetastases
            | Field::ExtrahepaticMetastases
            | Field::MetastasesResectable
            | Field::CarcinoidSyndrome => FieldKind::Bool,
            Field::Complications => FieldKind::List,
        }
    }
}

vocabulary! {
    /// A statement of the source (S0–S14) or an outside reference (R1–R9).
    pub enum Source {
        /// Goals of treatment.
        S0 = "S0",
        /// Localized disease: resection with a negative margin, the only cure.
        S1 = "S1",
        /// Most patients present with metastases.
        S2 = "S2",
        /// Extent of resection follows size, location and spread.
        S3 = "S3",
        /// Local excision of a small tumour.
        S4 = "S4",
        /// Jejunum/ileum: resection with mesentery at any size.
        S5 = "S5",
        /// Colorectum: partial colectomy with lymphadenectomy.
        S6 = "S6",
        /// Complications: urgent segmental resection.
        S7 = "S7",
        /// Syndrome with unresectable disease: somatostatin analogue.
        S8 = "S8",
        /// Resectable liver-only metastases: cytoreductive surgery.
        S9 = "S9",
        /// Tumour-related complications are treated surgically.
        S10 = "S10",
        /// Somatostatin analogues are first line for symptoms.
        S11 = "S11",
        /// Interferon as an option.
        S12 = "S12",
        /// Everolimus second line.
        S13 = "S13",
        /// Liver resection for hepatic metastases.
        S14 = "S14",
        /// ENETS gastroduodenal guidance.
        R1 = "R1",
        /// NCCN guidelines.
        R2 = "R2",
        /// ENETS small-intestinal guidance.
        R3 = "R3",
        /// Carcinoid heart disease screening.
        R4 = "R4",
        /// RADIANT-4 and RADIANT-2.
        R5 = "R5",
        /// PROMID and CLARINET.
        R6 = "R6",
        /// ENETS colorectal guidance.
        R7 = "R7",
        /// TELESTAR (telotristat ethyl).
        R8 = "R8",
        /// NETTER-1 (177Lu-Dotatate).
        R9 = "R9",
    }
}

vocabulary! {
    /// A recommendation code: stable identifiers, never renamed.
    pub enum Code {
        /// Urgent segmental resection for a complication.
        UrgentSegmentalResection = "URGENT_SEGMENTAL_RESECTION",
        /// Local excision of a small tumour.
        LocalExcision = "LOCAL_EXCISION",
        /// Resection of jejunum/ileum with its mesentery.
        SmallBowelResectionWithMesentery = "SMALL_BOWEL_RESECTION_WITH_MESENTERY",
        /// Partial colectomy with lymphadenectomy.
        PartialColectomyWithLymphadenectomy = "PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY",
        /// Oncologic resection whose extent follows the tumour.
        OncologicResection = "ONCOLOGIC_RESECTION",
        /// Cytoreductive surgery.
        CytoreductiveSurgery = "CYTOREDUCTIVE_SURGERY",
        /// Resection of liver metastases.
        LiverResection = "LIVER_RESECTION",
        /// Somatostatin analogue.
        SomatostatinAnalog = "SOMATOSTATIN_ANALOG",
        /// Everolimus.
        Everolimus = "EVEROLIMUS",
        /// Interferon alpha.
        InterferonAlpha = "INTERFERON_ALPHA",
        /// Complete the staging.
        CompleteStaging = "COMPLETE_STAGING",
        /// Assess resectability of the metastases.
        AssessResectability = "ASSESS_RESECTABILITY",
        /// Refer to a multidisciplinary tumour board.
        MultidisciplinaryReview = "MULTIDISCIPLINARY_REVIEW",
    }
}

vocabulary! {
    /// A safety warning code: stable identifiers, never renamed.
    pub enum WarningCode {
        /// Histology unknown: a well-differentiated tumour is assumed.
        HistologyAssumed = "HISTOLOGY_ASSUMED",
        /// Carcinoid syndrome without metastases.
        SyndromeWithoutMetastases = "SYNDROME_WITHOUT_METASTASES",
        /// Surgery in a patient with carcinoid syndrome.
        CarcinoidCrisisRisk = "CARCINOID_CRISIS_RISK",
        /// Surgery in a patient on, or about to start, a somatostatin analogue.
        SsaGallstones = "SSA_GALLSTONES",
        /// Everolimus evidence in carcinoid syndrome.
        EverolimusEvidence = "EVEROLIMUS_EVIDENCE",
        /// Interferon toxicity.
        InterferonToxicity = "INTERFERON_TOXICITY",
        /// Local excision of a duodenal tumour.
        PeriampullaryCheck = "PERIAMPULLARY_CHECK",
        /// Rectal tumour of 1–2 cm.
        RectalIntermediateSize = "RECTAL_INTERMEDIATE_SIZE",
        /// Antiproliferative SSA use is beyond the source.
        AntiproliferativeSsaNotCovered = "ANTIPROLIFERATIVE_SSA_NOT_COVERED",
        /// Symptoms worsening on an SSA in metastatic disease (1.1.0).
        RefractorySyndromeOptions = "REFRACTORY_SYNDROME_OPTIONS",
        /// A bleeding tumour: haemostasis usually comes before resection (1.1.0).
        BleedingHaemostasisFirst = "BLEEDING_HAEMOSTASIS_FIRST",
        /// A perforation: a primary anastomosis may be unsafe (1.1.0).
        PerforationContamination = "PERFORATION_CONTAMINATION",
    }
}

vocabulary! {
    /// Kind of an error (stable; one C status value each).
    pub enum ErrorKind {
        /// The input is not a JSON object within the limits.
        Parse = "parse",
        /// A field is unknown, of the wrong type or out of range.
        Field = "field",
        /// Fields contradict each other.
        Contradiction = "contradiction",
        /// A fault inside the library (a bug); please report it.
        Internal = "internal",
    }
}

/// Writes a list of wire names as `a, b, c` (for error messages and reports).
pub(crate) fn join_names<T: Copy>(values: &[T], name: fn(T) -> &'static str) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name(*v));
    }
    out
}
