//! Steps that call the Core API and judge its answers.

use cucumber::gherkin::Step;
use cucumber::{then, when};
use reqwest::Method;
use serde_json::Value;

use super::expand;
use crate::harness::checks::api::{self as checks, lookup};
use crate::harness::checks::{http, introspection as resource};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::jwt::{Compact, b64url};
use crate::protocol::rules::myid::{ASSUMED_REQUEST_STATUS, MYID_PROBLEM_DETAILS};

/// A key no MyID server has: the harness's own, for forged tokens.
pub(super) const FOREIGN_KEY: &str = include_str!("../../../fixtures/keys/test-signing-key.pem");

/// Which token a call carries.
pub(super) enum Credential {
    Newest,
    Without,
    Raw(String),
    Forged,
    Tampered,
}

fn forge(valid: &str) -> Result<String, StepFailure> {
    let c = Compact::split(valid).ok_or("the access token is not a JWT")?;
    let header = jsonwebtoken::decode_header(valid).map_err(|e| e.to_string())?;
    let claims: Value =
        crate::protocol::jwt::decode_segment(c.payload).ok_or("unreadable claims")?;
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(FOREIGN_KEY.as_bytes())
        .map_err(|e| e.to_string())?;
    // Same header (kid included), same claims, another key's signature.
    jsonwebtoken::encode(&header, &claims, &key).map_err(|e| e.to_string().into())
}

fn tamper(valid: &str) -> Result<String, StepFailure> {
    let c = Compact::split(valid).ok_or("the access token is not a JWT")?;
    let mut claims: Value =
        crate::protocol::jwt::decode_segment(c.payload).ok_or("unreadable claims")?;
    claims["exp"] = Value::from(claims["exp"].as_i64().unwrap_or(0) + 86_400);
    Ok(format!(
        "{}.{}.{}",
        c.header,
        b64url(claims.to_string()),
        c.signature
    ))
}

pub(super) async fn call(
    world: &mut ConformanceWorld,
    method: &str,
    path: &str,
    credential: Credential,
    body: Option<(String, String)>,
) -> StepResult {
    call_with_headers(world, method, path, credential, body, Vec::new()).await
}

/// The Core API's base URL; a target without one skips the scenario.
fn api_base(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world
        .conn()?
        .api_base
        .clone()
        .ok_or_else(|| StepFailure::skip("the target has no MyID Core API (no api_base)"))
}

async fn call_with_headers(
    world: &mut ConformanceWorld,
    method: &str,
    path: &str,
    credential: Credential,
    body: Option<(String, String)>,
    headers: Vec<(String, String)>,
) -> StepResult {
    let path = expand(world, path)?;
    let url = format!("{}{path}", api_base(world)?);
    let mut spec = RequestSpec::get(url);
    spec.method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let token = match credential {
        Credential::Newest => Some(world.flow.access_token(0)?),
        Credential::Without => None,
        Credential::Raw(t) => Some(t),
        Credential::Forged => Some(forge(&world.flow.access_token(0)?)?),
        Credential::Tampered => Some(tamper(&world.flow.access_token(0)?)?),
    };
    if let Some(t) = token {
        spec = spec.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        spec = spec.header(k, expand(world, &v)?);
    }
    if let Some((content_type, text)) = body {
        if !content_type.is_empty() {
            spec = spec.header("Content-Type", content_type);
        }
        spec.body = expand(world, &text)?.into_bytes();
    }
    let adds_person = method == "POST"
        && path
            .split('?')
            .next()
            .is_some_and(|p| p.eq_ignore_ascii_case("/api/People"));
    let exchange = world.send(spec).await?;
    if adds_person
        && let Some(id) = exchange
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
            .and_then(|b| b.get("id").and_then(Value::as_str).map(str::to_owned))
    {
        world.flow.created_people.push(id);
    }
    Ok(())
}

/// Disables the people a scenario added: MyID's API offers no way to delete a person,
/// so on a live server this is the cleanup there is. Best effort: failures are ignored.
pub async fn clean_up(world: &mut ConformanceWorld) {
    let people = std::mem::take(&mut world.flow.created_people);
    let Ok(token) = world.flow.access_token(0) else {
        return;
    };
    let Ok(base) = api_base(world) else {
        return;
    };
    for id in people {
        let mut spec = RequestSpec::get(format!("{base}/api/People/{id}?confirm=false"));
        spec.method = Method::PATCH;
        spec = spec
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/json-patch+json");
        spec.body = br#"{"enabled": "0"}"#.to_vec();
        let _ = world.send(spec).await;
    }
}

#[when(regex = r#"^the client calls (GET|POST|PATCH|PUT|DELETE) "([^"]+)"$"#)]
async fn call_plain(world: &mut ConformanceWorld, method: String, path: String) -> StepResult {
    call(world, &method, &path, Credential::Newest, None).await
}

#[when(
    regex = r#"^the client calls (GET|POST|PATCH|PUT|DELETE) "([^"]+)" (without a token|with a token signed by another key|with its token tampered)$"#
)]
async fn call_with_credential(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    how: String,
) -> StepResult {
    let credential = match how.as_str() {
        "without a token" => Credential::Without,
        "with a token signed by another key" => Credential::Forged,
        _ => Credential::Tampered,
    };
    call(world, &method, &path, credential, None).await
}

#[when(regex = r#"^the client calls (GET|POST|PATCH) "([^"]+)" with the token "([^"]*)"$"#)]
async fn call_with_raw(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    token: String,
) -> StepResult {
    call(world, &method, &path, Credential::Raw(token), None).await
}

#[when(
    regex = r#"^the client calls (POST|PATCH|PUT) "([^"]+)" with(?: the content type "([^"]*)" and)?:$"#
)]
async fn call_with_body(
    world: &mut ConformanceWorld,
    method: String,
    path: String,
    content_type: String,
    step: &Step,
) -> StepResult {
    let text = step
        .docstring
        .clone()
        .ok_or("this step needs a body (a doc string)")?;
    // MyID's own examples send application/json-patch+json.
    let content_type = if content_type.is_empty() && !step.value.contains("content type") {
        "application/json-patch+json".to_owned()
    } else {
        content_type
    };
    call(
        world,
        &method,
        &path,
        Credential::Newest,
        Some((content_type, text)),
    )
    .await
}

#[when(regex = r#"^the client calls GET "([^"]+)" with the header "([A-Za-z_-]+): ([^"]*)"$"#)]
async fn call_with_header(
    world: &mut ConformanceWorld,
    path: String,
    name: String,
    value: String,
) -> StepResult {
    call_with_headers(
        world,
        "GET",
        &path,
        Credential::Newest,
        None,
        vec![(name, value)],
    )
    .await
}

#[when(
    regex = r#"^the client remembers the "([A-Za-z.]+)" of the result whose "([A-Za-z.]+)" is "([^"]*)" as "([a-z_]+)"$"#
)]
fn remember_from_results(
    world: &mut ConformanceWorld,
    field: String,
    key: String,
    value: String,
    name: String,
) -> StepResult {
    let value = expand(world, &value)?;
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let found = body
        .get("results")
        .and_then(Value::as_array)
        .and_then(|rs| {
            rs.iter().find(|r| {
                lookup(r, &key)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(&value))
            })
        })
        .and_then(|r| lookup(r, &field).and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| format!("no result with {key} = {value}"))?;
    world.flow.vars.insert(name, found);
    Ok(())
}

#[when(regex = r#"^the client remembers the response "([A-Za-z.]+)" as "([a-z_]+)"$"#)]
fn remember(world: &mut ConformanceWorld, path: String, name: String) -> StepResult {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let value = lookup(&body, &path)
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| format!("the response has no text at '{path}'"))?;
    world.flow.vars.insert(name, value);
    Ok(())
}

/// The API answered with `status`, as the scenario's requirement says it must.
#[then(regex = r"^the API (must|should) answer with status (\d+)$")]
fn api_status(world: &mut ConformanceWorld, word: String, status: u16) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [http::status(&r, status, rule)])
}

/// A call without a token is refused 401 (the scenario's requirement), with a Bearer
/// challenge that names no error (RFC 6750 §3, §3.1).
#[then(regex = r"^the API (must|should) ask for a bearer token$")]
fn asks_for_token(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [
            http::status(&r, 401, rule),
            resource::bearer_challenge(&r),
            resource::bearer_error_attribute(&r, false),
        ],
    )
}

/// A call with a bad token is refused 401 (the scenario's requirement), with a Bearer
/// challenge that says invalid_token (RFC 6750 §3, §3.1).
#[then(regex = r"^the API (must|should) refuse the token as invalid_token$")]
fn refuses_token(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [
            http::status(&r, 401, rule),
            resource::bearer_challenge(&r),
            resource::bearer_error_attribute(&r, true),
        ],
    )
}

/// A refusal: its verdict is the scenario's requirement (the scope reaches no further,
/// MyID requires a field); its body is MyID's WS error, with the status MyID gives it.
#[then(
    regex = r#"^the API (must|should) answer with the error "(WS\d{5})"(?: for the field "([A-Za-z.]+)")?$"#
)]
fn ws_error(world: &mut ConformanceWorld, word: String, code: String, field: String) -> StepResult {
    let r = world.last_response()?.clone();
    let mut found = vec![
        checks::api_refused(&r, Some(&code), world.rule()?),
        checks::ws_error(&r, &code),
        checks::ws_status(&r, &code),
    ];
    if !field.is_empty() {
        found.push(checks::invalid_field(&r, &field));
    }
    world.judge(&word, found)
}

#[then(regex = r"^the API (must|should) answer with problem details$")]
fn problem(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule_or(&MYID_PROBLEM_DETAILS);
    world.judge(
        &word,
        [
            checks::api_refused(&r, None, rule),
            checks::problem_details(&r),
        ],
    )
}

/// `, as assumed` marks a value the manual does not give (the first status of a new
/// request): the mock's reading, which warns on a live server.
#[then(regex = r#"^the response "([A-Za-z0-9.]+)" (must|should) be "([^"]*)"(, as assumed)?$"#)]
fn field_is(
    world: &mut ConformanceWorld,
    path: String,
    word: String,
    expected: String,
    assumed: String,
) -> StepResult {
    let expected = expand(world, &expected)?;
    let r = world.last_response()?.clone();
    let rule = if assumed.is_empty() {
        world.rule()?
    } else {
        &ASSUMED_REQUEST_STATUS
    };
    world.judge(&word, [checks::response_field(&r, &path, &expected, rule)])
}

#[then(
    regex = r#"^the results (must|should) (include|not include) one whose "([A-Za-z.]+)" is "([^"]*)"$"#
)]
fn results_include(
    world: &mut ConformanceWorld,
    word: String,
    mode: String,
    path: String,
    value: String,
) -> StepResult {
    let value = expand(world, &value)?;
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    let rule = world.rule()?;
    let check = checks::results_include(
        &checks::results(&body),
        &path,
        &value,
        mode == "include",
        rule,
    );
    world.judge(&word, [check])
}

#[then(regex = r#"^every result's "([A-Za-z.]+)" (must|should) be "([^"]*)"$"#)]
fn every_result(
    world: &mut ConformanceWorld,
    path: String,
    word: String,
    value: String,
) -> StepResult {
    let value = expand(world, &value)?;
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    let rule = world.rule()?;
    let check = checks::every_result(&checks::results(&body), &path, &value, rule);
    world.judge(&word, [check])
}

/// A tiny valid PNG (1×1, one grey pixel), the photo the scenarios upload.
const PHOTO_PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

#[when(regex = r#"^the client uploads (a photo|an empty image) for "([^"]+)"$"#)]
async fn upload_photo(world: &mut ConformanceWorld, what: String, person: String) -> StepResult {
    use base64::Engine as _;
    let data = if what == "a photo" {
        base64::engine::general_purpose::STANDARD.encode(PHOTO_PNG)
    } else {
        String::new()
    };
    let body =
        serde_json::json!({ "image": { "data": data, "mimetype": "image/png" } }).to_string();
    let path = format!("/api/People/{person}/images/photo");
    call(
        world,
        "POST",
        &path,
        Credential::Newest,
        Some(("application/json-patch+json".into(), body)),
    )
    .await
}

#[then(regex = r"^the API (must|should) return the uploaded photo with its MIME type$")]
fn same_photo(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [checks::image_round_trip(&r, &PHOTO_PNG, "image/png")],
    )
}

#[when(
    regex = r#"^the client "([^"]+)" follows the response's "([^"]+)" link for the MyID Client Service$"#
)]
async fn follow_mcs_link(world: &mut ConformanceWorld, role: String, desc: String) -> StepResult {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let auth = body
        .get("links")
        .and_then(Value::as_array)
        .and_then(|l| {
            l.iter().find(|x| {
                x.get("cat").and_then(Value::as_str) == Some("myid.mcs")
                    && x.get("desc").and_then(Value::as_str) == Some(desc.as_str())
            })
        })
        .and_then(|l| l.get("auth").and_then(Value::as_str))
        .ok_or_else(|| format!("no myid.mcs link '{desc}' in the response"))?
        .replace("{token}", &world.flow.access_token(0)?);
    // The link's auth string is the whole token request (manual §6.1).
    let params: Vec<(String, String)> = form_urlencoded::parse(auth.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    world.use_role(&role)?;
    let url = world.endpoint(Endpoint::Token)?;
    world
        .send(RequestSpec::form(url, &params))
        .await
        .map(|_| ())
}
