//! `POST /connect/introspect` (RFC 7662) as IdentityServer4 4.1.2 answers it
//! (`IntrospectionEndpoint`, `ApiSecretValidator`, `IntrospectionRequestValidator`,
//! `IntrospectionResponseGenerator`): the caller is an API resource with a secret, not
//! a client; a token is active when it is a valid access token with at least one of
//! that resource's scopes, and the answer is its claims, `active`, and the scopes of
//! the resource it holds.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::access_tokens::valid_access_token;
use super::client_auth;
use crate::mock::error::no_cache_json;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::protocol::secret::{SecretMatch, verify_secret};

/// Long on purpose: IdentityServer's introspection in its order (method, form, caller,
/// token, scopes), each refusal a line.
pub async fn introspect(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if !has_form_content_type(&headers) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(bytes) = to_bytes(body, super::token::MAX_FORM_BYTES).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let form = FormParams::parse(&bytes);
    let resources = &state.config.auth.resources;
    let api = client_auth::presented(&state, &headers, &form).and_then(|(id, secret)| {
        let secret = secret?;
        resources.api_resources.iter().find(|r| {
            r.name == id
                && r.secrets
                    .iter()
                    .any(|h| verify_secret(h, &secret) == SecretMatch::Match)
        })
    });
    // Fault `introspection-open`: a caller that does not authenticate is taken for the
    // first API resource.
    let api = api.or_else(|| {
        state
            .fault(&fault::INTROSPECTION_OPEN)
            .then(|| resources.api_resources.first())
            .flatten()
    });
    let Some(api) = api else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(token) = form.get("token") else {
        return no_cache_json(StatusCode::BAD_REQUEST, &json!({"error": "missing_token"}));
    };
    let mut claims = match valid_access_token(&state, &super::issuer(&headers), token) {
        // A revoked token: MyID records these (manual §4.5), so it answers inactive too.
        Some(c)
            if !c
                .get("jti")
                .and_then(Value::as_str)
                .is_some_and(|j| state.is_access_token_revoked(j)) =>
        {
            c
        }
        _ if state.fault(&fault::INTROSPECTION_ALWAYS_ACTIVE) => {
            return no_cache_json(StatusCode::OK, &json!({"active": true}));
        }
        _ => return no_cache_json(StatusCode::OK, &json!({"active": false})),
    };
    if state.fault(&fault::INTROSPECTION_NEVER_ACTIVE) {
        return no_cache_json(StatusCode::OK, &json!({"active": false}));
    }
    let token_scopes: Vec<String> = match claims.remove("scope") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => s.split(' ').map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let granted: Vec<&String> = token_scopes
        .iter()
        .filter(|s| api.scopes.contains(s))
        .collect();
    if granted.is_empty() {
        return no_cache_json(StatusCode::OK, &json!({"active": false}));
    }
    let mut out: Map<String, Value> = claims;
    out.insert("active".into(), json!(true));
    out.insert(
        "scope".into(),
        json!(
            granted
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    no_cache_json(StatusCode::OK, &Value::Object(out))
}
