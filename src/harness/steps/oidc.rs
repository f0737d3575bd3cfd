//! Steps for OpenID Connect: the identity token, userinfo, logout, and the endpoints
//! the metadata names.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::Value;

use crate::harness::checks::introspection as resource;
use crate::harness::checks::jwt::{self, Jwt};
use crate::harness::checks::{oidc, session, userinfo};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::target::LoginDriver;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::handle::random_hex;
use crate::protocol::rules::identityserver::IS4_REFRESH_ID_TOKEN;
use crate::protocol::rules::oauth::RFC7009_ACCESS_TOKEN_REVOKED;
use crate::protocol::rules::openid::{OIDC_ID_TOKEN_SIGNED, OIDC_USERINFO_SUB};

/// The newest token response's id_token.
fn id_token(world: &ConformanceWorld) -> Result<Jwt, StepFailure> {
    let body = world
        .flow
        .tokens
        .last()
        .ok_or("no token has been issued in this scenario")?;
    oidc::id_token_of(body).map_err(StepFailure)
}

/// The first and the newest id_tokens of the scenario.
fn first_and_last_id_tokens(world: &ConformanceWorld) -> Result<(Jwt, Jwt), StepFailure> {
    let tokens: Vec<Jwt> = world
        .flow
        .tokens
        .iter()
        .filter_map(|t| oidc::id_token_of(t).ok())
        .collect();
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) if tokens.len() > 1 => Ok((a.clone(), b.clone())),
        _ => Err("this step needs two id_tokens in the scenario".into()),
    }
}

/// OpenID Connect Core §3.1.2.1, prompt=login: the sign-in form was shown again.
#[then(regex = r"^the user (must|should) have been asked to sign in again$")]
fn asked_again(world: &mut ConformanceWorld, word: String) -> StepResult {
    let check = session::asked_to_sign_in(&world.flow.sign_in);
    world.judge(&word, [check])
}

#[then(regex = r"^the new id_token's auth_time (must|should) be later than the first$")]
fn later_auth_time(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (first, last) = first_and_last_id_tokens(world)?;
    world.judge(&word, [session::signed_in_again(&first, &last)])
}

/// prompt=none with a session: straight back to the client.
#[then(regex = r"^the user (must|should) have been shown nothing$")]
fn shown_nothing(world: &mut ConformanceWorld, word: String) -> StepResult {
    let check = session::nothing_shown(&world.flow.sign_in);
    world.judge(&word, [check])
}

/// The user goes to their other browser (a new one the first time), with its own
/// session at the server.
#[when(regex = r"^the user (?:opens another browser|goes back to the first browser)$")]
fn other_browser(world: &mut ConformanceWorld) -> StepResult {
    world.switch_browser()
}

#[then(regex = r"^the two sign-ins (must|should) be two sessions$")]
fn two_sessions(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (first, last) = first_and_last_id_tokens(world)?;
    world.judge(&word, [session::separate_sessions(&first, &last)])
}

#[then(regex = r"^the new id_token's auth_time (must|should) be the first's$")]
fn same_auth_time(world: &mut ConformanceWorld, word: String) -> StepResult {
    let (first, last) = first_and_last_id_tokens(world)?;
    world.judge(&word, [session::auth_time_kept(&first, &last)])
}

#[then(regex = r"^an id_token (must|should) be issued$")]
fn issued(world: &mut ConformanceWorld, word: String) -> StepResult {
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    world.require(Some(&word), [oidc::id_token_issued(&body)])
}

/// A refresh need not bring an id_token (OpenID Connect Core §12.2); IdentityServer's
/// refresh of an OpenID grant does.
#[then(regex = r"^a new id_token (must|should) come with the refresh$")]
fn issued_on_refresh(world: &mut ConformanceWorld, word: String) -> StepResult {
    let body = world.last_response()?.json().unwrap_or(Value::Null);
    let mut check = oidc::id_token_issued(&body);
    check.rule = &IS4_REFRESH_ID_TOKEN;
    world.require(Some(&word), [check])
}

/// OpenID Connect Core §2 and §3.1.3.7: issued for this client by this issuer, signed
/// (with a published key, or the client's secret for an HMAC), naming the user, current,
/// with the access token's hash and the request's nonce.
#[then(regex = r"^the id_token (must|should) be valid for the client$")]
async fn valid(world: &mut ConformanceWorld, word: String) -> StepResult {
    let token = id_token(world)?;
    let doc = world.discovery().await?;
    let issuer = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let jwks = world.jwks().await?;
    let client = world.client()?.clone();
    let now = world.server_now().await?;
    let leeway = world.clock_leeway()?;
    let access = world.flow.access_token(0)?;
    let secret = client.secret.as_ref().map(|s| s.expose().to_owned());
    let mut checks = vec![
        oidc::id_token_for_client(&token, &issuer, client.client_id.as_str()),
        jwt::signature_verifies(&token, &jwks, secret.as_deref(), &OIDC_ID_TOKEN_SIGNED),
        oidc::id_token_sub(&token),
        oidc::id_token_current(&token, now, leeway),
        oidc::at_hash(&token, &access),
        oidc::id_token_kid(&token, &jwks),
        oidc::id_token_default_alg(&token),
    ];
    // An auth_time, asked for or not, is the time of a sign-in of this scenario (a
    // placeholder such as 0 is a flaw seen on real servers).
    if token.claims.get("auth_time").is_some() {
        let from = world.flow.authorize_sent.first().copied().unwrap_or(now);
        checks.push(oidc::id_token_auth_time(
            &token,
            (from - leeway, now + leeway),
        ));
    }
    // The nonce belongs to the sign-in's token; one from a refresh need not repeat it.
    if let Some(nonce) = world
        .flow
        .vars
        .get("nonce")
        .filter(|_| world.flow.tokens.len() == 1)
    {
        checks.push(oidc::id_token_nonce(&token, nonce));
    }
    world.judge(&word, checks)
}

#[then(regex = r"^the id_token (must|should) carry IdentityServer's session claims$")]
fn is4_claims(world: &mut ConformanceWorld, word: String) -> StepResult {
    let token = id_token(world)?;
    world.judge(&word, [oidc::id_token_identityserver_claims(&token)])
}

/// `auth_time` is the time of a sign-in of this scenario: from the first authorize
/// request it sent to now, by the server's clock.
#[then(regex = r"^the id_token (must|should) carry auth_time$")]
async fn auth_time(world: &mut ConformanceWorld, word: String) -> StepResult {
    let token = id_token(world)?;
    let now = world.server_now().await?;
    let leeway = world.clock_leeway()?;
    let from = world.flow.authorize_sent.first().copied().unwrap_or(now);
    world.judge(
        &word,
        [oidc::id_token_auth_time(
            &token,
            (from - leeway, now + leeway),
        )],
    )
}

#[then(regex = r"^the client (must|should) receive a session_state$")]
fn session_state(world: &mut ConformanceWorld, word: String) -> StepResult {
    let value = world
        .flow
        .outcome
        .as_ref()
        .and_then(|o| o.param("session_state"))
        .map(str::to_owned);
    world.judge(&word, [oidc::session_state(value.as_deref())])
}

#[then(regex = r"^userinfo (must|should) name the id_token's subject$")]
fn userinfo_sub(world: &mut ConformanceWorld, word: String) -> StepResult {
    let sub = id_token(world)?
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let r = world.last_response()?.clone();
    let rule = world.rule_or(&OIDC_USERINFO_SUB);
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

/// OpenID Connect Core §5.3.1: userinfo by POST, the token in the header.
#[when("the client calls userinfo by POST with its access token")]
async fn userinfo_by_post(world: &mut ConformanceWorld) -> StepResult {
    let token = world.flow.access_token(0)?;
    let url = world.endpoint(Endpoint::Userinfo)?;
    // No body at all: an empty form is, to some servers, a form of no content type.
    let spec = RequestSpec {
        method: reqwest::Method::POST,
        url,
        headers: vec![("Authorization".into(), format!("Bearer {token}"))],
        body: Vec::new(),
    };
    world.send(spec).await.map(|_| ())
}

/// Userinfo refused the token, as the scenario's rule wants: how it refused is judged
/// where refusing is the point.
#[then(regex = r"^userinfo (must|should) no longer take the token$")]
fn userinfo_no_longer(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(&word, [resource::resource_refused(&r, rule)])
}

/// The claim scopes of `wanted` the metadata offers, remembered for the check; none
/// offered skips (a provider offers the scopes it has claims for).
#[given(regex = r#"^the claim scopes "([a-z ]+)" the server offers$"#)]
async fn offered_claim_scopes(world: &mut ConformanceWorld, wanted: String) -> StepResult {
    let doc = world.discovery().await?;
    let offered: Vec<&str> = doc
        .get("scopes_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let scopes: Vec<&str> = wanted.split(' ').filter(|s| offered.contains(s)).collect();
    if scopes.is_empty() {
        return Err(StepFailure::skip(format!(
            "the metadata offers none of the scopes {wanted}"
        )));
    }
    world
        .flow
        .vars
        .insert("claim_scopes".into(), scopes.join(" "));
    Ok(())
}

#[then(regex = r"^userinfo (must|should) carry claims of each claim scope$")]
fn claims_of_scopes(world: &mut ConformanceWorld, word: String) -> StepResult {
    let scopes: Vec<String> = world
        .flow
        .vars
        .get("claim_scopes")
        .ok_or("no claim scopes were asked for")?
        .split(' ')
        .map(str::to_owned)
        .collect();
    let r = world.last_response()?.clone();
    world.judge(&word, [userinfo::scope_claims(r.json().as_ref(), &scopes)])
}

/// RFC 7009 §2: a revoked access token is refused from then on (SHOULD: a server may
/// revoke only refresh tokens).
#[then(regex = r"^userinfo (must|should) no longer take the revoked token$")]
fn userinfo_refuses_revoked(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [resource::resource_refused(
            &r,
            &RFC7009_ACCESS_TOKEN_REVOKED,
        )],
    )
}

#[then(regex = r"^userinfo's standard claims (must|should) have the types Core gives$")]
fn claim_types(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [userinfo::standard_claim_types(r.json().as_ref())])
}

#[then(regex = r"^userinfo (must|should) answer with JSON$")]
fn userinfo_json(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [userinfo::userinfo_json(&r)])
}

#[then(regex = r#"^userinfo (must|should) carry "([a-z_]+)" = "([^"]*)"$"#)]
fn userinfo_claim(
    world: &mut ConformanceWorld,
    word: String,
    claim: String,
    value: String,
) -> StepResult {
    let r = world.last_response()?.clone();
    let rule = world.rule()?;
    world.judge(
        &word,
        [userinfo::userinfo_claim(
            r.json().as_ref(),
            &claim,
            &value,
            rule,
        )],
    )
}

/// RP-Initiated Logout §2: the browser goes to the end-session endpoint with the
/// id_token as hint, the client's registered post-logout redirect URI and a state;
/// any confirmation the server asks for is given.
#[when(regex = r"^the user logs out with the (first )?id_token$")]
async fn logout(world: &mut ConformanceWorld, first: String) -> StepResult {
    if first.is_empty() {
        return log_out(world, Vec::new()).await;
    }
    let (first, _) = first_and_last_id_tokens(world)?;
    log_out(world, vec![("id_token_hint".to_owned(), first.raw)]).await
}

/// The same logout with some of its parameters replaced (`<absent>` removes one).
#[when("the user logs out with:")]
async fn logout_with(world: &mut ConformanceWorld, step: &Step) -> StepResult {
    let overrides = super::table_params(world, step)?;
    log_out(world, overrides).await
}

async fn log_out(world: &mut ConformanceWorld, overrides: Vec<(String, String)>) -> StepResult {
    let hint = id_token(world)?.raw;
    let client = world.client()?.clone();
    let back = client.post_logout_redirect_uri.clone().ok_or_else(|| {
        StepFailure::skip("the target file gives this client no post_logout_redirect_uri")
    })?;
    let state = random_hex(8).to_lowercase();
    world.flow.vars.insert("logout_state".into(), state.clone());
    let params = super::with_overrides(
        vec![
            ("id_token_hint".to_owned(), hint),
            ("post_logout_redirect_uri".to_owned(), back.clone()),
            ("state".to_owned(), state),
        ],
        overrides,
    );
    let sent = params
        .iter()
        .find(|(k, _)| k == "post_logout_redirect_uri")
        .map_or(back, |(_, v)| v.clone());
    world
        .flow
        .vars
        .insert("logout_sent_to".into(), sent.clone());
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let base = world.endpoint(Endpoint::EndSession)?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let driver = LoginDriver::Form {
        fields: Vec::new(),
        submit: None,
        max_steps: 2,
    };
    let outcome =
        flow::authorize_with(world, format!("{base}{sep}{query}"), &sent, &driver).await?;
    world.flow.outcome = Some(outcome);
    Ok(())
}

/// RP-Initiated Logout §3: no way to the URI the logout named, when the scenario sent
/// one that must not be honoured.
#[then(regex = r"^the user (must|should) not be led to the post-logout URI sent$")]
fn not_led(world: &mut ConformanceWorld, word: String) -> StepResult {
    let sent = world
        .flow
        .vars
        .get("logout_sent_to")
        .cloned()
        .ok_or("the user has not logged out")?;
    let outcome = world.flow.outcome.clone();
    world.judge(&word, [session::not_led_to(outcome.as_ref(), &sent)])
}

/// RP-Initiated Logout §3: the user is sent back to the registered URI with the state
/// (IdentityServer's logged-out page offers it as a link instead of redirecting).
#[then(
    regex = r"^the user (must|should) be led back to the post-logout redirect URI with the state$"
)]
fn led_back(world: &mut ConformanceWorld, word: String) -> StepResult {
    let back = world
        .client()?
        .post_logout_redirect_uri
        .clone()
        .unwrap_or_default();
    let state = world
        .flow
        .vars
        .get("logout_state")
        .cloned()
        .unwrap_or_default();
    let outcome = world.flow.outcome.clone();
    world.judge(
        &word,
        [oidc::post_logout_redirect(outcome.as_ref(), &back, &state)],
    )
}

/// Every endpoint the discovery document names answers there.
#[then(regex = r"^every endpoint the metadata names (must|should) be served$")]
async fn all_served(world: &mut ConformanceWorld, word: String) -> StepResult {
    let doc = world.discovery().await?;
    let named: Vec<(String, String)> = doc
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| {
                    k.ends_with("_endpoint") || *k == "check_session_iframe" || *k == "jwks_uri"
                })
                .filter_map(|(k, v)| v.as_str().map(|u| (k.clone(), u.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let mut checks = Vec::new();
    for (member, url) in named {
        // A GET first; an endpoint for POSTs only may not route a GET at all, so a 404
        // or 405 is asked again as an (empty) form post before it counts.
        let mut status = world
            .send(RequestSpec::get(url.clone()))
            .await?
            .response()
            .map(|r| r.status)
            .unwrap_or(0);
        if matches!(status, 404 | 405) {
            let posted = world
                .send(RequestSpec::form(url.clone(), &[]))
                .await?
                .response()
                .map(|r| r.status)
                .unwrap_or(0);
            if posted != 404 {
                status = posted;
            }
        }
        checks.push(oidc::metadata_endpoint_served(&member, &url, status));
    }
    world.judge(&word, checks)
}
