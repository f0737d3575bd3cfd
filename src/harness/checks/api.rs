//! Checks on Core API answers: RFC 6750 challenges, MyID's error bodies, and the paging
//! invariants of reports (manual §8.14).

use serde_json::Value;

use super::Check;
use crate::harness::client::RecordedResponse;

/// RFC 6750 §3 / §3.1: a 401 with a `Bearer` challenge; `error="invalid_token"` exactly
/// when a token was sent.
pub fn bearer_challenge(resp: &RecordedResponse, token_sent: bool) -> Check {
    let challenge = resp.header("www-authenticate").unwrap_or("").to_owned();
    let is_bearer = challenge
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("bearer");
    let has_error = challenge.contains("error=\"invalid_token\"");
    let ok = resp.status == 401 && is_bearer && has_error == token_sent;
    Check::expect(
        "bearer_challenge",
        "RFC6750-3.1",
        ok,
        format!("401, WWW-Authenticate: {challenge}"),
        || {
            format!(
                "expected 401 with WWW-Authenticate: Bearer{}; got {} with '{challenge}'",
                if token_sent {
                    " error=\"invalid_token\""
                } else {
                    " (no error attribute)"
                },
                resp.status
            )
        },
    )
}

/// The HTTP status MyID gives each family of WS codes.
pub fn status_for(code: &str) -> u16 {
    match code {
        "WS50000" => 403,
        "WS40005" => 404,
        c if c.starts_with("WS5") => 400,
        _ => 400,
    }
}

/// The HTTP status of a WS error. The manual documents 403 for WS50000 (§8.6.4); the
/// status of every other code is the mock's reading, so that rule is assumed.
pub fn ws_status(resp: &RecordedResponse, code: &str) -> Check {
    let status = status_for(code);
    let spec = if code == "WS50000" {
        "MyID-8.6.4"
    } else {
        "assumed-MyID-ws-status"
    };
    Check::expect(
        "ws_status",
        spec,
        resp.status == status,
        format!("status {status}"),
        || format!("expected status {status} for {code}, got {}", resp.status),
    )
}

/// MyID's error body: `{"message", "code", "invalidField"?, "invalidFieldReason"?}`.
pub fn ws_error(resp: &RecordedResponse, code: &str) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let got = body.get("code").and_then(Value::as_str).unwrap_or("");
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    let ok = got == code && !message.is_empty();
    Check::expect(
        "ws_error",
        "MyID-8.8.6",
        ok,
        format!("{got}: {message}"),
        || {
            format!(
                "expected code {code} with a message, got {} with body {}",
                resp.status,
                String::from_utf8_lossy(&resp.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            )
        },
    )
}

/// ASP.NET problem details (RFC 9110 §15.5.1 / RFC 9457) for a body that does not bind.
pub fn problem_details(resp: &RecordedResponse) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let ok = resp.status == 400
        && ["type", "title", "status", "traceId"]
            .iter()
            .all(|k| body.get(*k).is_some());
    Check::expect(
        "problem_details",
        "MyID-8.10.7",
        ok,
        "type, title, status, traceId",
        || format!("expected 400 problem details, got {} {}", resp.status, body),
    )
}

/// The value at a dotted path (`name.first`, `results.0.id`).
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |v, part| match part.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(part),
        })
}

fn text_is(row: &Value, path: &str, value: &str) -> bool {
    lookup(row, path)
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case(value))
}

/// The `results` array of a body (empty when there is none).
pub fn results(body: &Value) -> Vec<Value> {
    body.get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Whether some result has `path` = `value` (`want`), or none has (`!want`).
pub fn results_include(results: &[Value], path: &str, value: &str, want: bool) -> Check {
    let found = results.iter().any(|r| text_is(r, path, value));
    Check::expect(
        "results_include",
        "MyID-8.7",
        found == want,
        format!("{} results", results.len()),
        || {
            format!(
                "{} results, and one with {path} = {value} was {}",
                results.len(),
                if found { "found" } else { "not found" }
            )
        },
    )
}

/// MyID §2.2.1: every result lies within the scope (`path` = `value` for all).
pub fn scope_respected(results: &[Value], path: &str, value: &str) -> Check {
    let stray: Vec<String> = results
        .iter()
        .filter(|r| !text_is(r, path, value))
        .map(|r| {
            r.get("logonName")
                .or_else(|| r.get("id"))
                .cloned()
                .unwrap_or(Value::Null)
                .to_string()
        })
        .collect();
    Check::expect(
        "scope_respected",
        "MyID-2.2.1",
        !results.is_empty() && stray.is_empty(),
        format!("{} results", results.len()),
        || {
            if results.is_empty() {
                "no results at all".into()
            } else {
                format!("outside {path} = {value}: {}", stray.join(", "))
            }
        },
    )
}

/// One page of a walk: its rows and the `nextPage` href, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The page number requested.
    pub number: usize,
    /// Its rows.
    pub rows: Vec<Value>,
    /// The `nextPage` link's href.
    pub next: Option<String>,
}

/// No row appears twice across the pages (by `key`).
pub fn no_duplicates(pages: &[Page], key: &str) -> Check {
    let mut seen = std::collections::HashSet::new();
    let dup = pages
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r.get(key).cloned().unwrap_or(Value::Null).to_string())
        .find(|k| !seen.insert(k.clone()));
    Check::expect(
        "paging_no_duplicates",
        "MyID-8.14",
        dup.is_none(),
        format!("{} distinct rows", seen.len()),
        || {
            format!(
                "row {} appears on more than one page",
                dup.unwrap_or_default()
            )
        },
    )
}

fn cmp(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .cmp(&b.as_str().unwrap_or_default().to_lowercase()),
    }
}

/// The rows, read page after page, keep the order `order_by` asks for.
pub fn ordered(pages: &[Page], order_by: &str) -> Check {
    let (desc, column) = order_by
        .strip_prefix('-')
        .map_or((false, order_by), |c| (true, c));
    let values: Vec<Value> = pages
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r.get(column).cloned().unwrap_or(Value::Null))
        .collect();
    let broken = values.windows(2).position(|w| {
        let o = cmp(&w[0], &w[1]);
        if desc {
            o == std::cmp::Ordering::Less
        } else {
            o == std::cmp::Ordering::Greater
        }
    });
    Check::expect(
        "paging_ordered",
        "MyID-8.14",
        broken.is_none(),
        format!("{} rows by {order_by}", values.len()),
        || {
            let i = broken.unwrap_or(0);
            format!(
                "row {} ({}) and row {} ({}) are out of {order_by} order",
                i + 1,
                values[i],
                i + 2,
                values[i + 1]
            )
        },
    )
}

/// Each page but the last links to the next page number with the same `order_by`; the
/// last links nowhere; every full page has the same size.
pub fn links_consistent(pages: &[Page], report: &str, order_by: &str) -> Check {
    let mut problems = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let last = i + 1 == pages.len();
        match (&p.next, last) {
            (Some(href), false) => {
                let want = format!("reports/{report}?page={}&order_by={order_by}", p.number + 1);
                if !href.eq_ignore_ascii_case(&want) {
                    problems.push(format!(
                        "page {} links to '{href}', expected '{want}'",
                        p.number
                    ));
                }
            }
            (Some(href), true) => problems.push(format!(
                "the last page {} still links to '{href}'",
                p.number
            )),
            (None, false) => problems.push(format!(
                "page {} has no nextPage link but more pages follow",
                p.number
            )),
            (None, true) => {}
        }
    }
    if let Some(size) = pages.first().map(|p| p.rows.len()) {
        for p in pages.iter().take(pages.len().saturating_sub(1)) {
            if p.rows.len() != size {
                problems.push(format!(
                    "page {} has {} rows, page 1 has {size}",
                    p.number,
                    p.rows.len()
                ));
            }
        }
    }
    Check::expect(
        "paging_links",
        "MyID-8.14",
        problems.is_empty(),
        format!("{} pages", pages.len()),
        || problems.join("; "),
    )
}

/// Two walks of the same report visit the same rows (no gaps whatever the order).
pub fn same_rows(a: &[Page], b: &[Page], key: &str) -> Check {
    let set = |pages: &[Page]| -> std::collections::BTreeSet<String> {
        pages
            .iter()
            .flat_map(|p| &p.rows)
            .map(|r| r.get(key).cloned().unwrap_or(Value::Null).to_string())
            .collect()
    };
    let (x, y) = (set(a), set(b));
    let missing: Vec<&String> = x.symmetric_difference(&y).take(3).collect();
    Check::expect(
        "paging_no_gaps",
        "MyID-8.14",
        x == y,
        format!("{} rows either way", x.len()),
        || {
            format!(
                "the two orders visit different rows ({} vs {}), e.g. {missing:?}",
                x.len(),
                y.len()
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(n: usize, ids: &[i64], next: bool) -> Page {
        Page {
            number: n,
            rows: ids
                .iter()
                .map(|i| json!({"id": i, "t": format!("{:03}", i)}))
                .collect(),
            next: next.then(|| format!("reports/1?page={}&order_by=t", n + 1)),
        }
    }

    #[test]
    fn paging_invariants() {
        let good = vec![
            page(1, &[1, 2], true),
            page(2, &[3, 4], true),
            page(3, &[5], false),
        ];
        assert!(no_duplicates(&good, "id").passed());
        assert!(ordered(&good, "t").passed());
        assert!(!ordered(&good, "-t").passed());
        assert!(links_consistent(&good, "1", "t").passed());
        let dup = vec![page(1, &[1, 2], true), page(2, &[2, 3], false)];
        assert!(!no_duplicates(&dup, "id").passed());
        let endless = vec![page(1, &[1, 2], true), page(2, &[3], true)];
        assert!(!links_consistent(&endless, "1", "t").passed());
        let ragged = vec![
            page(1, &[1, 2], true),
            page(2, &[3], true),
            page(3, &[4], false),
        ];
        assert!(!links_consistent(&ragged, "1", "t").passed());
        assert!(!same_rows(&good, &dup, "id").passed());
    }

    #[test]
    fn result_sets() {
        let rows = vec![
            json!({"logonName": "a", "group": {"id": "G1"}}),
            json!({"logonName": "b", "group": {"id": "g2"}}),
        ];
        assert!(results_include(&rows, "group.id", "G2", true).passed());
        assert!(!results_include(&rows, "group.id", "G3", true).passed());
        assert!(results_include(&rows, "group.id", "G3", false).passed());
        assert!(!scope_respected(&rows, "group.id", "G1").passed());
        assert!(scope_respected(&rows[..1], "group.id", "g1").passed());
        assert!(!scope_respected(&[], "group.id", "G1").passed());
        assert_eq!(lookup(&json!({"a": [{"b": 1}]}), "a.0.b"), Some(&json!(1)));
    }

    #[test]
    fn challenges_and_errors() {
        let r = |status: u16, h: &[(&str, &str)], body: &str| RecordedResponse {
            status,
            headers: h.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            body: body.as_bytes().to_vec(),
        };
        assert!(bearer_challenge(&r(401, &[("WWW-Authenticate", "Bearer")], ""), false).passed());
        assert!(!bearer_challenge(&r(401, &[("WWW-Authenticate", "Bearer")], ""), true).passed());
        assert!(
            bearer_challenge(
                &r(
                    401,
                    &[("WWW-Authenticate", "Bearer error=\"invalid_token\"")],
                    ""
                ),
                true
            )
            .passed()
        );
        assert!(!bearer_challenge(&r(403, &[("WWW-Authenticate", "Bearer")], ""), false).passed());
        assert!(
            ws_error(
                &r(403, &[], r#"{"message":"no","code":"WS50000"}"#),
                "WS50000"
            )
            .passed()
        );
        assert!(
            !ws_status(
                &r(400, &[], r#"{"message":"no","code":"WS50000"}"#),
                "WS50000"
            )
            .passed()
        );
        assert!(!ws_error(&r(403, &[], r#"{"code":"WS50000"}"#), "WS50000").passed());
        assert_eq!(
            ws_status(&r(404, &[], ""), "WS40005").spec,
            "assumed-MyID-ws-status"
        );
        assert!(
            problem_details(&r(
                400,
                &[],
                r#"{"type":"t","title":"Bad Request","status":400,"traceId":"x"}"#
            ))
            .passed()
        );
    }
}
