//! Steps for the authorization-code flow: sending the user to /authorize, signing in,
//! and exchanging the code.

use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::{table_params, with_overrides};
use crate::harness::checks::Check;
use crate::harness::checks::authorize as checks;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow::{self, AuthorizeOutcome};
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::handle::random_hex;
use crate::protocol::pkce;
use crate::protocol::rules::oauth::{RFC6749_CODE_ISSUED, RFC6749_NO_REDIRECT};

/// `url` with `query` appended, after any query the server's endpoint already has.
fn with_query(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

pub(super) fn p(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

/// The default authorize parameters for the current client.
pub(super) fn default_params(
    world: &mut ConformanceWorld,
    pkce_on: bool,
    offline: bool,
) -> Result<Vec<(String, String)>, StepFailure> {
    let client = world.client()?.clone();
    let redirect_uri = client
        .redirect_uri
        .clone()
        .ok_or("the target file gives this client no redirect_uri")?;
    let scope = if offline {
        format!("{} offline_access", client.scope)
    } else {
        client.scope.clone()
    };
    let state = random_hex(8);
    let mut params = vec![
        p("client_id", client.client_id.as_str()),
        p("redirect_uri", &redirect_uri),
        p("response_type", "code"),
        p("scope", scope),
        p("state", &state),
    ];
    // OpenID Connect Core §11: offline access in an OpenID request is asked for with
    // prompt=consent.
    if offline && client.scope.split(' ').any(|s| s == "openid") {
        params.push(p("prompt", "consent"));
    }
    world.flow.state = Some(state);
    world.flow.redirect_uri = Some(redirect_uri);
    if pkce_on {
        let verifier = pkce::generate_verifier();
        params.push(p(
            "code_challenge",
            pkce::s256_challenge(&verifier).as_str(),
        ));
        params.push(p("code_challenge_method", "S256"));
        world.flow.verifier = Some(verifier);
    } else {
        world.flow.verifier = None;
    }
    Ok(params)
}

pub(super) async fn go_authorize(
    world: &mut ConformanceWorld,
    params: Vec<(String, String)>,
) -> StepResult {
    send_to_authorize(world, params, false).await
}

/// Sends the user to /authorize with `params`, in the query or (`post`) as a form.
pub(super) async fn send_to_authorize(
    world: &mut ConformanceWorld,
    params: Vec<(String, String)>,
    post: bool,
) -> StepResult {
    let sent = world.server_now().await?;
    world.flow.authorize_sent.push(sent);
    world.flow.state = params
        .iter()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.clone());
    let endpoint = world.endpoint(Endpoint::Authorization)?;
    let redirect_uri = world
        .flow
        .redirect_uri
        .clone()
        .or_else(|| world.client().ok().and_then(|c| c.redirect_uri.clone()))
        .ok_or("no redirect_uri for this client")?;
    let outcome = if post {
        flow::authorize_by_post(world, endpoint, &params, &redirect_uri).await?
    } else {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        flow::authorize(world, with_query(&endpoint, &query), &redirect_uri).await?
    };
    world.flow.outcome = Some(outcome);
    Ok(())
}

/// Makes the request an OpenID one: `openid` first in `scope` (OpenID Connect Core
/// §3.1.2.1) and a fresh `nonce`, remembered as `{nonce}`.
pub(super) fn with_openid(world: &mut ConformanceWorld, params: &mut Vec<(String, String)>) {
    if let Some((_, scope)) = params.iter_mut().find(|(k, _)| k == "scope")
        && !scope.split(' ').any(|s| s == "openid")
    {
        *scope = format!("openid {scope}").trim().to_owned();
    }
    let nonce = random_hex(12).to_lowercase();
    world.flow.vars.insert("nonce".into(), nonce.clone());
    params.push(p("nonce", nonce));
}

#[when(regex = r"^the user signs in and authorizes the client with OpenID( and offline access)?$")]
async fn authorize_openid(world: &mut ConformanceWorld, offline: String) -> StepResult {
    let mut params = default_params(world, true, !offline.is_empty())?;
    with_openid(world, &mut params);
    go_authorize(world, params).await
}

/// A plain OAuth request: the client's scope without `openid`.
#[when("the user signs in and authorizes the client without OpenID")]
async fn authorize_without_openid(world: &mut ConformanceWorld) -> StepResult {
    let mut params = default_params(world, true, false)?;
    if let Some((_, scope)) = params.iter_mut().find(|(k, _)| k == "scope") {
        *scope = scope
            .split(' ')
            .filter(|s| *s != "openid" && !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
    go_authorize(world, params).await
}

#[when("the client sends the user to authorize with OpenID and:")]
async fn authorize_openid_with(world: &mut ConformanceWorld, step: &Step) -> StepResult {
    let mut defaults = default_params(world, true, false)?;
    with_openid(world, &mut defaults);
    let overrides = table_params(world, step)?;
    go_authorize(world, with_overrides(defaults, overrides)).await
}

#[when(
    regex = r"^the user signs in and authorizes the client( with offline access)?( without PKCE)?$"
)]
async fn authorize(world: &mut ConformanceWorld, offline: String, no_pkce: String) -> StepResult {
    let params = default_params(world, no_pkce.is_empty(), !offline.is_empty())?;
    go_authorize(world, params).await
}

#[when(
    regex = r"^the user signs in and authorizes the client with a verifier of (\d+) characters$"
)]
async fn authorize_with_verifier_length(world: &mut ConformanceWorld, length: usize) -> StepResult {
    let mut params = default_params(world, true, false)?;
    // The challenge of a verifier of the wrong length: only the length can then fail.
    let verifier = crate::protocol::PkceVerifier::new("v".repeat(length));
    params.retain(|(k, _)| k != "code_challenge");
    params.push(p(
        "code_challenge",
        pkce::s256_challenge(&verifier).as_str(),
    ));
    world.flow.verifier = Some(verifier);
    go_authorize(world, params).await
}

#[when("the client sends the user to authorize with:")]
async fn authorize_with(world: &mut ConformanceWorld, step: &Step) -> StepResult {
    let defaults = default_params(world, true, false)?;
    let overrides = table_params(world, step)?;
    go_authorize(world, with_overrides(defaults, overrides)).await
}

#[when(regex = r#"^the user signs in with the password "([^"]*)"$"#)]
async fn sign_in_with_password(world: &mut ConformanceWorld, password: String) -> StepResult {
    let profile = world.conn()?.profile.clone();
    let Some(crate::harness::target::LoginDriver::Form { fields, submit, .. }) = &profile.login
    else {
        return Err("this step needs a form login driver".into());
    };
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case("password") {
                (k.clone(), password.clone())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let params = default_params(world, true, false)?;
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let url = with_query(&world.endpoint(Endpoint::Authorization)?, &query);
    let redirect_uri = world.flow.redirect_uri.clone().unwrap_or_default();
    // One form at most: a refused sign-in shows the form again, which must not be retried.
    let driver = crate::harness::target::LoginDriver::Form {
        fields,
        submit: submit.clone(),
        max_steps: 1,
    };
    let outcome = flow::authorize_with(world, url, &redirect_uri, &driver).await?;
    world.flow.outcome = Some(outcome);
    Ok(())
}

pub(super) fn outcome(world: &ConformanceWorld) -> Result<AuthorizeOutcome, StepFailure> {
    world
        .flow
        .outcome
        .clone()
        .ok_or_else(|| "the user has not been sent to authorize yet".into())
}

/// A code came back: RFC 6749 §4.1.2, or the requirement the scenario tests (a
/// consent page passed, a sign-in reused).
#[then(regex = r"^the client (must|should) receive an authorization code$")]
fn receives_code(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    let mut check = checks::code_delivered(&o);
    check.rule = world.rule_or(&RFC6749_CODE_ISSUED);
    world.judge(&word, [check])
}

#[then(regex = r"^the authorization code (must|should) be 64 uppercase hex characters$")]
fn code_format(world: &mut ConformanceWorld, word: String) -> StepResult {
    let code = world.flow.code()?;
    world.judge(&word, [checks::code_format(&code)])
}

/// RFC 6749 §10.10: the code cannot be guessed.
#[then(regex = r"^the authorization code (must|should) be long and random enough$")]
fn code_unguessable(world: &mut ConformanceWorld, word: String) -> StepResult {
    let code = world.flow.code()?;
    world.judge(
        &word,
        [crate::harness::checks::entropy::code_unguessable(&code)],
    )
}

/// RFC 9207: the response names the issuer rightly, when it names one or promised to.
#[then(regex = r"^the authorization response (must|should) name the issuer rightly$")]
async fn iss_right(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    let doc = world.discovery().await?;
    let issuer = doc
        .get("issuer")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let advertised = doc
        .get("authorization_response_iss_parameter_supported")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    world.judge(&word, [checks::iss_in_response(&o, &issuer, advertised)])
}

#[then(regex = r"^the state (must|should) come back unchanged$")]
fn state_back(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    let sent = world.flow.state.clone();
    world.judge(&word, [checks::state_echoed(&o, sent.as_deref())])
}

#[then(regex = r"^the user (must|should) not be sent to the client$")]
fn not_sent(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    let rule = world.rule_or(&RFC6749_NO_REDIRECT);
    world.judge(&word, [checks::not_sent_to_client(&o, rule)])
}

#[then(regex = r"^the user (must|should) stay on the sign-in form$")]
fn stays_on_sign_in(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    world.judge(&word, [checks::stays_on_sign_in(&o)])
}

#[then(
    regex = r#"^the user (must|should) be sent to the client with the error "([a-z_]+)"(?: or "([a-z_]+)")?$"#
)]
fn sent_with_error(
    world: &mut ConformanceWorld,
    word: String,
    error: String,
    alternative: String,
) -> StepResult {
    let o = outcome(world)?;
    let allowed = allowed_errors(&error, &alternative);
    let found = checks::error_sent_to_client(&o, &allowed, world.rule()?);
    let found = with_state_echo(world, &o, found);
    world.judge(&word, found)
}

/// RFC 6749 §4.1.2.1 with RFC 9700 §4.11.2: an invalid request goes back to the
/// client with the error, or stops at the server's own page; either way, no code.
#[then(
    regex = r#"^the authorization request (must|should) be refused with the error "([a-z_]+)"(?: or "([a-z_]+)")?$"#
)]
fn authorize_refused(
    world: &mut ConformanceWorld,
    word: String,
    error: String,
    alternative: String,
) -> StepResult {
    let o = outcome(world)?;
    let allowed = allowed_errors(&error, &alternative);
    let found = with_state_echo(world, &o, checks::authorize_refused(&o, &allowed));
    world.judge(&word, found)
}

/// The error a step names, and its alternative when it names a second one.
fn allowed_errors<'a>(error: &'a str, alternative: &'a str) -> Vec<&'a str> {
    let mut allowed = vec![error];
    if !alternative.is_empty() && alternative != error {
        allowed.push(alternative);
    }
    allowed
}

/// `finding`, and the state rule beside it once an error reached the client:
/// before that there is no redirect to carry the state back.
fn with_state_echo(world: &ConformanceWorld, o: &AuthorizeOutcome, finding: Check) -> Vec<Check> {
    let mut found = vec![finding];
    if o.param("error").is_some() {
        found.push(checks::state_echoed(o, world.flow.state.as_deref()));
    }
    found
}

#[then(regex = r#"^the error page (must|should) show "([a-z_]+)"$"#)]
fn error_page(world: &mut ConformanceWorld, word: String, error: String) -> StepResult {
    let o = outcome(world)?;
    // A login command reports where it stopped, not the page it stopped on.
    if matches!(o, AuthorizeOutcome::Page { status: 0, .. }) {
        return Err(StepFailure::skip(
            "the login command reports no page, so the error page cannot be read",
        ));
    }
    world.judge(&word, [checks::error_page_shows(&o, &error)])
}

/// Sends the code exchange and remembers a successful answer.
async fn exchange(
    world: &mut ConformanceWorld,
    role: Option<&str>,
    overrides: Vec<(String, String)>,
    in_body: bool,
) -> StepResult {
    let code = world.flow.code()?;
    let redirect_uri = world.flow.redirect_uri.clone().unwrap_or_default();
    let mut params = vec![
        p("grant_type", "authorization_code"),
        p("code", code),
        p("redirect_uri", redirect_uri),
    ];
    if let Some(v) = &world.flow.verifier {
        params.push(p("code_verifier", v.expose()));
    }
    let params = with_overrides(params, overrides);
    let client = world.client_for(role)?;
    let url = world.endpoint_for(role, Endpoint::Token)?;
    let spec = if in_body {
        crate::harness::client_auth::may_use(&client, crate::harness::target::AuthMethod::Post)?;
        flow::with_body_auth(&client, url, params)
    } else {
        flow::with_client_auth(&client, url, params)
    };
    let exchange = world.send(spec).await?;
    let body = exchange
        .response()
        .ok()
        .filter(|r| r.status == 200)
        .and_then(|r| r.json());
    if let Some(body) = body {
        world.flow.record(&body);
    }
    Ok(())
}

/// The sign-in and exchange of a scenario whose rule holds for any client that has a
/// refresh token: as `first`, or, when the server gives `first` none (many give
/// refresh tokens to confidential clients only, or refuse a public client offline
/// access), as `second`. Which client served, and why, is noted among the findings.
#[when(
    regex = r#"^the user signs in with offline access and the code is exchanged, as client "([^"]+)" or else "([^"]+)"$"#
)]
async fn sign_in_for_refresh(
    world: &mut ConformanceWorld,
    first: String,
    second: String,
) -> StepResult {
    world.use_role(&first)?;
    let params = default_params(world, true, true)?;
    go_authorize(world, params).await?;
    let got = if world.flow.code().is_ok() {
        exchange(world, None, Vec::new(), false).await?;
        world.flow.refresh_token(false).is_ok()
    } else {
        false
    };
    if got {
        return Ok(());
    }
    let has_second = world.conn()?.profile.clients.contains_key(&second);
    if !has_second {
        return Err(StepFailure::skip(format!(
            "client '{first}' got no refresh token, and the target defines no client role '{second}' to stand in"
        )));
    }
    let rule = world.rule()?;
    let stand_in = crate::harness::checks::refresh::client_role(rule, &first, &second);
    world.recorder().note(stand_in.detail.clone());
    world.record([stand_in])?;
    world.use_role(&second)?;
    let params = default_params(world, true, true)?;
    go_authorize(world, params).await?;
    exchange(world, None, Vec::new(), false).await
}

#[when(regex = r"^the client exchanges the code(?: again)?( with its credentials in the body)?$")]
async fn exchange_code(world: &mut ConformanceWorld, in_body: String) -> StepResult {
    exchange(world, None, Vec::new(), !in_body.is_empty()).await
}

#[when("the client exchanges the code with:")]
async fn exchange_code_with(world: &mut ConformanceWorld, step: &Step) -> StepResult {
    let overrides = table_params(world, step)?;
    exchange(world, None, overrides, false).await
}

#[when(regex = r#"^the client "([^"]+)" exchanges the code$"#)]
async fn exchange_as(world: &mut ConformanceWorld, role: String) -> StepResult {
    exchange(world, Some(&role), Vec::new(), false).await
}
