//! `choose` against the rule written plainly (a candidate wins when no
//! other outranks it), over candidates whose dates mix precisions, where
//! "equal at the coarser precision" is not transitive.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::{choose, rank, Cand};
use crate::date::Date;
use nettx::Field;
use std::cmp::Ordering;

fn plain_winners(cands: &[Cand<u8>]) -> Vec<usize> {
    let mut out: Vec<usize> = cands
        .iter()
        .filter(|c| !cands.iter().any(|d| rank(d, c) == Ordering::Greater))
        .map(|c| c.pos)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn choose_picks_the_candidates_no_other_outranks() {
    let dates = [
        None,
        Some("2024"),
        Some("2024-03"),
        Some("2024-05"),
        Some("2024-03-05"),
        Some("2023"),
        Some("2024-03-05T10:00:00Z"),
    ];
    // A small deterministic generator (no dependencies).
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n) as usize
    };
    for _ in 0..3000 {
        let len = 1 + next(7);
        let cands: Vec<Cand<u8>> = (0..len)
            .map(|pos| Cand {
                pos,
                pathological: next(3) == 0,
                date: dates[next(dates.len() as u64)].and_then(Date::parse),
                value: 1,
            })
            .collect();
        let names = |p: usize| format!("Observation/{p}");
        let mut notes = Vec::new();
        let got = choose(
            &cands,
            |a, b| a == b,
            Field::TumorSizeCm,
            &names,
            &mut notes,
            |v| v.to_string(),
        )
        .unwrap()
        .map(|(_, p)| p)
        .unwrap_or_default();
        let want = plain_winners(&cands);
        assert_eq!(got, want);
        assert_eq!(notes.len(), len - want.len());
    }
}
