//! Steps that judge the access token from the last token response.

use cucumber::then;
use serde_json::Value;

use super::severity;
use crate::harness::checks::jwt::{self, Jwt};
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};

/// The access token and `expires_in` of the last response. RFC 6749 §1.4 leaves the
/// token's format to the server, and RFC 9068 is a profile a server opts into (its
/// tokens say so with `typ: at+jwt`, §2.1): a token that is opaque, or a JWT that does
/// not declare the profile, skips the JWT access-token checks, unless the target
/// promises RFC 9068 tokens (MyID's manual verifies its tokens as such).
fn issued(world: &ConformanceWorld) -> Result<(Jwt, i64), StepFailure> {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let raw = body
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or("the last response has no access_token")?;
    let token = match Jwt::decode(raw) {
        Ok(t) => t,
        Err(e) if world.conn()?.profile.promises_rfc9068 => {
            return Err(format!("the access token is not a JWT: {e}").into());
        }
        Err(_) => {
            return Err(StepFailure::skip(
                "the access token is opaque (RFC 6749 §1.4 allows it): JWT access-token rules do not apply",
            ));
        }
    };
    if !world.conn()?.profile.promises_rfc9068 && !jwt::typ_is_at_jwt(&token).passed() {
        return Err(StepFailure::skip(format!(
            "the access token is a JWT of typ {} rather than an RFC 9068 one (at+jwt): its rules do not apply (set access_tokens = \"rfc9068\" if the server promises them)",
            token.header.get("typ").unwrap_or(&Value::Null)
        )));
    }
    let expires_in = body.get("expires_in").and_then(Value::as_i64).unwrap_or(-1);
    Ok((token, expires_in))
}

#[then(regex = r"^the access token (must|should) verify with a key published through discovery$")]
async fn verifies(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    let jwks = world.jwks().await?;
    world.judge(
        severity(&word)?,
        [
            jwt::alg_asymmetric(&token),
            jwt::signature_verifies(&token, &jwks),
        ],
    )
}

#[then(regex = r#"^the access token header (must|should) have typ "at\+jwt"$"#)]
fn typ(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    world.judge(severity(&word)?, [jwt::typ_is_at_jwt(&token)])
}

#[then(regex = r"^a refresh token (must|should) be issued$")]
fn refresh_issued(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        severity(&word)?,
        [crate::harness::checks::token::has_refresh_token(&r)],
    )
}

#[then(regex = r"^the access token (must|should) name the signed-in user in sub$")]
fn names_user(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    // RFC 9068 §2.2 requires sub; §2.2.1 makes auth_time and amr optional, and
    // IdentityServer always stamps them, with idp, on a signed-in user's token.
    world.judge(
        severity(&word)?,
        [
            jwt::required_claims(&token, &["sub"], "RFC9068-2.2"),
            jwt::required_claims(
                &token,
                &["auth_time", "idp", "amr"],
                "IS4-access-token-claims",
            ),
        ],
    )
}

#[then(regex = r#"^the access token (must|should) carry "([A-Za-z_]+)" = "([^"]*)"$"#)]
fn carries_claim(
    world: &mut ConformanceWorld,
    word: String,
    claim: String,
    value: String,
) -> StepResult {
    let value = super::expand(world, &value)?;
    let (token, _) = issued(world)?;
    // Only MyID's operation tokens name claims by value in the features (manual §6.1).
    world.judge(
        severity(&word)?,
        [jwt::claim_is(&token, &claim, &value, "MyID-6.1")],
    )
}

#[then(regex = r"^the access token (must|should) be issued by the discovery issuer$")]
async fn issuer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    let doc = world.discovery().await?;
    let iss = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    world.judge(severity(&word)?, [jwt::issuer_is(&token, &iss)])
}

#[then(regex = r#"^the access token audience (must|should) include "([^"]+)"$"#)]
fn audience(world: &mut ConformanceWorld, word: String, aud: String) -> StepResult {
    let aud = super::expand(world, &aud)?;
    let (token, _) = issued(world)?;
    world.judge(severity(&word)?, [jwt::audience_includes(&token, &aud)])
}

#[then(regex = r"^the access token (must|should) live exactly expires_in seconds$")]
fn lifetime(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, expires_in) = issued(world)?;
    world.judge(severity(&word)?, jwt::lifetime_matches(&token, expires_in))
}

#[then(regex = r"^the access token (must|should) be valid now by the server's clock$")]
async fn valid_now(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    let now = world.server_now().await?;
    let leeway = world.clock_leeway()?;
    world.judge(severity(&word)?, [jwt::valid_at(&token, now, leeway)])
}

#[then(regex = r"^the access token (must|should) name the client in client_id$")]
fn client_id(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    let id = world.client()?.client_id.to_string();
    world.judge(severity(&word)?, [jwt::client_id_is(&token, &id)])
}

#[then(regex = r"^the access token scope claim (must|should) list the granted scope$")]
fn scope_lists(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    let granted = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    world.judge(severity(&word)?, [jwt::scope_claim_lists(&token, &granted)])
}

#[then(regex = r"^the access token scope claim (must|should) be a space-delimited string$")]
fn scope_string(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = issued(world)?;
    world.judge(severity(&word)?, [jwt::scope_claim_is_string(&token)])
}

#[then(regex = r#"^the access token (must|should) carry the claims "([^"]+)"$"#)]
fn claims(world: &mut ConformanceWorld, word: String, names: String) -> StepResult {
    let (token, _) = issued(world)?;
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    world.judge(
        severity(&word)?,
        [jwt::required_claims(&token, &names, "RFC9068-2.2")],
    )
}
