//! Checks on refresh tokens: rotation, and a chain of refreshes, each just within the
//! sliding lifetime, until past the absolute lifetime (IdentityServer's model, MyID
//! manual §4.4).

use super::{Check, Rule};
use crate::protocol::rules::identityserver::{IS4_ABSOLUTE, IS4_SLIDING};
use crate::protocol::rules::oauth::RFC9700_REFRESH_SCOPE;

/// One refresh: seconds since the first token, and the status it got.
pub type Leg = (u64, u16);

/// The last refresh replaced the refresh token (`before`, `after`), as `rule` wants
/// (RFC 9700 §4.14.2 for a public client, a product's rotation setting).
pub fn refresh_token_rotated(
    before: Option<&str>,
    after: Option<&str>,
    rule: &'static Rule,
) -> Check {
    match (before, after) {
        (Some(b), Some(a)) => Check::expect(
            "refresh_token_rotated",
            rule,
            b != a,
            "a new refresh token",
            || "the refresh response returned the same refresh token".into(),
        ),
        (Some(_), None) => Check::fail(
            "refresh_token_rotated",
            rule,
            "the refresh response carries no refresh token",
        ),
        _ => Check::unjudged("refresh_token_rotated", rule, "no refresh token to rotate"),
    }
}

/// Every refresh at or before `absolute` seconds succeeded.
pub fn sliding_refreshes_succeed(legs: &[Leg], absolute: u64) -> Check {
    let early_failure = legs.iter().find(|(t, s)| *t <= absolute && *s != 200);
    let within = legs.iter().filter(|(t, _)| *t <= absolute).count();
    Check::expect(
        "sliding_refreshes_succeed",
        &IS4_SLIDING,
        early_failure.is_none() && within > 0,
        format!("{within} refreshes within {absolute} s"),
        || match early_failure {
            Some((t, s)) => format!("a refresh {t} s after the first token failed (status {s})"),
            None => "no refresh was made within the absolute lifetime".into(),
        },
    )
}

/// The first refresh after `absolute` seconds was refused with `error` (`got` is the
/// error code it answered, if any).
pub fn absolute_lifetime_enforced(
    legs: &[Leg],
    absolute: u64,
    error: &str,
    got: Option<&str>,
) -> Check {
    let status_after = legs.iter().find(|(t, _)| *t > absolute).map(|l| l.1);
    Check::expect(
        "absolute_lifetime_enforced",
        &IS4_ABSOLUTE,
        status_after == Some(400) && got == Some(error),
        format!("refused after {absolute} s with {error}"),
        || {
            format!(
                "after the absolute lifetime the refresh answered {status_after:?} with {got:?}"
            )
        },
    )
}

/// Not a verdict but a record: which client stood in for the one the scenario names,
/// because that one got no refresh token, for a rule that holds for any client.
pub fn client_role(rule: &'static Rule, first: &str, second: &str) -> Check {
    Check::unjudged(
        "client_role",
        rule,
        format!(
            "client '{first}' got no refresh token, so client '{second}' stands in: the rule holds for any client"
        ),
    )
}

/// RFC 9700 §4.14.2, RFC 6749 §6: a refresh asking for `asked` got no scope beyond
/// `granted` (the grant's). A refusal holds; a success is judged by what it granted:
/// the access token's `scope` claim when it has one, else the response's `scope`, else
/// (RFC 6749 §5.1: absent means as requested) what was asked.
pub fn no_wider_scope(
    granted: &[String],
    asked: &[String],
    status: u16,
    issued: Option<Vec<String>>,
) -> Check {
    const NAME: &str = "no_wider_scope";
    let extra: Vec<&String> = asked.iter().filter(|s| !granted.contains(s)).collect();
    if extra.is_empty() {
        return Check::unjudged(
            NAME,
            &RFC9700_REFRESH_SCOPE,
            "the scope asked for is no wider than the grant's",
        );
    }
    if status >= 400 {
        return Check::pass(
            NAME,
            &RFC9700_REFRESH_SCOPE,
            format!("refused with {status}"),
        );
    }
    let now = issued.unwrap_or_else(|| asked.to_vec());
    let widened: Vec<&String> = now.iter().filter(|s| !granted.contains(s)).collect();
    Check::expect(
        NAME,
        &RFC9700_REFRESH_SCOPE,
        widened.is_empty(),
        format!("granted {}", now.join(" ")),
        || {
            format!(
                "the refresh widened the grant ({}) with {}",
                granted.join(" "),
                widened
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::oauth::RFC9700_ROTATION;

    #[test]
    fn journeys() {
        let good = [(100, 200), (200, 200), (300, 400)];
        assert!(sliding_refreshes_succeed(&good, 250).passed());
        assert!(
            absolute_lifetime_enforced(&good, 250, "invalid_grant", Some("invalid_grant")).passed()
        );
        let early = [(100, 400)];
        assert!(!sliding_refreshes_succeed(&early, 250).passed());
        let endless = [(100, 200), (200, 200), (300, 200)];
        assert!(!absolute_lifetime_enforced(&endless, 250, "invalid_grant", None).passed());
        assert!(!sliding_refreshes_succeed(&[], 250).passed());
        assert!(refresh_token_rotated(Some("a"), Some("b"), &RFC9700_ROTATION).passed());
        assert!(refresh_token_rotated(Some("a"), Some("a"), &RFC9700_ROTATION).broken());
        assert!(!refresh_token_rotated(None, None, &RFC9700_ROTATION).broken());
    }
}
