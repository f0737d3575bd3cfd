//! `GET /api/Reports/{id}?page=N&order_by=…`: paged reports (manual §8.14). Every page
//! that has a successor carries a `nextPage` link; past the end `results` is empty.
//! Report 100406 lists requests; 290015 is the unrestricted audit of API activity.

use std::cmp::Ordering;

use axum::extract::{Extension, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::ApiUser;
use super::data::iso8601;
use super::error::{ApiError, json_response};
use crate::mock::faults::Fault;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

/// Rows per page.
pub const PAGE_SIZE: usize = 10;

struct Report {
    id: &'static str,
    permissions: &'static [&'static str],
    columns: &'static [&'static str],
    default_order: &'static str,
    /// The column that makes the order total.
    key: &'static str,
}

const REPORTS: [Report; 2] = [
    Report {
        id: "100406",
        permissions: &["Run Reports", "View Requests"],
        columns: &[
            "RequestID",
            "Status",
            "Target",
            "CredProfile",
            "InitiationDate",
            "JobLabel",
        ],
        default_order: "InitiationDate",
        key: "RequestID",
    },
    Report {
        id: "290015",
        permissions: &["View Audit"],
        columns: &[
            "AuditID",
            "UTCStartTime",
            "Operation",
            "Operator",
            "ClientIdentifier",
            "Status",
        ],
        default_order: "-UTCStartTime",
        key: "AuditID",
    },
];

fn rows(
    state: &AppState,
    user: &ApiUser,
    report: &Report,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let seed = &state.config.data;
    let scope = user.require(seed, report.permissions)?;
    let api = state.api();
    let row = |pairs: Vec<(&str, Value)>| {
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>()
    };
    Ok(match report.id {
        "100406" => api
            .requests
            .iter()
            .filter(|r| {
                let target = r
                    .get("target")
                    .and_then(|t| t.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                api.person(target)
                    .is_some_and(|p| user.can_see(seed, scope, p))
            })
            .map(|r| {
                let s = |path: &[&str]| {
                    let mut v = Some(&Value::Object(r.clone()));
                    for p in path {
                        v = v.and_then(|x| x.get(*p));
                    }
                    v.cloned().unwrap_or(Value::String(String::new()))
                };
                row(vec![
                    ("RequestID", s(&["id"])),
                    ("Status", s(&["status"])),
                    ("Target", s(&["target", "name"])),
                    ("CredProfile", s(&["credProfile", "name"])),
                    ("InitiationDate", s(&["initiationDate"])),
                    ("JobLabel", s(&["jobLabel"])),
                ])
            })
            .collect(),
        _ => api
            .audit
            .iter()
            .map(|(id, a)| {
                row(vec![
                    ("AuditID", json!(id)),
                    ("UTCStartTime", json!(iso8601(a.time))),
                    ("Operation", json!(a.operation)),
                    ("Operator", json!(a.operator)),
                    ("ClientIdentifier", json!(a.client_identifier)),
                    ("Status", json!(a.status)),
                ])
            })
            .collect(),
    })
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .cmp(&b.as_str().unwrap_or_default().to_lowercase()),
    }
}

pub async fn run(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let report = REPORTS
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(ApiError::not_found)?;
    let query = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let page = match query.get("page") {
        None => 1,
        Some(p) => p
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| {
                ApiError::invalid_data(Some("page"), Some("must be a whole number from 1"))
            })?,
    };
    let order_by = query
        .present("order_by")
        .unwrap_or(report.default_order)
        .to_owned();
    let (descending, column) = match order_by.strip_prefix('-') {
        Some(c) => (true, c),
        None => (false, order_by.as_str()),
    };
    let column = report
        .columns
        .iter()
        .find(|c| c.eq_ignore_ascii_case(column))
        .ok_or_else(|| {
            ApiError::invalid_data(Some("order_by"), Some("is not a column of this report"))
        })?;
    let mut rows = rows(&state, &user, report)?;
    // A total order: the chosen column, then the report's key, so pages never overlap.
    rows.sort_by(|a, b| {
        let primary = compare(&a[*column], &b[*column]);
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| compare(&a[report.key], &b[report.key]))
    });
    let mut start = (page - 1).saturating_mul(PAGE_SIZE);
    if page > 1 && state.fault(Fault::PagingDuplicates) {
        start -= 1;
    }
    if page > 1 && state.fault(Fault::PagingDrops) {
        start += 1;
    }
    let results: Vec<Value> = rows
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .cloned()
        .map(Value::Object)
        .collect();
    let mut links = Vec::new();
    if start + PAGE_SIZE < rows.len() || state.fault(Fault::NextPageNeverEnds) {
        links.push(json!({
            "op": "nextPage",
            "cat": "page",
            "desc": "Next Page of Results",
            "verb": "GET",
            "href": format!("reports/{}?page={}&order_by={}", report.id, page + 1, order_by),
        }));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({ "results": results, "links": links }),
    ))
}
