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
