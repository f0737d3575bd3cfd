//! Steps for CORS on the auth server and the Core API (manual §4.1.3; the Fetch
//! standard's CORS protocol).

use cucumber::{then, when};
use reqwest::Method;

use crate::harness::checks::http;
use crate::harness::client::RequestSpec;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};

fn origin(world: &ConformanceWorld, which: &str) -> Result<String, StepFailure> {
    let cors = world
        .conn()?
        .profile
        .cors
        .clone()
        .ok_or("the target file has no [cors] section")?;
    Ok(if which == "allowed" {
        cors.allowed
    } else {
        cors.disallowed
    })
}

/// The endpoint as the server's metadata names it (or the target file's
/// `[endpoints]`): never a path guessed from IdentityServer's layout, so on a server
/// that does not have one the scenario skips instead of passing on a 404.
fn endpoint(world: &ConformanceWorld, name: &str) -> Result<String, StepFailure> {
    use crate::harness::endpoints::Endpoint;
    match name {
        "token endpoint" => world.endpoint(Endpoint::Token),
        "revocation endpoint" => world.endpoint(Endpoint::Revocation),
        "authorize endpoint" => world.endpoint(Endpoint::Authorization),
        "discovery document" => world
            .endpoints_for(None)?
            .discovery_url
            .clone()
            .ok_or_else(|| StepFailure::skip("the server publishes no metadata document")),
        other => Err(format!("unknown endpoint '{other}'").into()),
    }
}

#[when(
    regex = r"^a page at the (allowed|disallowed) origin sends a preflight to the (token endpoint|revocation endpoint|authorize endpoint|discovery document)$"
)]
async fn preflight(world: &mut ConformanceWorld, which: String, name: String) -> StepResult {
    let mut spec = RequestSpec::get(endpoint(world, &name)?);
    spec.method = Method::OPTIONS;
    spec = spec
        .header("Origin", origin(world, &which)?)
        .header(
            "Access-Control-Request-Method",
            if name == "discovery document" {
                "GET"
            } else {
                "POST"
            },
        )
        .header("Access-Control-Request-Headers", "content-type");
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^a page at the (allowed|disallowed) origin fetches the discovery document$")]
async fn fetch(world: &mut ConformanceWorld, which: String) -> StepResult {
    let spec = RequestSpec::get(endpoint(world, "discovery document")?)
        .header("Origin", origin(world, &which)?);
    world.send(spec).await.map(|_| ())
}

#[then(regex = r"^the response (must|should) allow the (allowed|disallowed) origin$")]
fn allows(world: &mut ConformanceWorld, word: String, which: String) -> StepResult {
    let o = origin(world, &which)?;
    let r = world.last_response()?.clone();
    let mut check = http::cors_allows_origin(&r, &o);
    check.rule = world.rule_or(check.rule);
    world.judge(&word, [check])
}

#[then(regex = r"^the response (must|should) not allow the (allowed|disallowed) origin$")]
fn refuses(world: &mut ConformanceWorld, word: String, which: String) -> StepResult {
    let o = origin(world, &which)?;
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [http::cors_refuses_origin(&r, &o, rule)])
}

/// The Core API's base URL; a target without one skips the scenario.
fn api_base(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world
        .conn()?
        .api_base
        .clone()
        .ok_or_else(|| StepFailure::skip("the target has no MyID Core API (no api_base)"))
}

/// A browser's preflight for an authenticated `GET /api/People` (manual §4.1.3's
/// troubleshooting example): sent with no credentials, as browsers send preflights.
#[when(regex = r"^a page at the (allowed|disallowed) origin sends a preflight to the Core API$")]
async fn api_preflight(world: &mut ConformanceWorld, which: String) -> StepResult {
    let mut spec = RequestSpec::get(format!("{}/api/People?q=*", api_base(world)?));
    spec.method = Method::OPTIONS;
    spec = spec
        .header("Origin", origin(world, &which)?)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization");
    world.send(spec).await.map(|_| ())
}

#[when(
    regex = r"^a page at the (allowed|disallowed) origin calls the Core API with the client's access token$"
)]
async fn api_fetch(world: &mut ConformanceWorld, which: String) -> StepResult {
    let token = world.flow.access_token(0)?;
    let spec = RequestSpec::get(format!("{}/api/People?q=*", api_base(world)?))
        .header("Origin", origin(world, &which)?)
        .header("Authorization", format!("Bearer {token}"));
    world.send(spec).await.map(|_| ())
}
