//! Checks of a licence pool (Jim2's): a token request is refused when no licence is
//! free, and logging off ends the session.

use super::Check;
use crate::harness::client::RecordedResponse;

/// Jim2's help: with no free licence "the authentication fails" — some 4xx, and no
/// access token.
pub fn licence_refused(resp: &RecordedResponse) -> Check {
    let token = resp.json().is_some_and(|v| v.get("access_token").is_some());
    Check::expect(
        "licence_refused",
        "Jim2-token-licence",
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
        "assumed-Jim2-no-licence-error",
        error.as_deref() == Some(expected),
        expected.to_owned(),
        || format!("expected error '{expected}', got {error:?}"),
    )
}

/// Jim2's help: `logoff` releases the licence. Assumed: it answers 200.
pub fn logoff_accepted(resp: &RecordedResponse) -> Check {
    Check::expect(
        "logoff_accepted",
        "Jim2-token-logoff",
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
        "assumed-Jim2-logoff-ends-tokens",
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
