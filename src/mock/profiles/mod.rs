//! The services the mock can be, one folder each: MyID is the default and lives in
//! `auth/` and `api/` (it came first and most of the shared machinery grew from it);
//! each other vendor is a folder here with its own routes, settings and state, built on
//! the shared machinery (the clock, faults, the control plane, request limits, client
//! secret hashing, form parsing). Adding a vendor touches this file and its own folder.

pub mod beyond_identity;
pub mod clearid;
pub mod jim2;

use std::fmt;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Which service the mock imitates, with that service's own settings.
#[derive(Debug, Clone, Default)]
pub enum Vendor {
    /// MyID: `web.oauth2` (IdentityServer4) and `rest.core`.
    #[default]
    Myid,
    /// Jim2's token endpoint and licence pool.
    Jim2(Arc<jim2::Jim2Settings>),
    /// Genetec ClearID's STS and Identity Service.
    ClearId(Arc<clearid::ClearIdSettings>),
    /// Beyond Identity's per-application OAuth endpoints.
    BeyondIdentity(Arc<beyond_identity::BeyondIdentitySettings>),
}

impl Vendor {
    /// The names `serve --profile` takes.
    pub const NAMES: [&'static str; 4] = ["myid", "jim2", "clearid", "beyond-identity"];

    /// The profile's name.
    pub fn name(&self) -> &'static str {
        match self {
            Vendor::Myid => "myid",
            Vendor::Jim2(_) => "jim2",
            Vendor::ClearId(_) => "clearid",
            Vendor::BeyondIdentity(_) => "beyond-identity",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile's shipped settings, bound: each profile's `defaults()`. The shipped file is
/// checked by the profile's tests, so a failure here is a build that cannot start.
pub(crate) fn shipped<T>(
    text: &str,
    name: &str,
    bind: impl FnOnce(&crate::mock::config::Settings) -> Result<T, crate::mock::config::ConfigError>,
) -> T {
    let mut s = crate::mock::config::Settings::default();
    s.layer(text, name)
        .and_then(|()| bind(&s))
        .unwrap_or_else(|e| panic!("the shipped {name} are invalid: {e}"))
}

/// The origin a request came in on (its scheme and `Host`): what a service names
/// itself by when no public URL is configured, as IdentityServer does.
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{}://{host}", crate::mock::scheme(headers))
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// An RFC 6749 §5.2 error with no-cache headers; a 401 carries the Basic challenge
/// §5.2 requires after Basic, naming `realm`. For vendors that publish no error bodies
/// of their own.
pub(crate) fn rfc6749_error(
    status: StatusCode,
    error: &str,
    description: Option<&str>,
    realm: &'static str,
) -> Response {
    let mut body = serde_json::json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = serde_json::json!(d);
    }
    let mut r = crate::mock::error::no_cache_json(status, &body);
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(realm));
    }
    r
}

/// A 401 asking for a bearer token (RFC 6750 §3).
pub(crate) fn bearer_challenge() -> Response {
    use axum::response::IntoResponse as _;
    let mut r = StatusCode::UNAUTHORIZED.into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}
