//! Evaluates the conformance cases in a loop (a load for profilers):
//! `cargo run --release -p nettx --example evaluate_loop -- 200000`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json"))?)?;
    let cases: Vec<nettx::Case> = doc["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| nettx::Case::from_json(&c["case"].to_string()).ok())
        .collect();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let start = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            n += std::hint::black_box(nettx::evaluate(std::hint::black_box(case)))
                .trace()
                .len();
        }
    }
    let per = start.elapsed().as_nanos() as f64 / (rounds * cases.len()) as f64;
    println!("{per:.1} ns per evaluation ({n} trace entries)");
    Ok(())
}
