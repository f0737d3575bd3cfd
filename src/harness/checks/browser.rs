//! Checks on what the browser was shown while signing in (RFC 9700 §4.12, §4.16): pages
//! that cannot be framed by another origin, and form posts not answered with a redirect
//! that would post the credentials on.

use super::Check;
use crate::harness::flow::PageSeen;
use crate::protocol::rules::oauth::{RFC9700_303, RFC9700_FRAMING, RFC9700_NO_307};

/// Whether a page forbids other origins to frame it: `X-Frame-Options` DENY or
/// SAMEORIGIN, or a CSP `frame-ancestors` directive that is not a wildcard.
fn framing_forbidden(page: &PageSeen) -> bool {
    let xfo = page
        .frame_options
        .as_deref()
        .map(|v| v.trim().to_ascii_lowercase());
    let by_xfo = matches!(xfo.as_deref(), Some("deny" | "sameorigin"));
    let by_csp = page.csp.as_deref().is_some_and(|csp| {
        csp.split(';').any(|d| {
            let mut words = d.split_whitespace();
            words
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
                && words.all(|w| w != "*" && !w.starts_with("http:") && w != "https:")
        })
    });
    by_xfo || by_csp
}

/// Every HTML page of the sign-in forbids framing (RFC 9700 §4.16).
pub fn pages_unframeable(pages: &[PageSeen]) -> Check {
    const NAME: &str = "pages_unframeable";
    let shown: Vec<&PageSeen> = pages.iter().filter(|p| p.html && p.status < 300).collect();
    if shown.is_empty() {
        return Check::unjudged(
            NAME,
            &RFC9700_FRAMING,
            "the sign-in showed no HTML page (a login command, or a session)",
        );
    }
    let open: Vec<String> = shown
        .iter()
        .filter(|p| !framing_forbidden(p))
        .map(|p| strip_query(&p.url))
        .collect();
    Check::expect(
        NAME,
        &RFC9700_FRAMING,
        open.is_empty(),
        format!("{} page(s), each forbidding framing", shown.len()),
        || {
            format!(
                "no X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors on: {}",
                open.join(", ")
            )
        },
    )
}

/// The forms posted in the sign-in, or why nothing can be judged.
fn posted(pages: &[PageSeen]) -> Result<(Vec<&PageSeen>, String), &'static str> {
    let posted: Vec<&PageSeen> = pages.iter().filter(|p| p.posted).collect();
    if posted.is_empty() {
        return Err("no form was posted in the sign-in (a login command, or a session)");
    }
    let evidence = posted
        .iter()
        .map(|p| format!("{} → {}", strip_query(&p.url), p.status))
        .collect::<Vec<_>>()
        .join(", ");
    Ok((posted, evidence))
}

/// No form posted in the sign-in is answered 307 (RFC 9700 §4.12, MUST NOT).
pub fn post_not_reposted(pages: &[PageSeen]) -> Check {
    const NAME: &str = "post_not_reposted";
    match posted(pages) {
        Err(why) => Check::unjudged(NAME, &RFC9700_NO_307, why),
        Ok((posted, evidence)) => Check::expect(
            NAME,
            &RFC9700_NO_307,
            !posted.iter().any(|p| p.status == 307),
            evidence.clone(),
            || format!("a posted form was answered 307, which re-posts it: {evidence}"),
        ),
    }
}

/// A redirect answering a form posted in the sign-in is a 303 (RFC 9700 §4.12, SHOULD).
pub fn post_see_other(pages: &[PageSeen]) -> Check {
    const NAME: &str = "post_see_other";
    match posted(pages) {
        Err(why) => Check::unjudged(NAME, &RFC9700_303, why),
        Ok((posted, evidence)) => Check::expect(
            NAME,
            &RFC9700_303,
            posted
                .iter()
                .filter(|p| (300..400).contains(&p.status))
                .all(|p| p.status == 303),
            evidence.clone(),
            || format!("a posted form was redirected with another status than 303: {evidence}"),
        ),
    }
}

/// A URL without its query, which may carry the request's parameters.
fn strip_query(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(xfo: Option<&str>, csp: Option<&str>) -> PageSeen {
        PageSeen {
            url: "https://op/login?x=1".into(),
            posted: false,
            status: 200,
            html: true,
            frame_options: xfo.map(str::to_owned),
            csp: csp.map(str::to_owned),
        }
    }

    #[test]
    fn framing() {
        assert!(pages_unframeable(&[page(Some("SAMEORIGIN"), None)]).passed());
        assert!(
            pages_unframeable(&[page(
                None,
                Some("default-src 'self'; frame-ancestors 'none'")
            )])
            .passed()
        );
        assert!(pages_unframeable(&[page(None, Some("frame-ancestors *"))]).broken());
        assert!(pages_unframeable(&[page(Some("ALLOW-FROM https://x"), None)]).broken());
        assert!(pages_unframeable(&[page(None, None)]).broken());
    }

    #[test]
    fn redirects_after_posts() {
        let post = |status| PageSeen {
            url: "https://op/login".into(),
            posted: true,
            status,
            ..PageSeen::default()
        };
        assert!(post_not_reposted(&[post(303)]).passed() && post_see_other(&[post(303)]).passed());
        assert!(post_not_reposted(&[post(302)]).passed() && post_see_other(&[post(302)]).broken());
        assert!(post_not_reposted(&[post(307)]).broken());
    }
}
