//! Steps for CORS on the auth server (manual §4.1.3; the Fetch standard's CORS protocol).

use cucumber::{then, when};
use reqwest::Method;

use super::severity;
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

fn endpoint(world: &ConformanceWorld, name: &str) -> Result<String, StepFailure> {
    let base = &world.conn()?.auth_base;
    Ok(match name {
        "token endpoint" => format!("{base}/connect/token"),
        "revocation endpoint" => format!("{base}/connect/revocation"),
        "authorize endpoint" => format!("{base}/connect/authorize"),
        "discovery document" => format!("{base}/.well-known/openid-configuration"),
        other => return Err(format!("unknown endpoint '{other}'").into()),
    })
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
    world.judge(severity(&word)?, [http::cors_allows(&r, &o)])
}

#[then(regex = r"^the response (must|should) not allow the (allowed|disallowed) origin$")]
fn refuses(world: &mut ConformanceWorld, word: String, which: String) -> StepResult {
    let o = origin(world, &which)?;
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [http::cors_refuses(&r, &o)])
}
