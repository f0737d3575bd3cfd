//! Checks on Core API answers: MyID's error bodies and statuses, what results hold,
//! photos, and the paging invariants of reports (manual §8.14).

use serde_json::Value;

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::myid::{
    ASSUMED_WS_STATUS, MYID_IMAGES, MYID_PAGES_NEXT, MYID_PAGES_ONCE, MYID_PAGES_ORDER,
    MYID_PAGES_PAST_END, MYID_PAGES_SAME_ROWS, MYID_PROBLEM_DETAILS, MYID_WS_ERRORS,
    MYID_WS50000_STATUS,
};

/// The HTTP status MyID gives each family of WS codes: the manual documents 403 for
/// WS50000 (§8.6.4); 404 for WS40005 and 400 for the rest are the mock's reading.
pub fn status_for(code: &str) -> (u16, &'static Rule) {
    match code {
        "WS50000" => (403, &MYID_WS50000_STATUS),
        "WS40005" => (404, &ASSUMED_WS_STATUS),
        _ => (400, &ASSUMED_WS_STATUS),
    }
}

/// The API refused the call (a 4xx) for the reason `code` names (`None`: any reason,
/// as for a body that does not bind), as `rule` (the requirement the scenario tests)
/// says it must; how the refusal is shaped is judged by [`ws_error`] and [`ws_status`].
pub fn api_refused(resp: &RecordedResponse, code: Option<&str>, rule: &'static Rule) -> Check {
    let got = resp
        .json()
        .and_then(|b| b.get("code").and_then(Value::as_str).map(str::to_owned));
    let ok = (400..500).contains(&resp.status) && code.is_none_or(|c| got.as_deref() == Some(c));
    let said = got.as_deref().map(|c| format!(", {c}")).unwrap_or_default();
    Check::expect(
        "api_refused",
        rule,
        ok,
        format!("refused with status {}{said}", resp.status),
        || {
            format!(
                "expected a refusal{}, got status {}{said}: {}",
                code.map(|c| format!(" with {c}")).unwrap_or_default(),
                resp.status,
                String::from_utf8_lossy(&resp.body)
                    .chars()
                    .take(120)
                    .collect::<String>()
            )
        },
    )
}

/// The HTTP status of a WS error.
pub fn ws_status(resp: &RecordedResponse, code: &str) -> Check {
    let (status, rule) = status_for(code);
    Check::expect(
        "ws_status",
        rule,
        resp.status == status,
        format!("status {status}"),
        || format!("expected status {status} for {code}, got {}", resp.status),
    )
}

/// MyID's error body: `{"message", "code", ...}`, a message and a WS code.
pub fn ws_error(resp: &RecordedResponse, code: &str) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let got = body.get("code").and_then(Value::as_str).unwrap_or("");
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    let ok = got == code && !message.is_empty();
    Check::expect(
        "ws_error",
        &MYID_WS_ERRORS,
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

/// The error body names the field that is wrong: `invalidField` is `field`.
pub fn invalid_field(resp: &RecordedResponse, field: &str) -> Check {
    let got = resp
        .json()
        .and_then(|b| {
            b.get("invalidField")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Check::expect(
        "invalid_field",
        &MYID_WS_ERRORS,
        got == field,
        got.clone(),
        || format!("expected invalidField '{field}', got '{got}'"),
    )
}

/// ASP.NET problem details (RFC 9457) for a body that does not bind.
pub fn problem_details(resp: &RecordedResponse) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let ok = resp.status == 400
        && ["type", "title", "status", "traceId"]
            .iter()
            .all(|k| body.get(*k).is_some());
    Check::expect(
        "problem_details",
        &MYID_PROBLEM_DETAILS,
        ok,
        "type, title, status, traceId",
        || format!("expected 400 problem details, got {} {}", resp.status, body),
    )
}

/// The answer's member at `path` is `expected` (text compared without case, or JSON),
/// as `rule` says it is.
pub fn response_field(
    resp: &RecordedResponse,
    path: &str,
    expected: &str,
    rule: &'static Rule,
) -> Check {
    let body = resp.json().unwrap_or(Value::Null);
    let got = lookup(&body, path).cloned().unwrap_or(Value::Null);
    let ok = got
        .as_str()
        .map(|s| s.eq_ignore_ascii_case(expected))
        .unwrap_or(false)
        || serde_json::from_str::<Value>(expected).is_ok_and(|e| e == got);
    Check::expect("response_field", rule, ok, got.to_string(), || {
        format!("expected {path} = {expected}, got {got}")
    })
}

/// The answer is the photo `sent`, byte for byte, as `mime`.
pub fn image_round_trip(resp: &RecordedResponse, sent: &[u8], mime: &str) -> Check {
    let ct = resp.header("content-type").unwrap_or("").to_owned();
    let ok = resp.status == 200 && resp.body == sent && ct.starts_with(mime);
    Check::expect(
        "image_round_trip",
        &MYID_IMAGES,
        ok,
        format!("{} bytes of {ct}", resp.body.len()),
        || {
            format!(
                "expected the {} uploaded bytes as {mime}, got {} with {} bytes of '{ct}'",
                sent.len(),
                resp.status,
                resp.body.len()
            )
        },
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

/// Whether some result has `path` = `value` (`want`), or none has (`!want`), as `rule`
/// says.
pub fn results_include(
    results: &[Value],
    path: &str,
    value: &str,
    want: bool,
    rule: &'static Rule,
) -> Check {
    let found = results.iter().any(|r| text_is(r, path, value));
    Check::expect(
        "results_include",
        rule,
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

/// Every result has `path` = `value` (the scope reaches only that group, a device's
/// requests are that device's), and there is at least one.
pub fn every_result(results: &[Value], path: &str, value: &str, rule: &'static Rule) -> Check {
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
        "every_result",
        rule,
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
pub fn paging_no_duplicates(pages: &[Page], key: &str) -> Check {
    let mut seen = std::collections::HashSet::new();
    let dup = pages
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r.get(key).cloned().unwrap_or(Value::Null).to_string())
        .find(|k| !seen.insert(k.clone()));
    Check::expect(
        "paging_no_duplicates",
        &MYID_PAGES_ONCE,
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
pub fn paging_ordered(pages: &[Page], order_by: &str) -> Check {
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
        &MYID_PAGES_ORDER,
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
pub fn paging_links(pages: &[Page], report: &str, order_by: &str) -> Check {
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
        &MYID_PAGES_NEXT,
        problems.is_empty(),
        format!("{} pages", pages.len()),
        || problems.join("; "),
    )
}

/// Two walks of the same report visit the same rows (no gaps whatever the order).
pub fn paging_no_gaps(a: &[Page], b: &[Page], key: &str) -> Check {
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
        &MYID_PAGES_SAME_ROWS,
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

/// The page after the last answers 200 with empty results.
pub fn paging_past_end(resp: &RecordedResponse, page: usize) -> Check {
    let empty = resp.status == 200
        && resp
            .json()
            .and_then(|b| {
                b.get("results")
                    .and_then(Value::as_array)
                    .map(Vec::is_empty)
            })
            .unwrap_or(false);
    Check::expect(
        "paging_past_end",
        &MYID_PAGES_PAST_END,
        empty,
        "200 with empty results",
        || {
            format!(
                "page {page} answered {} {}",
                resp.status,
                String::from_utf8_lossy(&resp.body)
                    .chars()
                    .take(120)
                    .collect::<String>()
            )
        },
    )
}

/// Some row of the walked `pages` has `path` = `value`, as `rule` says.
pub fn report_row_present(pages: &[Page], path: &str, value: &str, rule: &'static Rule) -> Check {
    let rows: Vec<&Value> = pages.iter().flat_map(|p| &p.rows).collect();
    let found = rows.iter().any(|r| {
        lookup(r, path)
            .and_then(Value::as_str)
            .is_some_and(|s| s == value)
    });
    Check::expect(
        "report_row_present",
        rule,
        found,
        format!("found among {} rows", rows.len()),
        || {
            format!(
                "no row with {path} = {value} among {} rows on {} pages",
                rows.len(),
                pages.len()
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::myid::{MYID_SCOPE, MYID_WORKED_EXAMPLE};
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
        assert!(paging_no_duplicates(&good, "id").passed());
        assert!(paging_ordered(&good, "t").passed());
        assert!(!paging_ordered(&good, "-t").passed());
        assert!(paging_links(&good, "1", "t").passed());
        let dup = vec![page(1, &[1, 2], true), page(2, &[2, 3], false)];
        assert!(!paging_no_duplicates(&dup, "id").passed());
        let endless = vec![page(1, &[1, 2], true), page(2, &[3], true)];
        assert!(!paging_links(&endless, "1", "t").passed());
        let ragged = vec![
            page(1, &[1, 2], true),
            page(2, &[3], true),
            page(3, &[4], false),
        ];
        assert!(!paging_links(&ragged, "1", "t").passed());
        assert!(!paging_no_gaps(&good, &dup, "id").passed());
        assert!(report_row_present(&good, "t", "003", &MYID_WORKED_EXAMPLE).passed());
        assert!(report_row_present(&good, "t", "009", &MYID_WORKED_EXAMPLE).broken());
    }

    #[test]
    fn result_sets() {
        let rows = vec![
            json!({"logonName": "a", "group": {"id": "G1"}}),
            json!({"logonName": "b", "group": {"id": "g2"}}),
        ];
        assert!(results_include(&rows, "group.id", "G2", true, &MYID_WORKED_EXAMPLE).passed());
        assert!(!results_include(&rows, "group.id", "G3", true, &MYID_WORKED_EXAMPLE).passed());
        assert!(results_include(&rows, "group.id", "G3", false, &MYID_WORKED_EXAMPLE).passed());
        assert!(!every_result(&rows, "group.id", "G1", &MYID_SCOPE).passed());
        assert!(every_result(&rows[..1], "group.id", "g1", &MYID_SCOPE).passed());
        assert!(!every_result(&[], "group.id", "G1", &MYID_SCOPE).passed());
        assert_eq!(lookup(&json!({"a": [{"b": 1}]}), "a.0.b"), Some(&json!(1)));
    }

    #[test]
    fn errors_and_fields() {
        let r = |status: u16, h: &[(&str, &str)], body: &str| RecordedResponse {
            status,
            headers: h.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            body: body.as_bytes().to_vec(),
        };
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
            ws_status(&r(404, &[], ""), "WS40005").rule,
            &ASSUMED_WS_STATUS
        );
        assert!(invalid_field(&r(400, &[], r#"{"invalidField":"page"}"#), "page").passed());
        assert!(
            response_field(
                &r(200, &[], r#"{"a":{"b":"X"}}"#),
                "a.b",
                "x",
                &MYID_WORKED_EXAMPLE
            )
            .passed()
        );
        assert!(
            response_field(
                &r(200, &[], r#"{"a":null}"#),
                "a",
                "null",
                &MYID_WORKED_EXAMPLE
            )
            .passed()
        );
        assert!(
            image_round_trip(
                &r(200, &[("content-type", "image/png")], "ab"),
                b"ab",
                "image/png"
            )
            .passed()
        );
        assert!(
            image_round_trip(
                &r(200, &[("content-type", "application/octet-stream")], "ab"),
                b"ab",
                "image/png"
            )
            .broken()
        );
        assert!(paging_past_end(&r(200, &[], r#"{"results":[]}"#), 4).passed());
        assert!(paging_past_end(&r(200, &[], r#"{"results":[1]}"#), 4).broken());
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
