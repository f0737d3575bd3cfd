//! `POST /connect/token`, validated in IdentityServer4 4.1.2's order
//! (`TokenEndpoint`, `TokenRequestValidator`): HTTP shape, client authentication,
//! `grant_type`, then the grant's own checks.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{client_auth, issuer};
use crate::mock::config::Client;
use crate::mock::error::{OAuthError, no_cache_json};
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::state::AppState;
use crate::protocol::handle::random_hex;
use crate::protocol::jwt::{ACCESS_TOKEN_TYP, AccessTokenClaims, Audience};
use crate::protocol::token::{BEARER, TokenResponse};
use crate::protocol::{ErrorCode, Scopes};

/// The largest form body read: ASP.NET Core's form value limit (4 MiB). Up to it,
/// unknown parameters are ignored as IdentityServer ignores them; beyond it ASP.NET
/// fails the request, and the mock answers invalid_request rather than an error page.
const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;
/// `InputLengthRestrictions.GrantType`, `.Scope`, `.AuthorizationCode`, `.RefreshToken`.
const MAX_GRANT_TYPE: usize = 100;
const MAX_SCOPE: usize = 300;
const MAX_HANDLE: usize = 100;
const OFFLINE_ACCESS: &str = "offline_access";

pub async fn token(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match handle(&state, &method, &headers, body).await {
        Ok(response) => response,
        Err(error) => {
            tracing::info!(error = %error.code, "token request refused");
            error.into_response()
        }
    }
}

async fn handle(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, OAuthError> {
    let err = OAuthError::new;
    if method != Method::POST || !has_form_content_type(headers) {
        return Err(err(ErrorCode::InvalidRequest));
    }
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| err(ErrorCode::InvalidRequest))?;
    let form = FormParams::parse(&bytes);
    let client = client_auth::authenticate(state, headers, &form)?;
    // A missing or over-long grant_type is unsupported_grant_type, not invalid_request.
    let grant_type = form
        .present("grant_type")
        .filter(|g| g.len() <= MAX_GRANT_TYPE)
        .ok_or(err(ErrorCode::UnsupportedGrantType))?;
    let response = match grant_type {
        "client_credentials" => client_credentials(state, client, &form, &issuer(headers))?,
        "authorization_code" => {
            if !(client.allows_grant("authorization_code") || client.allows_grant("hybrid")) {
                return Err(err(ErrorCode::UnauthorizedClient));
            }
            // Codes are only minted by /connect/authorize, which this server does not
            // serve yet, so every code presented is unknown.
            let _code = form.present("code").filter(|c| c.len() <= MAX_HANDLE);
            return Err(err(ErrorCode::InvalidGrant));
        }
        "refresh_token" => {
            form.present("refresh_token")
                .ok_or(err(ErrorCode::InvalidRequest))?;
            // No grant issues refresh tokens yet, so every handle presented is unknown.
            return Err(err(ErrorCode::InvalidGrant));
        }
        "password" | "urn:ietf:params:oauth:grant-type:device_code" => {
            if !client.allows_grant(grant_type) {
                return Err(err(ErrorCode::UnauthorizedClient));
            }
            // MyID registers no resource-owner validator and no device flow.
            return Err(err(ErrorCode::UnsupportedGrantType));
        }
        // Anything else is an extension grant: unknown to the client or without a
        // validator, it is unsupported_grant_type (IdentityServer's `ExtensionGrantValidator`).
        _ => return Err(err(ErrorCode::UnsupportedGrantType)),
    };
    tracing::info!(client_id = %client.client_id, grant_type, "token issued");
    Ok(response)
}

/// `ValidateClientCredentialsRequestAsync` and the response for it.
fn client_credentials(
    state: &AppState,
    client: &Client,
    form: &FormParams,
    issuer: &str,
) -> Result<Response, OAuthError> {
    if !client.allows_grant("client_credentials") {
        return Err(OAuthError::new(ErrorCode::UnauthorizedClient));
    }
    let scopes = client_credentials_scopes(state, client, form.get("scope"))?;
    let access_token = issue_access_token(state, client, &scopes, issuer)?;
    let body = TokenResponse {
        id_token: None,
        access_token,
        expires_in: client.access_token_lifetime,
        token_type: BEARER.into(),
        refresh_token: None,
        scope: scopes.to_param(),
    };
    Ok(no_cache_json(StatusCode::OK, &body))
}

/// Requested scopes for client credentials, validated: API scopes only, each allowed
/// for the client and known; no identity scopes and never `offline_access`. Without a
/// `scope` parameter the client gets all of its allowed API scopes. The result is
/// sorted, as IdentityServer's `ParseScopesString` sorts.
fn client_credentials_scopes(
    state: &AppState,
    client: &Client,
    requested: Option<&str>,
) -> Result<Scopes, OAuthError> {
    let invalid = || OAuthError::new(ErrorCode::InvalidScope);
    let resources = &state.config.auth.resources;
    let scopes = match requested.filter(|s| !s.trim().is_empty()) {
        Some(s) if s.len() > MAX_SCOPE => return Err(invalid()),
        Some(s) => Scopes::parse(s),
        None => Scopes::from_names(
            client
                .allowed_scopes
                .iter()
                .filter(|s| resources.is_api_scope(s))
                .cloned(),
        ),
    };
    if scopes.is_empty() {
        return Err(invalid());
    }
    for scope in scopes.names() {
        let allowed = client.allowed_scopes.iter().any(|a| a == scope);
        if scope == OFFLINE_ACCESS || !allowed || !resources.is_api_scope(scope) {
            return Err(invalid());
        }
    }
    Ok(scopes.sorted())
}

/// Mints a JWT access token on the mock's clock: `exp = nbf + AccessTokenLifetime`.
fn issue_access_token(
    state: &AppState,
    client: &Client,
    scopes: &Scopes,
    issuer: &str,
) -> Result<String, OAuthError> {
    let now = state.clock.now();
    let resources = &state.config.auth.resources;
    let claims = AccessTokenClaims {
        nbf: now,
        exp: now + client.access_token_lifetime,
        iss: issuer.to_owned(),
        aud: Audience::from_names(resources.audiences_for(scopes.names())),
        client_id: client.client_id.to_string(),
        sub: None,
        auth_time: None,
        idp: None,
        jti: client.include_jwt_id.then(|| random_hex(16)),
        sid: None,
        iat: now,
        scope: scopes.names().to_vec(),
        amr: None,
    };
    state
        .config
        .signing_key
        .sign(ACCESS_TOKEN_TYP, &claims)
        .map_err(|e| {
            tracing::error!("cannot sign an access token: {e}");
            OAuthError::new(ErrorCode::ServerError)
        })
}
