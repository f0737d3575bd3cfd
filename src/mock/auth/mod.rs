//! The auth server `web.oauth2`: IdentityServer4 4.1.2's endpoints as MyID exposes
//! them under `/web.oauth2`.

mod client_auth;
mod discovery;
mod token;

use axum::Router;
use axum::http::{HeaderMap, header};
use axum::routing::{any, get};

use super::AUTH_BASE;
use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        // Any method reaches the handler: IdentityServer answers a wrong method at the
        // token endpoint with 400 invalid_request, not 405.
        .route("/connect/token", any(token::token))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::document),
        )
        .route(
            "/.well-known/openid-configuration/jwks",
            get(discovery::jwks),
        )
}

/// The auth server's base URL as the request addressed it (`http://host/web.oauth2`).
/// IdentityServer builds discovery URLs from the request, keeping its case.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    format!("http://{host}{AUTH_BASE}")
}

/// The issuer: the base URL lower-cased in full (`LowerCaseIssuerUri`, default true).
fn issuer(headers: &HeaderMap) -> String {
    base_url(headers).to_lowercase()
}
