//! Steps for the ways an OpenID authentication request may be sent besides the plain
//! one (OpenID Connect Core §3.1.2.1, §5.4, §6): by POST, with a request object, with
//! the claim scopes the server offers.

use cucumber::{then, when};

use super::authorization_code::{
    default_params, go_authorize, outcome, p, send_to_authorize, with_openid,
};
use crate::harness::checks::authorize as checks;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::handle::random_hex;

/// OpenID Connect Core §3.1.2.1: the same request as a form POST.
#[when("the user signs in and authorizes the client with OpenID by POST")]
async fn authorize_openid_by_post(world: &mut ConformanceWorld) -> StepResult {
    let mut params = default_params(world, true, false)?;
    with_openid(world, &mut params);
    send_to_authorize(world, params, true).await
}

/// OpenID Connect Core §6: the request's parameters in an unsigned request object, by
/// value or by a `request_uri` (one the server cannot fetch, so it must refuse), with
/// the `state` in the object only; the query repeats the rest (Core §6.1 wants the
/// required parameters there too), so a server that ignores the object still sees a
/// whole request, and only the missing state tells.
#[when(
    regex = r"^the client sends the user to authorize with OpenID and a request object (by value|by reference)$"
)]
async fn authorize_with_request_object(world: &mut ConformanceWorld, how: String) -> StepResult {
    let mut params = default_params(world, true, false)?;
    with_openid(world, &mut params);
    let issuer = world
        .discovery()
        .await
        .ok()
        .and_then(|d| {
            d.get("issuer")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let state = random_hex(8);
    let mut claims = serde_json::Map::new();
    for (k, v) in &params {
        if k != "state" {
            claims.insert(k.clone(), serde_json::json!(v));
        }
    }
    claims.insert("state".into(), serde_json::json!(state));
    let client_id = world.client()?.client_id.to_string();
    claims.insert("iss".into(), serde_json::json!(client_id));
    claims.insert("aud".into(), serde_json::json!(issuer));
    // An unsigned JWT (RFC 7519 §6.1): alg none and an empty signature.
    let object = format!(
        "{}.{}.",
        crate::protocol::jwt::b64url(r#"{"alg":"none"}"#),
        crate::protocol::jwt::b64url(serde_json::Value::Object(claims).to_string())
    );
    params.retain(|(k, _)| k != "state");
    if how == "by value" {
        params.push(p("request", object));
    } else {
        params.push(p(
            "request_uri",
            "https://client.example/request-objects/1.jwt",
        ));
    }
    world.flow.vars.insert("request_object_state".into(), state);
    go_authorize(world, params).await
}

#[then(regex = r"^the request object (must|should) not have been ignored$")]
fn request_object_not_ignored(world: &mut ConformanceWorld, word: String) -> StepResult {
    let o = outcome(world)?;
    let state = world
        .flow
        .vars
        .get("request_object_state")
        .cloned()
        .ok_or("no request object was sent")?;
    world.judge(&word, [checks::request_object_not_ignored(&o, &state)])
}

/// An OpenID request for the claim scopes a `Given` step found offered, beside the
/// client's own; a server that keeps them from this client (invalid_scope, as its
/// policy may: RFC 6749 §3.3) leaves nothing to judge.
#[when("the user signs in and authorizes the client with OpenID and the claim scopes")]
async fn authorize_claim_scopes(world: &mut ConformanceWorld) -> StepResult {
    let claim_scopes = world
        .flow
        .vars
        .get("claim_scopes")
        .cloned()
        .ok_or("no claim scopes were chosen")?;
    let mut params = default_params(world, true, false)?;
    with_openid(world, &mut params);
    if let Some((_, scope)) = params.iter_mut().find(|(k, _)| k == "scope") {
        let mut words: Vec<&str> = scope.split(' ').collect();
        for s in claim_scopes.split(' ') {
            if !words.contains(&s) {
                words.push(s);
            }
        }
        *scope = words.join(" ");
    }
    go_authorize(world, params).await?;
    if outcome(world)?.param("error") == Some("invalid_scope") {
        return Err(StepFailure::skip(format!(
            "the server keeps the scopes {claim_scopes} from this client (invalid_scope)"
        )));
    }
    Ok(())
}
