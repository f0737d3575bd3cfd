//! Jim2 (Happen Business): `POST {base}/token` with client credentials, and the
//! licence pool behind it; `POST {base}/logoff` to give a licence back.
//!
//! Documented (Jim2 help, "token"): client credentials only, HTTP Basic or the
//! credentials in the body, the secret is the mapped CardFile user's password; no scope
//! means `all`, which needs a licence, `view` alone needs none; the response carries an
//! access token, a refresh token and `expires_in`; the refresh token lives 20 minutes,
//! extended by each new token request, and holds a licensed session meanwhile; with no
//! free licence the authentication fails; `logoff` releases the licence.
//!
//! Assumed, where the help is silent (each a setting or the most likely behaviour of
//! the ASP.NET OWIN OAuth server Jim2's layout suggests): opaque tokens, `token_type`
//! `bearer`, a 20-minute access token, RFC 6749 §5.2 error bodies, `invalid_grant`
//! for "no licence is free", `logoff` taking the access token as a bearer token and
//! ending every token of the client's session.

pub mod faults;
pub mod licences;
pub(crate) mod mint;
mod service;
pub mod settings;
pub use self::service::{Jim2Service, SERVICE};
mod store;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use self::faults as fault;
use self::licences::Grant;
pub use self::settings::{DEFAULT_APPSETTINGS, Jim2Client, Jim2Settings};
use self::store::{Issued, Store};
use crate::mock::error::no_cache_json;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::oauth::{BothWays, credentials};
use crate::mock::state::AppState;

/// Ends every token of `client`'s session (logoff).
fn end_session(store: &mut Store, client: &str) {
    store.access.retain(|_, t| t.client != client);
}

/// Access tokens and licensed sessions the mock holds now (for the bounds tests).
pub fn records_held(app: &AppState) -> usize {
    store::of(app)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .held()
}

/// The Jim2 profile's state beside the shared machinery (clock, faults).
#[derive(Clone)]
struct Jim2 {
    app: AppState,
    settings: Arc<Jim2Settings>,
    store: Arc<Mutex<Store>>,
}

impl Jim2 {
    fn store(&self) -> MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        store.purge_due(self.app.clock.now());
        store
    }
}

/// The routes under the configured base path.
pub fn router(app: AppState, settings: Arc<Jim2Settings>) -> Router {
    let base = settings.base_path.clone();
    let store = store::of(&app);
    let state = Jim2 {
        app,
        settings,
        store,
    };
    Router::new()
        .route(&format!("{base}/token"), post(token))
        .route(&format!("{base}/logoff"), post(logoff))
        .with_state(state)
}

/// An RFC 6749 §5.2 error (assumed: Jim2 does not publish its error bodies).
fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    super::rfc6749_error(status, error, description, "Basic realm=\"Jim2\"")
}

/// Long on purpose: Jim2's token request in its order (form, credentials, grant, scope,
/// licence, token), each a few lines.
async fn token(State(jim2): State<Jim2>, headers: HeaderMap, body: Bytes) -> Response {
    if !has_form_content_type(&headers) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some("the body must be application/x-www-form-urlencoded"),
        );
    }
    let form = FormParams::parse(&body);
    // Basic or the body, not both (RFC 6749 §2.3).
    let presented = match credentials(&headers, &form, BothWays::Refuse) {
        Ok(p) => p,
        Err((error, why)) => {
            return oauth_error(StatusCode::BAD_REQUEST, error.as_str(), Some(why));
        }
    };
    let id = presented.id.clone();
    let known = jim2
        .settings
        .client(&id)
        .is_some_and(|c| presented.secret_matches(&c.secret_hash));
    if !known {
        let status = if presented.by_basic {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        return oauth_error(status, "invalid_client", None);
    }
    match form.present("grant_type") {
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None),
        Some("client_credentials") => {}
        // Fault `jim2-any-grant`: every grant type is served as client credentials.
        Some(_) if jim2.app.fault(&fault::ANY_GRANT) => {}
        Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None),
    }
    let scopes: Vec<&str> = match form.present("scope") {
        Some(s) => s.split(' ').filter(|s| !s.is_empty()).collect(),
        None => vec!["all"],
    };
    if let Some(unknown) = scopes
        .iter()
        .find(|s| !jim2.settings.scopes.iter().any(|k| k == *s))
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            Some(&format!("unknown scope '{unknown}'")),
        );
    }
    let view_only = scopes.iter().all(|s| *s == "view");
    let now = jim2.app.clock.now();
    let settings = &jim2.settings;
    let mut store = jim2.store();
    if !view_only || jim2.app.fault(&fault::VIEW_TAKES_LICENCE) {
        let size = if jim2.app.fault(&fault::POOL_UNBOUNDED) {
            usize::MAX
        } else {
            settings.licences
        };
        let extend = !jim2.app.fault(&fault::SESSION_NOT_SLIDING);
        if store
            .pool
            .acquire(&id, now, settings.session_lifetime, size, extend)
            == Grant::NoneFree
        {
            tracing::debug!(client_id = %id, "token refused: no licence is free");
            let error = if jim2.app.fault(&fault::LICENCE_ERROR_ACCESS_DENIED) {
                "access_denied"
            } else {
                "invalid_grant"
            };
            return oauth_error(
                StatusCode::BAD_REQUEST,
                error,
                Some("no licence is available"),
            );
        }
    }
    let access_token = crate::protocol::handle::random_hex(32);
    // Only a handle: the session it stands for is the pool's, and Jim2 documents no
    // grant that takes it back, so the mock keeps nothing for it.
    let refresh_token = crate::protocol::handle::random_hex(32);
    // Fault `jim2-token-short-lived`: an access token that lives a minute.
    let lifetime = if jim2.app.fault(&fault::TOKEN_SHORT_LIVED) {
        60
    } else {
        settings.access_token_lifetime
    };
    store.access.insert(
        access_token.clone(),
        Issued {
            client: id.clone(),
            expires: now + lifetime,
        },
    );
    drop(store);
    tracing::debug!(client_id = %id, view_only, "token issued");
    let mut body = json!({
        "access_token": access_token,
        "token_type": settings.token_type,
        "expires_in": lifetime,
        "refresh_token": refresh_token,
    });
    if jim2.app.fault(&fault::NO_REFRESH_TOKEN)
        && let Some(members) = body.as_object_mut()
    {
        members.remove("refresh_token");
    }
    no_cache_json(StatusCode::OK, &body)
}

/// Ends the bearer token's session and gives its licence back. Assumed: the access
/// token is presented as a bearer token, and an unknown or expired one is answered 401.
async fn logoff(State(jim2): State<Jim2>, headers: HeaderMap) -> Response {
    let token = super::bearer(&headers).map(str::to_owned);
    let now = jim2.app.clock.now();
    let mut store = jim2.store();
    let client = token
        .and_then(|t| store.access.get(&t).cloned())
        .filter(|t| t.expires > now)
        .map(|t| t.client);
    let Some(client) = client else {
        return super::bearer_challenge();
    };
    if !jim2.app.fault(&fault::LICENCE_NOT_RELEASED) {
        store.pool.release(&client);
    }
    if !jim2.app.fault(&fault::LOGOFF_KEEPS_TOKENS) {
        end_session(&mut store, &client);
    }
    tracing::debug!(client_id = %client, "logged off");
    StatusCode::OK.into_response()
}
