//! Steps for the introspection endpoint (RFC 7662) and the userinfo endpoint (OpenID
//! Connect Core §5.3). Both are found through the server's metadata; a server that
//! publishes neither skips these scenarios. The introspecting caller is the target's
//! `resource` role when it has one.

use cucumber::{then, when};

use crate::harness::checks::introspection as checks;
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::oauth::{RFC7662_ACTIVE, RFC7662_INACTIVE};

async fn introspect(
    world: &mut ConformanceWorld,
    token: String,
    authenticated: bool,
) -> StepResult {
    let url = world.endpoint(Endpoint::Introspection)?;
    let params = vec![("token".to_owned(), token)];
    let spec = if authenticated {
        // The caller is the target's resource server when it has one (IdentityServer
        // lets API resources, not clients, introspect); the scenario's client otherwise.
        world.flow.introspected_as_resource = false;
        let caller = match world.client_for(Some("resource")) {
            Ok(resource) => {
                world.flow.introspected_as_resource = true;
                resource
            }
            Err(_)
                if world
                    .conn()?
                    .profile
                    .server
                    .claims(crate::protocol::rules::Source::IdentityServer) =>
            {
                return Err(StepFailure::skip(
                    "IdentityServer lets only API resources introspect: the target file names none as [clients.resource]",
                ));
            }
            Err(_) => world.client()?.clone(),
        };
        flow::with_client_auth(&caller, url, params)
    } else {
        RequestSpec::form(url, &params)
    };
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^the client introspects its (access|first access|refresh) token$")]
async fn introspect_own(world: &mut ConformanceWorld, kind: String) -> StepResult {
    let token = match kind.as_str() {
        "access" => world.flow.access_token(0)?,
        "first access" => world
            .flow
            .access_token(world.flow.tokens.len().saturating_sub(1))?,
        _ => world.flow.refresh_token(false)?,
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
    // RFC 7662 §2.1 lets the server decide who may introspect: a caller it refuses
    // cannot learn anything here, which is a precondition unmet, not a failure. But the
    // resource server the target file names is one it has said may introspect: its
    // refusal is judged like any other answer that is not the token's state.
    if matches!(r.status, 401 | 403) && !world.flow.introspected_as_resource {
        return Err(StepFailure::skip(format!(
            "the introspection endpoint refused the caller (status {}): name the resource server that may introspect as [clients.resource]",
            r.status
        )));
    }
    let active = state == "active";
    let rule = world.rule_or(if active {
        &RFC7662_ACTIVE
    } else {
        &RFC7662_INACTIVE
    });
    world.judge(&word, [checks::introspection_active(&r, active, rule)])
}

#[then(regex = r"^the introspection endpoint (must|should) refuse the caller$")]
fn refuses(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [checks::introspection_caller_refused(&r)])
}

#[when("the userinfo endpoint is called without an access token")]
async fn userinfo_without_token(world: &mut ConformanceWorld) -> StepResult {
    let url = world.endpoint(Endpoint::Userinfo)?;
    world.send(RequestSpec::get(url)).await.map(|_| ())
}

#[then(regex = r"^the userinfo endpoint (must|should) ask for a bearer token$")]
fn userinfo_refuses(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [checks::bearer_required(&r)])
}
