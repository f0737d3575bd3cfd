//! `GET /api/Groups?q=…`: the group tree, as the manual's worked example lists it (§8.7).

use axum::extract::{Extension, State};
use axum::http::Uri;
use axum::response::Response;

use super::auth::ApiUser;
use super::error::{ApiError, results_of};
use super::wildcard_match;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

/// Permissions that let an operator list groups.
const VIEW: [&str; 4] = ["View Groups", "View Person", "Add Person", "Edit Person"];

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let seed = &state.config.data;
    user.require(seed, &VIEW)?;
    let query = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let q = query.present("q").unwrap_or("*");
    let results: Vec<Row> = seed
        .groups
        .iter()
        .filter(|g| wildcard_match(q, &g.name))
        .map(|g| Row {
            name: &g.name,
            desc: &g.desc,
            ou: &g.ou,
            parent_name: &g.parent_name,
            id: &g.id,
            href: format!("groups/{}", g.id),
        })
        .collect();
    Ok(results_of(&results))
}

/// One group as the API lists it, members in MyID's order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    name: &'a str,
    desc: &'a str,
    ou: &'a str,
    parent_name: &'a str,
    id: &'a str,
    href: String,
}
