//! `POST /connect/revocation` (RFC 7009) as IdentityServer4 implements it
//! (`TokenRevocationEndpoint`, `TokenRevocationRequestValidator`), with MyID's addition
//! (manual §4.5): an access token that carries `myid.rest.basic` is recorded as revoked
//! so the Core API refuses it, and the refresh tokens of its grant die too.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::client_auth;
use crate::mock::config::Client;
use crate::mock::error::json;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::protocol::ErrorCode;

/// The API scope whose tokens MyID can revoke in its database.
const API_SCOPE: &str = "myid.rest.basic";

/// Revocation errors are 400 `{"error"}` without the token endpoint's no-cache headers.
fn error(code: ErrorCode) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({ "error": code.as_str() }),
    )
}

/// The answer to a request that is not a form post: `status` with an empty body.
fn wrong_request(state: &AppState, status: StatusCode) -> Response {
    // Fault `revocation-wrong-request-400`: the token endpoint's 400 instead.
    if state.fault(&fault::REVOCATION_WRONG_REQUEST_400) {
        return error(ErrorCode::InvalidRequest);
    }
    status.into_response()
}

pub async fn revocation(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // 405 and 415 with empty bodies, unlike the token endpoint's 400.
    if method != Method::POST {
        return wrong_request(&state, StatusCode::METHOD_NOT_ALLOWED);
    }
    if !has_form_content_type(&headers) {
        return wrong_request(&state, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let Ok(bytes) = to_bytes(body, super::token::MAX_FORM_BYTES).await else {
        return error(ErrorCode::InvalidRequest);
    };
    let form = FormParams::parse(&bytes);
    let client = match client_auth::authenticate(&state, &headers, &form) {
        // Fault `revocation-public-refused`: a client without a secret may not revoke.
        Ok(c) if !c.require_client_secret && state.fault(&fault::REVOCATION_PUBLIC_REFUSED) => {
            return error(ErrorCode::InvalidClient);
        }
        Ok(c) => c,
        Err(e) => return error(e.code),
    };
    let Some(token) = form.present("token") else {
        return error(ErrorCode::InvalidRequest);
    };
    // The hint restricts the lookup instead of ordering it: an IdentityServer departure
    // from RFC 7009 §2.1, which asks servers to search further.
    // A blank hint is no hint (`IsPresent`).
    let hint = form.present("token_type_hint").filter(|h| {
        !state.fault(&fault::UNKNOWN_HINT_IGNORED) || matches!(*h, "access_token" | "refresh_token")
    });
    let found = match hint {
        Some("access_token") => revoke_access_token(&state, client, token),
        Some("refresh_token") => revoke_refresh_token(&state, client, token),
        // Fault `revocation-needs-hint`: without a hint, only access tokens are looked for.
        None if state.fault(&fault::REVOCATION_NEEDS_HINT) => {
            revoke_access_token(&state, client, token)
        }
        None => {
            revoke_access_token(&state, client, token)
                || revoke_refresh_token(&state, client, token)
        }
        Some(_) => return error(ErrorCode::UnsupportedTokenType),
    };
    if !found && state.fault(&fault::REVOKE_UNKNOWN_REFUSED) {
        return error(ErrorCode::InvalidRequest);
    }
    // 200 and no body whatever was found (RFC 7009 §2.2).
    StatusCode::OK.into_response()
}

/// Answers whether `token` is one of this server's access tokens.
fn revoke_access_token(state: &AppState, client: &Client, token: &str) -> bool {
    let Some(claims) = state.config.signing_key.verify(token) else {
        return false;
    };
    let owner = claims
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if owner != client.client_id.as_str() && !state.fault(&fault::REVOKE_ANY_CLIENT) {
        tracing::warn!(client_id = %client.client_id, owner, "revocation of another client's token ignored");
        return true;
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let has_api_scope = claims
        .get("scope")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|v| v == API_SCOPE));
    let mut store = state.store();
    if has_api_scope && !jti.is_empty() {
        store.revoke_access_token(jti.clone(), exp);
    }
    if let Some(grant) = store.grant_of(&jti).map(str::to_owned)
        && !state.fault(&fault::REFRESH_SURVIVES_REVOCATION)
    {
        store.kill_grant(&grant);
    }
    tracing::debug!(client_id = %client.client_id, recorded = has_api_scope, "access token revoked");
    true
}

/// Answers whether `token` is a known refresh token.
fn revoke_refresh_token(state: &AppState, client: &Client, token: &str) -> bool {
    let mut store = state.store();
    let Some(record) = store.refresh(token) else {
        return false;
    };
    if record.client_id != client.client_id.as_str() && !state.fault(&fault::REVOKE_ANY_CLIENT) {
        tracing::warn!(client_id = %client.client_id, "revocation of another client's refresh token ignored");
        return true;
    }
    // IdentityServer alone deletes only this record; MyID invalidates the grant's
    // refresh tokens (manual §4.5), so the whole chain goes.
    let grant = record.grant_id.clone();
    if state.fault(&fault::REFRESH_SURVIVES_REVOCATION) {
        // The faulty server answers 200 but keeps everything.
        return true;
    }
    store.kill_grant(&grant);
    tracing::debug!(client_id = %client.client_id, "refresh token revoked");
    true
}
