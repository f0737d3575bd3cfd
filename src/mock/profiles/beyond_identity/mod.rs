//! Beyond Identity (Secure Access, API v1): each application's token endpoint,
//! discovery document, keys and revocation under
//! `/v1/tenants/{t}/realms/{r}/applications/{a}/`, and introspection at the realm.
//! This first part serves the client-credentials grant; the authorization-code flow,
//! refresh tokens and userinfo are still to come (so discovery lists none of them).
//!
//! Documented (BI's developer docs): the issuer is the application URL; Basic or the
//! body for a confidential app; space-delimited `scope`, all of the app's allowed
//! scopes when none is asked for; `expiration_time` at most the app's "Expires"
//! (86400 s by default) and `custom_claims` as `bi_custom`; RS256 JWTs with `jku` and
//! `kid` in the header, `aud` an array, and the `bi_*` claims; `token_type` `Bearer`;
//! introspection answering `active: false` for revoked, expired or foreign tokens;
//! revocation answering 200 with an empty body whatever the token.
//!
//! Assumed: RFC 6749 §5.2 error bodies (401 with a Basic challenge after Basic), 400
//! `invalid_request` for an `expiration_time` over the limit or `custom_claims` that is
//! not a JSON object, the `jku` being the application's JWKS URL, the header order
//! `typ, alg, kid, jku`, and the claim order.

pub mod settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Map, Value, json};

pub use self::settings::{Application, BeyondIdentitySettings, DEFAULT_APPSETTINGS};
use super::origin;
use crate::mock::error::{json as json_response, no_cache_json};
use crate::mock::faults::Fault;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::keys::Rsa;
use crate::mock::state::AppState;
use crate::protocol::handle::random_hex;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, basic};

/// Revoked token ids, each kept until its token would have expired anyway.
#[derive(Debug, Default)]
struct Store {
    revoked: HashMap<String, i64>,
}

#[derive(Clone)]
struct Bi {
    app: AppState,
    settings: Arc<BeyondIdentitySettings>,
    store: Arc<Mutex<Store>>,
}

impl Bi {
    /// The revoked-token record, with the ids of tokens that have expired by the mock's
    /// clock swept out first: every read and write of it passes here.
    fn store(&self, now: i64) -> std::sync::MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        store.revoked.retain(|_, until| *until > now);
        store
    }
}

const APP: &str = "/v1/tenants/{tenant}/realms/{realm}/applications/{application}";

/// The routes of every application of the realm, and the realm's introspection.
pub fn router(app: AppState, settings: Arc<BeyondIdentitySettings>) -> Router {
    let store = app.vendor_store::<Mutex<Store>>().unwrap_or_default();
    Router::new()
        .route(
            &format!("{APP}/.well-known/openid-configuration"),
            get(discovery),
        )
        .route(&format!("{APP}/.well-known/jwks.json"), get(jwks))
        .route(&format!("{APP}/token"), post(token))
        .route(&format!("{APP}/revoke"), post(revoke))
        .route(
            "/v1/tenants/{tenant}/realms/{realm}/introspect",
            post(introspect),
        )
        .with_state(Bi {
            app,
            settings,
            store,
        })
}

/// The application a path names, if tenant and realm are this mock's.
fn application<'a>(bi: &'a Bi, tenant: &str, realm: &str, id: &str) -> Option<&'a Application> {
    (tenant == bi.settings.tenant && realm == bi.settings.realm)
        .then(|| bi.settings.application(id))
        .flatten()
}

/// The application's URL: its issuer.
fn issuer(bi: &Bi, headers: &HeaderMap, app: &Application) -> String {
    format!(
        "{}/v1/tenants/{}/realms/{}/applications/{}",
        origin(headers),
        bi.settings.tenant,
        bi.settings.realm,
        app.id
    )
}

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

async fn discovery(
    State(bi): State<Bi>,
    Path((tenant, realm, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(app) = application(&bi, &tenant, &realm, &id) else {
        return not_found();
    };
    let iss = issuer(&bi, &headers, app);
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": iss,
            "token_endpoint": format!("{iss}/token"),
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "revocation_endpoint": format!("{iss}/revoke"),
            "introspection_endpoint": format!(
                "{}/v1/tenants/{}/realms/{}/introspect",
                origin(&headers), bi.settings.tenant, bi.settings.realm
            ),
            "grant_types_supported": ["client_credentials"],
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": app.allowed_scopes,
        }),
    )
}

async fn jwks(
    State(bi): State<Bi>,
    Path((tenant, realm, id)): Path<(String, String, String)>,
) -> Response {
    if application(&bi, &tenant, &realm, &id).is_none() {
        return not_found();
    }
    let mut r = json_response(
        StatusCode::OK,
        &json!({ "keys": [bi.app.config.signing_key.jwk()] }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("max-age={}", bi.settings.jwks_max_age)) {
        r.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    r
}

/// The application's credentials, by Basic or the body; `Err` is the status of the
/// `invalid_client` refusal (401 after Basic or with none, 400 after the body).
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
        (Some(b), _) => (b.client_id(), b.secret(), true),
        (None, Some(id)) => (
            id.to_owned(),
            form.get("client_secret").unwrap_or_default().to_owned(),
            false,
        ),
        (None, None) => return Err(StatusCode::UNAUTHORIZED),
    };
    let ok = id == app.client_id
        && verify_secret(&app.secret_hash, &ClientSecret::new(secret)) == SecretMatch::Match;
    if ok {
        Ok(app)
    } else {
        Err(if by_basic {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        })
    }
}

/// The JOSE header of BI's tokens (assumed order: the docs' example starts `typ, alg`).
#[derive(Serialize)]
struct BiHeader<'a> {
    typ: &'static str,
    alg: &'static str,
    kid: &'a str,
    jku: String,
}

async fn token(
    State(bi): State<Bi>,
    Path((tenant, realm, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(app) = application(&bi, &tenant, &realm, &id) else {
        return not_found();
    };
    if !has_form_content_type(&headers) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None);
    }
    let form = FormParams::parse(&body);
    let app = match authenticate(app, &headers, &form) {
        Ok(a) => a,
        Err(status) => return oauth_error(status, "invalid_client", None),
    };
    match form.present("grant_type") {
        Some("client_credentials") => {}
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None),
        Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None),
    }
    let scopes: Vec<String> = match form.present("scope") {
        None => app.allowed_scopes.clone(),
        Some(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(s) = scopes.iter().find(|s| !app.allowed_scopes.contains(s)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            Some(&format!("'{s}' is not an allowed scope of the application")),
        );
    }
    let lifetime = match form.present("expiration_time") {
        None => app.expires,
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 && n <= app.expires => n,
            _ if bi.app.fault(Fault::BiExpirationIgnored) => app.expires,
            _ => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    Some("expiration_time must be seconds, at most the application's Expires"),
                );
            }
        },
    };
    let lifetime = if bi.app.fault(Fault::BiExpirationIgnored) {
        app.expires
    } else {
        lifetime
    };
    let custom = match form.present("custom_claims") {
        None => None,
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => Some(v),
            _ => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    Some("custom_claims must be a JSON object"),
                );
            }
        },
    };
    let now = bi.app.clock.now();
    let iss = issuer(&bi, &headers, app);
    let path = format!(
        "tenants/{}/realms/{}/applications/{}",
        bi.settings.tenant, bi.settings.realm, app.id
    );
    let mut aud = vec![app.client_id.clone()];
    aud.extend(app.audience.iter().cloned());
    let mut claims = Map::new();
    for (k, v) in [
        ("iss", json!(iss)),
        ("sub", json!(app.subject)),
        ("aud", json!(aud)),
        ("exp", json!(now + lifetime)),
        ("nbf", json!(now)),
        ("iat", json!(now)),
        ("jti", json!(random_hex(16).to_lowercase())),
        ("scope", json!(scopes.join(" "))),
        ("azp", json!(path)),
        ("bi_p", json!(path)),
        ("bi_t", json!(bi.settings.tenant)),
        ("bi_r", json!(bi.settings.realm)),
        ("bi_ty", json!("client_credentials")),
        ("bi_s", json!("")),
        ("bi_x", json!(random_hex(16).to_lowercase())),
    ] {
        claims.insert(k.into(), v);
    }
    if let Some(c) = custom
        && !bi.app.fault(Fault::BiCustomClaimsDropped)
    {
        claims.insert("bi_custom".into(), c);
    }
    let key = &bi.app.config.signing_key;
    let header = BiHeader {
        typ: "JWT",
        alg: "RS256",
        kid: key.kid(),
        jku: format!("{iss}/.well-known/jwks.json"),
    };
    let Ok(access_token) = key.sign_with_header(Rsa::Rs256, &header, &claims) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    no_cache_json(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": scopes.join(" "),
        }),
    )
}

/// A token of this mock's: its claims, if the signature verifies.
fn claims_of(bi: &Bi, token: &str) -> Option<Map<String, Value>> {
    let key = &bi.app.config.signing_key;
    key.verify_with::<Map<String, Value>>(Rsa::Rs256, key.kid(), token)
}

async fn revoke(
    State(bi): State<Bi>,
    Path((tenant, realm, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(app) = application(&bi, &tenant, &realm, &id) else {
        return not_found();
    };
    let form = FormParams::parse(&body);
    if let Err(status) = authenticate(app, &headers, &form) {
        return oauth_error(status, "invalid_client", None);
    }
    // Only the app's own tokens; anything else is answered 200 all the same (RFC 7009 §2.2).
    let now = bi.app.clock.now();
    if let Some(claims) = form.get("token").and_then(|t| claims_of(&bi, t))
        && claims
            .get("azp")
            .and_then(Value::as_str)
            .is_some_and(|p| p.ends_with(&app.id))
        && let (Some(jti), Some(exp)) = (
            claims.get("jti").and_then(Value::as_str),
            claims.get("exp").and_then(Value::as_i64),
        )
    {
        bi.store(now).revoked.insert(jti.to_owned(), exp);
    }
    StatusCode::OK.into_response()
}

async fn introspect(
    State(bi): State<Bi>,
    Path((tenant, realm)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if tenant != bi.settings.tenant || realm != bi.settings.realm {
        return not_found();
    }
    let form = FormParams::parse(&body);
    // Basic with the credentials of any application of the realm.
    let caller = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic::parse)
        .and_then(|b| {
            let id = b.client_id();
            bi.settings
                .applications
                .iter()
                .find(|a| a.client_id == id)
                .filter(|a| {
                    verify_secret(&a.secret_hash, &ClientSecret::new(b.secret()))
                        == SecretMatch::Match
                })
        });
    if caller.is_none() {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", None);
    }
    let now = bi.app.clock.now();
    let claims = form.get("token").and_then(|t| claims_of(&bi, t));
    let active = claims.as_ref().is_some_and(|c| {
        let exp = c.get("exp").and_then(Value::as_i64).unwrap_or(0);
        let revoked = c
            .get("jti")
            .and_then(Value::as_str)
            .is_some_and(|j| bi.store(now).revoked.contains_key(j))
            && !bi.app.fault(Fault::BiRevokedStillActive);
        exp > now && !revoked
    });
    let mut body = json!({ "active": active });
    if active && let (Some(c), Some(obj)) = (claims, body.as_object_mut()) {
        obj.extend(c);
    }
    no_cache_json(StatusCode::OK, &body)
}
