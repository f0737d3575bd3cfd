//! Credential profiles, requests and devices (manual §8.11–8.13): which profiles a
//! person can receive and the operator can request, requesting a device with MyID's
//! WS500xx refusals, and following a request's status.

use axum::extract::{Extension, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::ApiUser;
use super::data::{SeedData, iso8601};
use super::error::{ApiError, json_response, results as results_response};
use super::is_guid;
use super::people::{JsonObject, check_id, new_guid, text};
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

const REQUEST: [&str; 1] = ["Request Card"];
const VIEW_REQUESTS: [&str; 2] = ["View Requests", "Request Card"];
const VIEW_DEVICES: [&str; 1] = ["View Devices"];

fn strings(v: &Map<String, Value>, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn role_ids(person: &Map<String, Value>) -> Vec<String> {
    person
        .get("roles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn profile<'a>(seed: &'a SeedData, id: &str) -> Option<&'a Map<String, Value>> {
    seed.cred_profiles
        .iter()
        .find(|p| text(p, "id").eq_ignore_ascii_case(id))
}

/// The person, checked to be within the caller's scope for `permissions`.
fn person_in_scope(
    state: &AppState,
    user: &ApiUser,
    id: &str,
    permissions: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    check_id(id)?;
    let seed = &state.config.data;
    let scope = user.require(seed, permissions)?;
    state
        .api()
        .person(id)
        .filter(|p| user.can_see(seed, scope, p))
        .cloned()
        .ok_or_else(ApiError::not_found)
}

pub async fn cred_profiles(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let person = person_in_scope(&state, &user, &id, &["Request Card", "View Person"])?;
    let query = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let can_receive = super::flag(&query, "canReceive")?.unwrap_or(false);
    let can_request_me = query
        .get("canRequest")
        .is_some_and(|v| v.eq_ignore_ascii_case("me"));
    let seed = &state.config.data;
    let person_roles = role_ids(&person);
    let operator_roles: Vec<String> = user.roles.iter().map(|(r, _)| r.clone()).collect();
    let results: Vec<Value> = seed
        .cred_profiles
        .iter()
        .filter(|p| !can_receive || strings(p, "canBeHeldBy").iter().any(|r| person_roles.contains(r)))
        .filter(|p| !can_request_me || strings(p, "canBeRequestedBy").iter().any(|r| operator_roles.contains(r)))
        .map(|p| json!({ "id": text(p, "id"), "name": text(p, "name"), "desc": text(p, "desc"), "href": format!("credprofiles/{}", text(p, "id")) }))
        .collect();
    Ok(results_response(results))
}

/// The request as the API shows it, with operation links for the MyID Client Service.
fn present(request: &Map<String, Value>) -> Value {
    let mut out = request.clone();
    let id = text(request, "id").to_owned();
    out.insert("href".into(), json!(format!("requests/{id}")));
    if let Some(Value::Object(t)) = out.get_mut("target") {
        let tid = t
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        t.insert("href".into(), json!(format!("people/{tid}")));
    }
    let mut links = vec![json!({
        "op": "5007", "cat": "myid.mcs", "desc": "Assisted Activation", "verb": "",
        "auth": format!("client_id=myid.mcs&grant_type=operation&op=5007&scope=myid.operation&requestId={id}&token={{token}}"),
        "clientData": ["DSK"],
    })];
    let device = text(request, "device.id");
    if !device.is_empty() {
        links.push(json!({
            "op": "297", "cat": "myid.mcs", "desc": "Reset Card PIN", "verb": "",
            "auth": format!("client_id=myid.mcs&grant_type=operation&op=297&scope=myid.operation&deviceId={device}&token={{token}}"),
            "clientData": ["DSK"],
        }));
    }
    out.insert("links".into(), Value::Array(links));
    Value::Object(out)
}

fn visible_requests(
    state: &AppState,
    user: &ApiUser,
    keep: impl Fn(&Map<String, Value>) -> bool,
) -> Result<Vec<Value>, ApiError> {
    let seed = &state.config.data;
    let scope = user.require(seed, &VIEW_REQUESTS)?;
    let api = state.api();
    Ok(api
        .requests
        .iter()
        .filter(|r| keep(r))
        .filter(|r| {
            api.person(text(r, "target.id"))
                .is_some_and(|p| user.can_see(seed, scope, p))
        })
        .map(present)
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
) -> Result<Response, ApiError> {
    let results = visible_requests(&state, &user, |_| true)?;
    Ok(results_response(results))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let found = visible_requests(&state, &user, |r| text(r, "id").eq_ignore_ascii_case(&id))?;
    found
        .into_iter()
        .next()
        .map(|r| json_response(StatusCode::OK, &r))
        .ok_or_else(ApiError::not_found)
}

pub async fn for_person(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    person_in_scope(&state, &user, &id, &VIEW_REQUESTS)?;
    let results = visible_requests(&state, &user, |r| {
        text(r, "target.id").eq_ignore_ascii_case(&id)
            && !state.fault(&crate::mock::profiles::myid::faults::PERSON_REQUESTS_EMPTY)
    })?;
    Ok(results_response(results))
}

pub async fn for_device(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    user.require(&state.config.data, &VIEW_DEVICES)?;
    // A device outside the caller's scope is not found, as `GET /api/Devices/{id}` and
    // every other out-of-scope read answers: an empty list would tell which ids exist.
    let device = state
        .config
        .data
        .devices
        .iter()
        .find(|d| text(d, "id").eq_ignore_ascii_case(&id))
        .ok_or_else(ApiError::not_found)?;
    person_in_scope(&state, &user, text(device, "owner.id"), &VIEW_DEVICES)?;
    let results = visible_requests(&state, &user, |r| {
        text(r, "device.id").eq_ignore_ascii_case(&id)
            || state.fault(&crate::mock::profiles::myid::faults::DEVICE_REQUESTS_ALL)
    })?;
    Ok(results_response(results))
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    matches!(p.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && [y, m, d].iter().all(|x| x.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)) && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

/// Long on purpose: one request's checks in the order MyID meets them (manual §8.11),
/// each a few lines; split, the order that decides which error a caller sees would be
/// spread over functions.
pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let person = person_in_scope(&state, &user, &id, &REQUEST)?;
    let seed = &state.config.data;
    let profile_id = text(&body, "credProfile.id");
    if profile_id.is_empty() {
        return Err(ApiError::validation(
            "WS30015",
            "credProfile.id",
            "is mandatory",
        ));
    }
    if !is_guid(profile_id) {
        return Err(ApiError::invalid_data(
            Some("credProfile.id"),
            Some("is not a valid identifier"),
        ));
    }
    let profile = profile(seed, profile_id).ok_or_else(ApiError::not_found)?;
    let expiry = text(&body, "expiryDate");
    if !expiry.is_empty() && !is_date(expiry) {
        return Err(ApiError::invalid_data(
            Some("expiryDate"),
            Some("is not a date (YYYY-MM-DD)"),
        ));
    }
    let refuse = |code: &'static str, message: &str| {
        ApiError::ws(
            StatusCode::BAD_REQUEST,
            code,
            message.to_owned(),
            None,
            None,
        )
    };
    let operator_roles: Vec<String> = user.roles.iter().map(|(r, _)| r.clone()).collect();
    if !strings(profile, "canBeRequestedBy")
        .iter()
        .any(|r| operator_roles.contains(r))
    {
        return Err(refuse(
            "WS50008",
            "Your assigned roles do not have permission to request the credential profile specified",
        ));
    }
    if !strings(profile, "canBeHeldBy")
        .iter()
        .any(|r| role_ids(&person).contains(r))
    {
        return Err(refuse(
            "WS50011",
            "The person selected does not have a role assigned that can hold the requested credential profile",
        ));
    }
    if profile.get("requiresDn").and_then(Value::as_bool) == Some(true)
        && text(&person, "account.dn").trim().is_empty()
    {
        return Err(refuse(
            "WS50017",
            "The person selected does not have a Distinguished Name. This profile requires a Distinguished Name for credential issuance.",
        ));
    }
    if profile
        .get("requiresFacialBiometrics")
        .and_then(Value::as_bool)
        == Some(true)
        && text(&person, "biometrics.facial") != "1"
    {
        return Err(refuse(
            "WS50034",
            "The person selected does not have facial biometrics. The credential profile requires that the recipient has facial biometrics enrolled.",
        ));
    }
    if strings(profile, "requiredFields")
        .iter()
        .any(|f| text(&person, f).trim().is_empty())
    {
        return Err(refuse(
            "WS50016",
            "The person selected does not have all required information for this credential profile. Check the Person History audit details to identify the missing requisite user data",
        ));
    }
    let request_id = new_guid();
    let name = format!(
        "{} {}",
        text(&person, "name.first"),
        text(&person, "name.last")
    )
    .trim()
    .to_owned();
    let mut request = Map::new();
    request.insert("id".into(), json!(request_id));
    let status = if state.fault(&crate::mock::profiles::myid::faults::REQUEST_AWAITING_VALIDATION) {
        "Awaiting Validation"
    } else {
        "Awaiting Issue"
    };
    request.insert("status".into(), json!(status));
    request.insert(
        "target".into(),
        json!({ "id": text(&person, "id"), "name": name }),
    );
    request.insert(
        "credProfile".into(),
        json!({ "id": text(profile, "id"), "name": text(profile, "name") }),
    );
    request.insert("initiationDate".into(), json!(iso8601(state.clock.now())));
    request.insert("jobLabel".into(), json!(text(&body, "jobLabel")));
    if !expiry.is_empty() {
        request.insert("expiryDate".into(), json!(expiry));
    }
    state.api().requests.push(request);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "id": request_id, "href": format!("requests/{request_id}") }),
    ))
}

/// `GET /api/Devices/{id}`: a device whose owner is in the caller's scope (manual §2.2.1:
/// devices follow their people), with links to itself and its owner.
pub async fn device(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let seed = &state.config.data;
    let d = seed
        .devices
        .iter()
        .find(|d| text(d, "id").eq_ignore_ascii_case(&id))
        .ok_or_else(ApiError::not_found)?;
    let owner = text(d, "owner.id");
    person_in_scope(&state, &user, owner, &VIEW_DEVICES)?;
    let mut out = d.clone();
    if let Some(o) = out.get_mut("owner").and_then(Value::as_object_mut) {
        o.insert("href".into(), json!(format!("people/{owner}")));
    }
    out.insert("href".into(), json!(format!("devices/{}", text(d, "id"))));
    Ok(json_response(StatusCode::OK, &Value::Object(out)))
}

/// `GET /api/CredProfiles/{id}`: the credential profile a listing's `href` names.
/// Assumed: the permissions that list a person's profiles read one.
pub async fn cred_profile(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let seed = &state.config.data;
    user.require(seed, &["Request Card", "View Person"])?;
    let p = seed
        .cred_profiles
        .iter()
        .find(|p| text(p, "id").eq_ignore_ascii_case(&id))
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "id": text(p, "id"), "name": text(p, "name"), "desc": text(p, "desc"), "href": format!("credprofiles/{}", text(p, "id")) }),
    ))
}
