//! Checks on the HTTP layer of any response.

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::oauth::{FETCH_CORS_ALLOW, RFC6749_NO_STORE, RFC6749_PRAGMA};

/// The status code is `expected`; `rule` is the requirement that demands it.
pub fn status(resp: &RecordedResponse, expected: u16, rule: &'static Rule) -> Check {
    Check::expect(
        "status",
        rule,
        resp.status == expected,
        format!("status {expected}"),
        || format!("expected status {expected}, got {}", resp.status),
    )
}

/// A revocation the client was entitled to make was taken: 200, or 400
/// `unsupported_token_type`, which RFC 7009 §2.2.1 lets a server that revokes no tokens
/// of that type answer. What it must not be is a refusal of the client itself.
pub fn revocation_taken(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    let error = resp
        .json()
        .and_then(|b| b.get("error").and_then(|e| e.as_str()).map(str::to_owned));
    let unsupported = resp.status == 400 && error.as_deref() == Some("unsupported_token_type");
    Check::expect(
        "revocation_taken",
        rule,
        resp.status == 200 || unsupported,
        if unsupported {
            "400 unsupported_token_type: the server revokes no tokens of this type".to_owned()
        } else {
            "status 200".to_owned()
        },
        || {
            format!(
                "expected 200 (or 400 unsupported_token_type), got {} {}",
                resp.status,
                error.unwrap_or_default()
            )
        },
    )
}

/// The media type is `application/json` (parameters such as charset allowed).
pub fn json_content_type(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    let ct = resp.header("content-type").unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim();
    let ok = media.eq_ignore_ascii_case("application/json");
    Check::expect("json_content_type", rule, ok, ct.to_owned(), || {
        format!("expected Content-Type application/json, got '{ct}'")
    })
}

/// The body parses as a JSON object.
pub fn json_object_body(resp: &RecordedResponse, rule: &'static Rule) -> Check {
    Check::expect(
        "json_object_body",
        rule,
        resp.json().is_some_and(|v| v.is_object()),
        "a JSON object",
        || {
            format!(
                "the body is not a JSON object: {}",
                String::from_utf8_lossy(&resp.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            )
        },
    )
}

/// RFC 6749 §5.1: responses carrying tokens have `Cache-Control: no-store`. The
/// header is tokenised, since servers add other directives (`no-cache, max-age=0`).
pub fn cache_control_no_store(resp: &RecordedResponse) -> Check {
    if !carries_token(resp) {
        return Check::unjudged(
            "cache_control_no_store",
            &RFC6749_NO_STORE,
            "no token in the response",
        );
    }
    let values: Vec<&str> = resp
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
        .map(|(_, v)| v.as_str())
        .collect();
    let ok = values
        .iter()
        .flat_map(|v| v.split(','))
        .any(|d| d.trim().eq_ignore_ascii_case("no-store"));
    Check::expect(
        "cache_control_no_store",
        &RFC6749_NO_STORE,
        ok,
        values.join(", "),
        || {
            format!(
                "Cache-Control must contain no-store, got '{}'",
                values.join(", ")
            )
        },
    )
}

/// RFC 6749 §5.1: `Pragma: no-cache` alongside `Cache-Control`.
pub fn pragma_no_cache(resp: &RecordedResponse) -> Check {
    if !carries_token(resp) {
        return Check::unjudged(
            "pragma_no_cache",
            &RFC6749_PRAGMA,
            "no token in the response",
        );
    }
    let v = resp.header("pragma").unwrap_or("");
    Check::expect(
        "pragma_no_cache",
        &RFC6749_PRAGMA,
        v.trim().eq_ignore_ascii_case("no-cache"),
        v.to_owned(),
        || format!("expected Pragma: no-cache, got '{v}'"),
    )
}

/// Whether the response carries a token, which the caching rules protect.
fn carries_token(resp: &RecordedResponse) -> bool {
    resp.json()
        .is_some_and(|b| b.get("access_token").is_some() || b.get("refresh_token").is_some())
}

/// The Fetch standard's CORS protocol: a 2xx carrying `Access-Control-Allow-Origin`
/// for exactly this origin, which the target file says the server allows.
pub fn cors_allows_origin(resp: &RecordedResponse, origin: &str) -> Check {
    let got = resp
        .header("access-control-allow-origin")
        .unwrap_or("")
        .to_owned();
    let ok = got == origin && (200..300).contains(&resp.status);
    Check::expect(
        "cors_allows_origin",
        &FETCH_CORS_ALLOW,
        ok,
        got.clone(),
        || {
            format!(
                "expected a 2xx with Access-Control-Allow-Origin: {origin}, got {} with '{got}'",
                resp.status
            )
        },
    )
}

/// An origin the server's policy does not allow gets no `Access-Control-Allow-Origin`
/// for itself (nor `*`). Whose policy that is, `rule` says: no RFC asks a server to
/// refuse an origin, IdentityServer and MyID allow only those configured.
pub fn cors_refuses_origin(resp: &RecordedResponse, origin: &str, rule: &'static Rule) -> Check {
    let got = resp
        .header("access-control-allow-origin")
        .map(str::to_owned);
    let ok = got.as_deref().is_none_or(|g| g != origin && g != "*");
    Check::expect(
        "cors_refuses_origin",
        rule,
        ok,
        "no Access-Control-Allow-Origin for it",
        || {
            format!(
                "the origin {origin} was allowed: Access-Control-Allow-Origin: {}",
                got.clone().unwrap_or_default()
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::myid::MYID_CORS;
    use crate::protocol::rules::oauth::RFC8414_JSON;

    fn resp(headers: &[(&str, &str)]) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            body: br#"{"access_token":"t"}"#.to_vec(),
        }
    }

    #[test]
    fn no_store_is_found_among_directives() {
        assert!(
            cache_control_no_store(&resp(&[("Cache-Control", "no-cache, No-Store ,max-age=0")]))
                .passed()
        );
        assert!(!cache_control_no_store(&resp(&[("Cache-Control", "no-cache")])).passed());
        assert!(!cache_control_no_store(&resp(&[])).passed());
        assert!(
            cache_control_no_store(&resp(&[
                ("cache-control", "private"),
                ("cache-control", "no-store")
            ]))
            .passed()
        );
    }

    #[test]
    fn content_type_and_status() {
        let r = resp(&[
            ("content-type", "application/json; charset=UTF-8"),
            ("pragma", "no-cache"),
        ]);
        assert!(json_content_type(&r, &RFC8414_JSON).passed());
        assert!(
            !json_content_type(&resp(&[("content-type", "text/html")]), &RFC8414_JSON).passed()
        );
        assert!(pragma_no_cache(&r).passed());
        assert!(status(&r, 200, &RFC8414_JSON).passed());
        assert!(!status(&r, 400, &RFC8414_JSON).passed());
        assert!(json_object_body(&r, &RFC8414_JSON).passed());
        let mut allowed = resp(&[("access-control-allow-origin", "https://a.example")]);
        allowed.status = 204;
        assert!(cors_allows_origin(&allowed, "https://a.example").passed());
        assert!(!cors_refuses_origin(&allowed, "https://a.example", &MYID_CORS).passed());
        assert!(cors_refuses_origin(&allowed, "https://b.example", &MYID_CORS).passed());
        assert!(
            !cors_refuses_origin(
                &resp(&[("access-control-allow-origin", "*")]),
                "https://b.example",
                &MYID_CORS
            )
            .passed()
        );
        assert!(!cors_allows_origin(&resp(&[]), "https://a.example").passed());
    }
}
