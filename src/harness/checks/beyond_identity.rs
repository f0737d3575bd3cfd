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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(header: Value, claims: Value) -> Jwt {
        use crate::protocol::jwt::b64url;
        Jwt::decode(&format!(
            "{}.{}.c2ln",
            b64url(header.to_string()),
            b64url(claims.to_string())
        ))
        .unwrap()
    }

    #[test]
    fn the_docs_claims_pass_and_departures_fail() {
        let iss = "https://auth-us.beyondidentity.com/v1/tenants/t1/realms/r1/applications/a1";
        let good = token(
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
        let bad = token(
            json!({"alg": "RS256"}),
            json!({"aud": "cid", "bi_t": "t1", "bi_r": "r2",
            "bi_p": "tenants/t1/realms/r1/x", "iat": 100, "exp": 86500}),
        );
        assert!(!jku_under_issuer(&bad, iss).passed());
        assert!(!aud_array_naming(&bad, "cid").passed());
        assert!(!bi_claims(&bad, "client_credentials").passed());
        assert!(!lives(&bad, 600, 600).passed());
        assert!(!bi_custom(&bad, &json!({"a": 1})).passed());
    }
}
