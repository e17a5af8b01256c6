//! The service's own log, on standard error: one JSON line per request with
//! the time, method, route template (`/cds-services/{id}`, never the URI
//! with its query), status and milliseconds. Bodies, tokens, queries,
//! patient ids and error messages are never written here.

use crate::audit::rfc3339_now;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::io::Write;
use std::time::Instant;

/// Writes one line to standard error (a failed write is not retried).
pub fn line(fields: &str) {
    let text = format!("{{\"time\":\"{}\",{fields}}}\n", rfc3339_now());
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The access-log middleware.
pub async fn access_log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", |p| p.as_str())
        .to_owned();
    let response = next.run(request).await;
    let route = if route.starts_with('/') {
        route
    } else {
        "(unmatched)".to_owned()
    };
    line(&format!(
        "\"event\":\"request\",\"method\":\"{method}\",\"route\":{},\"status\":{},\"ms\":{:.3}",
        crate::audit::json_str(&route),
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1e3
    ));
    response
}
