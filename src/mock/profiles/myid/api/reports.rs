//! `GET /api/Reports/{id}?page=N&order_by=…`: paged reports (manual §8.14). Every page
//! that has a successor carries a `nextPage` link; past the end `results` is empty.
//! Report 100406 lists requests; 290015 is the unrestricted audit of API activity.

use std::cmp::Ordering;

use axum::extract::{Extension, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::ApiUser;
use super::data::{ApiStore, AuditEntry, iso8601};
use super::error::{ApiError, json_response};
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

/// Each report's id and columns, for the OpenAPI document.
pub const REPORT_COLUMNS: [(&str, &[&str]); 2] = [
    (REPORTS[0].id, REPORTS[0].columns),
    (REPORTS[1].id, REPORTS[1].columns),
];

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

/// A report's rows as the API user may see them, read lazily: ordering needs only the
/// ordering column and the key of each row, and only the rows of the asked page are
/// built, so a page costs what the page costs however long the audit is.
struct Table<'a> {
    len: usize,
    row: Box<dyn Fn(usize) -> Map<String, Value> + 'a>,
    cell: Box<CellFn<'a>>,
}

/// One cell of a row, by row index and column name.
type CellFn<'a> = dyn Fn(usize, &str) -> Value + 'a;

fn row(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect::<Map<_, _>>()
}

fn request_row(r: &Map<String, Value>) -> Map<String, Value> {
    let s = |path: &[&str]| {
        let mut v = r.get(path[0]);
        for p in &path[1..] {
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
}

fn audit_cell(id: u64, a: &AuditEntry, column: &str) -> Value {
    match column {
        "AuditID" => json!(id),
        "UTCStartTime" => json!(iso8601(a.time)),
        "Operation" => json!(a.operation),
        "Operator" => json!(a.operator),
        "ClientIdentifier" => json!(a.client_identifier),
        _ => json!(a.status),
    }
}

fn table<'a>(
    state: &AppState,
    api: &'a ApiStore,
    user: &ApiUser,
    report: &Report,
) -> Result<Table<'a>, ApiError> {
    let seed = state.config.data.clone();
    let scope = user.require(&seed, report.permissions)?;
    Ok(match report.id {
        "100406" => {
            let visible: Vec<&Map<String, Value>> = api
                .requests
                .iter()
                .filter(|r| {
                    let target = r
                        .get("target")
                        .and_then(|t| t.get("id"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    api.person(target)
                        .is_some_and(|p| user.can_see(&seed, scope, p))
                })
                .collect();
            let visible = std::rc::Rc::new(visible);
            let for_cells = visible.clone();
            Table {
                len: visible.len(),
                row: Box::new(move |i| request_row(visible[i])),
                cell: Box::new(move |i, c| request_row(for_cells[i])[c].clone()),
            }
        }
        _ => {
            let columns = report.columns;
            Table {
                len: api.audit.len(),
                row: Box::new(move |i| {
                    let (id, a) = api.audit.get(i).expect("an index below the audit's length");
                    row(columns.iter().map(|c| (*c, audit_cell(id, a, c))).collect())
                }),
                cell: Box::new(|i, c| {
                    let (id, a) = api.audit.get(i).expect("an index below the audit's length");
                    audit_cell(id, a, c)
                }),
            }
        }
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

/// Long on purpose: a report request's parameters, permission, ordering and paging, in
/// the manual's order (§8.14), each a few lines.
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
        // An ASP.NET `int`: 1 to 2,147,483,647.
        Some(p) => p
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|p| *p >= 1)
            .map(|p| p as usize)
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
    let api = state.api();
    let table = table(&state, &api, &user, report)?;
    // A total order: the chosen column, then the report's key, so pages never overlap.
    let start = crate::mock::profiles::myid::faults::shifted_page_start(
        &state,
        page,
        (page - 1).saturating_mul(PAGE_SIZE),
    );
    let audit = report.id != "100406";
    // The audit is kept in key order, and in time order unless the clock was set back:
    // its default and key orders find the page's rows without sorting the window.
    let fast = if !audit {
        None
    } else if *column == report.key {
        let len = table.len;
        let rows = (start..len).take(PAGE_SIZE);
        Some(if descending {
            rows.map(|i| len - 1 - i).collect()
        } else {
            rows.collect()
        })
    } else if *column == "UTCStartTime" {
        api.audit.page_by_time(descending, start, PAGE_SIZE)
    } else {
        None
    };
    let mut order: Vec<usize> = Vec::new();
    // Where the page begins in `order`: the fast orders hold only the page.
    let mut skip = start;
    if let Some(rows) = fast {
        order = rows;
        skip = 0;
    } else {
        order.extend(0..table.len);
        let keys: Vec<(Value, Value)> = order
            .iter()
            .map(|&i| ((table.cell)(i, column), (table.cell)(i, report.key)))
            .collect();
        order.sort_by(|&a, &b| {
            let primary = compare(&keys[a].0, &keys[b].0);
            let primary = if descending {
                primary.reverse()
            } else {
                primary
            };
            primary.then_with(|| compare(&keys[a].1, &keys[b].1))
        });
    }
    let results: Vec<Value> = order
        .iter()
        .skip(skip)
        .take(PAGE_SIZE)
        .map(|&i| Value::Object((table.row)(i)))
        .collect();
    let total = table.len;
    drop(table);
    drop(api);
    let mut links = Vec::new();
    if start + PAGE_SIZE < total
        || state.fault(&crate::mock::profiles::myid::faults::NEXT_PAGE_NEVER_ENDS)
    {
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
