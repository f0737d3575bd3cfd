//! Steps for what Beyond Identity documents of its access tokens. They read the last
//! token response's JWT whatever its `typ` (BI's is `JWT`, not RFC 9068's `at+jwt`).

use cucumber::then;
use serde_json::Value;

use super::{expand, severity};
use crate::harness::checks::{beyond_identity, jwt};
use crate::harness::world::{ConformanceWorld, StepResult};

#[then(
    regex = r"^the access token header (must|should) name its key set in jku and its key in kid$"
)]
async fn jku(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    let issuer = world.conn()?.profile.issuer.clone();
    let jwks = world.jwks().await?;
    world.judge(
        severity(&word)?,
        [
            beyond_identity::jku_under_issuer(&token, &issuer),
            jwt::signature_verifies(&token, &jwks),
        ],
    )
}

#[then(regex = r"^the access token audience (must|should) be an array naming the client$")]
fn aud(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    let id = world.client()?.client_id.as_str().to_owned();
    world.judge(
        severity(&word)?,
        [beyond_identity::aud_array_naming(&token, &id)],
    )
}

#[then(regex = r#"^the access token (must|should) carry the bi claims of the grant "([a-z_]+)"$"#)]
fn bi(world: &mut ConformanceWorld, word: String, grant: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(
        severity(&word)?,
        [beyond_identity::bi_claims(&token, &grant)],
    )
}

#[then(regex = r"^the access token (must|should) live (\d+) seconds$")]
fn lives(world: &mut ConformanceWorld, word: String, seconds: i64) -> StepResult {
    let (token, expires_in) = super::last_jwt(world)?;
    world.judge(
        severity(&word)?,
        [beyond_identity::lives(&token, expires_in, seconds)],
    )
}

#[then(regex = r#"^the access token (must|should) carry bi_custom (\{.*\})$"#)]
fn custom(world: &mut ConformanceWorld, word: String, expected: String) -> StepResult {
    let expected: Value = serde_json::from_str(&expand(world, &expected)?)
        .map_err(|e| format!("the expected bi_custom is not JSON: {e}"))?;
    let (token, _) = super::last_jwt(world)?;
    world.judge(
        severity(&word)?,
        [beyond_identity::bi_custom(&token, &expected)],
    )
}

/// BI tells relying parties to cache the key set for the `max-age` it is served with.
#[then(regex = r"^the key set (must|should) say how long it may be cached$")]
fn cacheable(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let cc = r.header("cache-control").unwrap_or("").to_owned();
    let ok = cc
        .split(',')
        .filter_map(|d| d.trim().strip_prefix("max-age="))
        .any(|v| v.parse::<u64>().is_ok_and(|n| n > 0));
    let check = crate::harness::checks::Check::expect(
        "jwks_max_age",
        "BI-offline-validation",
        ok,
        cc.clone(),
        || format!("expected Cache-Control with a max-age, got '{cc}'"),
    );
    world.judge(severity(&word)?, [check])
}
