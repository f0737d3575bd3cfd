//! Checks of what Genetec ClearID documents for its access tokens (its developer
//! guide and the sample tokens it publishes): RS512, at most 3600 s, the claim order,
//! `account_id` as a string or an array of strings, and the Identity Service's answers.

use serde_json::Value;

use super::Check;
use super::jwt::Jwt;
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::clearid::{
    CLEARID_ACCOUNT_ID, CLEARID_ASSERTION, CLEARID_CLAIM_ORDER, CLEARID_IDENTITIES,
    CLEARID_LIFETIME,
};

/// The claims of ClearID's published tokens, in their order (the per-account claims
/// between `account_id` and `jti` are left out: their names vary).
pub const CLAIM_ORDER: [&str; 15] = [
    "nbf",
    "exp",
    "iss",
    "aud",
    "client_id",
    "sub",
    "auth_time",
    "idp",
    "email",
    "role",
    "account_id",
    "jti",
    "sid",
    "iat",
    "scope",
];

/// ClearID's guide: an access token lives at most 3600 s (`exp - nbf`, and the
/// response's `expires_in`).
pub fn lifetime_at_most(token: &Jwt, expires_in: i64, max: i64) -> Check {
    let int = |k: &str| token.claims.get(k).and_then(Value::as_i64);
    let life = match (int("exp"), int("nbf").or(int("iat"))) {
        (Some(exp), Some(start)) => exp - start,
        _ => -1,
    };
    Check::expect(
        "lifetime_at_most",
        &CLEARID_LIFETIME,
        (0..=max).contains(&life) && (0..=max).contains(&expires_in),
        format!("lives {life} s, expires_in {expires_in}"),
        || {
            format!(
                "expected at most {max} s; the token lives {life} s and expires_in is {expires_in}"
            )
        },
    )
}

/// ClearID's tokens: `account_id` is one account as a string, or several as an array
/// of strings; a consumer must take both.
pub fn account_id_shape(token: &Jwt) -> Check {
    let ok = match token.claims.get("account_id") {
        Some(Value::String(a)) => !a.is_empty(),
        Some(Value::Array(v)) => !v.is_empty() && v.iter().all(Value::is_string),
        _ => false,
    };
    Check::expect(
        "account_id_shape",
        &CLEARID_ACCOUNT_ID,
        ok,
        "account_id is a string or an array of strings",
        || {
            format!(
                "expected account_id as a string or an array of strings, got {}",
                token.claims.get("account_id").unwrap_or(&Value::Null)
            )
        },
    )
}

/// The claims appear in the order ClearID's published tokens show them.
pub fn claim_order(token: &Jwt) -> Check {
    let present: Vec<&str> = token
        .claims
        .as_object()
        .map(|m| {
            m.keys()
                .map(String::as_str)
                .filter(|k| CLAIM_ORDER.contains(k))
                .collect()
        })
        .unwrap_or_default();
    let mut expected = present.clone();
    expected.sort_by_key(|k| CLAIM_ORDER.iter().position(|c| c == k));
    Check::expect(
        "claim_order",
        &CLEARID_CLAIM_ORDER,
        present == expected,
        present.join(", "),
        || {
            format!(
                "expected the claims in the order {}, got {}",
                expected.join(", "),
                present.join(", ")
            )
        },
    )
}

/// The Identity Service lists an account's identities as a JSON array.
pub fn identities_listed(resp: &RecordedResponse) -> Check {
    let listed = resp.status == 200 && resp.json().is_some_and(|v| v.is_array());
    Check::expect(
        "identities_listed",
        &CLEARID_IDENTITIES,
        listed,
        "200 with a JSON array",
        || format!("expected 200 with a JSON array, got status {}", resp.status),
    )
}

/// A token bought with an assertion says so: `amr` lists `amr`.
pub fn amr_lists(token: &Jwt, amr: &str) -> Check {
    let has = token
        .claims
        .get("amr")
        .and_then(Value::as_array)
        .is_some_and(|v| v.iter().any(|a| a == amr));
    Check::expect(
        "amr_lists",
        &CLEARID_ASSERTION,
        has,
        format!("amr lists {amr}"),
        || {
            format!(
                "expected amr to list '{amr}', got {}",
                token.claims.get("amr").unwrap_or(&Value::Null)
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The service token of ClearID's developer guide, decoded (its signature is not
    /// checked here: the key is ClearID's): a test vector for the checks above.
    const SAMPLE: &str = "eyJhbGciOiJSUzUxMiIsImtpZCI6IjIwMTgtMDEtMjYtaWFtcy1zaWduaW5nLWNyZWRlbnRpYWwiLCJ0eXAiOiJhdCtqd3QifQ.eyJuYmYiOjE2NDAwMzAxMjIsImV4cCI6MTY0MDAzMzcyMiwiaXNzIjoiaHR0cHM6Ly9zdHMtZGVtby5jbGVhcmlkLmlvIiwiY2xpZW50X2lkIjoiNjYyNTIyMWYtNGU2Ni00YmM4LTgzMDUtY2I4Y2JkODdiMjFmOmNsZWFyaWRkZW1vcyIsInN1YiI6IjY2MjUyMjFmLTRlNjYtNGJjOC04MzA1LWNiOGNiZDg3YjIxZiIsImF1dGhfdGltZSI6MTY0MDAzMDEyMiwiaWRwIjoibG9jYWwiLCJlbWFpbCI6IjY2MjUyMjFmLTRlNjYtNGJjOC04MzA1LWNiOGNiZDg3YjIxZiIsInJvbGUiOiJTZXJ2aWNlIiwiYWNjb3VudF9pZCI6ImNsZWFyaWRkZW1vcyIsImNsZWFyaWRkZW1vc19zdGF0ZSI6IkFjdGl2ZSIsImNsZWFyaWRkZW1vc19yb2xlIjoiYWRtaW4iLCJjbGVhcmlkZGVtb3NfaXNfZGVsZWdhdGUiOmZhbHNlLCJqdGkiOiIwMDUwRjA3ODk2MjRCNjlGREM5NjFEMTA4QkQ1RDc3MiIsImlhdCI6MTY0MDAzMDEyMiwic2NvcGUiOlsiaWFtcy1hbGwtcGVybWlzc2lvbnMtZGVsZWdhdGVkIiwiaWFtcy1hcGkiLCJpYW1zLXJvbGVzIiwib3BlbmlkIl0sImFtciI6WyJhc3NlcnRpb24iXX0.kO3QzR9KP8pQxu4juBtpotk1Gdfpt095f9V8Xx75tW3ZzjK5kNB8ZEjJKe34p8oe_YAou_6xFL_lrIc3L0X4I9qJaV-8RDnCzyw2hWw2Vh4TGpwNgfM-BE6e7NZzfvWsmByYCrQQqLNqtKyPirjNgYeO_dLtGdfSbHpBayV7r-nuurGNAc1I0Y5wtoo6vbuKtmXCYl59mD22kYE4o2ucVtt94P8RkoXPD6eTY0TNB-C1e1IQyGrMdlqcmff9TiUhrAIwSWmxr4E-4JlYdVqahZoLSg2ZnmpnSCAnQbCy568SEa-is9WbSO2LNhsKBW7_URa7rQ2-oDyC8h2pCDFXhg";

    #[test]
    fn the_guides_sample_token_passes_clearids_rules() {
        let t = Jwt::decode(SAMPLE).unwrap();
        assert_eq!(t.claims["exp"], 1_640_033_722);
        assert_eq!(t.claims["nbf"], 1_640_030_122);
        assert_eq!(t.header["alg"], "RS512");
        assert_eq!(t.header["typ"], "at+jwt");
        assert!(
            super::super::jwt::alg_is(&t, "RS512", &crate::protocol::rules::clearid::CLEARID_ALG)
                .passed()
        );
        assert!(amr_lists(&t, "assertion").passed() && amr_lists(&t, "pwd").broken());
        assert!(lifetime_at_most(&t, 3600, 3600).passed());
        assert!(!lifetime_at_most(&t, 7200, 3600).passed());
        assert!(account_id_shape(&t).passed());
        assert!(claim_order(&t).passed());
        assert!(
            super::super::jwt::scope_claim(
                &t,
                "iams-all-permissions-delegated iams-api iams-roles openid"
            )
            .passed()
        );
    }
}
