//! `GET /api/Groups?q=…`: the group tree, as the manual's worked example lists it (§8.7).

use axum::extract::{Extension, Path, State};
use axum::http::Uri;
use axum::response::Response;

use super::auth::ApiUser;
use super::error::{ApiError, json_response, results_of};
use super::people::check_id;
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

/// `GET /api/Groups/{id}`: the group a listing's `href` names (`groups/{id}`).
pub async fn get(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let seed = &state.config.data;
    user.require(seed, &VIEW)?;
    let g = seed
        .groups
        .iter()
        .find(|g| g.id.eq_ignore_ascii_case(&id))
        .ok_or_else(ApiError::not_found)?;
    // Fault `href-singular`: a link that names the resource in the singular.
    let collection = if state.fault(&crate::mock::profiles::myid::faults::HREF_SINGULAR) {
        "group"
    } else {
        "groups"
    };
    let row = Row {
        name: &g.name,
        desc: &g.desc,
        ou: &g.ou,
        parent_name: &g.parent_name,
        id: &g.id,
        href: format!("{collection}/{}", g.id),
    };
    Ok(json_response(
        axum::http::StatusCode::OK,
        &serde_json::to_value(&row).unwrap_or_default(),
    ))
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
