//! The mapping: resources to the facts of a case, each fact with the
//! resources it came from, each resource not used with a note saying why.
//! Which code means what is asked of [`crate::table`] only.

use crate::date::Date;
use crate::elems::{elem, Who};
use crate::model::{CodeableConcept, Extension, Quantity, Reference, Str};
use crate::read::{parse_error, read_record, Res, Resolver, Target};
use crate::table::{self, Category, Gives, Place, Source as Src};
use crate::{Mapped, Note};
use nettx::{
    Case, Complication, Complications, Error, ErrorKind, Field, Histology, Site, SsaResponse,
};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Display;

#[cfg(test)]
mod choose_tests;

/// The parts as one string (a note), allocated once.
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

fn field_error(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Field, Some(field), message)
}

fn contradiction(field: Field, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Contradiction, Some(field.as_str()), message)
}

/// Condition.verificationStatus, read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ver {
    Used,
    Refuted,
}

/// A value with the resource it came from and what orders it against others.
struct Cand<V> {
    pos: usize,
    pathological: bool,
    date: Option<Date>,
    value: V,
}

/// A TNM category value, by what it gives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tnm {
    /// N1/N2, T3/T4, M1.
    Positive,
    /// N0, M0.
    Negative,
    /// T1 (false together with N0).
    T1,
    /// Any other category value (T0, Tis, T2, N3): unknown.
    Other,
}

/// A value of a case-fact observation.
#[derive(Clone, Copy, PartialEq, Debug)]
enum FactValue {
    Bool(bool),
    Histology(Histology),
    Ssa(SsaResponse),
    Complication(Complication),
}

struct Primary {
    pos: usize,
    site: Site,
}

/// A secondary read: where, and whether present or refuted.
struct Secondary {
    pos: usize,
    place: Place,
    refuted: bool,
}

#[derive(Default)]
struct Evidence {
    primaries: Vec<Primary>,
    histology: Vec<(Histology, usize)>,
    sizes: Vec<Cand<f64>>,
    fact_sizes: Vec<Cand<f64>>,
    tnm: [Vec<Cand<Tnm>>; 3],
    secondaries: Vec<Secondary>,
    /// Liver / extrahepatic Conditions seen but neither present nor refuted.
    unused_liver: bool,
    unused_extrahepatic: bool,
    syndrome: Vec<(bool, usize)>,
    complications: Vec<(Complication, usize)>,
    facts: Vec<(Field, FactValue, usize)>,
}

struct Mapper<'r, 'a> {
    res: &'r [Res<'a>],
    resolver: Resolver<'r>,
    notes: Vec<(usize, String)>,
    /// Whether each resource's subject names the record's patient.
    subject_ok: Vec<Result<(), Cow<'static, str>>>,
    /// Another cancer's Condition, if any.
    other_cancer: Option<usize>,
    /// The one patient every Patient and subject reference names, if any.
    patient: Option<String>,
    ev: Evidence,
}

fn status_code<'c>(cc: &'c CodeableConcept<'_>, system: &str) -> Option<&'c str> {
    cc.codes().find(|(s, _)| *s == system).map(|(_, c)| c)
}

fn category_index(c: Category) -> usize {
    match c {
        Category::T => 0,
        Category::N => 1,
        Category::M => 2,
    }
}

impl<'r, 'a> Mapper<'r, 'a> {
    fn note(&mut self, pos: usize, note: impl Into<String>) {
        self.notes.push((pos, note.into()));
    }

    fn name(&self, pos: usize) -> String {
        self.res.get(pos).map_or_else(|| "?".to_owned(), Res::name)
    }

    /// The patient named by a reference, if it names one.
    fn patient_of(&self, reference: &str) -> Result<Cow<'r, str>, String> {
        let res: &'r [Res<'a>] = self.res;
        match self.resolver.resolve(reference) {
            Target::InRecord(i) => match res.get(i) {
                Some(p) if p.rtype == "Patient" => Ok(patient_identity(p)),
                Some(other) => Err(format!(
                    "subject {reference} is a {}, not the patient",
                    other.rtype
                )),
                None => Err(format!("subject {reference} resolves to nothing")),
            },
            Target::Named(t, id) if t == "Patient" => Ok(Cow::Owned(id)),
            Target::Named(t, _) => Err(format!("subject {reference} is a {t}, not the patient")),
            Target::Nothing => Err(format!(
                "subject {reference} resolves to nothing in the record"
            )),
        }
    }

    /// Every Patient and every subject/patient reference must name one patient.
    fn check_patient(&mut self) -> Result<(), Error> {
        let mut seen: Option<(Cow<'r, str>, usize)> = None;
        let agree = |identity: Cow<'r, str>,
                     pos: usize,
                     seen: &mut Option<(Cow<'r, str>, usize)>,
                     names: &dyn Fn(usize) -> String|
         -> Result<(), Error> {
            match seen {
                None => {
                    *seen = Some((identity, pos));
                    Ok(())
                }
                Some((first, first_pos)) if *first != identity => Err(contradiction_subject(
                    &names(*first_pos),
                    first,
                    &names(pos),
                    &identity,
                )),
                Some(_) => Ok(()),
            }
        };
        let names = |pos: usize| self.name(pos);
        let mut subject_ok = Vec::with_capacity(self.res.len());
        let res: &'r [Res<'a>] = self.res;
        for r in res {
            if r.rtype == "Patient" {
                agree(patient_identity(r), r.pos, &mut seen, &names)?;
            }
            let read = r.rtype == "Condition" || r.rtype == "Observation";
            let mut ok = Err(Cow::Borrowed("no subject"));
            for who in [Who::Subject, Who::Patient] {
                let Some(reference) = r.reference(who, read) else {
                    continue;
                };
                let Some(text) = reference? else {
                    ok = Err(Cow::Borrowed("subject has no reference"));
                    continue;
                };
                match self.patient_of(&text) {
                    Ok(identity) => {
                        agree(identity, r.pos, &mut seen, &names)?;
                        ok = Ok(());
                    }
                    Err(why) => ok = Err(Cow::Owned(why)),
                }
            }
            subject_ok.push(ok);
        }
        self.subject_ok = subject_ok;
        self.patient = seen.map(|(identity, _)| identity.into_owned());
        Ok(())
    }

    /// Whether `pos` may be used: its subject is the patient (else one note).
    fn subject_used(&mut self, pos: usize) -> bool {
        match self.subject_ok.get(pos) {
            Some(Ok(())) => true,
            Some(Err(why)) => {
                let why = why.clone();
                self.note(pos, format!("{why}: not used"));
                false
            }
            None => false,
        }
    }

    /// Whether a reference names a primary NET that is used.
    fn names_primary(&self, reference: Option<&str>) -> bool {
        let Some(reference) = reference else {
            return false;
        };
        match self.resolver.resolve(reference) {
            Target::InRecord(i) => self.ev.primaries.iter().any(|p| p.pos == i),
            _ => false,
        }
    }

    fn run(&mut self) -> Result<(), Error> {
        self.check_patient()?;
        // Conditions first: the primary and any other cancer decide how the rest is read.
        let mut conditions = Vec::new();
        for r in self.res {
            if r.rtype == "Condition" {
                conditions.push(self.read_condition(r)?);
            }
        }
        for c in &mut conditions {
            self.classify_primary(c)?;
        }
        for c in &conditions {
            if c.kind == Kind::OtherCancer && c.ver != Some(Ver::Refuted) && !c.ignored {
                self.other_cancer.get_or_insert(c.pos);
            }
        }
        for c in &conditions {
            self.use_condition(c)?;
        }
        for r in self.res {
            match r.rtype.as_ref() {
                "Observation" => self.use_observation(r)?,
                "Condition" => {}
                "Patient" => {}
                other => {
                    let note = concat(&["a ", other, " is not read by the mapping"]);
                    self.note(r.pos, note);
                }
            }
        }
        Ok(())
    }
}

fn patient_identity<'r>(p: &'r Res<'_>) -> Cow<'r, str> {
    match &p.id {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(format!("#{}", p.pos)),
    }
}

fn contradiction_subject(first: &str, a: &str, second: &str, b: &str) -> Error {
    Error::new(
        ErrorKind::Contradiction,
        Some("subject"),
        format!(
            "the record holds more than one patient: {first} names patient {a}, {second} names patient {b}; send one patient's record"
        ),
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Primary,
    Secondary,
    Syndrome,
    Complication,
    OtherCancer,
    Unknown,
}

/// A Condition, read.
struct Cond<'r, 'a> {
    pos: usize,
    /// entered-in-error, or not the patient's: already noted.
    ignored: bool,
    /// `None`: not used for its verificationStatus (noted when used).
    ver: Option<Ver>,
    ver_note: Option<String>,
    clinical: Option<String>,
    kind: Kind,
    code: Cow<'r, CodeableConcept<'a>>,
    body: Cow<'r, [CodeableConcept<'a>]>,
    ext: Cow<'r, [Extension<'a>]>,
    /// Whether the primary was used (for kind Primary).
    used: bool,
}

impl<'r, 'a> Mapper<'r, 'a> {
    fn read_condition(&mut self, r: &'r Res<'a>) -> Result<Cond<'r, 'a>, Error> {
        let code = r.code()?.unwrap_or_default();
        let body = r.body_site()?.unwrap_or_default();
        let ext = r.extension()?.unwrap_or_default();
        let ver_cc = r.verification_status()?;
        let clin_cc = r.clinical_status()?;
        let mut c = Cond {
            pos: r.pos,
            ignored: false,
            ver: Some(Ver::Used),
            ver_note: None,
            clinical: None,
            kind: Kind::Unknown,
            code,
            body,
            ext,
            used: false,
        };
        if let Some(cc) = &ver_cc {
            match status_code(cc, table::VERIFICATION_STATUS) {
                Some("entered-in-error") => {
                    self.note(r.pos, "verificationStatus entered-in-error: ignored");
                    c.ignored = true;
                    return Ok(c);
                }
                Some("refuted") => c.ver = Some(Ver::Refuted),
                Some("confirmed") => {}
                Some(s @ ("unconfirmed" | "provisional" | "differential")) => {
                    c.ver = None;
                    c.ver_note = Some(format!("verificationStatus {s}: not used"));
                }
                Some(other) => {
                    c.ver = None;
                    c.ver_note = Some(format!(
                        "verificationStatus {other} is not a code of the status table: not used"
                    ));
                }
                None => {
                    c.ver = None;
                    c.ver_note = Some(
                        "verificationStatus without a code of the status table: not used"
                            .to_owned(),
                    );
                }
            }
        }
        if let Some(cc) = &clin_cc {
            c.clinical = Some(match status_code(cc, table::CLINICAL_STATUS) {
                Some(s) => s.to_owned(),
                None => "(none of the status table)".to_owned(),
            });
        }
        // Classification, the code deciding first.
        let mut kind = Kind::Unknown;
        for (system, code) in c.code.codes() {
            let k = match table::lookup(Src::ConditionCode, system, code) {
                Some(Gives::Secondary(_)) => Kind::Secondary,
                Some(Gives::Primary(..)) => Kind::Primary,
                Some(Gives::Syndrome) => Kind::Syndrome,
                Some(Gives::Complication(_)) => Kind::Complication,
                _ if table::is_other_cancer(system, code) => Kind::OtherCancer,
                _ => Kind::Unknown,
            };
            kind = std::cmp::min_by_key(kind, k, |k| match k {
                Kind::Secondary => 0,
                Kind::Primary => 1,
                Kind::Syndrome => 2,
                Kind::Complication => 3,
                Kind::OtherCancer => 4,
                Kind::Unknown => 5,
            });
        }
        if kind != Kind::Secondary && kind != Kind::Primary && morphology(&c.ext, r)?.0.is_some() {
            kind = Kind::Primary;
        }
        c.kind = kind;
        Ok(c)
    }

    /// Common status gate of Conditions: entered-in-error and subject
    /// (already noted or noted here), verificationStatus (noted). Returns the
    /// verification if the Condition may be read.
    fn gate(&mut self, c: &Cond<'r, 'a>) -> Option<Ver> {
        if c.ignored || !self.subject_used(c.pos) {
            return None;
        }
        match c.ver {
            Some(v) => Some(v),
            None => {
                let note = c.ver_note.clone().unwrap_or_default();
                self.note(c.pos, note);
                None
            }
        }
    }

    fn classify_primary(&mut self, c: &mut Cond<'r, 'a>) -> Result<(), Error> {
        if c.kind != Kind::Primary {
            return Ok(());
        }
        let Some(ver) = self.gate(c) else {
            c.ignored = true;
            return Ok(());
        };
        c.ignored = true; // handled here, whatever the outcome
        if ver == Ver::Refuted {
            self.note(
                c.pos,
                "verificationStatus refuted: the primary is absent, not used",
            );
            return Ok(());
        }
        if let Some(s @ ("inactive" | "resolved" | "remission")) = c.clinical.as_deref() {
            self.note(c.pos, format!("clinicalStatus {s}: a primary that is not present is not used (the recommendations are for a tumour that is present)"));
            return Ok(());
        }
        if let Some(s) = c.clinical.as_deref() {
            if !matches!(s, "active" | "recurrence" | "relapse") {
                self.note(
                    c.pos,
                    format!("clinicalStatus {s} is not a code of the status table: not used"),
                );
                return Ok(());
            }
        }
        let r = self
            .res
            .get(c.pos)
            .ok_or_else(|| parse_error("internal position"))?;
        // Site: the ICD-10-CM code, else bodySite; histology: code and morphology.
        let mut code_site: Option<Site> = None;
        let mut histology: Vec<Histology> = Vec::new();
        for (system, code) in c.code.codes() {
            if let Some(Gives::Primary(site, h)) = table::lookup(Src::ConditionCode, system, code) {
                if let (Some(a), Some(b)) = (code_site, site) {
                    if a != b {
                        return Err(contradiction(
                            Field::PrimarySite,
                            format!(
                                "{}: its codes name two sites, {a} and {b}; correct the Condition",
                                r.name()
                            ),
                        ));
                    }
                }
                code_site = code_site.or(site);
                histology.extend(h);
            }
        }
        let mut body_site: Option<Site> = None;
        let mut body_unread = false;
        for cc in c.body.iter() {
            for (system, code) in cc.codes() {
                match table::lookup(Src::ConditionBodySite, system, code) {
                    Some(Gives::BodySite(s)) => {
                        if let Some(b) = body_site {
                            if b != s {
                                return Err(contradiction(Field::PrimarySite, format!("{}: its bodySite names two sites, {b} and {s}; correct the Condition", r.name())));
                            }
                        }
                        body_site = Some(s);
                    }
                    _ => body_unread = true,
                }
            }
        }
        if let (Some(a), Some(b)) = (code_site, body_site) {
            if a != b {
                return Err(contradiction(Field::PrimarySite, format!("{}: its ICD-10-CM code names the site {a} but its bodySite names {b}; correct the Condition", r.name())));
            }
        }
        let (morph, morph_note) = morphology(&c.ext, r)?;
        if let Some(note) = morph_note {
            self.note(c.pos, note);
        }
        histology.extend(morph);
        let Some(site) = code_site.or(body_site) else {
            let why = if body_unread {
                "its code gives no site and its bodySite is not in the mapping table"
            } else {
                "its code gives no site and it has no bodySite"
            };
            self.note(
                c.pos,
                format!("primary NET whose site cannot be read ({why}): not used"),
            );
            return Ok(());
        };
        c.used = true;
        if let Some(first) = self.ev.primaries.first() {
            if first.site != site {
                return Err(contradiction(
                    Field::PrimarySite,
                    format!(
                        "{} names the primary site {} but {} names {site}; a record holds one primary NET, correct one of them",
                        self.name(first.pos),
                        first.site,
                        r.name()
                    ),
                ));
            }
        }
        self.ev.primaries.push(Primary { pos: c.pos, site });
        for h in histology {
            self.ev.histology.push((h, c.pos));
        }
        Ok(())
    }

    /// Whether unlinked evidence may be used; notes it when not. `links`:
    /// the focus or condition-related references of the resource.
    fn linked<'l>(
        &mut self,
        pos: usize,
        links: impl Iterator<Item = Option<&'l str>>,
        always: bool,
    ) -> bool {
        if always {
            // C7B.0x names a carcinoid: always used, whatever it links to (the contract).
            return true;
        }
        let mut links = links.peekable();
        if links.peek().is_none() {
            if let Some(other) = self.other_cancer {
                let note = format!("another cancer is in the record ({}) and this is not linked to the NET primary: not used", self.name(other));
                self.note(pos, note);
                return false;
            }
            return true;
        }
        if links.any(|l| self.names_primary(l)) {
            return true;
        }
        self.note(
            pos,
            "it refers to a resource that is not the NET primary used: not used",
        );
        false
    }

    fn use_condition(&mut self, c: &Cond<'r, 'a>) -> Result<(), Error> {
        if c.kind == Kind::Primary || (c.ignored && c.kind != Kind::OtherCancer) {
            return Ok(());
        }
        if c.kind == Kind::OtherCancer {
            if !c.ignored && self.subject_used(c.pos) {
                self.note(c.pos, "another cancer, not a NET: not read; evidence not linked to the NET primary is not used");
            }
            return Ok(());
        }
        if c.kind == Kind::Unknown {
            if !c.ignored && self.subject_used(c.pos) {
                self.note(c.pos, "its code is not in the mapping table: not read");
            }
            return Ok(());
        }
        let Some(ver) = self.gate(c) else {
            if c.kind == Kind::Secondary {
                self.mark_unused_secondary(c);
            }
            return Ok(());
        };
        let r = self
            .res
            .get(c.pos)
            .ok_or_else(|| parse_error("internal position"))?;
        match c.kind {
            Kind::Secondary => self.use_secondary(c, r, ver),
            Kind::Syndrome => {
                if ver == Ver::Refuted {
                    self.ev.syndrome.push((false, c.pos));
                    return Ok(());
                }
                match c.clinical.as_deref() {
                    Some("active" | "recurrence" | "relapse" | "remission") => {
                        self.ev.syndrome.push((true, c.pos));
                    }
                    Some(s @ ("inactive" | "resolved")) => self.note(
                        c.pos,
                        format!("clinicalStatus {s}: carcinoid syndrome left unknown"),
                    ),
                    Some(s) => self.note(
                        c.pos,
                        format!("clinicalStatus {s} is not a code of the status table: not used"),
                    ),
                    None => self.note(
                        c.pos,
                        "no clinicalStatus: not used (an undated, unstatused code may be old)",
                    ),
                }
                Ok(())
            }
            Kind::Complication => {
                if ver == Ver::Refuted {
                    self.note(
                        c.pos,
                        "verificationStatus refuted: the complication is not recorded",
                    );
                    return Ok(());
                }
                let Some(complication) = c.code.codes().find_map(|(s, k)| {
                    match table::lookup(Src::ConditionCode, s, k) {
                        Some(Gives::Complication(x)) => Some(x),
                        _ => None,
                    }
                }) else {
                    return Ok(());
                };
                match c.clinical.as_deref() {
                    Some("active" | "recurrence" | "relapse") => self.ev.complications.push((complication, c.pos)),
                    Some(s) => self.note(c.pos, format!("clinicalStatus {s}: a complication counts only when active, recurrence or relapse; not used")),
                    None => self.note(c.pos, "no clinicalStatus: not used (an undated, unstatused code may be old)"),
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn secondary_place(c: &Cond<'r, 'a>) -> (Place, bool) {
        let mut place = Place::Unspecified;
        let mut c7b = false;
        for (system, code) in c.code.codes() {
            if let Some(Gives::Secondary(p)) = table::lookup(Src::ConditionCode, system, code) {
                if place == Place::Unspecified {
                    place = p;
                }
                c7b |= code.starts_with("C7B.");
            }
        }
        (place, c7b)
    }

    fn mark_unused_secondary(&mut self, c: &Cond<'r, 'a>) {
        let (place, _) = Self::secondary_place(c);
        if place == Place::Liver {
            self.ev.unused_liver = true;
        }
        if place.is_extrahepatic() || place == Place::Unspecified {
            self.ev.unused_extrahepatic = true;
        }
        if place == Place::Unspecified {
            self.ev.unused_liver = true;
        }
    }

    fn use_secondary(&mut self, c: &Cond<'r, 'a>, r: &Res<'a>, ver: Ver) -> Result<(), Error> {
        let (code_place, c7b) = Self::secondary_place(c);
        let owned: Vec<Option<String>> = c
            .ext
            .iter()
            .filter(|e| e.url.as_deref() == Some(table::CONDITION_RELATED))
            .map(|e| {
                e.valueReference
                    .and_then(|raw| serde_json::from_str::<Reference<'_>>(raw.get()).ok())
                    .and_then(|x| x.reference.map(Str::into_owned))
            })
            .collect();
        if !self.linked(c.pos, owned.iter().map(|o| o.as_deref()), c7b) {
            self.mark_unused_secondary(c);
            return Ok(());
        }
        let mut body_place: Option<Place> = None;
        for cc in c.body.iter() {
            for (system, code) in cc.codes() {
                if let Some(Gives::SecondaryBodySite(p)) =
                    table::lookup(Src::ConditionBodySite, system, code)
                {
                    body_place.get_or_insert(p);
                }
            }
        }
        let place = match (code_place, body_place) {
            (Place::Unspecified, Some(b)) => b,
            (Place::Unspecified, None) => Place::Elsewhere,
            (
                code @ (Place::Elsewhere | Place::OtherDistant),
                Some(b @ (Place::Nodes | Place::Peritoneum)),
            ) => {
                let _ = code;
                b
            }
            (Place::OtherDistant, Some(Place::Lung | Place::Brain)) => Place::OtherDistant,
            (code, Some(b)) if code != b => {
                let field = if code == Place::Liver || b == Place::Liver {
                    Field::HepaticMetastases
                } else {
                    Field::ExtrahepaticMetastases
                };
                return Err(contradiction(field, format!("{}: its code names a secondary in the {} but its bodySite names the {}; correct the Condition", r.name(), code.as_str(), b.as_str())));
            }
            (code, _) => code,
        };
        if ver == Ver::Used {
            match c.clinical.as_deref() {
                Some("active" | "recurrence" | "relapse") => {}
                Some(s) => {
                    self.note(c.pos, format!("clinicalStatus {s}: a secondary counts only when active, recurrence or relapse; not used"));
                    self.mark_unused_secondary(c);
                    return Ok(());
                }
                None => {
                    self.note(
                        c.pos,
                        "no clinicalStatus: not used (an undated, unstatused code may be old)",
                    );
                    self.mark_unused_secondary(c);
                    return Ok(());
                }
            }
        }
        let refuted = ver == Ver::Refuted;
        match place {
            Place::Nodes | Place::Peritoneum => {
                self.note(c.pos, format!("a secondary in the {} sets nothing: mesenteric, peritoneal and nodal disease is often regional and resectable", place.as_str()));
                return Ok(());
            }
            Place::Elsewhere if refuted => {
                self.note(c.pos, "verificationStatus refuted, and its site is not in the mapping table: sets nothing");
                return Ok(());
            }
            Place::Elsewhere => {
                self.note(
                    c.pos,
                    "a secondary whose site is not in the mapping table: sets only metastatic",
                );
            }
            _ => {}
        }
        self.ev.secondaries.push(Secondary {
            pos: c.pos,
            place,
            refuted,
        });
        Ok(())
    }
}

/// The histology of the morphology extension, and a note when it is not read
/// or needs one.
fn morphology(
    ext: &[Extension<'_>],
    r: &Res<'_>,
) -> Result<(Option<Histology>, Option<String>), Error> {
    for e in ext {
        if e.url.as_deref() != Some(table::MORPHOLOGY_EXTENSION) {
            continue;
        }
        let Some(raw) = e.valueCodeableConcept else {
            continue;
        };
        let cc: CodeableConcept<'_> = serde_json::from_str(raw.get()).map_err(|err| {
            parse_error(format!(
                "{}: the morphology extension is not a CodeableConcept: {err}",
                r.name()
            ))
        })?;
        for (system, code) in cc.codes() {
            if let Some(Gives::Morph(h)) = table::lookup(Src::Morphology, system, code) {
                let note = (code == "8249/3").then(|| "morphology 8249/3 also covers NET G3, which this guideline does not separate from well-differentiated NET".to_owned());
                return Ok((Some(h), note));
            }
        }
        return Ok((
            None,
            Some("morphology code not in the mapping table: histology not read from it".to_owned()),
        ));
    }
    Ok((None, None))
}

/// A JSON number's text as cm: `cm` as written, `mm` divided by 10 as a
/// decimal (the double nearest the decimal result).
fn quantity_cm(q: &Quantity<'_>, r: &Res<'_>, field: &str) -> Result<f64, Error> {
    let Some(value) = q.value else {
        return Err(field_error(
            field,
            format!(
                "{}: the size has no value; give valueQuantity.value in cm or mm",
                r.name()
            ),
        ));
    };
    let text = value.get();
    if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        let shown: String = text.chars().take(40).collect();
        return Err(field_error(
            field,
            format!("{}: the size value is not a number, got {shown}", r.name()),
        ));
    }
    let unit = match (q.system.as_deref(), q.code.as_deref()) {
        (Some(table::UCUM), Some(u @ ("cm" | "mm"))) => u,
        (system, code) => {
            let shown = code.or(q.unit.as_deref()).unwrap_or("none");
            let shown: String = shown.chars().take(40).collect();
            let sys = if system == Some(table::UCUM) {
                ""
            } else {
                " (not UCUM)"
            };
            return Err(field_error(
                field,
                format!(
                    "{}: the size is in `{shown}`{sys}; only UCUM cm and mm are read",
                    r.name()
                ),
            ));
        }
    };
    let value = if unit == "cm" {
        text.parse::<f64>()
    } else {
        match text.bytes().position(|b| b == b'e' || b == b'E') {
            // No exponent (the usual case): `{text}e-1`.
            None => parse_scaled(text, -1),
            Some(i) => {
                let mantissa = text.get(..i).unwrap_or(text);
                let exp = text.get(i + 1..).unwrap_or("0");
                match exp.trim_start_matches('+').parse::<i64>() {
                    Ok(e) => parse_scaled(mantissa, e.saturating_sub(1)),
                    Err(_) => text.parse::<f64>().map(|v| v / 10.0),
                }
            }
        }
    };
    let v = value.map_err(|_| {
        field_error(
            field,
            format!("{}: the size value is not a number", r.name()),
        )
    })?;
    if !(nettx::MIN_TUMOR_SIZE_CM..=nettx::MAX_TUMOR_SIZE_CM).contains(&v) {
        return Err(field_error(
            field,
            format!(
                "{}: the size is {v} cm; tumor_size_cm must be between {} and {} cm",
                r.name(),
                nettx::MIN_TUMOR_SIZE_CM,
                nettx::MAX_TUMOR_SIZE_CM
            ),
        ));
    }
    Ok(v)
}

/// `{mantissa}e{exp}` read as a double (written on the stack when short).
fn parse_scaled(mantissa: &str, exp: i64) -> Result<f64, std::num::ParseFloatError> {
    use std::io::Write;
    let mut buf = [0u8; 64];
    if exp == -1 {
        // The usual case (no exponent written): `{mantissa}e-1`, copied.
        let m = mantissa.as_bytes();
        if let Some(dst) = buf.get_mut(..m.len() + 3) {
            let (digits, tail) = dst.split_at_mut(m.len());
            digits.copy_from_slice(m);
            tail.copy_from_slice(b"e-1");
            if let Ok(text) = std::str::from_utf8(dst) {
                return text.parse();
            }
        }
    }
    let mut rest = &mut buf[..];
    if write!(rest, "{mantissa}e{exp}").is_ok() {
        let len = 64 - rest.len();
        if let Some(Ok(text)) = buf.get(..len).map(std::str::from_utf8) {
            return text.parse();
        }
    }
    format!("{mantissa}e{exp}").parse()
}

/// Reads an AJCC/UICC category code: prefix (c, p, yc, yp, r), letter, value, subcategory.
fn tnm_code(code: &str) -> Option<(Category, bool, &str)> {
    let (pathological, rest) = if let Some(r) = code.strip_prefix("yp") {
        (true, r)
    } else if let Some(r) = code.strip_prefix("yc") {
        (false, r)
    } else if let Some(r) = code.strip_prefix('p') {
        (true, r)
    } else if let Some(r) = code.strip_prefix('c') {
        (false, r)
    } else if let Some(r) = code.strip_prefix('r') {
        (false, r)
    } else {
        (false, code)
    };
    let category = match rest.get(..1)? {
        "T" => Category::T,
        "N" => Category::N,
        "M" => Category::M,
        _ => return None,
    };
    let value = rest.get(1..)?;
    let (main, sub) = if let Some(s) = value.strip_prefix("is") {
        ("is", s)
    } else {
        (value.get(..1)?, value.get(1..)?)
    };
    if !matches!(main, "X" | "is" | "0" | "1" | "2" | "3" | "4") {
        return None;
    }
    let sub_ok =
        sub.is_empty() || (sub.len() == 1 && matches!(sub, "a" | "b" | "c" | "d")) || sub == "mi";
    sub_ok.then_some((category, pathological, main))
}

fn tnm_value(category: Category, main: &str) -> Option<Tnm> {
    match (category, main) {
        (_, "X") => None,
        (Category::T, "3" | "4") | (Category::N, "1" | "2") | (Category::M, "1") => {
            Some(Tnm::Positive)
        }
        (Category::T, "1") => Some(Tnm::T1),
        (Category::N | Category::M, "0") => Some(Tnm::Negative),
        _ => Some(Tnm::Other),
    }
}

fn effective(r: &Res<'_>) -> Result<Option<Date>, Error> {
    let bad = |what: &str, s: &str| {
        parse_error(format!(
            "{}: {what} `{}` is not a FHIR date",
            r.name(),
            s.chars().take(40).collect::<String>()
        ))
    };
    if let Some(s) = r.effective_text() {
        let s = s?;
        return Date::parse(&s)
            .map(Some)
            .ok_or_else(|| bad("effective[x]", &s));
    }
    if let Some(p) = r.effective_period()? {
        if let Some(s) = p.end.as_ref().or(p.start.as_ref()) {
            return Date::parse(s)
                .map(Some)
                .ok_or_else(|| bad("effectivePeriod", s));
        }
    }
    Ok(None)
}

impl<'r, 'a> Mapper<'r, 'a> {
    fn use_observation(&mut self, r: &Res<'a>) -> Result<(), Error> {
        let status = r.status()?.unwrap_or(Str::from_static("(none)"));
        match status.as_ref() {
            "final" | "amended" | "corrected" => {}
            "entered-in-error" => {
                self.note(r.pos, "status entered-in-error: ignored");
                return Ok(());
            }
            other => {
                let note = format!("status {other}: not used");
                self.note(r.pos, note);
                return Ok(());
            }
        }
        if !self.subject_used(r.pos) {
            return Ok(());
        }
        let code = r.code()?.unwrap_or_default();
        let mut gives = None;
        for (system, c) in code.codes() {
            if system == table::CASE_FACT {
                return self.case_fact(r, c);
            }
            if gives.is_none() {
                gives = table::lookup(Src::ObservationCode, system, c);
            }
        }
        let Some(gives) = gives else {
            self.note(r.pos, "its code is not in the mapping table: not read");
            return Ok(());
        };
        let focus = r.focus()?.unwrap_or_default();
        let links = focus.iter().map(|f| f.reference.as_deref());
        if !self.linked(r.pos, links, false) {
            return Ok(());
        }
        let date = effective(r)?;
        match gives {
            Gives::Size { component } => {
                let q: Option<Cow<'_, Quantity<'a>>> = if component {
                    let comps = r.component()?.unwrap_or_default();
                    let raw = comps
                        .iter()
                        .find(|c| {
                            c.code
                                .codes()
                                .any(|(s, k)| s == table::LOINC && k == "33728-7")
                        })
                        .and_then(|c| c.valueQuantity);
                    elem::<Quantity<'a>>(r, raw, "valueQuantity")?.map(Cow::Owned)
                } else {
                    r.value_quantity()?
                };
                let Some(q) = q else {
                    return Err(field_error("tumor_size_cm", format!("{}: a tumour size observation without a valueQuantity (component 33728-7 for 21889-1)", r.name())));
                };
                let value = quantity_cm(&q, r, "tumor_size_cm")?;
                self.ev.sizes.push(Cand {
                    pos: r.pos,
                    pathological: false,
                    date,
                    value,
                });
            }
            Gives::Tnm(category, path_code) => {
                let Some(cc) = r.value_codeable_concept()? else {
                    self.note(
                        r.pos,
                        "a TNM observation without valueCodeableConcept: not used",
                    );
                    return Ok(());
                };
                let mut read: Option<(Category, bool, &str)> = None;
                let mut shown = "(no coding)";
                for (system, c) in cc.codes() {
                    shown = c;
                    let got = match system {
                        table::AJCC | table::UICC => tnm_code(c),
                        _ => match table::lookup(Src::TnmValue, system, c) {
                            Some(Gives::TnmSnomedValue(cat, v, p)) => Some((cat, p, v)),
                            _ => None,
                        },
                    };
                    if got.is_some() {
                        read = got;
                        break;
                    }
                }
                let Some((value_category, path_value, main)) = read else {
                    self.note(
                        r.pos,
                        format!("TNM value {shown} is not read by the mapping: not used"),
                    );
                    return Ok(());
                };
                if value_category != category {
                    self.note(
                        r.pos,
                        format!(
                            "a {} category observation holding a {} value: not used",
                            category.letter(),
                            value_category.letter()
                        ),
                    );
                    return Ok(());
                }
                if category == Category::M && main == "0" && path_value {
                    self.note(r.pos, "pM0 is not a category: not used");
                    return Ok(());
                }
                let Some(value) = tnm_value(category, main) else {
                    self.note(
                        r.pos,
                        format!("{}X: not assessed, not used", category.letter()),
                    );
                    return Ok(());
                };
                if let Some(list) = self.ev.tnm.get_mut(category_index(category)) {
                    list.push(Cand {
                        pos: r.pos,
                        pathological: path_code || path_value,
                        date,
                        value,
                    });
                }
            }
            _ => self.note(r.pos, "its code is not in the mapping table: not read"),
        }
        Ok(())
    }

    fn case_fact(&mut self, r: &Res<'a>, name: &str) -> Result<(), Error> {
        let field = match Field::from_name(name) {
            Some(f) if f != Field::PrimarySite && f != Field::CaseId => f,
            _ => {
                let shown: String = name.chars().take(60).collect();
                return Err(field_error(&shown, format!("{}: `{shown}` is not a case field a case-fact observation may give (every field but primary_site and case_id)", r.name())));
            }
        };
        let wrong = |what: &str| {
            field_error(
                name,
                format!("{}: the case fact {name} needs {what}", r.name()),
            )
        };
        let cc = r.value_codeable_concept()?;
        let coded = cc
            .as_ref()
            .and_then(|cc| status_code(cc, table::CASE_FACT))
            .map(str::to_owned);
        if coded.as_deref() == Some("unknown")
            && r.value_boolean().is_none()
            && !r.has_value_quantity()
        {
            self.note(r.pos, format!("{name} unknown: sets nothing"));
            return Ok(());
        }
        let count = [
            r.value_boolean().is_some(),
            cc.is_some(),
            r.has_value_quantity(),
            r.has_other_value(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if count != 1 {
            return Err(wrong("exactly one value"));
        }
        let value = match field {
            Field::TumorSizeCm => {
                let Some(q) = r.value_quantity()? else {
                    return Err(wrong("a valueQuantity"));
                };
                let value = quantity_cm(&q, r, name)?;
                let date = effective(r)?;
                self.ev.fact_sizes.push(Cand {
                    pos: r.pos,
                    pathological: false,
                    date,
                    value,
                });
                return Ok(());
            }
            Field::Histology | Field::SsaResponse | Field::Complications => {
                let Some(v) = coded else {
                    return Err(wrong("a valueCodeableConcept of urn:nettx:case-fact"));
                };
                let parsed = match field {
                    Field::Histology => Histology::from_name(&v).map(FactValue::Histology),
                    Field::SsaResponse => SsaResponse::from_name(&v).map(FactValue::Ssa),
                    _ => Complication::from_name(&v).map(FactValue::Complication),
                };
                parsed.ok_or_else(|| {
                    let shown: String = v.chars().take(60).collect();
                    field_error(
                        name,
                        format!("{}: `{shown}` is not a value of {name}", r.name()),
                    )
                })?
            }
            _ => {
                let Some(raw) = r.value_boolean() else {
                    return Err(wrong("a valueBoolean"));
                };
                match raw.get() {
                    "true" => FactValue::Bool(true),
                    "false" => FactValue::Bool(false),
                    _ => return Err(wrong("a valueBoolean")),
                }
            }
        };
        self.ev.facts.push((field, value, r.pos));
        Ok(())
    }
}

/// How `a` ranks against `b`: pathological beats clinical, dated beats
/// undated, then the later date (compared at the coarser precision, so
/// "equal" is not transitive across precisions).
fn rank<V>(a: &Cand<V>, b: &Cand<V>) -> Ordering {
    a.pathological
        .cmp(&b.pathological)
        .then(a.date.is_some().cmp(&b.date.is_some()))
        .then(match (&a.date, &b.date) {
            (Some(x), Some(y)) => x.compare(y),
            _ => Ordering::Equal,
        })
}

/// The winners among candidates: pathological beats clinical, dated beats
/// undated, then the latest (dates compared at the coarser precision);
/// every other candidate gets a note naming a winner.
fn choose<V: Copy + PartialEq>(
    cands: &[Cand<V>],
    same: impl Fn(V, V) -> bool,
    field: Field,
    names: &dyn Fn(usize) -> String,
    notes: &mut Vec<(usize, String)>,
    show: impl Fn(V) -> String,
) -> Result<Option<(V, Vec<usize>)>, Error> {
    // A candidate wins when no other outranks it. The best one of a single
    // pass outranks most losers, so it is asked first: only a witness,
    // every candidate it does not outrank is still held against all.
    let mut best: Option<&Cand<V>> = None;
    for c in cands {
        if best.map_or(true, |b| rank(c, b) == Ordering::Greater) {
            best = Some(c);
        }
    }
    let outranked = |c: &Cand<V>| {
        best.is_some_and(|b| rank(b, c) == Ordering::Greater)
            || cands.iter().any(|d| rank(d, c) == Ordering::Greater)
    };
    let winners: Vec<&Cand<V>> = cands.iter().filter(|c| !outranked(c)).collect();
    let Some(first) = winners.first() else {
        return Ok(None);
    };
    if let Some(other) = winners.iter().find(|w| !same(w.value, first.value)) {
        return Err(contradiction(
            field,
            format!(
                "{} gives {} but {} gives {}, with nothing to choose between them (same kind, same date); correct one of them",
                names(first.pos),
                show(first.value),
                names(other.pos),
                show(other.value)
            ),
        ));
    }
    let mut winner: Option<String> = None;
    for c in cands {
        if !winners.iter().any(|w| w.pos == c.pos) {
            let name = winner.get_or_insert_with(|| names(first.pos));
            let note = concat(&[
                "superseded by ",
                name,
                " (pathological before clinical, dated before undated, then the latest)",
            ]);
            notes.push((c.pos, note));
        }
    }
    let mut positions: Vec<usize> = winners.iter().map(|w| w.pos).collect();
    positions.sort_unstable();
    positions.dedup();
    Ok(Some((first.value, positions)))
}

/// One field's value and its resources.
type Found<T> = Option<(T, Vec<usize>)>;

fn combine<T: PartialEq + Copy + Display>(
    field: Field,
    coded: Found<T>,
    fact: Found<T>,
    names: &dyn Fn(usize) -> String,
) -> Result<Found<T>, Error> {
    match (coded, fact) {
        (Some((a, mut pa)), Some((b, pb))) => {
            if a != b {
                return Err(contradiction(
                    field,
                    format!(
                        "{} gives {field} {a} but the case-fact observation {} gives {b}; correct one of them",
                        join(&pa, names),
                        join(&pb, names)
                    ),
                ));
            }
            pa.extend(pb);
            pa.sort_unstable();
            pa.dedup();
            Ok(Some((a, pa)))
        }
        (x, None) | (None, x) => Ok(x),
    }
}

fn join(positions: &[usize], names: &dyn Fn(usize) -> String) -> String {
    positions
        .iter()
        .map(|p| names(*p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The case-fact observations of `field`, which must agree.
fn facts_of(
    ev: &Evidence,
    field: Field,
    names: &dyn Fn(usize) -> String,
) -> Result<Found<FactValue>, Error> {
    let mut out: Found<FactValue> = None;
    for (f, v, pos) in &ev.facts {
        if *f != field {
            continue;
        }
        match &mut out {
            None => out = Some((*v, vec![*pos])),
            Some((first, list)) => {
                if first != v {
                    return Err(contradiction(field, format!("the case-fact observations {} and {} disagree on {field}; correct one of them", join(list, names), names(*pos))));
                }
                list.push(*pos);
            }
        }
    }
    Ok(out)
}

fn fact_bool(found: Found<FactValue>) -> Found<bool> {
    found.and_then(|(v, p)| match v {
        FactValue::Bool(b) => Some((b, p)),
        _ => None,
    })
}

/// Maps a record's text.
pub fn map(text: &str) -> Result<Mapped, Error> {
    map_read(read_record(text)?)
}

/// Maps a record's text read by the general reader only.
#[cfg(test)]
pub fn map_general(text: &str) -> Result<Mapped, Error> {
    map_read(crate::read::read_record_general(text)?)
}

/// Maps the resources read.
pub fn map_read(res: Vec<Res<'_>>) -> Result<Mapped, Error> {
    let mut m = Mapper {
        resolver: Resolver::new(&res),
        res: &res,
        // (Most resources not used get one note each.)
        notes: Vec::with_capacity(res.len()),
        subject_ok: Vec::new(),
        other_cancer: None,
        patient: None,
        ev: Evidence::default(),
    };
    m.run()?;
    let Mapper {
        ev,
        mut notes,
        patient,
        ..
    } = m;
    // A resource's name, copied only where an output needs it.
    let names = |pos: usize| res.get(pos).map(Res::name).unwrap_or_default();
    let mut provenance: Vec<(Field, Vec<usize>)> = Vec::new();

    // case_id: the Patient's logical id, when exactly one Patient.
    let patients: Vec<&Res<'_>> = res.iter().filter(|r| r.rtype == "Patient").collect();
    let mut case_id = None;
    if let Some(first) = patients.first() {
        if let Some(id) = &first.id {
            if patients
                .iter()
                .all(|p| p.id.as_deref() == Some(id.as_ref()))
            {
                case_id = Some(id.to_string());
                provenance.push((Field::CaseId, patients.iter().map(|p| p.pos).collect()));
            }
        }
    }
    if case_id.is_none() {
        for p in &patients {
            notes.push((
                p.pos,
                "a Patient without a logical id: case_id is left out".to_owned(),
            ));
        }
    }

    // primary_site.
    let Some(first) = ev.primaries.first() else {
        return Err(field_error(
            "primary_site",
            "the record holds no primary NET Condition that can be used (ICD-10-CM C7A.0xx, C7A.1, C7A.8 or D3A.0xx, or an ICD-O-3 NET morphology with a bodySite), present and not refuted; a case without a known primary site cannot be evaluated",
        ));
    };
    let site = first.site;
    provenance.push((
        Field::PrimarySite,
        ev.primaries.iter().map(|p| p.pos).collect(),
    ));

    // histology.
    let mut coded_h: Found<Histology> = None;
    for (h, pos) in &ev.histology {
        match &mut coded_h {
            None => coded_h = Some((*h, vec![*pos])),
            Some((first, list)) => {
                if first != h {
                    return Err(contradiction(
                        Field::Histology,
                        format!(
                            "{} gives histology {first} but {} gives {h}; correct one of them",
                            join(list, &names),
                            names(*pos)
                        ),
                    ));
                }
                list.push(*pos);
            }
        }
    }
    if let Some((_, list)) = &mut coded_h {
        list.dedup();
    }
    let fact_h = facts_of(&ev, Field::Histology, &names)?.and_then(|(v, p)| match v {
        FactValue::Histology(h) => Some((h, p)),
        _ => None,
    });
    let histology = combine(Field::Histology, coded_h, fact_h, &names)?;

    // tumor_size_cm.
    let show_size = |v: f64| format!("{v} cm");
    let coded_size = choose(
        &ev.sizes,
        |a, b| a == b,
        Field::TumorSizeCm,
        &names,
        &mut notes,
        show_size,
    )?;
    let fact_size = choose(
        &ev.fact_sizes,
        |a, b| a == b,
        Field::TumorSizeCm,
        &names,
        &mut notes,
        show_size,
    )?;
    let size = match (coded_size, fact_size) {
        (Some((a, pa)), Some((b, pb))) if a != b => {
            return Err(contradiction(Field::TumorSizeCm, format!("{} gives a size of {a} cm but the case-fact observation {} gives {b} cm; correct one of them", join(&pa, &names), join(&pb, &names))));
        }
        (Some((a, mut pa)), Some((_, pb))) => {
            pa.extend(pb);
            pa.sort_unstable();
            Some((a, pa))
        }
        (x, None) | (None, x) => x,
    };

    // local_spread from N and T; metastatic from M.
    let tnm_same = |a: Tnm, b: Tnm| a == b;
    let show_tnm = |v: Tnm| format!("{v:?}").to_lowercase();
    let [t_c, n_c, m_c] = &ev.tnm;
    let t = choose(
        t_c,
        tnm_same,
        Field::LocalSpread,
        &names,
        &mut notes,
        show_tnm,
    )?;
    let n = choose(
        n_c,
        tnm_same,
        Field::LocalSpread,
        &names,
        &mut notes,
        show_tnm,
    )?;
    let mm = choose(
        m_c,
        tnm_same,
        Field::Metastatic,
        &names,
        &mut notes,
        show_tnm,
    )?;
    let spread_coded: Found<bool> = {
        let mut pos_from = Vec::new();
        if let Some((Tnm::Positive, p)) = &n {
            pos_from.extend(p.iter().copied());
        }
        if let Some((Tnm::Positive, p)) = &t {
            pos_from.extend(p.iter().copied());
        }
        if !pos_from.is_empty() {
            pos_from.sort_unstable();
            Some((true, pos_from))
        } else if let (Some((Tnm::Negative, pn)), Some((Tnm::T1, pt))) = (&n, &t) {
            let mut p: Vec<usize> = pn.iter().chain(pt.iter()).copied().collect();
            p.sort_unstable();
            Some((false, p))
        } else {
            for (_, p) in n.iter().chain(t.iter()) {
                for pos in p {
                    notes.push((*pos, "this TNM value alone sets nothing: local_spread stays unknown (true for N1/N2 or T3/T4, false for N0 with T1)".to_owned()));
                }
            }
            None
        }
    };
    let local_spread = combine(
        Field::LocalSpread,
        spread_coded,
        fact_bool(facts_of(&ev, Field::LocalSpread, &names)?),
        &names,
    )?;

    // Secondaries.
    let present = |pred: &dyn Fn(Place) -> bool| -> Vec<usize> {
        ev.secondaries
            .iter()
            .filter(|s| !s.refuted && pred(s.place))
            .map(|s| s.pos)
            .collect()
    };
    let refuted = |pred: &dyn Fn(Place) -> bool| -> Vec<usize> {
        ev.secondaries
            .iter()
            .filter(|s| s.refuted && pred(s.place))
            .map(|s| s.pos)
            .collect()
    };
    let is_liver = |p: Place| p == Place::Liver;
    let is_extra = |p: Place| p.is_extrahepatic();
    let site_fact = |yes: Vec<usize>, no: Vec<usize>, unused: bool| -> Found<bool> {
        if !yes.is_empty() {
            Some((true, yes))
        } else if !no.is_empty() && !unused {
            Some((false, no))
        } else {
            None
        }
    };
    let hepatic_coded = site_fact(present(&is_liver), refuted(&is_liver), ev.unused_liver);
    let extra_coded = site_fact(
        present(&is_extra),
        refuted(&is_extra),
        ev.unused_extrahepatic,
    );
    let elsewhere = present(&|p| p == Place::Elsewhere);

    // metastatic: M, and a present secondary whose site is not in the table.
    let m_coded: Found<bool> = mm.map(|(v, p)| (v == Tnm::Positive, p));
    if let Some((false, pm)) = &m_coded {
        let mut against: Vec<usize> = Vec::new();
        for found in [&hepatic_coded, &extra_coded] {
            if let Some((true, p)) = found {
                against.extend(p.iter().copied());
            }
        }
        against.extend(elsewhere.iter().copied());
        against.sort_unstable();
        if !against.is_empty() {
            return Err(contradiction(
                Field::Metastatic,
                format!(
                    "{} gives M0 but {} records a metastasis; correct one of them",
                    join(pm, &names),
                    join(&against, &names)
                ),
            ));
        }
    }
    let metastatic_coded: Found<bool> = match (m_coded, elsewhere.is_empty()) {
        (Some((true, mut p)), false) => {
            p.extend(elsewhere.iter().copied());
            p.sort_unstable();
            Some((true, p))
        }
        (None, false) => Some((true, elsewhere.clone())),
        (x, _) => x,
    };
    let metastatic = combine(
        Field::Metastatic,
        metastatic_coded,
        fact_bool(facts_of(&ev, Field::Metastatic, &names)?),
        &names,
    )?;
    let hepatic = combine(
        Field::HepaticMetastases,
        hepatic_coded,
        fact_bool(facts_of(&ev, Field::HepaticMetastases, &names)?),
        &names,
    )?;
    let extrahepatic = combine(
        Field::ExtrahepaticMetastases,
        extra_coded,
        fact_bool(facts_of(&ev, Field::ExtrahepaticMetastases, &names)?),
        &names,
    )?;
    let resectable = fact_bool(facts_of(&ev, Field::MetastasesResectable, &names)?);

    // carcinoid_syndrome.
    let mut syndrome_coded: Found<bool> = None;
    for (v, pos) in &ev.syndrome {
        match &mut syndrome_coded {
            None => syndrome_coded = Some((*v, vec![*pos])),
            Some((first, list)) => {
                if first != v {
                    return Err(contradiction(Field::CarcinoidSyndrome, format!("{} gives carcinoid_syndrome {first} but {} gives {v}; correct one of them", join(list, &names), names(*pos))));
                }
                list.push(*pos);
            }
        }
    }
    let syndrome = combine(
        Field::CarcinoidSyndrome,
        syndrome_coded,
        fact_bool(facts_of(&ev, Field::CarcinoidSyndrome, &names)?),
        &names,
    )?;

    // complications: every one recorded, coded or case-fact.
    let mut complications = Complications::new();
    let mut complication_from = Vec::new();
    for (c, pos) in &ev.complications {
        complications.insert(*c);
        complication_from.push(*pos);
    }
    for (f, v, pos) in &ev.facts {
        if let (Field::Complications, FactValue::Complication(c)) = (f, v) {
            complications.insert(*c);
            complication_from.push(*pos);
        }
    }
    complication_from.sort_unstable();
    complication_from.dedup();

    let ssa = facts_of(&ev, Field::SsaResponse, &names)?.and_then(|(v, p)| match v {
        FactValue::Ssa(s) => Some((s, p)),
        _ => None,
    });

    let mut b = Case::builder(site).case_id(case_id);
    if let Some((v, p)) = histology {
        b = b.histology(v);
        provenance.push((Field::Histology, p));
    }
    if let Some((v, p)) = size {
        b = b.tumor_size_cm(v);
        provenance.push((Field::TumorSizeCm, p));
    }
    let bools: [(Field, Found<bool>); 6] = [
        (Field::LocalSpread, local_spread),
        (Field::Metastatic, metastatic),
        (Field::HepaticMetastases, hepatic),
        (Field::ExtrahepaticMetastases, extrahepatic),
        (Field::MetastasesResectable, resectable),
        (Field::CarcinoidSyndrome, syndrome),
    ];
    for (field, found) in bools {
        let Some((v, p)) = found else { continue };
        b = match field {
            Field::LocalSpread => b.local_spread(v),
            Field::Metastatic => b.metastatic(v),
            Field::HepaticMetastases => b.hepatic_metastases(v),
            Field::ExtrahepaticMetastases => b.extrahepatic_metastases(v),
            Field::MetastasesResectable => b.metastases_resectable(v),
            _ => b.carcinoid_syndrome(v),
        };
        provenance.push((field, p));
    }
    if !complications.is_empty() {
        b = b.complications(complications);
        provenance.push((Field::Complications, complication_from));
    }
    if let Some((v, p)) = ssa {
        b = b.ssa_response(v);
        provenance.push((Field::SsaResponse, p));
    }
    let case = b.build()?;
    provenance.sort_by_key(|(f, _)| f.index());
    let provenance = provenance
        .into_iter()
        .map(|(f, mut p)| {
            p.sort_unstable();
            p.dedup();
            let mut list: Vec<String> = Vec::with_capacity(p.len());
            for pos in p {
                let n = names(pos);
                if !list.contains(&n) {
                    list.push(n);
                }
            }
            (f, list)
        })
        .collect();
    notes.sort_by_key(|(pos, _)| *pos);
    let notes = notes
        .into_iter()
        .map(|(pos, note)| Note {
            resource: names(pos),
            note,
        })
        .collect();
    Ok(Mapped {
        case,
        provenance,
        notes,
        patient,
    })
}
