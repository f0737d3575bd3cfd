//! Wire shapes users rely on, pinned with insta under `snapshots/`: the discovery
//! document, the JWKS, the client-credentials token response, the access token's
//! header and claims, and the token-endpoint error body. Tokens, key material, ids and
//! times are redacted; member order is part of what is pinned.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use insta::assert_json_snapshot;
use myid_conformance::mock::config::AuthSettings;
use myid_conformance::mock::keys::SigningKey;
use myid_conformance::mock::{self, AppState, MockConfig};
use myid_conformance::protocol::jwt::{Compact, decode_segment};
use myid_conformance::protocol::{Clock, basic};
use serde_json::Value;
use tower::ServiceExt as _;

fn state() -> AppState {
    AppState::new(
        MockConfig {
            auth: AuthSettings::defaults(),
            signing_key: Arc::new(SigningKey::generate().unwrap()),
            control_plane: false,
            data: std::sync::Arc::new(myid_conformance::mock::api::data::SeedData::shipped()),
            faults: Vec::new(),
        },
        Clock::manual(1_700_000_000),
    )
}

async fn call(state: &AppState, request: Request<Body>) -> (u16, Vec<(String, String)>, Value) {
    let response = mock::service(state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(k, _)| *k != "content-length")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "myid.example")
        .body(Body::empty())
        .unwrap()
}

fn token(authorization: &str, body: &str) -> Request<Body> {
    Request::post("/web.oauth2/connect/token")
        .header("host", "myid.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[tokio::test]
async fn discovery_document_and_jwks() {
    let st = state();
    let (status, _, doc) = call(&st, get("/web.oauth2/.well-known/openid-configuration")).await;
    assert_eq!(status, 200);
    let (_, _, jwks) = call(
        &st,
        get("/web.oauth2/.well-known/openid-configuration/jwks"),
    )
    .await;
    settings().bind(|| {
        assert_json_snapshot!("discovery_document", doc);
        assert_json_snapshot!("jwks", jwks, { ".keys[].kid" => "[kid]", ".keys[].n" => "[modulus]" });
    });
}

#[tokio::test]
async fn client_credentials_token_response_and_claims() {
    let st = state();
    let auth = basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c");
    let (status, headers, body) = call(
        &st,
        token(&auth, "grant_type=client_credentials&scope=myid.rest.basic"),
    )
    .await;
    assert_eq!(status, 200);
    let raw = body["access_token"].as_str().unwrap().to_owned();
    let compact = Compact::split(&raw).unwrap();
    let header: Value = decode_segment(compact.header).unwrap();
    let claims: Value = decode_segment(compact.payload).unwrap();
    settings().bind(|| {
        assert_json_snapshot!("token_response_client_credentials", serde_json::json!({"headers": headers, "body": body}), {
            ".body.access_token" => "[access_token]",
        });
        assert_json_snapshot!("access_token_header", header, { ".kid" => "[kid]" });
        assert_json_snapshot!("access_token_claims_client_credentials", claims, {
            ".nbf" => "[nbf]", ".exp" => "[exp]", ".iat" => "[iat]", ".jti" => "[jti]",
        });
    });
}

#[tokio::test]
async fn token_error_body() {
    let st = state();
    let auth = basic::encode("myid.mysystem", "wrong");
    let (status, headers, body) = call(&st, token(&auth, "grant_type=client_credentials")).await;
    assert_eq!(status, 400);
    settings().bind(|| {
        assert_json_snapshot!(
            "token_error_invalid_client",
            serde_json::json!({"status": status, "headers": headers, "body": body})
        );
    });
}
