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

/// No refresh token: RFC 6749 §4.4.3 for client credentials; IdentityServer issues one in
/// the code flow only when `offline_access` was granted (`IS4-refresh-tokens`). `spec`
/// says which rule the step applies.
pub fn no_refresh_token(resp: &RecordedResponse, spec: &'static str) -> Check {
    Check::expect(
        "no_refresh_token",
        spec,
        member(resp, "refresh_token").is_none(),
        "no refresh_token",
        || "a refresh token was issued for client credentials".into(),
    )
}

/// OpenID Connect Core §11 (and MyID manual §4.4.3): with `offline_access` granted, a
/// non-empty `refresh_token`.
pub fn has_refresh_token(resp: &RecordedResponse) -> Check {
    let has = matches!(member(resp, "refresh_token"), Some(Value::String(t)) if !t.is_empty());
    Check::expect(
        "refresh_token_issued",
        "OIDC-Core-11",
        has,
        "refresh_token present",
        || "no refresh_token although offline_access was granted".into(),
    )
}

/// An operation token is "short-lived" (MyID manual §6.1): `expires_in` at most `max`.
/// The manual gives no number; the bound is the mock's, so the rule is assumed.
pub fn expires_in_at_most(resp: &RecordedResponse, max: i64) -> Check {
    let expires_in = member(resp, "expires_in")
        .and_then(|v| v.as_i64())
        .unwrap_or(i64::MAX);
    Check::expect(
        "short_lived",
        "assumed-MyID-6.1-lifetime",
        expires_in <= max,
        format!("expires_in {expires_in}"),
        || format!("expires_in {expires_in} is longer than {max} s"),
    )
}

/// The granted `scope` is exactly `expected` (as a set). RFC 6749 §3.3 lets a server
/// grant less than was asked, so this is IdentityServer's behaviour (it grants what was
/// asked, or refuses), cited as `IS4-token-response`; absence means "as requested"
/// (§5.1), so an absent member counts as the request.
pub fn granted_scope_is(resp: &RecordedResponse, expected: &str, requested: &str) -> Check {
    const SPEC: &str = "IS4-token-response";
    let want: std::collections::BTreeSet<&str> =
        expected.split(' ').filter(|s| !s.is_empty()).collect();
    match member(resp, "scope") {
        Some(Value::String(s)) => {
            let got: std::collections::BTreeSet<&str> =
                s.split(' ').filter(|s| !s.is_empty()).collect();
            Check::expect("granted_scope", SPEC, got == want, s.clone(), || {
                format!("expected scope '{expected}', got '{s}'")
            })
        }
        None => {
            let req: std::collections::BTreeSet<&str> =
                requested.split(' ').filter(|s| !s.is_empty()).collect();
            Check::expect(
                "granted_scope",
                SPEC,
                req == want,
                format!("no scope member: as requested, '{requested}'"),
                || {
                    format!(
                        "expected scope '{expected}'; no scope member, so as requested: '{requested}'"
                    )
                },
            )
        }
        Some(other) => Check::fail(
            "granted_scope",
            SPEC,
            format!("expected scope '{expected}', got {}", kind(&other)),
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
    // A rule about error responses: an answer with no `error` member (a success where a
    // refusal was due) is judged once, by error_code.
    if member(resp, "error").is_none() {
        return Check::pass(
            "error_status",
            "RFC6749-5.2",
            format!(
                "no error member (status {}): judged by error_code",
                resp.status
            ),
        );
    }
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

/// RFC 6749 §5.2: the body's `error` is one of `allowed` (where the RFC's definitions
/// fit more than one code, as `invalid_request` and `invalid_grant` both fit a malformed
/// verifier).
pub fn error_code_in(resp: &RecordedResponse, allowed: &[&str]) -> Check {
    let list = allowed
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(" or ");
    match member(resp, "error") {
        Some(Value::String(e)) => Check::expect(
            "error_code",
            "RFC6749-5.2",
            allowed.contains(&e.as_str()),
            e.clone(),
            || format!("expected error {list}, got '{e}' (status {})", resp.status),
        ),
        other => Check::fail(
            "error_code",
            "RFC6749-5.2",
            format!(
                "expected error {list}, got {} (status {})",
                describe(other),
                resp.status
            ),
        ),
    }
}

/// RFC 6749 §3.2: the token endpoint takes POST with a form; a request in another shape
/// gets no token. How it refuses (400, 404, 405, 415) is the server's choice.
pub fn token_refused(resp: &RecordedResponse) -> Check {
    let issued = member(resp, "access_token").is_some();
    Check::expect(
        "token_refused",
        "RFC6749-3.2",
        (400..500).contains(&resp.status) && !issued,
        format!("status {}", resp.status),
        || {
            format!(
                "expected a 4xx refusal without a token, got status {}{}",
                resp.status,
                if issued { " with an access_token" } else { "" }
            )
        },
    )
}

/// RFC 6749 §3.3: a scope the client may not have is refused with `invalid_scope`, or
/// left out of what is granted; a success that omits `scope` claims the request was
/// granted as made (§5.1), so it claims the forbidden scope too.
pub fn scope_not_granted(resp: &RecordedResponse, forbidden: &str) -> Check {
    const SPEC: &str = "RFC6749-3.3";
    let bad: Vec<&str> = forbidden.split(' ').filter(|s| !s.is_empty()).collect();
    if resp.status == 200 {
        return match member(resp, "scope") {
            Some(Value::String(granted)) => {
                let leaked: Vec<&str> = granted.split(' ').filter(|g| bad.contains(g)).collect();
                Check::expect(
                    "scope_not_granted",
                    SPEC,
                    leaked.is_empty(),
                    format!("granted '{granted}'"),
                    || {
                        format!(
                            "granted the scope the client may not have: {}",
                            leaked.join(" ")
                        )
                    },
                )
            }
            _ => Check::fail(
                "scope_not_granted",
                SPEC,
                format!(
                    "a token was issued with no scope member, which RFC 6749 §5.1 allows only when the scope granted is the one requested ('{forbidden}')"
                ),
            ),
        };
    }
    match member(resp, "error") {
        Some(Value::String(e)) if e == "invalid_scope" => {
            Check::pass("scope_not_granted", SPEC, "invalid_scope")
        }
        other => Check::fail(
            "scope_not_granted",
            SPEC,
            format!(
                "neither a token without the scope nor invalid_scope: status {}, error {}",
                resp.status,
                describe(other)
            ),
        ),
    }
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
    // It is a rule about invalid_client answers; another error is judged by error_code.
    if member(resp, "error").and_then(|e| e.as_str().map(str::to_owned))
        != Some("invalid_client".to_owned())
    {
        return Check::pass(
            "invalid_client_challenge",
            "RFC6749-5.2",
            "not an invalid_client answer",
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
        assert!(no_refresh_token(&ok, "RFC6749-4.4.3").passed());
        assert!(granted_scope_is(&ok, "x y", "x y").passed());
        assert!(!granted_scope_is(&ok, "x", "x").passed());
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
        assert!(!no_refresh_token(&bad, "RFC6749-4.4.3").passed());
        assert!(
            granted_scope_is(&bad, "x", "x").passed(),
            "absent: as requested"
        );
        assert!(!granted_scope_is(&bad, "x", "x y").passed());
        assert!(
            !scope_not_granted(&bad, "y").passed(),
            "absent scope claims the request"
        );
        assert!(scope_not_granted(&ok, "z").passed() && !scope_not_granted(&ok, "x").passed());
        let refused = resp(400, r#"{"error":"invalid_scope"}"#, &[]);
        assert!(scope_not_granted(&refused, "x").passed());
        assert!(token_refused(&refused).passed() && !token_refused(&ok).passed());
        assert!(error_code_in(&refused, &["invalid_request", "invalid_scope"]).passed());
        assert!(!error_code_in(&refused, &["invalid_request"]).passed());
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
