//! Checks on token-endpoint responses (RFC 6749 §5), success and error.

use serde_json::Value;

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::error::{is_valid_error_text, is_valid_error_uri};
use crate::protocol::rules::identityserver::{IS4_GRANTED_SCOPE, IS4_MEMBER_ORDER};
use crate::protocol::rules::oauth::{
    RFC6749_ACCESS_TOKEN, RFC6749_ERROR_CHARSET, RFC6749_ERROR_CODE, RFC6749_ERROR_STATUS,
    RFC6749_EXPIRES_IN, RFC6749_EXPIRES_IN_VALUE, RFC6749_INVALID_CLIENT_401, RFC6749_SCOPE_POLICY,
    RFC6749_SCOPE_RETURNED, RFC6749_TOKEN_TYPE,
};

fn member(resp: &RecordedResponse, name: &str) -> Option<Value> {
    resp.json()?.get(name).cloned()
}

/// The space-delimited scopes of `text`, as a set.
fn scope_set(text: &str) -> std::collections::BTreeSet<&str> {
    text.split(' ').filter(|s| !s.is_empty()).collect()
}

/// `access_token` is a non-empty string of visible characters (§A.12).
pub fn access_token_present(resp: &RecordedResponse) -> Check {
    const NAME: &str = "access_token_present";
    match member(resp, "access_token") {
        Some(Value::String(t))
            if !t.is_empty() && t.bytes().all(|b| (0x20..=0x7E).contains(&b)) =>
        {
            Check::pass(
                NAME,
                &RFC6749_ACCESS_TOKEN,
                format!("{} characters", t.len()),
            )
        }
        Some(other) => Check::fail(
            NAME,
            &RFC6749_ACCESS_TOKEN,
            format!("access_token is not a printable string: {}", kind(&other)),
        ),
        None => Check::fail(
            NAME,
            &RFC6749_ACCESS_TOKEN,
            "no access_token in the response",
        ),
    }
}

/// `token_type` is there and is `Bearer`, compared without case (RFC 6750 §4).
pub fn token_type_bearer(resp: &RecordedResponse) -> Check {
    match member(resp, "token_type") {
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {
            Check::pass("token_type_bearer", &RFC6749_TOKEN_TYPE, t)
        }
        other => Check::fail(
            "token_type_bearer",
            &RFC6749_TOKEN_TYPE,
            format!("expected token_type Bearer, got {}", describe(other)),
        ),
    }
}

/// `expires_in` is given (RECOMMENDED).
pub fn expires_in_given(resp: &RecordedResponse) -> Check {
    Check::expect(
        "expires_in_given",
        &RFC6749_EXPIRES_IN,
        member(resp, "expires_in").is_some(),
        "expires_in given",
        || "the token response does not say how long the access token lives".into(),
    )
}

/// `expires_in`, when given, is a positive whole number of seconds.
pub fn expires_in_positive(resp: &RecordedResponse) -> Check {
    const NAME: &str = "expires_in_positive";
    match member(resp, "expires_in") {
        None => Check::unjudged(NAME, &RFC6749_EXPIRES_IN_VALUE, "no expires_in to judge"),
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| v > 0) => {
            Check::pass(NAME, &RFC6749_EXPIRES_IN_VALUE, n.to_string())
        }
        other => Check::fail(
            NAME,
            &RFC6749_EXPIRES_IN_VALUE,
            format!(
                "expected a positive whole number expires_in, got {}",
                describe(other)
            ),
        ),
    }
}

/// No refresh token in the response; `rule` says whose rule that is (RFC 6749 §4.4.3
/// for client credentials, IdentityServer's without offline_access, a vendor's).
pub fn no_refresh_token(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    Check::expect(
        "no_refresh_token",
        rule,
        member(resp, "refresh_token").is_none(),
        "no refresh_token",
        || "a refresh token was issued".into(),
    )
}

/// A non-empty `refresh_token`, where `rule` says one is due (IdentityServer's for
/// offline access, a vendor's).
pub fn refresh_token_issued(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    let has = matches!(member(resp, "refresh_token"), Some(Value::String(t)) if !t.is_empty());
    Check::expect(
        "refresh_token_issued",
        rule,
        has,
        "refresh_token present",
        || "no refresh_token".into(),
    )
}

/// `expires_in` is at most `max` seconds, as `rule` bounds it.
pub fn short_lived(resp: &RecordedResponse, max: i64, rule: &'static Rule) -> Check {
    let expires_in = member(resp, "expires_in")
        .and_then(|v| v.as_i64())
        .unwrap_or(i64::MAX);
    Check::expect(
        "short_lived",
        rule,
        expires_in <= max,
        format!("expires_in {expires_in}"),
        || format!("expires_in {expires_in} is longer than {max} s"),
    )
}

/// The granted `scope` is exactly `expected` (as a set): IdentityServer grants a scope
/// whole or refuses (RFC 6749 §3.3 lets other servers grant less). An absent member
/// means "as requested" (§5.1).
pub fn granted_scope(resp: &RecordedResponse, expected: &str, requested: &str) -> Check {
    const NAME: &str = "granted_scope";
    let want = scope_set(expected);
    match member(resp, "scope") {
        Some(Value::String(s)) => Check::expect(
            NAME,
            &IS4_GRANTED_SCOPE,
            scope_set(&s) == want,
            s.clone(),
            || format!("expected scope '{expected}', got '{s}'"),
        ),
        None => Check::expect(
            NAME,
            &IS4_GRANTED_SCOPE,
            scope_set(requested) == want,
            format!("no scope member: as requested, '{requested}'"),
            || {
                format!(
                    "expected scope '{expected}'; no scope member, so as requested: '{requested}'"
                )
            },
        ),
        Some(other) => Check::fail(
            NAME,
            &IS4_GRANTED_SCOPE,
            format!("expected scope '{expected}', got {}", kind(&other)),
        ),
    }
}

/// IdentityServer's response DTO fixes the member order; clients that parse with
/// order-sensitive code rely on it.
pub fn member_order(resp: &RecordedResponse, expected: &[&str]) -> Check {
    let got = resp.json_member_order().unwrap_or_default();
    Check::expect(
        "member_order",
        &IS4_MEMBER_ORDER,
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

/// The server refused: a 4xx that issued no access token. `rule` is the requirement the
/// scenario tests (a code works once, a confidential client authenticates, ...): the
/// refusal is its verdict, and the shape of the error is judged apart.
pub fn refused(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    let issued = member(resp, "access_token").is_some();
    Check::expect(
        "refused",
        rule,
        (400..500).contains(&resp.status) && !issued,
        format!("refused with status {}", resp.status),
        || {
            format!(
                "expected a refusal, got status {}{}",
                resp.status,
                if issued { " with an access_token" } else { "" }
            )
        },
    )
}

/// Whether `resp` is a refusal whose shape the §5.2 checks can judge.
fn refusal(resp: &RecordedResponse) -> bool {
    (400..500).contains(&resp.status)
}

/// An error is answered 400, or 401 for `invalid_client`.
pub fn error_status(resp: &RecordedResponse) -> Check {
    const NAME: &str = "error_status";
    if !refusal(resp) {
        return Check::unjudged(NAME, &RFC6749_ERROR_STATUS, "the request was not refused");
    }
    let code = member(resp, "error").and_then(|e| e.as_str().map(str::to_owned));
    let invalid_client = code.as_deref() == Some("invalid_client");
    let ok = resp.status == 400 || (invalid_client && resp.status == 401);
    Check::expect(
        NAME,
        &RFC6749_ERROR_STATUS,
        ok,
        resp.status.to_string(),
        || {
            format!(
                "an {} error must be answered with 400{}, got {}",
                code.as_deref().unwrap_or("error"),
                if invalid_client { " or 401" } else { "" },
                resp.status
            )
        },
    )
}

/// The refusal names one of `allowed`: RFC 6749 §5.2's code for the case (where its
/// definitions fit more than one, as invalid_request and invalid_grant both fit a
/// missing verifier, each is allowed).
pub fn error_code(resp: &RecordedResponse, allowed: &[&str]) -> Check {
    const NAME: &str = "error_code";
    if !refusal(resp) {
        return Check::unjudged(NAME, &RFC6749_ERROR_CODE, "the request was not refused");
    }
    let mut named: Vec<String> = Vec::new();
    for c in allowed {
        let quoted = format!("'{c}'");
        if !named.contains(&quoted) {
            named.push(quoted);
        }
    }
    let list = named.join(" or ");
    match member(resp, "error") {
        Some(Value::String(e)) => Check::expect(
            NAME,
            &RFC6749_ERROR_CODE,
            allowed.contains(&e.as_str()),
            e.clone(),
            || format!("expected error {list}, got '{e}' (status {})", resp.status),
        ),
        other => Check::fail(
            NAME,
            &RFC6749_ERROR_CODE,
            format!(
                "expected error {list}, got {} (status {})",
                describe(other),
                resp.status
            ),
        ),
    }
}

/// `error`, `error_description` and `error_uri` use only the allowed characters.
pub fn error_charset(resp: &RecordedResponse) -> Check {
    const NAME: &str = "error_charset";
    if !refusal(resp) {
        return Check::unjudged(NAME, &RFC6749_ERROR_CHARSET, "the request was not refused");
    }
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
        NAME,
        &RFC6749_ERROR_CHARSET,
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

/// When the client authenticated with the `Authorization` header, an `invalid_client`
/// answer is 401 with a `WWW-Authenticate` of the scheme it used: Basic is the one RFC
/// 6749 defines.
pub fn invalid_client_challenge(resp: &RecordedResponse, used_basic: bool) -> Check {
    const NAME: &str = "invalid_client_challenge";
    if !used_basic {
        return Check::unjudged(
            NAME,
            &RFC6749_INVALID_CLIENT_401,
            "the client did not authenticate with HTTP Basic",
        );
    }
    if member(resp, "error").and_then(|e| e.as_str().map(str::to_owned))
        != Some("invalid_client".to_owned())
    {
        return Check::unjudged(
            NAME,
            &RFC6749_INVALID_CLIENT_401,
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
        NAME,
        &RFC6749_INVALID_CLIENT_401,
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

/// No scope the client may not have (`forbidden`) is granted: the request is refused
/// with invalid_scope, or the scope is left out of what the response says was granted.
/// A success that does not say what it granted is judged by [`scope_returned`].
pub fn scope_not_granted(resp: &RecordedResponse, forbidden: &str) -> Check {
    const NAME: &str = "scope_not_granted";
    let bad = scope_set(forbidden);
    if resp.status == 200 {
        return match member(resp, "scope") {
            Some(Value::String(granted)) => {
                let leaked: Vec<&str> = scope_set(&granted).intersection(&bad).copied().collect();
                Check::expect(
                    NAME,
                    &RFC6749_SCOPE_POLICY,
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
            _ => Check::unjudged(
                NAME,
                &RFC6749_SCOPE_POLICY,
                "the response does not say which scope it granted",
            ),
        };
    }
    match member(resp, "error") {
        Some(Value::String(e)) if e == "invalid_scope" => {
            Check::pass(NAME, &RFC6749_SCOPE_POLICY, "invalid_scope")
        }
        other => Check::fail(
            NAME,
            &RFC6749_SCOPE_POLICY,
            format!(
                "neither a token without the scope nor invalid_scope: status {}, error {}",
                resp.status,
                describe(other)
            ),
        ),
    }
}

/// A token response names its scope when it differs from the `requested` one: absent
/// means "as requested", so a server that left a scope out says so.
pub fn scope_returned(resp: &RecordedResponse, requested: &str) -> Check {
    const NAME: &str = "scope_returned";
    if resp.status != 200 {
        return Check::unjudged(NAME, &RFC6749_SCOPE_RETURNED, "no token was issued");
    }
    match member(resp, "scope") {
        Some(Value::String(s)) => {
            Check::pass(NAME, &RFC6749_SCOPE_RETURNED, format!("scope '{s}'"))
        }
        _ => {
            // The access token may say what was granted; without that the response's
            // silence claims the request, whatever the server did.
            let claimed = granted_in_token(resp);
            match claimed {
                Some(granted) if scope_set(&granted) != scope_set(requested) => Check::fail(
                    NAME,
                    &RFC6749_SCOPE_RETURNED,
                    format!(
                        "no scope member, though the token grants '{granted}' where '{requested}' was asked"
                    ),
                ),
                Some(_) => Check::pass(NAME, &RFC6749_SCOPE_RETURNED, "granted as requested"),
                None => Check::fail(
                    NAME,
                    &RFC6749_SCOPE_RETURNED,
                    format!(
                        "a token was issued with no scope member for a request ('{requested}') whose scope the client may not all have: the response must say what it granted"
                    ),
                ),
            }
        }
    }
}

/// The scope a JWT access token of the response carries, when it says.
fn granted_in_token(resp: &RecordedResponse) -> Option<String> {
    let raw = member(resp, "access_token")?;
    let token = super::jwt::Jwt::decode(raw.as_str()?).ok()?;
    match token.claims.get("scope")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
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
    use crate::protocol::rules::oauth::{
        RFC6749_CODE_ONCE, RFC6749_NO_REFRESH_FOR_CLIENT_CREDENTIALS,
    };

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
        let rt = &RFC6749_NO_REFRESH_FOR_CLIENT_CREDENTIALS;
        assert!(access_token_present(&ok).passed());
        assert!(token_type_bearer(&ok).passed());
        assert!(expires_in_given(&ok).passed() && expires_in_positive(&ok).passed());
        assert!(no_refresh_token(&ok, rt).passed());
        assert!(granted_scope(&ok, "x y", "x y").passed());
        assert!(!granted_scope(&ok, "x", "x").passed());
        assert!(member_order(&ok, &["access_token", "expires_in", "token_type", "scope"]).passed());
        assert!(
            !member_order(&ok, &["expires_in", "access_token", "token_type", "scope"]).passed()
        );
        let bad = resp(
            200,
            r#"{"access_token":"","expires_in":"3600","token_type":"mac","refresh_token":"r"}"#,
            &[],
        );
        assert!(!access_token_present(&bad).passed());
        assert!(!token_type_bearer(&bad).passed());
        assert!(expires_in_given(&bad).passed() && expires_in_positive(&bad).broken());
        let silent = resp(200, r#"{"access_token":"a","token_type":"Bearer"}"#, &[]);
        assert!(expires_in_given(&silent).broken(), "RECOMMENDED: a warning");
        assert!(!expires_in_positive(&silent).broken(), "nothing to judge");
        assert!(!no_refresh_token(&bad, rt).passed());
        assert!(
            granted_scope(&bad, "x", "x").passed(),
            "absent: as requested"
        );
        assert!(!granted_scope(&bad, "x", "x y").passed());
        assert!(
            !scope_not_granted(&bad, "y").broken(),
            "no scope said: not judged"
        );
        assert!(
            scope_returned(&bad, "y").broken(),
            "a scope left out must be named"
        );
        assert!(scope_not_granted(&ok, "z").passed() && scope_not_granted(&ok, "x").broken());
        assert!(scope_returned(&ok, "x").passed());
        let refusal = resp(400, r#"{"error":"invalid_scope"}"#, &[]);
        assert!(scope_not_granted(&refusal, "x").passed());
        assert!(
            refused(&refusal, &RFC6749_CODE_ONCE).passed()
                && refused(&ok, &RFC6749_CODE_ONCE).broken()
        );
        assert!(error_code(&refusal, &["invalid_request", "invalid_scope"]).passed());
        assert!(error_code(&refusal, &["invalid_request"]).broken());
        assert!(
            !error_code(&ok, &["invalid_grant"]).broken(),
            "a success is judged by refused"
        );
        assert!(refresh_token_issued(&bad, rt).passed() && refresh_token_issued(&ok, rt).broken());
        assert!(short_lived(&ok, 3600, rt).passed() && short_lived(&ok, 300, rt).broken());
        assert!(
            short_lived(&bad, 300, rt).broken(),
            "a string expires_in is no lifetime"
        );
    }

    #[test]
    fn error_members() {
        let e = resp(400, r#"{"error":"invalid_client"}"#, &[]);
        assert!(error_status(&e).passed());
        assert!(error_code(&e, &["invalid_client"]).passed());
        assert!(error_code(&e, &["invalid_grant"]).broken());
        assert!(error_charset(&e).passed());
        assert!(invalid_client_challenge(&e, true).broken());
        assert!(!invalid_client_challenge(&e, false).broken());
        let strict = resp(
            401,
            r#"{"error":"invalid_client"}"#,
            &[("WWW-Authenticate", "Basic realm=\"x\"")],
        );
        assert!(invalid_client_challenge(&strict, true).passed());
        assert!(error_status(&strict).passed());
        assert!(error_status(&resp(401, r#"{"error":"invalid_grant"}"#, &[])).broken());
        let ugly = resp(400, r#"{"error":"bad \"one\"","error_uri":"a b"}"#, &[]);
        assert!(error_charset(&ugly).broken());
        assert!(!error_code(&resp(500, "oops", &[]), &["invalid_grant"]).broken());
    }
}
