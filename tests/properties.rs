//! Properties over arbitrary input: RFC 6749 §2.3.1 Basic encoding round-trips and the
//! mock accepts any id and secret so encoded; no malformed token request, however odd,
//! gets anything but a documented OAuth error (never a 5xx); PKCE grammar.

use axum::body::Body;
use axum::http::{HeaderValue, Request};
use myid_conformance::mock::config::{AuthSettings, Settings};
use myid_conformance::mock::{self, AppState, MockBuilder, Profile};
use myid_conformance::protocol::{
    ClientSecret, Clock, ErrorCode, PkceVerifier, basic, pkce, secret,
};
use proptest::prelude::*;

mod common;
use common::runtime;
use tower::ServiceExt as _;

fn state(settings_json: Option<&str>) -> AppState {
    let auth = match settings_json {
        Some(json) => {
            let mut s = Settings::default();
            s.layer(json, "test").unwrap();
            AuthSettings::from_settings(&s).unwrap()
        }
        None => AuthSettings::defaults(),
    };
    let mut config = MockBuilder::new(Profile::MYID).config().unwrap();
    config.auth = auth;
    AppState::new(config, Clock::manual(1_700_000_000))
}

/// Sends one request through the router; answers status and body.
fn call(state: &AppState, request: Request<Body>) -> (u16, Vec<u8>) {
    runtime().block_on(async {
        let response = mock::service(state.clone()).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body.to_vec())
    })
}

fn token_request(
    content_type: Option<&str>,
    authorization: Option<HeaderValue>,
    body: Vec<u8>,
) -> Request<Body> {
    // Every HTTP/1.1 client sends Host; the mock refuses a request without one.
    let mut r = Request::post("/web.oauth2/connect/token").header("host", "myid.example");
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    if let Some(a) = authorization {
        r = r.header("authorization", a);
    }
    r.body(Body::from(body)).unwrap()
}

fn id_or_secret() -> impl Strategy<Value = String> {
    prop::string::string_regex("[a-zA-Z0-9 :%+/@.~_ü€-]{1,24}")
        .unwrap()
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn basic_encoding_round_trips(id in "\\PC{1,40}", secret in "\\PC{0,40}") {
        let header = basic::encode(&id, &secret);
        let raw = basic::parse(&header).expect("an encoded header parses");
        prop_assert_eq!(raw.client_id(), id);
        prop_assert_eq!(raw.secret(), secret);
    }

    #[test]
    fn form_encoding_uses_only_safe_characters(value in "\\PC{0,60}") {
        let encoded = basic::form_urlencode(&value);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+%".contains(&b)));
        prop_assert_eq!(basic::form_urldecode(&encoded), value);
    }

    #[test]
    fn the_mock_accepts_any_client_encoded_per_rfc6749(id in id_or_secret(), plain in id_or_secret()) {
        let encoded_len = basic::form_urlencode(&id).len().max(basic::form_urlencode(&plain).len());
        // IdentityServer's 100-character limit applies to the encoded values.
        prop_assume!(encoded_len <= 100);
        let hash = secret::hash_secret(&ClientSecret::new(plain.clone()));
        let config = serde_json::json!({"Clients": [{
            "ClientId": id, "AllowedGrantTypes": ["client_credentials"],
            "ClientSecrets": [{"Value": hash}], "AllowedScopes": ["myid.rest.basic"]
        }]});
        let st = state(Some(&config.to_string()));
        let header = HeaderValue::from_str(&basic::encode(&id, &plain)).unwrap();
        let (status, body) = call(&st, token_request(Some("application/x-www-form-urlencoded"), Some(header), b"grant_type=client_credentials".to_vec()));
        prop_assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let wrong = HeaderValue::from_str(&basic::encode(&id, &format!("{plain}x"))).unwrap();
        let (status, _) = call(&st, token_request(Some("application/x-www-form-urlencoded"), Some(wrong), b"grant_type=client_credentials".to_vec()));
        prop_assert_eq!(status, 400);
    }

    #[test]
    fn malformed_token_requests_get_a_documented_error(
        body in prop::collection::vec(any::<u8>(), 0..400),
        content_type in prop::option::of(prop::sample::select(vec![
            "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin1",
            "application/json", "text/plain", "multipart/form-data", "", ";;;",
        ])),
        authorization in prop::option::of(prop::collection::vec(0x20u8..=0xFF, 0..120)),
    ) {
        let st = state(None);
        let auth = authorization.and_then(|bytes| HeaderValue::from_bytes(&bytes).ok());
        let (status, body) = call(&st, token_request(content_type, auth, body));
        prop_assert!(status == 400 || status == 200, "status {}", status);
        if status == 400 {
            let json: serde_json::Value = serde_json::from_slice(&body).expect("a JSON error body");
            let code = json["error"].as_str().unwrap_or_default();
            prop_assert!(ErrorCode::parse(code).is_some(), "undocumented error {}", code);
        }
    }

    #[test]
    fn form_bodies_with_client_credentials_never_fail_the_server(
        params in prop::collection::vec(("[a-zA-Z_]{1,12}", "\\PC{0,40}"), 0..8),
    ) {
        let st = state(None);
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        for (k, v) in &params {
            form.append_pair(k, v);
        }
        let header = HeaderValue::from_str(&basic::encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c")).unwrap();
        let (status, body) = call(&st, token_request(Some("application/x-www-form-urlencoded"), Some(header), form.finish().into_bytes()));
        prop_assert!(status == 200 || status == 400, "status {}", status);
        if status == 400 {
            // Only the scope can be wrong here.
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert_eq!(json["error"].as_str(), Some("invalid_scope"));
        }
    }

    #[test]
    fn valid_verifiers_give_43_character_challenges(v in "[A-Za-z0-9._~-]{43,128}") {
        prop_assert!(pkce::verifier_is_well_formed(&v));
        let c = pkce::s256_challenge(&PkceVerifier::new(v));
        prop_assert_eq!(c.as_str().len(), 43);
        prop_assert!(c.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn verifiers_outside_the_grammar_are_refused(v in "[A-Za-z0-9._~-]{0,42}|[A-Za-z0-9._~-]{129,160}|[A-Za-z0-9]{20,40}[+/= !][A-Za-z0-9]{20,40}") {
        prop_assert!(!pkce::verifier_is_well_formed(&v));
    }
}
