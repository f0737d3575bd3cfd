//! Checks on token-endpoint responses (RFC 6749 §5), success and error.

use serde_json::Value;

use super::Check;
use crate::harness::client::RecordedResponse;
use crate::protocol::error::{is_valid_error_text, is_valid_error_uri};

fn member(resp: &RecordedResponse, name: &str) -> Option<Value> {
    resp.json()?.get(name).cloned()
}

/// RFC 6749 §5.1: `access_token` is a non-empty string of VSCHAR (§A.12).
pub fn has_access_token(resp: &RecordedResponse) -> Check {
    match member(resp, "access_token") {
        Some(Value::String(t))
            if !t.is_empty() && t.bytes().all(|b| (0x20..=0x7E).contains(&b)) =>
        {
            Check::pass(
                "access_token_present",
                "RFC6749-5.1",
                format!("{} characters", t.len()),
            )
        }
        Some(other) => Check::fail(
            "access_token_present",
            "RFC6749-5.1",
            format!("access_token is not a printable string: {}", kind(&other)),
        ),
        None => Check::fail(
            "access_token_present",
            "RFC6749-5.1",
            "no access_token in the response",
        ),
    }
}

/// RFC 6749 §5.1 and §7.1: `token_type` present; `Bearer` (compared without case, RFC 6750 §4).
pub fn token_type_bearer(resp: &RecordedResponse) -> Check {
    match member(resp, "token_type") {
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {
            Check::pass("token_type_bearer", "RFC6749-5.1", t)
        }
        other => Check::fail(
            "token_type_bearer",
            "RFC6749-5.1",
            format!("expected token_type Bearer, got {}", describe(other)),
        ),
    }
}

/// RFC 6749 §5.1: `expires_in` is a positive number of seconds.
pub fn expires_in_positive(resp: &RecordedResponse) -> Check {
    match member(resp, "expires_in") {
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| v > 0) => {
            Check::pass("expires_in_positive", "RFC6749-5.1", n.to_string())
        }
        other => Check::fail(
            "expires_in_positive",
            "RFC6749-5.1",
            format!(
                "expected a positive integer expires_in, got {}",
                describe(other)
            ),
        ),
    }
}

/// RFC 6749 §4.4.3: a client-credentials response should not carry a refresh token.
pub fn no_refresh_token(resp: &RecordedResponse) -> Check {
    Check::expect(
        "no_refresh_token",
        "RFC6749-4.4.3",
        member(resp, "refresh_token").is_none(),
        "no refresh_token",
        || "a refresh token was issued for client credentials".into(),
    )
}

/// MyID manual §4.4.3: with `offline_access` granted, a non-empty `refresh_token`.
pub fn has_refresh_token(resp: &RecordedResponse) -> Check {
    let has = matches!(member(resp, "refresh_token"), Some(Value::String(t)) if !t.is_empty());
    Check::expect(
        "refresh_token_issued",
        "MyID-4.4.3",
        has,
        "refresh_token present",
        || "no refresh_token although offline_access was granted".into(),
    )
}

/// MyID manual §6.1: an operation token is short-lived: `expires_in` at most `max`.
pub fn expires_in_at_most(resp: &RecordedResponse, max: i64) -> Check {
    let expires_in = member(resp, "expires_in")
        .and_then(|v| v.as_i64())
        .unwrap_or(i64::MAX);
    Check::expect(
        "short_lived",
        "MyID-6.1",
        expires_in <= max,
        format!("expires_in {expires_in}"),
        || format!("expires_in {expires_in} is longer than {max} s"),
    )
}

/// RFC 6749 §5.1 / §3.3: the granted `scope` is exactly `expected` (as a set).
pub fn granted_scope_is(resp: &RecordedResponse, expected: &str) -> Check {
    let want: std::collections::BTreeSet<&str> =
        expected.split(' ').filter(|s| !s.is_empty()).collect();
    match member(resp, "scope") {
        Some(Value::String(s)) => {
            let got: std::collections::BTreeSet<&str> =
                s.split(' ').filter(|s| !s.is_empty()).collect();
            Check::expect(
                "granted_scope",
                "RFC6749-5.1",
                got == want,
                s.clone(),
                || format!("expected scope '{expected}', got '{s}'"),
            )
        }
        other => Check::fail(
            "granted_scope",
            "RFC6749-5.1",
            format!("expected scope '{expected}', got {}", describe(other)),
        ),
    }
}

/// IdentityServer's response DTO fixes the member order; clients that parse with
/// order-sensitive code rely on it (IS4-token-response).
pub fn member_order(resp: &RecordedResponse, expected: &[&str]) -> Check {
    let got = resp.json_member_order().unwrap_or_default();
    Check::expect(
        "member_order",
        "IS4-token-response",
        got == expected,
        got.join(", "),
        || {
            format!(
                "expected members in the order {}, got {}",
                expected.join(", "),
                got.join(", ")
            )
        },
    )
}

/// RFC 6749 §5.2: an error response is 400, except `invalid_client`, which may be 401.
pub fn error_status(resp: &RecordedResponse, code: &str) -> Check {
    let ok = resp.status == 400 || (code == "invalid_client" && resp.status == 401);
    Check::expect(
        "error_status",
        "RFC6749-5.2",
        ok,
        resp.status.to_string(),
        || {
            format!(
                "an {code} error must be answered with 400{}, got {}",
                if code == "invalid_client" {
                    " or 401"
                } else {
                    ""
                },
                resp.status
            )
        },
    )
}

/// RFC 6749 §5.2: the body's `error` is `expected`.
pub fn error_code_is(resp: &RecordedResponse, expected: &str) -> Check {
    match member(resp, "error") {
        Some(Value::String(e)) => Check::expect(
            "error_code",
            "RFC6749-5.2",
            e == expected,
            e.clone(),
            || {
                format!(
                    "expected error '{expected}', got '{e}' (status {})",
                    resp.status
                )
            },
        ),
        other => Check::fail(
            "error_code",
            "RFC6749-5.2",
            format!(
                "expected error '{expected}', got {} (status {})",
                describe(other),
                resp.status
            ),
        ),
    }
}

/// RFC 6749 §5.2: `error`, `error_description` and `error_uri` use only the allowed
/// characters.
pub fn error_charset(resp: &RecordedResponse) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let mut problems = Vec::new();
    for (name, valid) in [
        ("error", is_valid_error_text as fn(&str) -> bool),
        ("error_description", is_valid_error_text),
        ("error_uri", is_valid_error_uri),
    ] {
        match body.get(name) {
            None => {}
            Some(Value::String(s)) if valid(s) => {}
            Some(v) => problems.push(format!("{name} = {v}")),
        }
    }
    Check::expect(
        "error_charset",
        "RFC6749-5.2",
        problems.is_empty(),
        "allowed characters",
        || {
            format!(
                "members outside the RFC 6749 §5.2 character set: {}",
                problems.join("; ")
            )
        },
    )
}

/// RFC 6749 §5.2: when the client authenticated with the `Authorization` header, an
/// `invalid_client` answer must be 401 with a `WWW-Authenticate` matching the scheme.
pub fn invalid_client_challenge(resp: &RecordedResponse, used_basic: bool) -> Check {
    // The rule binds only when the client authenticated with the Authorization header,
    // and asks for a challenge of the scheme it used: Basic is the one RFC 6749 defines.
    if !used_basic {
        return Check::pass(
            "invalid_client_challenge",
            "RFC6749-5.2",
            "the client did not authenticate with HTTP Basic",
        );
    }
    let challenge = resp.header("www-authenticate").unwrap_or("");
    let ok = resp.status == 401
        && challenge
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("basic");
    Check::expect(
        "invalid_client_challenge",
        "RFC6749-5.2",
        ok,
        format!("401, WWW-Authenticate: {challenge}"),
        || {
            format!(
                "after HTTP Basic, invalid_client must be 401 with WWW-Authenticate: Basic; got {}{}",
                resp.status,
                if challenge.is_empty() {
                    " and no WWW-Authenticate".to_owned()
                } else {
                    format!(" with WWW-Authenticate: {challenge}")
                }
            )
        },
    )
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn describe(v: Option<Value>) -> String {
    match v {
        None => "nothing".into(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str, headers: &[(&str, &str)]) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn success_members() {
        let ok = resp(
            200,
            r#"{"access_token":"a.b.c","expires_in":3600,"token_type":"bearer","scope":"y x"}"#,
            &[],
        );
        assert!(has_access_token(&ok).passed());
        assert!(token_type_bearer(&ok).passed());
        assert!(expires_in_positive(&ok).passed());
        assert!(no_refresh_token(&ok).passed());
        assert!(granted_scope_is(&ok, "x y").passed());
        assert!(!granted_scope_is(&ok, "x").passed());
        assert!(member_order(&ok, &["access_token", "expires_in", "token_type", "scope"]).passed());
        assert!(
            !member_order(&ok, &["expires_in", "access_token", "token_type", "scope"]).passed()
        );
        let bad = resp(
            200,
            r#"{"access_token":"","expires_in":"3600","token_type":"mac","refresh_token":"r"}"#,
            &[],
        );
        assert!(!has_access_token(&bad).passed());
        assert!(!token_type_bearer(&bad).passed());
        assert!(!expires_in_positive(&bad).passed());
        assert!(!no_refresh_token(&bad).passed());
        assert!(!granted_scope_is(&bad, "x").passed());
        assert!(has_refresh_token(&bad).passed() && !has_refresh_token(&ok).passed());
        assert!(expires_in_at_most(&ok, 3600).passed() && !expires_in_at_most(&ok, 300).passed());
        assert!(
            !expires_in_at_most(&bad, 300).passed(),
            "a string expires_in is no lifetime"
        );
    }

    #[test]
    fn error_members() {
        let e = resp(400, r#"{"error":"invalid_client"}"#, &[]);
        assert!(error_status(&e, "invalid_client").passed());
        assert!(error_code_is(&e, "invalid_client").passed());
        assert!(!error_code_is(&e, "invalid_grant").passed());
        assert!(error_charset(&e).passed());
        assert!(!invalid_client_challenge(&e, true).passed());
        assert!(invalid_client_challenge(&e, false).passed());
        let strict = resp(
            401,
            r#"{"error":"invalid_client"}"#,
            &[("WWW-Authenticate", "Basic realm=\"x\"")],
        );
        assert!(invalid_client_challenge(&strict, true).passed());
        assert!(error_status(&strict, "invalid_client").passed());
        assert!(!error_status(&strict, "invalid_grant").passed());
        let ugly = resp(400, r#"{"error":"bad \"one\"","error_uri":"a b"}"#, &[]);
        assert!(!error_charset(&ugly).passed());
        assert!(!error_code_is(&resp(500, "oops", &[]), "invalid_grant").passed());
    }
}
