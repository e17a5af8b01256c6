//! The service over real HTTP on loopback: bounds (413, 408, 503), bad
//! requests (400 naming the member), refused records (200, one warning
//! card), the FHIR-server fetch path (a local FHIR server checking the
//! bearer token; 412 when the data can't be had), feedback, CORS, and the
//! audit log.

mod support;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn post_hook(base: &str, body: &Value) -> (StatusCode, Value) {
    let r = client()
        .post(format!("{base}{HOOK_PATH}"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_from_prefetch_equal_the_library_and_are_audited() {
    let dir = temp_dir("cards");
    let (running, base) = start(config(&dir, false)).await;
    let (status, cards) = post_hook(&base, &hook_body("hi-1", Some(full_prefetch()), None)).await;
    assert_eq!(status, 200);
    // The same record through the library gives the same cards, byte for byte.
    let record = full_prefetch().to_string();
    let mapped = nettx_fhir::map_record(&record).unwrap();
    let expected: Value =
        serde_json::from_str(&nettx_fhir::cds_cards(&mapped.evaluate()).to_json()).unwrap();
    assert_eq!(cards, expected);
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["event"], "evaluation");
    assert_eq!(line["hookInstance"], "hi-1");
    assert_eq!(line["outcome"], "evaluated");
    assert_eq!(line["case_digest"], mapped.evaluate().case_digest());
    assert_eq!(
        line["guideline_digest"],
        nettx::knowledge::guideline_digest()
    );
    let codes: Vec<&str> = line["cards"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(codes.len(), cards["cards"].as_array().unwrap().len());
    running.shutdown().await.unwrap();
}

/// The prefetch in the templates' order (patient, conditions, observations)
/// is read as the request is parsed; in another order (serde_json sorts the
/// keys of `json!`) as before. Both give the same cards and audit lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefetch_in_the_templates_order_is_answered_as_in_any_other() {
    let dir = temp_dir("order");
    let (running, base) = start(config(&dir, false)).await;
    let in_order = |hook_instance: &str, conditions: &Value| {
        format!(
            r#"{{"hook":"patient-view","hookInstance":"{hook_instance}","context":{{"patientId":"{PATIENT_ID}"}},"prefetch":{{"patient":{},"conditions":{conditions},"observations":{}}}}}"#,
            patient(),
            observations()
        )
    };
    let refused = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/other"},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C7A.012"}]}}}]});
    for (conditions, outcome) in [(conditions(), "evaluated"), (refused, "refused")] {
        let mut sorted = full_prefetch();
        sorted["conditions"] = conditions.clone();
        // (The same hookInstance: a refusal card's uuid is made from it.)
        let hook_instance = format!("hi-{outcome}");
        let (status, expected) =
            post_hook(&base, &hook_body(&hook_instance, Some(sorted), None)).await;
        assert_eq!(status, 200);
        let r = client()
            .post(format!("{base}{HOOK_PATH}"))
            .header("content-type", "application/json")
            .body(in_order(&hook_instance, &conditions))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let cards: Value = r.json().await.unwrap();
        assert_eq!(cards, expected, "{outcome}");
        let lines = audit_lines(&dir);
        let [.., a, b] = lines.as_slice() else {
            panic!("two audit lines");
        };
        assert_eq!(
            (a["outcome"].as_str(), b["outcome"].as_str()),
            (Some(outcome), Some(outcome))
        );
        assert_eq!(a["case_digest"], b["case_digest"]);
        assert_eq!(a["cards"], b["cards"]);
    }
    assert_eq!(audit_lines(&dir).len(), 4);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_record_is_200_with_one_stable_warning_card() {
    let dir = temp_dir("refused");
    let (running, base) = start(config(&dir, false)).await;
    let nulls = json!({"patient": null, "conditions": null, "observations": null});
    let (status, a) = post_hook(&base, &hook_body("hi-refused", Some(nulls.clone()), None)).await;
    assert_eq!(status, 200);
    let cards = a["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["indicator"], "warning");
    // The card says why (the mapping's message), and its uuid is v5 of the hookInstance.
    let error = nettx_fhir::map_record(&nulls.to_string()).unwrap_err();
    assert!(cards[0]["detail"]
        .as_str()
        .unwrap()
        .contains(error.message()));
    let expected = nettx_fhir::refused_cards("hi-refused", &error);
    assert_eq!(cards[0]["uuid"], expected.cards[0].uuid.as_str());
    let (_, b) = post_hook(&base, &hook_body("hi-refused", Some(nulls.clone()), None)).await;
    assert_eq!(a, b, "the same call gives the same card");
    let (_, c) = post_hook(&base, &hook_body("hi-other", Some(nulls), None)).await;
    assert_ne!(c["cards"][0]["uuid"], a["cards"][0]["uuid"]);
    // A record that is not FHIR at all is refused the same way, never a 5xx.
    let (status, d) = post_hook(&base, &hook_body("hi-x", Some(json!({"patient": {"resourceType": "Medication"}, "conditions": null, "observations": null})), None)).await;
    assert_eq!(status, 200);
    assert_eq!(d["cards"][0]["indicator"], "warning");
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 4);
    assert!(lines
        .iter()
        .all(|l| l["outcome"] == "refused" && l["cards"] == json!(["refused"])));
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_400_naming_the_member() {
    let dir = temp_dir("bad");
    let (running, base) = start(config(&dir, false)).await;
    let client = client();
    let raw = |body: &'static str| {
        client
            .post(format!("{base}{HOOK_PATH}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = raw("{\"hook\": ").await.unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["kind"], "parse");
    for (body, field) in [
        (
            json!({"hook": "order-sign", "hookInstance": "h", "context": {"patientId": PATIENT_ID}}),
            "hook",
        ),
        (
            json!({"hook": "patient-view", "context": {"patientId": PATIENT_ID}}),
            "hookInstance",
        ),
        (
            json!({"hook": "patient-view", "hookInstance": "h", "context": {}}),
            "context.patientId",
        ),
        (
            json!({"hook": "patient-view", "hookInstance": "h", "context": {"patientId": "../Patient/x"}}),
            "context.patientId",
        ),
        (
            json!({"hook": "patient-view", "hookInstance": 5, "context": {"patientId": PATIENT_ID}}),
            "hookInstance",
        ),
        (
            json!({"hook": "patient-view", "hookInstance": "h", "context": {"patientId": PATIENT_ID}, "fhirServer": "http://ehr.example.org/fhir"}),
            "fhirServer",
        ),
    ] {
        let (status, e) = post_hook(&base, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(e["field"], field, "{body}: {e}");
    }
    // The record's patient must be the patient in view.
    let mut body = hook_body("hi-mismatch", Some(full_prefetch()), None);
    body["context"]["patientId"] = json!("someone-else");
    let (status, e) = post_hook(&base, &body).await;
    assert_eq!(status, 400);
    assert_eq!(e["field"], "context.patientId");
    // Unknown routes are 404 with a body.
    let r = client.get(format!("{base}/nothing")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["kind"], "not_found");
    assert!(audit_lines(&dir).is_empty(), "nothing was evaluated");
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_8_mib_is_413_and_a_slow_client_times_out() {
    let dir = temp_dir("bounds");
    let (running, base) = start(config(&dir, false)).await;
    // Declared too large: refused from the headers, before any of the body
    // is read (a raw client, so that it need not send 8 MiB the server
    // will never read).
    let mut declared = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    declared
        .write_all(
            format!("POST {HOOK_PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", 8 * 1024 * 1024 + 1)
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), declared.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"too_large\""), "{answer}");
    let big = vec![b' '; 8 * 1024 * 1024 + 1];
    // Streamed without a length (chunked): cut off at the limit.
    let stream = futures_stream(big);
    let r = client()
        .post(format!("{base}{HOOK_PATH}"))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    // A client that sends its headers and then too little of its body.
    let mut slow = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    slow.write_all(
        format!("POST {HOOK_PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"hook\":").as_bytes(),
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), slow.read_to_string(&mut answer)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A client that never finishes its headers is disconnected.
    let mut idle = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    idle.write_all(b"POST /cds-services HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut rest)).await;
    assert!(
        read.is_ok(),
        "the connection was not closed after the header timeout"
    );
    running.shutdown().await.unwrap();
}

fn futures_stream(
    data: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        data.chunks(1 << 20).map(|c| Ok(c.to_vec())).collect();
    tokio_stream_iter(chunks)
}

fn tokio_stream_iter<T: Send + 'static>(
    items: Vec<T>,
) -> impl futures_core::Stream<Item = T> + Send + 'static {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T> futures_core::Stream for Iter<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    impl<T> Unpin for Iter<T> {}
    Iter(items.into_iter())
}

/// A FHIR server for the tests: checks the bearer token, serves the
/// patient, and the Conditions in two pages (a `next` link).
#[derive(Clone)]
struct Fhir {
    base: Arc<std::sync::Mutex<String>>,
    calls: Arc<AtomicUsize>,
    delay: Duration,
}

async fn fhir_server(delay: Duration) -> (String, Fhir, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/fhir");
    let state = Fhir {
        base: Arc::new(std::sync::Mutex::new(base.clone())),
        calls: Arc::new(AtomicUsize::new(0)),
        delay,
    };
    async fn authorized(s: &Fhir, headers: &HeaderMap) -> Result<(), StatusCode> {
        s.calls.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(s.delay).await;
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some("Bearer fhir-token-123") => Ok(()),
            _ => Err(StatusCode::UNAUTHORIZED),
        }
    }
    let app = Router::new()
        .route(
            "/fhir/Patient/{id}",
            get(|State(s): State<Fhir>, headers: HeaderMap| async move {
                authorized(&s, &headers).await?;
                Ok::<_, StatusCode>(axum::Json(patient()))
            }),
        )
        .route(
            "/fhir/Condition",
            get(|State(s): State<Fhir>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>| async move {
                authorized(&s, &headers).await?;
                if q.get("patient").map(String::as_str) != Some(PATIENT_ID) {
                    return Err(StatusCode::BAD_REQUEST);
                }
                let all = conditions();
                let entries = all["entry"].as_array().unwrap().clone();
                let base = s.base.lock().unwrap().clone();
                let page = if q.contains_key("page") {
                    json!({"resourceType": "Bundle", "type": "searchset", "entry": [entries[1]]})
                } else {
                    json!({"resourceType": "Bundle", "type": "searchset", "entry": [entries[0]],
                           "link": [{"relation": "next", "url": format!("{base}/Condition?patient={PATIENT_ID}&page=2")}]})
                };
                Ok(axum::Json(page))
            }),
        )
        .route(
            "/bad/Condition",
            get(|| async {
                r#"{"resourceType":"Bundle","type":"searchset"},"injected":{"resourceType":"Condition"}"#
            }),
        )
        .route(
            "/fhir/Observation",
            get(|State(s): State<Fhir>, headers: HeaderMap| async move {
                authorized(&s, &headers).await?;
                Ok::<_, StatusCode>(axum::Json(observations()))
            }),
        )
        .with_state(state.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, state, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absent_prefetch_is_fetched_from_the_fhir_server_with_the_token() {
    let dir = temp_dir("fetch");
    let (running, base) = start(config(&dir, false)).await;
    let (fhir, state, task) = fhir_server(Duration::ZERO).await;
    // Everything fetched (three searches, the Conditions in two pages).
    let (status, fetched) = post_hook(
        &base,
        &hook_body("hi-f1", None, Some((&fhir, "fhir-token-123"))),
    )
    .await;
    assert_eq!(status, 200, "{fetched}");
    assert_eq!(state.calls.load(Ordering::Relaxed), 4);
    let (_, given) = post_hook(&base, &hook_body("hi-f2", Some(full_prefetch()), None)).await;
    assert_eq!(
        fetched, given,
        "fetched and prefetched records give the same cards"
    );
    // Some keys given, one fetched; a null key means no data and is not fetched.
    let before = state.calls.load(Ordering::Relaxed);
    let partial = json!({"patient": patient(), "observations": null});
    let (status, _) = post_hook(
        &base,
        &hook_body("hi-f3", Some(partial), Some((&fhir, "fhir-token-123"))),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        state.calls.load(Ordering::Relaxed) - before,
        2,
        "only the Conditions' two pages"
    );
    // The FHIR server refuses the token: 412, nothing evaluated.
    let lines_before = audit_lines(&dir).len();
    let (status, e) = post_hook(
        &base,
        &hook_body("hi-f4", None, Some((&fhir, "wrong-token"))),
    )
    .await;
    assert_eq!(status, 412);
    assert_eq!(e["kind"], "precondition");
    assert_eq!(e["field"], "prefetch.patient");
    // Nothing to fetch from: 412 naming the key.
    let (status, e) = post_hook(
        &base,
        &hook_body("hi-f5", Some(json!({"patient": patient()})), None),
    )
    .await;
    assert_eq!(status, 412);
    assert_eq!(e["field"], "prefetch.conditions");
    // A paged prefetch without a server to fetch the rest: 412.
    let paged = json!({"patient": patient(), "observations": null, "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [],
        "link": [{"relation": "next", "url": "https://ehr.example.org/fhir/Condition?page=2"}]}});
    let (status, _) = post_hook(&base, &hook_body("hi-f6", Some(paged.clone()), None)).await;
    assert_eq!(status, 412);
    // A next link to another server is not followed with the token.
    let (status, e) = post_hook(
        &base,
        &hook_body("hi-f7", Some(paged), Some((&fhir, "fhir-token-123"))),
    )
    .await;
    assert_eq!(status, 412, "{e}");
    assert!(e["message"].as_str().unwrap().contains("another server"));
    assert_eq!(audit_lines(&dir).len(), lines_before);
    // A server whose answer is not one JSON value (it would add members to the record): 412.
    let (status, e) = post_hook(
        &base,
        &hook_body(
            "hi-f9",
            Some(json!({"patient": patient(), "conditions": null})),
            Some((&fhir, "fhir-token-123")),
        ),
    )
    .await;
    assert_eq!(status, 200, "{e}");
    // A server whose answer is more than one JSON value (it would add
    // members of its own to the record): 412.
    let bad = fhir.replace("/fhir", "/bad");
    let (status, e) = post_hook(
        &base,
        &hook_body(
            "hi-f9",
            Some(json!({"patient": patient(), "observations": null})),
            Some((&bad, "fhir-token-123")),
        ),
    )
    .await;
    assert_eq!(status, 412, "{e}");
    assert!(e["message"].as_str().unwrap().contains("one JSON value"));
    // An unreachable server: 412, not a 5xx.
    let (status, _) = post_hook(
        &base,
        &hook_body("hi-f8", None, Some(("http://127.0.0.1:9/fhir", "t"))),
    )
    .await;
    assert_eq!(status, 412);
    task.abort();
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_over_the_in_flight_limit_get_503_and_sigterm_lets_them_finish() {
    let dir = temp_dir("busy");
    let mut c = config(&dir, false);
    c.limits.max_in_flight = 1;
    let (running, base) = start(c).await;
    let (fhir, _, task) = fhir_server(Duration::from_millis(300)).await;
    let slow_body = hook_body("hi-slow", None, Some((&fhir, "fhir-token-123")));
    let b2 = base.clone();
    let slow = tokio::spawn(async move { post_hook(&b2, &slow_body).await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let r = client()
        .get(format!("{base}/cds-services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers().get("retry-after").unwrap(), "1");
    // Shut down while the slow call is in flight: it still finishes, and is audited.
    running.shutdown().await.unwrap();
    let (status, _) = slow.await.unwrap();
    assert_eq!(status, 200);
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["hookInstance"], "hi-slow");
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_is_audited_without_free_text_and_cors_answers_browsers() {
    let dir = temp_dir("feedback");
    let mut c = config(&dir, false);
    c.cors_allowed_origins = vec!["https://sandbox.cds-hooks.org".into()];
    let (running, base) = start(c).await;
    let client = client();
    let feedback = json!({"feedback": [{
        "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
        "outcome": "overridden",
        "overrideReason": {"reason": {"code": "d7d8", "system": "https://example.org/reasons", "display": "Patient declined"},
                           "userComment": "Adelheid Quenzmeyer said no on the phone"},
        "outcomeTimestamp": "2026-12-03T12:00:00Z"}]});
    let r = client
        .post(format!("{base}{HOOK_PATH}/feedback"))
        .json(&feedback)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"], "feedback");
    assert_eq!(lines[0]["feedback"][0]["outcome"], "overridden");
    assert_eq!(lines[0]["feedback"][0]["overrideReason"]["code"], "d7d8");
    let text = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert!(
        !text.contains("Quenzmeyer"),
        "free text reached the audit log"
    );
    assert!(
        !text.contains("Patient declined"),
        "a display text reached the audit log"
    );
    let long = json!({"feedback": [{"card": "x".repeat(129), "outcome": "accepted"}]});
    let r = client
        .post(format!("{base}{HOOK_PATH}/feedback"))
        .json(&long)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "feedback.card");
    let r = client
        .post(format!("{base}{HOOK_PATH}/feedback"))
        .json(&json!({"feedback": [{"card": "x", "outcome": "maybe"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A browser's preflight.
    let r = client
        .request(reqwest::Method::OPTIONS, format!("{base}{HOOK_PATH}"))
        .header("origin", "https://sandbox.cds-hooks.org")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(
        r.headers().get("access-control-allow-origin").unwrap(),
        "https://sandbox.cds-hooks.org"
    );
    let allowed = r
        .headers()
        .get("access-control-allow-headers")
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization"));
    // Another origin is not allowed.
    let r = client
        .request(reqwest::Method::OPTIONS, format!("{base}{HOOK_PATH}"))
        .header("origin", "https://evil.example.org")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_evaluate_endpoint() {
    let dir = temp_dir("page");
    let (running, base) = start(config(&dir, false)).await;
    let client = client();
    let r = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-security-policy").is_some());
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<form") && !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    let case = r#"{"primary_site":"appendix","tumor_size_cm":2.5,"metastatic":false}"#;
    let r = client
        .post(format!("{base}/evaluate?input=case"))
        .body(case)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let evaluation = nettx::evaluate_json(case).unwrap();
    assert_eq!(
        v["evaluation"],
        serde_json::from_str::<Value>(&evaluation).unwrap()
    );
    assert!(v["pathway_svg"].as_str().unwrap().starts_with("<svg"));
    let r = client
        .post(format!("{base}/evaluate?input=case"))
        .body(r#"{"primary_site":"lung"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "primary_site");
    let r = client
        .post(format!("{base}/evaluate"))
        .body(case)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_are_closed() {
    let dir = temp_dir("conns");
    let mut c = config(&dir, false);
    c.limits.max_connections = 2;
    let (running, base) = start(c).await;
    let a = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let b = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let _ = third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), third.read_to_end(&mut answer)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the third connection was served: {read:?}"
    );
    drop((a, b));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_pages_are_bounded_in_total() {
    let dir = temp_dir("total");
    let (fhir, state, task) = fhir_server(Duration::ZERO).await;
    // Each fetched part fits the limit alone; together they do not.
    let patient_len = patient().to_string().len();
    let mut c = config(&dir, false);
    c.limits.max_body_bytes = patient_len + 300;
    let (running, base) = start(c).await;
    let (status, e) = post_hook(
        &base,
        &hook_body("hi-total", None, Some((&fhir, "fhir-token-123"))),
    )
    .await;
    assert_eq!(status, 412, "{e}");
    // The Conditions may have only what the Patient left of the budget.
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("more than 300 bytes"),
        "{e}"
    );
    assert!(state.calls.load(Ordering::Relaxed) <= 3);
    assert!(audit_lines(&dir).is_empty());
    task.abort();
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_record_is_evaluated_off_the_runtime_with_the_same_cards() {
    let dir = temp_dir("large");
    let (running, base) = start(config(&dir, false)).await;
    // Over 256 KiB (the inline bound): a Patient with a long narrative.
    let mut big = full_prefetch();
    big["patient"]["text"] =
        json!({"status": "generated", "div": format!("<div>{}</div>", "x".repeat(300 * 1024))});
    let (status, large) = post_hook(&base, &hook_body("hi-large", Some(big), None)).await;
    assert_eq!(status, 200);
    let (_, small) = post_hook(&base, &hook_body("hi-small", Some(full_prefetch()), None)).await;
    assert_eq!(large, small, "the narrative changes nothing");
    assert_eq!(audit_lines(&dir).len(), 2);
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_nothing_or_stalls_is_closed() {
    let dir = temp_dir("idle");
    let (running, _) = start(config(&dir, false)).await;
    // Idle time here: request 2 s + headers 1 s.
    for first in [&b""[..], b"P", b"PRI * HTTP/2.0\r\n"] {
        let mut s = tokio::net::TcpStream::connect(running.addr).await.unwrap();
        s.write_all(first).await.unwrap();
        let started = std::time::Instant::now();
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(8), s.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "still open after 8 s having sent {first:?}");
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "closed too soon"
        );
    }
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_mode_answers_only_direct_local_callers() {
    let dir = temp_dir("devmode");
    let (running, base) = start(config(&dir, false)).await;
    let client = client();
    // No CORS by default: the page is same-origin.
    let r = client
        .request(reqwest::Method::OPTIONS, format!("{base}{HOOK_PATH}"))
        .header("origin", "https://any.example.org")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // A request relayed by a proxy is refused without a token check to skip.
    for header in ["forwarded", "x-forwarded-for", "x-real-ip"] {
        let r = client
            .post(format!("{base}{HOOK_PATH}"))
            .header(header, "for=203.0.113.7")
            .json(&hook_body("hi-proxy", Some(full_prefetch()), None))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}");
    }
    assert!(audit_lines(&dir).is_empty());
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_service_on_a_port_in_use_is_refused_and_a_burst_of_connections_is_served() {
    // Another service on the same port gets "cannot listen" (it must not
    // share the port with the first, whatever the serving threads do).
    let dir = temp_dir("port-in-use");
    let (running, base) = start(config(&dir, false)).await;
    let mut second = config(&temp_dir("port-in-use-2"), false);
    second.listen = running.addr.to_string();
    match nettx_server::start(second).await {
        Ok(_) => panic!("a second service joined the port of the first"),
        Err(e) => {
            assert_eq!(e.setting, "listen");
            assert!(e.message.contains("cannot listen"), "{}", e.message);
        }
    }
    // Many connections at once are all served, spread over the serving
    // threads.
    let calls = (0..32).map(|_| {
        let url = format!("{base}/healthz");
        tokio::spawn(async move { client().get(url).send().await.map(|r| r.status()) })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
    running.shutdown().await.unwrap();
}
