//! Property tests of the decision procedure (`rules.md`) and of the interface
//! (`interface.md`), over cases generated through the public builder.
//!
//! The spec tables these properties need (recommendation codes with their
//! statements, warnings with their references, the orders of missing fields
//! and goals) are copied here from `rules.md` by hand, independently of the
//! library's knowledge table, so that a drift between the two is caught.

use nettx::knowledge::SOURCES;
use nettx::{
    Case, CaseBuilder, Category, Code, Complication, Complications, DiseaseState, ErrorKind,
    Evaluation, Field, Goal, Histology, RuleId, Site, Source, SsaResponse, Strength, Urgency,
    WarningCode,
};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// Independent copies of the tables of rules.md
// ---------------------------------------------------------------------------

/// The table of recommendation codes, in its order, with the statements cited.
const CODE_TABLE: &[(&str, &[&str])] = &[
    ("URGENT_SEGMENTAL_RESECTION", &["S7", "S10"]),
    ("LOCAL_EXCISION", &["S4", "S1"]),
    ("SMALL_BOWEL_RESECTION_WITH_MESENTERY", &["S5", "S1"]),
    ("PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY", &["S6", "S1"]),
    ("ONCOLOGIC_RESECTION", &["S1", "S3"]),
    ("CYTOREDUCTIVE_SURGERY", &["S9"]),
    ("LIVER_RESECTION", &["S14", "S9"]),
    ("SOMATOSTATIN_ANALOG", &["S8", "S11"]),
    ("EVEROLIMUS", &["S13"]),
    ("INTERFERON_ALPHA", &["S12"]),
    ("COMPLETE_STAGING", &["S2", "S1"]),
    ("ASSESS_RESECTABILITY", &["S9", "S8"]),
    ("MULTIDISCIPLINARY_REVIEW", &[]),
];

/// The table of warnings, in its order, with the references cited.
const WARNING_TABLE: &[(&str, &[&str])] = &[
    ("HISTOLOGY_ASSUMED", &[]),
    ("SYNDROME_WITHOUT_METASTASES", &[]),
    ("CARCINOID_CRISIS_RISK", &["R3", "R4"]),
    ("SSA_GALLSTONES", &["R2"]),
    ("EVEROLIMUS_EVIDENCE", &["R5"]),
    ("INTERFERON_TOXICITY", &["S12", "R2"]),
    ("PERIAMPULLARY_CHECK", &["R1"]),
    ("RECTAL_INTERMEDIATE_SIZE", &["R7"]),
    ("ANTIPROLIFERATIVE_SSA_NOT_COVERED", &["R6"]),
    ("REFRACTORY_SYNDROME_OPTIONS", &["R3", "R8", "R9"]),
    ("BLEEDING_HAEMOSTASIS_FIRST", &["R1", "R3", "R7"]),
    ("PERFORATION_CONTAMINATION", &[]),
];

/// The order of `missing` (rules.md, "Missing data").
const MISSING_ORDER: &[&str] = &[
    "primary_site",
    "tumor_size_cm",
    "local_spread",
    "metastatic",
    "extrahepatic_metastases",
    "metastases_resectable",
    "carcinoid_syndrome",
    "ssa_response",
];

/// The order of `goals` (rules.md, "Goals").
const GOAL_ORDER: &[&str] = &[
    "symptom_control",
    "tumor_growth_control",
    "biochemical_control",
    "cure",
];

/// Operations on the primary with curative or cytoreductive intent (never
/// for undetermined disease, rules.md step 5).
const OPERATIONS_ON_PRIMARY: &[Code] = &[
    Code::LocalExcision,
    Code::SmallBowelResectionWithMesentery,
    Code::PartialColectomyWithLymphadenectomy,
    Code::OncologicResection,
    Code::CytoreductiveSurgery,
    Code::LiverResection,
];

const IN_SCOPE_SITES: &[Site] = &[
    Site::Duodenum,
    Site::Jejunum,
    Site::Ileum,
    Site::SmallIntestineUnspecified,
    Site::Colon,
    Site::Rectum,
];

const SIZE_BOUNDARIES: &[f64] = &[0.01, 1.0, 1.01, 2.0, 2.01, 30.0];

fn position(table: &[&str], name: &str) -> Option<usize> {
    table.iter().position(|n| *n == name)
}

fn code_rank(code: Code) -> usize {
    CODE_TABLE
        .iter()
        .position(|(name, _)| *name == code.as_str())
        .unwrap_or(usize::MAX)
}

fn urgency_rank(u: Urgency) -> usize {
    match u {
        Urgency::Urgent => 0,
        Urgency::Elective => 1,
    }
}

fn strength_rank(s: Strength) -> usize {
    match s {
        Strength::Preferred => 0,
        Strength::Alternative => 1,
        Strength::Option => 2,
    }
}

fn names(sources: &[Source]) -> Vec<&'static str> {
    sources.iter().map(|s| s.as_str()).collect()
}

// ---------------------------------------------------------------------------
// Generated facts and cases
// ---------------------------------------------------------------------------

/// Everything a builder is given; kept so that a rejected combination can
/// still be inspected.
#[derive(Debug, Clone)]
struct Facts {
    case_id: Option<String>,
    site: Site,
    histology: Option<Histology>,
    size: Option<f64>,
    spread: Option<bool>,
    metastatic: Option<bool>,
    hepatic: Option<bool>,
    extrahepatic: Option<bool>,
    resectable: Option<bool>,
    syndrome: Option<bool>,
    complications: Complications,
    ssa: Option<SsaResponse>,
}

impl Facts {
    fn builder(&self) -> CaseBuilder {
        CaseBuilder::new()
            .case_id(self.case_id.clone())
            .primary_site(self.site)
            .histology(self.histology)
            .tumor_size_cm(self.size)
            .local_spread(self.spread)
            .metastatic(self.metastatic)
            .hepatic_metastases(self.hepatic)
            .extrahepatic_metastases(self.extrahepatic)
            .metastases_resectable(self.resectable)
            .carcinoid_syndrome(self.syndrome)
            .complications(self.complications)
            .ssa_response(self.ssa)
    }
}

fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
}

fn opt_of<T: Copy + std::fmt::Debug + 'static>(
    values: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![1 => Just(None), 2 => select(values).prop_map(Some)]
}

fn size() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        select(SIZE_BOUNDARIES).prop_map(Some),
        (0.01f64..=30.0).prop_map(Some),
    ]
}

fn complications() -> impl Strategy<Value = Complications> {
    prop_oneof![
        Just(Complications::new()),
        subsequence(Complication::ALL.to_vec(), 0..=Complication::ALL.len())
            .prop_map(|v| v.into_iter().collect::<Complications>()),
    ]
}

fn case_id() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => "[ -~]{0,16}".prop_map(Some),
        1 => ".{0,30}".prop_map(Some),
        // Exactly at the limit of 256 bytes of UTF-8.
        1 => Just(Some("é".repeat(128))),
    ]
}

/// Facts with the given strategies for site and histology, everything else
/// arbitrary (contradictions included).
fn facts_with(
    site: impl Strategy<Value = Site>,
    histology: impl Strategy<Value = Option<Histology>>,
) -> impl Strategy<Value = Facts> {
    (
        case_id(),
        site,
        histology,
        size(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
        complications(),
        opt_of(SsaResponse::ALL),
    )
        .prop_map(
            |(
                case_id,
                site,
                histology,
                size,
                spread,
                metastatic,
                hepatic,
                extrahepatic,
                resectable,
                syndrome,
                complications,
                ssa,
            )| Facts {
                case_id,
                site,
                histology,
                size,
                spread,
                metastatic,
                hepatic,
                extrahepatic,
                resectable,
                syndrome,
                complications,
                ssa,
            },
        )
}

fn any_facts() -> impl Strategy<Value = Facts> {
    facts_with(select(Site::ALL), opt_of(Histology::ALL))
}

/// Builds, discarding the combinations `build()` rejects (property
/// `builder_rejects_exactly_the_contradictions` checks those are exactly the
/// interface's contradictions).
fn built(facts: impl Strategy<Value = Facts>) -> impl Strategy<Value = Case> {
    facts.prop_filter_map("contradiction", |f| f.builder().build().ok())
}

fn any_case() -> impl Strategy<Value = Case> {
    built(any_facts())
}

fn in_scope_case() -> impl Strategy<Value = Case> {
    built(facts_with(
        select(IN_SCOPE_SITES),
        prop_oneof![Just(None), Just(Some(Histology::WellDifferentiated))],
    ))
}

fn out_of_scope_case() -> impl Strategy<Value = Case> {
    built(prop_oneof![
        facts_with(
            select(&[Site::Appendix, Site::Other][..]),
            opt_of(Histology::ALL)
        ),
        facts_with(
            select(Site::ALL),
            Just(Some(Histology::PoorlyDifferentiated))
        ),
    ])
}

/// Cases whose metastatic status stays unknown after step 0: `metastatic`
/// unknown, no site true, not both sites false.
fn undetermined_case() -> impl Strategy<Value = Case> {
    let sites = select(&[(None, None), (Some(false), None), (None, Some(false))][..]);
    built(
        (any_facts(), sites).prop_map(|(mut f, (hepatic, extrahepatic))| {
            f.metastatic = None;
            f.hepatic = hepatic;
            f.extrahepatic = extrahepatic;
            f
        }),
    )
}

// ---------------------------------------------------------------------------
// Independent model of step 0 and of scope
// ---------------------------------------------------------------------------

/// The facts after the step-0 inferences of rules.md, computed here.
#[derive(Debug, Clone, Copy)]
struct Inferred {
    metastatic: Option<bool>,
    extrahepatic: Option<bool>,
    syndrome: Option<bool>,
}

fn infer(case: &Case) -> Inferred {
    let mut m = case.metastatic();
    let mut h = case.hepatic_metastases();
    let mut e = case.extrahepatic_metastases();
    if h == Some(true) || e == Some(true) {
        m = Some(true);
    }
    if m == Some(true) {
        if h == Some(false) {
            e = Some(true);
        }
        if e == Some(false) {
            h = Some(true);
        }
    }
    if h == Some(false) && e == Some(false) {
        m = Some(false);
    }
    if m == Some(false) {
        e = Some(false);
    }
    let syndrome = match case.ssa_response() {
        Some(SsaResponse::Controlled | SsaResponse::SymptomsWorsening) => Some(true),
        _ => case.carcinoid_syndrome(),
    };
    Inferred {
        metastatic: m,
        extrahepatic: e,
        syndrome,
    }
}

fn expected_state(case: &Case) -> DiseaseState {
    match infer(case).metastatic {
        Some(true) => DiseaseState::Metastatic,
        Some(false) => DiseaseState::Localized,
        None => DiseaseState::Undetermined,
    }
}

fn excluded(case: &Case) -> bool {
    matches!(case.primary_site(), Site::Appendix | Site::Other)
        || case.histology() == Some(Histology::PoorlyDifferentiated)
}

fn fail(message: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(message.to_string())
}

fn parse(json: &str) -> Result<Value, TestCaseError> {
    serde_json::from_str(json).map_err(|e| fail(format!("output is not JSON: {e}: {json}")))
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, TestCaseError> {
    v[key]
        .as_array()
        .ok_or_else(|| fail(format!("`{key}` is not an array")))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("<not a string>").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn codes(e: &Evaluation) -> BTreeSet<Code> {
    e.recommendations().iter().map(|r| r.code()).collect()
}

fn warnings(e: &Evaluation) -> BTreeSet<WarningCode> {
    e.warnings().collect()
}

fn missing_fields(e: &Evaluation) -> Vec<Field> {
    e.missing().map(|m| m.field()).collect()
}

// ---------------------------------------------------------------------------
// Property 9 helpers: representative values of each field that can be missing
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Val {
    Site(Site),
    Size(f64),
    Bool(bool),
    Ssa(SsaResponse),
}

fn domain(field: Field) -> Result<Vec<Val>, TestCaseError> {
    Ok(match field {
        Field::PrimarySite => [
            Site::Duodenum,
            Site::Jejunum,
            Site::Ileum,
            Site::Colon,
            Site::Rectum,
        ]
        .into_iter()
        .map(Val::Site)
        .collect(),
        Field::TumorSizeCm => [0.5, 1.5, 2.5].into_iter().map(Val::Size).collect(),
        Field::LocalSpread
        | Field::Metastatic
        | Field::ExtrahepaticMetastases
        | Field::MetastasesResectable
        | Field::CarcinoidSyndrome => [true, false].into_iter().map(Val::Bool).collect(),
        Field::SsaResponse => SsaResponse::ALL.iter().copied().map(Val::Ssa).collect(),
        other => return Err(fail(format!("{other} should never be listed as missing"))),
    })
}

fn set(b: CaseBuilder, field: Field, v: Val) -> Result<CaseBuilder, TestCaseError> {
    Ok(match (field, v) {
        (Field::PrimarySite, Val::Site(s)) => b.primary_site(s),
        (Field::TumorSizeCm, Val::Size(s)) => b.tumor_size_cm(s),
        (Field::LocalSpread, Val::Bool(x)) => b.local_spread(x),
        (Field::Metastatic, Val::Bool(x)) => b.metastatic(x),
        (Field::ExtrahepaticMetastases, Val::Bool(x)) => b.extrahepatic_metastases(x),
        (Field::MetastasesResectable, Val::Bool(x)) => b.metastases_resectable(x),
        (Field::CarcinoidSyndrome, Val::Bool(x)) => b.carcinoid_syndrome(x),
        (Field::SsaResponse, Val::Ssa(x)) => b.ssa_response(x),
        (f, v) => return Err(fail(format!("no setter for {f} = {v:?}"))),
    })
}

/// Every combination of values of `fields` (the cartesian product of their
/// domains).
fn fillings(fields: &[Field]) -> Result<Vec<Vec<(Field, Val)>>, TestCaseError> {
    let mut out: Vec<Vec<(Field, Val)>> = vec![Vec::new()];
    for &f in fields {
        let values = domain(f)?;
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push((f, *v));
                    next
                })
            })
            .collect();
    }
    Ok(out)
}

/// Whether some filling of the other missing fields makes a value of `field`
/// change the recommendation codes or the warnings.
fn field_matters(case: &Case, missing: &[Field], field: Field) -> Result<bool, TestCaseError> {
    let others: Vec<Field> = missing.iter().copied().filter(|f| *f != field).collect();
    let values = domain(field)?;
    for filling in fillings(&others)? {
        let mut base = case.to_builder();
        for (f, v) in &filling {
            base = set(base, *f, *v)?;
        }
        let Ok(unknown) = base.clone().build() else {
            continue;
        };
        let e0 = nettx::evaluate(&unknown);
        let outcome0 = (codes(&e0), warnings(&e0));
        for v in &values {
            let Ok(given) = set(base.clone(), field, *v)?.build() else {
                continue;
            };
            let e1 = nettx::evaluate(&given);
            if (codes(&e1), warnings(&e1)) != outcome0 {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// `cases` cases, without writing regression files into the source tree (a
/// failure prints its minimal case, which is what to keep as a plain test).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 0 (precondition of the generators): `build()` rejects exactly
    /// the contradictions of interface.md, as kind `contradiction` with the
    /// field it names, `metastatic` before `ssa_response`.
    #[test]
    fn builder_rejects_exactly_the_contradictions(f in any_facts()) {
        let metastatic = (f.metastatic == Some(false)
            && (f.hepatic == Some(true) || f.extrahepatic == Some(true)))
            || (f.metastatic == Some(true)
                && f.hepatic == Some(false)
                && f.extrahepatic == Some(false));
        let ssa = f.syndrome == Some(false)
            && matches!(
                f.ssa,
                Some(SsaResponse::Controlled | SsaResponse::SymptomsWorsening)
            );
        let expected = if metastatic {
            Some("metastatic")
        } else if ssa {
            Some("ssa_response")
        } else {
            None
        };
        match (f.builder().build(), expected) {
            (Ok(_), None) => {}
            (Err(e), Some(field)) => {
                prop_assert_eq!(e.kind(), ErrorKind::Contradiction);
                prop_assert_eq!(e.field_name(), Some(field));
            }
            (Ok(case), Some(field)) => {
                return Err(fail(format!("contradiction in {field} accepted: {case:?}")));
            }
            (Err(e), None) => return Err(fail(format!("valid facts rejected: {e}"))),
        }
    }

    /// Property 1: evaluation never panics and is deterministic (equal
    /// evaluations, byte-identical JSON, also for a case rebuilt from its
    /// builder).
    #[test]
    fn evaluation_is_deterministic(case in any_case()) {
        let a = nettx::evaluate(&case);
        let b = nettx::evaluate(&case.clone());
        prop_assert_eq!(&a, &b);
        let json = a.to_json();
        prop_assert_eq!(&json, &b.to_json());
        let rebuilt = case.to_builder().build().map_err(fail)?;
        prop_assert_eq!(&json, &nettx::evaluate(&rebuilt).to_json());
        // The output is JSON and echoes case_id exactly when there is one.
        let v = parse(&json)?;
        prop_assert_eq!(v.get("case_id").and_then(Value::as_str), case.case_id());
    }

    /// Property 1b: the JSON entry points give the bytes of the typed one.
    #[test]
    fn json_entry_point_agrees(case in any_case()) {
        let json = nettx::evaluate(&case).to_json();
        prop_assert_eq!(nettx::evaluate_json(&case.to_json()), Ok(json.clone()));
        prop_assert_eq!(
            nettx::evaluate_json_bytes(case.to_json().as_bytes()),
            Ok(json)
        );
    }

    /// Property 2: citations. Every recommendation but the referral cites
    /// statements of the source (and exactly those of the code table); the
    /// referral cites what its table entry says (nothing); each warning
    /// cites the references of the warnings table; everything cited exists.
    #[test]
    fn citations_follow_the_tables(case in any_case()) {
        let e = nettx::evaluate(&case);
        for r in e.recommendations() {
            let sources = r.sources();
            if r.code() == Code::MultidisciplinaryReview {
                prop_assert_eq!(sources, &*Code::MultidisciplinaryReview.spec().sources);
            } else {
                prop_assert!(!sources.is_empty(), "{} cites nothing", r.code());
                prop_assert!(
                    sources.iter().all(|s| s.is_statement()),
                    "{} cites a reference, not a statement: {:?}", r.code(), sources
                );
            }
            let expected = CODE_TABLE
                .iter()
                .find(|(name, _)| *name == r.code().as_str())
                .map(|(_, s)| s.to_vec());
            prop_assert_eq!(Some(names(sources)), expected, "sources of {}", r.code());
        }
        for w in e.warnings() {
            prop_assert_eq!(w.sources(), &*w.spec().sources);
            let expected = WARNING_TABLE
                .iter()
                .find(|(name, _)| *name == w.as_str())
                .map(|(_, s)| s.to_vec());
            prop_assert_eq!(Some(names(w.sources())), expected, "sources of {}", w);
        }
        // The same in the serialized output, and every cited ID exists.
        let v = parse(&e.to_json())?;
        let known: Vec<&str> = SOURCES.iter().map(|s| s.id.as_str()).collect();
        for (key, table) in [("recommendations", CODE_TABLE), ("warnings", WARNING_TABLE)] {
            for item in array(&v, key)? {
                let code = item["code"].as_str().unwrap_or_default();
                let cited = strings(&item["sources"]);
                let expected = table.iter().find(|(n, _)| *n == code).map(|(_, s)| s.to_vec());
                prop_assert_eq!(
                    Some(cited.iter().map(String::as_str).collect::<Vec<_>>()),
                    expected,
                    "{} in {}", code, key
                );
                for s in &cited {
                    prop_assert!(known.contains(&s.as_str()), "{} cited by {} is not in SOURCES", s, code);
                }
            }
        }
    }

    /// Property 3: jejunum and ileum never get local excision (S5); in scope,
    /// localized and without a complication they get the resection with the
    /// mesentery.
    #[test]
    fn jejunum_ileum_never_local_excision(
        case in built(facts_with(select(&[Site::Jejunum, Site::Ileum][..]), opt_of(Histology::ALL)))
    ) {
        let e = nettx::evaluate(&case);
        prop_assert!(!e.recommends(Code::LocalExcision));
        if e.in_scope()
            && e.disease_state() == DiseaseState::Localized
            && case.complications().is_empty()
        {
            prop_assert!(e
                .preferred()
                .any(|r| r.code() == Code::SmallBowelResectionWithMesentery));
        }
    }

    /// Property 4: unknown metastatic status never gets an operation on the
    /// primary (only the urgent resection of step 2) and, in scope, always
    /// gets COMPLETE_STAGING.
    #[test]
    fn undetermined_disease_is_staged_not_operated(case in undetermined_case()) {
        let e = nettx::evaluate(&case);
        prop_assert_eq!(e.disease_state(), DiseaseState::Undetermined);
        for code in OPERATIONS_ON_PRIMARY {
            prop_assert!(!e.recommends(*code), "{} for undetermined disease", code);
        }
        if e.in_scope() {
            prop_assert!(e.preferred().any(|r| r.code() == Code::CompleteStaging));
        }
    }

    /// Property 4b: disease_state is what step 0 infers, for every case.
    #[test]
    fn disease_state_follows_step_0(case in any_case()) {
        let e = nettx::evaluate(&case);
        prop_assert_eq!(e.disease_state(), expected_state(&case));
        if e.disease_state() == DiseaseState::Undetermined {
            for code in OPERATIONS_ON_PRIMARY {
                prop_assert!(!e.recommends(*code));
            }
            prop_assert_eq!(e.recommends(Code::CompleteStaging), e.in_scope());
        }
    }

    /// Property 5: out of scope, only a multidisciplinary review (urgent iff
    /// there is a complication), no goals, warnings or missing data.
    #[test]
    fn out_of_scope_is_referred(case in out_of_scope_case()) {
        let e = nettx::evaluate(&case);
        prop_assert!(!e.in_scope());
        prop_assert_eq!(e.recommendations().len(), 1);
        let r = e.recommendations()[0];
        prop_assert_eq!(r.code(), Code::MultidisciplinaryReview);
        prop_assert_eq!(r.strength(), Strength::Preferred);
        let urgency = if case.complications().is_empty() {
            Urgency::Elective
        } else {
            Urgency::Urgent
        };
        prop_assert_eq!(r.urgency(), urgency);
        prop_assert_eq!(e.goals().count(), 0);
        prop_assert_eq!(e.warnings().count(), 0);
        prop_assert_eq!(e.missing().count(), 0);
        prop_assert_eq!(e.disease_state(), expected_state(&case));
        let v = parse(&e.to_json())?;
        prop_assert_eq!(&v["in_scope"], &Value::Bool(false));
        prop_assert!(array(&v, "goals")?.is_empty());
        prop_assert!(array(&v, "warnings")?.is_empty());
        prop_assert!(array(&v, "missing")?.is_empty());
    }

    /// Property 5b: in_scope is exactly "not excluded by step 1".
    #[test]
    fn scope_follows_step_1(case in any_case()) {
        prop_assert_eq!(nettx::evaluate(&case).in_scope(), !excluded(&case));
    }

    /// Property 6: the urgent segmental resection appears exactly for an
    /// in-scope case with a complication, and then comes first.
    #[test]
    fn urgent_resection_exactly_for_complications(case in any_case()) {
        let e = nettx::evaluate(&case);
        let expected = e.in_scope() && !case.complications().is_empty();
        prop_assert_eq!(e.recommends(Code::UrgentSegmentalResection), expected);
        if expected {
            let first = e.recommendations()[0];
            prop_assert_eq!(first.code(), Code::UrgentSegmentalResection);
            prop_assert_eq!(first.strength(), Strength::Preferred);
            prop_assert_eq!(first.urgency(), Urgency::Urgent);
        }
    }

    /// Property 7: every in-scope evaluation has a preferred recommendation.
    #[test]
    fn in_scope_has_a_preferred_recommendation(case in in_scope_case()) {
        let e = nettx::evaluate(&case);
        prop_assert!(e.in_scope());
        prop_assert!(e.preferred().count() >= 1, "nothing preferred: {:?}", e.recommendations());
    }

    /// Property 8: output order. Recommendations by (urgency, strength, code
    /// table order) with no code twice; only the urgent resection and an
    /// out-of-scope referral with a complication are urgent; missing fields,
    /// warnings and goals in their table orders without repeats. Checked on
    /// the serialized output, which is what callers see.
    #[test]
    fn output_is_ordered(case in any_case()) {
        let e = nettx::evaluate(&case);
        let recs = e.recommendations();
        let key = |r: &nettx::Recommendation| {
            (urgency_rank(r.urgency()), strength_rank(r.strength()), code_rank(r.code()))
        };
        for pair in recs.windows(2) {
            prop_assert!(key(&pair[0]) <= key(&pair[1]), "out of order: {:?}", recs);
        }
        let distinct: BTreeSet<Code> = recs.iter().map(|r| r.code()).collect();
        prop_assert_eq!(distinct.len(), recs.len(), "a code twice: {:?}", recs);
        for r in recs {
            if r.urgency() == Urgency::Urgent {
                prop_assert!(
                    r.code() == Code::UrgentSegmentalResection
                        || (r.code() == Code::MultidisciplinaryReview && !e.in_scope()),
                    "{} is urgent", r.code()
                );
            }
        }

        let v = parse(&e.to_json())?;
        let json_recs = array(&v, "recommendations")?;
        prop_assert_eq!(json_recs.len(), recs.len());
        for (j, r) in json_recs.iter().zip(recs) {
            prop_assert_eq!(j["code"].as_str(), Some(r.code().as_str()));
            prop_assert_eq!(j["strength"].as_str(), Some(r.strength().as_str()));
            prop_assert_eq!(j["urgency"].as_str(), Some(r.urgency().as_str()));
        }
        let ranked = |names: Vec<String>, table: &[&str]| -> Result<Vec<usize>, TestCaseError> {
            names
                .iter()
                .map(|n| position(table, n).ok_or_else(|| fail(format!("{n} is not in its table"))))
                .collect()
        };
        let missing: Vec<String> = array(&v, "missing")?
            .iter()
            .map(|m| m["field"].as_str().unwrap_or_default().to_owned())
            .collect();
        let warns: Vec<String> = array(&v, "warnings")?
            .iter()
            .map(|w| w["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        let warning_names: Vec<&str> = WARNING_TABLE.iter().map(|(n, _)| *n).collect();
        for (what, ranks) in [
            ("missing", ranked(missing, MISSING_ORDER)?),
            ("warnings", ranked(warns, &warning_names)?),
            ("goals", ranked(strings(&v["goals"]), GOAL_ORDER)?),
        ] {
            prop_assert!(
                ranks.windows(2).all(|p| p[0] < p[1]),
                "{} out of order or repeated: {:?}", what, ranks
            );
        }
    }

    /// Property 10: a case survives JSON, both through the library's own
    /// reader and through serde, and through its builder.
    #[test]
    fn case_round_trips(case in any_case()) {
        let json = case.to_json();
        prop_assert_eq!(Case::from_json(&json), Ok(case.clone()), "via {}", json);
        let text = serde_json::to_string(&case).map_err(fail)?;
        prop_assert_eq!(&text, &json);
        let back: Case = serde_json::from_str(&text).map_err(fail)?;
        prop_assert_eq!(back, case.clone());
        prop_assert_eq!(case.to_builder().build(), Ok(case.clone()));
    }

    /// Property 11: missing lists only fields that are unknown after step 0
    /// (or primary_site when unspecified), never histology; conversely, an
    /// in-scope unknown syndrome or metastatic status is always listed.
    #[test]
    fn missing_only_lists_unknowns(case in any_case()) {
        let e = nettx::evaluate(&case);
        let inf = infer(&case);
        let missing = missing_fields(&e);
        for field in &missing {
            let unknown = match field {
                Field::PrimarySite => case.primary_site() == Site::SmallIntestineUnspecified,
                Field::TumorSizeCm => case.tumor_size_cm().is_none(),
                Field::LocalSpread => case.local_spread().is_none(),
                Field::Metastatic => inf.metastatic.is_none(),
                Field::ExtrahepaticMetastases => inf.extrahepatic.is_none(),
                Field::MetastasesResectable => case.metastases_resectable().is_none(),
                Field::CarcinoidSyndrome => inf.syndrome.is_none(),
                Field::SsaResponse => case.ssa_response().is_none(),
                _ => false,
            };
            prop_assert!(unknown, "{} listed missing but known: {:?}", field, case);
        }
        prop_assert!(!missing.contains(&Field::Histology));
        if e.in_scope() {
            prop_assert_eq!(missing.contains(&Field::CarcinoidSyndrome), inf.syndrome.is_none());
            prop_assert_eq!(missing.contains(&Field::Metastatic), inf.metastatic.is_none());
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 9: each field in missing matters. For every missing field F
    /// some filling of the other missing fields exists under which giving F
    /// a value changes the set of recommendation codes or of warnings.
    #[test]
    fn each_missing_field_matters(case in in_scope_case()) {
        let e = nettx::evaluate(&case);
        let missing = missing_fields(&e);
        for &field in &missing {
            prop_assert!(
                field_matters(&case, &missing, field)?,
                "{} is listed missing (of {:?}) but no value of it changes the outcome: {}",
                field, missing, case.to_json()
            );
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Properties 1b and 10 over every double in range: the shortest form
    /// written must read back to the same double (this needs serde_json's
    /// `float_roundtrip`; without it some 16–17-digit sizes, e.g.
    /// 0.9806700847983829, read back one step off and change the digest).
    #[test]
    fn json_reads_back_every_double(case in any_case()) {
        prop_assert_eq!(Case::from_json(&case.to_json()), Ok(case.clone()));
        let back: Case = serde_json::from_str(&case.to_json()).map_err(fail)?;
        prop_assert_eq!(back, case.clone());
        prop_assert_eq!(
            nettx::evaluate_json(&case.to_json()),
            Ok(nettx::evaluate(&case).to_json())
        );
    }
}

// ---------------------------------------------------------------------------
// Plain tests: the tables, and the step-0 inferences through the public API
// ---------------------------------------------------------------------------

fn trace_fired(e: &Evaluation, rule: RuleId) -> Option<bool> {
    e.trace()
        .iter()
        .find(|t| t.rule() == rule)
        .map(|t| t.fired())
}

fn build(b: CaseBuilder) -> Case {
    b.build()
        .unwrap_or_else(|err| panic!("case rejected: {err}"))
}

#[test]
fn tables_match_the_spec_copies() {
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let table: Vec<&str> = CODE_TABLE.iter().map(|(n, _)| *n).collect();
    assert_eq!(codes, table);
    let warns: Vec<&str> = WarningCode::ALL.iter().map(|w| w.as_str()).collect();
    let table: Vec<&str> = WARNING_TABLE.iter().map(|(n, _)| *n).collect();
    assert_eq!(warns, table);
    let goals: Vec<&str> = Goal::ALL.iter().map(|g| g.as_str()).collect();
    assert_eq!(goals, GOAL_ORDER);
    let ids: Vec<Source> = SOURCES.iter().map(|s| s.id).collect();
    assert_eq!(ids, Source::ALL);
}

#[test]
fn hepatic_metastases_imply_metastatic() {
    let case = build(Case::builder(Site::Ileum).hepatic_metastases(true));
    let e = nettx::evaluate(&case);
    assert_eq!(e.disease_state(), DiseaseState::Metastatic);
    assert_eq!(trace_fired(&e, RuleId::InferMetastaticFromSite), Some(true));
    assert_eq!(
        RuleId::InferMetastaticFromSite.as_str(),
        "infer.metastatic_from_site"
    );
    assert!(!missing_fields(&e).contains(&Field::Metastatic));
    assert!(e.goals().any(|g| g == Goal::TumorGrowthControl));
    assert!(!e.recommends(Code::CompleteStaging));
}

#[test]
fn extrahepatic_metastases_imply_metastatic_and_unresectable() {
    let case = build(
        Case::builder(Site::Colon)
            .extrahepatic_metastases(true)
            .carcinoid_syndrome(false),
    );
    let e = nettx::evaluate(&case);
    assert_eq!(e.disease_state(), DiseaseState::Metastatic);
    assert_eq!(trace_fired(&e, RuleId::InferMetastaticFromSite), Some(true));
    // Extrahepatic disease is unresectable in step 4: referral, with R6's warning.
    assert!(e.recommends(Code::MultidisciplinaryReview));
    assert!(!e.recommends(Code::AssessResectability));
    assert!(e
        .warnings()
        .any(|w| w == WarningCode::AntiproliferativeSsaNotCovered));
}

#[test]
fn metastatic_with_one_site_false_infers_the_other() {
    // Liver free: the metastases are extrahepatic, so not resectable by S9.
    let case = build(
        Case::builder(Site::Ileum)
            .metastatic(true)
            .hepatic_metastases(false)
            .metastases_resectable(true)
            .carcinoid_syndrome(true)
            .ssa_response(SsaResponse::NotStarted),
    );
    let e = nettx::evaluate(&case);
    assert_eq!(trace_fired(&e, RuleId::InferOtherSite), Some(true));
    assert!(!missing_fields(&e).contains(&Field::ExtrahepaticMetastases));
    assert!(!e.recommends(Code::CytoreductiveSurgery));
    assert!(e.preferred().any(|r| r.code() == Code::SomatostatinAnalog));

    // Nothing outside the liver: the metastases are hepatic and resectable.
    let case = build(
        Case::builder(Site::Ileum)
            .metastatic(true)
            .extrahepatic_metastases(false)
            .metastases_resectable(true)
            .carcinoid_syndrome(false),
    );
    let e = nettx::evaluate(&case);
    assert_eq!(trace_fired(&e, RuleId::InferOtherSite), Some(true));
    assert!(e.recommends(Code::CytoreductiveSurgery));
    assert!(e.recommends(Code::LiverResection));
}

#[test]
fn both_sites_false_imply_localized() {
    let case = build(
        Case::builder(Site::Jejunum)
            .hepatic_metastases(false)
            .extrahepatic_metastases(false)
            .carcinoid_syndrome(false),
    );
    let e = nettx::evaluate(&case);
    assert_eq!(e.disease_state(), DiseaseState::Localized);
    assert_eq!(trace_fired(&e, RuleId::InferLocalizedFromSites), Some(true));
    assert_eq!(trace_fired(&e, RuleId::InferSitesFromLocalized), Some(true));
    assert!(e.recommends(Code::SmallBowelResectionWithMesentery));
    assert!(e.goals().any(|g| g == Goal::Cure));
    assert!(missing_fields(&e).is_empty());
}

#[test]
fn localized_implies_no_metastasis_sites() {
    let case = build(Case::builder(Site::Rectum).metastatic(false));
    let e = nettx::evaluate(&case);
    assert_eq!(e.disease_state(), DiseaseState::Localized);
    assert_eq!(trace_fired(&e, RuleId::InferSitesFromLocalized), Some(true));
    assert_eq!(
        trace_fired(&e, RuleId::InferMetastaticFromSite),
        Some(false)
    );
    assert_eq!(
        trace_fired(&e, RuleId::InferLocalizedFromSites),
        Some(false)
    );
}

#[test]
fn ssa_response_implies_syndrome() {
    for response in [SsaResponse::Controlled, SsaResponse::SymptomsWorsening] {
        let case = build(
            Case::builder(Site::Ileum)
                .metastatic(true)
                .ssa_response(response),
        );
        let e = nettx::evaluate(&case);
        assert_eq!(
            trace_fired(&e, RuleId::InferSyndromeFromSsaResponse),
            Some(true)
        );
        let goals: Vec<Goal> = e.goals().collect();
        assert!(goals.contains(&Goal::BiochemicalControl), "{goals:?}");
        assert!(goals.contains(&Goal::SymptomControl), "{goals:?}");
        assert!(!missing_fields(&e).contains(&Field::CarcinoidSyndrome));
        assert!(e.recommends(Code::SomatostatinAnalog));
    }
    for response in [SsaResponse::NotStarted, SsaResponse::Intolerant] {
        let case = build(
            Case::builder(Site::Ileum)
                .metastatic(true)
                .ssa_response(response),
        );
        let e = nettx::evaluate(&case);
        assert_eq!(
            trace_fired(&e, RuleId::InferSyndromeFromSsaResponse),
            Some(false)
        );
        assert!(missing_fields(&e).contains(&Field::CarcinoidSyndrome));
        assert!(!e.goals().any(|g| g == Goal::BiochemicalControl));
    }
}

#[test]
fn nothing_known_infers_nothing() {
    let case = build(Case::builder(Site::Duodenum));
    let e = nettx::evaluate(&case);
    for rule in [
        RuleId::InferMetastaticFromSite,
        RuleId::InferOtherSite,
        RuleId::InferLocalizedFromSites,
        RuleId::InferSitesFromLocalized,
        RuleId::InferSyndromeFromSsaResponse,
    ] {
        assert_eq!(trace_fired(&e, rule), Some(false), "{rule}");
    }
    assert_eq!(e.disease_state(), DiseaseState::Undetermined);
    assert_eq!(
        missing_fields(&e),
        [Field::Metastatic, Field::CarcinoidSyndrome]
    );
    assert!(e.warnings().any(|w| w == WarningCode::HistologyAssumed));
}

#[test]
fn contradictions_are_rejected() {
    let cases = [
        (
            Case::builder(Site::Ileum)
                .metastatic(false)
                .hepatic_metastases(true),
            "metastatic",
        ),
        (
            Case::builder(Site::Ileum)
                .metastatic(true)
                .hepatic_metastases(false)
                .extrahepatic_metastases(false),
            "metastatic",
        ),
        (
            Case::builder(Site::Ileum)
                .carcinoid_syndrome(false)
                .ssa_response(SsaResponse::Controlled),
            "ssa_response",
        ),
    ];
    for (builder, field) in cases {
        let err = builder
            .build()
            .err()
            .map(|e| (e.kind(), e.field_name().map(str::to_owned)));
        assert_eq!(
            err,
            Some((ErrorKind::Contradiction, Some(field.to_owned())))
        );
    }
}

/// The case that once failed `json_reads_back_every_double`, as a plain
/// regression test (interface.md: numbers are written "in the shortest form
/// that reads back to the same double").
#[test]
fn shortest_form_size_reads_back() {
    let size = 0.980_670_084_798_382_9_f64;
    let case = build(Case::builder(Site::Duodenum).tumor_size_cm(size));
    let json = case.to_json();
    assert_eq!(
        json,
        r#"{"primary_site":"duodenum","tumor_size_cm":0.9806700847983829}"#
    );
    let back = Case::from_json(&json).map(|c| c.tumor_size_cm());
    assert_eq!(back, Ok(Some(size)));
}

// ---------------------------------------------------------------------------
// The invariants of guideline 1.1.0 (rules.md, "Changes in 1.1.0")
// ---------------------------------------------------------------------------

/// The elective abdominal operations that can carry `SSA_GALLSTONES`.
const ELECTIVE_ABDOMINAL: &[Code] = &[
    Code::SmallBowelResectionWithMesentery,
    Code::PartialColectomyWithLymphadenectomy,
    Code::OncologicResection,
    Code::CytoreductiveSurgery,
    Code::LiverResection,
];

proptest! {
    #![proptest_config(config(2048))]

    /// 1.1.0, change 1: in metastatic disease with symptoms worsening on an
    /// SSA, everolimus is never above `option`, and the SSA is never demoted
    /// below the strength the guideline gives it elsewhere (`preferred`).
    #[test]
    fn worsening_symptoms_never_promote_everolimus(case in any_case()) {
        let e = nettx::evaluate(&case);
        if e.disease_state() == DiseaseState::Metastatic
            && case.ssa_response() == Some(SsaResponse::SymptomsWorsening)
        {
            for r in e.recommendations() {
                if r.code() == Code::Everolimus {
                    prop_assert_eq!(r.strength(), Strength::Option);
                }
                if r.code() == Code::SomatostatinAnalog {
                    prop_assert_eq!(r.strength(), Strength::Preferred);
                }
            }
            if e.in_scope() {
                prop_assert!(e.warnings().any(|w| w == WarningCode::RefractorySyndromeOptions));
            }
        }
    }

    /// 1.1.0, change 6: every operation in a case whose syndrome is not known
    /// to be absent carries the crisis warning (as does one with liver
    /// metastases).
    #[test]
    fn operations_without_known_absent_syndrome_carry_the_crisis_warning(case in any_case()) {
        let e = nettx::evaluate(&case);
        let surgery = e.recommendations().iter().any(|r| r.category() == Category::Surgery);
        let crisis = e.warnings().any(|w| w == WarningCode::CarcinoidCrisisRisk);
        if e.in_scope() && surgery && case.carcinoid_syndrome() != Some(false) {
            prop_assert!(crisis, "operation without the crisis warning");
        }
        if crisis {
            prop_assert!(surgery, "crisis warning without an operation");
        }
    }

    /// 1.1.0, change 7: no `SSA_GALLSTONES` without an elective abdominal
    /// operation (a local excision or the urgent resection alone never
    /// carries it).
    #[test]
    fn gallstones_only_with_an_elective_abdominal_operation(case in any_case()) {
        let e = nettx::evaluate(&case);
        if e.warnings().any(|w| w == WarningCode::SsaGallstones) {
            prop_assert!(
                e.recommendations().iter().any(|r| ELECTIVE_ABDOMINAL.contains(&r.code())
                    && r.urgency() == Urgency::Elective),
                "gallstone warning without an elective abdominal operation"
            );
        }
    }

    /// 1.1.0, change 5: the urgent resection names the hazard of each
    /// complication it treats, and those warnings never appear without it.
    #[test]
    fn complication_hazards_stand_beside_the_urgent_resection(case in any_case()) {
        let e = nettx::evaluate(&case);
        let urgent = e.recommends(Code::UrgentSegmentalResection);
        for (complication, warning) in [
            (Complication::Bleeding, WarningCode::BleedingHaemostasisFirst),
            (Complication::Perforation, WarningCode::PerforationContamination),
        ] {
            let raised = e.warnings().any(|w| w == warning);
            prop_assert_eq!(raised, urgent && case.complications().contains(complication));
        }
    }
}
