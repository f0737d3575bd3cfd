//! `/api/People`: search, read, add and update people (manual §8.8–8.9), with MyID's
//! validation codes, scope, and PATCH's "unknown attributes are ignored".

use axum::body::{Body, to_bytes};
use axum::extract::{Extension, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::auth::{ApiUser, Scope};
use super::error::{ApiError, MAX_BODY, json_response, results as results_response};
use super::{is_guid, wildcard_match};
use crate::mock::form::FormParams;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::protocol::handle::random_hex;

const VIEW: [&str; 4] = ["View Person", "Add Person", "Edit Person", "Request Card"];
const ADD: [&str; 1] = ["Add Person"];
const EDIT: [&str; 1] = ["Edit Person"];

/// The person attributes the mock knows, by object: anything else in a body is ignored.
pub(super) const SCHEMA: [(&str, &[&str]); 5] = [
    (
        "account",
        &[
            "cn",
            "dn",
            "domain",
            "ou",
            "samAccountName",
            "sysLogonName",
            "upn",
        ],
    ),
    ("contact", &["emailAddress", "phone", "mobile"]),
    ("name", &["first", "last", "title", "middle"]),
    ("personal", &["dateOfBirth", "gender"]),
    ("group", &["id"]),
];
const TOP_LEVEL: [&str; 3] = ["employeeId", "enabled", "logonName"];

/// A person as the API shows them: the stored attributes plus `href`.
fn present(person: &Map<String, Value>) -> Value {
    let mut out = person.clone();
    let id = person.get("id").and_then(Value::as_str).unwrap_or_default();
    out.insert("href".into(), Value::String(format!("people/{id}")));
    Value::Object(out)
}

/// The text at a dotted path (`name.first`), or "".
pub fn text<'a>(p: &'a Map<String, Value>, path: &str) -> &'a str {
    let mut v: Option<&Value> = None;
    for (i, part) in path.split('.').enumerate() {
        v = if i == 0 {
            p.get(part)
        } else {
            v.and_then(|x| x.get(part))
        };
    }
    v.and_then(Value::as_str).unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let seed = &state.config.data;
    let scope = user.require(seed, &VIEW)?;
    let query = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let logon = query.present("logonName");
    let q = query.present("q");
    let api = state.api();
    let results: Vec<Value> = api
        .people()
        .iter()
        .filter(|p| user.can_see(seed, scope, p))
        .filter(|p| {
            logon.is_none_or(|l| {
                text(p, "logonName").eq_ignore_ascii_case(l)
                    && !state.fault(&fault::LOGON_SEARCH_BLIND)
            })
        })
        .filter(|p| {
            q.is_none_or(|q| {
                let full = format!("{} {}", text(p, "name.first"), text(p, "name.last"));
                [
                    text(p, "logonName"),
                    text(p, "name.first"),
                    text(p, "name.last"),
                    full.as_str(),
                ]
                .iter()
                .any(|t| wildcard_match(q, t))
            })
        })
        .map(present)
        .collect();
    Ok(results_response(results))
}

/// Checks a path id: WS30001 when it is not a GUID, with only `message` and `code`,
/// as the manual's example for a request id shows it (§8.13.6).
pub fn check_id(id: &str) -> Result<(), ApiError> {
    if is_guid(id) {
        Ok(())
    } else {
        Err(ApiError::invalid_data(None, None))
    }
}

pub async fn get(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    // `dirInfo` (manual §5.1's example) binds as a bool, so anything else is a model
    // binding failure; the mock has no directory to add, so its value changes nothing.
    let query = crate::mock::form::FormParams::parse(uri.query().unwrap_or("").as_bytes());
    super::flag(&query, "dirInfo")?;
    let seed = &state.config.data;
    let scope = user.require(seed, &VIEW)?;
    let api = state.api();
    let person = api
        .person(&id)
        .filter(|p| user.can_see(seed, scope, p))
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, &present(person)))
}

/// A JSON object body: `application/json` or `application/json-patch+json` (MyID's
/// examples send the latter). Anything else is refused as ASP.NET refuses it: 415 for
/// another media type, problem details for a body that is not a JSON object.
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let any_media = state.fault(&fault::ANY_MEDIA_TYPE);
        json_body(&parts.headers, body, any_media)
            .await
            .map(JsonObject)
    }
}

async fn json_body(
    headers: &HeaderMap,
    body: Body,
    any_media: bool,
) -> Result<Map<String, Value>, Response> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let json = media == "application/json"
        || media == "application/json-patch+json"
        || media.ends_with("+json")
        || media == "text/json";
    if !(json || any_media) {
        return Err(ApiError::UnsupportedMediaType.into_response());
    }
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge.into_response())?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::Problem.into_response()),
    }
}

/// Copies the known attributes of `body` onto `person`, validating their types.
fn merge(person: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), ApiError> {
    let string = |field: &str, v: &Value| -> Result<Value, ApiError> {
        match v {
            Value::String(_) => Ok(v.clone()),
            Value::Null => Ok(Value::String(String::new())),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) if field == "enabled" => {
                Ok(Value::String(if *b { "1" } else { "0" }.into()))
            }
            _ => Err(ApiError::invalid_data(
                Some(field),
                Some("must be a text value"),
            )),
        }
    };
    for key in TOP_LEVEL {
        if let Some(v) = body.get(key) {
            person.insert(key.into(), string(key, v)?);
        }
    }
    for (object, fields) in SCHEMA {
        let Some(given) = body.get(object) else {
            continue;
        };
        let Value::Object(given) = given else {
            return Err(ApiError::invalid_data(
                Some(object),
                Some("must be an object"),
            ));
        };
        let target = person
            .entry(object)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(target) = target {
            for f in fields.iter() {
                if let Some(v) = given.get(*f) {
                    target.insert((*f).into(), string(&format!("{object}.{f}"), v)?);
                }
            }
        }
    }
    if let Some(roles) = body.get("roles") {
        person.insert("roles".into(), roles.clone());
    }
    Ok(())
}

/// MyID's checks on a person about to be stored, in the order the manual meets them.
fn validate(
    state: &AppState,
    user: &ApiUser,
    person: &Map<String, Value>,
    own_id: &str,
) -> Result<(), ApiError> {
    let seed = &state.config.data;
    let logon = text(person, "logonName").trim();
    if logon.is_empty() {
        let code = if state.fault(&crate::mock::profiles::myid::faults::WRONG_WS_CODE) {
            "WS30001"
        } else {
            "WS30015"
        };
        return Err(ApiError::validation(code, "logonName", "is mandatory"));
    }
    if text(person, "name.first").trim().is_empty() && text(person, "name.last").trim().is_empty() {
        return Err(ApiError::validation(
            "WS30017",
            "name.first",
            "'First Name' or 'Last Name' must be provided",
        ));
    }
    let roles_ok = match person.get("roles") {
        None => true,
        Some(Value::Array(roles)) => roles.iter().all(|r| {
            let id_ok = r.get("id").and_then(Value::as_str).is_some_and(|id| {
                seed.roles
                    .iter()
                    .any(|role| role.id.eq_ignore_ascii_case(id))
            });
            let scope_ok = r
                .get("scope")
                .and_then(Value::as_str)
                .and_then(Scope::parse)
                .is_some();
            id_ok && scope_ok
        }),
        Some(_) => false,
    };
    if !roles_ok {
        return Err(ApiError::validation(
            "WS30004",
            "roles",
            "invalid role specified",
        ));
    }
    let group = text(person, "group.id");
    if group.is_empty() {
        return Err(ApiError::validation("WS30015", "group.id", "is mandatory"));
    }
    if !is_guid(group) {
        return Err(ApiError::invalid_data(
            Some("group.id"),
            Some("is not a valid identifier"),
        ));
    }
    if !seed.groups.iter().any(|g| g.id.eq_ignore_ascii_case(group)) {
        return Err(ApiError::not_found());
    }
    let scope = user
        .require(seed, &ADD)
        .or_else(|_| user.require(seed, &EDIT))?;
    if !user.can_see(seed, scope, person) && scope != Scope::Own {
        return Err(ApiError::not_found());
    }
    let taken = state
        .api()
        .person_by_logon(logon)
        .is_some_and(|p| !text(p, "id").eq_ignore_ascii_case(own_id));
    if taken {
        return Err(ApiError::invalid_data(
            Some("logonName"),
            Some("is already in use"),
        ));
    }
    Ok(())
}

fn canonical_group(person: &mut Map<String, Value>) {
    if let Some(Value::Object(g)) = person.get_mut("group")
        && let Some(Value::String(id)) = g.get_mut("id")
    {
        *id = id.to_uppercase();
    }
}

/// `confirm=false` asks MyID to act without a confirmation step, which the mock never
/// takes; the value is still bound as a `bool`, so anything else is refused.
fn confirm(uri: &Uri) -> Result<(), ApiError> {
    let query = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    super::flag(&query, "confirm").map(|_| ())
}

pub async fn add(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    uri: Uri,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    confirm(&uri)?;
    user.require(&state.config.data, &ADD)?;
    let id = new_guid();
    let mut person = Map::new();
    person.insert("id".into(), Value::String(id.clone()));
    merge(&mut person, &body)?;
    canonical_group(&mut person);
    person.entry("enabled").or_insert(Value::String("1".into()));
    validate(&state, &user, &person, &id)?;
    let shown = present(&person);
    state.api().add_person(person);
    tracing::debug!(operator = %user.logon_name, person = %id, "person added");
    Ok(json_response(StatusCode::OK, &shown))
}

pub async fn patch(
    State(state): State<AppState>,
    Extension(user): Extension<ApiUser>,
    Path(id): Path<String>,
    uri: Uri,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    confirm(&uri)?;
    check_id(&id)?;
    let seed = &state.config.data;
    let scope = user.require(seed, &EDIT)?;
    let current = state
        .api()
        .person(&id)
        .filter(|p| user.can_see(seed, scope, p))
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut person = current;
    // Fault `patch-replaces-objects`: an object in the body replaces the stored one.
    if state.fault(&fault::PATCH_REPLACES_OBJECTS) {
        for (key, value) in &body {
            if value.is_object() {
                person.insert(key.clone(), Value::Object(Map::new()));
            }
        }
    }
    merge(&mut person, &body)?;
    canonical_group(&mut person);
    validate(&state, &user, &person, &id)?;
    let shown = present(&person);
    state.api().replace_person(&id, person);
    Ok(json_response(StatusCode::OK, &shown))
}

/// A new id in MyID's form: an uppercase GUID (version 4 layout).
pub fn new_guid() -> String {
    let h = random_hex(16);
    let variant = ['8', '9', 'A', 'B'][usize::from(h.as_bytes()[16] % 4)];
    format!(
        "{}-{}-4{}-{}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        variant,
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_ids_are_uppercase_guids() {
        let id = super::new_guid();
        assert!(super::is_guid(&id), "{id}");
        assert_eq!(id, id.to_uppercase());
        assert_ne!(id, super::new_guid());
    }
}
