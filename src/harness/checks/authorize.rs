//! Checks on where the authorize leg ended (RFC 6749 §4.1.2, §4.1.2.1).

use super::{Check, Rule};
use crate::harness::flow::AuthorizeOutcome;
use crate::protocol::rules::identityserver::{IS4_CODE_FORMAT, IS4_ERROR_PAGE};
use crate::protocol::rules::oauth::{
    RFC6749_AUTHENTICATE_OWNER, RFC6749_AUTHORIZE_ERROR, RFC6749_CODE_ISSUED, RFC6749_STATE,
    RFC9207_ISS,
};
use crate::protocol::rules::openid::OIDC_REQUEST_OBJECT;

/// RFC 6749 §4.1.2: the user comes back to the client with a `code`.
pub fn code_delivered(outcome: &AuthorizeOutcome) -> Check {
    match outcome {
        AuthorizeOutcome::ToClient { params, .. } => match outcome.param("code") {
            Some(code) if !code.is_empty() => Check::pass(
                "code_delivered",
                &RFC6749_CODE_ISSUED,
                format!("{} characters", code.len()),
            ),
            _ => Check::fail(
                "code_delivered",
                &RFC6749_CODE_ISSUED,
                format!(
                    "sent to the client without a code: {}",
                    params
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("&")
                ),
            ),
        },
        AuthorizeOutcome::Page { url, status, .. } => Check::fail(
            "code_delivered",
            &RFC6749_CODE_ISSUED,
            format!(
                "the user never got back to the client; the browser stopped at {url} (status {status})"
            ),
        ),
        AuthorizeOutcome::Offsite { url } => Check::fail(
            "code_delivered",
            &RFC6749_CODE_ISSUED,
            format!("the server sent the user to {url}, which is not the client's redirect_uri"),
        ),
    }
}

/// IdentityServer4 v4 codes are 32 random bytes as 64 uppercase hex characters.
pub fn code_format(code: &str) -> Check {
    let ok = code.len() == 64
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
    Check::expect(
        "code_format",
        &IS4_CODE_FORMAT,
        ok,
        "64 uppercase hex",
        || {
            format!(
                "expected 64 uppercase hex characters, got {} characters",
                code.len()
            )
        },
    )
}

/// RFC 6749 §4.1.2 / §4.1.2.1: `state` comes back exactly as sent, and not at all when
/// none was sent.
pub fn state_echoed(outcome: &AuthorizeOutcome, sent: Option<&str>) -> Check {
    let got = outcome.param("state");
    Check::expect(
        "state_echoed",
        &RFC6749_STATE,
        got == sent,
        format!("{got:?}"),
        || format!("sent state {sent:?}, got back {got:?}"),
    )
}

/// The user is not sent to the client: with a bad client or redirect URI (RFC 6749
/// §4.1.2.1), or whatever `rule` the scenario tests keeps the user on the server. Only a
/// page that shows the server's refusal passes: a 404 means the request never reached
/// an authorize endpoint, and a page that still holds a form means the sign-in did not
/// finish, so neither proves anything. A redirect off the server's hosts is an open
/// redirector (RFC 9700 §4.11), judged by its `Location` alone.
pub fn not_sent_to_client(outcome: &AuthorizeOutcome, rule: &'static Rule) -> Check {
    const NAME: &str = "not_sent_to_client";
    let spec = rule;
    match outcome {
        AuthorizeOutcome::Page {
            status: 404, url, ..
        } => Check::fail(
            NAME,
            spec,
            format!(
                "{url} answered 404: the request reached no authorize endpoint, so no refusal was seen"
            ),
        ),
        AuthorizeOutcome::Page {
            form_left: true,
            url,
            ..
        } => Check::fail(
            NAME,
            spec,
            format!(
                "the sign-in stopped on a form at {url}: a refusal cannot be told from a sign-in that did not finish"
            ),
        ),
        AuthorizeOutcome::Page { status, .. } => Check::pass(
            NAME,
            spec,
            format!("stayed on the server (status {status})"),
        ),
        AuthorizeOutcome::ToClient { url, .. } => {
            Check::fail(NAME, spec, format!("the user was sent to {url}"))
        }
        AuthorizeOutcome::Offsite { url } => Check::fail(
            NAME,
            spec,
            format!("an open redirect: the server sent the user to {url}"),
        ),
    }
}

/// RFC 9207 §2: the response's `iss`, when present, is the issuer, compared as a
/// string; when the metadata promises it (`advertised`), it is present.
pub fn iss_in_response(outcome: &AuthorizeOutcome, issuer: &str, advertised: bool) -> Check {
    const NAME: &str = "iss_in_response";
    let AuthorizeOutcome::ToClient { .. } = outcome else {
        return Check::unjudged(
            NAME,
            &RFC9207_ISS,
            "the user did not get back to the client",
        );
    };
    match outcome.param("iss") {
        Some(iss) => Check::expect(
            NAME,
            &RFC9207_ISS,
            iss == issuer,
            format!("iss {iss}"),
            || format!("the authorization response names the issuer '{iss}', not '{issuer}'"),
        ),
        None => Check::expect(
            NAME,
            &RFC9207_ISS,
            !advertised,
            "no iss, and the metadata does not promise one",
            || "the metadata promises iss in the authorization response, but none came".to_owned(),
        ),
    }
}

/// OpenID Connect Core §6: a request object was processed (a code came back with the
/// `state` only the object carried) or the request refused (an error, or the server's
/// own page); a code without that state means the object was ignored.
pub fn request_object_not_ignored(outcome: &AuthorizeOutcome, state: &str) -> Check {
    const NAME: &str = "request_object_not_ignored";
    match outcome {
        AuthorizeOutcome::ToClient { .. } => {
            match (outcome.param("code"), outcome.param("error")) {
                (_, Some(error)) => {
                    Check::pass(NAME, &OIDC_REQUEST_OBJECT, format!("refused: {error}"))
                }
                (Some(_), None) => Check::expect(
                    NAME,
                    &OIDC_REQUEST_OBJECT,
                    outcome.param("state") == Some(state),
                    "processed: the object's state came back",
                    || {
                        format!(
                            "a code came back with state {:?}, not the request object's: the object was ignored",
                            outcome.param("state")
                        )
                    },
                ),
                (None, None) => Check::fail(
                    NAME,
                    &OIDC_REQUEST_OBJECT,
                    "back at the client with neither a code nor an error",
                ),
            }
        }
        AuthorizeOutcome::Page { status, .. } => Check::pass(
            NAME,
            &OIDC_REQUEST_OBJECT,
            format!("refused on the server's page (status {status})"),
        ),
        AuthorizeOutcome::Offsite { url } => Check::fail(
            NAME,
            &OIDC_REQUEST_OBJECT,
            format!("the server sent the user to {url}"),
        ),
    }
}

/// RFC 6749 §3.1: the server authenticates the resource owner before anything else, so
/// a failed sign-in leaves the user on the sign-in form.
pub fn stays_on_sign_in(outcome: &AuthorizeOutcome) -> Check {
    match outcome {
        AuthorizeOutcome::Page {
            form_left: true,
            status,
            ..
        } => Check::pass(
            "stays_on_sign_in",
            &RFC6749_AUTHENTICATE_OWNER,
            format!("a form again (status {status})"),
        ),
        AuthorizeOutcome::Page { url, status, .. } => Check::fail(
            "stays_on_sign_in",
            &RFC6749_AUTHENTICATE_OWNER,
            format!("the browser stopped at {url} (status {status}) with no form to sign in again"),
        ),
        AuthorizeOutcome::ToClient { url, .. } | AuthorizeOutcome::Offsite { url } => Check::fail(
            "stays_on_sign_in",
            &RFC6749_AUTHENTICATE_OWNER,
            format!("without a successful sign-in the user was sent to {url}"),
        ),
    }
}

/// The error goes back to the client as `error=…`, one of `allowed`, as `rule` (the
/// requirement the scenario tests: OpenID Connect's `prompt=none`, a product's PKCE
/// rule) says it must.
pub fn error_sent_to_client(
    outcome: &AuthorizeOutcome,
    allowed: &[&str],
    rule: &'static Rule,
) -> Check {
    let error = allowed.join("' or '");
    match outcome.param("error") {
        Some(e) => Check::expect(
            "error_sent_to_client",
            rule,
            allowed.contains(&e),
            e.to_owned(),
            || format!("expected error '{error}' at the client, got '{e}'"),
        ),
        None => Check::fail(
            "error_sent_to_client",
            rule,
            match outcome {
                AuthorizeOutcome::Page { status, .. } => format!(
                    "the error stayed on the server's page (status {status}) instead of going to the client as {error}"
                ),
                AuthorizeOutcome::ToClient { .. } => "the client got no error parameter".to_owned(),
                AuthorizeOutcome::Offsite { url } => format!("the server sent the user to {url}"),
            },
        ),
    }
}

/// An invalid authorization request is refused: the error goes back to the client (one
/// of `allowed`, RFC 6749 §4.1.2.1), or the request stops at the server's own page,
/// which the OpenID conformance suite accepts and RFC 9700 §4.11.2 prefers to sending an
/// unauthenticated user to a redirect URI. No code, no other error, no other site.
pub fn authorize_refused(outcome: &AuthorizeOutcome, allowed: &[&str]) -> Check {
    const NAME: &str = "authorize_refused";
    let rule = &RFC6749_AUTHORIZE_ERROR;
    match outcome {
        AuthorizeOutcome::ToClient { .. } => {
            match (outcome.param("error"), outcome.param("code")) {
                (Some(e), _) => Check::expect(
                    NAME,
                    rule,
                    allowed.contains(&e),
                    format!("error {e} at the client"),
                    || {
                        format!(
                            "expected error '{}' at the client, got '{e}'",
                            allowed.join("' or '")
                        )
                    },
                ),
                (None, Some(_)) => Check::fail(NAME, rule, "the invalid request got a code"),
                (None, None) => {
                    Check::fail(NAME, rule, "the client got neither an error nor a code")
                }
            }
        }
        AuthorizeOutcome::Page {
            status: 404, url, ..
        } => Check::fail(
            NAME,
            rule,
            format!("{url} answered 404: the request reached no authorize endpoint"),
        ),
        AuthorizeOutcome::Page { status, .. } => Check::pass(
            NAME,
            rule,
            format!("stopped at the server's page (status {status})"),
        ),
        AuthorizeOutcome::Offsite { url } => {
            Check::fail(NAME, rule, format!("the server sent the user to {url}"))
        }
    }
}

/// IdentityServer4 v4 keeps authorize errors on its error page, which names the error.
pub fn error_page_shows(outcome: &AuthorizeOutcome, error: &str) -> Check {
    match outcome {
        AuthorizeOutcome::Page { body, .. } => Check::expect(
            "error_page_shows",
            &IS4_ERROR_PAGE,
            body.contains(error),
            error.to_owned(),
            || format!("the page does not mention '{error}'"),
        ),
        AuthorizeOutcome::ToClient { url, .. } | AuthorizeOutcome::Offsite { url } => Check::fail(
            "error_page_shows",
            &IS4_ERROR_PAGE,
            format!("the user was sent to {url}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::oauth::RFC6749_NO_REDIRECT;

    fn to_client(params: &[(&str, &str)]) -> AuthorizeOutcome {
        AuthorizeOutcome::ToClient {
            url: "https://c/cb".into(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        }
    }

    #[test]
    fn outcomes() {
        let ok = to_client(&[("code", "AB"), ("state", "s")]);
        let page = AuthorizeOutcome::Page {
            url: "http://h/home/error".into(),
            status: 200,
            body: "<strong>invalid_request</strong>".into(),
            form_left: false,
        };
        let missing = AuthorizeOutcome::Page {
            url: "http://h/authorize".into(),
            status: 404,
            body: String::new(),
            form_left: false,
        };
        let login = AuthorizeOutcome::Page {
            url: "http://h/login".into(),
            status: 200,
            body: "<form>".into(),
            form_left: true,
        };
        let away = AuthorizeOutcome::Offsite {
            url: "https://evil.example/cb?code=x".into(),
        };
        assert!(
            !not_sent_to_client(&missing, &RFC6749_NO_REDIRECT).passed(),
            "a 404 is no refusal"
        );
        assert!(
            !not_sent_to_client(&login, &RFC6749_NO_REDIRECT).passed(),
            "an unfinished sign-in is no refusal"
        );
        assert!(
            !not_sent_to_client(&away, &RFC6749_NO_REDIRECT).passed()
                && !code_delivered(&away).passed()
        );
        assert!(stays_on_sign_in(&login).passed() && !stays_on_sign_in(&page).passed());
        assert!(code_delivered(&ok).passed() && !code_delivered(&page).passed());
        assert!(state_echoed(&ok, Some("s")).passed() && !state_echoed(&ok, Some("t")).passed());
        assert!(!state_echoed(&ok, None).passed());
        assert!(
            not_sent_to_client(&page, &RFC6749_NO_REDIRECT).passed()
                && !not_sent_to_client(&ok, &RFC6749_NO_REDIRECT).passed()
        );
        assert!(error_page_shows(&page, "invalid_request").passed());
        assert!(
            !error_sent_to_client(&page, &["invalid_request"], &RFC6749_AUTHORIZE_ERROR).passed()
        );
        assert!(
            error_sent_to_client(
                &to_client(&[("error", "access_denied")]),
                &["access_denied"],
                &RFC6749_AUTHORIZE_ERROR
            )
            .passed()
        );
        assert!(
            authorize_refused(&page, &["invalid_request"]).passed(),
            "an error page refuses"
        );
        assert!(
            authorize_refused(
                &to_client(&[("error", "invalid_request")]),
                &["invalid_request"]
            )
            .passed()
        );
        assert!(
            authorize_refused(&ok, &["invalid_request"]).broken(),
            "a code is no refusal"
        );
        assert!(authorize_refused(&missing, &["invalid_request"]).broken());
        assert!(
            authorize_refused(
                &to_client(&[("error", "server_error")]),
                &["invalid_request"]
            )
            .broken()
        );
        assert!(code_format(&"A".repeat(64)).passed() && !code_format(&"a".repeat(64)).passed());
    }
}
