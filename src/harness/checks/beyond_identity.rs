//! Checks of what Beyond Identity documents for its access tokens: a `jku` and `kid` in
//! the header naming a key of the application's key set, `aud` an array naming the
//! application, the `bi_*` claims naming tenant, realm and principal, `expiration_time`
//! and `custom_claims` honoured.

use serde_json::Value;

use super::Check;
use super::jwt::Jwt;

/// BI's offline validation: the header carries `jku` (where the key set is) and `kid`
/// (which key); the `jku` lies under the issuer (assumed: the application's JWKS).
pub fn jku_under_issuer(token: &Jwt, issuer: &str) -> Check {
    let jku = token
        .header
        .get("jku")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kid = token
        .header
        .get("kid")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "jku",
        "BI-offline-validation",
        !kid.is_empty() && jku.starts_with(issuer.trim_end_matches('/')),
        format!("jku {jku}, kid {kid}"),
        || format!("expected a kid and a jku under {issuer}, got jku '{jku}', kid '{kid}'"),
    )
}

/// BI's tokens: `aud` is an array, and it names the application's client id (the
/// validation rule: the app or the resource server must be in it).
pub fn aud_array_naming(token: &Jwt, client_id: &str) -> Check {
    let aud = token.claims.get("aud");
    let ok = aud
        .and_then(Value::as_array)
        .is_some_and(|v| v.iter().any(|a| a == client_id));
    Check::expect(
        "aud",
        "BI-access-token",
        ok,
        format!("aud {}", aud.unwrap_or(&Value::Null)),
        || {
            format!(
                "expected aud as an array naming {client_id}, got {}",
                aud.unwrap_or(&Value::Null)
            )
        },
    )
}

/// BI's tokens name their tenant (`bi_t`), realm (`bi_r`), principal (`bi_p`) and the
/// grant (`bi_ty`), and `azp` is the application's path within the tenant.
pub fn bi_claims(token: &Jwt, grant: &str) -> Check {
    let text = |k: &str| token.claims.get(k).and_then(Value::as_str).unwrap_or("");
    let (t, r, p, azp) = (text("bi_t"), text("bi_r"), text("bi_p"), text("azp"));
    let ok = !t.is_empty()
        && !r.is_empty()
        && p.starts_with(&format!("tenants/{t}/realms/{r}/"))
        && azp.starts_with(&format!("tenants/{t}/realms/{r}/applications/"))
        && text("bi_ty") == grant;
    Check::expect(
        "bi_claims",
        "BI-access-token",
        ok,
        format!("bi_t {t}, bi_r {r}, bi_p {p}, azp {azp}"),
        || {
            format!(
                "expected bi_t, bi_r, bi_p and azp naming one tenant and realm and bi_ty '{grant}', got bi_t '{t}', bi_r '{r}', bi_p '{p}', azp '{azp}', bi_ty '{}'",
                text("bi_ty")
            )
        },
    )
}

/// `expiration_time` sets the token's life: `exp - iat` and `expires_in` both equal it.
pub fn lives(token: &Jwt, expires_in: i64, seconds: i64) -> Check {
    let int = |k: &str| token.claims.get(k).and_then(Value::as_i64);
    let life = match (int("exp"), int("iat")) {
        (Some(e), Some(i)) => e - i,
        _ => -1,
    };
    Check::expect(
        "lifetime",
        "BI-expiration-time",
        life == seconds && expires_in == seconds,
        format!("{seconds} s"),
        || format!("expected {seconds} s; the token lives {life} s, expires_in {expires_in}"),
    )
}

/// `custom_claims` arrive in the token as the object `bi_custom`.
pub fn bi_custom(token: &Jwt, expected: &Value) -> Check {
    let got = token.claims.get("bi_custom");
    Check::expect(
        "bi_custom",
        "BI-custom-claims",
        got == Some(expected),
        format!("bi_custom {expected}"),
        || {
            format!(
                "expected bi_custom {expected}, got {}",
                got.unwrap_or(&Value::Null)
            )
        },
    )
}

/// An `id_token` answers only a code exchange with `openid` (BI's token response lists
/// it for OIDC applications' codes with that scope): without it, none.
pub fn no_id_token(body: &Value) -> Check {
    Check::expect(
        "no_id_token_without_openid",
        "BI-token-response",
        body.get("id_token").is_none(),
        "no id_token",
        || "an id_token answers a code exchange without openid".to_owned(),
    )
}

/// An OIDC application's code exchange with `openid` returns an `id_token` (BI's token
/// response), an RS256 JWT naming its key, signed by a key of the application's set,
/// issued by the application (BI: the issuer is the application URL) for the client
/// (OpenID Connect Core §3.1.3.7).
pub fn id_token(body: &Value, jwks: &Value, issuer: &str, client_id: &str) -> Vec<Check> {
    let raw = body.get("id_token").and_then(Value::as_str);
    let Some(token) = raw.and_then(|t| Jwt::decode(t).ok()) else {
        return vec![Check::fail(
            "id_token",
            "BI-token-response",
            match raw {
                None => "no id_token in the token response".to_owned(),
                Some(_) => "the id_token is not a JWT".to_owned(),
            },
        )];
    };
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("");
    let aud = token.claims.get("aud").cloned().unwrap_or(Value::Null);
    let for_client = aud == client_id
        || aud
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == client_id));
    vec![
        Check::expect(
            "id_token",
            "BI-token-response",
            alg == "RS256",
            "an RS256 id_token",
            || format!("expected an RS256 id_token, got alg '{alg}'"),
        ),
        super::jwt::signature_verifies_as(&token, jwks, "BI-token-response"),
        Check::expect(
            "id_token_iss",
            "BI-issuer",
            iss == issuer,
            iss.to_owned(),
            || format!("expected the id_token's iss '{issuer}', got '{iss}'"),
        ),
        Check::expect(
            "id_token_aud",
            "OIDC-Core-3.1.3.7",
            for_client,
            format!("aud {aud}"),
            || format!("expected the id_token's aud to name {client_id}, got {aud}"),
        ),
    ]
}

/// A signed-in user's token names them: `bi_p` is the identity's path in the token's
/// tenant and realm, ending in `sub` (BI's introspection examples).
pub fn names_identity(token: &Jwt) -> Check {
    let text = |k: &str| token.claims.get(k).and_then(Value::as_str).unwrap_or("");
    let (t, r, p, sub) = (text("bi_t"), text("bi_r"), text("bi_p"), text("sub"));
    let expected = format!("tenants/{t}/realms/{r}/identities/{sub}");
    Check::expect(
        "bi_p_identity",
        "BI-access-token",
        !sub.is_empty() && p == expected,
        format!("bi_p {p}"),
        || format!("expected bi_p '{expected}', got '{p}'"),
    )
}

/// Userinfo answers for the token's user: 200 JSON whose `sub` is the token's.
pub fn userinfo_names(status: u16, body: Option<&Value>, sub: &str) -> Check {
    let got = body
        .and_then(|b| b.get("sub"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "userinfo_sub",
        "BI-userinfo",
        status == 200 && got == sub && !sub.is_empty(),
        format!("sub {got}"),
        || format!("expected 200 with sub '{sub}', got status {status} and sub '{got}'"),
    )
}

/// BI takes an application's own Basic credentials at `/revoke` only from OAuth2
/// applications: an OIDC application's are refused.
pub fn revoke_basic_refused(status: u16) -> Check {
    Check::expect(
        "revoke_basic_refused",
        "BI-revoke-auth",
        matches!(status, 400 | 401 | 403),
        format!("status {status}"),
        || format!("expected the revocation refused, got status {status}"),
    )
}

/// BI tells relying parties to cache the key set for the `max-age` it is served with.
pub fn cacheable(cache_control: Option<&str>) -> Check {
    let cc = cache_control.unwrap_or("").to_owned();
    let ok = cc
        .split(',')
        .filter_map(|d| d.trim().strip_prefix("max-age="))
        .any(|v| v.parse::<u64>().is_ok_and(|n| n > 0));
    Check::expect(
        "jwks_max_age",
        "BI-offline-validation",
        ok,
        cc.clone(),
        || format!("expected Cache-Control with a max-age, got '{cc}'"),
    )
}

/// A bearer refusal (RFC 6750 §3.1): 401 or 403 with a `Bearer` challenge.
pub fn bearer_refused(status: u16, challenge: Option<&str>) -> Check {
    let bearer =
        challenge.is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("bearer"));
    Check::expect(
        "bearer_refused",
        "RFC6750-3.1",
        matches!(status, 401 | 403) && bearer,
        format!("status {status}"),
        || format!("expected 401 or 403 with a Bearer challenge, got {status} ({challenge:?})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_docs_claims_pass_and_departures_fail() {
        let iss = "https://auth-us.beyondidentity.com/v1/tenants/t1/realms/r1/applications/a1";
        let good = Jwt::unsigned(
            json!({"typ": "JWT", "alg": "RS256", "kid": "k", "jku": format!("{iss}/.well-known/jwks.json")}),
            json!({"aud": ["cid", "http://api"], "bi_t": "t1", "bi_r": "r1",
                   "bi_p": "tenants/t1/realms/r1/applications/a1", "azp": "tenants/t1/realms/r1/applications/a1",
                   "bi_ty": "client_credentials", "iat": 100, "exp": 700, "bi_custom": {"a": 1}}),
        );
        assert!(jku_under_issuer(&good, iss).passed());
        assert!(aud_array_naming(&good, "cid").passed());
        assert!(bi_claims(&good, "client_credentials").passed());
        assert!(lives(&good, 600, 600).passed());
        assert!(bi_custom(&good, &json!({"a": 1})).passed());
        let bad = Jwt::unsigned(
            json!({"alg": "RS256"}),
            json!({"aud": "cid", "bi_t": "t1", "bi_r": "r2",
            "bi_p": "tenants/t1/realms/r1/x", "iat": 100, "exp": 86500}),
        );
        assert!(!jku_under_issuer(&bad, iss).passed());
        assert!(!aud_array_naming(&bad, "cid").passed());
        assert!(!bi_claims(&bad, "client_credentials").passed());
        assert!(!lives(&bad, 600, 600).passed());
        assert!(!bi_custom(&bad, &json!({"a": 1})).passed());
        let user = Jwt::unsigned(
            json!({"alg": "RS256"}),
            json!({"sub": "7a8c", "bi_t": "t1", "bi_r": "r1", "bi_p": "tenants/t1/realms/r1/identities/7a8c"}),
        );
        assert!(names_identity(&user).passed() && !names_identity(&good).passed());
        assert!(userinfo_names(200, Some(&json!({"sub": "7a8c"})), "7a8c").passed());
        assert!(!userinfo_names(200, Some(&json!({"sub": "other"})), "7a8c").passed());
        assert!(bearer_refused(403, Some("Bearer error=\"insufficient_scope\"")).passed());
        assert!(!bearer_refused(200, None).passed());
        assert!(revoke_basic_refused(401).passed() && !revoke_basic_refused(200).passed());
        assert!(cacheable(Some("public, max-age=3600")).passed());
        assert!(!cacheable(Some("no-store")).passed());
        let none = id_token(&json!({}), &json!({"keys": []}), iss, "cid");
        assert!(none.iter().any(|c| !c.passed()));
    }
}
