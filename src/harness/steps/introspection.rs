//! Steps for the introspection endpoint (RFC 7662) and the userinfo endpoint (OpenID
//! Connect Core §5.3). Both are found through the server's metadata; a server that
//! publishes neither skips these scenarios.

use cucumber::{then, when};

use super::severity;
use crate::harness::checks::introspection as checks;
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepResult};

async fn introspect(
    world: &mut ConformanceWorld,
    token: String,
    authenticated: bool,
) -> StepResult {
    let url = world.endpoint(Endpoint::Introspection)?;
    let params = vec![("token".to_owned(), token)];
    let spec = if authenticated {
        let client = world.client()?.clone();
        flow::with_client_auth(&client, url, params)
    } else {
        RequestSpec::form(url, &params)
    };
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^the client introspects its (access|refresh) token$")]
async fn introspect_own(world: &mut ConformanceWorld, kind: String) -> StepResult {
    let token = if kind == "access" {
        world.flow.access_token(0)?
    } else {
        world.flow.refresh_token(false)?
    };
    introspect(world, token, true).await
}

#[when(regex = r#"^the client introspects the token "([^"]+)"$"#)]
async fn introspect_literal(world: &mut ConformanceWorld, token: String) -> StepResult {
    introspect(world, token, true).await
}

#[when("its access token is introspected without credentials")]
async fn introspect_anonymously(world: &mut ConformanceWorld) -> StepResult {
    let token = world.flow.access_token(0)?;
    introspect(world, token, false).await
}

#[then(regex = r"^the introspection (must|should) say the token is (active|inactive)$")]
fn says(world: &mut ConformanceWorld, word: String, state: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [checks::active_is(&r, state == "active")])
}

#[then(regex = r"^the introspection endpoint (must|should) refuse the caller$")]
fn refuses(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [checks::caller_refused(&r)])
}

#[when("the userinfo endpoint is called without an access token")]
async fn userinfo_without_token(world: &mut ConformanceWorld) -> StepResult {
    let url = world.endpoint(Endpoint::Userinfo)?;
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[then(regex = r"^the userinfo endpoint (must|should) ask for a bearer token$")]
fn userinfo_refuses(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [checks::bearer_required(&r)])
}
