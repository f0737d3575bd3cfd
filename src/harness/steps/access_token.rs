//! Steps that judge the access token from the last token response.

use cucumber::then;
use serde_json::Value;

use crate::harness::checks::Check;
use crate::harness::checks::jwt::{self, Jwt};
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::identityserver::IS4_USER_CLAIMS;
use crate::protocol::rules::oauth::{RFC9068_CLAIMS, RFC9068_SIGNATURE};

/// The access token and `expires_in` of the last response, when it is a JWT the RFC
/// 9068 rules judge; `Err` is the check that says why not (not judged, or broken where
/// the target promises RFC 9068 tokens), which the step records instead.
fn issued(world: &ConformanceWorld) -> Result<Result<(Jwt, i64), Check>, StepFailure> {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    Ok(jwt::jwt_access_token(
        &body,
        world.conn()?.profile.promises_rfc9068,
    ))
}

/// Runs `checks` on the issued JWT access token, or records why they cannot run.
macro_rules! with_token {
    ($world:ident, $word:expr, |$token:ident, $expires_in:ident| $checks:expr) => {
        match issued($world)? {
            Ok(($token, $expires_in)) => {
                let _ = $expires_in;
                let checks = $checks;
                $world.judge($word, checks)
            }
            Err(premise) => $world.record([premise]),
        }
    };
}

#[then(regex = r"^the access token (must|should) verify with a key published through discovery$")]
async fn verifies(world: &mut ConformanceWorld, word: String) -> StepResult {
    let jwks = world.jwks().await?;
    with_token!(world, &word, |token, _e| [
        jwt::signature_verifies(&token, &jwks, None, &RFC9068_SIGNATURE),
        jwt::alg_signed(&token),
        jwt::alg_asymmetric(&token),
    ])
}

#[then(regex = r#"^the access token header (must|should) have typ "at\+jwt"$"#)]
fn typ(world: &mut ConformanceWorld, word: String) -> StepResult {
    with_token!(world, &word, |token, _e| [jwt::typ_at_jwt(&token)])
}

/// A refresh token came: the requirement the scenario tests says one is due
/// (IdentityServer's for offline access, rotation's for a public client, a product's).
#[then(regex = r"^a refresh token (must|should) be issued$")]
fn refresh_issued(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [crate::harness::checks::token::refresh_token_issued(
            &r, rule,
        )],
    )
}

#[then(regex = r"^the access token (must|should) name the signed-in user in sub$")]
fn names_user(world: &mut ConformanceWorld, word: String) -> StepResult {
    // RFC 9068 §2.2 requires sub; §2.2.1 makes auth_time and amr optional, and
    // IdentityServer always stamps them, with idp, on a signed-in user's token.
    with_token!(world, &word, |token, _e| [
        jwt::required_claims(&token, &["sub"], &RFC9068_CLAIMS),
        jwt::required_claims(&token, &["auth_time", "idp", "amr"], &IS4_USER_CLAIMS),
    ])
}

/// A claim by value: the scenario's requirement says what it holds (MyID's operation
/// tokens, manual §6.1).
#[then(regex = r#"^the access token (must|should) carry "([A-Za-z_]+)" = "([^"]*)"$"#)]
fn carries_claim(
    world: &mut ConformanceWorld,
    word: String,
    claim: String,
    value: String,
) -> StepResult {
    let value = super::expand(world, &value)?;
    let rule = world.rule()?;
    with_token!(world, &word, |token, _e| [jwt::claim_is(
        &token, &claim, &value, rule
    )])
}

#[then(regex = r"^the access token (must|should) be issued by the discovery issuer$")]
async fn issuer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = world.discovery().await?;
    let iss = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    with_token!(world, &word, |token, _e| [jwt::iss_is_issuer(&token, &iss)])
}

/// `{audience}` is the target file's audience for the client; a target that gives none
/// leaves the rule not judged and shows the `aud` the server issued.
#[then(regex = r#"^the access token audience (must|should) include "([^"]+)"$"#)]
fn audience(world: &mut ConformanceWorld, word: String, aud: String) -> StepResult {
    let aud = if aud == "{audience}" {
        world.client()?.audience.clone()
    } else {
        Some(super::expand(world, &aud)?)
    };
    with_token!(world, &word, |token, _e| [jwt::aud_includes(
        &token,
        aud.as_deref()
    )])
}

#[then(regex = r"^the access token (must|should) live exactly expires_in seconds$")]
fn lifetime(world: &mut ConformanceWorld, word: String) -> StepResult {
    with_token!(world, &word, |token, expires_in| [
        jwt::lifetime_matches_expires_in(&token, expires_in),
        jwt::lifetime_exact(&token, expires_in),
    ])
}

#[then(regex = r"^the access token (must|should) be valid now by the server's clock$")]
async fn valid_now(world: &mut ConformanceWorld, word: String) -> StepResult {
    let now = world.server_now().await?;
    let leeway = world.clock_leeway()?;
    with_token!(world, &word, |token, _e| [jwt::valid_now(
        &token, now, leeway
    )])
}

#[then(regex = r"^the access token (must|should) name the client in client_id$")]
fn client_id(world: &mut ConformanceWorld, word: String) -> StepResult {
    let id = world.client()?.client_id.to_string();
    with_token!(world, &word, |token, _e| [jwt::client_id_claim(
        &token, &id
    )])
}

#[then(regex = r"^the access token scope claim (must|should) list the granted scope$")]
fn scope_lists(world: &mut ConformanceWorld, word: String) -> StepResult {
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    let granted = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    with_token!(world, &word, |token, _e| [jwt::scope_claim(
        &token, &granted
    )])
}

#[then(regex = r"^the access token scope claim (must|should) be a space-delimited string$")]
fn scope_string(world: &mut ConformanceWorld, word: String) -> StepResult {
    with_token!(world, &word, |token, _e| [jwt::scope_claim_string(&token)])
}

#[then(regex = r#"^the access token (must|should) carry the claims "([^"]+)"$"#)]
fn claims(world: &mut ConformanceWorld, word: String, names: String) -> StepResult {
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    with_token!(world, &word, |token, _e| [jwt::required_claims(
        &token,
        &names,
        &RFC9068_CLAIMS
    )])
}
