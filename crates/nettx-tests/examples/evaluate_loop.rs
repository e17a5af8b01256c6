//! Evaluates the conformance cases in a loop (a load for profilers):
//! `cargo run --release -p nettx-tests --example evaluate_loop -- 200000`
//! (typed), `-- 200000 trace` (typed, reading each evaluation's trace,
//! which walks the case again), `-- 200000 traced` (`evaluate_traced`, the
//! trace written during the walk, and read), `-- 200000 digest` (typed,
//! and the case digest), or `-- 20000 json` (the JSON round trip,
//! `evaluate_json`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json"))?)?;
    let texts: Vec<String> = doc["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["case"].to_string())
        .filter(|t| nettx::Case::from_json(t).is_ok())
        .collect();
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
    if std::env::args().nth(2).as_deref() == Some("json") {
        let start = std::time::Instant::now();
        let mut bytes = 0usize;
        for _ in 0..rounds {
            for text in &texts {
                bytes +=
                    nettx::evaluate_json(std::hint::black_box(text)).map_or(0, |out| out.len());
            }
        }
        let per = start.elapsed().as_nanos() as f64 / (rounds * texts.len()) as f64;
        println!("{per:.1} ns per JSON round trip ({bytes} bytes written)");
        return Ok(());
    }
    let mode = std::env::args().nth(2);
    let traced = mode.as_deref() == Some("traced");
    let digest = mode.as_deref() == Some("digest");
    let trace = traced || mode.as_deref() == Some("trace");
    let start = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            let case = std::hint::black_box(case);
            let evaluation = std::hint::black_box(if traced {
                nettx::evaluate_traced(case)
            } else {
                nettx::evaluate(case)
            });
            n += if digest {
                evaluation.case_digest().len()
            } else if trace {
                evaluation.trace().len()
            } else {
                evaluation.recommendations().len()
            };
        }
    }
    let per = start.elapsed().as_nanos() as f64 / (rounds * cases.len()) as f64;
    let what = if trace {
        "trace entries"
    } else {
        "recommendations"
    };
    println!("{per:.1} ns per evaluation ({n} {what})");
    Ok(())
}
