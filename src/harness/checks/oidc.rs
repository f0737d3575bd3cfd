//! Checks of OpenID Connect: the identity token a code exchange returns (Core
//! §3.1.3.3–3.1.3.8), the logout link, and IdentityServer's own additions
//! (`sid`, `idp`, `amr`, `session_state`).

use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Check;
use super::jwt::Jwt;
use crate::harness::flow::AuthorizeOutcome;
use crate::protocol::rules::identityserver::{
    IS4_LOGGED_OUT_LINK, IS4_SESSION_CLAIMS, IS4_SESSION_STATE,
};
use crate::protocol::rules::oauth::RFC8414_ENDPOINTS_SERVED;
use crate::protocol::rules::openid::{
    OIDC_AT_HASH, OIDC_AUTH_TIME, OIDC_EXP_IAT, OIDC_ID_TOKEN_ISS_AUD, OIDC_ID_TOKEN_ISSUED,
    OIDC_KID, OIDC_NONCE, OIDC_RS256, OIDC_SUB,
};

/// The id_token of a token response, decoded, when there is one that is a JWT.
pub fn id_token_of(body: &Value) -> Result<Jwt, String> {
    match body.get("id_token").and_then(Value::as_str) {
        Some(raw) => Jwt::decode(raw).map_err(|e| format!("the id_token is not a JWT: {e}")),
        None => Err("no id_token in the token response to an OpenID request".into()),
    }
}

/// Core §3.1.3.3: the token response to an OpenID request carries an `id_token`, a JWT.
pub fn id_token_issued(body: &Value) -> Check {
    match id_token_of(body) {
        Ok(_) => Check::pass("id_token_issued", &OIDC_ID_TOKEN_ISSUED, "an id_token"),
        Err(e) => Check::fail("id_token_issued", &OIDC_ID_TOKEN_ISSUED, e),
    }
}

/// Core §3.1.3.7, items 2–5: `iss` is the issuer exactly, `aud` names the client, and
/// with several audiences `azp` is the client.
pub fn id_token_for_client(token: &Jwt, issuer: &str, client_id: &str) -> Check {
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("");
    let aud = token.claims.get("aud").cloned().unwrap_or(Value::Null);
    let auds: Vec<&str> = match &aud {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let azp = token.claims.get("azp").and_then(Value::as_str);
    let ok =
        iss == issuer && auds.contains(&client_id) && (auds.len() == 1 || azp == Some(client_id));
    Check::expect(
        "id_token_for_client",
        &OIDC_ID_TOKEN_ISS_AUD,
        ok,
        format!("iss {iss}, aud {aud}"),
        || {
            format!(
                "expected iss '{issuer}' and aud naming '{client_id}' (azp too when several), got iss '{iss}', aud {aud}, azp {azp:?}"
            )
        },
    )
}

/// Core §2: the `nonce` sent comes back.
pub fn id_token_nonce(token: &Jwt, nonce: &str) -> Check {
    let got = token
        .claims
        .get("nonce")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "id_token_nonce",
        &OIDC_NONCE,
        got == nonce,
        format!("nonce {got}"),
        || format!("expected nonce '{nonce}', got '{got}'"),
    )
}

/// Core §2: `exp` is after the server's now and `iat` is there.
pub fn id_token_current(token: &Jwt, now: i64, leeway: i64) -> Check {
    let int = |k: &str| token.claims.get(k).and_then(Value::as_i64);
    let (exp, iat) = (int("exp"), int("iat"));
    Check::expect(
        "id_token_current",
        &OIDC_EXP_IAT,
        exp.is_some_and(|e| e + leeway > now) && iat.is_some_and(|i| i <= now + leeway),
        format!("iat {iat:?}, exp {exp:?}"),
        || format!("expected iat ≤ {now} < exp, got iat {iat:?}, exp {exp:?}"),
    )
}

/// Core §3.1.3.6: an `at_hash`, when present, is the left half of the hash of the
/// access token under the id_token's `alg`.
pub fn at_hash(token: &Jwt, access_token: &str) -> Check {
    let Some(at_hash) = token.claims.get("at_hash").and_then(Value::as_str) else {
        return Check::unjudged(
            "at_hash",
            &OIDC_AT_HASH,
            "no at_hash (optional in the code flow)",
        );
    };
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    // Core §3.1.3.6 defines the hash by the JOSE algorithm's SHA-2 size; for others
    // (EdDSA, say) Core says nothing, so nothing is judged.
    let algorithm = if alg.ends_with("256") {
        &SHA256
    } else if alg.ends_with("384") {
        &SHA384
    } else if alg.ends_with("512") {
        &SHA512
    } else {
        return Check::unjudged(
            "at_hash",
            &OIDC_AT_HASH,
            format!("at_hash under alg '{alg}', whose hash Core does not define"),
        );
    };
    let d = digest(algorithm, access_token.as_bytes());
    let expected = URL_SAFE_NO_PAD.encode(&d.as_ref()[..d.as_ref().len() / 2]);
    Check::expect(
        "at_hash",
        &OIDC_AT_HASH,
        at_hash == expected,
        format!("at_hash {at_hash}"),
        || format!("at_hash '{at_hash}' is not the access token's ('{expected}')"),
    )
}

/// Core §2: with `max_age` in the request the id_token carries `auth_time`, the time
/// of the sign-in: within `signed_in` (the harness's window around it, by the server's
/// clock), not a placeholder such as 0.
pub fn id_token_auth_time(token: &Jwt, signed_in: (i64, i64)) -> Check {
    let t = token.claims.get("auth_time").and_then(Value::as_i64);
    let (from, to) = signed_in;
    Check::expect(
        "id_token_auth_time",
        &OIDC_AUTH_TIME,
        t.is_some_and(|t| (from..=to).contains(&t)),
        format!("auth_time {t:?}"),
        || match t {
            None => "no numeric auth_time in the id_token although max_age was sent".to_owned(),
            Some(t) => format!("auth_time {t} is not the time of the sign-in ({from}..={to})"),
        },
    )
}

/// Core §10.1: with several keys in the set, the id_token's header says which signed
/// it (`kid`); with one key it may leave it out. An HMAC id_token (`HS*`) is signed
/// with the client's secret, not a key of the set, and needs no `kid`.
pub fn id_token_kid(token: &Jwt, jwks: &Value) -> Check {
    const NAME: &str = "id_token_kid";
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    if alg.starts_with("HS") {
        return Check::unjudged(
            NAME,
            &OIDC_KID,
            "an HMAC id_token: signed with the client's secret",
        );
    }
    let kid = token.header.get("kid").and_then(Value::as_str);
    Check::expect(
        NAME,
        &OIDC_KID,
        kid.is_some_and(|k| !k.is_empty()) || keys <= 1,
        format!("kid {kid:?} among {keys} key(s)"),
        || format!("the id_token names no kid, and the key set holds {keys} keys"),
    )
}

/// Core §3.1.3.7: RS256 is the default id_token algorithm; the harness's clients
/// register none other.
pub fn id_token_default_alg(token: &Jwt) -> Check {
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "id_token_default_alg",
        &OIDC_RS256,
        alg == "RS256",
        alg.to_owned(),
        || format!("the id_token is signed with {alg}, not the default RS256"),
    )
}

/// Core §2: the id_token names the user in `sub`.
pub fn id_token_sub(token: &Jwt) -> Check {
    let sub = token
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "id_token_sub",
        &OIDC_SUB,
        !sub.is_empty(),
        format!("sub {sub}"),
        || "the id_token names no user in sub".to_owned(),
    )
}

/// IdentityServer's identity token of a signed-in user: `sid`, `auth_time`, `idp`,
/// `amr` (`DefaultTokenService`, `DefaultClaimsService.GetStandardSubjectClaims`).
pub fn id_token_identityserver_claims(token: &Jwt) -> Check {
    let missing: Vec<&str> = ["sid", "sub", "auth_time", "idp", "amr"]
        .into_iter()
        .filter(|k| token.claims.get(*k).is_none())
        .collect();
    Check::expect(
        "id_token_identityserver_claims",
        &IS4_SESSION_CLAIMS,
        missing.is_empty(),
        "sid, sub, auth_time, idp, amr",
        || format!("the id_token lacks {}", missing.join(", ")),
    )
}

/// Session Management §3 (and IdentityServer for every OpenID request): the
/// authorization response carries `session_state`, `hash.salt`.
pub fn session_state(value: Option<&str>) -> Check {
    let ok = value.is_some_and(|v| {
        v.split_once('.')
            .is_some_and(|(h, s)| !h.is_empty() && !s.is_empty())
    });
    Check::expect(
        "session_state",
        &IS4_SESSION_STATE,
        ok,
        format!("session_state {value:?}"),
        || format!("expected a session_state 'hash.salt', got {value:?}"),
    )
}

/// After logging out the user is sent back to the registered URI with the `state`, or
/// (IdentityServer's logged-out page) shown a link to it.
pub fn post_logout_redirect(outcome: Option<&AuthorizeOutcome>, back: &str, state: &str) -> Check {
    let expected = format!("{back}?state={state}");
    let (ok, evidence) = match outcome {
        Some(AuthorizeOutcome::ToClient { url, params }) => (
            params.iter().any(|(k, v)| k == "state" && v == state),
            url.clone(),
        ),
        Some(AuthorizeOutcome::Page { body, url, .. }) => (
            body.contains(&format!("href=\"{expected}\"")),
            format!("a page at {url}"),
        ),
        Some(AuthorizeOutcome::Offsite { url }) => (false, url.clone()),
        None => (false, "nothing".into()),
    };
    Check::expect(
        "post_logout_redirect",
        &IS4_LOGGED_OUT_LINK,
        ok,
        evidence.clone(),
        || format!("expected the way back to {expected}, got {evidence}"),
    )
}

/// An endpoint the metadata names is served there (any answer but 404, 405 aside, or a
/// server error).
pub fn metadata_endpoint_served(member: &str, url: &str, status: u16) -> Check {
    Check::expect(
        "metadata_endpoint_served",
        &RFC8414_ENDPOINTS_SERVED,
        status != 404 && status < 500 && status != 0,
        format!("{member}: {status}"),
        || format!("{member} {url} answered {status}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn id_token_rules() {
        // OpenID Connect Core §A.3: at_hash of its access token under RS256.
        let t = Jwt::unsigned(
            json!({"alg": "RS256"}),
            json!({"iss": "https://op", "aud": "c", "nonce": "n", "iat": 10, "exp": 100, "at_hash": "77QmUPtjPfzWtF2AnpK9RQ", "auth_time": 9}),
        );
        assert!(at_hash(&t, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").passed());
        assert!(!at_hash(&t, "another").passed());
        let eddsa = Jwt::unsigned(json!({"alg": "EdDSA"}), json!({"at_hash": "x"}));
        assert!(!at_hash(&eddsa, "any").broken(), "not judged");
        let odd = Jwt::unsigned(json!({"alg": "RSé"}), json!({"at_hash": "x"}));
        assert!(
            !at_hash(&odd, "any").broken(),
            "no panic on a multi-byte alg"
        );
        assert!(id_token_for_client(&t, "https://op", "c").passed());
        assert!(!id_token_for_client(&t, "https://op/", "c").passed());
        let several = Jwt::unsigned(json!({}), json!({"iss": "i", "aud": ["c", "x"]}));
        assert!(
            !id_token_for_client(&several, "i", "c").passed(),
            "azp needed"
        );
        assert!(id_token_nonce(&t, "n").passed() && !id_token_nonce(&t, "m").passed());
        assert!(id_token_current(&t, 50, 0).passed() && !id_token_current(&t, 100, 0).passed());
        assert!(
            id_token_auth_time(&t, (9, 50)).passed() && id_token_auth_time(&t, (10, 50)).broken()
        );
        assert!(!id_token_identityserver_claims(&t).passed());
        assert!(id_token_sub(&t).broken());
        assert!(session_state(Some("abc.def")).passed() && !session_state(None).passed());
        assert!(
            metadata_endpoint_served("x", "u", 405).passed()
                && !metadata_endpoint_served("x", "u", 404).passed()
        );
        assert!(id_token_issued(&json!({})).broken());
        let page = AuthorizeOutcome::Page {
            url: "u".into(),
            status: 200,
            body: r#"<a href="https://c/out?state=s1">here</a>"#.into(),
            form_left: false,
        };
        assert!(post_logout_redirect(Some(&page), "https://c/out", "s1").passed());
        assert!(!post_logout_redirect(Some(&page), "https://c/out", "s2").passed());
        assert!(!post_logout_redirect(None, "https://c/out", "s1").passed());
    }
}
