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

/// A refresh token of a grant made now for the subject: stored as the token endpoint
/// stores one (first lifetime, rotation, the access token it re-issues), so that the
/// refresh grant takes it exactly as one from a sign-in. [`Mint::lifetime`] replaces
/// the first lifetime; other claims given are not kept.
pub(crate) fn refresh_token(
    state: &AppState,
    base: &str,
    mint: &Mint,
) -> Result<String, MintError> {
    let client = client(state, mint)?;
    if !client.allow_offline_access {
        return Err(MintError::Unsupported(format!(
            "the client '{}' is not allowed offline access, so it gets no refresh tokens",
            client.client_id
        )));
    }
    let sub = mint.subject.as_deref().ok_or_else(|| {
        MintError::Unsupported("a refresh token is a signed-in person's: give Mint::subject".into())
    })?;
    let subject = subject(state, sub);
    let scopes = mint.scopes_or(|| {
        let mut all = client.allowed_scopes.clone();
        if !all.iter().any(|s| s == "offline_access") {
            all.push("offline_access".into());
        }
        all
    });
    let claims = tokens::claims(
        state,
        client,
        &crate::protocol::Scopes::from_names(scopes),
        &issuer(state, base),
        Some(&subject),
    );
    let handle = tokens::store_refresh(state, client, &random_hex(16), &claims);
    if let Some(lifetime) = mint.lifetime {
        state.store().set_refresh_lifetime(&handle, lifetime);
    }
    Ok(handle)
}

/// A client's code flow: the auth server's endpoints, its first redirect URI, and
/// every scope it may have (`offline_access` too when it is allowed offline access).
pub(crate) fn sign_in_client(
    state: &AppState,
    base: &str,
    client_id: &str,
) -> Option<crate::mock::sign_in::SignInClient> {
    let client = state.config.auth.clients.find_enabled(client_id)?;
    if !client.allows_grant("authorization_code") {
        return None;
    }
    let mut scopes = client.allowed_scopes.clone();
    if client.allow_offline_access && !scopes.iter().any(|s| s == "offline_access") {
        scopes.push("offline_access".into());
    }
    let issuer = format!("{base}{AUTH_BASE}");
    Some(crate::mock::sign_in::SignInClient {
        authorize_url: format!("{issuer}/connect/authorize"),
        token_url: format!("{issuer}/connect/token"),
        redirect_uri: client.redirect_uris.first()?.clone(),
        scope: scopes.join(" "),
    })
}
