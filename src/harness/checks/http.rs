//! Checks on the HTTP layer of any response.

use super::Check;
use crate::harness::client::RecordedResponse;

/// The status code is `expected`; `spec` names the rule that demands it.
pub fn status_is(resp: &RecordedResponse, expected: u16, spec: &'static str) -> Check {
    Check::expect(
        "status",
        spec,
        resp.status == expected,
        format!("status {expected}"),
        || format!("expected status {expected}, got {}", resp.status),
    )
}

/// The media type is `application/json` (parameters such as charset allowed).
pub fn json_content_type(resp: &RecordedResponse, spec: &'static str) -> Check {
    json_media_type(resp, spec, &[])
}

/// The media type is `application/json` or one of `also` (a registered JSON type).
pub fn json_media_type(resp: &RecordedResponse, spec: &'static str, also: &[&str]) -> Check {
    let ct = resp.header("content-type").unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim();
    let ok = std::iter::once("application/json")
        .chain(also.iter().copied())
        .any(|m| media.eq_ignore_ascii_case(m));
    Check::expect("json_content_type", spec, ok, ct.to_owned(), || {
        format!(
            "expected Content-Type {}, got '{ct}'",
            std::iter::once("application/json")
                .chain(also.iter().copied())
                .collect::<Vec<_>>()
                .join(" or ")
        )
    })
}

/// The body parses as a JSON object.
pub fn json_object_body(resp: &RecordedResponse, spec: &'static str) -> Check {
    Check::expect(
        "json_object_body",
        spec,
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
        "RFC6749-5.1",
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
    let v = resp.header("pragma").unwrap_or("");
    Check::expect(
        "pragma_no_cache",
        "RFC6749-5.1",
        v.trim().eq_ignore_ascii_case("no-cache"),
        v.to_owned(),
        || format!("expected Pragma: no-cache, got '{v}'"),
    )
}

/// The Fetch standard's CORS protocol: a 2xx carrying `Access-Control-Allow-Origin`
/// for exactly this origin.
pub fn cors_allows(resp: &RecordedResponse, origin: &str) -> Check {
    let got = resp
        .header("access-control-allow-origin")
        .unwrap_or("")
        .to_owned();
    let ok = got == origin && (200..300).contains(&resp.status);
    Check::expect("cors_allows_origin", "Fetch-CORS", ok, got.clone(), || {
        format!(
            "expected a 2xx with Access-Control-Allow-Origin: {origin}, got {} with '{got}'",
            resp.status
        )
    })
}

/// MyID manual §4.1.3: an origin no client lists gets no `Access-Control-Allow-Origin`
/// for itself (nor `*`).
pub fn cors_refuses(resp: &RecordedResponse, origin: &str) -> Check {
    let got = resp
        .header("access-control-allow-origin")
        .map(str::to_owned);
    let ok = got.as_deref().is_none_or(|g| g != origin && g != "*");
    Check::expect(
        "cors_refuses_origin",
        "MyID-4.1.3",
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

    fn resp(headers: &[(&str, &str)]) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            body: b"{}".to_vec(),
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
        assert!(json_content_type(&r, "s").passed());
        assert!(!json_content_type(&resp(&[("content-type", "text/html")]), "s").passed());
        assert!(pragma_no_cache(&r).passed());
        assert!(status_is(&r, 200, "s").passed());
        assert!(!status_is(&r, 400, "s").passed());
        assert!(json_object_body(&r, "s").passed());
        let mut allowed = resp(&[("access-control-allow-origin", "https://a.example")]);
        allowed.status = 204;
        assert!(cors_allows(&allowed, "https://a.example").passed());
        assert!(!cors_refuses(&allowed, "https://a.example").passed());
        assert!(cors_refuses(&allowed, "https://b.example").passed());
        assert!(
            !cors_refuses(
                &resp(&[("access-control-allow-origin", "*")]),
                "https://b.example"
            )
            .passed()
        );
        assert!(!cors_allows(&resp(&[]), "https://a.example").passed());
    }
}
