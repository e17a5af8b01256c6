//! The atomic conditions of the graph as bits: what the facts are (64 bits)
//! and what has been recommended (64 bits). A compiled condition tests these
//! bits with a few masks instead of walking its tree.

use crate::case::Facts;
use crate::knowledge::{Cond, ThresholdId};
use crate::vocab::{Category, Code, Complication, Field, Histology, Site, SsaResponse, Strength};

/// The atoms of facts and recommendations: bit `i` of the low word is fact
/// atom `i`; bit `i` of the high word is recommendation atom `i`.
pub(crate) type Bits = u128;

/// The yes/no fields, in the order of their atoms.
const FLAGS: [Field; 6] = [
    Field::LocalSpread,
    Field::Metastatic,
    Field::HepaticMetastases,
    Field::ExtrahepaticMetastases,
    Field::MetastasesResectable,
    Field::CarcinoidSyndrome,
];

// Fact atoms (low 64 bits).
const FLAG_BASE: u32 = 0; // 3 per flag: true, false, unknown (18)
const SITE_BASE: u32 = 18; // one per site (8)
const HISTOLOGY_BASE: u32 = 26; // one per value, then unknown (3)
const RESPONSE_BASE: u32 = 29; // one per value, then unknown (5)
const ANY_COMPLICATION: u32 = 34;
const COMPLICATION_BASE: u32 = 35; // one per complication (5)
const STATE_BASE: u32 = 40; // one per disease state (3)
const SIZE_UNKNOWN: u32 = 43;
const SIZE_BASE: u32 = 44; // per threshold: at most, over (2 × 2)

// Recommendation atoms (high 64 bits).
const RECOMMENDED_BASE: u32 = 64; // one per code (13)
const RECOMMENDED_AS_BASE: u32 = 64 + 13; // per code, per strength (39)
const CATEGORY_BASE: u32 = 64 + 52; // one per category (4)
const STRENGTH_BASE: u32 = 64 + 56; // one per strength (3)

// Every atom fits its word; checked when compiled.
const _: () = assert!(SIZE_BASE as usize + 2 * ThresholdId::ALL.len() <= 64);
const _: () = assert!(STRENGTH_BASE as usize + Strength::ALL.len() <= 128);
const _: () = assert!(Site::ALL.len() == 8 && Complication::ALL.len() == 5);
const _: () = assert!(Code::ALL.len() == 13 && Category::ALL.len() == 4);
const _: () = assert!(Histology::ALL.len() == 2 && SsaResponse::ALL.len() == 4);

const fn bit(atom: u32) -> Bits {
    1 << atom
}

fn flag_slot(field: Field) -> Option<u32> {
    FLAGS.iter().position(|f| *f == field).map(|i| i as u32 * 3)
}

/// The fact atoms of `facts`, with the guideline's threshold values.
pub(crate) fn fact_bits(facts: &Facts, thresholds: &[f64]) -> Bits {
    let mut bits: Bits = 0;
    for (i, field) in FLAGS.iter().enumerate() {
        let offset = match facts.flag(*field) {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        };
        bits |= bit(FLAG_BASE + i as u32 * 3 + offset);
    }
    bits |= bit(SITE_BASE + facts.site.index() as u32);
    bits |= bit(HISTOLOGY_BASE + facts.histology.map_or(2, |h| h.index() as u32));
    bits |= bit(RESPONSE_BASE + facts.ssa_response.map_or(4, |r| r.index() as u32));
    if !facts.complications.is_empty() {
        bits |= bit(ANY_COMPLICATION);
    }
    for c in facts.complications.iter() {
        bits |= bit(COMPLICATION_BASE + c.index() as u32);
    }
    bits |= bit(STATE_BASE + facts.disease_state().index() as u32);
    match facts.size_cm {
        None => bits |= bit(SIZE_UNKNOWN),
        Some(size) => {
            for (t, value) in thresholds.iter().enumerate() {
                // A NaN threshold (absent from the table) passes neither test.
                if size <= *value {
                    bits |= bit(SIZE_BASE + 2 * t as u32);
                }
                if size > *value {
                    bits |= bit(SIZE_BASE + 2 * t as u32 + 1);
                }
            }
        }
    }
    bits
}

/// `bits` after the yes/no fact `field` changed to its value in `facts`:
/// only that fact's atoms (and, for `metastatic`, the disease state's).
pub(crate) fn set_flag_bits(bits: Bits, facts: &Facts, field: Field) -> Bits {
    let Some(slot) = flag_slot(field) else {
        return bits;
    };
    let offset = match facts.flag(field) {
        Some(true) => 0,
        Some(false) => 1,
        None => 2,
    };
    let mut bits = bits & !(0b111 << (FLAG_BASE + slot)) | bit(FLAG_BASE + slot + offset);
    if field == Field::Metastatic {
        bits &= !(0b111 << STATE_BASE);
        bits |= bit(STATE_BASE + facts.disease_state().index() as u32);
    }
    bits
}

/// The recommendation atoms of the recommendations made so far, given as
/// code and strength; `categories` is the category of each code, by code.
pub(crate) fn recommendation_bits(
    recs: impl Iterator<Item = (Code, Strength)>,
    categories: &[Category],
) -> Bits {
    let mut bits: Bits = 0;
    for (code, strength) in recs {
        let code = code.index() as u32;
        bits |= bit(RECOMMENDED_BASE + code);
        bits |= bit(RECOMMENDED_AS_BASE + code * 3 + strength.index() as u32);
        if let Some(category) = categories.get(code as usize) {
            bits |= bit(CATEGORY_BASE + category.index() as u32);
        }
        bits |= bit(STRENGTH_BASE + strength.index() as u32);
    }
    bits
}

/// The atoms of which at least one must hold for an atomic condition to
/// hold (an empty set: it never holds). `None` for a condition that is not
/// atomic (`always`, `all`, `any`, `none_of`).
pub(crate) fn atoms(cond: &Cond) -> Option<Bits> {
    Some(match cond {
        Cond::Always | Cond::All(_) | Cond::Any(_) | Cond::NoneOf(_) => return None,
        Cond::Unknown(field) => match (field, flag_slot(*field)) {
            (_, Some(slot)) => bit(FLAG_BASE + slot + 2),
            (Field::Histology, _) => bit(HISTOLOGY_BASE + 2),
            (Field::SsaResponse, _) => bit(RESPONSE_BASE + 4),
            (Field::TumorSizeCm, _) => bit(SIZE_UNKNOWN),
            // primary_site and complications are never unknown.
            _ => 0,
        },
        Cond::Is { field, value } => match flag_slot(*field) {
            Some(slot) => bit(FLAG_BASE + slot + u32::from(!*value)),
            None => 0,
        },
        Cond::SiteIn(sites) => sites
            .iter()
            .fold(0, |b, s| b | bit(SITE_BASE + s.index() as u32)),
        Cond::HistologyIs(h) => bit(HISTOLOGY_BASE + h.index() as u32),
        Cond::SsaResponseIn(responses) => responses
            .iter()
            .fold(0, |b, r| b | bit(RESPONSE_BASE + r.index() as u32)),
        Cond::SizeAtMost(t) => bit(SIZE_BASE + 2 * t.index() as u32),
        Cond::SizeOver(t) => bit(SIZE_BASE + 2 * t.index() as u32 + 1),
        Cond::AnyComplication => bit(ANY_COMPLICATION),
        Cond::HasComplication(c) => bit(COMPLICATION_BASE + c.index() as u32),
        Cond::DiseaseState(s) => bit(STATE_BASE + s.index() as u32),
        Cond::Recommended(code) => bit(RECOMMENDED_BASE + code.index() as u32),
        Cond::RecommendedAs { code, strength } => {
            bit(RECOMMENDED_AS_BASE + code.index() as u32 * 3 + strength.index() as u32)
        }
        Cond::CategoryRecommended(c) => bit(CATEGORY_BASE + c.index() as u32),
        Cond::StrengthRecommended(s) => bit(STRENGTH_BASE + s.index() as u32),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Guideline;

    /// Every value a yes/no fact can take, for each of the six.
    #[allow(clippy::panic, reason = "a failed test panics")]
    fn flag_values() -> Vec<Facts> {
        let base = crate::Case::builder(Site::Ileum)
            .build()
            .map(|c| c.facts)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        for field in FLAGS {
            for value in [None, Some(true), Some(false)] {
                let mut f = base;
                if let Some(v) = value {
                    f.set_flag(field, v);
                }
                out.push(f);
            }
        }
        out
    }

    /// Changing one yes/no fact by `set_flag_bits` gives the bits computed
    /// afresh, whatever the fact was before.
    #[test]
    fn a_changed_flag_updates_exactly_its_atoms() {
        let thresholds = [1.0, 2.0];
        for before in flag_values() {
            for field in FLAGS {
                for value in [true, false] {
                    let mut after = before;
                    after.set_flag(field, value);
                    let updated = set_flag_bits(fact_bits(&before, &thresholds), &after, field);
                    assert_eq!(
                        updated,
                        fact_bits(&after, &thresholds),
                        "{field} := {value}"
                    );
                }
            }
        }
    }

    /// The recommendation atoms that conditions test are the ones a
    /// recommendation sets, for every code and strength.
    #[test]
    fn recommendation_atoms_agree_with_conditions() {
        let g = Guideline::builtin();
        for code in Code::ALL {
            for strength in Strength::ALL {
                let bits = recommendation_bits([(*code, *strength)].into_iter(), g.categories());
                let category = code.spec().category;
                for (cond, holds) in [
                    (Cond::Recommended(*code), true),
                    (
                        Cond::RecommendedAs {
                            code: *code,
                            strength: *strength,
                        },
                        true,
                    ),
                    (Cond::CategoryRecommended(category), true),
                    (Cond::StrengthRecommended(*strength), true),
                ] {
                    let atom = atoms(&cond).unwrap_or(0);
                    assert_eq!(bits & atom != 0, holds, "{cond:?}");
                }
                // Exactly one atom of each of the four kinds is set.
                assert_eq!(bits.count_ones(), 4, "{code} {strength}");
            }
        }
    }
}
