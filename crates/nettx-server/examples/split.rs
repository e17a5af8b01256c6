//! Where a hook call's CPU time goes, one core, no HTTP: the service's own
//! token check (`Verifier::verify`: header, key lookup, signature, claims,
//! replay cache) for ES384 and RS384, and the work behind it (parse the
//! request, reading its prefetch as it goes, then map, evaluate, write the
//! cards as JSON).
//!
//! ```text
//! cargo run --release -p nettx-server --example split [-- CALLS]
//! ```
//!
//! The difference between these and a load run's CPU time per call is the
//! HTTP layer (hyper/axum, the middleware, the access and audit logs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nettx_server::auth::Verifier;
use nettx_server::config::{Issuer, Limits};
use nettx_server::hook::Record;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

const AUD: &str = "http://127.0.0.1:8080/cds-services/intestinal-net-treatment";
const ISS: &str = "https://ehr.test.nettx";

#[derive(serde::Serialize)]
struct Claims {
    iss: &'static str,
    sub: &'static str,
    aud: &'static str,
    exp: u64,
    iat: u64,
    jti: String,
}

fn tokens(alg: Algorithm, n: usize) -> Vec<String> {
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
    let (file, kid) = match alg {
        Algorithm::RS384 => ("rs384-private.pem", "test-rs384"),
        _ => ("es384-private.pem", "test-es384"),
    };
    let pem = std::fs::read(format!("{keys}/{file}")).expect("key");
    let key = match alg {
        Algorithm::RS384 => EncodingKey::from_rsa_pem(&pem),
        _ => EncodingKey::from_ec_pem(&pem),
    }
    .expect("key");
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    (0..n)
        .map(|i| {
            let claims = Claims {
                iss: ISS,
                sub: "split",
                aud: AUD,
                exp: now + 300,
                iat: now,
                jti: format!("{alg:?}-{i}"),
            };
            jsonwebtoken::encode(&header, &claims, &key).expect("sign")
        })
        .collect()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let client =
        nettx_server::client::build(&[], std::time::Duration::from_secs(10)).expect("client");
    let issuers = [Issuer {
        iss: ISS.into(),
        jwks_file: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys/issuer-jwks.json").into()),
        jku: vec![],
    }];
    let verifier = Verifier::new(&issuers, &Limits::default(), client.clone()).expect("verifier");
    for alg in [Algorithm::ES384, Algorithm::RS384] {
        let t = Instant::now();
        let toks = tokens(alg, n);
        let sign_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        runtime.block_on(async {
            for tok in &toks {
                let header = format!("Bearer {tok}");
                verifier.verify(Some(&header), AUD).await.expect("verifies");
            }
        });
        let us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!(
            "{alg:?}: sign {sign_us:.0} µs, verify (Verifier::verify) {us:.0} µs per token = {:.0} per second per core",
            1e6 / us
        );
    }

    // The replay memory: what a remembered token costs in time and memory
    // (iss and jti as the load generator sends them).
    let rss_kib = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0)
    };
    let remembered = 1_000_000u64;
    let mut cache = nettx_server::replay::ReplayCache::new(remembered as usize);
    let before = rss_kib();
    let t = Instant::now();
    for i in 0..remembered {
        let jti = format!("{:08x}-1f3e-4d8a-9d7e-{:012x}", i, i * 7);
        cache.remember(ISS, &jti, 1_000_000 + i, 0);
    }
    let per = t.elapsed().as_secs_f64() * 1e9 / remembered as f64;
    println!(
        "replay memory: {} tokens remembered, {:.0} ns each, VmRSS +{} KiB ({:.0} bytes per token)",
        cache.len(),
        per,
        rss_kib().saturating_sub(before),
        rss_kib().saturating_sub(before) as f64 * 1024.0 / remembered as f64
    );
    drop(cache);

    let record = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/load-record.json"
    ))
    .expect("record");
    let body = format!(
        "{{\"hook\":\"patient-view\",\"hookInstance\":\"0b6a6c52-1f3e-4d8a-9d7e-3b9f4a2e8c11\",\"fhirServer\":\"https://ehr.example.org/fhir\",\"context\":{{\"userId\":\"Practitioner/load\",\"patientId\":\"pt-load-1\"}},\"prefetch\":{}}}",
        record.trim()
    );
    let limits = Limits::default();
    let mut stages = [0f64; 4];
    let mut cards_len = 0;
    for _ in 0..n {
        let t = Instant::now();
        let mut hook = nettx_server::hook::Hook::parse(body.as_bytes(), false).expect("parses");
        let record = runtime
            .block_on(hook.record(&client, limits.max_body_bytes, limits.max_pages))
            .expect("record");
        let t1 = Instant::now();
        let mapped = match record {
            Record::Read(read) => read.map(),
            Record::Text(text) => nettx_fhir::map_record(&text),
        }
        .expect("maps");
        let t2 = Instant::now();
        let evaluation = mapped.evaluate();
        let t3 = Instant::now();
        cards_len += nettx_fhir::cds_cards(&evaluation).to_json().len();
        let t4 = Instant::now();
        for (s, d) in stages.iter_mut().zip([t1 - t, t2 - t1, t3 - t2, t4 - t3]) {
            *s += d.as_secs_f64() * 1e6;
        }
    }
    let [parse, map, eval, cards] = stages.map(|s| s / n as f64);
    println!(
        "hook body {} bytes: parse and read the prefetch {parse:.0} µs, map {map:.0} µs, evaluate {eval:.0} µs, cards JSON {cards:.0} µs ({} bytes); total {:.0} µs",
        body.len(),
        cards_len / n,
        parse + map + eval + cards
    );
}
