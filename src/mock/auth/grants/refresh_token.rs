//! `refresh_token` (`ValidateRefreshTokenRequestAsync`, `DefaultRefreshTokenService`):
//! one-time use with a new handle each time, sliding expiry capped by the absolute
//! lifetime counted from the first token of the chain.

use super::{GrantContext, MAX_HANDLE};
use crate::mock::auth::tokens;
use crate::mock::error::OAuthError;
use crate::mock::faults::Fault;
use crate::protocol::ErrorCode;
use crate::protocol::handle::random_hex;
use crate::protocol::token::{BEARER, TokenResponse};

pub fn issue(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let err = OAuthError::new;
    let (state, client) = (ctx.state, ctx.client);
    // The refresh grant needs no entry in AllowedGrantTypes; AllowOfflineAccess gates it.
    let handle = ctx
        .form
        .present("refresh_token")
        .ok_or(err(ErrorCode::InvalidRequest))?;
    if handle.len() > MAX_HANDLE {
        return Err(err(ErrorCode::InvalidGrant));
    }
    let now = state.clock.now();
    let mut store = state.store();
    let record = store
        .refresh_tokens
        .get(handle)
        .ok_or(err(ErrorCode::InvalidGrant))?;
    let expired = now > record.created + record.lifetime;
    if expired
        || record.client_id != client.client_id.as_str()
        || !client.allow_offline_access
        || record.consumed
    {
        return Err(err(ErrorCode::InvalidGrant));
    }
    let mut next = record.clone();
    next.lifetime = if state.fault(Fault::SlidingIgnored) {
        record.lifetime
    } else if state.fault(Fault::AbsoluteIgnored) {
        now - record.created + client.sliding_refresh_token_lifetime
    } else {
        tokens::slid_refresh_lifetime(client, record, now)
    };
    let new_handle = if tokens::rotates(client) {
        if let Some(used) = store.refresh_tokens.get_mut(handle) {
            used.consumed = !state.fault(Fault::RefreshReusable);
        }
        random_hex(32)
    } else {
        handle.to_owned()
    };
    // IdentityServer4 re-serialises the stored access token (UpdateAccessTokenClaimsOnRefresh
    // is false): only nbf and exp change, so jti and iat repeat (§3.3).
    let mut claims = next.access_token.clone();
    claims.nbf = now;
    claims.exp = now + client.access_token_lifetime;
    next.access_token = claims.clone();
    store.refresh_tokens.insert(new_handle.clone(), next);
    drop(store);
    Ok(TokenResponse {
        id_token: None,
        access_token: tokens::sign(state, &claims)?,
        expires_in: client.access_token_lifetime,
        token_type: BEARER.into(),
        refresh_token: Some(new_handle),
        scope: claims.scope.join(" "),
    })
}
