//! Errors that know their HTTP response, so a handler returns `Err(...)` and the wire
//! shape is decided in one place.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::protocol::{ErrorCode, ErrorResponse};

/// `Cache-Control` IdentityServer puts on every token-endpoint response
/// (`HttpResponseExtensions.SetNoCache`).
pub const NO_CACHE: &str = "no-store, no-cache, max-age=0";

/// The JSON content type IdentityServer4 v4 writes.
pub const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// An OAuth error as IdentityServer4 answers it at the token endpoint: always 400
/// (`TokenErrorResult`), `{"error"}` plus an optional description, no-cache headers,
/// and never a `WWW-Authenticate` header, even for `invalid_client` (a deliberate
/// IdentityServer choice, issue IdentityServer4#3541).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The error code.
    pub code: ErrorCode,
    /// Set only where IdentityServer sets one (extension grants, password grant).
    pub description: Option<String>,
}

impl OAuthError {
    /// An error without a description, as all of IdentityServer's built-in token errors are.
    pub fn new(code: ErrorCode) -> Self {
        OAuthError {
            code,
            description: None,
        }
    }

    /// An error without a description that tells the journal (and the debug log) why,
    /// as IdentityServer's own log does: the client never sees the reason.
    pub fn because(code: ErrorCode, reason: &str) -> Self {
        super::journal::because(reason);
        Self::new(code)
    }

    /// An error with a description.
    pub fn described(code: ErrorCode, description: impl Into<String>) -> Self {
        OAuthError {
            code,
            description: Some(description.into()),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = ErrorResponse {
            error: self.code.as_str().to_owned(),
            error_description: self.description,
            error_uri: None,
        };
        no_cache_json(StatusCode::BAD_REQUEST, &body)
    }
}

/// A JSON response with IdentityServer's token-endpoint headers.
pub fn no_cache_json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A JSON response without cache headers (discovery, control plane).
pub fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}
