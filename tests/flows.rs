//! Properties of the code flow against a real (embedded) mock over HTTP: every valid
//! PKCE verifier completes a code exchange and every other length is refused; and a
//! model of sliding/absolute refresh expiry agrees with the mock over random sequences
//! of waits and refreshes.

use std::sync::OnceLock;

use myid_conformance::mock::config::{AuthSettings, Settings};
use myid_conformance::mock::{MockConfig, MockServer};
use myid_conformance::protocol::{Clock, PkceVerifier, pkce};
use proptest::prelude::*;

mod common;
use common::{REDIRECT, browser as http, claims, runtime, sign_in};
use serde_json::Value;

const SLIDING: u64 = 100;
const ABSOLUTE: u64 = 500;

/// The shipped settings plus a public PKCE client with short refresh lifetimes.
fn config() -> MockConfig {
    static CONFIG: OnceLock<MockConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut s = Settings::default();
            s.layer(
                myid_conformance::mock::config::DEFAULT_APPSETTINGS,
                "defaults",
            )
            .unwrap();
            // Array entries merge by index: empty objects keep the shipped clients.
            let keep: Vec<Value> = (0..8).map(|_| serde_json::json!({})).collect();
            let mut clients = keep;
            clients.push(serde_json::json!({
                "ClientId": "short.lived", "AllowedGrantTypes": ["authorization_code"],
                "RequireClientSecret": false, "AllowOfflineAccess": true,
                "SlidingRefreshTokenLifetime": SLIDING, "AbsoluteRefreshTokenLifetime": ABSOLUTE,
                "AllowedScopes": ["myid.rest.basic"], "RedirectUris": [REDIRECT]
            }));
            clients.push(serde_json::json!({
                "ClientId": "fresh.claims", "AllowedGrantTypes": ["authorization_code"],
                "RequireClientSecret": false, "AllowOfflineAccess": true,
                "UpdateAccessTokenClaimsOnRefresh": true,
                "AllowedScopes": ["openid", "myid.rest.basic"], "RedirectUris": [REDIRECT]
            }));
            s.layer(
                &serde_json::json!({ "Clients": clients }).to_string(),
                "test",
            )
            .unwrap();
            let auth = AuthSettings::from_settings(&s).unwrap();
            assert!(
                auth.clients.find_enabled("short.lived").is_some()
                    && auth.clients.find_enabled("myid.mysystem").is_some()
            );
            let mut config = myid_conformance::MockBuilder::new(myid_conformance::Profile::MYID)
                .config()
                .unwrap();
            config.auth = auth;
            config
        })
        .clone()
}

async fn token(client: &reqwest::Client, base: &str, params: &[(&str, &str)]) -> (u16, Value) {
    let r = client
        .post(format!("{base}/web.oauth2/connect/token"))
        .form(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_verifier_completes_a_code_exchange(verifier in "[A-Za-z0-9._~-]{43,128}") {
        let (status, body) = runtime().block_on(async {
            let mock = MockServer::start(config(), Clock::manual(1_700_000_000)).await.unwrap();
            let (c, base) = (http(), mock.base_url());
            let challenge = pkce::s256_challenge(&PkceVerifier::new(verifier.clone()));
            let code = sign_in(&c, &base, "myid.myclient", challenge.as_str(), "myid.rest.basic").await;
            token(&c, &base, &[("grant_type", "authorization_code"), ("client_id", "myid.myclient"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", &verifier)]).await
        });
        prop_assert_eq!(status, 200, "{}", body);
        prop_assert!(body["access_token"].is_string());
    }

    #[test]
    fn verifiers_of_any_other_length_are_refused(len in prop_oneof![0usize..43, 129usize..300]) {
        let (status, body) = runtime().block_on(async {
            let mock = MockServer::start(config(), Clock::manual(1_700_000_000)).await.unwrap();
            let (c, base) = (http(), mock.base_url());
            let verifier = "a".repeat(len);
            // The challenge is of the wrong-length verifier, so only the length can fail.
            let challenge = pkce::s256_challenge(&PkceVerifier::new(verifier.clone()));
            let code = sign_in(&c, &base, "myid.myclient", challenge.as_str(), "myid.rest.basic").await;
            token(&c, &base, &[("grant_type", "authorization_code"), ("client_id", "myid.myclient"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", &verifier)]).await
        });
        prop_assert_eq!(status, 400);
        prop_assert_eq!(body["error"].as_str(), Some("invalid_grant"));
    }

    #[test]
    fn sliding_and_absolute_expiry_follow_the_model(waits in prop::collection::vec(0u64..=(SLIDING + 20), 1..24)) {
        let outcomes = runtime().block_on(async {
            let clock = Clock::manual(1_700_000_000);
            let mock = MockServer::start(config(), clock.clone()).await.unwrap();
            let (c, base) = (http(), mock.base_url());
            let verifier = pkce::generate_verifier();
            let challenge = pkce::s256_challenge(&verifier);
            let code = sign_in(&c, &base, "short.lived", challenge.as_str(), "myid.rest.basic offline_access").await;
            let (_, body) = token(&c, &base, &[("grant_type", "authorization_code"), ("client_id", "short.lived"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", verifier.expose())]).await;
            let mut handle = body["refresh_token"].as_str().unwrap().to_owned();
            let mut outcomes = Vec::new();
            for wait in &waits {
                clock.advance(*wait as i64).unwrap();
                let (status, body) = token(&c, &base, &[("grant_type", "refresh_token"), ("client_id", "short.lived"), ("refresh_token", &handle)]).await;
                if let Some(next) = body["refresh_token"].as_str() {
                    handle = next.to_owned();
                }
                outcomes.push(status == 200);
            }
            outcomes
        });
        // The model: counted from the first token, each use extends the expiry to
        // min(elapsed + sliding, absolute); using it after expiry fails, and so does
        // everything after that.
        let (mut elapsed, mut expires_at, mut alive) = (0u64, SLIDING.min(ABSOLUTE), true);
        let mut expected = Vec::new();
        for wait in &waits {
            elapsed += wait;
            let ok = alive && elapsed <= expires_at;
            if ok {
                expires_at = (elapsed + SLIDING).min(ABSOLUTE);
            } else {
                alive = false;
            }
            expected.push(ok);
        }
        prop_assert_eq!(outcomes, expected, "waits {:?}", waits);
    }
}

/// IdentityServer's `UpdateAccessTokenClaimsOnRefresh`: off (the default), a refresh
/// re-signs the stored token, so its `jti` repeats; on, the token is made anew. A
/// refresh of an OpenID grant also brings an id_token, without the nonce.
#[test]
fn update_access_token_claims_on_refresh_makes_a_new_token() {
    runtime().block_on(async {
        let mock = MockServer::start(config(), Clock::manual(1_700_000_000))
            .await
            .unwrap();
        let (c, base) = (http(), mock.base_url());
        let mut jtis = Vec::new();
        for client_id in ["short.lived", "fresh.claims"] {
            let verifier = pkce::generate_verifier();
            let challenge = pkce::s256_challenge(&verifier);
            let scope = if client_id == "fresh.claims" {
                "openid myid.rest.basic offline_access"
            } else {
                "myid.rest.basic offline_access"
            };
            let code = sign_in(&c, &base, client_id, challenge.as_str(), scope).await;
            let (_, first) = token(
                &c,
                &base,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", client_id),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier.expose()),
                ],
            )
            .await;
            let (status, second) = token(
                &c,
                &base,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id),
                    ("refresh_token", first["refresh_token"].as_str().unwrap()),
                ],
            )
            .await;
            assert_eq!(status, 200, "{second}");
            let jti = |b: &Value| claims(b["access_token"].as_str().unwrap())["jti"].clone();
            jtis.push((jti(&first), jti(&second)));
            if client_id == "fresh.claims" {
                let id = claims(second["id_token"].as_str().expect("an id_token on refresh"));
                assert!(
                    id.get("nonce").is_none()
                        && id.get("sid").is_none()
                        && id["at_hash"].is_string(),
                    "{id}"
                );
            }
        }
        assert_eq!(
            jtis[0].0, jtis[0].1,
            "the default re-signs the stored token"
        );
        assert_ne!(
            jtis[1].0, jtis[1].1,
            "UpdateAccessTokenClaimsOnRefresh makes a new one"
        );
    });
}

/// A blank `token_type_hint` counts as no hint (IdentityServer's `IsPresent`): the
/// refresh token is found and revoked.
#[test]
fn a_blank_revocation_hint_is_no_hint() {
    runtime().block_on(async {
        let mock = MockServer::start(config(), Clock::manual(1_700_000_000))
            .await
            .unwrap();
        let (c, base) = (http(), mock.base_url());
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        let code = sign_in(
            &c,
            &base,
            "short.lived",
            challenge.as_str(),
            "myid.rest.basic offline_access",
        )
        .await;
        let (_, body) = token(
            &c,
            &base,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", "short.lived"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier.expose()),
            ],
        )
        .await;
        let refresh = body["refresh_token"].as_str().unwrap();
        let r = c
            .post(format!("{base}/web.oauth2/connect/revocation"))
            .form(&[
                ("client_id", "short.lived"),
                ("token", refresh),
                ("token_type_hint", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let (status, _) = token(
            &c,
            &base,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", "short.lived"),
                ("refresh_token", refresh),
            ],
        )
        .await;
        assert_eq!(status, 400, "the revoked refresh token is refused");
    });
}

/// Walks /authorize with `prompt=consent` for `scope`, signs in, and answers the
/// consent page with `decision` (the button and the scopes ticked); returns where the
/// browser was sent.
async fn consent(
    c: &reqwest::Client,
    base: &str,
    scope: &str,
    decision: &[(&str, &str)],
    challenge: &str,
) -> String {
    use myid_conformance::harness::flow::resolve;
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", "myid.myclient"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
            ("prompt", "consent"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let authorize = format!("{base}/web.oauth2/connect/authorize?{query}");
    let mut url = common::answer_consent(c, &authorize, decision).await;
    // Allowed: the callback with the decision answers the client.
    for _ in 0..3 {
        if url.starts_with(REDIRECT) {
            return url;
        }
        let r = c.get(&url).send().await.unwrap();
        url = resolve(&url, r.headers()["location"].to_str().unwrap());
    }
    panic!("the flow did not reach the client");
}

/// The consent page (prompt=consent, as for a client with RequireConsent): "no" sends
/// access_denied to the client; allowing only some scopes grants only those.
#[test]
fn the_consent_page_grants_what_the_user_allows() {
    runtime().block_on(async {
        let mock = MockServer::start(config(), Clock::manual(1_700_000_000))
            .await
            .unwrap();
        let base = mock.base_url();
        let refused = consent(
            &http(),
            &base,
            "openid myid.rest.basic",
            &[("button", "no")],
            "x".repeat(43).as_str(),
        )
        .await;
        assert!(refused.contains("error=access_denied"), "{refused}");
        let verifier = pkce::generate_verifier();
        let challenge = pkce::s256_challenge(&verifier);
        let c = http();
        let back = consent(
            &c,
            &base,
            "openid myid.rest.basic",
            &[("ScopesConsented", "myid.rest.basic"), ("button", "yes")],
            challenge.as_str(),
        )
        .await;
        let code = back
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("code="))
            .expect("a code")
            .to_owned();
        let (status, body) = token(
            &c,
            &base,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", "myid.myclient"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier.expose()),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["scope"], "myid.rest.basic", "openid was not allowed");
        assert!(body.get("id_token").is_none());
    });
}
