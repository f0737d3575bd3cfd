//! Steps for the revocation endpoint (RFC 7009).

use cucumber::{then, when};
use reqwest::Method;

use crate::harness::checks::http;
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::oauth::RFC7009_OK;

fn url(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world.endpoint(Endpoint::Revocation)
}

async fn revoke(
    world: &mut ConformanceWorld,
    role: Option<&str>,
    token: String,
    hint: Option<&str>,
) -> StepResult {
    let client = world.client_for(role)?;
    let mut params = vec![("token".to_owned(), token)];
    if let Some(h) = hint {
        params.push(("token_type_hint".to_owned(), h.to_owned()));
    }
    let url = world.endpoint_for(role, Endpoint::Revocation)?;
    let spec = flow::with_client_auth(&client, url, params);
    world.send(spec).await.map(|_| ())
}

fn access_token(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world.flow.access_token(0)
}

#[when(regex = r"^the client revokes its (access|refresh) token$")]
async fn revoke_own(world: &mut ConformanceWorld, kind: String) -> StepResult {
    let (token, hint) = if kind == "access" {
        (access_token(world)?, "access_token")
    } else {
        (world.flow.refresh_token(false)?, "refresh_token")
    };
    revoke(world, None, token, Some(hint)).await
}

#[when(regex = r"^the client revokes its (access|refresh) token without a hint$")]
async fn revoke_no_hint(world: &mut ConformanceWorld, kind: String) -> StepResult {
    let token = if kind == "access" {
        access_token(world)?
    } else {
        world.flow.refresh_token(false)?
    };
    revoke(world, None, token, None).await
}

#[when(regex = r#"^the client revokes its (access|refresh) token with the hint "([^"]*)"$"#)]
async fn revoke_with_hint(world: &mut ConformanceWorld, kind: String, hint: String) -> StepResult {
    let token = if kind == "access" {
        access_token(world)?
    } else {
        world.flow.refresh_token(false)?
    };
    revoke(world, None, token, Some(&hint)).await
}

#[when(regex = r#"^the client revokes the token "([^"]*)"$"#)]
async fn revoke_literal(world: &mut ConformanceWorld, token: String) -> StepResult {
    revoke(world, None, token, None).await
}

#[when(regex = r#"^the client "([^"]+)" revokes the other client's (access|refresh) token$"#)]
async fn revoke_foreign(world: &mut ConformanceWorld, role: String, kind: String) -> StepResult {
    let token = if kind == "access" {
        access_token(world)?
    } else {
        world.flow.refresh_token(false)?
    };
    revoke(world, Some(&role), token, None).await
}

#[when(regex = r"^the client revokes its access token by (GET|PUT|DELETE)$")]
async fn revoke_by_method(world: &mut ConformanceWorld, method: String) -> StepResult {
    let token = access_token(world)?;
    let client = world.client()?.clone();
    let mut spec = flow::with_client_auth(&client, url(world)?, vec![("token".into(), token)]);
    spec.method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    world.send(spec).await.map(|_| ())
}

#[when("the client revokes its access token as JSON")]
async fn revoke_as_json(world: &mut ConformanceWorld) -> StepResult {
    let token = access_token(world)?;
    let client = world.client()?.clone();
    let mut spec: RequestSpec = flow::with_client_auth(&client, url(world)?, Vec::new());
    spec.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
    spec.headers
        .push(("Content-Type".into(), "application/json".into()));
    spec.body = serde_json::json!({ "token": token, "client_id": client.client_id.as_str() })
        .to_string()
        .into_bytes();
    world.send(spec).await.map(|_| ())
}

/// RFC 7009 §2.2: a revocation answers 200, or the scenario's requirement (an unknown
/// hint is ignored) says why it must.
#[then(regex = r"^the revocation (must|should) succeed$")]
fn revocation_ok(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule_or(&RFC7009_OK);
    world.judge(&word, [http::status(&r, 200, rule)])
}

/// The revocation was taken, or refused only because the server revokes no tokens of
/// the type (RFC 7009 §2.2.1), as the scenario's rule says.
#[then(regex = r"^the revocation (must|should) be taken$")]
fn revocation_taken(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [http::revocation_taken(&r, rule)])
}

#[then(regex = r"^the revocation endpoint (must|should) answer with status (\d+)$")]
fn revocation_status(world: &mut ConformanceWorld, word: String, status: u16) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [http::status(&r, status, rule)])
}
