//! Steps for refresh tokens: rotation, reuse, sliding and absolute expiry.

use cucumber::{then, when};
use serde_json::Value;

use crate::harness::checks::refresh::{self as refresh_checks, Leg};
use crate::harness::checks::{entropy, jwt};
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::identityserver::IS4_REFRESH_KEEPS_ACCESS_TOKEN;
use crate::protocol::rules::oauth::{RFC9068_SIGNATURE, RFC9700_ROTATION};

/// Sends a refresh with `handle` as `role` (or the scenario's client); remembers success.
async fn refresh(
    world: &mut ConformanceWorld,
    handle: String,
    role: Option<&str>,
) -> Result<u16, StepFailure> {
    refresh_with(world, handle, role, Vec::new()).await
}

/// [`refresh`] with more parameters.
async fn refresh_with(
    world: &mut ConformanceWorld,
    handle: String,
    role: Option<&str>,
    more: Vec<(String, String)>,
) -> Result<u16, StepFailure> {
    let client = world.client_for(role)?;
    let mut params = vec![
        ("grant_type".to_owned(), "refresh_token".to_owned()),
        ("refresh_token".to_owned(), handle),
    ];
    params.extend(more);
    let url = world.endpoint_for(role, Endpoint::Token)?;
    let spec = flow::with_client_auth(&client, url, params);
    let exchange = world.send(spec).await?;
    let resp = exchange.response().map_err(StepFailure)?.clone();
    if resp.status == 200
        && let Some(body) = resp.json()
    {
        world.flow.record(&body);
    }
    Ok(resp.status)
}

#[when("the client refreshes the token")]
async fn refresh_newest(world: &mut ConformanceWorld) -> StepResult {
    let handle = world.flow.refresh_token(false)?;
    refresh(world, handle, None).await.map(|_| ())
}

#[when("the client refreshes with its first refresh token again")]
async fn refresh_first(world: &mut ConformanceWorld) -> StepResult {
    let handle = world.flow.refresh_token(true)?;
    refresh(world, handle, None).await.map(|_| ())
}

/// RFC 6749 §10.10 and §A.17: the newest refresh token cannot be guessed and is of
/// visible characters.
#[then(regex = r"^the refresh token (must|should) be long and random enough$")]
fn unguessable(world: &mut ConformanceWorld, word: String) -> StepResult {
    let token = world.flow.refresh_token(false)?;
    world.judge(
        &word,
        [
            entropy::refresh_token_unguessable(&token),
            entropy::refresh_token_vschar(&token),
        ],
    )
}

/// A refresh asking for the grant's scope and `extra` besides (RFC 6749 §6).
#[when(regex = r#"^the client refreshes the token asking for "([^"]+)" besides$"#)]
async fn refresh_wider(world: &mut ConformanceWorld, extra: String) -> StepResult {
    let handle = world.flow.refresh_token(false)?;
    let mut asked = granted_scope(world.flow.tokens.first())
        .ok_or("the first token response names no scope, and its access token carries none")?;
    for s in extra.split(' ').filter(|s| !s.is_empty()) {
        if !asked.iter().any(|a| a == s) {
            asked.push(s.to_owned());
        }
    }
    world
        .flow
        .vars
        .insert("refresh_asked".into(), asked.join(" "));
    let more = vec![("scope".to_owned(), asked.join(" "))];
    refresh_with(world, handle, None, more).await.map(|_| ())
}

/// What a token response granted: its access token's `scope` claim when it is a JWT
/// that has one, else the response's `scope`.
fn granted_scope(body: Option<&Value>) -> Option<Vec<String>> {
    let body = body?;
    let from_token = body
        .get("access_token")
        .and_then(Value::as_str)
        .and_then(|t| jwt::Jwt::decode(t).ok())
        .and_then(|t| match t.claims.get("scope")? {
            Value::String(s) => Some(s.split(' ').map(str::to_owned).collect()),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        });
    from_token.or_else(|| {
        body.get("scope").and_then(Value::as_str).map(|s| {
            s.split(' ')
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        })
    })
}

#[then(regex = r"^the refresh (must|should) grant no scope beyond the grant's$")]
fn no_wider(world: &mut ConformanceWorld, word: String) -> StepResult {
    let granted = granted_scope(world.flow.tokens.first()).unwrap_or_default();
    let asked: Vec<String> = world
        .flow
        .vars
        .get("refresh_asked")
        .ok_or("the client has not asked for a wider scope")?
        .split(' ')
        .map(str::to_owned)
        .collect();
    let resp = world.last_response()?;
    let issued = if resp.status == 200 {
        granted_scope(resp.json().as_ref())
    } else {
        None
    };
    let check = refresh_checks::no_wider_scope(&granted, &asked, resp.status, issued);
    world.judge(&word, [check])
}

#[when(regex = r#"^the client refreshes with the token "([^"]+)"$"#)]
async fn refresh_with_literal(world: &mut ConformanceWorld, token: String) -> StepResult {
    refresh(world, token, None).await.map(|_| ())
}

#[when(regex = r#"^the client "([^"]+)" refreshes the other client's token$"#)]
async fn refresh_as(world: &mut ConformanceWorld, role: String) -> StepResult {
    let handle = world.flow.refresh_token(false)?;
    refresh(world, handle, Some(&role)).await.map(|_| ())
}

/// The refresh replaced the refresh token: RFC 9700 §4.14.2 for a public client whose
/// tokens are not sender-constrained (the harness binds none), or the product's rotation
/// setting the scenario names.
#[then(regex = r"^the refresh token (must|should) have been replaced by a new one$")]
fn rotated(world: &mut ConformanceWorld, word: String) -> StepResult {
    let tokens = &world.flow.refresh_tokens;
    let last_response_has = world
        .last_response()?
        .json()
        .is_some_and(|b| b.get("refresh_token").is_some());
    let (before, after) = match tokens.as_slice() {
        [.., b, a] if last_response_has => (Some(b.as_str()), Some(a.as_str())),
        [.., b] => (Some(b.as_str()), None),
        [] => (None, None),
    };
    let check =
        refresh_checks::refresh_token_rotated(before, after, world.rule_or(&RFC9700_ROTATION));
    world.judge(&word, [check])
}

/// The access token issued before a refresh still verifies and is still valid.
#[then(regex = r"^the first access token (must|should) still be valid by the server's clock$")]
async fn first_still_valid(world: &mut ConformanceWorld, word: String) -> StepResult {
    let raw = world
        .flow
        .tokens
        .first()
        .and_then(|t| t.get("access_token").and_then(Value::as_str))
        .ok_or("no access token")?
        .to_owned();
    let token = jwt::Jwt::decode(&raw).map_err(StepFailure)?;
    let now = world.server_now().await?;
    let leeway = world.clock_leeway()?;
    let jwks = world.jwks().await?;
    let mut still_valid = jwt::valid_now(&token, now, leeway);
    still_valid.rule = world.rule_or(&IS4_REFRESH_KEEPS_ACCESS_TOKEN);
    world.judge(
        &word,
        [
            still_valid,
            jwt::signature_verifies(&token, &jwks, None, &RFC9068_SIGNATURE),
        ],
    )
}

/// The sliding and absolute refresh lifetimes the target declares for the client.
fn declared_refresh_lifetimes(world: &ConformanceWorld) -> Result<(u64, u64), StepFailure> {
    let l = world.client()?.lifetimes;
    match (l.sliding_refresh, l.absolute_refresh) {
        (Some(s), Some(a)) if s > 0 => Ok((s, a)),
        _ => Err(StepFailure::skip(
            "the target file declares no sliding and absolute refresh lifetimes for this client",
        )),
    }
}

#[when(
    "the client keeps refreshing just within the sliding lifetime until the absolute lifetime has passed"
)]
async fn journey(world: &mut ConformanceWorld) -> StepResult {
    let (sliding, absolute) = declared_refresh_lifetimes(world)?;
    // A refresh a minute (or a tenth of the lifetime) before each sliding expiry.
    let interval = sliding - (sliding / 10).clamp(1, 60);
    let mut elapsed = 0;
    let mut legs: Vec<Leg> = Vec::new();
    while elapsed <= absolute + interval {
        flow::advance(world, interval).await?;
        elapsed += interval;
        let handle = world.flow.refresh_token(false)?;
        let status = refresh(world, handle, None).await?;
        legs.push((elapsed, status));
        if status != 200 {
            break;
        }
    }
    world.flow.journey = legs;
    Ok(())
}

#[then(
    regex = r#"^every refresh within the absolute lifetime (must|should) succeed and the first one after it fail with "([a-z_]+)"$"#
)]
fn journey_outcome(world: &mut ConformanceWorld, word: String, error: String) -> StepResult {
    let (_, absolute) = declared_refresh_lifetimes(world)?;
    let legs = world.flow.journey.clone();
    let got = world
        .last_response()
        .ok()
        .and_then(|r| r.json())
        .and_then(|b| b.get("error").and_then(Value::as_str).map(str::to_owned));
    world.judge(
        &word,
        [
            refresh_checks::sliding_refreshes_succeed(&legs, absolute),
            refresh_checks::absolute_lifetime_enforced(&legs, absolute, &error, got.as_deref()),
        ],
    )
}
