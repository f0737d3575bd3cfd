//! `GET /rest.core/swagger/v1/swagger.json`: an OpenAPI 3 description of the mock's
//! Core API, where MyID serves its own (manual §2.1), for tools that generate clients
//! or fuzz from it. It says what the API really takes and answers: ids are GUIDs, bodies
//! name the members the API requires and the types it accepts, and every operation
//! lists the errors it gives (WS bodies, problem details, 401, 403, 404, 413, 415).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::error::json_response;
use super::reports::REPORT_COLUMNS;
use crate::mock::state::AppState;

/// One operation: method, path, summary, query parameters, and its request body.
struct Operation {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    query: &'static [(&'static str, Param)],
    body: Body,
}

/// The type of a query parameter.
#[derive(Clone, Copy)]
enum Param {
    Text,
    /// `true`/`false`, compared without case.
    Flag,
    /// A report page, from 1.
    Page,
    /// A report column, `-` before it for descending order.
    OrderBy,
}

/// What an operation reads from its body.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Body {
    None,
    NewPerson,
    PersonChanges,
    Image,
    NewRequest,
    DirSettings,
}

const OPERATIONS: [Operation; 21] = [
    op("get", "/api/Groups", "List groups", &[("q", Param::Text)]),
    op(
        "get",
        "/api/People",
        "Search people",
        &[("q", Param::Text), ("logonName", Param::Text)],
    ),
    with_body(
        op(
            "post",
            "/api/People",
            "Add a person",
            &[("confirm", Param::Flag)],
        ),
        Body::NewPerson,
    ),
    // `dirInfo` (manual §5.1's example): accepted; the mock has no directory to add.
    op(
        "get",
        "/api/People/{id}",
        "Read a person",
        &[("dirInfo", Param::Flag)],
    ),
    with_body(
        op(
            "patch",
            "/api/People/{id}",
            "Update a person; unknown attributes are ignored",
            &[("confirm", Param::Flag)],
        ),
        Body::PersonChanges,
    ),
    op(
        "get",
        "/api/People/{id}/images/{imageField}",
        "Read an image with its MIME type",
        &[],
    ),
    with_body(
        op(
            "post",
            "/api/People/{id}/images/{imageField}",
            "Store an image",
            &[],
        ),
        Body::Image,
    ),
    op(
        "get",
        "/api/People/{id}/credProfiles",
        "Credential profiles",
        &[("canReceive", Param::Flag), ("canRequest", Param::Text)],
    ),
    op(
        "get",
        "/api/People/{id}/requests",
        "A person's requests",
        &[],
    ),
    with_body(
        op("post", "/api/People/{id}/requests", "Request a device", &[]),
        Body::NewRequest,
    ),
    op("get", "/api/Requests", "List requests", &[]),
    op("get", "/api/Requests/{id}", "Read a request", &[]),
    op("get", "/api/Groups/{id}", "Read a group", &[]),
    op(
        "get",
        "/api/CredProfiles/{id}",
        "Read a credential profile",
        &[],
    ),
    op("get", "/api/Devices/{id}", "Read a device", &[]),
    op(
        "get",
        "/api/Devices/{id}/requests",
        "A device's requests",
        &[],
    ),
    op(
        "get",
        "/api/Dirs",
        "List directories (passwords never shown)",
        &[],
    ),
    op("get", "/api/Dirs/{id}", "Read a directory", &[]),
    with_body(
        op(
            "post",
            "/api/Dirs/{id}/test",
            "Test directory settings",
            &[],
        ),
        Body::DirSettings,
    ),
    with_body(
        op("patch", "/api/Dirs/{id}/update", "Update a directory", &[]),
        Body::DirSettings,
    ),
    op(
        "post",
        "/api/Dirs/{id}/verify",
        "Verify a directory's stored settings",
        &[],
    ),
];

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    query: &'static [(&'static str, Param)],
) -> Operation {
    Operation {
        method,
        path,
        summary,
        query,
        body: Body::None,
    }
}

const fn with_body(mut operation: Operation, body: Body) -> Operation {
    operation.body = body;
    operation
}

/// A pattern that matches `word` in any letter case (JSON Schema patterns have no
/// case-insensitive flag).
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else {
                regex_escape(c)
            }
        })
        .collect()
}

fn regex_escape(c: char) -> String {
    if "\\^$.|?*+()[]{}/-".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

fn one_of_words(words: &[&str]) -> String {
    let alternatives: Vec<String> = words.iter().map(|w| any_case(w)).collect();
    format!("^({})$", alternatives.join("|"))
}

/// A MyID id: a GUID, in any letter case.
fn guid() -> Value {
    json!({
        "type": "string",
        "format": "uuid",
        "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
    })
}

/// A person attribute: text, or a number (stored as its text), or null (cleared).
/// `schema` offering `example`, when there is one.
fn with_example(mut schema: Value, example: Option<&str>) -> Value {
    if let Some(example) = example {
        schema["example"] = json!(example);
    }
    schema
}

fn text_value() -> Value {
    json!({ "nullable": true, "anyOf": [{ "type": "string" }, { "type": "number" }] })
}

/// Text with something other than white space in it (or a number).
fn non_blank() -> Value {
    json!({ "anyOf": [{ "type": "string", "pattern": "\\S" }, { "type": "number" }] })
}

fn person_schema(seed_roles: &[String], new: bool, examples: &Examples) -> Value {
    let object = |fields: &[&str]| {
        let props: Map<String, Value> = fields
            .iter()
            .map(|f| ((*f).to_owned(), text_value()))
            .collect();
        json!({ "type": "object", "properties": props })
    };
    let role_ids: Vec<&str> = seed_roles.iter().map(String::as_str).collect();
    let mut props = Map::new();
    props.insert("employeeId".into(), text_value());
    props.insert(
        "enabled".into(),
        json!({ "nullable": true, "anyOf": [{ "type": "string" }, { "type": "number" }, { "type": "boolean" }] }),
    );
    // Required to add a person; a change may leave it out but not blank it (WS30015).
    props.insert("logonName".into(), non_blank());
    for (name, fields) in super::people::SCHEMA {
        props.insert(name.into(), object(fields));
    }
    // A change that names a group without its id leaves the group as it is.
    let mut group = json!({ "type": "object", "properties": { "id": guid() } });
    group["properties"]["id"] = with_example(guid(), examples.group.as_deref());
    if new {
        group["required"] = json!(["id"]);
    }
    props.insert("group".into(), group);
    props.insert(
        "roles".into(),
        json!({
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "scope"],
                "properties": {
                    "id": { "type": "string", "pattern": one_of_words(&role_ids) },
                    "scope": { "type": "string", "pattern": one_of_words(&["self", "department", "division", "all"]) }
                }
            }
        }),
    );
    let mut schema = json!({ "type": "object", "properties": props });
    if new {
        schema["required"] = json!(["logonName", "name", "group"]);
        // 'First Name' or 'Last Name' must be given (WS30017).
        schema["properties"]["name"]["anyOf"] = json!([
            { "required": ["first"], "properties": { "first": non_blank() } },
            { "required": ["last"], "properties": { "last": non_blank() } }
        ]);
    } else {
        // A change may blank one name but not both at once (WS30017).
        schema["properties"]["name"]["not"] = json!({
            "required": ["first", "last"],
            "properties": { "first": { "not": non_blank() }, "last": { "not": non_blank() } }
        });
    }
    schema
}

fn body_schema(body: Body, seed_roles: &[String], examples: &Examples) -> Option<Value> {
    Some(match body {
        Body::None => return None,
        Body::NewPerson => person_schema(seed_roles, true, examples),
        Body::PersonChanges => person_schema(seed_roles, false, examples),
        Body::Image => json!({
            "type": "object",
            "required": ["image"],
            "properties": { "image": {
                "type": "object",
                "required": ["data", "mimetype"],
                "properties": {
                    "data": { "type": "string", "format": "byte", "pattern": "^\\s*([A-Za-z0-9+/]{4})+([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\\s*$" },
                    "mimetype": { "type": "string", "pattern": super::images::MIME_TYPE_PATTERN, "maxLength": 100 }
                }
            }}
        }),
        Body::NewRequest => json!({
            "type": "object",
            "required": ["credProfile"],
            "properties": {
                "credProfile": { "type": "object", "required": ["id"], "properties": {
                    "id": with_example(guid(), examples.cred_profile.as_deref())
                } },
                "jobLabel": text_value(),
                "expiryDate": { "type": "string", "pattern": "^$|^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$" }
            }
        }),
        Body::DirSettings => {
            let props: Map<String, Value> = super::dirs::SETTINGS
                .iter()
                .map(|k| {
                    (
                        (*k).to_owned(),
                        json!({ "anyOf": [{ "type": "string" }, { "type": "number" }] }),
                    )
                })
                .collect();
            json!({ "type": "object", "properties": props })
        }
    })
}

fn query_schema(param: Param, report_columns: &[&str]) -> Value {
    match param {
        Param::Text => json!({ "type": "string" }),
        // Empty means not given.
        Param::Flag => {
            json!({ "type": "string", "pattern": format!("^$|{}", one_of_words(&["true", "false"])) })
        }
        Param::Page => {
            json!({ "type": "integer", "format": "int32", "minimum": 1, "maximum": i32::MAX })
        }
        Param::OrderBy => {
            let words: Vec<String> = report_columns
                .iter()
                .flat_map(|c| [(*c).to_owned(), format!("-{c}")])
                .collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            // Empty means the report's default order.
            json!({ "type": "string", "pattern": format!("^$|{}", one_of_words(&words)) })
        }
    }
}

fn path_schema(name: &str) -> Value {
    match name {
        "id" => guid(),
        "imageField" => json!({ "type": "string", "enum": super::images::FIELDS }),
        _ => json!({ "type": "string", "minLength": 1 }),
    }
}

/// The responses of an operation; with `DocumentErrorCodes` their descriptions name the
/// web service error codes each status carries (manual §2.1), without it only what the
/// status means. The statuses and their bodies' schemas are documented either way.
fn responses(body: Body, error_codes: bool) -> Value {
    let ws = json!({ "schema": { "$ref": "#/components/schemas/Error" } });
    let problem = json!({ "schema": { "$ref": "#/components/schemas/ProblemDetails" } });
    let described = |plain: &str, codes: &str| {
        if error_codes {
            format!("{plain} ({codes})")
        } else {
            plain.to_owned()
        }
    };
    let mut r = json!({
        "200": { "description": "Success", "content": { "application/json": { "schema": { "type": "object" } } } },
        "400": { "description": described("Invalid data, or a body that does not bind (problem details)", "WS30001, WS30004, WS30015, WS30017, WS500xx, WS4006x"),
                 "content": { "application/json": ws.clone(), "application/problem+json": problem.clone() } },
        "401": { "description": "No or invalid bearer token",
                 "headers": { "WWW-Authenticate": { "schema": { "type": "string" } } } },
        "403": { "description": described("No permission", "WS50000"), "content": { "application/json": ws.clone() } },
        "404": { "description": described("Not found, or outside the API user's scope", "WS40005"), "content": { "application/json": ws } }
    });
    if body != Body::None {
        r["413"] = json!({ "description": "A body over 30,000,000 bytes", "content": { "application/problem+json": problem.clone() } });
        r["415"] = json!({ "description": "A body that is not JSON", "content": { "application/problem+json": problem } });
    }
    r
}

/// One path per report, since each takes its own columns in `order_by`.
fn report_operations(error_codes: bool) -> Vec<(String, Value)> {
    REPORT_COLUMNS
        .iter()
        .map(|(id, columns)| {
            let parameters: Vec<Value> = [("page", Param::Page), ("order_by", Param::OrderBy)]
                .iter()
                .map(|(name, param)| {
                    json!({ "name": name, "in": "query", "required": false, "schema": query_schema(*param, columns) })
                })
                .collect();
            (
                format!("/api/Reports/{id}"),
                json!({ "get": {
                    "summary": format!("Run report {id}, a page at a time"),
                    "parameters": parameters,
                    "security": [{ "bearer": [] }],
                    "responses": responses(Body::None, error_codes),
                }}),
            )
        })
        .collect()
}

/// What `MyID:SwaggerApiDocumentation` has the document show (manual §2.1).
#[derive(Debug, Clone, Copy)]
struct Shown {
    /// `DocumentErrorCodes`: the web service error codes of each status.
    error_codes: bool,
    /// `DocumentMIReports`: the Management Information reports.
    reports: bool,
}

/// Ids of seeded records, offered as each path parameter's `example`: a reader of the
/// document (and a fuzzer's examples phase) reaches a real record rather than a 404.
#[derive(Default)]
struct Examples {
    person: Option<String>,
    request: Option<String>,
    device: Option<String>,
    dir: Option<String>,
    group: Option<String>,
    cred_profile: Option<String>,
}

impl Examples {
    /// The first record of each kind; for people, the first who is no client's API
    /// operator, so that trying changes on the example cannot lock the caller out.
    fn of(seed: &super::data::SeedData, operators: &[&str]) -> Self {
        let id = |r: &Map<String, Value>| r.get("id").and_then(Value::as_str).map(str::to_owned);
        let first = |rows: &[Map<String, Value>]| rows.first().and_then(id);
        let operator = |p: &Map<String, Value>| {
            p.get("logonName")
                .and_then(Value::as_str)
                .is_some_and(|l| operators.iter().any(|o| o.eq_ignore_ascii_case(l)))
        };
        Examples {
            person: seed.people.iter().find(|p| !operator(p)).and_then(id),
            request: first(&seed.requests),
            device: first(&seed.devices),
            dir: first(&seed.dirs),
            group: seed.groups.first().map(|g| g.id.clone()),
            cred_profile: first(&seed.cred_profiles),
        }
    }

    /// The example for parameter `name` of `path`, by the collection the path names.
    fn for_parameter(&self, path: &str, name: &str) -> Option<&str> {
        let collection = path.split('/').nth(2).unwrap_or_default();
        match (collection, name) {
            ("People", "id") => self.person.as_deref(),
            ("Requests", "id") => self.request.as_deref(),
            ("Devices", "id") => self.device.as_deref(),
            ("Dirs", "id") => self.dir.as_deref(),
            ("Groups", "id") => self.group.as_deref(),
            ("CredProfiles", "id") => self.cred_profile.as_deref(),
            ("People", "imageField") => Some("photo"),
            _ => None,
        }
    }
}

/// Long on purpose: the OpenAPI document path by path: data, not stages.
fn document(seed_roles: &[String], examples: &Examples, shown: Shown) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut bodies: Map<String, Value> = Map::new();
    for operation in &OPERATIONS {
        let mut parameters: Vec<Value> = operation
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let mut parameter = json!({ "name": name, "in": "path", "required": true, "schema": path_schema(name) });
                if let Some(example) = examples.for_parameter(operation.path, name) {
                    parameter["example"] = json!(example);
                }
                parameter
            })
            .collect();
        parameters.extend(operation.query.iter().map(|(name, param)| {
            json!({ "name": name, "in": "query", "required": false, "schema": query_schema(*param, &[]) })
        }));
        let mut value = json!({
            "summary": operation.summary,
            "parameters": parameters,
            "security": [{ "bearer": [] }],
            "responses": responses(operation.body, shown.error_codes),
        });
        // Both read and store answer with the image itself, in its MIME type.
        if operation.path.ends_with("/images/{imageField}") {
            value["responses"]["200"] = json!({ "description": "The image, with its MIME type",
                "content": { "image/*": { "schema": { "type": "string", "format": "binary" } } } });
        }
        if let Some(schema) = body_schema(operation.body, seed_roles, examples) {
            let name = format!("{:?}", operation.body);
            let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
            bodies.insert(name, schema);
            value["requestBody"] = json!({
                "required": true,
                "content": {
                    "application/json-patch+json": { "schema": reference.clone() },
                    "application/json": { "schema": reference }
                }
            });
        }
        let entry = paths
            .entry(operation.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[operation.method] = value;
    }
    if shown.reports {
        paths.extend(report_operations(shown.error_codes));
    }
    let mut doc = json!({
        "openapi": "3.0.1",
        "info": { "title": "MyID Core API (mock)", "version": "v1" },
        "servers": [{ "url": "/rest.core" }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["message", "code"],
                    "properties": {
                        "message": { "type": "string" },
                        "code": { "type": "string", "pattern": "^WS[0-9]{5}$" },
                        "invalidField": { "type": "string" },
                        "invalidFieldReason": { "type": "string" }
                    }
                },
                "ProblemDetails": {
                    "type": "object",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "traceId": { "type": "string" }
                    }
                }
            }
        }
    });
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.extend(bodies);
    }
    doc
}

/// How callers authenticate, as the served document says it: with
/// `AllowTestFromDocumentation`, MyID's `oauth2` scheme with the manual's two flows
/// against this server's web.oauth2 (§5.2); without it, no scheme at all, so the page
/// offers no Authorize dialog.
fn with_security(mut doc: Value, allow_test: bool, origin: &str) -> Value {
    let scopes = json!({ "myid.rest.basic": "Scope restricted access to MyID" });
    let auth = format!("{origin}{}", crate::mock::AUTH_BASE);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in operation.values_mut().filter_map(Value::as_object_mut) {
                if allow_test {
                    op.insert(
                        "security".into(),
                        json!([{ "oauth2": ["myid.rest.basic"] }]),
                    );
                } else {
                    op.remove("security");
                }
            }
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        if allow_test {
            components.insert(
                "securitySchemes".into(),
                json!({ "oauth2": { "type": "oauth2", "flows": {
                    "clientCredentials": { "tokenUrl": format!("{auth}/connect/token"), "scopes": scopes },
                    "authorizationCode": {
                        "authorizationUrl": format!("{auth}/connect/authorize"),
                        "tokenUrl": format!("{auth}/connect/token"),
                        "scopes": scopes
                    }
                }}}),
            );
        } else {
            components.remove("securitySchemes");
        }
    }
    doc
}

pub async fn swagger(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let swagger = state.config.auth.swagger;
    if !swagger.generate || state.fault(&crate::mock::profiles::myid::faults::SWAGGER_MISSING) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let roles: Vec<String> = state
        .config
        .data
        .roles
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let origin = crate::mock::profiles::origin(&headers);
    json_response(
        StatusCode::OK,
        &with_security(
            document(
                &roles,
                &Examples::of(
                    &state.config.data,
                    &state
                        .config
                        .auth
                        .clients
                        .all()
                        .iter()
                        .filter_map(|c| c.myid_logon_name())
                        .collect::<Vec<_>>(),
                ),
                Shown {
                    error_codes: swagger.document_error_codes,
                    reports: swagger.document_reports,
                },
            ),
            swagger.allow_test,
            &origin,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parameter_is_declared() {
        let doc = document(
            &["Cardholder".into()],
            &Examples::of(
                &crate::mock::api::data::SeedData::shipped(),
                &["api.external"],
            ),
            Shown {
                error_codes: true,
                reports: true,
            },
        );
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for op in ops.as_object().unwrap().values() {
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                for part in path.split('/').filter(|s| s.starts_with('{')) {
                    assert!(
                        declared.contains(&part.trim_matches(|c| c == '{' || c == '}')),
                        "{path}"
                    );
                }
                // Every path parameter offers a seeded record, and an id example is a
                // GUID the API takes.
                let guid = regex::Regex::new(guid()["pattern"].as_str().unwrap()).unwrap();
                for p in op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["in"] == "path")
                {
                    let example = p["example"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{path}: no example"));
                    assert!(
                        p["name"] != "id" || guid.is_match(example),
                        "{path}: {example}"
                    );
                }
            }
        }
    }

    #[test]
    fn patterns_match_what_the_api_takes() {
        let role = regex::Regex::new(&one_of_words(&["External API", "Cardholder"])).unwrap();
        assert!(role.is_match("external api") && role.is_match("Cardholder"));
        assert!(!role.is_match("Cardholders"));
        let guid = regex::Regex::new(guid()["pattern"].as_str().unwrap()).unwrap();
        assert!(guid.is_match("6a3f2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c"));
        assert!(!guid.is_match("0"));
        assert!(crate::mock::api::is_guid(
            "6a3f2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c"
        ));
    }
}
