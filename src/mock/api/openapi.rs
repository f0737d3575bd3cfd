//! `GET /rest.core/swagger/v1/swagger.json`: an OpenAPI 3 description of the mock's
//! Core API, where MyID serves its own (manual §2.1), for tools that generate clients
//! or fuzz from it.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::error::json_response;

/// (method, path, summary, permission-bearing body?, extra query parameters)
const OPERATIONS: [(&str, &str, &str, bool, &[&str]); 18] = [
    ("get", "/api/Groups", "List groups", false, &["q"]),
    (
        "get",
        "/api/People",
        "Search people",
        false,
        &["q", "logonName"],
    ),
    ("post", "/api/People", "Add a person", true, &["confirm"]),
    ("get", "/api/People/{id}", "Read a person", false, &[]),
    (
        "patch",
        "/api/People/{id}",
        "Update a person; unknown attributes are ignored",
        true,
        &["confirm"],
    ),
    (
        "get",
        "/api/People/{id}/images/{imageField}",
        "Read an image with its MIME type",
        false,
        &[],
    ),
    (
        "post",
        "/api/People/{id}/images/{imageField}",
        "Store an image",
        true,
        &[],
    ),
    (
        "get",
        "/api/People/{id}/credProfiles",
        "Credential profiles",
        false,
        &["canReceive", "canRequest"],
    ),
    (
        "get",
        "/api/People/{id}/requests",
        "A person's requests",
        false,
        &[],
    ),
    (
        "post",
        "/api/People/{id}/requests",
        "Request a device",
        true,
        &[],
    ),
    ("get", "/api/Requests", "List requests", false, &[]),
    ("get", "/api/Requests/{id}", "Read a request", false, &[]),
    (
        "get",
        "/api/Devices/{id}/requests",
        "A device's requests",
        false,
        &[],
    ),
    (
        "get",
        "/api/Dirs",
        "List directories (passwords never shown)",
        false,
        &[],
    ),
    ("get", "/api/Dirs/{id}", "Read a directory", false, &[]),
    (
        "post",
        "/api/Dirs/{id}/test",
        "Test directory settings",
        true,
        &[],
    ),
    (
        "patch",
        "/api/Dirs/{id}/update",
        "Update a directory",
        true,
        &[],
    ),
    (
        "get",
        "/api/Reports/{id}",
        "Run a report, a page at a time",
        false,
        &["page", "order_by"],
    ),
];

fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for (method, path, summary, body, query) in OPERATIONS {
        let mut parameters: Vec<Value> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        parameters.extend(query.iter().map(|name| json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" } })));
        let mut op = json!({
            "summary": summary,
            "parameters": parameters,
            "security": [{ "bearer": [] }],
            "responses": {
                "200": { "description": "Success", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": { "description": "Invalid data (WS30001, WS30004, WS30015, WS30017, WS500xx, WS4006x)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "401": { "description": "No or invalid bearer token" },
                "403": { "description": "No permission (WS50000)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "404": { "description": "Not found (WS40005)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if body {
            op["requestBody"] = json!({
                "required": true,
                "content": {
                    "application/json-patch+json": { "schema": { "type": "object" } },
                    "application/json": { "schema": { "type": "object" } }
                }
            });
        }
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        entry[method] = op;
    }
    json!({
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
                }
            }
        }
    })
}

pub async fn swagger() -> Response {
    json_response(StatusCode::OK, &document())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_path_parameter_is_declared() {
        let doc = super::document();
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
            }
        }
    }
}
