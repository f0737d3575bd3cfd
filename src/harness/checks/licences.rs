//! Checks of a licence pool (Jim2's): a token request is refused when no licence is
//! free, and logging off ends the session.

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::jim2::{
    ASSUMED_JIM2_LICENCE_ERROR, ASSUMED_JIM2_LOGOFF_ENDS_TOKENS, JIM2_LOGOFF,
};

/// With no free licence "the authentication fails": some 4xx, and no access token. The
/// scenario's `rule` says why no licence is free.
pub fn licence_refused(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    let token = resp.json().is_some_and(|v| v.get("access_token").is_some());
    Check::expect(
        "licence_refused",
        rule,
        (400..500).contains(&resp.status) && !token,
        format!("refused with status {}", resp.status),
        || {
            if token {
                format!(
                    "an access token was issued (status {}) though every licence is held",
                    resp.status
                )
            } else {
                format!("expected a 4xx refusal, got status {}", resp.status)
            }
        },
    )
}

/// The error a refusal for want of a licence names. Assumed: Jim2 does not publish it;
/// the mock answers `invalid_grant`, the RFC 6749 §5.2 code for a grant that cannot be
/// honoured.
pub fn licence_error(resp: &RecordedResponse, expected: &str) -> Check {
    let error = resp
        .json()
        .and_then(|v| v.get("error").and_then(|e| e.as_str().map(str::to_owned)));
    Check::expect(
        "licence_error",
        &ASSUMED_JIM2_LICENCE_ERROR,
        error.as_deref() == Some(expected),
        expected.to_owned(),
        || format!("expected error '{expected}', got {error:?}"),
    )
}

/// `logoff` releases the licence, which a 2xx says.
pub fn logoff_accepted(resp: &RecordedResponse) -> Check {
    Check::expect(
        "logoff_accepted",
        &JIM2_LOGOFF,
        (200..300).contains(&resp.status),
        format!("status {}", resp.status),
        || format!("expected the logoff to succeed, got status {}", resp.status),
    )
}

/// Assumed: after `logoff` the session's access token is no longer accepted, so a
/// second logoff with it is refused with 401.
pub fn logoff_ends_tokens(resp: &RecordedResponse) -> Check {
    Check::expect(
        "logoff_ends_tokens",
        &ASSUMED_JIM2_LOGOFF_ENDS_TOKENS,
        resp.status == 401,
        "status 401".to_owned(),
        || {
            format!(
                "expected 401 for a token whose session was logged off, got status {}",
                resp.status
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::jim2::JIM2_LICENCE;

    fn r(status: u16, body: &str) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn licence_pool() {
        assert!(licence_refused(&r(400, r#"{"error":"invalid_grant"}"#), &JIM2_LICENCE).passed());
        assert!(licence_refused(&r(200, r#"{"access_token":"x"}"#), &JIM2_LICENCE).broken());
        assert!(licence_error(&r(400, r#"{"error":"invalid_grant"}"#), "invalid_grant").passed());
        assert!(licence_error(&r(400, r#"{"error":"access_denied"}"#), "invalid_grant").broken());
        assert!(logoff_accepted(&r(200, "")).passed() && logoff_accepted(&r(401, "")).broken());
        assert!(
            logoff_ends_tokens(&r(401, "")).passed() && logoff_ends_tokens(&r(200, "")).broken()
        );
    }
}
