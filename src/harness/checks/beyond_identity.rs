//! Checks of what Beyond Identity documents for its access tokens: a `jku` and `kid` in
//! the header naming a key of the application's key set, `aud` an array naming the
//! application, the `bi_*` claims naming tenant, realm and principal, `expiration_time`
//! and `custom_claims` honoured.

use serde_json::Value;

use super::jwt::Jwt;
use super::{Check, Rule};
use crate::protocol::rules::beyond_identity::{
    ASSUMED_BI_NO_ID_TOKEN, BI_ACCESS_TOKEN, BI_CUSTOM_CLAIMS, BI_ID_TOKEN, BI_IDENTITY,
    BI_OFFLINE_VALIDATION, BI_REVOKE,
};

/// The header carries `jku` (where the key set is) and `kid` (which key); the `jku`
/// lies under the issuer (assumed: the application's JWKS).
pub fn jku(token: &Jwt, issuer: &str) -> Check {
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
        &BI_OFFLINE_VALIDATION,
        !kid.is_empty() && jku.starts_with(issuer.trim_end_matches('/')),
        format!("jku {jku}, kid {kid}"),
        || format!("expected a kid and a jku under {issuer}, got jku '{jku}', kid '{kid}'"),
    )
}

/// `aud` is an array, and it names the application's client id (the validation rule:
/// the app or the resource server must be in it).
pub fn aud_array(token: &Jwt, client_id: &str) -> Check {
    let aud = token.claims.get("aud");
    let ok = aud
        .and_then(Value::as_array)
        .is_some_and(|v| v.iter().any(|a| a == client_id));
    Check::expect(
        "aud_array",
        &BI_ACCESS_TOKEN,
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

/// The token names its tenant (`bi_t`), realm (`bi_r`), principal (`bi_p`) and the
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
        &BI_ACCESS_TOKEN,
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

/// The token lives `seconds`: `exp - iat` and `expires_in` both equal it, as `rule`
/// says (the application's Expires, or the request's expiration_time).
pub fn lifetime(token: &Jwt, expires_in: i64, seconds: i64, rule: &'static Rule) -> Check {
    let int = |k: &str| token.claims.get(k).and_then(Value::as_i64);
    let life = match (int("exp"), int("iat")) {
        (Some(e), Some(i)) => e - i,
        _ => -1,
    };
    Check::expect(
        "lifetime",
        rule,
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
        &BI_CUSTOM_CLAIMS,
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

/// An `id_token` answers only a code exchange with `openid`: without it, none.
pub fn no_id_token_without_openid(body: &Value) -> Check {
    Check::expect(
        "no_id_token_without_openid",
        &ASSUMED_BI_NO_ID_TOKEN,
        body.get("id_token").is_none(),
        "no id_token",
        || "an id_token answers a code exchange without openid".to_owned(),
    )
}

/// An OIDC application's code exchange with `openid` returns an `id_token`: an RS256
/// JWT (BI's token response). `Err` is the failed check.
pub fn bi_id_token(body: &Value) -> Result<Jwt, Check> {
    const NAME: &str = "bi_id_token";
    let raw = body.get("id_token").and_then(Value::as_str);
    let token = match raw.map(Jwt::decode) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            return Err(Check::fail(
                NAME,
                &BI_ID_TOKEN,
                format!("the id_token is not a JWT: {e}"),
            ));
        }
        None => {
            return Err(Check::fail(
                NAME,
                &BI_ID_TOKEN,
                "no id_token in the token response",
            ));
        }
    };
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    if alg == "RS256" {
        Ok(token)
    } else {
        Err(Check::fail(
            NAME,
            &BI_ID_TOKEN,
            format!("expected an RS256 id_token, got alg '{alg}'"),
        ))
    }
}

/// The id_token is issued by the application (BI: the issuer is the application URL).
pub fn bi_id_token_iss(token: &Jwt, issuer: &str) -> Check {
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "bi_id_token_iss",
        &BI_ID_TOKEN,
        iss == issuer,
        iss.to_owned(),
        || format!("expected the id_token's iss '{issuer}', got '{iss}'"),
    )
}

/// The id_token is for the client: its `aud` names the client id.
pub fn bi_id_token_aud(token: &Jwt, client_id: &str) -> Check {
    let aud = token.claims.get("aud").cloned().unwrap_or(Value::Null);
    let ok = aud == client_id
        || aud
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == client_id));
    Check::expect(
        "bi_id_token_aud",
        &BI_ID_TOKEN,
        ok,
        format!("aud {aud}"),
        || format!("expected the id_token's aud to name {client_id}, got {aud}"),
    )
}

/// A signed-in user's token names them: `bi_p` is the identity's path in the token's
/// tenant and realm, ending in `sub` (BI's introspection examples).
pub fn bi_p_identity(token: &Jwt) -> Check {
    let text = |k: &str| token.claims.get(k).and_then(Value::as_str).unwrap_or("");
    let (t, r, p, sub) = (text("bi_t"), text("bi_r"), text("bi_p"), text("sub"));
    let expected = format!("tenants/{t}/realms/{r}/identities/{sub}");
    Check::expect(
        "bi_p_identity",
        &BI_IDENTITY,
        !sub.is_empty() && p == expected,
        format!("bi_p {p}"),
        || format!("expected bi_p '{expected}', got '{p}'"),
    )
}

/// BI takes an application's own Basic credentials at `/revoke` only from OAuth2
/// applications: an OIDC application's are refused.
pub fn revoke_basic_refused(status: u16) -> Check {
    Check::expect(
        "revoke_basic_refused",
        &BI_REVOKE,
        matches!(status, 400 | 401 | 403),
        format!("status {status}"),
        || format!("expected the revocation refused, got status {status}"),
    )
}

/// BI tells relying parties to cache the key set for the `max-age` it is served with.
pub fn jwks_max_age(cache_control: Option<&str>) -> Check {
    let cc = cache_control.unwrap_or("").to_owned();
    let ok = cc
        .split(',')
        .filter_map(|d| d.trim().strip_prefix("max-age="))
        .any(|v| v.parse::<u64>().is_ok_and(|n| n > 0));
    Check::expect(
        "jwks_max_age",
        &BI_OFFLINE_VALIDATION,
        ok,
        cc.clone(),
        || format!("expected Cache-Control with a max-age, got '{cc}'"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::beyond_identity::BI_EXPIRATION_TIME;
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
        assert!(jku(&good, iss).passed());
        assert!(aud_array(&good, "cid").passed());
        assert!(bi_claims(&good, "client_credentials").passed());
        assert!(lifetime(&good, 600, 600, &BI_EXPIRATION_TIME).passed());
        assert!(bi_custom(&good, &json!({"a": 1})).passed());
        let bad = Jwt::unsigned(
            json!({"alg": "RS256"}),
            json!({"aud": "cid", "bi_t": "t1", "bi_r": "r2",
            "bi_p": "tenants/t1/realms/r1/x", "iat": 100, "exp": 86500}),
        );
        assert!(!jku(&bad, iss).passed());
        assert!(!aud_array(&bad, "cid").passed());
        assert!(!bi_claims(&bad, "client_credentials").passed());
        assert!(!lifetime(&bad, 600, 600, &BI_EXPIRATION_TIME).passed());
        assert!(!bi_custom(&bad, &json!({"a": 1})).passed());
        let user = Jwt::unsigned(
            json!({"alg": "RS256"}),
            json!({"sub": "7a8c", "bi_t": "t1", "bi_r": "r1", "bi_p": "tenants/t1/realms/r1/identities/7a8c"}),
        );
        assert!(bi_p_identity(&user).passed() && !bi_p_identity(&good).passed());
        assert!(revoke_basic_refused(401).passed() && !revoke_basic_refused(200).passed());
        assert!(jwks_max_age(Some("public, max-age=3600")).passed());
        assert!(!jwks_max_age(Some("no-store")).passed());
        assert!(bi_id_token(&json!({})).is_err());
        assert!(bi_id_token_iss(&user, iss).broken() && bi_id_token_aud(&good, "cid").passed());
        assert!(no_id_token_without_openid(&json!({})).passed());
        assert!(no_id_token_without_openid(&json!({"id_token": "x"})).broken());
    }
}
