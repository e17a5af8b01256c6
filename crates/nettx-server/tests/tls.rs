//! TLS both ways: the service serves HTTPS with its certificate, and fetches
//! an issuer's key set from an allow-listed `jku` over HTTPS, trusting the
//! test CA through `SSL_CERT_FILE` (set before any thread starts, which is
//! why this is a test binary of its own with one test).

mod support;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::*;

#[test]
fn https_service_and_jku_key_sets() {
    // SAFETY of the environment change: this is the process's only test and
    // no other thread exists yet.
    std::env::set_var("SSL_CERT_FILE", keys().join("ca-cert.pem"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn jwks_host() -> (String, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let certs = vec![CertificateDer::from_pem_file(keys().join("tls-cert.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(keys().join("tls-key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let jwks = std::fs::read_to_string(keys().join("issuer-jwks.json")).unwrap();
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            let body = jwks.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let tls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config));
    tokio::spawn(async move {
        let _ = axum_server::from_tcp_rustls(listener, tls)
            .serve(app.into_make_service())
            .await;
    });
    (format!("https://localhost:{port}/jwks.json"), fetches)
}

async fn run() {
    let (jku, fetches) = jwks_host().await;
    let dir = temp_dir("tls");
    let mut config = config(&dir, true);
    // The issuer's keys only at its jku (no file).
    config.issuers[0].jwks_file = None;
    config.issuers[0].jku = vec![jku.clone()];
    config.tls = Some(nettx_server::config::Tls {
        cert: keys().join("tls-cert.pem"),
        key: keys().join("tls-key.pem"),
    });
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    config.listen = format!("127.0.0.1:{port}");
    let base = format!("https://localhost:{port}");
    config.public_base_url = Some(base.clone());
    let running = nettx_server::start(config).await.expect("starts with TLS");

    let ca = CertificateDer::from_pem_file(keys().join("ca-cert.pem")).unwrap();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(nettx_server::client::tls_config(std::slice::from_ref(&ca)).unwrap())
        .https_only(true)
        .build()
        .unwrap();
    let body = hook_body("hi-tls", Some(full_prefetch()), None);
    let call = |t: String| {
        client
            .post(format!("{base}{HOOK_PATH}"))
            .bearer_auth(t)
            .json(&body)
            .send()
    };

    // A token naming the allow-listed jku: the key set is fetched over HTTPS.
    let t = sign(
        &claims(&base, HOOK_PATH),
        "es384",
        Some("test-es384"),
        Some(&jku),
    );
    let r = call(t).await.unwrap();
    assert_eq!(r.status(), 200);
    let cards: Value = r.json().await.unwrap();
    assert!(!cards["cards"].as_array().unwrap().is_empty());
    assert_eq!(fetches.load(Ordering::Relaxed), 1);
    // The key set is cached: a second token does not fetch it again.
    let t = sign(
        &claims(&base, HOOK_PATH),
        "rs384",
        Some("test-rs384"),
        Some(&jku),
    );
    assert_eq!(call(t).await.unwrap().status(), 200);
    assert_eq!(fetches.load(Ordering::Relaxed), 1);
    // A kid the set lacks: fetched again at most every 30 s, then refused.
    let t = sign(
        &claims(&base, HOOK_PATH),
        "es384-other",
        Some("other-es384"),
        Some(&jku),
    );
    assert_eq!(call(t).await.unwrap().status(), 401);
    // Without jku and without a key file: refused.
    let t = sign(&claims(&base, HOOK_PATH), "es384", Some("test-es384"), None);
    assert_eq!(call(t).await.unwrap().status(), 401);
    // The same jku with another port (not allow-listed): refused, not fetched.
    let other = jku.replace("localhost:", "localhost:1");
    let before = fetches.load(Ordering::Relaxed);
    let t = sign(
        &claims(&base, HOOK_PATH),
        "es384",
        Some("test-es384"),
        Some(&other),
    );
    assert_eq!(call(t).await.unwrap().status(), 401);
    assert_eq!(fetches.load(Ordering::Relaxed), before);
    // Plain HTTP to the TLS port is not answered with cards.
    let plain = support::client()
        .post(format!("http://127.0.0.1:{port}{HOOK_PATH}"))
        .json(&body)
        .send()
        .await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));
    assert_eq!(audit_lines(&dir).len(), 2);

    // The outgoing TLS refuses what it must. A client without the test CA
    // among its roots does not reach the key-set host...
    let timeout = std::time::Duration::from_secs(5);
    let untrusting = nettx_server::client::build(&[], timeout).unwrap();
    let got =
        nettx_server::client::get_bounded(&untrusting, &jku, None, "application/json", 1 << 20)
            .await;
    assert!(
        got.is_err(),
        "a server whose CA is not trusted was accepted"
    );
    // ...nor does one that trusts the CA but reaches the host by a name its
    // certificate does not cover (the same address, resolved by hand).
    let jwks_port: u16 = jku
        .trim_start_matches("https://localhost:")
        .trim_end_matches("/jwks.json")
        .parse()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], jwks_port));
    let by_name = |name: &str| {
        reqwest::Client::builder()
            .use_preconfigured_tls(
                nettx_server::client::tls_config(std::slice::from_ref(&ca)).unwrap(),
            )
            .resolve(name, addr)
            .build()
            .unwrap()
    };
    let wrong = by_name("jwks.elsewhere.test")
        .get(format!("https://jwks.elsewhere.test:{jwks_port}/jwks.json"))
        .send()
        .await;
    assert!(
        wrong.is_err(),
        "a certificate for another name was accepted"
    );
    // The control: the same client set-up, by a name the certificate covers.
    let right = by_name("localhost").get(&jku).send().await.unwrap();
    assert_eq!(right.status(), 200);
    running.shutdown().await.unwrap();
}
