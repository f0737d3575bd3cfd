//! Beyond Identity (Secure Access, API v1): each application's authorize, token,
//! userinfo, revocation, discovery and key-set endpoints under
//! `/v1/tenants/{t}/realms/{r}/applications/{a}/`, and introspection at the realm.
//!
//! Documented (BI's developer docs): the issuer is the application URL; client
//! credentials and the code flow with PKCE (`plain` or `s256`, required for public
//! apps); Basic or the body for a confidential app; space-delimited `scope`, all of the
//! app's allowed scopes when none is asked for; `expiration_time` at most the app's
//! "Expires" (86400 s by default) and `custom_claims` as `bi_custom`; RS256 JWTs with
//! `jku` and `kid` in the header, `aud` an array, and the `bi_*` claims; `token_type`
//! `Bearer`; an `id_token` for OIDC apps; refresh tokens only where the app enables
//! them, with its absolute duration and rotation; introspection answering `active:
//! false` for revoked, expired or foreign tokens; revocation answering 200 with an
//! empty body whatever the token, by Basic for OAuth2 apps or by a bearer token with
//! `tokens:delete` and audience `beyondidentity`.
//!
//! Assumed: RFC 6749 §5.2 error bodies (401 with a Basic challenge after Basic), 400
//! `invalid_request` for an `expiration_time` over the limit or `custom_claims` that is
//! not a JSON object, the `jku` being the application's JWKS URL, the header order
//! `typ, alg, kid, jku`, the claim order, the discovery document's contents, code and
//! sign-in lifetimes, the sign-in page (a test password in place of the passkey), the
//! id_token's claims, userinfo's answer, and refresh-token reuse ending its chain.

mod authorize;
pub mod faults;
pub(crate) mod mint;
mod revocation;
mod service;
pub mod settings;
pub use self::service::{BeyondIdentityService, Realm, SERVICE};
mod token;
mod tokens;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

pub use self::settings::{
    Application, BeyondIdentitySettings, DEFAULT_APPSETTINGS, Identity, Pkce, Protocol,
};
use super::origin;
use crate::mock::capped::Capped;
use crate::mock::error::json as json_response;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, basic};

/// A pending authorization code.
#[derive(Debug, Clone)]
struct Code {
    app: String,
    redirect_uri: String,
    scopes: Vec<String>,
    /// The challenge and its method (`S256` or `plain`), when one was sent.
    challenge: Option<(String, String)>,
    identity: String,
    nonce: Option<String>,
    auth_time: i64,
    expires: i64,
}

/// A refresh token's record, by its `jti`.
#[derive(Debug, Clone)]
struct RefreshRecord {
    app: String,
    identity: String,
    scopes: Vec<String>,
    /// The chain it belongs to: every token descended from one code exchange.
    family: String,
    /// The chain's end: first issue plus the app's absolute duration.
    expires: i64,
    /// Used already, with rotation on: kept till the chain ends so a reuse is seen.
    consumed: bool,
}

/// What the profile remembers. Everything in it is made only by a signed-in user or
/// an authenticated app, and each record leaves when it expires by the mock's clock.
#[derive(Debug, Default)]
struct Store {
    /// Revoked token ids, each kept until its token would have expired anyway.
    revoked: Capped<i64>,
    codes: Capped<Code>,
    refresh: Capped<RefreshRecord>,
    /// When the next sweep of expired records is due (mock time).
    next_purge: i64,
}

impl Store {
    /// The mock's Beyond Identity store, made on first use, each map capped
    /// ([`Caps::vendor_records`](crate::mock::capped::Caps)).
    fn of(app: &AppState) -> Arc<Mutex<Store>> {
        app.vendor_store(|caps| {
            Mutex::new(Store {
                revoked: Capped::new("Beyond Identity revocations", caps.vendor_records),
                codes: Capped::new("Beyond Identity codes", caps.vendor_records),
                refresh: Capped::new("Beyond Identity refresh tokens", caps.vendor_records),
                next_purge: 0,
            })
        })
        .unwrap_or_default()
    }
}

/// Revocations, codes and refresh tokens the mock holds now (for the bounds tests).
pub fn records_held(app: &AppState) -> usize {
    let store = Store::of(app);
    let s = store.lock().unwrap_or_else(|p| p.into_inner());
    s.revoked.len() + s.codes.len() + s.refresh.len()
}

#[derive(Clone)]
struct Bi {
    app: AppState,
    settings: Arc<BeyondIdentitySettings>,
    store: Arc<Mutex<Store>>,
}

impl Bi {
    /// The profile's store. What has expired by the mock's clock is swept out at most
    /// once a minute of mock time, as MyID's store is: only memory hygiene, since every
    /// use checks expiry itself.
    fn store(&self, now: i64) -> std::sync::MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if now >= store.next_purge {
            store.revoked.retain(|_, until| *until > now);
            store.codes.retain(|_, c| c.expires > now);
            store.refresh.retain(|_, r| r.expires > now);
            store.next_purge = now.saturating_add(crate::mock::store::PURGE_INTERVAL);
        }
        store
    }

    /// The application's path as BI's claims write it (`azp`).
    fn app_path(&self, app: &Application) -> String {
        format!(
            "tenants/{}/realms/{}/applications/{}",
            self.settings.tenant, self.settings.realm, app.id
        )
    }

    /// An identity's path (`bi_p` of a user's token).
    fn identity_path(&self, id: &str) -> String {
        format!(
            "tenants/{}/realms/{}/identities/{id}",
            self.settings.tenant, self.settings.realm
        )
    }
}

const APP: &str = "/v1/tenants/{tenant}/realms/{realm}/applications/{application}";

/// The routes of every application of the realm, and the realm's introspection.
pub fn router(app: AppState, settings: Arc<BeyondIdentitySettings>) -> Router {
    let store = Store::of(&app);
    Router::new()
        .route(
            &format!("{APP}/.well-known/openid-configuration"),
            get(discovery),
        )
        .route(&format!("{APP}/.well-known/jwks.json"), get(jwks))
        .route(&format!("{APP}/authorize"), get(authorize::authorize))
        .route(
            &format!("{APP}/sign-in"),
            get(authorize::sign_in_page).post(authorize::sign_in),
        )
        .route(&format!("{APP}/token"), post(token::token))
        .route(
            &format!("{APP}/userinfo"),
            get(revocation::userinfo).post(revocation::userinfo),
        )
        .route(&format!("{APP}/revoke"), post(revocation::revoke))
        .route(
            "/v1/tenants/{tenant}/realms/{realm}/introspect",
            post(revocation::introspect),
        )
        .with_state(Bi {
            app,
            settings,
            store,
        })
}

/// The application a request's path names, tenant and realm being this mock's: a
/// path naming none is answered with BI's 404 before any handler runs.
struct TheApp(Arc<Application>);

impl FromRequestParts<Bi> for TheApp {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, bi: &Bi) -> Result<Self, Response> {
        let Path((tenant, realm, id)) =
            Path::<(String, String, String)>::from_request_parts(parts, bi)
                .await
                .map_err(|_| not_found())?;
        (tenant == bi.settings.tenant && realm == bi.settings.realm)
            .then(|| bi.settings.application(&id).cloned())
            .flatten()
            .map(TheApp)
            .ok_or_else(not_found)
    }
}

/// The application's URL: its issuer.
fn issuer(bi: &Bi, headers: &HeaderMap, app: &Application) -> String {
    format!("{}/v1/{}", origin(headers), bi.app_path(app))
}

/// BI's Management-API shaped 404, for paths naming no application of the realm.
fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"code": "not_found", "message": "not found"}),
    )
}

/// An RFC 6749 §5.2 error (assumed: BI does not publish its token-endpoint errors).
fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    super::rfc6749_error(status, error, description, "Basic realm=\"beyondidentity\"")
}

async fn discovery(State(bi): State<Bi>, TheApp(app): TheApp, headers: HeaderMap) -> Response {
    let app = &*app;
    let iss = issuer(&bi, &headers, app);
    // Assumed contents (BI publishes the URL, not the document): what the app can do.
    let code_flow = app.allows("authorization_code");
    let mut grants: Vec<&str> = app.grant_types.iter().map(String::as_str).collect();
    if app.refresh.is_some() {
        grants.push("refresh_token");
    }
    // Fault `bi-discovery-tenant-issuer`: the realm's URL where the application's belongs.
    let named = if bi.app.fault(&faults::DISCOVERY_TENANT_ISSUER) {
        format!(
            "{}/v1/tenants/{}/realms/{}",
            origin(&headers),
            bi.settings.tenant,
            bi.settings.realm
        )
    } else {
        iss.clone()
    };
    let mut doc = json!({
        "issuer": named,
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/.well-known/jwks.json"),
        "revocation_endpoint": format!("{iss}/revoke"),
        "introspection_endpoint": format!(
            "{}/v1/tenants/{}/realms/{}/introspect",
            origin(&headers), bi.settings.tenant, bi.settings.realm
        ),
        "grant_types_supported": grants,
        "response_types_supported": if code_flow { vec!["code"] } else { vec![] },
        "token_endpoint_auth_methods_supported": if app.is_confidential() {
            vec!["client_secret_basic", "client_secret_post"]
        } else {
            vec!["none"]
        },
        "scopes_supported": app.allowed_scopes,
    });
    if code_flow {
        doc["authorization_endpoint"] = json!(format!("{iss}/authorize"));
        doc["userinfo_endpoint"] = json!(format!("{iss}/userinfo"));
        doc["response_modes_supported"] = json!(["query"]);
        doc["code_challenge_methods_supported"] = json!(["S256", "plain"]);
        doc["subject_types_supported"] = json!(["public"]);
        doc["id_token_signing_alg_values_supported"] = json!(["RS256"]);
    }
    json_response(StatusCode::OK, &doc)
}

async fn jwks(State(bi): State<Bi>, _: TheApp) -> Response {
    let mut r = json_response(
        StatusCode::OK,
        &json!({ "keys": [bi.app.config.signing_key.jwk()] }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("max-age={}", bi.settings.jwks_max_age)) {
        r.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    r
}

/// The application's client authentication: Basic or the body for a confidential app,
/// `client_id` alone in the body for a public one. `Err` is the status of the
/// `invalid_client` refusal (401 after Basic or with nothing, 400 after the body).
fn authenticate<'a>(
    app: &'a Application,
    headers: &HeaderMap,
    form: &FormParams,
) -> Result<&'a Application, StatusCode> {
    let from_basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic::parse);
    let (id, secret, by_basic) = match (&from_basic, form.present("client_id")) {
        (Some(b), _) => (b.client_id(), Some(b.secret()), true),
        (None, Some(id)) => (
            id.to_owned(),
            form.present("client_secret").map(str::to_owned),
            false,
        ),
        (None, None) => return Err(StatusCode::UNAUTHORIZED),
    };
    // A body client_id beside Basic must name the same client.
    let consistent = form.present("client_id").is_none_or(|c| c == id);
    let ok = consistent
        && id == app.client_id
        && match (&app.secret_hash, secret) {
            (Some(hash), Some(s)) => {
                verify_secret(hash, &ClientSecret::new(s)) == SecretMatch::Match
            }
            // A public app proves nothing but its id; a secret sent for it is a mistake
            // the mock refuses rather than ignores (assumed).
            (None, None) => true,
            _ => false,
        };
    if ok {
        Ok(app)
    } else if by_basic {
        Err(StatusCode::UNAUTHORIZED)
    } else {
        Err(StatusCode::BAD_REQUEST)
    }
}
