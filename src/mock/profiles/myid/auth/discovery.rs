//! `GET /.well-known/openid-configuration` and its JWKS, in IdentityServer4 4.1.2's
//! shape (`DiscoveryResponseGenerator`): keys in emission order, URLs built from the
//! request, the issuer lower-cased.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{base_url, issuer};
use crate::mock::CaseFolded;
use crate::mock::error::json;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;

/// Discovery by POST: 405, as for any method but GET and HEAD; the document under
/// fault `discovery-any-method`.
pub async fn posted(
    State(state): State<AppState>,
    folded: Option<Extension<CaseFolded>>,
    headers: HeaderMap,
) -> Response {
    if state.fault(&fault::DISCOVERY_ANY_METHOD) {
        return document(State(state), folded, headers).await;
    }
    let mut refused = StatusCode::METHOD_NOT_ALLOWED.into_response();
    refused
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
    refused
}

/// Long on purpose: IdentityServer's document member by member in its emission order: a
/// list, not stages.
pub async fn document(
    State(state): State<AppState>,
    folded: Option<Extension<CaseFolded>>,
    headers: HeaderMap,
) -> Response {
    // Fault `paths-case-sensitive`: a path in other letter case is not found.
    if folded.is_some() && state.fault(&fault::PATHS_CASE_SENSITIVE) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let base = base_url(&headers);
    let resources = &state.config.auth.resources;
    let mut scopes: Vec<String> = resources.identity.iter().map(|r| r.name.clone()).collect();
    if !state.fault(&fault::API_SCOPE_UNPUBLISHED) {
        scopes.extend(resources.api_scopes.iter().map(|s| s.name.clone()));
    }
    // IdentityServer always appends offline_access when it shows API scopes.
    scopes.push("offline_access".into());
    let mut claims: Vec<String> = Vec::new();
    let all_claims = resources
        .identity
        .iter()
        .flat_map(|r| r.user_claims.iter())
        .chain(
            resources
                .api_scopes
                .iter()
                .flat_map(|s| s.user_claims.iter()),
        );
    for c in all_claims {
        if !claims.contains(c) {
            claims.push(c.clone());
        }
    }
    // The fixed built-in grants, then the extension grants MyID registers.
    // IdentityServer adds password only when a resource owner validator is registered,
    // which MyID does not; fault `password-advertised` adds it.
    let mut grants = vec![
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "implicit",
    ];
    if state.fault(&fault::PASSWORD_ADVERTISED) {
        grants.push("password");
    }
    grants.push("operation");
    let mut doc = Map::new();
    let mut put = |k: &str, v: Value| {
        doc.insert(k.to_owned(), v);
    };
    let slash = if state.fault(&fault::ISSUER_TRAILING_SLASH) {
        "/"
    } else {
        ""
    };
    put("issuer", json!(format!("{}{slash}", issuer(&headers))));
    put(
        "jwks_uri",
        json!(format!("{base}/.well-known/openid-configuration/jwks")),
    );
    // Every endpoint IdentityServer lists, in its order, but device authorization and
    // the front- and back-channel logout flags: the mock lists only what it serves, so
    // a client (or the harness) that follows discovery never meets a 404.
    let token = if state.fault(&fault::DISCOVERY_MISPLACES_TOKEN) {
        "token-moved"
    } else {
        "token"
    };
    for (key, path) in [
        ("authorization_endpoint", "authorize"),
        ("token_endpoint", token),
        ("userinfo_endpoint", "userinfo"),
        ("end_session_endpoint", "endsession"),
        ("check_session_iframe", "checksession"),
        ("revocation_endpoint", "revocation"),
        ("introspection_endpoint", "introspect"),
    ] {
        put(key, json!(format!("{base}/connect/{path}")));
    }
    put("scopes_supported", json!(scopes));
    put("claims_supported", json!(claims));
    put("grant_types_supported", json!(grants));
    // Fault `response-types-list-grants`: the grant types where the response types go.
    let response_types = if state.fault(&fault::RESPONSE_TYPES_LIST_GRANTS) {
        json!(["authorization_code", "refresh_token"])
    } else {
        json!([
            "code",
            "token",
            "id_token",
            "id_token token",
            "code id_token",
            "code token",
            "code id_token token"
        ])
    };
    put("response_types_supported", response_types);
    put(
        "response_modes_supported",
        json!(["form_post", "query", "fragment"]),
    );
    // IdentityServer adds private_key_jwt when its assertion parser is registered: as
    // MyID would for a client with a key (a secret of Type JWK), assumed.
    let mut methods = vec!["client_secret_basic", "client_secret_post"];
    if state
        .config
        .auth
        .clients
        .all()
        .iter()
        .any(|c| c.enabled && c.secrets.iter().any(|s| s.kind == "JWK"))
    {
        methods.push("private_key_jwt");
    }
    put("token_endpoint_auth_methods_supported", json!(methods));
    put("id_token_signing_alg_values_supported", json!(["RS256"]));
    put("subject_types_supported", json!(["public"]));
    // Advertised even though clients forbid plain by default, as IdentityServer does.
    put("code_challenge_methods_supported", json!(["plain", "S256"]));
    put("request_parameter_supported", json!(true));
    json(StatusCode::OK, &Value::Object(doc))
}

pub async fn jwks(State(state): State<AppState>) -> Response {
    json(
        StatusCode::OK,
        &json!({ "keys": [state.config.signing_key.jwk()] }),
    )
}
