//! Genetec ClearID: the STS token endpoint (`/connect/token`) with client credentials
//! and the RFC 7523 §2.1 jwt-bearer grant, its discovery document and keys, and the
//! Identity Service's `GET /api/v2/accounts/{accountid}/identities`.
//!
//! Documented (ClearID's developer guide and the tokens it publishes): the secret in
//! the body and no scope needed; the jwt-bearer grant with an assertion whose
//! `iss` = `sub` = client id and `aud` = `iams-sts`; RS512 access tokens of `typ`
//! `at+jwt` with a `kid`, at most 3600 s, the claims in the published order, `scope` an
//! array in the token and a string in the response, `account_id` a string for one
//! account and an array for several; no refresh token; the API takes the bearer token.
//!
//! Assumed (the STS is IdentityServer4 by every published sign, so its behaviour fills
//! the gaps): HTTP Basic also works; errors are IdentityServer's (`invalid_client`,
//! `invalid_grant`, `unsupported_grant_type`, 400); discovery and keys at
//! IdentityServer's paths; an assertion's `jti` works once and its lifetime is at most
//! an hour; the API answers 401 for a bad token and 403 for another account's.

pub mod faults;
use self::faults as fault;
pub(crate) mod mint;
mod service;
pub mod settings;
pub use self::service::{ClearIdService, SERVICE};

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};

pub use self::settings::{ClearIdClient, ClearIdSettings, DEFAULT_APPSETTINGS, Identity};
use super::origin;
use crate::mock::assertion::{self, MAX_ASSERTION, SKEW, SpentIds};
use crate::mock::error::{OAuthError, json as json_response, no_cache_json};
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::keys::{Rsa, verify_signed_by};
use crate::mock::oauth::{BothWays, credentials};
use crate::mock::state::AppState;
use crate::protocol::ErrorCode;
use crate::protocol::handle::random_hex;

/// RFC 7523 §2.1's grant type.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Assertion ids already used ([`Caps::vendor_records`](crate::mock::capped::Caps)).
#[derive(Debug, Default)]
struct Store {
    used_jti: SpentIds,
}

impl Store {
    fn of(app: &AppState) -> Arc<Mutex<Store>> {
        app.vendor_store(|caps| {
            Mutex::new(Store {
                used_jti: SpentIds::new("ClearID assertion ids", caps.vendor_records),
            })
        })
        .unwrap_or_default()
    }
}

#[derive(Clone)]
struct ClearId {
    app: AppState,
    settings: Arc<ClearIdSettings>,
    store: Arc<Mutex<Store>>,
}

/// Assertion ids the mock remembers now (for the bounds tests).
pub fn records_held(app: &AppState) -> usize {
    Some(Store::of(app)).map_or(0, |s| {
        s.lock().unwrap_or_else(|p| p.into_inner()).used_jti.len()
    })
}

/// The STS and Identity Service routes.
pub fn router(app: AppState, settings: Arc<ClearIdSettings>) -> Router {
    let store = Store::of(&app);
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/.well-known/openid-configuration/jwks", get(jwks))
        .route("/connect/token", post(token))
        .route("/api/v2/accounts/{account}/identities", get(identities))
        .with_state(ClearId {
            app,
            settings,
            store,
        })
}

async fn discovery(State(c): State<ClearId>, headers: HeaderMap) -> Response {
    let o = origin(&headers);
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": c.settings.issuer(&o),
            "jwks_uri": format!("{o}/.well-known/openid-configuration/jwks"),
            "token_endpoint": format!("{o}/connect/token"),
            "grant_types_supported": ["client_credentials", JWT_BEARER],
            // No authorize endpoint is served, so no response type is supported.
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "id_token_signing_alg_values_supported": ["RS512"],
        }),
    )
}

async fn jwks(State(c): State<ClearId>) -> Response {
    let mut key = c.app.config.signing_key.jwk();
    key["kid"] = json!(c.settings.signing_key_id);
    key["alg"] = json!("RS512");
    json_response(StatusCode::OK, &json!({ "keys": [key] }))
}

/// The claims of a ClearID access token, in the order ClearID's tokens carry them.
#[derive(Serialize)]
struct AccessClaims<'a> {
    nbf: i64,
    exp: i64,
    iss: &'a str,
    client_id: &'a str,
    sub: &'a str,
    auth_time: i64,
    idp: &'static str,
    email: &'a str,
    role: &'static str,
    account_id: Value,
    #[serde(flatten)]
    per_account: serde_json::Map<String, Value>,
    jti: String,
    iat: i64,
    scope: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    amr: Option<[&'static str; 1]>,
}

fn error(code: ErrorCode) -> Response {
    OAuthError::new(code).into_response()
}

async fn token(State(c): State<ClearId>, headers: HeaderMap, body: Bytes) -> Response {
    if !has_form_content_type(&headers) {
        return error(ErrorCode::InvalidRequest);
    }
    let form = FormParams::parse(&body);
    // Fault `clearid-body-secret-refused`: only HTTP Basic authenticates.
    let read = if c.app.fault(&fault::BODY_SECRET_REFUSED)
        && !headers.contains_key(header::AUTHORIZATION)
    {
        FormParams::default()
    } else {
        form.clone()
    };
    // IdentityServer's parsers: a Basic header wins over the body.
    let presented = match credentials(&headers, &read, BothWays::BasicWins) {
        Ok(p) => p,
        Err(_) => return error(ErrorCode::InvalidClient),
    };
    let id = presented.id.clone();
    let Some(client) = c.settings.client(&id) else {
        return error(ErrorCode::InvalidClient);
    };
    let now = c.app.clock.now();
    let grant = form.present("grant_type").unwrap_or_default();
    let by_assertion = match grant {
        "client_credentials" => {
            let ok = client
                .secret_hash
                .as_deref()
                .is_some_and(|hash| presented.secret_matches(hash));
            if !ok && !c.app.fault(&fault::ANY_SECRET) {
                return error(ErrorCode::InvalidClient);
            }
            false
        }
        JWT_BEARER => {
            if let Err(e) = check_assertion(&c, client, form.get("assertion"), now) {
                tracing::debug!(client_id = %id, reason = e, "assertion refused");
                return OAuthError::described(ErrorCode::InvalidGrant, e).into_response();
            }
            true
        }
        // Fault `clearid-missing-grant-invalid-request`.
        "" if c.app.fault(&fault::MISSING_GRANT_INVALID_REQUEST) => {
            return error(ErrorCode::InvalidRequest);
        }
        // A missing grant type too: IdentityServer calls it unsupported.
        _ => return error(ErrorCode::UnsupportedGrantType),
    };
    issue(
        &c,
        client,
        &c.settings.issuer(&origin(&headers)),
        now,
        by_assertion,
    )
}

/// RFC 7523 §3's checks of an assertion: signed (RS512) by the client's registered
/// key, `iss` and `sub` the client, `aud` the STS, not expired, not before its `nbf`,
/// at most an hour long, its `jti` not seen before.
fn check_assertion(
    c: &ClearId,
    client: &ClearIdClient,
    assertion: Option<&str>,
    now: i64,
) -> Result<(), &'static str> {
    let assertion = assertion.filter(|a| !a.is_empty()).ok_or("no assertion")?;
    if assertion.len() > MAX_ASSERTION {
        return Err("the assertion is longer than a JWT may be");
    }
    let key = client
        .assertion_key
        .as_deref()
        .ok_or("the client has no registered key")?;
    let claims: assertion::Claims = match verify_signed_by(key, Rsa::Rs512, assertion) {
        Some((_, claims)) => claims,
        None if c.app.fault(&fault::ASSERTION_UNVERIFIED) => {
            let payload = assertion.split('.').nth(1).ok_or("not a JWT")?;
            crate::protocol::jwt::decode_segment(payload).ok_or("not a JWT")?
        }
        None => return Err("the signature does not verify with the client's key"),
    };
    let audiences = [c.settings.assertion_audience.clone()];
    let expected = assertion::Expected {
        client_id: client.client_id.as_str(),
        audiences: &audiences,
        max_lifetime: Some(3600),
    };
    let lenient = assertion::Lenience {
        issuer: c.app.fault(&fault::ISSUER_IGNORED),
        audience: c.app.fault(&fault::AUDIENCE_IGNORED),
        expiry: c.app.fault(&fault::EXPIRED_ASSERTION),
        replay: c.app.fault(&fault::ASSERTION_REPLAYABLE),
    };
    let mut store = c.store.lock().unwrap_or_else(|p| p.into_inner());
    assertion::check(&claims, &expected, now, lenient, &mut store.used_jti)
}

/// The claims of a token for `client` at `now`, in ClearID's order.
fn access_claims(
    settings: &ClearIdSettings,
    client: &ClearIdClient,
    issuer: &str,
    now: i64,
    by_assertion: bool,
    scopes: &[String],
) -> serde_json::Map<String, Value> {
    let account_id = match client.accounts.as_slice() {
        [one] => json!(one),
        many => json!(many),
    };
    let mut per_account = serde_json::Map::new();
    for a in &client.accounts {
        per_account.insert(format!("{a}_state"), json!("Active"));
        per_account.insert(format!("{a}_role"), json!("admin"));
        per_account.insert(format!("{a}_is_delegate"), json!(false));
    }
    let claims = AccessClaims {
        nbf: now,
        exp: now + settings.access_token_lifetime,
        // The STS origin, the issuer discovery gives.
        iss: issuer,
        client_id: &client.client_id,
        sub: &client.subject,
        auth_time: now,
        idp: "local",
        email: &client.subject,
        role: "Service",
        account_id,
        per_account,
        jti: random_hex(16),
        iat: now,
        scope: scopes,
        amr: by_assertion.then_some(["assertion"]),
    };
    match serde_json::to_value(&claims) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn issue(
    c: &ClearId,
    client: &ClearIdClient,
    issuer: &str,
    now: i64,
    by_assertion: bool,
) -> Response {
    let lifetime = c.settings.access_token_lifetime;
    let claims = access_claims(
        &c.settings,
        client,
        issuer,
        now,
        by_assertion,
        &client.scopes,
    );
    let alg = if c.app.fault(&fault::SIGNS_RS256) {
        Rsa::Rs256
    } else {
        Rsa::Rs512
    };
    let Ok(access_token) =
        c.app
            .config
            .signing_key
            .sign_with(alg, &c.settings.signing_key_id, "at+jwt", &claims)
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    no_cache_json(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "expires_in": lifetime,
            "token_type": "Bearer",
            "scope": client.scopes.join(" "),
        }),
    )
}

/// The claims the Identity Service reads from a bearer token.
#[derive(serde::Deserialize)]
struct ApiClaims {
    exp: Option<i64>,
    nbf: Option<i64>,
    iss: Option<String>,
    #[serde(default)]
    account_id: Value,
}

async fn identities(
    State(c): State<ClearId>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Response {
    let unauthorized = super::bearer_challenge;
    let Some(token) = super::bearer(&headers) else {
        // Fault `clearid-identities-open`: no token, no questions.
        if c.app.fault(&fault::IDENTITIES_OPEN) {
            return json_response(StatusCode::OK, &json!(identities_of(&c, &account)));
        }
        return unauthorized();
    };
    let Some(claims) = c.app.config.signing_key.verify_with::<ApiClaims>(
        Rsa::Rs512,
        &c.settings.signing_key_id,
        token,
    ) else {
        return unauthorized();
    };
    let now = c.app.clock.now();
    // Issued by this mock's STS, which the Identity Service trusts on another host (the
    // document's STS and Identity Service are two hosts): the configured authority, or
    // any http(s) origin when none is configured, since only this STS signs with the key
    // (assumed: the API checks the issuer, as an ASP.NET API does). In time as ASP.NET's
    // JWT handler counts it, both ends inclusive.
    let live = claims.exp.is_some_and(|exp| now <= exp + SKEW)
        && claims.nbf.is_none_or(|nbf| nbf <= now + SKEW);
    let iss_ok = claims
        .iss
        .as_deref()
        .is_some_and(|iss| match &c.settings.authority {
            Some(authority) => iss == authority,
            None => iss.starts_with("https://") || iss.starts_with("http://"),
        });
    if !live || !iss_ok {
        crate::mock::journal::because(if live {
            "the token's issuer is not the STS's"
        } else {
            "the token has expired or is not yet valid"
        });
        return unauthorized();
    }
    let reaches = match &claims.account_id {
        Value::String(a) => a.eq_ignore_ascii_case(&account),
        Value::Array(v) => v
            .iter()
            .filter_map(Value::as_str)
            .any(|a| a.eq_ignore_ascii_case(&account)),
        _ => false,
    };
    if !reaches && !c.app.fault(&fault::ANY_ACCOUNT) {
        return StatusCode::FORBIDDEN.into_response();
    }
    json_response(StatusCode::OK, &json!(identities_of(&c, &account)))
}

/// The identities of `account`.
fn identities_of<'a>(c: &'a ClearId, account: &str) -> Vec<&'a Identity> {
    c.settings
        .identities
        .iter()
        .filter(|i| i.account.eq_ignore_ascii_case(account))
        .collect()
}
