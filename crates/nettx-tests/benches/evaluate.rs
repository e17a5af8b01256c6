//! Speed of the engine: typed `evaluate` (with missing data and warnings;
//! its trace, written on demand, read or not) and the `evaluate_json` round
//! trip, over the conformance cases;
//! and the pathway diagram of one case in each format.
//! Run with `cargo bench -p nettx-tests`; figures go to BENCHMARKS.md.

// The criterion macros generate undocumented items.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;

fn load_cases() -> (Vec<String>, Vec<String>) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("conformance file");
        serde_json::from_str(&text).expect("json")
    };
    let examples: Vec<String> = read("guideline-examples.json")
        .as_array()
        .expect("examples")
        .iter()
        .map(|c| c["case"].to_string())
        .collect();
    let own: Vec<String> = read("cases.json")["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"].to_string())
        .collect();
    (examples, own)
}

fn benches(c: &mut Criterion) {
    let (examples, own) = load_cases();
    let all: Vec<nettx::Case> = examples
        .iter()
        .chain(&own)
        .map(|j| nettx::Case::from_json(j).expect("valid case"))
        .collect();

    let mut group = c.benchmark_group("typed");
    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function("evaluate/all-conformance-cases", |b| {
        b.iter(|| {
            for case in &all {
                black_box(nettx::evaluate(black_box(case)));
            }
        })
    });
    group.bench_function("evaluate+trace/all-conformance-cases", |b| {
        b.iter(|| {
            for case in &all {
                black_box(nettx::evaluate(black_box(case)).trace().len());
            }
        })
    });
    group.bench_function("evaluate+case_digest/all-conformance-cases", |b| {
        b.iter(|| {
            for case in &all {
                black_box(nettx::evaluate(black_box(case)).case_digest());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("json");
    group.throughput(Throughput::Elements(examples.len() as u64));
    group.bench_function("evaluate_json/guideline-examples", |b| {
        b.iter(|| {
            for text in &examples {
                black_box(nettx::evaluate_json(black_box(text)).expect("ok"));
            }
        })
    });
    group.bench_function("parse-only/guideline-examples", |b| {
        b.iter(|| {
            for text in &examples {
                black_box(nettx::Case::from_json(black_box(text)).expect("ok"));
            }
        })
    });
    group.finish();

    // The pathway of one case (the walk recorded again, then laid out).
    let case = &all[examples.len()];
    let evaluation = nettx::evaluate(case);
    let mut group = c.benchmark_group("pathway");
    for format in nettx::pathway::PathwayFormat::ALL {
        group.bench_function(format!("one-case/{format}"), |b| {
            b.iter(|| {
                black_box(
                    nettx::pathway::Pathway::of(black_box(&evaluation))
                        .render(*format)
                        .expect("renders"),
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = evaluate;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(evaluate);
