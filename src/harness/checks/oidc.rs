//! Checks of OpenID Connect: the identity token a code exchange returns (Core
//! §3.1.3.3–3.1.3.8), userinfo (Core §5.3.2), and IdentityServer's own additions
//! (`sid`, `idp`, `amr`, `session_state`).

use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Check;
use super::jwt::Jwt;
use crate::harness::flow::AuthorizeOutcome;

/// Core §3.1.3.3: the token response to an OpenID request carries an `id_token`.
pub fn id_token_issued(body: &Value) -> Result<Jwt, Check> {
    let raw = body.get("id_token").and_then(Value::as_str);
    match raw.map(Jwt::decode) {
        Some(Ok(t)) => Ok(t),
        Some(Err(e)) => Err(Check::fail(
            "id_token_issued",
            "OIDC-Core-3.1.3.3",
            format!("the id_token is not a JWT: {e}"),
        )),
        None => Err(Check::fail(
            "id_token_issued",
            "OIDC-Core-3.1.3.3",
            "no id_token in the token response to an OpenID request",
        )),
    }
}

/// Core §3.1.3.7, items 2–5: `iss` is the issuer exactly, `aud` names the client, and
/// with several audiences `azp` is the client.
pub fn id_token_for(token: &Jwt, issuer: &str, client_id: &str) -> Check {
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
        "OIDC-Core-3.1.3.7",
        ok,
        format!("iss {iss}, aud {aud}"),
        || {
            format!(
                "expected iss '{issuer}' and aud naming '{client_id}' (azp too when several), got iss '{iss}', aud {aud}, azp {azp:?}"
            )
        },
    )
}

/// Core §3.1.3.7 item 11: the `nonce` sent comes back.
pub fn id_token_nonce(token: &Jwt, nonce: &str) -> Check {
    let got = token
        .claims
        .get("nonce")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "id_token_nonce",
        "OIDC-Core-3.1.3.7",
        got == nonce,
        format!("nonce {got}"),
        || format!("expected nonce '{nonce}', got '{got}'"),
    )
}

/// Core §3.1.3.7 items 9–10 and §2: `exp` is after the server's now and `iat` is there.
pub fn id_token_current(token: &Jwt, now: i64, leeway: i64) -> Check {
    let int = |k: &str| token.claims.get(k).and_then(Value::as_i64);
    let (exp, iat) = (int("exp"), int("iat"));
    Check::expect(
        "id_token_current",
        "OIDC-Core-3.1.3.7",
        exp.is_some_and(|e| e + leeway > now) && iat.is_some_and(|i| i <= now + leeway),
        format!("iat {iat:?}, exp {exp:?}"),
        || format!("expected iat ≤ {now} < exp, got iat {iat:?}, exp {exp:?}"),
    )
}

/// Core §3.1.3.8 and §3.2.2.9: an `at_hash`, when present, is the left half of the
/// hash of the access token under the id_token's `alg`.
pub fn at_hash_matches(token: &Jwt, access_token: &str) -> Check {
    let Some(at_hash) = token.claims.get("at_hash").and_then(Value::as_str) else {
        return Check::pass(
            "at_hash",
            "OIDC-Core-3.1.3.8",
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
        return Check::pass(
            "at_hash",
            "OIDC-Core-3.1.3.8",
            format!("at_hash under alg '{alg}', whose hash Core does not define: not judged"),
        );
    };
    let d = digest(algorithm, access_token.as_bytes());
    let expected = URL_SAFE_NO_PAD.encode(&d.as_ref()[..d.as_ref().len() / 2]);
    Check::expect(
        "at_hash",
        "OIDC-Core-3.1.3.8",
        at_hash == expected,
        format!("at_hash {at_hash}"),
        || format!("at_hash '{at_hash}' is not the access token's ('{expected}')"),
    )
}

/// Core §3.1.2.1 and §2: with `max_age` in the request the id_token carries `auth_time`.
pub fn has_auth_time(token: &Jwt) -> Check {
    let t = token.claims.get("auth_time");
    Check::expect(
        "id_token_auth_time",
        "OIDC-Core-2",
        t.is_some_and(Value::is_i64),
        format!("auth_time {t:?}"),
        || "no auth_time in the id_token although max_age was sent".to_owned(),
    )
}

/// IdentityServer's identity token of a signed-in user: `sid`, `auth_time`, `idp`,
/// `amr` (`DefaultTokenService`, `DefaultClaimsService.GetStandardSubjectClaims`).
pub fn identityserver_claims(token: &Jwt) -> Check {
    let missing: Vec<&str> = ["sid", "sub", "auth_time", "idp", "amr"]
        .into_iter()
        .filter(|k| token.claims.get(*k).is_none())
        .collect();
    Check::expect(
        "id_token_identityserver_claims",
        "IS4-id-token",
        missing.is_empty(),
        "sid, sub, auth_time, idp, amr",
        || format!("the id_token lacks {}", missing.join(", ")),
    )
}

/// Core §5.3.2: userinfo answers 200 with a JSON object whose `sub` is the id_token's.
pub fn userinfo_sub(status: u16, body: Option<&Value>, sub: &str) -> Check {
    let got = body
        .and_then(|b| b.get("sub"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "userinfo_names_subject",
        "OIDC-Core-5.3.2",
        status == 200 && !sub.is_empty() && got == sub,
        format!("sub {got}"),
        || format!("expected 200 with sub '{sub}', got {status} with sub '{got}'"),
    )
}

/// Userinfo carries a claim of a granted identity scope (Core §5.4).
pub fn userinfo_claim(body: Option<&Value>, claim: &str, expected: &str) -> Check {
    let got = body.and_then(|b| b.get(claim)).and_then(Value::as_str);
    Check::expect(
        "userinfo_claim",
        "OIDC-Core-5.4",
        got == Some(expected),
        format!("{claim} {got:?}"),
        || format!("expected {claim} '{expected}', got {got:?}"),
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
        "IS4-authorize-response",
        ok,
        format!("session_state {value:?}"),
        || format!("expected a session_state 'hash.salt', got {value:?}"),
    )
}

/// RP-Initiated Logout §3: after logging out the user is sent back to the registered
/// URI with the `state`, or (IdentityServer's logged-out page) shown a link to it.
pub fn led_back(outcome: Option<&AuthorizeOutcome>, back: &str, state: &str) -> Check {
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
        "OIDC-RP-Logout-3",
        ok,
        evidence.clone(),
        || format!("expected the way back to {expected}, got {evidence}"),
    )
}

/// RFC 8414 §2 and OpenID Connect Discovery §3: an endpoint the metadata names is
/// served there (any answer but 404, 405 aside, or a server error).
pub fn endpoint_served(member: &str, url: &str, status: u16) -> Check {
    Check::expect(
        "metadata_endpoint_served",
        "RFC8414-2",
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
        assert!(at_hash_matches(&t, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").passed());
        assert!(!at_hash_matches(&t, "another").passed());
        let eddsa = Jwt::unsigned(json!({"alg": "EdDSA"}), json!({"at_hash": "x"}));
        assert!(at_hash_matches(&eddsa, "any").passed(), "not judged");
        let odd = Jwt::unsigned(json!({"alg": "RSé"}), json!({"at_hash": "x"}));
        assert!(
            at_hash_matches(&odd, "any").passed(),
            "no panic on a multi-byte alg"
        );
        assert!(id_token_for(&t, "https://op", "c").passed());
        assert!(!id_token_for(&t, "https://op/", "c").passed());
        let several = Jwt::unsigned(json!({}), json!({"iss": "i", "aud": ["c", "x"]}));
        assert!(!id_token_for(&several, "i", "c").passed(), "azp needed");
        assert!(id_token_nonce(&t, "n").passed() && !id_token_nonce(&t, "m").passed());
        assert!(id_token_current(&t, 50, 0).passed() && !id_token_current(&t, 100, 0).passed());
        assert!(has_auth_time(&t).passed() && !identityserver_claims(&t).passed());
        assert!(userinfo_sub(200, Some(&json!({"sub": "s"})), "s").passed());
        assert!(!userinfo_sub(401, None, "s").passed());
        assert!(session_state(Some("abc.def")).passed() && !session_state(None).passed());
        assert!(
            endpoint_served("x", "u", 405).passed() && !endpoint_served("x", "u", 404).passed()
        );
        assert!(id_token_issued(&json!({})).is_err());
        let page = AuthorizeOutcome::Page {
            url: "u".into(),
            status: 200,
            body: r#"<a href="https://c/out?state=s1">here</a>"#.into(),
            form_left: false,
        };
        assert!(led_back(Some(&page), "https://c/out", "s1").passed());
        assert!(!led_back(Some(&page), "https://c/out", "s2").passed());
        assert!(!led_back(None, "https://c/out", "s1").passed());
    }
}
