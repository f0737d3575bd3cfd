//! The Core API's error answers: 401 with a `WWW-Authenticate: Bearer` challenge (RFC
//! 6750 §3), MyID's `{"message","code","invalidField"?,"invalidFieldReason"?}` bodies
//! with their WS codes, and ASP.NET problem details for model-binding failures.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::mock::error::JSON_UTF8;
use crate::protocol::handle::random_hex;

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No usable bearer token. `sent` says whether one was presented (RFC 6750 §3.1:
    /// only then does the challenge carry `error="invalid_token"`).
    Unauthorized {
        /// Whether a token was sent.
        sent: bool,
        /// The challenge's `error_description`, given only where ASP.NET's bearer
        /// handler gives one (`IncludeErrorDetails`, on by default) and a user most
        /// needs it: a token from another issuer than the configured authority.
        description: Option<String>,
    },
    /// A MyID error with its WS code.
    Ws {
        /// HTTP status.
        status: StatusCode,
        /// `WSnnnnn`.
        code: &'static str,
        /// The message.
        message: String,
        /// The field at fault.
        field: Option<String>,
        /// Why it is at fault.
        reason: Option<String>,
    },
    /// ASP.NET Core's problem details (RFC 9110 §15.5.1), for bodies that do not bind.
    Problem,
    /// A body larger than IIS and Kestrel accept (`maxAllowedContentLength`,
    /// `MaxRequestBodySize`: 30,000,000 bytes): 413 problem details, and the connection
    /// is closed, since the rest of the body is never read.
    TooLarge,
    /// A body that is not JSON: 415 problem details, as an `[ApiController]` answers.
    UnsupportedMediaType,
}

/// The largest request body the API reads: IIS's `maxAllowedContentLength` and
/// Kestrel's `MaxRequestBodySize` default, 30,000,000 bytes (about 28.6 MiB).
pub const MAX_BODY: usize = 30_000_000;

fn problem(status: StatusCode, section: &str, title: &str) -> Response {
    let body = json!({
        "type": format!("https://tools.ietf.org/html/rfc9110#section-{section}"),
        "title": title,
        "status": status.as_u16(),
        "traceId": format!("00-{}-{}-00", random_hex(16).to_lowercase(), random_hex(8).to_lowercase()),
    });
    let mut r = json_response(status, &body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json; charset=utf-8"),
    );
    r
}

impl ApiError {
    /// WS30001: a malformed id or value.
    pub fn invalid_data(field: Option<&str>, reason: Option<&str>) -> Self {
        Self::ws(
            StatusCode::BAD_REQUEST,
            "WS30001",
            "Invalid data supplied".into(),
            field,
            reason,
        )
    }

    /// WS40005: the item does not exist, or is outside the caller's scope.
    pub fn not_found() -> Self {
        Self::ws(
            StatusCode::NOT_FOUND,
            "WS40005",
            "The item referenced was not found".into(),
            None,
            None,
        )
    }

    /// WS50000: the caller's roles lack the permission, in the manual's words (§8.6.4,
    /// §8.14.6).
    pub fn forbidden() -> Self {
        Self::ws(
            StatusCode::FORBIDDEN,
            "WS50000",
            "Your current authentication level cannot access this information. The logon credential used, roles that logon credential can access and scope available to those roles may limit your access".into(),
            None,
            None,
        )
    }

    /// A validation problem on one field (`WS30004`, `WS30015`, `WS30017`).
    pub fn validation(code: &'static str, field: &str, reason: &str) -> Self {
        Self::ws(
            StatusCode::BAD_REQUEST,
            code,
            format!("Validation problem, the value for '{field}', {reason}"),
            Some(field),
            Some(reason),
        )
    }

    /// Any WS error.
    pub fn ws(
        status: StatusCode,
        code: &'static str,
        message: String,
        field: Option<&str>,
        reason: Option<&str>,
    ) -> Self {
        ApiError::Ws {
            status,
            code,
            message,
            field: field.map(str::to_owned),
            reason: reason.map(str::to_owned),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized { sent, description } => {
                let mut r = StatusCode::UNAUTHORIZED.into_response();
                let challenge = match (sent, description) {
                    (false, _) => "Bearer".to_owned(),
                    (true, None) => "Bearer error=\"invalid_token\"".to_owned(),
                    // A quoted-string cannot carry `"` or `\\`: they are dropped.
                    (true, Some(d)) => format!(
                        "Bearer error=\"invalid_token\", error_description=\"{}\"",
                        d.replace(['"', '\\'], "")
                    ),
                };
                if let Ok(v) = HeaderValue::from_str(&challenge) {
                    r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
                r
            }
            ApiError::Ws {
                status,
                code,
                message,
                field,
                reason,
            } => {
                let mut body = Map::new();
                body.insert("message".into(), Value::String(message));
                body.insert("code".into(), Value::String(code.into()));
                if let Some(f) = field {
                    body.insert("invalidField".into(), Value::String(f));
                }
                if let Some(r) = reason {
                    body.insert("invalidFieldReason".into(), Value::String(r));
                }
                json_response(status, &Value::Object(body))
            }
            ApiError::Problem => problem(StatusCode::BAD_REQUEST, "15.5.1", "Bad Request"),
            ApiError::TooLarge => {
                let mut r = problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "15.5.14",
                    "Payload Too Large",
                );
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                r
            }
            ApiError::UnsupportedMediaType => problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "15.5.16",
                "Unsupported Media Type",
            ),
        }
    }
}

/// MyID's list answer: `{"results": [...]}` with 200.
pub fn results(items: Vec<Value>) -> Response {
    json_response(StatusCode::OK, &json!({ "results": items }))
}

/// [`results`] for typed rows, serialised without building a JSON tree first.
pub fn results_of<T: serde::Serialize>(items: &[T]) -> Response {
    #[derive(serde::Serialize)]
    struct Results<'a, T> {
        results: &'a [T],
    }
    match serde_json::to_string(&Results { results: items }) {
        Ok(body) => {
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
            r
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A JSON response.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    r
}
