//! Checks on the introspection endpoint (RFC 7662) and on protected resources that
//! want a bearer token (RFC 6750), such as OpenID Connect's userinfo endpoint.

use serde_json::Value;

use super::Check;
use crate::harness::client::RecordedResponse;

/// RFC 7662 §2.2: a 200 JSON object whose `active` is the boolean `expected`. A token
/// that is expired, revoked or was never issued is inactive.
pub fn active_is(resp: &RecordedResponse, expected: bool) -> Check {
    let active = resp.json().and_then(|b| b.get("active").cloned());
    match (resp.status, active) {
        (200, Some(Value::Bool(a))) => Check::expect(
            "introspection_active",
            "RFC7662-2.2",
            a == expected,
            format!("active: {a}"),
            || format!("expected active: {expected}, got active: {a}"),
        ),
        (status, other) => Check::fail(
            "introspection_active",
            "RFC7662-2.2",
            format!(
                "expected 200 with a boolean active, got status {status} and active {}",
                other.map_or("missing".to_owned(), |v| v.to_string())
            ),
        ),
    }
}

/// RFC 7662 §2.1: the endpoint requires the caller to authenticate, so a request with no
/// credentials learns nothing about the token.
pub fn caller_refused(resp: &RecordedResponse) -> Check {
    let told = resp.json().and_then(|b| b.get("active").cloned()).is_some();
    Check::expect(
        "introspection_caller_refused",
        "RFC7662-2.1",
        (400..500).contains(&resp.status) && !told,
        format!("status {}", resp.status),
        || {
            format!(
                "an unauthenticated caller got status {}{}",
                resp.status,
                if told {
                    " and an answer about the token"
                } else {
                    ""
                }
            )
        },
    )
}

/// RFC 6750 §3: a request without an access token is refused with 401 and a `Bearer`
/// challenge (OpenID Connect Core §5.3.3 for userinfo).
pub fn bearer_required(resp: &RecordedResponse) -> Check {
    let challenge = resp.header("www-authenticate").unwrap_or("").to_owned();
    let bearer = challenge
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("bearer");
    Check::expect(
        "bearer_required",
        "RFC6750-3",
        resp.status == 401 && bearer,
        format!("401, WWW-Authenticate: {challenge}"),
        || {
            format!(
                "expected 401 with WWW-Authenticate: Bearer, got {} with '{challenge}'",
                resp.status
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(status: u16, h: &[(&str, &str)], body: &str) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: h.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn introspection_and_bearer() {
        assert!(active_is(&r(200, &[], r#"{"active":false}"#), false).passed());
        assert!(!active_is(&r(200, &[], r#"{"active":true}"#), false).passed());
        assert!(!active_is(&r(200, &[], r#"{"active":"false"}"#), false).passed());
        assert!(caller_refused(&r(401, &[], r#"{"error":"invalid_client"}"#)).passed());
        assert!(!caller_refused(&r(200, &[], r#"{"active":false}"#)).passed());
        assert!(
            bearer_required(&r(401, &[("WWW-Authenticate", "Bearer realm=\"x\"")], "")).passed()
        );
        assert!(!bearer_required(&r(200, &[], r#"{"sub":"x"}"#)).passed());
    }
}
