//! Steps for signed assertions: the RFC 7523 §2.1 jwt-bearer grant (ClearID's second
//! way to a token), client authentication with one (`private_key_jwt`, RFC 7523 §2.2),
//! and ClearID's Identity Service. The client signs its assertion with the key the
//! target file names (`assertion_key_env`), by the server's clock; the variants break
//! one rule each.

use cucumber::{given, then, when};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::harness::checks::{clearid, http, jwt};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::clearid::{CLEARID_ALG, CLEARID_SECRET_IN_BODY};

/// RFC 7523 §2.1's grant type.
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How an assertion departs from a valid one.
enum Flaw {
    None,
    OtherKey,
    Audience(String),
    Expired,
    Issuer(String),
}

/// What an assertion is for: ClearID's grant (RS512 with the client's `kid`, ClearID's
/// documented shape) or client authentication (RS256, the default every server takes;
/// `aud` the token endpoint unless the target file names another).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Grant,
    ClientAuthentication,
}

/// Builds and signs the client's assertion (`iss` = `sub` = client id, `aud` the
/// target's, one hour long, a fresh `jti`) with `flaw`.
async fn assertion(world: &mut ConformanceWorld, flaw: &Flaw) -> Result<String, StepFailure> {
    assertion_for(world, flaw, Use::Grant).await
}

async fn assertion_for(
    world: &mut ConformanceWorld,
    flaw: &Flaw,
    purpose: Use,
) -> Result<String, StepFailure> {
    let client = world.client()?.clone();
    let key = client
        .assertion
        .clone()
        .ok_or_else(|| StepFailure::skip("the target file gives this client no assertion key"))?;
    let now = world.server_now().await?;
    let id = client.client_id.as_str().to_owned();
    let addressed = if key.audience.is_empty() && purpose == Use::ClientAuthentication {
        world.endpoint(Endpoint::Token)?
    } else {
        key.audience.clone()
    };
    let (start, issuer, audience) = match flaw {
        Flaw::Expired => (now - 7200, id.clone(), addressed),
        Flaw::Audience(a) => (now, id.clone(), a.clone()),
        Flaw::Issuer(i) => (now, i.clone(), addressed),
        Flaw::None | Flaw::OtherKey => (now, id.clone(), addressed),
    };
    let claims = json!({
        "sub": id, "jti": crate::protocol::handle::random_hex(16).to_lowercase(),
        "nbf": start, "exp": start + 3600, "iat": start, "iss": issuer, "aud": audience,
    });
    let mut header = Header::new(if purpose == Use::Grant {
        Algorithm::RS512
    } else {
        Algorithm::RS256
    });
    if purpose == Use::Grant {
        header.kid = Some(id);
    }
    header.typ = Some("JWT".into());
    let pem = match flaw {
        // A key the server never saw: the harness's own.
        Flaw::OtherKey => std::sync::Arc::new(super::api::FOREIGN_KEY.to_owned()),
        _ => key.pem,
    };
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes())
        .map_err(|e| format!("the assertion key is not an RSA private key: {e}"))?;
    jsonwebtoken::encode(&header, &claims, &encoding).map_err(|e| e.to_string().into())
}

async fn send_assertion(world: &mut ConformanceWorld, assertion: String) -> StepResult {
    world
        .flow
        .vars
        .insert("assertion".into(), assertion.clone());
    let id = world.client()?.client_id.as_str().to_owned();
    let params = [
        ("client_id".to_owned(), id),
        ("grant_type".to_owned(), JWT_BEARER.to_owned()),
        ("assertion".to_owned(), assertion),
    ];
    let spec = RequestSpec::form(world.endpoint(Endpoint::Token)?, &params);
    world.send(spec).await.map(|_| ())
}

#[when(
    regex = r#"^the client asks for a token with an assertion( signed with another key| that expired an hour ago| for the audience "[^"]*"| issued by "[^"]*")?$"#
)]
async fn with_assertion(world: &mut ConformanceWorld, flaw: String) -> StepResult {
    let quoted = || flaw.split('"').nth(1).unwrap_or_default().to_owned();
    let flaw = match flaw.as_str() {
        "" => Flaw::None,
        " signed with another key" => Flaw::OtherKey,
        " that expired an hour ago" => Flaw::Expired,
        f if f.starts_with(" for the audience") => Flaw::Audience(quoted()),
        _ => Flaw::Issuer(quoted()),
    };
    let signed = assertion(world, &flaw).await?;
    send_assertion(world, signed).await
}

#[when("the client sends the same assertion again")]
async fn same_again(world: &mut ConformanceWorld) -> StepResult {
    let used = world
        .flow
        .vars
        .get("assertion")
        .cloned()
        .ok_or("no assertion was sent before")?;
    send_assertion(world, used).await
}

/// RFC 7523 §2.2: a client-credentials request authenticated by the client's assertion.
async fn send_client_assertion(world: &mut ConformanceWorld, assertion: String) -> StepResult {
    world
        .flow
        .vars
        .insert("client_assertion".into(), assertion.clone());
    let client = world.client()?.clone();
    let params = [
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("scope".to_owned(), client.scope.clone()),
        ("client_id".to_owned(), client.client_id.as_str().to_owned()),
        (
            "client_assertion_type".to_owned(),
            JWT_BEARER_ASSERTION.to_owned(),
        ),
        ("client_assertion".to_owned(), assertion),
    ];
    let spec = RequestSpec::form(world.endpoint(Endpoint::Token)?, &params);
    world.send(spec).await.map(|_| ())
}

/// RFC 7523 §2.2's assertion type.
const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[when(
    regex = r#"^the client requests a token with a client assertion( signed with another key| that expired an hour ago| for the audience "[^"]*")?$"#
)]
async fn with_client_assertion(world: &mut ConformanceWorld, flaw: String) -> StepResult {
    let flaw = match flaw.as_str() {
        "" => Flaw::None,
        " signed with another key" => Flaw::OtherKey,
        " that expired an hour ago" => Flaw::Expired,
        f => Flaw::Audience(f.split('"').nth(1).unwrap_or_default().to_owned()),
    };
    let signed = assertion_for(world, &flaw, Use::ClientAuthentication).await?;
    send_client_assertion(world, signed).await
}

#[when("the client sends the same client assertion again")]
async fn same_client_assertion_again(world: &mut ConformanceWorld) -> StepResult {
    let used = world
        .flow
        .vars
        .get("client_assertion")
        .cloned()
        .ok_or("no client assertion was sent before")?;
    send_client_assertion(world, used).await
}

#[then(regex = r#"^the access token header (must|should) have alg "([A-Z0-9]+)"$"#)]
fn header_alg(world: &mut ConformanceWorld, word: String, alg: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [jwt::alg_is(&token, &alg, &CLEARID_ALG)])
}

#[then(regex = r"^the access token (must|should) live at most (\d+) seconds$")]
fn at_most(world: &mut ConformanceWorld, word: String, max: i64) -> StepResult {
    let (token, expires_in) = super::last_jwt(world)?;
    world.judge(&word, [clearid::lifetime_at_most(&token, expires_in, max)])
}

#[then(regex = r"^the access token account_id (must|should) be a string or an array of strings$")]
fn account_id(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [clearid::account_id_shape(&token)])
}

#[then(regex = r"^the access token claims (must|should) be in ClearID's order$")]
fn order(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [clearid::claim_order(&token)])
}

#[then(regex = r#"^the access token (must|should) carry amr "([a-z]+)"$"#)]
fn carries_amr(world: &mut ConformanceWorld, word: String, amr: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [clearid::amr_lists(&token, &amr)])
}

/// A token by client credentials with the secret in the body (ClearID's documented
/// way), kept for the API calls that follow whatever else the scenario sends.
#[given("the client holds an access token")]
async fn holds_token(world: &mut ConformanceWorld) -> StepResult {
    let client = world.client()?.clone();
    let params = [
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("client_id".to_owned(), client.client_id.as_str().to_owned()),
        (
            "client_secret".to_owned(),
            client
                .secret
                .as_ref()
                .map(|s| s.expose().to_owned())
                .unwrap_or_default(),
        ),
    ];
    let spec = RequestSpec::form(world.endpoint(Endpoint::Token)?, &params);
    world.send(spec).await?;
    let r = world.last_response()?.clone();
    world.require(None, [http::status(&r, 200, &CLEARID_SECRET_IN_BODY)])?;
    let token = r
        .json()
        .and_then(|v| v.get("access_token")?.as_str().map(str::to_owned))
        .ok_or("the token response has no access_token")?;
    world.flow.vars.insert("clearid.token".into(), token);
    Ok(())
}

/// The Identity Service's URL for an account's identities.
fn identities_url(world: &ConformanceWorld, account: Option<&str>) -> Result<String, StepFailure> {
    let conn = world.conn()?;
    let base = conn
        .profile
        .apis
        .get("identities")
        .cloned()
        .ok_or_else(|| StepFailure::skip("the target file names no identities API under [apis]"))?;
    let account = match account {
        Some(a) => a.to_owned(),
        None => world
            .client()?
            .account
            .clone()
            .ok_or_else(|| StepFailure::skip("the target file gives this client no account"))?,
    };
    Ok(format!("{base}/api/v2/accounts/{account}/identities"))
}

#[when(
    regex = r#"^the client lists the identities of (its account|the account "[^"]+") (with its access token|without a token)$"#
)]
async fn list_identities(world: &mut ConformanceWorld, which: String, how: String) -> StepResult {
    let token = match how.as_str() {
        "without a token" => None,
        _ => Some(
            world
                .flow
                .vars
                .get("clearid.token")
                .cloned()
                .ok_or("the client holds no access token")?,
        ),
    };
    let account = which.split('"').nth(1).map(str::to_owned);
    let mut spec = RequestSpec::get(identities_url(world, account.as_deref())?)
        .header("Accept", "application/json");
    if let Some(t) = token {
        spec = spec.header("Authorization", format!("Bearer {t}"));
    }
    world.send(spec).await.map(|_| ())
}

#[then("the identities must be listed")]
fn listed(world: &mut ConformanceWorld) -> StepResult {
    let r = world.last_response()?.clone();
    world.record([clearid::identities_listed(&r)])
}

#[then(regex = r"^the Identity Service (must|should) answer (401|403)$")]
fn api_refuses(world: &mut ConformanceWorld, word: String, status: u16) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [http::status(&r, status, rule)])
}
