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
    let mut text = String::with_capacity(fields.len() + 40);
    push_line(&mut text, fields);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn push_line(text: &mut String, fields: &str) {
    text.push_str("{\"time\":\"");
    text.push_str(&rfc3339_now());
    text.push_str("\",");
    text.push_str(fields);
    text.push_str("}\n");
}

/// The access-log middleware.
pub async fn access_log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let route = route
        .as_ref()
        .map(MatchedPath::as_str)
        .filter(|r| r.starts_with('/'))
        .unwrap_or("(unmatched)");
    // One buffer for the line, one write (the route templates are ASCII
    // paths, but are escaped as before in case one is not).
    let fields = format!(
        "\"event\":\"request\",\"method\":\"{}\",\"route\":{},\"status\":{},\"ms\":{:.3}",
        method.as_str(),
        crate::audit::json_str(route),
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1e3
    );
    line(&fields);
    response
}
