//! Steps for a licence pool (Jim2's): take every licence with the target's holder
//! roles, ask with the waiting role, log off, and let sessions run out. The pool is
//! described by the target file's `[licences]` section; without one these scenarios
//! skip.

use cucumber::{given, then, when};

use crate::harness::checks::{http, licences, token};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::target::Licences;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::basic;
use crate::protocol::rules::jim2::JIM2_TOKEN;

fn pool(world: &ConformanceWorld) -> Result<Licences, StepFailure> {
    world
        .conn()?
        .profile
        .licences
        .clone()
        .ok_or_else(|| StepFailure::skip("the target file declares no [licences]"))
}

/// The variable a role's latest access token is kept in.
fn token_var(role: &str) -> String {
    format!("licence.token.{role}")
}

/// `role` asks for a client-credentials token with HTTP Basic, with `scope` (none when
/// empty: Jim2 then grants `all`); its access token is remembered for logoff.
async fn ask(world: &mut ConformanceWorld, role: &str, scope: &str) -> StepResult {
    world.use_role(role)?;
    let client = world.client()?.clone();
    let mut params = vec![("grant_type".to_owned(), "client_credentials".to_owned())];
    if !scope.is_empty() {
        params.push(("scope".into(), scope.to_owned()));
    }
    let secret = client.secret.as_ref().map(|s| s.expose()).unwrap_or("");
    let spec = RequestSpec::form(world.endpoint(Endpoint::Token)?, &params).header(
        "Authorization",
        basic::encode(client.client_id.as_str(), secret),
    );
    let token = world
        .send(spec)
        .await?
        .response()
        .ok()
        .and_then(|r| r.json())
        .and_then(|v| v.get("access_token")?.as_str().map(str::to_owned));
    if let Some(token) = token {
        world.flow.vars.insert(token_var(role), token);
    }
    Ok(())
}

/// `role` asks with full access and must get a token: a precondition.
async fn hold(world: &mut ConformanceWorld, role: &str) -> StepResult {
    ask(world, role, "").await?;
    let r = world.last_response()?.clone();
    world.require(
        None,
        [
            http::status(&r, 200, &JIM2_TOKEN),
            token::access_token_present(&r),
        ],
    )
}

/// On a shared server the waiting client may still hold a licence from an earlier
/// scenario: it logs off first, with a view token (which needs no licence), and then
/// the holders take every licence. Assumed: logoff ends the client's session whatever
/// the scope of the token it is called with.
#[given("every licence is held")]
async fn every_licence_held(world: &mut ConformanceWorld) -> StepResult {
    let pool = pool(world)?;
    ask(world, &pool.waiting, "view").await?;
    if world.flow.vars.contains_key(&token_var(&pool.waiting)) {
        log_off(world, &pool.waiting).await?;
    }
    for role in &pool.holders {
        hold(world, role).await?;
    }
    Ok(())
}

#[when("every holder asks for a token again")]
async fn holders_again(world: &mut ConformanceWorld) -> StepResult {
    for role in pool(world)?.holders {
        hold(world, &role).await?;
    }
    Ok(())
}

#[when(regex = r#"^the client "([^"]+)" asks for a token with scope "([^"]*)"$"#)]
async fn ask_with_scope(world: &mut ConformanceWorld, role: String, scope: String) -> StepResult {
    ask(world, &role, &scope).await
}

#[when("the waiting client asks for a token with full access")]
async fn waiting_asks(world: &mut ConformanceWorld) -> StepResult {
    let role = pool(world)?.waiting;
    ask(world, &role, "").await
}

#[when("the waiting client asks for a view token")]
async fn waiting_asks_view(world: &mut ConformanceWorld) -> StepResult {
    let role = pool(world)?.waiting;
    ask(world, &role, "view").await
}

/// Jim2's `logoff` lives beside its token endpoint, under the same base (assumed: the
/// help names it without its page).
fn logoff_url(world: &ConformanceWorld) -> Result<String, StepFailure> {
    let token = world.endpoint(Endpoint::Token)?;
    token
        .strip_suffix("/token")
        .map(|base| format!("{base}/logoff"))
        .ok_or_else(|| StepFailure::skip("the token endpoint does not end in /token"))
}

async fn log_off(world: &mut ConformanceWorld, role: &str) -> StepResult {
    let token = world
        .flow
        .vars
        .get(&token_var(role))
        .cloned()
        .ok_or_else(|| format!("the client '{role}' holds no token to log off with"))?;
    let mut spec = RequestSpec::form(logoff_url(world)?, &[]);
    spec = spec.header("Authorization", format!("Bearer {token}"));
    world.send(spec).await.map(|_| ())
}

#[when("the first holder logs off")]
async fn first_logs_off(world: &mut ConformanceWorld) -> StepResult {
    let role = pool(world)?
        .holders
        .first()
        .cloned()
        .ok_or_else(|| StepFailure::skip("the pool has no licences"))?;
    log_off(world, &role).await
}

#[when("the first holder logs off again")]
async fn first_logs_off_again(world: &mut ConformanceWorld) -> StepResult {
    first_logs_off(world).await
}

#[then("the token must be refused for want of a licence")]
fn refused_for_want(world: &mut ConformanceWorld) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.record([licences::licence_refused(&r, rule)])
}

#[then(regex = r#"^the refusal (must|should) name the error "([a-z_]+)"$"#)]
fn refusal_error(world: &mut ConformanceWorld, word: String, error: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [licences::licence_error(&r, &error)])
}

#[then("the logoff must succeed")]
fn logoff_succeeds(world: &mut ConformanceWorld) -> StepResult {
    let r = world.last_response()?.clone();
    world.record([licences::logoff_accepted(&r)])
}

#[then(regex = r"^the logged-off token (must|should) be refused$")]
fn logged_off_refused(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [licences::logoff_ends_tokens(&r)])
}
