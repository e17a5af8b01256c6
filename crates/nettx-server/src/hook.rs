//! A `patient-view` hook request: checked, then its record gathered from
//! `prefetch` or, for a key that is absent, fetched from the EHR's FHIR
//! server with the request's `fhirAuthorization` token.

use crate::client::get_bounded;
use crate::error::ApiError;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// The one service's id.
pub const SERVICE_ID: &str = "intestinal-net-treatment";
/// The hook it answers.
pub const HOOK: &str = "patient-view";
/// The prefetch templates, in the order the record is assembled.
pub const PREFETCH: [(&str, &str); 3] = [
    ("patient", "Patient/{{context.patientId}}"),
    ("conditions", "Condition?patient={{context.patientId}}"),
    ("observations", "Observation?patient={{context.patientId}}"),
];

/// The discovery document (`GET /cds-services`).
pub fn discovery_json() -> String {
    let prefetch: serde_json::Map<String, serde_json::Value> = PREFETCH
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    serde_json::json!({
        "services": [{
            "hook": HOOK,
            "id": SERVICE_ID,
            "title": "Intestinal NET treatment (nettx)",
            "description": format!(
                "Treatment recommendations of {} {} for a patient with an intestinal neuroendocrine tumour, each with its basis, the missing data and safety warnings.",
                nettx::knowledge::GUIDELINE_ID,
                nettx::knowledge::GUIDELINE_VERSION
            ),
            "prefetch": prefetch,
        }]
    })
    .to_string()
}

#[derive(Deserialize)]
struct Context {
    #[serde(rename = "patientId")]
    patient_id: Option<String>,
}

#[derive(Deserialize)]
struct FhirAuthorization {
    access_token: Option<String>,
}

/// A hook request, its `prefetch` read as `P`: raw values, or
/// [`nettx_fhir::Prefetch`] (read as the request is parsed).
#[derive(Deserialize)]
#[serde(bound(deserialize = "P: Deserialize<'de>"))]
struct Request<P> {
    hook: Option<String>,
    #[serde(rename = "hookInstance")]
    hook_instance: Option<String>,
    #[serde(rename = "fhirServer")]
    fhir_server: Option<String>,
    #[serde(rename = "fhirAuthorization")]
    fhir_authorization: Option<FhirAuthorization>,
    context: Option<Context>,
    prefetch: Option<P>,
}

/// Requests up to this size may have their prefetch read as they are
/// parsed (the record of a larger one is mapped on the blocking pool).
pub const READ_IN_ONE_PASS_BYTES: usize = 256 * 1024;

/// A hook's record, for the mapping.
pub enum Record<'a> {
    /// The prefetch, read as the request was parsed (a small request).
    Read(nettx_fhir::Prefetch<'a>),
    /// A prefetch object's text, assembled from the request's prefetch and
    /// the FHIR server's answers.
    Text(String),
}

/// A checked hook request, its record not yet gathered.
pub struct Hook<'a> {
    /// The call's `hookInstance`.
    pub hook_instance: String,
    /// `context.patientId`.
    pub patient_id: String,
    fhir_server: Option<String>,
    token: Option<String>,
    prefetch: HashMap<String, &'a RawValue>,
    /// The prefetch already read, when the request was read in one pass
    /// (then `prefetch` is empty).
    read: Option<nettx_fhir::Prefetch<'a>>,
}

/// Whether `id` is a FHIR logical id (`[A-Za-z0-9\-\.]{1,64}`).
pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

impl<'a> Hook<'a> {
    /// Reads and checks a request body (400 naming the member at fault).
    /// A plain-http `fhirServer` on a loopback address is accepted only
    /// when `development` (no trusted issuer): a production service must not
    /// be pointed at its own host's ports.
    pub fn parse(body: &'a [u8], development: bool) -> Result<Hook<'a>, ApiError> {
        if let Some(request) = Self::read_in_one_pass(body) {
            return Self::check(request, development, |read| (HashMap::new(), read));
        }
        let request: Request<HashMap<String, &'a RawValue>> =
            crate::error::parse_body(body, "a CDS Hooks request")?;
        Self::check(request, development, |raw| (raw.unwrap_or_default(), None))
    }

    /// The request with its prefetch read as it is parsed, when that gives
    /// what [`Hook::record`] and [`nettx_fhir::map_record`] would: a
    /// request of at most [`READ_IN_ONE_PASS_BYTES`] whose prefetch holds
    /// exactly the templates' keys, in their order (so the record would be
    /// those values in that order, nothing fetched), with no `next` link
    /// ([`may_hold_next_link`] false for the whole body), read without a give-up of the
    /// one-pass reader. Anything else (an error too) is `None`, and the
    /// request is then read as before, which finds its errors.
    fn read_in_one_pass(body: &'a [u8]) -> Option<Request<nettx_fhir::Prefetch<'a>>> {
        if body.len() > READ_IN_ONE_PASS_BYTES {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        if may_hold_next_link(text) {
            return None;
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let request = Request::<nettx_fhir::Prefetch<'a>>::deserialize(&mut de).ok()?;
        de.end().ok()?;
        let keys = request.prefetch.as_ref()?.keys();
        keys.eq(PREFETCH.iter().map(|(key, _)| *key))
            .then_some(request)
    }

    /// Checks a request's members (400 naming the member at fault);
    /// `prefetch` makes the prefetch fields of its `P`.
    fn check<P>(
        request: Request<P>,
        development: bool,
        prefetch: impl FnOnce(
            Option<P>,
        ) -> (
            HashMap<String, &'a RawValue>,
            Option<nettx_fhir::Prefetch<'a>>,
        ),
    ) -> Result<Hook<'a>, ApiError> {
        match request.hook.as_deref() {
            Some(HOOK) => {}
            Some(other) => {
                return Err(ApiError::request(
                    Some("hook"),
                    format!("this service answers the `{HOOK}` hook, not `{other}`"),
                ))
            }
            None => return Err(ApiError::request(Some("hook"), "`hook` is missing")),
        }
        let hook_instance =
            match request.hook_instance {
                Some(h) if !h.is_empty() && h.len() <= 128 => h,
                _ => return Err(ApiError::request(
                    Some("hookInstance"),
                    "`hookInstance` must be a non-empty string of at most 128 characters (a UUID)",
                )),
            };
        let patient_id = match request.context.and_then(|c| c.patient_id) {
            Some(id) if is_fhir_id(&id) => id,
            Some(_) => {
                return Err(ApiError::request(
                    Some("context.patientId"),
                    "`context.patientId` is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)",
                ))
            }
            None => {
                return Err(ApiError::request(
                    Some("context.patientId"),
                    "`context.patientId` is missing",
                ))
            }
        };
        let fhir_server = match request.fhir_server {
            Some(url) if url.starts_with("https://") || (development && is_loopback_http(&url)) => {
                Some(url.trim_end_matches('/').to_owned())
            }
            Some(_) => {
                return Err(ApiError::request(
                    Some("fhirServer"),
                    "`fhirServer` must be an https URL (plain http on a loopback address only in development mode), so the access token is never sent in the clear",
                ))
            }
            None => None,
        };
        let (prefetch, read) = prefetch(request.prefetch);
        Ok(Hook {
            hook_instance,
            patient_id,
            fhir_server,
            token: request.fhir_authorization.and_then(|a| a.access_token),
            prefetch,
            read,
        })
    }

    /// The record: the prefetch read as the request was parsed, if it was
    /// (then this is called once); else the text of a prefetch object
    /// `{"patient":…,"conditions":…,…}`: each template's key from
    /// `prefetch` (`null` means no data), else fetched from `fhirServer`; a
    /// searchset's `next` pages are fetched too (same server only). 412 when
    /// a key can't be had.
    pub async fn record(
        &mut self,
        client: &reqwest::Client,
        max_bytes: usize,
        max_pages: usize,
    ) -> Result<Record<'a>, ApiError> {
        if let Some(read) = self.read.take() {
            return Ok(Record::Read(read));
        }
        self.assemble(client, max_bytes, max_pages)
            .await
            .map(Record::Text)
    }

    /// The record's text, from `prefetch` and the FHIR server.
    async fn assemble(
        &self,
        client: &reqwest::Client,
        max_bytes: usize,
        max_pages: usize,
    ) -> Result<String, ApiError> {
        // Prefetched parts are borrowed from the request body, not copied.
        // `max_bytes` bounds the whole record, fetched pages included, so
        // one request holds at most that much however the EHR pages.
        let mut parts: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
        let mut total = 0usize;
        let left = |key: &str, total: usize| {
            max_bytes.checked_sub(total).filter(|n| *n > 0).ok_or_else(|| {
                precondition(
                    key,
                    format!("would make the record larger than {max_bytes} bytes, the most the mapping reads"),
                )
            })
        };
        for (key, template) in PREFETCH {
            let first = match self.prefetch.get(key) {
                Some(raw) => Cow::Borrowed(raw.get()),
                None => {
                    let query = template.replace("{{context.patientId}}", &self.patient_id);
                    Cow::Owned(self.fetch(client, key, &query, left(key, total)?).await?)
                }
            };
            total += first.len();
            let mut next = next_link(&first);
            parts.push((Cow::Borrowed(key), first));
            let mut page = 1;
            while let Some(url) = next {
                page += 1;
                if page > max_pages {
                    return Err(precondition(
                        key,
                        format!("the search has more than {max_pages} pages (limits.max_pages)"),
                    ));
                }
                let Some(base) = &self.fhir_server else {
                    return Err(precondition(key, "is a paged search (a `next` link) and no fhirServer was given to fetch the rest"));
                };
                if !url.starts_with(&format!("{base}/")) && !url.starts_with(&format!("{base}?")) {
                    return Err(precondition(key, "has a `next` link to another server; the token is sent to the request's fhirServer only"));
                }
                let body = self.get(client, key, &url, left(key, total)?).await?;
                total += body.len();
                next = next_link(&body);
                parts.push((Cow::Owned(format!("{key}#{page}")), Cow::Owned(body)));
            }
        }
        let mut record = String::with_capacity(
            parts
                .iter()
                .map(|(k, v)| k.len() + v.len() + 4)
                .sum::<usize>()
                + 2,
        );
        record.push('{');
        for (i, (key, value)) in parts.iter().enumerate() {
            if i > 0 {
                record.push(',');
            }
            record.push_str(&crate::audit::json_str(key));
            record.push(':');
            record.push_str(value);
        }
        record.push('}');
        Ok(record)
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
        key: &str,
        query: &str,
        max_bytes: usize,
    ) -> Result<String, ApiError> {
        let Some(base) = &self.fhir_server else {
            return Err(precondition(
                key,
                "is not in prefetch and no fhirServer was given to fetch it from",
            ));
        };
        self.get(client, key, &format!("{base}/{query}"), max_bytes)
            .await
    }

    async fn get(
        &self,
        client: &reqwest::Client,
        key: &str,
        url: &str,
        max_bytes: usize,
    ) -> Result<String, ApiError> {
        let body = get_bounded(
            client,
            url,
            self.token.as_deref(),
            "application/fhir+json",
            max_bytes,
        )
        .await
        .map_err(|e| {
            precondition(
                key,
                format!("could not be fetched: the FHIR server {}", e.0),
            )
        })?;
        let text = String::from_utf8(body)
            .map_err(|_| precondition(key, "the FHIR server's answer is not UTF-8 text"))?;
        // Exactly one JSON value, so that it cannot add members of its own
        // when it is put into the record.
        serde_json::from_str::<&RawValue>(&text)
            .map_err(|_| precondition(key, "the FHIR server's answer is not one JSON value"))?;
        Ok(text)
    }
}

fn precondition(key: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "precondition",
        Some(&format!("prefetch.{key}")),
        format!("prefetch `{key}` {why}"),
    )
}

#[derive(Deserialize)]
struct Link {
    relation: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct Paged {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    link: Option<Vec<Link>>,
}

/// Whether `text` may hold a `next` link: a relation equal to `next` is
/// spelt `next` in the text, or with a `\u` escape. (The one-pass read of a
/// request asks this of the whole body, [`next_link`] of each part: a body
/// for which it is false has no part with a `next` link.)
fn may_hold_next_link(text: &str) -> bool {
    text.contains("next") || text.contains("\\u")
}

/// The `next` link of a Bundle, if the text is one and has it.
fn next_link(text: &str) -> Option<String> {
    // Without either spelling there is none, and the part (tens of KB of
    // resources) need not be parsed a second time to find that out.
    if !may_hold_next_link(text) {
        return None;
    }
    let paged: Paged = serde_json::from_str(text).ok()?;
    if paged.resource_type.as_deref() != Some("Bundle") {
        return None;
    }
    paged
        .link?
        .into_iter()
        .find(|l| l.relation.as_deref() == Some("next"))
        .and_then(|l| l.url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_servers() {
        assert!(is_fhir_id("pt-1.a"));
        assert!(!is_fhir_id(""));
        assert!(!is_fhir_id("a/b"));
        assert!(!is_fhir_id("a?b"));
        assert!(!is_fhir_id(&"a".repeat(65)));
        assert!(is_loopback_http("http://127.0.0.1:8080/fhir"));
        assert!(is_loopback_http("http://localhost/fhir"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.org/fhir"));
        assert!(!is_loopback_http("http://ehr.example.org/fhir"));
    }

    #[test]
    fn request_errors_name_the_member() {
        let field = |body: &str| {
            Hook::parse(body.as_bytes(), true)
                .err()
                .and_then(|e| e.field)
        };
        assert_eq!(
            field(r#"{"hook":"order-select","hookInstance":"x","context":{"patientId":"p"}}"#)
                .as_deref(),
            Some("hook")
        );
        assert_eq!(
            field(r#"{"hook":"patient-view","context":{"patientId":"p"}}"#).as_deref(),
            Some("hookInstance")
        );
        assert_eq!(
            field(r#"{"hook":"patient-view","hookInstance":"x","context":{}}"#).as_deref(),
            Some("context.patientId")
        );
        assert_eq!(
            field(r#"{"hook":"patient-view","hookInstance":"x","context":{"patientId":7}}"#)
                .as_deref(),
            Some("context.patientId")
        );
        assert_eq!(field(r#"{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p"},"fhirServer":"http://ehr.example.org"}"#).as_deref(), Some("fhirServer"));
        assert!(Hook::parse(
            br#"{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p"}}"#,
            true
        )
        .is_ok());
    }

    #[test]
    fn a_prefetch_of_the_templates_keys_in_order_is_read_as_the_request_is() {
        let patient = r#"{"resourceType":"Patient","id":"p"}"#;
        let bundle = r#"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.012"}]}}}]}"#;
        let body = |prefetch: &str, extra: &str| {
            format!(
                r#"{{"hook":"patient-view","hookInstance":"x","context":{{"patientId":"p"}},"prefetch":{prefetch}{extra}}}"#
            )
        };
        fn read(body: &str) -> Result<Option<nettx_fhir::Prefetch<'_>>, ApiError> {
            Hook::parse(body.as_bytes(), true).map(|mut h| h.read.take())
        }
        let in_order =
            format!(r#"{{"patient":{patient},"conditions":{bundle},"observations":null}}"#);
        let text = body(&in_order, "");
        let show =
            |m: Result<nettx_fhir::Mapped, nettx::Error>| format!("{:?}", m.map(|m| m.to_json()));
        let mapped = read(&text).unwrap().unwrap().map();
        assert!(mapped.as_ref().is_ok_and(|m| m.patient() == Some("p")));
        assert_eq!(show(mapped), show(nettx_fhir::map_record(&in_order)));
        // Anything else is read as before: another order, a key missing or
        // added, text that may hold a `next` link, a trailing error.
        for (prefetch, extra) in [
            (
                format!(r#"{{"conditions":{bundle},"patient":{patient},"observations":null}}"#),
                "",
            ),
            (
                format!(r#"{{"patient":{patient},"conditions":{bundle}}}"#),
                "",
            ),
            (
                format!(
                    r#"{{"patient":{patient},"conditions":{bundle},"observations":null,"x":1}}"#
                ),
                "",
            ),
            (in_order.replace(r#""type""#, r#""next""#), ""),
            (in_order.replace(r#""type""#, r#""\u0074ype""#), ""),
        ] {
            let text = body(&prefetch, extra);
            assert!(read(&text).unwrap().is_none(), "{prefetch}");
        }
        // Over READ_IN_ONE_PASS_BYTES (which keeps the record within the
        // mapping's size limit), or not UTF-8: read as before.
        let padding = format!(r#","pad":"{}""#, "x".repeat(READ_IN_ONE_PASS_BYTES));
        assert!(read(&body(&in_order, &padding)).unwrap().is_none());
        let mut latin1 = body(&in_order, r#","pad":"?""#).into_bytes();
        let at = latin1.len() - 3;
        latin1[at] = 0xe9;
        // (A byte that is not UTF-8 in a member no one reads was always let
        // through, and still is.)
        assert!(Hook::parse(&latin1, true).unwrap().read.is_none());
        assert!(read(&body(&in_order, r#","prefetch":null"#)).is_err());
        assert!(read(&format!("{} ", body(&in_order, "")))
            .unwrap()
            .is_some());
        assert!(read(&format!("{}x", body(&in_order, ""))).is_err());
    }

    #[test]
    fn next_links() {
        assert_eq!(next_link(r#"{"resourceType":"Bundle","link":[{"relation":"self","url":"a"},{"relation":"next","url":"b"}]}"#).as_deref(), Some("b"));
        assert_eq!(
            next_link(r#"{"resourceType":"Patient","link":[{"relation":"next","url":"b"}]}"#),
            None
        );
        assert_eq!(next_link("null"), None);
        // The fast path must not miss a relation spelt with escapes.
        assert_eq!(
            next_link(r#"{"resourceType":"Bundle","link":[{"relation":"n\u0065xt","url":"b"}]}"#)
                .as_deref(),
            Some("b")
        );
    }
}
