//! Recorded exchanges that prove a check can fail, for rules no fault of the mock breaks
//! as well as a foreign server does: a shape only another server gets wrong (a key set
//! leaking its private half, an error description in another alphabet, a token without
//! `expires_in`). Each replay runs the check on what a broken server answered (several
//! are what the CI peers answer: oidc-provider's token response without `Pragma`,
//! oauth2-mock-server's introspection that is always active) and on what a correct one
//! answers; the self-test asserts the first breaks the rule and the second holds, and
//! `myid-conformance rules` lists it as the rule's proof.

use serde_json::{Value, json};

use super::checks::api::{self, Page};
use super::checks::jwt::{self, Jwt};
use super::checks::{Check, beyond_identity as bi, clearid, discovery, http, oidc, token};
use super::client::RecordedResponse;
use super::flow::AuthorizeOutcome;
use crate::protocol::jwt::b64url;
use crate::protocol::rules::oauth;

/// One recorded proof of a check.
pub struct Replay {
    /// What the broken server did.
    pub what: &'static str,
    /// The check on the broken server's answer: it must find its rule broken.
    pub broken: fn() -> Check,
    /// The same check on a correct answer: it must hold.
    pub correct: fn() -> Check,
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> RecordedResponse {
    RecordedResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn json_response(status: u16, body: Value) -> RecordedResponse {
    response(
        status,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}

/// A JWT with this header and these claims, and a signature no check here reads.
fn jwt(header: Value, claims: Value) -> Jwt {
    let raw = format!(
        "{}.{}.c2lnbmF0dXJl",
        b64url(header.to_string()),
        b64url(claims.to_string())
    );
    Jwt::decode(&raw).expect("a JSON object's claims decode")
}

/// An HMAC id_token signed with `secret`.
fn hs256(claims: Value, secret: &str) -> Jwt {
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let raw = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("HMAC signing never fails");
    Jwt::decode(&raw).expect("a signed JWT decodes")
}

fn access_token(claims: Value) -> Jwt {
    jwt(json!({"alg": "RS256", "typ": "at+jwt", "kid": "k"}), claims)
}

fn token_response(extra: Value) -> RecordedResponse {
    let mut body = json!({"access_token": "eyJ.a.b", "token_type": "Bearer", "expires_in": 3600});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    json_response(200, body)
}

fn page(number: usize, ids: &[i64], next: bool) -> Page {
    Page {
        number,
        rows: ids
            .iter()
            .map(|i| json!({"RequestID": i, "InitiationDate": format!("2024-01-{:02}", i)}))
            .collect(),
        next: next.then(|| format!("reports/100406?page={}&order_by=InitiationDate", number + 1)),
    }
}

fn signed_in(outcome_url: &str, params: &[(&str, &str)]) -> AuthorizeOutcome {
    AuthorizeOutcome::ToClient {
        url: outcome_url.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

const RSA_KEY: &str = r#"{"kty":"RSA","use":"sig","kid":"k1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}"#;

/// Every recorded proof: the catalogue's first rules' here, the reach's in [`reach`].
pub fn all() -> impl Iterator<Item = &'static Replay> {
    REPLAYS.iter().chain(reach::REPLAYS)
}

mod reach;

/// The recorded proofs of the catalogue's first rules.
pub static REPLAYS: &[Replay] = &[
    // RFC 6749 §5.1: the token response.
    Replay {
        what: "a token response whose access_token is empty",
        broken: || token::access_token_present(&token_response(json!({"access_token": ""}))),
        correct: || token::access_token_present(&token_response(json!({}))),
    },
    Replay {
        what: "a token response that does not say how long the token lives",
        broken: || {
            token::expires_in_given(&json_response(
                200,
                json!({"access_token": "a", "token_type": "Bearer"}),
            ))
        },
        correct: || token::expires_in_given(&token_response(json!({}))),
    },
    Replay {
        what: "expires_in written as a string",
        broken: || token::expires_in_positive(&token_response(json!({"expires_in": "3600"}))),
        correct: || token::expires_in_positive(&token_response(json!({}))),
    },
    Replay {
        what: "a token served as text/plain",
        broken: || {
            http::json_content_type(
                &response(
                    200,
                    &[("content-type", "text/plain")],
                    r#"{"access_token":"a"}"#,
                ),
                &oauth::RFC6749_TOKEN_ISSUED,
            )
        },
        correct: || {
            http::json_content_type(&token_response(json!({})), &oauth::RFC6749_TOKEN_ISSUED)
        },
    },
    Replay {
        what: "oidc-provider's token response: Cache-Control: no-store and no Pragma",
        broken: || {
            http::pragma_no_cache(&response(
                200,
                &[("cache-control", "no-store")],
                r#"{"access_token":"a"}"#,
            ))
        },
        correct: || {
            http::pragma_no_cache(&response(
                200,
                &[("pragma", "no-cache")],
                r#"{"access_token":"a"}"#,
            ))
        },
    },
    Replay {
        what: "oidc-provider drops an unknown scope and says nothing of what it granted",
        broken: || token::scope_returned(&token_response(json!({})), "openid no.such.scope"),
        correct: || {
            token::scope_returned(
                &token_response(json!({"scope": "openid"})),
                "openid no.such.scope",
            )
        },
    },
    // RFC 6749 §5.2: the error response.
    Replay {
        what: "an error description with quotes and an accented letter",
        broken: || {
            token::error_charset(&json_response(
                400,
                json!({"error": "invalid_grant", "error_description": "le code \"x\" est expiré"}),
            ))
        },
        correct: || {
            token::error_charset(&json_response(
                400,
                json!({"error": "invalid_grant", "error_description": "the code has expired"}),
            ))
        },
    },
    Replay {
        what: "invalid_grant answered 401",
        broken: || token::error_status(&json_response(401, json!({"error": "invalid_grant"}))),
        correct: || token::error_status(&json_response(400, json!({"error": "invalid_grant"}))),
    },
    Replay {
        what: "a token error served as an HTML page",
        broken: || {
            http::json_content_type(
                &response(
                    400,
                    &[("content-type", "text/html")],
                    "<h1>Bad Request</h1>",
                ),
                &oauth::RFC6749_ERROR_JSON,
            )
        },
        correct: || {
            http::json_content_type(
                &json_response(400, json!({"error": "invalid_request"})),
                &oauth::RFC6749_ERROR_JSON,
            )
        },
    },
    // RFC 6750: bearer challenges.
    Replay {
        what: "a 401 without WWW-Authenticate",
        broken: || super::checks::introspection::bearer_challenge(&response(401, &[], "")),
        correct: || {
            super::checks::introspection::bearer_challenge(&response(
                401,
                &[("www-authenticate", "Bearer")],
                "",
            ))
        },
    },
    Replay {
        what: "userinfo answers a request without a token 403 with a Basic challenge",
        broken: || {
            super::checks::introspection::bearer_required(&response(
                403,
                &[("www-authenticate", "Basic")],
                "",
            ))
        },
        correct: || {
            super::checks::introspection::bearer_required(&response(
                401,
                &[("www-authenticate", "Bearer realm=\"op\"")],
                "",
            ))
        },
    },
    Replay {
        what: "a refused token answered with a bare Bearer challenge",
        broken: || {
            super::checks::introspection::bearer_error_attribute(
                &response(401, &[("www-authenticate", "Bearer")], ""),
                true,
            )
        },
        correct: || {
            super::checks::introspection::bearer_error_attribute(
                &response(
                    401,
                    &[("www-authenticate", "Bearer error=\"invalid_token\"")],
                    "",
                ),
                true,
            )
        },
    },
    Replay {
        what: "a request without a token told invalid_token",
        broken: || {
            super::checks::introspection::bearer_error_attribute(
                &response(
                    401,
                    &[("www-authenticate", "Bearer error=\"invalid_token\"")],
                    "",
                ),
                false,
            )
        },
        correct: || {
            super::checks::introspection::bearer_error_attribute(
                &response(401, &[("www-authenticate", "Bearer realm=\"api\"")], ""),
                false,
            )
        },
    },
    // RFC 7517: key sets.
    Replay {
        what: "a key set served as an empty array",
        broken: || discovery::jwk_set(&json_response(200, json!({"keys": []}))),
        correct: || discovery::jwk_set(&response(200, &[], &format!(r#"{{"keys":[{RSA_KEY}]}}"#))),
    },
    Replay {
        what: "an RSA key without its exponent",
        broken: || {
            discovery::jwks_keys_well_formed(
                &json!({"keys": [{"kty": "RSA", "kid": "k1", "n": "sXch"}]}),
            )
        },
        correct: || {
            discovery::jwks_keys_well_formed(
                &json!({"keys": [serde_json::from_str::<Value>(RSA_KEY).unwrap_or_default()]}),
            )
        },
    },
    Replay {
        what: "two keys of one type under one kid, after a rotation",
        broken: || {
            discovery::jwks_distinct_kids(
                &json!({"keys": [{"kty": "RSA", "kid": "k1"}, {"kty": "RSA", "kid": "k1"}]}),
            )
        },
        correct: || {
            discovery::jwks_distinct_kids(
                &json!({"keys": [{"kty": "RSA", "kid": "k1"}, {"kty": "RSA", "kid": "k2"}]}),
            )
        },
    },
    Replay {
        what: "a key set that publishes the private exponent",
        broken: || {
            discovery::jwks_public_only(
                &json!({"keys": [{"kty": "RSA", "kid": "k1", "n": "sXch", "e": "AQAB", "d": "X4cTt"}]}),
            )
        },
        correct: || {
            discovery::jwks_public_only(
                &json!({"keys": [{"kty": "RSA", "kid": "k1", "n": "sXch", "e": "AQAB"}]}),
            )
        },
    },
    // RFC 8414 and OpenID Connect Discovery: metadata.
    Replay {
        what: "a discovery URL that serves the sign-in page",
        broken: || {
            http::json_object_body(
                &response(
                    200,
                    &[("content-type", "text/html")],
                    "<!doctype html><title>Sign in</title>",
                ),
                &oauth::RFC8414_JSON,
            )
        },
        correct: || {
            http::json_object_body(
                &json_response(200, json!({"issuer": "https://op"})),
                &oauth::RFC8414_JSON,
            )
        },
    },
    Replay {
        what: "metadata without token_endpoint",
        broken: || {
            discovery::required_members(&json!({"issuer": "https://op", "authorization_endpoint": "https://op/a", "response_types_supported": ["code"]}))[0].clone()
        },
        correct: || {
            discovery::required_members(&json!({"issuer": "https://op", "authorization_endpoint": "https://op/a", "token_endpoint": "https://op/t", "response_types_supported": ["code"]}))[0].clone()
        },
    },
    Replay {
        what: "an OpenID Provider's metadata without jwks_uri",
        broken: || {
            discovery::required_members(&json!({"subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"]}))[1].clone()
        },
        correct: || {
            discovery::required_members(&json!({"jwks_uri": "https://op/jwks", "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"]}))[1].clone()
        },
    },
    Replay {
        what: "metadata that leaves grant_types_supported out though the server serves client credentials",
        broken: || {
            discovery::list_includes(
                &json!({"issuer": "https://op"}),
                "grant_types_supported",
                "client_credentials",
                &oauth::RFC8414_GRANT_TYPES,
            )
        },
        correct: || {
            discovery::list_includes(
                &json!({"grant_types_supported": ["client_credentials"]}),
                "grant_types_supported",
                "client_credentials",
                &oauth::RFC8414_GRANT_TYPES,
            )
        },
    },
    Replay {
        what: "metadata that lists only client_secret_post though clients use Basic",
        broken: || {
            discovery::list_includes(
                &json!({"token_endpoint_auth_methods_supported": ["client_secret_post"]}),
                "token_endpoint_auth_methods_supported",
                "client_secret_basic",
                &oauth::RFC8414_AUTH_METHODS,
            )
        },
        correct: || {
            discovery::list_includes(
                &json!({}),
                "token_endpoint_auth_methods_supported",
                "client_secret_basic",
                &oauth::RFC8414_AUTH_METHODS,
            )
        },
    },
    Replay {
        what: "a code-flow server whose metadata says nothing of PKCE",
        broken: || {
            discovery::pkce_methods_published(
                &json!({"grant_types_supported": ["authorization_code"]}),
            )
        },
        correct: || {
            discovery::pkce_methods_published(
                &json!({"grant_types_supported": ["authorization_code"], "code_challenge_methods_supported": ["S256"]}),
            )
        },
    },
    Replay {
        what: "metadata whose jwks_uri is on another host",
        broken: || {
            discovery::endpoints_under_issuer(
                &json!({"issuer": "https://op/id", "token_endpoint": "https://op/id/connect/token", "jwks_uri": "https://keys.example/jwks"}),
            )
        },
        correct: || {
            discovery::endpoints_under_issuer(
                &json!({"issuer": "https://op/id", "token_endpoint": "https://op/id/connect/token", "jwks_uri": "https://op/id/jwks"}),
            )
        },
    },
    // RFC 9068: JWT access tokens.
    Replay {
        what: "an access token with alg none",
        broken: || jwt::alg_signed(&jwt(json!({"alg": "none", "typ": "at+jwt"}), json!({}))),
        correct: || jwt::alg_signed(&access_token(json!({}))),
    },
    Replay {
        what: "an access token signed HS256 with a shared secret",
        broken: || jwt::alg_asymmetric(&jwt(json!({"alg": "HS256", "typ": "at+jwt"}), json!({}))),
        correct: || jwt::alg_asymmetric(&access_token(json!({}))),
    },
    Replay {
        what: "a JWT access token of typ JWT",
        broken: || jwt::typ_at_jwt(&jwt(json!({"alg": "RS256", "typ": "JWT"}), json!({}))),
        correct: || jwt::typ_at_jwt(&access_token(json!({}))),
    },
    Replay {
        what: "an access token issued under the server's internal host name",
        broken: || {
            jwt::iss_is_issuer(
                &access_token(json!({"iss": "http://localhost:8080/realms/a"})),
                "https://login.example/realms/a",
            )
        },
        correct: || {
            jwt::iss_is_issuer(
                &access_token(json!({"iss": "https://login.example/realms/a"})),
                "https://login.example/realms/a",
            )
        },
    },
    Replay {
        what: "an access token naming the resource owner as client_id",
        broken: || jwt::client_id_claim(&access_token(json!({"client_id": "alice"})), "spa"),
        correct: || jwt::client_id_claim(&access_token(json!({"client_id": "spa"})), "spa"),
    },
    Replay {
        what: "an access token stamped by a clock an hour fast",
        broken: || {
            jwt::valid_now(
                &access_token(json!({"nbf": 10_000, "iat": 10_000, "exp": 13_600})),
                6_400,
                60,
            )
        },
        correct: || {
            jwt::valid_now(
                &access_token(json!({"nbf": 6_400, "iat": 6_400, "exp": 10_000})),
                6_400,
                60,
            )
        },
    },
    Replay {
        what: "an access token without a scope claim",
        broken: || jwt::scope_claim(&access_token(json!({})), "api"),
        correct: || jwt::scope_claim(&access_token(json!({"scope": "api"})), "api"),
    },
    Replay {
        what: "IdentityServer's scope claim, an array",
        broken: || jwt::scope_claim_string(&access_token(json!({"scope": ["api"]}))),
        correct: || jwt::scope_claim_string(&access_token(json!({"scope": "api"}))),
    },
    Replay {
        what: "a token response stamped a second apart from its token",
        broken: || jwt::lifetime_exact(&access_token(json!({"iat": 100, "exp": 3_701})), 3_600),
        correct: || jwt::lifetime_exact(&access_token(json!({"iat": 100, "exp": 3_700})), 3_600),
    },
    // OpenID Connect: the id_token and userinfo.
    Replay {
        what: "an OpenID code exchange without an id_token",
        broken: || oidc::id_token_issued(&json!({"access_token": "a"})),
        correct: || {
            oidc::id_token_issued(&json!({"id_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}))
        },
    },
    Replay {
        what: "an id_token for another client",
        broken: || {
            oidc::id_token_for_client(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"iss": "https://op", "aud": "other"}),
                ),
                "https://op",
                "spa",
            )
        },
        correct: || {
            oidc::id_token_for_client(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"iss": "https://op", "aud": "spa"}),
                ),
                "https://op",
                "spa",
            )
        },
    },
    Replay {
        what: "an HMAC id_token signed with another secret",
        broken: || {
            jwt::signature_verifies(
                &hs256(json!({"sub": "s"}), "not-the-client-secret"),
                &json!({"keys": []}),
                Some("client-secret"),
                &crate::protocol::rules::openid::OIDC_ID_TOKEN_SIGNED,
            )
        },
        correct: || {
            jwt::signature_verifies(
                &hs256(json!({"sub": "s"}), "client-secret"),
                &json!({"keys": []}),
                Some("client-secret"),
                &crate::protocol::rules::openid::OIDC_ID_TOKEN_SIGNED,
            )
        },
    },
    Replay {
        what: "an id_token without sub",
        broken: || oidc::id_token_sub(&jwt(json!({"alg": "RS256"}), json!({"iss": "https://op"}))),
        correct: || {
            oidc::id_token_sub(&jwt(
                json!({"alg": "RS256"}),
                json!({"sub": "248289761001"}),
            ))
        },
    },
    Replay {
        what: "an id_token that expired when it was issued",
        broken: || {
            oidc::id_token_current(
                &jwt(json!({"alg": "RS256"}), json!({"iat": 100, "exp": 100})),
                100,
                0,
            )
        },
        correct: || {
            oidc::id_token_current(
                &jwt(json!({"alg": "RS256"}), json!({"iat": 100, "exp": 400})),
                100,
                0,
            )
        },
    },
    Replay {
        what: "an at_hash of another access token",
        broken: || {
            oidc::at_hash(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"at_hash": "77QmUPtjPfzWtF2AnpK9RQ"}),
                ),
                "another-access-token",
            )
        },
        correct: || {
            oidc::at_hash(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"at_hash": "77QmUPtjPfzWtF2AnpK9RQ"}),
                ),
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
            )
        },
    },
    Replay {
        what: "an id_token with auth_time 0",
        broken: || {
            oidc::id_token_auth_time(
                &jwt(json!({"alg": "RS256"}), json!({"auth_time": 0})),
                (1_700_000_000, 1_700_000_060),
            )
        },
        correct: || {
            oidc::id_token_auth_time(
                &jwt(json!({"alg": "RS256"}), json!({"auth_time": 1_700_000_010})),
                (1_700_000_000, 1_700_000_060),
            )
        },
    },
    Replay {
        what: "IdentityServer's id_token without sid",
        broken: || {
            oidc::id_token_identityserver_claims(&jwt(
                json!({"alg": "RS256"}),
                json!({"sub": "s", "auth_time": 1, "idp": "local", "amr": ["pwd"]}),
            ))
        },
        correct: || {
            oidc::id_token_identityserver_claims(&jwt(
                json!({"alg": "RS256"}),
                json!({"sid": "x", "sub": "s", "auth_time": 1, "idp": "local", "amr": ["pwd"]}),
            ))
        },
    },
    Replay {
        what: "a signed-in user's IdentityServer access token without idp",
        broken: || {
            jwt::required_claims(
                &access_token(json!({"auth_time": 1, "amr": ["pwd"]})),
                &["auth_time", "idp", "amr"],
                &crate::protocol::rules::identityserver::IS4_USER_CLAIMS,
            )
        },
        correct: || {
            jwt::required_claims(
                &access_token(json!({"auth_time": 1, "idp": "local", "amr": ["pwd"]})),
                &["auth_time", "idp", "amr"],
                &crate::protocol::rules::identityserver::IS4_USER_CLAIMS,
            )
        },
    },
    Replay {
        what: "an authorization response without session_state",
        broken: || oidc::session_state(None),
        correct: || oidc::session_state(Some("c0ffee.salt")),
    },
    Replay {
        what: "a logged-out page with no way back to the client",
        broken: || {
            oidc::post_logout_redirect(
                Some(&AuthorizeOutcome::Page {
                    url: "https://op/logged-out".into(),
                    status: 200,
                    body: "You are signed out.".into(),
                    form_left: false,
                }),
                "https://client/out",
                "s1",
            )
        },
        correct: || {
            oidc::post_logout_redirect(
                Some(&AuthorizeOutcome::Page {
                    url: "https://op/logged-out".into(),
                    status: 200,
                    body: r#"<a href="https://client/out?state=s1">back</a>"#.into(),
                    form_left: false,
                }),
                "https://client/out",
                "s1",
            )
        },
    },
    Replay {
        what: "IdentityServer's token response with scope before access_token",
        broken: || {
            token::member_order(
                &response(200, &[], r#"{"scope":"a","access_token":"t"}"#),
                &["access_token", "scope"],
            )
        },
        correct: || {
            token::member_order(
                &response(200, &[], r#"{"access_token":"t","scope":"a"}"#),
                &["access_token", "scope"],
            )
        },
    },
    Replay {
        what: "a code of 32 lower-case hexadecimal characters",
        broken: || super::checks::authorize::code_format(&"a".repeat(32)),
        correct: || super::checks::authorize::code_format(&"A".repeat(64)),
    },
    // Products' token shapes.
    Replay {
        what: "a ClearID token whose account_id is a number",
        broken: || clearid::account_id_shape(&access_token(json!({"account_id": 42}))),
        correct: || clearid::account_id_shape(&access_token(json!({"account_id": ["a", "b"]}))),
    },
    Replay {
        what: "a ClearID token whose claims are sorted by name",
        broken: || {
            clearid::claim_order(&access_token(
                json!({"aud": "x", "client_id": "c", "exp": 2, "iss": "i", "nbf": 1}),
            ))
        },
        correct: || {
            clearid::claim_order(&access_token(
                json!({"nbf": 1, "exp": 2, "iss": "i", "aud": "x", "client_id": "c"}),
            ))
        },
    },
    Replay {
        what: "a ClearID token living two hours",
        broken: || {
            clearid::lifetime_at_most(&access_token(json!({"nbf": 0, "exp": 7_200})), 7_200, 3_600)
        },
        correct: || {
            clearid::lifetime_at_most(&access_token(json!({"nbf": 0, "exp": 3_600})), 3_600, 3_600)
        },
    },
    Replay {
        what: "a token bought with an assertion whose amr says pwd",
        broken: || clearid::amr_lists(&access_token(json!({"amr": ["pwd"]})), "assertion"),
        correct: || clearid::amr_lists(&access_token(json!({"amr": ["assertion"]})), "assertion"),
    },
    Replay {
        what: "a Beyond Identity token whose aud is one string",
        broken: || bi::aud_array(&access_token(json!({"aud": "cid"})), "cid"),
        correct: || bi::aud_array(&access_token(json!({"aud": ["cid", "http://api"]})), "cid"),
    },
    Replay {
        what: "a Beyond Identity token whose bi_r is another realm's",
        broken: || {
            bi::bi_claims(
                &access_token(
                    json!({"bi_t": "t", "bi_r": "r2", "bi_p": "tenants/t/realms/r/applications/a", "azp": "tenants/t/realms/r/applications/a", "bi_ty": "client_credentials"}),
                ),
                "client_credentials",
            )
        },
        correct: || {
            bi::bi_claims(
                &access_token(
                    json!({"bi_t": "t", "bi_r": "r", "bi_p": "tenants/t/realms/r/applications/a", "azp": "tenants/t/realms/r/applications/a", "bi_ty": "client_credentials"}),
                ),
                "client_credentials",
            )
        },
    },
    Replay {
        what: "a signed-in user's Beyond Identity token naming the application as principal",
        broken: || {
            bi::bi_p_identity(&access_token(
                json!({"sub": "u1", "bi_t": "t", "bi_r": "r", "bi_p": "tenants/t/realms/r/applications/a"}),
            ))
        },
        correct: || {
            bi::bi_p_identity(&access_token(
                json!({"sub": "u1", "bi_t": "t", "bi_r": "r", "bi_p": "tenants/t/realms/r/identities/u1"}),
            ))
        },
    },
    Replay {
        what: "a Beyond Identity token header without jku",
        broken: || {
            bi::jku(
                &jwt(json!({"alg": "RS256", "kid": "k"}), json!({})),
                "https://auth/v1/tenants/t/realms/r/applications/a",
            )
        },
        correct: || {
            bi::jku(
                &jwt(
                    json!({"alg": "RS256", "kid": "k", "jku": "https://auth/v1/tenants/t/realms/r/applications/a/.well-known/jwks.json"}),
                    json!({}),
                ),
                "https://auth/v1/tenants/t/realms/r/applications/a",
            )
        },
    },
    Replay {
        what: "a key set served with Cache-Control: no-store",
        broken: || bi::jwks_max_age(Some("no-store")),
        correct: || bi::jwks_max_age(Some("public, max-age=3600")),
    },
    Replay {
        what: "an id_token issued by the tenant rather than the application",
        broken: || {
            bi::bi_id_token_iss(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"iss": "https://auth/v1/tenants/t"}),
                ),
                "https://auth/v1/tenants/t/realms/r/applications/a",
            )
        },
        correct: || {
            bi::bi_id_token_iss(
                &jwt(
                    json!({"alg": "RS256"}),
                    json!({"iss": "https://auth/v1/tenants/t/realms/r/applications/a"}),
                ),
                "https://auth/v1/tenants/t/realms/r/applications/a",
            )
        },
    },
    Replay {
        what: "an id_token for the resource server rather than the client",
        broken: || {
            bi::bi_id_token_aud(
                &jwt(json!({"alg": "RS256"}), json!({"aud": ["http://api"]})),
                "cid",
            )
        },
        correct: || {
            bi::bi_id_token_aud(&jwt(json!({"alg": "RS256"}), json!({"aud": "cid"})), "cid")
        },
    },
    // MyID's Core API.
    Replay {
        what: "WS50000 answered 400",
        broken: || {
            api::ws_status(
                &json_response(400, json!({"code": "WS50000", "message": "m"})),
                "WS50000",
            )
        },
        correct: || {
            api::ws_status(
                &json_response(403, json!({"code": "WS50000", "message": "m"})),
                "WS50000",
            )
        },
    },
    Replay {
        what: "a WS error that does not name the field",
        broken: || {
            api::invalid_field(
                &json_response(400, json!({"code": "WS30015", "message": "m"})),
                "logonName",
            )
        },
        correct: || {
            api::invalid_field(
                &json_response(
                    400,
                    json!({"code": "WS30015", "message": "m", "invalidField": "logonName"}),
                ),
                "logonName",
            )
        },
    },
    Replay {
        what: "a report page out of order",
        broken: || {
            api::paging_ordered(
                &[page(1, &[2, 1], true), page(2, &[3], false)],
                "InitiationDate",
            )
        },
        correct: || {
            api::paging_ordered(
                &[page(1, &[1, 2], true), page(2, &[3], false)],
                "InitiationDate",
            )
        },
    },
    Replay {
        what: "the page past the end repeats the last page",
        broken: || {
            api::paging_past_end(
                &json_response(200, json!({"results": [{"RequestID": 3}]})),
                3,
            )
        },
        correct: || api::paging_past_end(&json_response(200, json!({"results": []})), 3),
    },
    Replay {
        what: "a photo read back as application/octet-stream",
        broken: || {
            api::image_round_trip(
                &response(200, &[("content-type", "application/octet-stream")], "PNG"),
                b"PNG",
                "image/png",
            )
        },
        correct: || {
            api::image_round_trip(
                &response(200, &[("content-type", "image/png")], "PNG"),
                b"PNG",
                "image/png",
            )
        },
    },
    Replay {
        what: "a code delivered as authorization_code=",
        broken: || {
            super::checks::authorize::code_delivered(&signed_in(
                "https://client/cb",
                &[("authorization_code", "abc"), ("state", "s")],
            ))
        },
        correct: || {
            super::checks::authorize::code_delivered(&signed_in(
                "https://client/cb",
                &[("code", "abc"), ("state", "s")],
            ))
        },
    },
    // RFC 6749 §6: refreshing.
    Replay {
        what: "a token issued for a refresh token the server never issued",
        broken: || token::refused(&token_response(json!({})), &oauth::RFC6749_REFRESH_VALID),
        correct: || {
            token::refused(
                &json_response(400, json!({"error": "invalid_grant"})),
                &oauth::RFC6749_REFRESH_VALID,
            )
        },
    },
    // IdentityServer's sliding refresh lifetime.
    Replay {
        what: "a refresh within the sliding lifetime refused before the absolute lifetime",
        broken: || {
            super::checks::refresh::sliding_refreshes_succeed(&[(540, 200), (1080, 400)], 2000)
        },
        correct: || {
            super::checks::refresh::sliding_refreshes_succeed(&[(540, 200), (1080, 200)], 2000)
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replay_breaks_its_rule_and_the_correct_answer_holds_it() {
        for r in REPLAYS {
            let (broken, correct) = ((r.broken)(), (r.correct)());
            assert!(broken.broken(), "{}: {}", r.what, broken.detail);
            assert!(
                correct.passed(),
                "{}: the correct answer: {}",
                r.what,
                correct.detail
            );
            assert_eq!(broken.rule, correct.rule, "{}", r.what);
            assert_eq!(broken.name, correct.name, "{}", r.what);
        }
    }
}
