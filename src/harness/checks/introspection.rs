//! Checks on the introspection endpoint (RFC 7662) and on protected resources that take
//! a bearer token (RFC 6750): the Core API, OpenID Connect's userinfo, a vendor's API.

use serde_json::Value;

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::oauth::{
    RFC6750_CHALLENGE, RFC6750_ERROR_ATTRIBUTE, RFC6750_NO_ERROR_WITHOUT_TOKEN, RFC7662_CALLER,
};

/// A 200 JSON object whose `active` is the boolean `expected`, as `rule` wants (RFC
/// 7662 §2.2's for a valid or a dead token, a product's for its own lifecycle).
pub fn introspection_active(resp: &RecordedResponse, expected: bool, rule: &'static Rule) -> Check {
    let active = resp.json().and_then(|b| b.get("active").cloned());
    match (resp.status, active) {
        (200, Some(Value::Bool(a))) => Check::expect(
            "introspection_active",
            rule,
            a == expected,
            format!("active: {a}"),
            || format!("expected active: {expected}, got active: {a}"),
        ),
        (status, other) => Check::fail(
            "introspection_active",
            rule,
            format!(
                "expected 200 with a boolean active, got status {status} and active {}",
                other.map_or("missing".to_owned(), |v| v.to_string())
            ),
        ),
    }
}

/// The endpoint requires the caller to authenticate, so a request with no credentials
/// learns nothing about the token.
pub fn introspection_caller_refused(resp: &RecordedResponse) -> Check {
    let told = resp.json().and_then(|b| b.get("active").cloned()).is_some();
    Check::expect(
        "introspection_caller_refused",
        &RFC7662_CALLER,
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

/// The resource refused the request (401 or 403), as `rule` (the requirement the
/// scenario tests) says it must; how it refused is judged by [`bearer_challenge`].
pub fn resource_refused(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    Check::expect(
        "resource_refused",
        rule,
        matches!(resp.status, 401 | 403),
        format!("status {}", resp.status),
        || {
            format!(
                "expected the token refused (401 or 403), got status {}",
                resp.status
            )
        },
    )
}

fn challenge(resp: &RecordedResponse) -> &str {
    resp.header("www-authenticate").unwrap_or("")
}

fn is_bearer(challenge: &str) -> bool {
    challenge
        .trim_start()
        .get(..6)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"))
}

/// A refusal carries a `WWW-Authenticate` challenge of the Bearer scheme, and a refusal
/// for want of a token is 401.
pub fn bearer_challenge(resp: &RecordedResponse) -> Check {
    const NAME: &str = "bearer_challenge";
    if !matches!(resp.status, 401 | 403) {
        return Check::unjudged(NAME, &RFC6750_CHALLENGE, "the request was not refused");
    }
    let c = challenge(resp);
    Check::expect(
        NAME,
        &RFC6750_CHALLENGE,
        is_bearer(c),
        format!("{}, WWW-Authenticate: {c}", resp.status),
        || {
            format!(
                "expected WWW-Authenticate: Bearer, got {} with '{c}'",
                resp.status
            )
        },
    )
}

/// With a token sent and refused, the challenge names the error (SHOULD); with none
/// sent, it names none (SHOULD NOT).
pub fn bearer_error_attribute(resp: &RecordedResponse, token_sent: bool) -> Check {
    const NAME: &str = "bearer_error_attribute";
    let c = challenge(resp);
    if !matches!(resp.status, 401 | 403) || !is_bearer(c) {
        let rule = if token_sent {
            &RFC6750_ERROR_ATTRIBUTE
        } else {
            &RFC6750_NO_ERROR_WITHOUT_TOKEN
        };
        return Check::unjudged(NAME, rule, "no Bearer challenge to judge");
    }
    let has_error = c.contains("error=");
    if token_sent {
        Check::expect(
            NAME,
            &RFC6750_ERROR_ATTRIBUTE,
            has_error,
            c.to_owned(),
            || format!("the challenge for a refused token names no error: '{c}'"),
        )
    } else {
        Check::expect(
            NAME,
            &RFC6750_NO_ERROR_WITHOUT_TOKEN,
            !has_error,
            c.to_owned(),
            || format!("the challenge to a request without a token names an error: '{c}'"),
        )
    }
}

/// A request without an access token is refused with 401 and a Bearer challenge.
pub fn bearer_required(resp: &RecordedResponse) -> Check {
    let c = challenge(resp);
    Check::expect(
        "bearer_required",
        &RFC6750_CHALLENGE,
        resp.status == 401 && is_bearer(c),
        format!("401, WWW-Authenticate: {c}"),
        || {
            format!(
                "expected 401 with WWW-Authenticate: Bearer, got {} with '{c}'",
                resp.status
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::myid::MYID_API_TOKEN;
    use crate::protocol::rules::oauth::{RFC7662_ACTIVE, RFC7662_INACTIVE};

    fn r(status: u16, h: &[(&str, &str)], body: &str) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: h.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn introspection_and_bearer() {
        assert!(
            introspection_active(
                &r(200, &[], r#"{"active":false}"#),
                false,
                &RFC7662_INACTIVE
            )
            .passed()
        );
        assert!(
            !introspection_active(&r(200, &[], r#"{"active":true}"#), false, &RFC7662_INACTIVE)
                .passed()
        );
        assert!(
            !introspection_active(&r(200, &[], r#"{"active":"true"}"#), true, &RFC7662_ACTIVE)
                .passed()
        );
        assert!(
            introspection_caller_refused(&r(401, &[], r#"{"error":"invalid_client"}"#)).passed()
        );
        assert!(!introspection_caller_refused(&r(200, &[], r#"{"active":false}"#)).passed());
        assert!(
            bearer_required(&r(401, &[("WWW-Authenticate", "Bearer realm=\"x\"")], "")).passed()
        );
        assert!(!bearer_required(&r(200, &[], r#"{"sub":"x"}"#)).passed());
        let refused = r(
            401,
            &[("WWW-Authenticate", "Bearer error=\"invalid_token\"")],
            "",
        );
        assert!(resource_refused(&refused, &MYID_API_TOKEN).passed());
        assert!(resource_refused(&r(200, &[], ""), &MYID_API_TOKEN).broken());
        assert!(bearer_challenge(&refused).passed());
        assert!(bearer_challenge(&r(401, &[("WWW-Authenticate", "Basic")], "")).broken());
        assert!(
            !bearer_challenge(&r(200, &[], "")).broken(),
            "not refused: not judged"
        );
        assert!(bearer_error_attribute(&refused, true).passed());
        assert!(bearer_error_attribute(&refused, false).broken());
        assert!(
            bearer_error_attribute(&r(401, &[("WWW-Authenticate", "Bearer")], ""), false).passed()
        );
        assert!(
            bearer_error_attribute(&r(401, &[("WWW-Authenticate", "Bearer")], ""), true).broken()
        );
    }
}
