//! A plain OAuth 2.0 authorization server for machine clients (`serve --profile
//! client-credentials`): the client credentials grant (RFC 6749 §4.4), RFC 9068 JWT
//! access tokens, RFC 8414 metadata and a JWKS, and nothing vendor-specific. It is what
//! a service built on the shared machinery looks like when it has no quirks of its own:
//! its settings, and the shape of its token.

mod service;
pub use self::service::{ClientCredentialsService, SERVICE};

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::mock::config::{ConfigError, Settings};
use crate::mock::error::{json as json_response, no_cache_json};
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::oauth::{BothWays, credentials};
use crate::mock::profiles::{origin, rfc6749_error};
use crate::mock::state::AppState;
use crate::protocol::ErrorCode;
use crate::protocol::handle::random_hex;
use crate::protocol::jwt::ACCESS_TOKEN_TYP;

/// A client: its id, the hash of its secret, the scopes it may have.
#[derive(Debug, Clone)]
pub struct CcClient {
    client_id: String,
    secret_hash: String,
    scopes: Vec<String>,
}

/// What one mock of it serves.
#[derive(Debug, Clone)]
pub struct CcSettings {
    access_token_lifetime: i64,
    audience: String,
    scopes: Vec<String>,
    clients: Vec<CcClient>,
}

impl CcSettings {
    fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let s = settings.section("ClientCredentials");
        let lifetime = s.get("AccessTokenLifetime");
        let access_token_lifetime =
            match lifetime.value() {
                None => 3600,
                Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    ConfigError::Conversion {
                        path: lifetime.path().to_owned(),
                        value: v.to_owned(),
                        expected: "a number of seconds",
                    }
                })?,
            };
        let clients = s
            .get("Clients")
            .children()
            .iter()
            .filter_map(|c| {
                Some(CcClient {
                    client_id: c.get("ClientId").value()?.to_owned(),
                    secret_hash: c.get("SecretHash").value()?.trim().to_owned(),
                    scopes: c.get("Scopes").strings(),
                })
            })
            .collect();
        Ok(CcSettings {
            access_token_lifetime,
            audience: s.get("Audience").value().unwrap_or_default().to_owned(),
            scopes: s.get("Scopes").strings(),
            clients,
        })
    }

    fn client(&self, client_id: &str) -> Option<&CcClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }
}

type Cc = State<(AppState, Arc<CcSettings>)>;

impl CcSettings {
    /// RFC 9068 §2.2's claims, in its order.
    fn claims(
        &self,
        client: &CcClient,
        issuer: &str,
        scopes: &[String],
        now: i64,
    ) -> Map<String, Value> {
        let claims = json!({
            "iss": issuer,
            "exp": now + self.access_token_lifetime,
            "aud": self.audience,
            "sub": client.client_id,
            "client_id": client.client_id,
            "iat": now,
            "jti": random_hex(16).to_lowercase(),
            "scope": scopes.join(" "),
        });
        claims.as_object().cloned().unwrap_or_default()
    }
}

fn sign(state: &AppState, claims: &Map<String, Value>) -> Option<String> {
    state.config.signing_key.sign(ACCESS_TOKEN_TYP, claims).ok()
}

async fn metadata(State((_, settings)): Cc, headers: HeaderMap) -> Response {
    let iss = origin(&headers);
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": iss,
            "token_endpoint": format!("{iss}/token"),
            "jwks_uri": format!("{iss}/jwks"),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": [],
            "scopes_supported": settings.scopes,
        }),
    )
}

async fn jwks(State((state, _)): Cc) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "keys": [state.config.signing_key.jwk()] }),
    )
}

/// A §5.2 error: 401 with a Basic challenge for a client that authenticated by Basic
/// and was refused, 400 otherwise.
fn refuse(code: ErrorCode, description: &str, by_basic: bool) -> Response {
    let status = if code == ErrorCode::InvalidClient && by_basic {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    rfc6749_error(
        status,
        code.as_str(),
        Some(description),
        "Basic realm=\"token\"",
    )
}

async fn token(State((state, settings)): Cc, headers: HeaderMap, body: Bytes) -> Response {
    if !has_form_content_type(&headers) {
        return refuse(ErrorCode::InvalidRequest, "the body must be a form", false);
    }
    let form = FormParams::parse(&body);
    let presented = match credentials(&headers, &form, BothWays::Refuse) {
        Ok(p) => p,
        Err((code, why)) => return refuse(code, why, false),
    };
    let Some(client) = settings
        .client(&presented.id)
        .filter(|c| presented.secret_matches(&c.secret_hash))
    else {
        return refuse(
            ErrorCode::InvalidClient,
            "unknown client or wrong secret",
            presented.by_basic,
        );
    };
    match form.present("grant_type") {
        None => return refuse(ErrorCode::InvalidRequest, "grant_type is required", false),
        Some("client_credentials") => {}
        Some(_) => {
            return refuse(
                ErrorCode::UnsupportedGrantType,
                "only client_credentials",
                false,
            );
        }
    }
    let scopes: Vec<String> = match form.present("scope") {
        None => client.scopes.clone(),
        Some(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(s) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        let why = format!("'{s}' is not a scope of this client");
        return refuse(ErrorCode::InvalidScope, &why, false);
    }
    let now = state.clock.now();
    let claims = settings.claims(client, &origin(&headers), &scopes, now);
    let Some(access_token) = sign(&state, &claims) else {
        return refuse(
            ErrorCode::ServerError,
            "the token could not be signed",
            false,
        );
    };
    no_cache_json(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": settings.access_token_lifetime,
            "scope": scopes.join(" "),
        }),
    )
}
