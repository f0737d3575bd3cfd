//! Steps for the discovery document and the JWKS.

use cucumber::{then, when};
use reqwest::Method;
use serde_json::Value;

use super::severity;
use crate::harness::checks::{discovery, http};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};

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

#[then(regex = r"^the discovery document (must|should) be served as JSON$")]
fn served_as_json(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        severity(&word)?,
        [
            http::status_is(&r, 200, "RFC8414-3.2"),
            http::json_content_type(&r, "RFC8414-3.2"),
            http::json_object_body(&r, "RFC8414-3.2"),
        ],
    )
}

/// RFC 7517 §8.5 registers `application/jwk-set+json` for key sets; plain
/// `application/json` is what most servers send, and both are JSON.
#[then(regex = r"^the key set (must|should) be served as JSON$")]
fn key_set_served_as_json(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        severity(&word)?,
        [
            http::status_is(&r, 200, "RFC7517-5"),
            http::json_media_type(&r, "RFC7517-8.5", &["application/jwk-set+json"]),
            http::json_object_body(&r, "RFC7517-5"),
        ],
    )
}

fn last_json(world: &ConformanceWorld) -> Result<Value, crate::harness::world::StepFailure> {
    world
        .last_response()?
        .json()
        .ok_or_else(|| "the last response is not JSON".into())
}

#[then(regex = r"^the issuer (must|should) be the target's issuer$")]
fn issuer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    let base = world.issuer()?;
    world.judge(severity(&word)?, [discovery::issuer_matches(&doc, &base)])
}

#[then(regex = r"^the discovery document (must|should) have every required member$")]
fn required(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(severity(&word)?, discovery::required_members(&doc))
}

#[then(regex = r#"^"([a-z_]+)" (must|should) include "([^"]+)"$"#)]
fn includes(
    world: &mut ConformanceWorld,
    member: String,
    word: String,
    value: String,
) -> StepResult {
    let doc = last_json(world)?;
    // The rule that makes each list worth publishing.
    let spec = match member.as_str() {
        "code_challenge_methods_supported" => "RFC9700-2.1.1",
        "grant_types_supported" | "token_endpoint_auth_methods_supported" | "scopes_supported" => {
            "RFC8414-2"
        }
        _ => "OIDC-Discovery-3",
    };
    // PKCE protects the authorization endpoint: a server with no grant that uses it
    // has nothing to publish.
    let check = if member == "code_challenge_methods_supported"
        && !discovery::uses_authorization_endpoint(&doc)
    {
        crate::harness::checks::Check::pass(
            "list_includes",
            spec,
            "no grant uses the authorization endpoint: PKCE does not apply",
        )
    } else {
        discovery::list_includes(&doc, &member, &value, spec)
    };
    world.judge(severity(&word)?, [check])
}

#[then(regex = r"^the endpoints (must|should) sit under the issuer$")]
fn endpoints(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(severity(&word)?, [discovery::endpoints_under_issuer(&doc)])
}

#[then(regex = r"^every published key (must|should) be well formed$")]
fn keys_well_formed(world: &mut ConformanceWorld, word: String) -> StepResult {
    let keys = last_json(world)?;
    world.judge(severity(&word)?, [discovery::jwks_keys_well_formed(&keys)])
}

#[then(regex = r"^the published keys (must|should) hold no private key material$")]
fn keys_public(world: &mut ConformanceWorld, word: String) -> StepResult {
    let keys = last_json(world)?;
    world.judge(severity(&word)?, [discovery::jwks_public_only(&keys)])
}

#[then(regex = r"^the discovery endpoint (must|should) refuse the method with 405$")]
fn refuses_method(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [http::status_is(&r, 405, "RFC8414-3.1")])
}
