//! Checks of the provider's session across sign-ins (OpenID Connect Core §3.1.2.1):
//! `prompt=login` asks again and moves `auth_time` on; `prompt=none` (or a `max_age` the
//! session is within) asks nothing and keeps it.

use serde_json::Value;

use super::Check;
use super::jwt::Jwt;
use crate::harness::flow::{AuthorizeOutcome, PageSeen};
use crate::protocol::rules::openid::{
    OIDC_LOGOUT_REDIRECT, OIDC_OWN_SESSION, OIDC_PROMPT_LOGIN, OIDC_PROMPT_NONE,
};

fn auth_time(token: &Jwt) -> Option<i64> {
    token.claims.get("auth_time").and_then(Value::as_i64)
}

/// The user was asked to sign in: the walk posted a form (the sign-in's).
pub fn asked_to_sign_in(pages: &[PageSeen]) -> Check {
    let posted = pages.iter().filter(|p| p.posted).count();
    Check::expect(
        "asked_to_sign_in",
        &OIDC_PROMPT_LOGIN,
        posted > 0,
        format!("{posted} form(s) posted"),
        || "prompt=login, yet the session was reused: no sign-in form was shown".to_owned(),
    )
}

/// The new id_token's `auth_time` is later than the first sign-in's.
pub fn signed_in_again(first: &Jwt, last: &Jwt) -> Check {
    let (a, b) = (auth_time(first), auth_time(last));
    if a.is_none() || b.is_none() {
        return Check::unjudged(
            "signed_in_again",
            &OIDC_PROMPT_LOGIN,
            "an id_token does not say when the user signed in (auth_time is asked for only with max_age)",
        );
    }
    Check::expect(
        "signed_in_again",
        &OIDC_PROMPT_LOGIN,
        matches!((a, b), (Some(a), Some(b)) if b > a),
        format!("auth_time {a:?} then {b:?}"),
        || format!("after signing in again, auth_time should be later: {a:?} then {b:?}"),
    )
}

/// Nothing was shown: the walk went straight back to the client, through redirects.
pub fn nothing_shown(pages: &[PageSeen]) -> Check {
    let shown: Vec<&PageSeen> = pages
        .iter()
        .filter(|p| p.status < 300 || p.posted)
        .collect();
    Check::expect(
        "nothing_shown",
        &OIDC_PROMPT_NONE,
        shown.is_empty(),
        format!("{} redirect(s)", pages.len()),
        || {
            format!(
                "the user was shown a page although the session is current: {}",
                shown
                    .iter()
                    .map(|p| p.url.split('?').next().unwrap_or(&p.url).to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    )
}

/// The new id_token keeps the session's `auth_time`.
pub fn auth_time_kept(first: &Jwt, last: &Jwt) -> Check {
    let (a, b) = (auth_time(first), auth_time(last));
    if a.is_none() || b.is_none() {
        return Check::unjudged(
            "auth_time_kept",
            &OIDC_PROMPT_NONE,
            "an id_token does not say when the user signed in (auth_time is asked for only with max_age)",
        );
    }
    Check::expect(
        "auth_time_kept",
        &OIDC_PROMPT_NONE,
        a.is_some() && a == b,
        format!("auth_time {a:?}"),
        || format!("the session's auth_time should be kept: {a:?} then {b:?}"),
    )
}

/// Two sign-ins of one user in two browsers, `first` then `second` seconds later: two
/// sessions, each id_token with its own `auth_time` (the second's later) and, when both
/// carry one, its own `sid`.
pub fn separate_sessions(first: &Jwt, second: &Jwt) -> Check {
    const NAME: &str = "separate_sessions";
    let (a, b) = (auth_time(first), auth_time(second));
    let sid = |t: &Jwt| {
        t.claims
            .get("sid")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (sa, sb) = (sid(first), sid(second));
    let mut problems = Vec::new();
    match (a, b) {
        (Some(a), Some(b)) if b <= a => problems.push(format!(
            "the second sign-in's auth_time {b} is not later than the first's {a}: it is another session's"
        )),
        (Some(_), Some(_)) => {}
        _ => {
            return Check::unjudged(
                NAME,
                &OIDC_OWN_SESSION,
                "an id_token does not say when the user signed in",
            );
        }
    }
    if sa.is_some() && sa == sb {
        problems.push("both sign-ins' id_tokens carry one sid: the sessions were merged".into());
    }
    Check::expect(
        NAME,
        &OIDC_OWN_SESSION,
        problems.is_empty(),
        format!("auth_time {a:?} then {b:?}"),
        || problems.join("; "),
    )
}

/// RP-Initiated Logout §3: the logout led the user neither to `sent` (the
/// post_logout_redirect_uri the request named) by a redirect, nor by a link on the page
/// it ended on.
pub fn not_led_to(outcome: Option<&AuthorizeOutcome>, sent: &str) -> Check {
    const NAME: &str = "not_led_to";
    let escaped = sent.replace('&', "&amp;");
    let led = match outcome {
        Some(AuthorizeOutcome::ToClient { url, .. } | AuthorizeOutcome::Offsite { url }) => url
            .starts_with(sent)
            .then(|| format!("redirected to {url}")),
        Some(AuthorizeOutcome::Page { body, url, .. }) => (body.contains(&format!("\"{sent}"))
            || body.contains(&format!("\"{escaped}")))
        .then(|| format!("the page at {url} links to it")),
        None => None,
    };
    match led {
        None => Check::pass(NAME, &OIDC_LOGOUT_REDIRECT, format!("not led to {sent}")),
        Some(how) => Check::fail(
            NAME,
            &OIDC_LOGOUT_REDIRECT,
            format!("the user was led to {sent} after logout: {how}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(t: i64) -> Jwt {
        Jwt::unsigned(json!({"alg": "RS256"}), json!({"auth_time": t}))
    }

    #[test]
    fn times() {
        assert!(signed_in_again(&token(10), &token(12)).passed());
        assert!(signed_in_again(&token(10), &token(10)).broken());
        let without = Jwt::unsigned(json!({"alg": "RS256"}), json!({}));
        assert!(!signed_in_again(&without, &token(12)).broken());
        assert!(auth_time_kept(&token(10), &token(10)).passed());
        assert!(auth_time_kept(&token(10), &token(12)).broken());
    }

    #[test]
    fn pages() {
        let redirect = PageSeen {
            url: "https://op/authorize".into(),
            status: 302,
            ..PageSeen::default()
        };
        let form = PageSeen {
            url: "https://op/login".into(),
            status: 200,
            html: true,
            ..PageSeen::default()
        };
        assert!(nothing_shown(std::slice::from_ref(&redirect)).passed());
        assert!(nothing_shown(&[redirect.clone(), form]).broken());
        assert!(asked_to_sign_in(&[redirect]).broken());
    }

    #[test]
    fn logout_links() {
        let page = |body: &str| AuthorizeOutcome::Page {
            url: "https://op/loggedout".into(),
            status: 200,
            form_left: false,
            body: body.into(),
        };
        let evil = "https://evil.example/out";
        assert!(
            not_led_to(
                Some(&page("<a href=\"https://client.example/out\">back</a>")),
                evil
            )
            .passed()
        );
        assert!(
            not_led_to(
                Some(&page(
                    "<a href=\"https://evil.example/out?state=1\">back</a>"
                )),
                evil
            )
            .broken()
        );
        let away = AuthorizeOutcome::Offsite {
            url: format!("{evil}?state=1"),
        };
        assert!(not_led_to(Some(&away), evil).broken());
    }
}
