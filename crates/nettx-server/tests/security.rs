//! Who may call: every way a token can be wrong gets 401, with nothing
//! evaluated and nothing written to the audit log; a valid token gets cards.

mod support;

use serde_json::{json, Value};
use support::*;

struct Case {
    name: &'static str,
    authorization: Option<String>,
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// An ES384 token with the test key whose header lists `crit` extensions.
fn sign_with_crit(claims: &Value, crit: &[&str]) -> String {
    let pem = std::fs::read(keys().join("es384-private.pem")).unwrap();
    let key = jsonwebtoken::EncodingKey::from_ec_pem(&pem).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES384);
    header.kid = Some("test-es384".into());
    header.crit = Some(crit.iter().map(|c| (*c).to_owned()).collect());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn hs256(claims: &Value) -> String {
    let key =
        jsonwebtoken::EncodingKey::from_secret(b"a shared secret an attacker guessed").unwrap();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &key,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_token_is_401_and_nothing_is_evaluated() {
    let dir = temp_dir("security");
    let (running, base) = start(config(&dir, true)).await;
    let path = HOOK_PATH;
    let ok = claims(&base, path);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = claims(&base, path);
        f(&mut c);
        c
    };
    let bearer = |t: String| Some(format!("Bearer {t}"));
    let cases = vec![
        Case {
            name: "no token",
            authorization: None,
        },
        Case {
            name: "not bearer",
            authorization: Some("Basic YWRtaW46YWRtaW4=".into()),
        },
        Case {
            name: "garbage",
            authorization: bearer("not.a.jwt".into()),
        },
        Case {
            name: "alg none",
            authorization: bearer(unsigned(
                &json!({"alg": "none", "typ": "JWT", "kid": "test-es384"}),
                &ok,
            )),
        },
        Case {
            name: "HS256",
            authorization: bearer(hs256(&with(&|_| {}))),
        },
        Case {
            name: "wrong key (signed by a key the issuer does not hold, with its kid)",
            authorization: bearer(sign(
                &with(&|_| {}),
                "es384-other",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "unknown kid",
            authorization: bearer(sign(
                &with(&|_| {}),
                "es384-other",
                Some("other-es384"),
                None,
            )),
        },
        Case {
            name: "RS384 key id on an ES384 token",
            authorization: bearer(sign(&with(&|_| {}), "es384", Some("test-rs384"), None)),
        },
        Case {
            name: "expired",
            authorization: bearer(sign(
                &with(&|c| {
                    c["exp"] = json!(now() - 120);
                    c["iat"] = json!(now() - 420);
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "iat in the future",
            authorization: bearer(sign(
                &with(&|c| {
                    c["iat"] = json!(now() + 600);
                    c["exp"] = json!(now() + 900);
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "not valid before a time to come (nbf)",
            authorization: bearer(sign(
                &with(&|c| {
                    c["nbf"] = json!(now() + 600);
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "nbf that is not a time",
            authorization: bearer(sign(
                &with(&|c| {
                    c["nbf"] = json!("tomorrow");
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "a critical header extension the service does not know (RFC 7515, 4.1.11)",
            authorization: bearer(sign_with_crit(&with(&|_| {}), &["exp"])),
        },
        Case {
            name: "lives too long",
            authorization: bearer(sign(
                &with(&|c| {
                    c["exp"] = json!(now() + 86_400);
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "wrong aud (another endpoint)",
            authorization: bearer(sign(
                &with(&|c| {
                    c["aud"] = json!(format!("{base}/cds-services"));
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "wrong aud (another host)",
            authorization: bearer(sign(
                &with(&|c| {
                    c["aud"] = json!(format!("https://evil.example.org{HOOK_PATH}"));
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "no aud",
            authorization: bearer(sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("aud");
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "no jti",
            authorization: bearer(sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("jti");
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "no exp",
            authorization: bearer(sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "untrusted iss",
            authorization: bearer(sign(
                &with(&|c| {
                    c["iss"] = json!("https://other-ehr.example.org");
                }),
                "es384",
                Some("test-es384"),
                None,
            )),
        },
        Case {
            name: "jku not allow-listed",
            authorization: bearer(sign(
                &with(&|_| {}),
                "es384",
                Some("test-es384"),
                Some("https://attacker.example.org/jwks.json"),
            )),
        },
        Case {
            name: "plain-http jku",
            authorization: bearer(sign(
                &with(&|_| {}),
                "es384",
                Some("test-es384"),
                Some("http://keys.example.org/jwks.json"),
            )),
        },
    ];
    let client = client();
    let body = hook_body(
        "3f0f4a6e-6d1c-4c55-9f5e-000000000001",
        Some(full_prefetch()),
        None,
    );
    for case in &cases {
        let mut request = client.post(format!("{base}{path}")).json(&body);
        if let Some(a) = &case.authorization {
            request = request.header("authorization", a);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{}", case.name);
        assert!(
            response.headers().get("www-authenticate").is_some(),
            "{}: no WWW-Authenticate",
            case.name
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["kind"], "unauthorized", "{}", case.name);
        assert_eq!(error["field"], "Authorization", "{}", case.name);
        assert!(
            error["message"].as_str().is_some_and(|m| m.len() > 10),
            "{}",
            case.name
        );
    }
    // Discovery and feedback are guarded too.
    for (method, p) in [
        ("GET", "/cds-services"),
        ("POST", "/cds-services/intestinal-net-treatment/feedback"),
        ("POST", "/evaluate?input=case"),
    ] {
        let request = if method == "GET" {
            client.get(format!("{base}{p}"))
        } else {
            client.post(format!("{base}{p}")).body("{}")
        };
        assert_eq!(
            request.send().await.unwrap().status(),
            401,
            "{p} without a token"
        );
    }
    assert!(
        audit_lines(&dir).is_empty(),
        "a refused caller left an audit line"
    );

    // A valid token is accepted once; the same token again is a replay.
    let good = sign(&ok, "es384", Some("test-es384"), None);
    let first = client
        .post(format!("{base}{path}"))
        .bearer_auth(&good)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let cards: Value = first.json().await.unwrap();
    assert!(!cards["cards"].as_array().unwrap().is_empty());
    let replay = client
        .post(format!("{base}{path}"))
        .bearer_auth(&good)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    let why: Value = replay.json().await.unwrap();
    assert!(why["message"].as_str().unwrap().contains("jti"), "{why}");
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1, "one evaluation audited: {lines:?}");
    assert_eq!(lines[0]["issuer"], ISS);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs384_and_aud_arrays_and_every_guarded_route_accept_a_valid_token() {
    let dir = temp_dir("accept");
    let (running, base) = start(config(&dir, true)).await;
    let client = client();
    // The scheme in any case (RFC 9110).
    let t = token(&base, HOOK_PATH);
    let body0 = hook_body(
        "3f0f4a6e-6d1c-4c55-9f5e-000000000003",
        Some(full_prefetch()),
        None,
    );
    let r = client
        .post(format!("{base}{HOOK_PATH}"))
        .header("authorization", format!("BEARER {t}"))
        .json(&body0)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A plain-http fhirServer on this host is refused once issuers are configured.
    let mut local = hook_body(
        "3f0f4a6e-6d1c-4c55-9f5e-000000000004",
        None,
        Some(("http://127.0.0.1:9/fhir", "t")),
    );
    local["prefetch"] = json!({});
    let r = client
        .post(format!("{base}{HOOK_PATH}"))
        .bearer_auth(token(&base, HOOK_PATH))
        .json(&local)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "fhirServer");
    // RS384 with its kid.
    let c = claims(&base, HOOK_PATH);
    let t = sign(&c, "rs384", Some("test-rs384"), None);
    let body = hook_body(
        "3f0f4a6e-6d1c-4c55-9f5e-000000000002",
        Some(full_prefetch()),
        None,
    );
    let r = client
        .post(format!("{base}{HOOK_PATH}"))
        .bearer_auth(t)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // aud as an array holding the endpoint's URL.
    let mut c = claims(&base, HOOK_PATH);
    c["aud"] = json!(["https://other", format!("{base}{HOOK_PATH}")]);
    let t = sign(&c, "es384", Some("test-es384"), None);
    let r = client
        .post(format!("{base}{HOOK_PATH}"))
        .bearer_auth(t)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Discovery with its own audience.
    let r = client
        .get(format!("{base}/cds-services"))
        .bearer_auth(token(&base, "/cds-services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["services"][0]["id"], "intestinal-net-treatment");
    assert_eq!(d["services"][0]["hook"], "patient-view");
    // A token for the hook is not one for discovery.
    let r = client
        .get(format!("{base}/cds-services"))
        .bearer_auth(token(&base, HOOK_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // The open routes need none.
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        client
            .get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_replay_memory_is_503_not_401() {
    let dir = temp_dir("full");
    let mut c = config(&dir, true);
    c.limits.max_remembered_tokens = 1;
    let (running, base) = start(c).await;
    let client = client();
    let body = hook_body("hi-full", Some(full_prefetch()), None);
    let call = |t: String| {
        client
            .post(format!("{base}{HOOK_PATH}"))
            .bearer_auth(t)
            .json(&body)
            .send()
    };
    assert_eq!(call(token(&base, HOOK_PATH)).await.unwrap().status(), 200);
    // A second valid token cannot be remembered until the first expires:
    // the service is busy, the token is not wrong.
    let r = call(token(&base, HOOK_PATH)).await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers().get("retry-after").unwrap(), "1");
    assert_eq!(r.json::<Value>().await.unwrap()["kind"], "busy");
    assert_eq!(audit_lines(&dir).len(), 1);
    running.shutdown().await.unwrap();
}
