//! What the service answers when it does not evaluate: an HTTP status and a
//! JSON body a caller can act on, `{"kind":…,"field":…,"message":…}`, the
//! same members as the library's errors.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An answer other than cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short machine-readable kind: `unauthorized`, `parse`, `request`,
    /// `too_large`, `timeout`, `busy`, `precondition`, `not_found`, `audit`.
    pub kind: &'static str,
    /// The request member at fault (`context.patientId`, `Authorization`, …).
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl ApiError {
    /// An error with a status, kind, field and message.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            kind,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// 400: the request is not what the endpoint reads.
    pub fn request(field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "request", field, message)
    }

    /// 500: a thread of the service failed (a bug); nothing was recommended.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            None,
            "the evaluation failed inside the service (a bug); nothing was recommended; please report it",
        )
    }

    /// The body as JSON.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "kind": self.kind,
            "field": self.field,
            "message": self.message,
        })
        .to_string()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.to_json()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Reads a request body as exactly one JSON value of type `T`: a 400
/// `parse` naming the member at fault (its path), or the trailing data.
/// `what` names the expected document for the message.
pub fn parse_body<'de, T: serde::Deserialize<'de>>(
    body: &'de [u8],
    what: &str,
) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "parse",
            field.as_deref(),
            format!("the body is not {what}: {}", e.into_inner()),
        )
    })?;
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "parse",
            None,
            format!("the body has trailing data after {what}: {e}"),
        )
    })?;
    Ok(value)
}
