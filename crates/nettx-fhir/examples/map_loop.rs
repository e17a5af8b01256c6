//! Maps and evaluates one FHIR record in a loop (a load for profilers):
//! `cargo run --release -p nettx-fhir --example map_loop -- RECORD 20000`.
//! Write the benchmark's 50-resource record with
//! `NETTX_FHIR_BENCH_RECORD=/tmp/fhir50.json cargo bench -p nettx-fhir --bench map_evaluate`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: map_loop RECORD [ROUNDS]")?;
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let record = std::fs::read_to_string(path)?;
    let start = std::time::Instant::now();
    let mut recommendations = 0usize;
    for _ in 0..rounds {
        let mapped = nettx_fhir::map_record(std::hint::black_box(&record))?;
        recommendations += nettx::evaluate(mapped.case()).recommendations().len();
    }
    let per = start.elapsed().as_nanos() as f64 / rounds as f64 / 1000.0;
    println!("{per:.1} µs per map + evaluate ({recommendations} recommendations)");
    Ok(())
}
