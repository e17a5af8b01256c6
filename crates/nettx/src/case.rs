//! The typed case: what is known about one patient, with unknown as a state of
//! its own (`None`), never read as false or zero.
//!
//! A [`Case`] can only be made through [`CaseBuilder::build`] (or by parsing
//! JSON, which ends in the same checks), so every `Case` in existence is valid:
//! sizes in range, `case_id` within its limit, no contradiction.

use crate::error::Error;
use crate::vocab::{Complication, Field, Histology, Set, Site, SsaResponse};
use std::fmt;

/// Smallest accepted `tumor_size_cm`.
pub const MIN_TUMOR_SIZE_CM: f64 = 0.01;
/// Largest accepted `tumor_size_cm`.
pub const MAX_TUMOR_SIZE_CM: f64 = 30.0;
/// Longest accepted `case_id`, in bytes of UTF-8.
pub const MAX_CASE_ID_BYTES: usize = 256;

/// The set of complications recorded for a case (duplicates count once;
/// iteration follows the order of [`Complication::ALL`]).
pub type Complications = Set<Complication>;

/// The clinical facts of a case, without its identifier. Copied freely by the
/// engine (the step-0 inferences work on a copy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Facts {
    pub site: Site,
    pub histology: Option<Histology>,
    pub size_cm: Option<f64>,
    pub local_spread: Option<bool>,
    pub metastatic: Option<bool>,
    pub hepatic: Option<bool>,
    pub extrahepatic: Option<bool>,
    pub resectable: Option<bool>,
    pub syndrome: Option<bool>,
    pub complications: Complications,
    pub ssa_response: Option<SsaResponse>,
}

impl Facts {
    /// The disease state these facts give: from `metastatic`.
    pub(crate) fn disease_state(&self) -> crate::vocab::DiseaseState {
        use crate::vocab::DiseaseState;
        match self.metastatic {
            Some(true) => DiseaseState::Metastatic,
            Some(false) => DiseaseState::Localized,
            None => DiseaseState::Undetermined,
        }
    }

    /// Facts of a case with only its site known (ileum): a starting point
    /// for facts made up in tests and in prepared texts.
    pub(crate) fn example() -> Facts {
        Facts {
            site: Site::Ileum,
            histology: None,
            size_cm: None,
            local_spread: None,
            metastatic: None,
            hepatic: None,
            extrahepatic: None,
            resectable: None,
            syndrome: None,
            complications: Complications::new(),
            ssa_response: None,
        }
    }

    /// The value of a yes/no field (`None` when unknown, or for a field that
    /// is not yes/no).
    pub(crate) fn flag(&self, field: Field) -> Option<bool> {
        match field {
            Field::LocalSpread => self.local_spread,
            Field::Metastatic => self.metastatic,
            Field::HepaticMetastases => self.hepatic,
            Field::ExtrahepaticMetastases => self.extrahepatic,
            Field::MetastasesResectable => self.resectable,
            Field::CarcinoidSyndrome => self.syndrome,
            _ => None,
        }
    }

    /// Sets a yes/no field (a step-0 inference); no effect on other fields.
    pub(crate) fn set_flag(&mut self, field: Field, value: bool) {
        if let Some(slot) = self.flag_slot(field) {
            *slot = Some(value);
        }
    }

    fn flag_slot(&mut self, field: Field) -> Option<&mut Option<bool>> {
        Some(match field {
            Field::LocalSpread => &mut self.local_spread,
            Field::Metastatic => &mut self.metastatic,
            Field::HepaticMetastases => &mut self.hepatic,
            Field::ExtrahepaticMetastases => &mut self.extrahepatic,
            Field::MetastasesResectable => &mut self.resectable,
            Field::CarcinoidSyndrome => &mut self.syndrome,
            _ => return None,
        })
    }

    /// For a field of few values (yes/no, site, histology, SSA response):
    /// the number of its value among them and how many there are, unknown
    /// counted as a value. `None` for the others (size, complications,
    /// case_id). [`Self::with_value`] is its inverse.
    #[inline]
    pub(crate) fn value_index(&self, field: Field) -> Option<(usize, usize)> {
        fn tri(v: Option<bool>) -> (usize, usize) {
            (
                match v {
                    Some(true) => 0,
                    Some(false) => 1,
                    None => 2,
                },
                3,
            )
        }
        Some(match field {
            Field::PrimarySite => (self.site.index(), Site::ALL.len()),
            Field::Histology => (
                self.histology.map_or(Histology::ALL.len(), |h| h.index()),
                Histology::ALL.len() + 1,
            ),
            Field::SsaResponse => (
                self.ssa_response
                    .map_or(SsaResponse::ALL.len(), |r| r.index()),
                SsaResponse::ALL.len() + 1,
            ),
            Field::LocalSpread => tri(self.local_spread),
            Field::Metastatic => tri(self.metastatic),
            Field::HepaticMetastases => tri(self.hepatic),
            Field::ExtrahepaticMetastases => tri(self.extrahepatic),
            Field::MetastasesResectable => tri(self.resectable),
            Field::CarcinoidSyndrome => tri(self.syndrome),
            Field::CaseId | Field::TumorSizeCm | Field::Complications => return None,
        })
    }

    /// These facts with `field` set to its value number `index` (see
    /// [`Self::value_index`]); unchanged for an index out of range or a
    /// field of many values.
    pub(crate) fn with_value(mut self, field: Field, index: usize) -> Facts {
        match field {
            Field::PrimarySite => {
                if let Some(s) = Site::ALL.get(index) {
                    self.site = *s;
                }
            }
            Field::Histology if index <= Histology::ALL.len() => {
                self.histology = Histology::ALL.get(index).copied();
            }
            Field::SsaResponse if index <= SsaResponse::ALL.len() => {
                self.ssa_response = SsaResponse::ALL.get(index).copied();
            }
            _ => {
                if let Some(slot) = self.flag_slot(field) {
                    if index < 3 {
                        *slot = [Some(true), Some(false), None]
                            .get(index)
                            .copied()
                            .flatten();
                    }
                }
            }
        }
        self
    }

    /// Writes the value of `field` for people (`unknown` when unknown): to a
    /// `Formatter` for reports, straight into a `String` for the JSON writer.
    pub(crate) fn show<W: fmt::Write>(&self, field: Field, out: &mut W) -> fmt::Result {
        fn flag(v: Option<bool>) -> &'static str {
            match v {
                Some(true) => "true",
                Some(false) => "false",
                None => "unknown",
            }
        }
        let text = match field {
            Field::CaseId => "-",
            Field::PrimarySite => self.site.as_str(),
            Field::Histology => self.histology.map_or("unknown", |h| h.as_str()),
            Field::TumorSizeCm => match self.size_cm {
                Some(v) => return write!(out, "{v:?}"),
                None => "unknown",
            },
            Field::LocalSpread => flag(self.local_spread),
            Field::Metastatic => flag(self.metastatic),
            Field::HepaticMetastases => flag(self.hepatic),
            Field::ExtrahepaticMetastases => flag(self.extrahepatic),
            Field::MetastasesResectable => flag(self.resectable),
            Field::CarcinoidSyndrome => flag(self.syndrome),
            Field::Complications if !self.complications.is_empty() => {
                for (i, c) in self.complications.iter().enumerate() {
                    if i > 0 {
                        out.write_str("+")?;
                    }
                    out.write_str(c.as_str())?;
                }
                return Ok(());
            }
            Field::Complications => "none",
            Field::SsaResponse => self.ssa_response.map_or("unknown", |r| r.as_str()),
        };
        out.write_str(text)
    }
}

/// A validated case of an intestinal neuroendocrine tumour.
///
/// Unknown facts are `None`. Build one with [`Case::builder`] or parse one with
/// [`Case::from_json`]; both apply every rule of the interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub(crate) case_id: Option<String>,
    pub(crate) facts: Facts,
}

impl Case {
    /// Starts a case at `primary_site` with every other fact unknown.
    pub fn builder(primary_site: Site) -> CaseBuilder {
        CaseBuilder::new().primary_site(primary_site)
    }

    /// Parses a case from JSON text, with the interface's limits and error
    /// order (see [`crate::evaluate_json`]).
    pub fn from_json(json: &str) -> Result<Case, Error> {
        crate::parse::case_from_str(json)
    }

    /// The case as compact JSON: `case_id` when present, then the known facts
    /// in canonical order. Reads back to an equal case.
    pub fn to_json(&self) -> String {
        crate::canonical::case_json(self, true)
    }

    /// The caller's identifier, echoed in the evaluation.
    pub fn case_id(&self) -> Option<&str> {
        self.case_id.as_deref()
    }
    /// Site of the primary tumour.
    pub fn primary_site(&self) -> Site {
        self.facts.site
    }
    /// Histology, if known.
    pub fn histology(&self) -> Option<Histology> {
        self.facts.histology
    }
    /// Largest diameter of the primary in cm, if known.
    pub fn tumor_size_cm(&self) -> Option<f64> {
        self.facts.size_cm
    }
    /// Spread beyond the submucosa or to regional nodes/mesentery, if known.
    pub fn local_spread(&self) -> Option<bool> {
        self.facts.local_spread
    }
    /// Any distant metastasis, if known (as given, before inference).
    pub fn metastatic(&self) -> Option<bool> {
        self.facts.metastatic
    }
    /// Liver metastases, if known.
    pub fn hepatic_metastases(&self) -> Option<bool> {
        self.facts.hepatic
    }
    /// Metastases outside the liver, if known.
    pub fn extrahepatic_metastases(&self) -> Option<bool> {
        self.facts.extrahepatic
    }
    /// All metastatic disease judged resectable, if known.
    pub fn metastases_resectable(&self) -> Option<bool> {
        self.facts.resectable
    }
    /// Carcinoid syndrome present, if known.
    pub fn carcinoid_syndrome(&self) -> Option<bool> {
        self.facts.syndrome
    }
    /// Recorded complications (empty: none).
    pub fn complications(&self) -> Complications {
        self.facts.complications
    }
    /// Response to a somatostatin analogue, if known.
    pub fn ssa_response(&self) -> Option<SsaResponse> {
        self.facts.ssa_response
    }

    /// A builder holding this case's values, to change some and build again.
    pub fn to_builder(&self) -> CaseBuilder {
        CaseBuilder {
            case_id: self.case_id.clone(),
            site: Some(self.facts.site),
            histology: self.facts.histology,
            size_cm: self.facts.size_cm,
            local_spread: self.facts.local_spread,
            metastatic: self.facts.metastatic,
            hepatic: self.facts.hepatic,
            extrahepatic: self.facts.extrahepatic,
            resectable: self.facts.resectable,
            syndrome: self.facts.syndrome,
            complications: self.facts.complications,
            ssa_response: self.facts.ssa_response,
        }
    }
}

impl serde::Serialize for Case {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::canonical::serialize_case(self, true, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Case {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::parse::case_from_deserializer(deserializer)
    }
}

/// Collects the facts of a case; [`CaseBuilder::build`] checks them.
///
/// Every setter takes a value or `None` (unknown); unset facts are unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseBuilder {
    case_id: Option<String>,
    site: Option<Site>,
    histology: Option<Histology>,
    size_cm: Option<f64>,
    local_spread: Option<bool>,
    metastatic: Option<bool>,
    hepatic: Option<bool>,
    extrahepatic: Option<bool>,
    resectable: Option<bool>,
    syndrome: Option<bool>,
    complications: Complications,
    ssa_response: Option<SsaResponse>,
}

impl CaseBuilder {
    /// An empty builder: no site yet, every fact unknown.
    pub fn new() -> Self {
        CaseBuilder::default()
    }
    /// Sets the caller's identifier (at most 256 bytes of UTF-8).
    pub fn case_id(mut self, v: impl Into<Option<String>>) -> Self {
        self.case_id = v.into();
        self
    }
    /// Sets the primary site (required).
    pub fn primary_site(mut self, v: impl Into<Option<Site>>) -> Self {
        self.site = v.into();
        self
    }
    /// Sets the histology.
    pub fn histology(mut self, v: impl Into<Option<Histology>>) -> Self {
        self.histology = v.into();
        self
    }
    /// Sets the largest diameter of the primary, in cm (0.01 to 30).
    pub fn tumor_size_cm(mut self, v: impl Into<Option<f64>>) -> Self {
        self.size_cm = v.into();
        self
    }
    /// Sets local spread.
    pub fn local_spread(mut self, v: impl Into<Option<bool>>) -> Self {
        self.local_spread = v.into();
        self
    }
    /// Sets whether any distant metastasis is present.
    pub fn metastatic(mut self, v: impl Into<Option<bool>>) -> Self {
        self.metastatic = v.into();
        self
    }
    /// Sets whether liver metastases are present.
    pub fn hepatic_metastases(mut self, v: impl Into<Option<bool>>) -> Self {
        self.hepatic = v.into();
        self
    }
    /// Sets whether metastases outside the liver are present.
    pub fn extrahepatic_metastases(mut self, v: impl Into<Option<bool>>) -> Self {
        self.extrahepatic = v.into();
        self
    }
    /// Sets whether all metastatic disease is judged resectable.
    pub fn metastases_resectable(mut self, v: impl Into<Option<bool>>) -> Self {
        self.resectable = v.into();
        self
    }
    /// Sets whether carcinoid syndrome is present.
    pub fn carcinoid_syndrome(mut self, v: impl Into<Option<bool>>) -> Self {
        self.syndrome = v.into();
        self
    }
    /// Records a complication (repeats count once).
    pub fn complication(mut self, c: Complication) -> Self {
        self.complications.insert(c);
        self
    }
    /// Replaces the recorded complications.
    pub fn complications(mut self, set: Complications) -> Self {
        self.complications = set;
        self
    }
    /// Sets the response to a somatostatin analogue.
    pub fn ssa_response(mut self, v: impl Into<Option<SsaResponse>>) -> Self {
        self.ssa_response = v.into();
        self
    }

    /// Checks every field in table order, then the contradictions, and returns
    /// the case or the first problem found.
    pub fn build(self) -> Result<Case, Error> {
        if let Some(id) = &self.case_id {
            check_case_id(id)?;
        }
        let site = self.site.ok_or_else(missing_site)?;
        if let Some(size) = self.size_cm {
            check_size(size, || format_size(size))?;
        }
        let facts = Facts {
            site,
            histology: self.histology,
            size_cm: self.size_cm,
            local_spread: self.local_spread,
            metastatic: self.metastatic,
            hepatic: self.hepatic,
            extrahepatic: self.extrahepatic,
            resectable: self.resectable,
            syndrome: self.syndrome,
            complications: self.complications,
            ssa_response: self.ssa_response,
        };
        check_contradictions(&facts)?;
        Ok(Case {
            case_id: self.case_id,
            facts,
        })
    }
}

/// A size as messages show it (`2.5`, `31`, `NaN`, `inf`; a very large or
/// very small one in exponent form, `1.7976931348623157e308`, rather than
/// hundreds of digits).
pub(crate) fn format_size(size: f64) -> String {
    let magnitude = size.abs();
    if size.is_finite() && magnitude != 0.0 && !(1e-6..1e16).contains(&magnitude) {
        format!("{size:e}")
    } else {
        format!("{size}")
    }
}

pub(crate) fn check_case_id(id: &str) -> Result<(), Error> {
    if id.len() > MAX_CASE_ID_BYTES {
        return Err(Error::field(
            Field::CaseId,
            format!(
                "case_id must be at most {MAX_CASE_ID_BYTES} bytes of UTF-8, got {} bytes; use a shorter identifier",
                id.len()
            ),
        ));
    }
    Ok(())
}

pub(crate) fn missing_site() -> Error {
    Error::field(
        Field::PrimarySite,
        format!(
            "primary_site is required and must be one of {}; a case without a known primary site cannot be evaluated",
            crate::vocab::join_names(Site::ALL, Site::as_str)
        ),
    )
}

/// Range check of the size; `shown` is how the caller wrote the value.
/// Checks a size's range; `shown` gives the size as the message shows it
/// (asked only for the message, so a good size costs no formatting).
pub(crate) fn check_size(size: f64, shown: impl FnOnce() -> String) -> Result<(), Error> {
    if (MIN_TUMOR_SIZE_CM..=MAX_TUMOR_SIZE_CM).contains(&size) {
        Ok(())
    } else {
        let shown = shown();
        Err(Error::field(
            Field::TumorSizeCm,
            format!(
                "tumor_size_cm must be between {MIN_TUMOR_SIZE_CM} and {MAX_TUMOR_SIZE_CM} cm, got {shown}; give the largest diameter in cm, or leave it out if unknown"
            ),
        ))
    }
}

pub(crate) fn check_contradictions(f: &Facts) -> Result<(), Error> {
    if f.metastatic == Some(false) {
        let site = if f.hepatic == Some(true) {
            Some(Field::HepaticMetastases)
        } else if f.extrahepatic == Some(true) {
            Some(Field::ExtrahepaticMetastases)
        } else {
            None
        };
        if let Some(site) = site {
            return Err(Error::contradiction(
                Field::Metastatic,
                format!("metastatic is false but {site} is true; correct one of them"),
            ));
        }
    }
    if f.metastatic == Some(true) && f.hepatic == Some(false) && f.extrahepatic == Some(false) {
        return Err(Error::contradiction(
            Field::Metastatic,
            "metastatic is true but hepatic_metastases and extrahepatic_metastases are both false; record where the metastases are, or leave a site unknown",
        ));
    }
    if f.syndrome == Some(false) {
        if let Some(r @ (SsaResponse::Controlled | SsaResponse::SymptomsWorsening)) = f.ssa_response
        {
            return Err(Error::contradiction(
                Field::SsaResponse,
                format!(
                    "ssa_response is {r}, which describes symptoms of carcinoid syndrome, but carcinoid_syndrome is false; correct one of them"
                ),
            ));
        }
    }
    Ok(())
}
