//! Steps for the discovery document and the JWKS.

use cucumber::{then, when};
use reqwest::Method;
use serde_json::Value;

use crate::harness::checks::{discovery, http};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::identityserver::IS4_DISCOVERY_GET_ONLY;
use crate::protocol::rules::oauth::{RFC8414_AUTH_METHODS, RFC8414_GRANT_TYPES, RFC8414_JSON};

/// The metadata URL the target answered on; a target that publishes none skips.
fn discovery_url(world: &ConformanceWorld) -> Result<String, StepFailure> {
    let e = world.endpoints_for(None)?;
    e.discovery_url.clone().ok_or_else(|| {
        StepFailure::skip(format!(
            "the target publishes no metadata document ({})",
            e.discovery_problem.as_deref().unwrap_or("none found")
        ))
    })
}

#[when("the discovery document is fetched")]
async fn fetch(world: &mut ConformanceWorld) -> StepResult {
    let url = discovery_url(world)?;
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[when("the discovery document is fetched with its path in other letter case")]
async fn fetch_mixed_case(world: &mut ConformanceWorld) -> StepResult {
    let url = discovery_url(world)?;
    let (origin, path) = match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(split) => url.split_at(split),
        None => (url.as_str(), ""),
    };
    let url = format!("{origin}{}", path.to_uppercase());
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[when(regex = r"^the discovery document is requested by (POST|PUT|DELETE)$")]
async fn fetch_by_method(world: &mut ConformanceWorld, method: String) -> StepResult {
    let url = discovery_url(world)?;
    let mut spec = RequestSpec::get(url);
    spec.method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    world.send(spec).await.map(|_| ())
}

#[when("the published keys are fetched")]
async fn fetch_keys(world: &mut ConformanceWorld) -> StepResult {
    let url = world.endpoint(Endpoint::Jwks)?;
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

/// The metadata is served as JSON (RFC 8414 §3.2); the scenario may test something
/// that its status proves (paths in any letter case).
#[then(regex = r"^the discovery document (must|should) be served as JSON$")]
fn served_as_json(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [
            http::status(&r, 200, world.rule_or(&RFC8414_JSON)),
            http::json_content_type(&r, &RFC8414_JSON),
            http::json_object_body(&r, &RFC8414_JSON),
        ],
    )
}

/// A JSON object with a non-empty `keys` array (RFC 7517 §5). Its media type is free:
/// `application/jwk-set+json` is registered (§8.5), plain `application/json` is what
/// most servers send, and no rule picks one.
#[then(regex = r"^the key set (must|should) be served as JSON$")]
fn key_set_served_as_json(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [discovery::jwk_set(&r)])
}

fn last_json(world: &ConformanceWorld) -> Result<Value, StepFailure> {
    world
        .last_response()?
        .json()
        .ok_or_else(|| "the last response is not JSON".into())
}

#[then(regex = r"^the issuer (must|should) be the target's issuer$")]
fn issuer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    let base = world.issuer()?;
    let mut check = discovery::issuer_matches_url(&doc, &base);
    check.rule = world.rule_or(check.rule);
    world.judge(&word, [check])
}

#[then(regex = r"^the discovery document (must|should) have every required member$")]
fn required(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(&word, discovery::required_members(&doc))
}

/// The metadata's values, not only its members: the Config OP plan's conditions.
#[then(regex = r"^the discovery document's values (must|should) be what the specifications give$")]
fn values(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(&word, crate::harness::checks::metadata::values(&doc))
}

/// A list of the metadata names a value; the rule that wants it there is the list's
/// (RFC 8414 §2 for what the server serves), or the scenario's.
#[then(regex = r#"^"([a-z_]+)" (must|should) include "([^"]+)"$"#)]
fn includes(
    world: &mut ConformanceWorld,
    member: String,
    word: String,
    value: String,
) -> StepResult {
    let doc = last_json(world)?;
    let check = match member.as_str() {
        "code_challenge_methods_supported" if value == "S256" => {
            discovery::pkce_methods_published(&doc)
        }
        "grant_types_supported" => {
            discovery::list_includes(&doc, &member, &value, &RFC8414_GRANT_TYPES)
        }
        "token_endpoint_auth_methods_supported" => {
            discovery::list_includes(&doc, &member, &value, &RFC8414_AUTH_METHODS)
        }
        _ => discovery::list_includes(&doc, &member, &value, world.rule()?),
    };
    world.judge(&word, [check])
}

/// A list of the metadata leaves a value out; the rule that wants it left out is the
/// scenario's.
#[then(regex = r#"^"([a-z_]+)" (must|should) not list "([^"]+)"$"#)]
fn excludes(
    world: &mut ConformanceWorld,
    member: String,
    word: String,
    value: String,
) -> StepResult {
    let doc = last_json(world)?;
    let check = discovery::list_excludes(&doc, &member, &value, world.rule()?);
    world.judge(&word, [check])
}

#[then(regex = r"^the endpoints (must|should) sit under the issuer$")]
fn endpoints(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(&word, [discovery::endpoints_under_issuer(&doc)])
}

#[then(regex = r"^every published key (must|should) be well formed$")]
fn keys_well_formed(world: &mut ConformanceWorld, word: String) -> StepResult {
    let keys = last_json(world)?;
    world.judge(&word, [discovery::jwks_keys_well_formed(&keys)])
}

#[then(regex = r"^the published keys (must|should) name distinct key ids$")]
fn keys_distinct(world: &mut ConformanceWorld, word: String) -> StepResult {
    let keys = last_json(world)?;
    world.judge(&word, [discovery::jwks_distinct_kids(&keys)])
}

#[then(regex = r"^the published keys (must|should) hold no private key material$")]
fn keys_public(world: &mut ConformanceWorld, word: String) -> StepResult {
    let keys = last_json(world)?;
    world.judge(&word, [discovery::jwks_public_only(&keys)])
}

#[then(regex = r"^the discovery endpoint (must|should) refuse the method with 405$")]
fn refuses_method(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [http::status(&r, 405, &IS4_DISCOVERY_GET_ONLY)])
}
