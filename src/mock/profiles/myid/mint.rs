//! Minting MyID's tokens: the access token and id_token the auth server would issue
//! the named client, through the same claim builders its endpoints use.

use serde_json::Value;

use super::auth::{oidc, tokens};
use crate::mock::AUTH_BASE;
use crate::mock::config::Client;
use crate::mock::mint::{Mint, MintError};
use crate::mock::state::AppState;
use crate::mock::store::Subject;
use crate::protocol::handle::random_hex;
use crate::protocol::jwt::ACCESS_TOKEN_TYP;

/// MyID's issuer: the configured authority, or the auth server's URL, lower-cased as
/// IdentityServer writes it.
pub(crate) fn issuer(state: &AppState, base: &str) -> String {
    state
        .authority()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{base}{AUTH_BASE}").to_lowercase())
}

fn client<'a>(state: &'a AppState, mint: &Mint) -> Result<&'a Client, MintError> {
    state
        .config
        .auth
        .clients
        .find_enabled(&mint.client_id)
        .ok_or_else(|| MintError::UnknownClient(mint.client_id.clone()))
}

/// A signed-in person as the login page would make them: signed in now, with a
/// password, at the local identity provider, in a new session.
fn subject(state: &AppState, sub: &str) -> Subject {
    let username = state
        .config
        .auth
        .users
        .iter()
        .find(|u| u.subject_id.eq_ignore_ascii_case(sub))
        .map_or_else(|| sub.to_owned(), |u| u.username.clone());
    Subject {
        sub: sub.to_owned(),
        username,
        auth_time: state.clock.now(),
        idp: "local".into(),
        amr: vec!["pwd".into()],
        sid: random_hex(16),
    }
}

pub(crate) fn access_token(state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
    let client = client(state, mint)?;
    let subject = mint.subject.as_deref().map(|s| subject(state, s));
    let resources = &state.config.auth.resources;
    let scopes = mint.scopes_or(|| {
        client
            .allowed_scopes
            .iter()
            .filter(|s| subject.is_some() || resources.is_api_scope(s))
            .cloned()
            .collect()
    });
    let claims = tokens::claims(
        state,
        client,
        &crate::protocol::Scopes::from_names(scopes),
        &issuer(state, base),
        subject.as_ref(),
    );
    let Ok(Value::Object(mut map)) = serde_json::to_value(&claims) else {
        return Err(MintError::Signing);
    };
    mint.overlay(&mut map, state.clock.now());
    state
        .config
        .signing_key
        .sign(ACCESS_TOKEN_TYP, &map)
        .map_err(|_| MintError::Signing)
}

pub(crate) fn id_token(state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
    let client = client(state, mint)?;
    let sub = mint.subject.as_deref().ok_or_else(|| {
        MintError::Unsupported("an id_token is about a person: give Mint::subject".into())
    })?;
    let subject = subject(state, sub);
    let issuer = issuer(state, base);
    let t = oidc::IdToken {
        client,
        subject: &subject,
        nonce: mint.nonce.as_deref(),
        access_token: None,
        with_sid: true,
        issuer: &issuer,
    };
    let now = state.clock.now();
    let mut claims = oidc::id_claims(now, &t);
    mint.overlay(&mut claims, now);
    oidc::sign_id_token(state, &claims).map_err(|_| MintError::Signing)
}
