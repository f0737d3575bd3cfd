//! `/api/Dirs` (manual chapter 7): directory connections, listed and read without their
//! passwords, tested with new settings, updated, and verified, with WS40068 (the
//! connection failed with these credentials) and WS40069 (no valid server location).

use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::ApiUser;
use super::error::{ApiError, json_response, results as results_response};
use super::people::{JsonObject, check_id};
use crate::mock::state::AppState;

/// The permission: the Edit Roles workflow's "Directory Management" option (manual §7).
const MANAGE: [&str; 1] = ["Directory Management"];
/// The settings a test or an update may carry.
pub(super) const SETTINGS: [&str; 8] = [
    "name",
    "description",
    "host",
    "port",
    "basedn",
    "secure",
    "authdn",
    "password",
];
/// What is never shown.
const HIDDEN: [&str; 2] = ["password", "serverPassword"];

fn present(state: &AppState, dir: &Map<String, Value>) -> Value {
    let shown = |k: &str| {
        !HIDDEN.contains(&k)
            || (k == "password"
                && state.fault(&crate::mock::profiles::myid::faults::DIRECTORY_PASSWORD_SHOWN))
    };
    let mut out: Map<String, Value> = dir
        .iter()
        .filter(|(k, _)| shown(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let id = dir.get("id").and_then(Value::as_str).unwrap_or_default();
    out.insert("href".into(), json!(format!("dirs/{id}")));
    Value::Object(out)
}

fn find(state: &AppState, user: &ApiUser, id: &str) -> Result<Map<String, Value>, ApiError> {
    check_id(id)?;
    user.require(&state.config.data, &MANAGE)?;
    state
        .api()
        .dirs
        .iter()
        .find(|d| {
            d.get("id")
                .and_then(Value::as_str)
                .is_some_and(|d| d.eq_ignore_ascii_case(id))
        })
        .cloned()
        .ok_or_else(ApiError::not_found)
}

/// Copies known settings from `body` (as text) over `dir`.
fn apply(dir: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), ApiError> {
    for key in SETTINGS {
        match body.get(key) {
            None => {}
            Some(Value::String(s)) => {
                dir.insert(key.into(), json!(s));
            }
            Some(Value::Number(n)) => {
                dir.insert(key.into(), json!(n.to_string()));
            }
            Some(_) => {
                return Err(ApiError::invalid_data(
                    Some(key),
                    Some("must be a text value"),
                ));
            }
        }
    }
    Ok(())
}

/// Connects, in the mock's sense: a directory of type NA needs nothing; an LDAP one
/// needs a host and a port from 1 to 65535, and the password its server accepts.
fn connect(dir: &Map<String, Value>) -> Result<(), ApiError> {
    let s = |k: &str| dir.get(k).and_then(Value::as_str).unwrap_or_default();
    if s("type").eq_ignore_ascii_case("NA") {
        return Ok(());
    }
    let port_ok = s("port")
        .parse::<u32>()
        .is_ok_and(|p| (1..=65_535).contains(&p));
    if s("host").trim().is_empty() || !port_ok {
        return Err(ApiError::ws(
            StatusCode::BAD_REQUEST,
            "WS40069",
            "Supplied credentials cannot build a valid server location".into(),
            None,
            None,
        ));
    }
    if s("password") != s("serverPassword") {
        return Err(ApiError::ws(
            StatusCode::BAD_REQUEST,
            "WS40068",
            "The directory connection failed with the supplied credentials".into(),
            None,
            None,
        ));
    }
    Ok(())
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
) -> Result<Response, ApiError> {
    user.require(&state.config.data, &MANAGE)?;
    let results: Vec<Value> = state
        .api()
        .dirs
        .iter()
        .map(|d| present(&state, d))
        .collect();
    Ok(results_response(results))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(json_response(
        StatusCode::OK,
        &present(&state, &find(&state, &user, &id)?),
    ))
}

pub async fn test(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let mut dir = find(&state, &user, &id)?;
    apply(&mut dir, &body)?;
    connect(&dir)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "result": "Test passed" }),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let mut dir = find(&state, &user, &id)?;
    apply(&mut dir, &body)?;
    let shown = present(&state, &dir);
    let mut api = state.api();
    if let Some(slot) = api.dirs.iter_mut().find(|d| d.get("id") == dir.get("id")) {
        *slot = dir;
    }
    Ok(json_response(StatusCode::OK, &shown))
}

pub async fn verify(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let dir = find(&state, &user, &id)?;
    connect(&dir)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "result": "Verification passed" }),
    ))
}
