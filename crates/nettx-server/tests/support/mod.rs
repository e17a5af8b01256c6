//! Shared by the service's tests: start the real service on a free loopback
//! port, mint JWTs with the test keys (`tests/keys/`), and build records.

#![allow(dead_code)]

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nettx_server::config::{Audit, Config, Issuer, Limits};
use nettx_server::Running;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const ISS: &str = "https://ehr.example.org";

pub fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys")
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A fresh temp directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nettx-server-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A config for a loopback service on a free port, its audit log in `dir`.
pub fn config(dir: &Path, issuers: bool) -> Config {
    let mut c = Config {
        listen: "127.0.0.1:0".into(),
        audit: Audit {
            path: dir.join("audit.jsonl"),
            fsync: false,
        },
        limits: Limits {
            request_timeout_ms: 2_000,
            header_read_timeout_ms: 1_000,
            fetch_timeout_ms: 1_500,
            ..Limits::default()
        },
        ..Config::default()
    };
    if issuers {
        c.issuers = vec![Issuer {
            iss: ISS.into(),
            jwks_file: Some(keys().join("issuer-jwks.json")),
            jku: vec!["https://keys.example.org/jwks.json".into()],
        }];
    }
    c
}

/// Starts the service; with issuers, its public base URL is its own address.
pub async fn start(mut config: Config) -> (Running, String) {
    if !config.issuers.is_empty() && config.public_base_url.is_none() {
        // The port is known only once bound: bind a probe first.
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = probe.local_addr().unwrap();
        drop(probe);
        config.listen = addr.to_string();
        config.public_base_url = Some(format!("http://{addr}"));
    }
    let running = nettx_server::start(config)
        .await
        .expect("the service starts");
    let base = format!("http://{}", running.addr);
    (running, base)
}

/// The claims of a valid token for `path` at `base`.
pub fn claims(base: &str, path: &str) -> Value {
    static JTI: AtomicU64 = AtomicU64::new(0);
    let now = now();
    json!({
        "iss": ISS,
        "sub": "client-app",
        "aud": format!("{base}{path}"),
        "exp": now + 300,
        "iat": now,
        "jti": format!("jti-{}-{}", std::process::id(), JTI.fetch_add(1, Ordering::Relaxed)),
    })
}

/// Signs `claims` with a test key: `es384`, `rs384` or `es384-other`.
pub fn sign(claims: &Value, key: &str, kid: Option<&str>, jku: Option<&str>) -> String {
    let pem = std::fs::read(keys().join(format!("{key}-private.pem"))).unwrap();
    let (alg, encoding) = if key.starts_with("rs") {
        (Algorithm::RS384, EncodingKey::from_rsa_pem(&pem).unwrap())
    } else {
        (Algorithm::ES384, EncodingKey::from_ec_pem(&pem).unwrap())
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    header.jku = jku.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

/// A valid ES384 token for `path` at `base`.
pub fn token(base: &str, path: &str) -> String {
    sign(&claims(base, path), "es384", Some("test-es384"), None)
}

pub const HOOK_PATH: &str = "/cds-services/intestinal-net-treatment";

/// The patient's name in the records: the logs must never hold it.
pub const PATIENT_NAME: &str = "Adelheid Quenzmeyer";
pub const PATIENT_ID: &str = "pt-7731";

pub fn patient() -> Value {
    json!({"resourceType": "Patient", "id": PATIENT_ID,
           "name": [{"family": "Quenzmeyer", "given": ["Adelheid"], "text": PATIENT_NAME}]})
}

/// A searchset of Conditions: an ileal NET, liver metastases.
pub fn conditions() -> Value {
    json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": {"resourceType": "Condition", "id": "c1",
            "subject": {"reference": format!("Patient/{PATIENT_ID}")},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C7A.012"}]}}},
        {"resource": {"resourceType": "Condition", "id": "c2",
            "subject": {"reference": format!("Patient/{PATIENT_ID}")},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C7B.02"}]}}}
    ]})
}

pub fn observations() -> Value {
    json!({"resourceType": "Bundle", "type": "searchset", "entry": []})
}

/// A hook request with `prefetch` (keys left out when `None` is given).
pub fn hook_body(
    hook_instance: &str,
    prefetch: Option<Value>,
    fhir: Option<(&str, &str)>,
) -> Value {
    let mut body = json!({
        "hook": "patient-view",
        "hookInstance": hook_instance,
        "context": {"userId": "Practitioner/1", "patientId": PATIENT_ID},
    });
    if let Some(p) = prefetch {
        body["prefetch"] = p;
    }
    if let Some((server, token)) = fhir {
        body["fhirServer"] = json!(server);
        body["fhirAuthorization"] = json!({"access_token": token, "token_type": "Bearer",
            "expires_in": 300, "scope": "patient/*.read", "subject": "nettx"});
    }
    body
}

pub fn full_prefetch() -> Value {
    json!({"patient": patient(), "conditions": conditions(), "observations": observations()})
}

/// The audit log's lines, each parsed (a torn line fails the test).
pub fn audit_lines(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).expect("every audit line is whole JSON"))
        .collect()
}

/// A client for the tests' calls, on the service's own outgoing TLS set-up
/// (aws-lc-rs, given explicitly: reqwest is built without a provider, and
/// none is installed process-wide, so nothing here can lean on one).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(nettx_server::client::tls_config(&[]).unwrap())
        .build()
        .unwrap()
}
