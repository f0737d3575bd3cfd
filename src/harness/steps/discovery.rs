//! Steps for the discovery document and the JWKS.

use cucumber::{then, when};
use reqwest::Method;
use serde_json::Value;

use super::severity;
use crate::harness::checks::{discovery, http};
use crate::harness::client::RequestSpec;
use crate::harness::world::{ConformanceWorld, StepResult};

#[when("the discovery document is fetched")]
async fn fetch(world: &mut ConformanceWorld) -> StepResult {
    let url = format!(
        "{}/.well-known/openid-configuration",
        world.conn()?.auth_base
    );
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[when("the discovery document is fetched with its path in other letter case")]
async fn fetch_mixed_case(world: &mut ConformanceWorld) -> StepResult {
    let base = world.conn()?.auth_base.clone();
    let (origin, path) = match base
        .find("://")
        .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(split) => base.split_at(split),
        None => (base.as_str(), ""),
    };
    let url = format!(
        "{origin}{}/.Well-Known/OpenID-Configuration",
        path.to_uppercase()
    );
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[when(regex = r"^the discovery document is requested by (POST|PUT|DELETE)$")]
async fn fetch_by_method(world: &mut ConformanceWorld, method: String) -> StepResult {
    let url = format!(
        "{}/.well-known/openid-configuration",
        world.conn()?.auth_base
    );
    let mut spec = RequestSpec::get(url);
    spec.method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    world.send(spec).await.map(|_| ())
}

#[when("the published keys are fetched")]
async fn fetch_keys(world: &mut ConformanceWorld) -> StepResult {
    let doc = world.discovery().await?;
    let url = doc
        .get("jwks_uri")
        .and_then(Value::as_str)
        .ok_or("the discovery document has no jwks_uri")?;
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[then(regex = r"^the (?:discovery document|key set) (must|should) be served as JSON$")]
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

fn last_json(world: &ConformanceWorld) -> Result<Value, crate::harness::world::StepFailure> {
    world
        .last_response()?
        .json()
        .ok_or_else(|| "the last response is not JSON".into())
}

#[then(regex = r"^the issuer (must|should) equal the auth server's base URL$")]
fn issuer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    let base = world.conn()?.auth_base.clone();
    world.judge(severity(&word)?, [discovery::issuer_matches(&doc, &base)])
}

#[then(regex = r"^the discovery document (must|should) have every required member$")]
fn required(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = last_json(world)?;
    world.judge(severity(&word)?, [discovery::required_members(&doc)])
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
    world.judge(
        severity(&word)?,
        [discovery::list_includes(&doc, &member, &value, spec)],
    )
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
