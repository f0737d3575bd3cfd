//! Steps for what Beyond Identity documents of its tokens, userinfo and revocation.
//! They read the last token response's JWT whatever its `typ` (BI's is `JWT`, not RFC
//! 9068's `at+jwt`).

use cucumber::{then, when};
use serde_json::Value;

use super::expand;
use crate::harness::checks::{beyond_identity, introspection as resource, jwt, token, userinfo};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::beyond_identity::{
    BI_EXPIRATION_TIME, BI_ID_TOKEN, BI_LIFETIME, BI_OFFLINE_VALIDATION, BI_REFRESH_ENABLED,
};

#[then(
    regex = r"^the access token header (must|should) name its key set in jku and its key in kid$"
)]
async fn jku(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    let issuer = world.issuer()?;
    let jwks = world.jwks().await?;
    world.judge(
        &word,
        [
            beyond_identity::jku(&token, &issuer),
            jwt::signature_verifies(&token, &jwks, None, &BI_OFFLINE_VALIDATION),
        ],
    )
}

#[then(regex = r"^the access token audience (must|should) be an array naming the client$")]
fn aud(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    let id = world.client()?.client_id.as_str().to_owned();
    world.judge(&word, [beyond_identity::aud_array(&token, &id)])
}

#[then(regex = r#"^the access token (must|should) carry the bi claims of the grant "([a-z_]+)"$"#)]
fn bi(world: &mut ConformanceWorld, word: String, grant: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [beyond_identity::bi_claims(&token, &grant)])
}

/// How long the token lives: the request's expiration_time when it sent one, else the
/// application's Expires.
#[then(regex = r"^the access token (must|should) live (\d+) seconds$")]
fn lives(world: &mut ConformanceWorld, word: String, seconds: i64) -> StepResult {
    let (token, expires_in) = super::last_jwt(world)?;
    let asked = form_urlencoded::parse(&world.last_exchange()?.request.body)
        .any(|(k, _)| k == "expiration_time");
    let rule = if asked {
        &BI_EXPIRATION_TIME
    } else {
        &BI_LIFETIME
    };
    world.judge(
        &word,
        [beyond_identity::lifetime(&token, expires_in, seconds, rule)],
    )
}

#[then(regex = r#"^the access token (must|should) carry bi_custom (\{.*\})$"#)]
fn custom(world: &mut ConformanceWorld, word: String, expected: String) -> StepResult {
    let expected: Value = serde_json::from_str(&expand(world, &expected)?)
        .map_err(|e| format!("the expected bi_custom is not JSON: {e}"))?;
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [beyond_identity::bi_custom(&token, &expected)])
}

/// BI tells relying parties to cache the key set for the `max-age` it is served with.
#[then(regex = r"^the key set (must|should) say how long it may be cached$")]
fn cacheable(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [beyond_identity::jwks_max_age(r.header("cache-control"))],
    )
}

#[then(regex = r"^an id_token (must|should) be issued, signed with a key of the application$")]
async fn id_token(world: &mut ConformanceWorld, word: String) -> StepResult {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let issuer = world.issuer()?;
    let client_id = world.client()?.client_id.as_str().to_owned();
    let jwks = world.jwks().await?;
    let checks = match beyond_identity::bi_id_token(&body) {
        Ok(token) => vec![
            jwt::signature_verifies(&token, &jwks, None, &BI_ID_TOKEN),
            beyond_identity::bi_id_token_iss(&token, &issuer),
            beyond_identity::bi_id_token_aud(&token, &client_id),
        ],
        Err(broken) => vec![broken],
    };
    world.judge(&word, checks)
}

#[then(regex = r"^no id_token (must|should) be issued, as the code was asked without openid$")]
fn no_id_token(world: &mut ConformanceWorld, word: String) -> StepResult {
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    world.judge(&word, [beyond_identity::no_id_token_without_openid(&body)])
}

#[then(regex = r"^the access token (must|should) name the signed-in identity$")]
fn names_identity(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (token, _) = super::last_jwt(world)?;
    world.judge(&word, [beyond_identity::bi_p_identity(&token)])
}

/// BI issues refresh tokens only to applications with "Enable Refresh Tokens" on.
#[then(
    regex = r"^(a|no) refresh token (must|should) be issued, as the application has (enabled|not enabled) them$"
)]
fn refresh_enabled(world: &mut ConformanceWorld, a: String, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let check = if a == "a" {
        token::refresh_token_issued(&r, &BI_REFRESH_ENABLED)
    } else {
        token::no_refresh_token(&r, &BI_REFRESH_ENABLED)
    };
    world.judge(&word, [check])
}

#[when(regex = r#"^the client calls userinfo(?: of the client "([^"]+)")? with its access token$"#)]
async fn userinfo(world: &mut ConformanceWorld, of: String) -> StepResult {
    let token = world.flow.access_token(0)?;
    let role = Some(of.as_str()).filter(|r| !r.is_empty());
    let url = world.endpoint_for(role, Endpoint::Userinfo)?;
    let spec = RequestSpec::get(url).header("Authorization", format!("Bearer {token}"));
    world.send(spec).await.map(|_| ())
}

#[then(regex = r"^userinfo (must|should) name the access token's subject$")]
fn userinfo_names(world: &mut ConformanceWorld, word: String) -> StepResult {
    let token = world.flow.access_token(0)?;
    let sub = jwt::Jwt::decode(&token)
        .ok()
        .and_then(|t| {
            t.claims
                .get("sub")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [userinfo::userinfo_sub(
            r.status,
            r.json().as_ref(),
            &sub,
            rule,
        )],
    )
}

/// Userinfo refuses the token, for the reason the scenario names, with a Bearer
/// challenge (RFC 6750 §3).
#[then(regex = r"^userinfo (must|should) refuse the token$")]
fn userinfo_refuses(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [
            resource::resource_refused(&r, rule),
            resource::bearer_challenge(&r),
        ],
    )
}

/// A Management API token (audience `beyondidentity`): the target's `management`
/// client gets one by client credentials, with the scopes the target file gives it.
async fn management_token(world: &mut ConformanceWorld) -> Result<String, StepFailure> {
    let management = world.client_for(Some("management"))?;
    let url = world.endpoint_for(Some("management"), Endpoint::Token)?;
    let params = vec![
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("scope".to_owned(), management.scope.clone()),
    ];
    let spec = flow::with_client_auth(&management, url, params);
    world
        .send(spec)
        .await?
        .response()
        .ok()
        .and_then(|r| r.json())
        .and_then(|b| {
            b.get("access_token")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .ok_or_else(|| "the management client got no access token".into())
}

/// BI's Management API revokes any token of the tenant with a bearer token of scope
/// `tokens:delete`.
#[when("the Management API revokes the client's access token")]
async fn management_revokes(world: &mut ConformanceWorld) -> StepResult {
    let token = world.flow.access_token(0)?;
    let bearer = management_token(world).await?;
    let revoke = world.endpoint(Endpoint::Revocation)?;
    let spec = RequestSpec::form(revoke, &[("token".to_owned(), token)])
        .header("Authorization", format!("Bearer {bearer}"));
    world.send(spec).await.map(|_| ())
}

/// BI's realm introspects any token of the tenant for a bearer token of scope
/// `tokens:introspect`: the way to ask about a public application's tokens, which have
/// no secret to introspect with.
#[when(
    regex = r"^the Management API introspects the client's (access|refresh|first refresh) token$"
)]
async fn management_introspects(world: &mut ConformanceWorld, kind: String) -> StepResult {
    let token = match kind.as_str() {
        "access" => world.flow.access_token(0)?,
        "refresh" => world.flow.refresh_token(false)?,
        _ => world.flow.refresh_token(true)?,
    };
    let bearer = management_token(world).await?;
    let url = world.endpoint(Endpoint::Introspection)?;
    let spec = RequestSpec::form(url, &[("token".to_owned(), token)])
        .header("Authorization", format!("Bearer {bearer}"));
    world.send(spec).await.map(|_| ())
}

/// BI takes an application's own Basic credentials at `/revoke` only from OAuth2
/// applications; OIDC applications revoke with a Management API token.
#[then(regex = r"^the revocation (must|should) refuse the application's own credentials$")]
fn revocation_refuses_basic(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [beyond_identity::revoke_basic_refused(r.status)])
}
