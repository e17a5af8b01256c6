//! What a cohort row costs at the least: the evaluation and the SHA-256 of
//! the case's canonical text, which every row of `evaluate_arrow` (and every
//! entry point) must compute, timed apart and together over the valid cases
//! of a JSON Lines file:
//! `cargo run --release -p nettx --example row_floor -- cohort.jsonl [ROUNDS]`.
//!
//! The canonical text is the case's JSON without `case_id` (what the digest
//! hashes); it is made once, before the timing, so the `sha256` line is the
//! hash alone.

use sha2::{Digest, Sha256};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: row_floor COHORT.jsonl [ROUNDS]")?;
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let text = std::fs::read_to_string(path)?;
    let mut cases = Vec::new();
    let mut canonical = Vec::new();
    for line in text.lines() {
        // The canonical text hashes no `case_id`: read each line without it.
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(object) = value.as_object_mut() {
            object.remove("case_id");
        }
        if let Ok(case) = nettx::Case::from_json(&value.to_string()) {
            canonical.push(case.to_json());
            cases.push(case);
        }
    }
    let n = cases.len().max(1) as f64;
    let bytes = canonical.iter().map(String::len).sum::<usize>() as f64 / n;
    println!(
        "{} valid cases, canonical text {bytes:.0} bytes on average",
        cases.len()
    );
    for _ in 0..rounds {
        let start = Instant::now();
        let mut recommendations = 0usize;
        for case in &cases {
            recommendations += nettx::evaluate(case).recommendations().len();
        }
        let evaluate = start.elapsed().as_nanos() as f64 / n;

        let start = Instant::now();
        let mut fold = 0u8;
        for text in &canonical {
            fold ^= Sha256::digest(text.as_bytes())[0];
        }
        let sha = start.elapsed().as_nanos() as f64 / n;

        let start = Instant::now();
        let mut digest = String::with_capacity(64);
        let mut hex = 0usize;
        for case in &cases {
            digest.clear();
            nettx::evaluate(case).write_case_digest(&mut digest);
            hex += digest.len();
        }
        let both = start.elapsed().as_nanos() as f64 / n;
        println!(
            "evaluate {evaluate:.0} ns, sha256 of the text {sha:.0} ns, \
             evaluate + write_case_digest {both:.0} ns a row \
             ({recommendations} recommendations, {fold}, {hex} hex digits)"
        );
    }
    Ok(())
}
