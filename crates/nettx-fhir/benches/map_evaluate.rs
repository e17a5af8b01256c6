//! Speed of `map_record` + `nettx::evaluate` (and the JSON of both) for a
//! record of 50 resources: a Patient, the primary, secondaries, the syndrome,
//! sizes, TNM observations and a few resources of other types.
//! Run with `cargo bench -p nettx-fhir`; figures go to BENCHMARKS.md.
//! `NETTX_FHIR_BENCH_RECORD=FILE` also writes the record to FILE.

// The criterion macros generate undocumented items.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// The 50-resource record (also used by the C and Python benchmarks' sizes).
fn record() -> String {
    let subject = r#""subject":{"reference":"Patient/pt1"}"#;
    let mut entries = vec![
        r#"{"resourceType":"Patient","id":"pt1","gender":"female","birthDate":"1958-03-14"}"#
            .to_owned(),
        format!(
            r#"{{"resourceType":"Condition","id":"p1","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}}]}},"code":{{"coding":[{{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.012"}}]}},"bodySite":[{{"coding":[{{"system":"http://snomed.info/sct","code":"34516001"}}]}}],"extension":[{{"url":"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior","valueCodeableConcept":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/icd-o-3","code":"8240/3"}}]}}}}],{subject}}}"#
        ),
        format!(
            r#"{{"resourceType":"Condition","id":"l1","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"code":{{"coding":[{{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7B.02"}}]}},{subject}}}"#
        ),
        format!(
            r#"{{"resourceType":"Condition","id":"cs","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"35868009"}}]}},{subject}}}"#
        ),
    ];
    for i in 0..20 {
        entries.push(format!(r#"{{"resourceType":"Observation","id":"s{i}","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"33728-7"}}]}},{subject},"focus":[{{"reference":"Condition/p1"}}],"effectiveDateTime":"2024-{:02}-01","valueQuantity":{{"value":{}.5,"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"}}}}"#, 1 + i % 12, 10 + i));
    }
    for i in 0..10 {
        entries.push(format!(r#"{{"resourceType":"Observation","id":"n{i}","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"21900-6"}}]}},{subject},"effectiveDateTime":"2023-{:02}-01","valueCodeableConcept":{{"coding":[{{"system":"http://cancerstaging.org","code":"pN1"}}]}}}}"#, 1 + i));
    }
    for i in 0..16 {
        entries.push(format!(r#"{{"resourceType":"Encounter","id":"e{i}","status":"finished",{subject},"class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}}}}"#));
    }
    assert_eq!(entries.len(), 50);
    let entries: Vec<String> = entries
        .into_iter()
        .map(|r| format!(r#"{{"resource":{r}}}"#))
        .collect();
    format!(
        r#"{{"resourceType":"Bundle","type":"collection","entry":[{}]}}"#,
        entries.join(",")
    )
}

fn benches(c: &mut Criterion) {
    let record = record();
    let mapped = nettx_fhir::map_record(&record).expect("the record maps");
    assert_eq!(mapped.case().tumor_size_cm(), Some(2.15));
    let mut group = c.benchmark_group("fhir_50_resources");
    println!("record: {} bytes", record.len());
    // For the C and Python timings of the same record (BENCHMARKS.md).
    if let Some(path) = std::env::var_os("NETTX_FHIR_BENCH_RECORD") {
        std::fs::write(path, &record).expect("write the record");
    }
    // The floor: serde_json reading the same text without keeping anything.
    group.bench_function("serde_json_ignored_any", |b| {
        b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&record)))
    });
    group.bench_function("map_record", |b| {
        b.iter(|| nettx_fhir::map_record(black_box(&record)))
    });
    group.bench_function("map_record+evaluate", |b| {
        b.iter(|| nettx_fhir::map_record(black_box(&record)).map(|m| nettx::evaluate(m.case())))
    });
    group.bench_function("evaluate_record_json", |b| {
        b.iter(|| nettx_fhir::evaluate_record_json(black_box(&record)))
    });
    let ev = mapped.evaluate();
    group.bench_function("cds_cards+to_json", |b| {
        b.iter(|| nettx_fhir::cds_cards(black_box(&ev)).to_json())
    });
    group.finish();
}

criterion_group!(fhir, benches);
criterion_main!(fhir);
