//! The auth server `web.oauth2`: IdentityServer4 4.1.2's endpoints as MyID exposes
//! them under `/web.oauth2`, with a login page of the mock's own.

pub(crate) mod access_tokens;
pub(crate) mod authorize;
mod client_auth;
mod consent;
pub mod cors;
mod decision;
mod discovery;
mod error_page;
mod grants;
mod introspection;
mod login;
mod logout;
pub(crate) mod oidc;
mod overstrict;
pub(crate) mod pages;
mod revocation;
mod token;
pub(crate) mod tokens;

use axum::Router;
use axum::http::{HeaderMap, header};
use axum::routing::{any, get};

use crate::mock::AUTH_BASE;
use crate::mock::state::AppState;
use crate::mock::store::Subject;

pub fn router() -> Router<AppState> {
    Router::new()
        // Any method reaches the handler: IdentityServer answers a wrong method at the
        // token endpoint with 400 invalid_request, not 405.
        .route("/connect/token", any(token::token))
        .route("/connect/authorize", any(authorize::authorize))
        .route("/connect/authorize/callback", any(authorize::callback))
        .route("/connect/revocation", any(revocation::revocation))
        .route("/connect/userinfo", any(oidc::userinfo))
        .route("/connect/endsession", any(logout::end_session))
        .route("/connect/checksession", get(oidc::check_session))
        .route("/connect/introspect", any(introspection::introspect))
        .route("/account/login", get(login::show).post(login::submit))
        .route("/account/logout", get(logout::show).post(logout::submit))
        .route("/consent", get(consent::show).post(consent::submit))
        .route("/home/error", get(error_page::show))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::document).post(discovery::posted),
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
    format!("{}://{host}{AUTH_BASE}", crate::mock::scheme(headers))
}

/// The issuer: the base URL lower-cased in full (`LowerCaseIssuerUri`, default true).
fn issuer(headers: &HeaderMap) -> String {
    base_url(headers).to_lowercase()
}

/// The value of cookie `name`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The signed-in user of this browser, if any.
fn session_subject(state: &AppState, headers: &HeaderMap) -> Option<Subject> {
    let handle = cookie(headers, login::SESSION_COOKIE)?;
    state.store().session(handle, state.clock.now())
}
