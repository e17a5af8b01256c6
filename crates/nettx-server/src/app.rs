//! The routes. Every route is behind the guard (a bounded number in flight,
//! a verified token, a time limit) except the page's static text at `/` and
//! `/healthz`, which read no input and return no patient data.

use crate::audit::{json_str, AuditLog};
use crate::auth::{Caller, Denied, Verifier};
use crate::config::Config;
use crate::error::ApiError;
use crate::hook::{discovery_json, Hook, Record, SERVICE_ID};
use crate::log::access_log;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What every request shares.
pub struct AppState {
    /// The settings the service started with.
    pub config: Config,
    /// Token checks; `None` in development mode.
    pub verifier: Option<Verifier>,
    /// The audit log.
    pub audit: AuditLog,
    /// For FHIR-server fetches.
    pub client: reqwest::Client,
    /// Permits for requests in flight.
    pub in_flight: Arc<Semaphore>,
    /// The URL a token's `aud` starts with.
    pub base_url: String,
}

type Shared = Arc<AppState>;

/// The router of the whole service.
pub fn router(state: Shared) -> Router {
    let guarded = Router::new()
        .route("/cds-services", get(discovery))
        .route(&format!("/cds-services/{SERVICE_ID}"), post(hook))
        .route(
            &format!("/cds-services/{SERVICE_ID}/feedback"),
            post(feedback),
        )
        .route("/evaluate", post(evaluate_page))
        .route_layer(middleware::from_fn_with_state(state.clone(), guard));
    let open = Router::new()
        .route("/", get(page))
        .route("/healthz", get(healthz));
    Router::new()
        .merge(guarded)
        .merge(open)
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(cors(&state.config))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

fn cors(config: &Config) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));
    let origins = &config.cors_allowed_origins;
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

/// In-flight bound, then the token, then the time limit.
async fn guard(State(state): State<Shared>, mut request: Request, next: Next) -> Response {
    let Ok(_permit) = state.in_flight.clone().try_acquire_owned() else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            None,
            "too many requests in flight (limits.max_in_flight); retry after a second",
        )
        .into_response();
    };
    let caller = match &state.verifier {
        // Development mode answers only direct callers on this machine: a
        // request that came through a proxy may come from anywhere.
        None if ["forwarded", "x-forwarded-for", "x-real-ip"]
            .iter()
            .any(|h| request.headers().contains_key(*h)) =>
        {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                None,
                "development mode (no trusted issuer) answers only direct callers on this machine; this request came through a proxy",
            )
            .into_response()
        }
        None => Caller { iss: "-".into() },
        Some(verifier) => {
            let audience = format!("{}{}", state.base_url, request.uri().path());
            let authorization = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            match verifier.verify(authorization, &audience).await {
                Ok(caller) => caller,
                Err(Denied::Token(why)) => {
                    return ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        Some("Authorization"),
                        why,
                    )
                    .into_response()
                }
                Err(Denied::Busy(why)) => {
                    return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", None, why)
                        .into_response()
                }
            }
        }
    };
    request.extensions_mut().insert(caller);
    match tokio::time::timeout(state.config.limits.request_timeout(), next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            None,
            "the request took longer than the service allows (limits.request_timeout_ms)",
        )
        .into_response(),
    }
}

/// Reads the body up to the limit: 413 past it, 400 if it breaks off.
async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let limit = state.config.limits.max_body_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            None,
            format!("the request body is over {limit} bytes (limits.max_body_bytes)"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(too_large());
                }
                source = s.source();
            }
            Err(ApiError::request(
                None,
                "the request body could not be read",
            ))
        }
    }
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn discovery() -> Response {
    json_response(discovery_json())
}

fn audit_or_503(state: &AppState, fields: &str) -> Result<(), ApiError> {
    state.audit.append(fields).map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "audit",
            None,
            "the audit log cannot be written, so nothing is answered; tell the service's operators",
        )
    })
}

fn card_codes(evaluation: &nettx::Evaluation) -> String {
    let mut codes: Vec<String> = evaluation
        .recommendations()
        .iter()
        .map(|r| json_str(r.code().as_str()))
        .collect();
    codes.extend(evaluation.warnings().map(|w| json_str(w.as_str())));
    if evaluation.missing().next().is_some() {
        codes.push("\"missing\"".into());
    }
    format!("[{}]", codes.join(","))
}

fn evaluated_fields(
    source: &str,
    hook_instance: Option<&str>,
    caller: &Caller,
    evaluation: &nettx::Evaluation,
) -> String {
    format!(
        "\"event\":\"evaluation\",\"source\":\"{source}\",\"hookInstance\":{},\"issuer\":{},\"outcome\":\"evaluated\",\"guideline_digest\":\"{}\",\"case_digest\":\"{}\",\"cards\":{}",
        hook_instance.map_or("null".into(), json_str),
        json_str(&caller.iss),
        nettx::knowledge::guideline_digest(),
        evaluation.case_digest(),
        card_codes(evaluation)
    )
}

/// The field an error names, for the audit log: only a field of the case
/// (or `subject`); a key the caller made up could be anything, a name too.
fn audited_field(field: Option<&str>) -> String {
    match field {
        Some(f) if nettx::Field::from_name(f).is_some() || f == "subject" => json_str(f),
        Some(_) => "\"(not a case field)\"".into(),
        None => "null".into(),
    }
}

fn refused_fields(
    source: &str,
    hook_instance: Option<&str>,
    caller: &Caller,
    error: &nettx::Error,
) -> String {
    format!(
        "\"event\":\"evaluation\",\"source\":\"{source}\",\"hookInstance\":{},\"issuer\":{},\"outcome\":\"refused\",\"guideline_digest\":\"{}\",\"error_kind\":\"{}\",\"error_field\":{},\"cards\":[\"refused\"]",
        hook_instance.map_or("null".into(), json_str),
        json_str(&caller.iss),
        nettx::knowledge::guideline_digest(),
        error.kind(),
        audited_field(error.field_name()),
    )
}

async fn hook(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&state, &headers, body).await?;
    let mut hook = Hook::parse(&body, state.verifier.is_none())?;
    let limits = &state.config.limits;
    let record = hook
        .record(&state.client, limits.max_body_bytes, limits.max_pages)
        .await?;
    let outcome = match record {
        // Read as the request was parsed: a small record, mapped here.
        Record::Read(read) => judge(read.map(), &hook.patient_id),
        // Mapping and evaluation are CPU work: about 0.2 ms for a record of
        // 30 resources, up to tens of milliseconds for 8 MiB. A small record
        // is done here (a hand-off to another thread would cost more than it
        // saves); a large one on the blocking pool, so no runtime worker
        // stops serving other connections that long. Either way the audit
        // line is written after, here, so a call cut off by the time limit
        // is never audited.
        Record::Text(text) if text.len() <= INLINE_RECORD_BYTES => {
            judge(nettx_fhir::map_record(&text), &hook.patient_id)
        }
        Record::Text(text) => {
            let patient_id = hook.patient_id.clone();
            tokio::task::spawn_blocking(move || judge(nettx_fhir::map_record(&text), &patient_id))
                .await
                .map_err(|_| ApiError::internal())?
        }
    };
    let cards = match outcome {
        Outcome::Refused(error) => {
            audit_or_503(
                &state,
                &refused_fields("hook", Some(&hook.hook_instance), &caller, &error),
            )?;
            nettx_fhir::refused_cards(&hook.hook_instance, &error).to_json()
        }
        Outcome::OtherPatient => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "contradiction",
                Some("context.patientId"),
                "the record's patient is not the patient of context.patientId; send the record of the patient in view",
            ))
        }
        Outcome::Evaluated(evaluation, cards) => {
            audit_or_503(
                &state,
                &evaluated_fields("hook", Some(&hook.hook_instance), &caller, &evaluation),
            )?;
            cards
        }
    };
    Ok(json_response(cards))
}

/// What a record's mapping gives for the patient in view: refused, another
/// patient's, or evaluated with its cards.
fn judge(mapped: Result<nettx_fhir::Mapped, nettx::Error>, patient_id: &str) -> Outcome {
    match mapped {
        Err(error) => Outcome::Refused(error),
        Ok(mapped) if mapped.patient() != Some(patient_id) => Outcome::OtherPatient,
        Ok(mapped) => {
            let evaluation = mapped.evaluate();
            let cards = nettx_fhir::cds_cards(&evaluation).to_json();
            Outcome::Evaluated(Box::new(evaluation), cards)
        }
    }
}

/// Records up to this size are mapped and evaluated on the runtime's
/// worker; larger ones on the blocking pool.
const INLINE_RECORD_BYTES: usize = 256 * 1024;
const _: () = assert!(crate::hook::READ_IN_ONE_PASS_BYTES <= INLINE_RECORD_BYTES);

/// What mapping and evaluation made of a record.
enum Outcome {
    /// The mapping refused it.
    Refused(nettx::Error),
    /// It is another patient's record.
    OtherPatient,
    /// Evaluated, with its cards' JSON.
    Evaluated(Box<nettx::Evaluation>, String),
}

#[derive(serde::Deserialize)]
struct Coding {
    system: Option<String>,
    code: Option<String>,
}

#[derive(serde::Deserialize)]
struct OverrideReason {
    reason: Option<Coding>,
}

#[derive(serde::Deserialize)]
struct FeedbackItem {
    card: String,
    outcome: String,
    #[serde(rename = "outcomeTimestamp")]
    outcome_timestamp: Option<String>,
    #[serde(rename = "overrideReason")]
    override_reason: Option<OverrideReason>,
}

#[derive(serde::Deserialize)]
struct Feedback {
    feedback: Vec<FeedbackItem>,
}

/// Appends each feedback item to the audit log: the card, the outcome, its
/// time and the override reason's `system` and `code`, each of bounded
/// length. Free text (`userComment`, a coding's `display`) may name the
/// patient, so it is not kept.
async fn feedback(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&state, &headers, body).await?;
    let parsed: Feedback = crate::error::parse_body(&body, "CDS Hooks feedback")?;
    for item in &parsed.feedback {
        if !matches!(item.outcome.as_str(), "accepted" | "overridden") {
            return Err(ApiError::request(
                Some("feedback.outcome"),
                "`outcome` must be `accepted` or `overridden`",
            ));
        }
        let coding = item
            .override_reason
            .as_ref()
            .and_then(|r| r.reason.as_ref());
        for (field, value, max) in [
            ("feedback.card", Some(&item.card), 128),
            (
                "feedback.outcomeTimestamp",
                item.outcome_timestamp.as_ref(),
                64,
            ),
            (
                "feedback.overrideReason.reason.code",
                coding.and_then(|c| c.code.as_ref()),
                256,
            ),
            (
                "feedback.overrideReason.reason.system",
                coding.and_then(|c| c.system.as_ref()),
                256,
            ),
        ] {
            if value.is_some_and(|v| v.len() > max) {
                return Err(ApiError::request(
                    Some(field),
                    format!("`{field}` is longer than {max} bytes"),
                ));
            }
        }
    }
    let items: Vec<serde_json::Value> = parsed
        .feedback
        .iter()
        .map(|f| {
            serde_json::json!({
                "card": f.card,
                "outcome": f.outcome,
                "outcomeTimestamp": f.outcome_timestamp,
                "overrideReason": f.override_reason.as_ref().and_then(|r| r.reason.as_ref()).map(|c| {
                    serde_json::json!({"system": c.system, "code": c.code})
                }),
            })
        })
        .collect();
    let fields = format!(
        "\"event\":\"feedback\",\"issuer\":{},\"feedback\":{}",
        json_str(&caller.iss),
        serde_json::Value::from(items)
    );
    audit_or_503(&state, &fields)?;
    Ok((StatusCode::OK, json_response("{}".into())).into_response())
}

#[derive(serde::Deserialize)]
struct PageQuery {
    input: Option<String>,
}

/// For the page: a case (`?input=case`) or a FHIR record (`?input=fhir`) in,
/// `{"cards":…,"evaluation":…,"pathway_svg":…}` out (with `"mapped"` for a
/// record); a refused input is 400 with the library's error.
async fn evaluate_page(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(&state, &headers, body).await?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "parse",
            None,
            "the body is not UTF-8 text",
        )
    })?;
    let library_error = |e: &nettx::Error| ApiError {
        status: StatusCode::BAD_REQUEST,
        kind: e.kind().as_str(),
        field: e.field_name().map(str::to_owned),
        message: e.message().to_owned(),
    };
    // Up to 8 MiB of record and an SVG drawing: CPU work for the blocking
    // pool, not a runtime worker. The audit line is written back here.
    let input = query.input.clone();
    let text = text.to_owned();
    let made = tokio::task::spawn_blocking(move || -> Result<_, Option<nettx::Error>> {
        let (evaluation, mapped) = match input.as_deref() {
            Some("case") => (nettx::evaluate(&nettx::Case::from_json(&text)?), None),
            Some("fhir") => {
                let mapped = nettx_fhir::map_record(&text)?;
                (mapped.evaluate(), Some(mapped.to_json()))
            }
            _ => return Err(None),
        };
        let svg = nettx::pathway::Pathway::of(&evaluation)
            .render(nettx::pathway::PathwayFormat::Svg)
            .unwrap_or_default();
        let mut out = String::with_capacity(16 * 1024 + svg.len());
        out.push_str("{\"cards\":");
        out.push_str(&nettx_fhir::cds_cards(&evaluation).to_json());
        out.push_str(",\"evaluation\":");
        out.push_str(&evaluation.to_json());
        if let Some(m) = mapped {
            out.push_str(",\"mapped\":");
            out.push_str(&m);
        }
        out.push_str(",\"pathway_svg\":");
        out.push_str(&json_str(&svg));
        out.push('}');
        Ok((evaluation, out))
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let (evaluation, out) = match made {
        Ok(made) => made,
        Err(None) => {
            return Err(ApiError::request(
                Some("input"),
                "say what the body is: ?input=case or ?input=fhir",
            ))
        }
        Err(Some(e)) => {
            audit_or_503(&state, &refused_fields("page", None, &caller, &e))?;
            return Err(library_error(&e));
        }
    };
    audit_or_503(
        &state,
        &evaluated_fields("page", None, &caller, &evaluation),
    )?;
    Ok(json_response(out))
}

async fn page() -> Response {
    let mut response = Html(crate::page::INDEX_HTML).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn healthz() -> Response {
    json_response(format!(
        "{{\"status\":\"ok\",\"guideline\":\"{} {}\",\"digest\":\"{}\"}}",
        nettx::knowledge::GUIDELINE_ID,
        nettx::knowledge::GUIDELINE_VERSION,
        nettx::knowledge::guideline_digest()
    ))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        None,
        "no such endpoint: see GET /cds-services",
    )
}
