//! Checks on a refresh journey: a chain of refreshes, each just within the sliding
//! lifetime, until past the absolute lifetime (MyID manual §4.4).

use super::Check;

/// One refresh: seconds since the first token, and the status it got.
pub type Leg = (u64, u16);

/// Every refresh at or before `absolute` seconds succeeded.
pub fn refreshes_within_absolute_succeed(legs: &[Leg], absolute: u64) -> Check {
    let early_failure = legs.iter().find(|(t, s)| *t <= absolute && *s != 200);
    let within = legs.iter().filter(|(t, _)| *t <= absolute).count();
    Check::expect(
        "sliding_refreshes_succeed",
        "MyID-4.4",
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
        "MyID-4.4",
        status_after == Some(400) && got == Some(error),
        format!("refused after {absolute} s with {error}"),
        || {
            format!(
                "after the absolute lifetime the refresh answered {status_after:?} with {got:?}"
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journeys() {
        let good = [(100, 200), (200, 200), (300, 400)];
        assert!(refreshes_within_absolute_succeed(&good, 250).passed());
        assert!(
            absolute_lifetime_enforced(&good, 250, "invalid_grant", Some("invalid_grant")).passed()
        );
        let early = [(100, 400)];
        assert!(!refreshes_within_absolute_succeed(&early, 250).passed());
        let endless = [(100, 200), (200, 200), (300, 200)];
        assert!(!absolute_lifetime_enforced(&endless, 250, "invalid_grant", None).passed());
        assert!(!refreshes_within_absolute_succeed(&[], 250).passed());
    }
}
