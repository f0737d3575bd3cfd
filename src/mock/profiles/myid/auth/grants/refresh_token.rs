//! `refresh_token` (`ValidateRefreshTokenRequestAsync`, `DefaultRefreshTokenService`):
//! one-time use with a new handle each time, sliding expiry capped by the absolute
//! lifetime counted from the first token of the chain.

use super::GrantContext;
use crate::mock::auth::{oidc, tokens};
use crate::mock::error::OAuthError;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::store::Subject;
use crate::protocol::ErrorCode;
use crate::protocol::Scopes;
use crate::protocol::token::{BEARER, TokenResponse};

/// Long on purpose: IdentityServer's refresh in its order (find, expire, spend, slide,
/// re-issue), under one lock where it must be; split, the lock would have to travel.
pub fn issue(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let err = OAuthError::new;
    let (state, client) = (ctx.state, ctx.client);
    // The refresh grant needs no entry in AllowedGrantTypes; AllowOfflineAccess gates it.
    let handle = ctx
        .form
        .present("refresh_token")
        .ok_or(err(ErrorCode::InvalidRequest))?;
    let now = state.clock.now();
    let mut store = state.store();
    let because = OAuthError::because;
    let record = store.refresh(handle).ok_or_else(|| {
        because(
            ErrorCode::InvalidGrant,
            "unknown refresh token, or one expired and swept",
        )
    })?;
    let why = if now > record.created + record.lifetime {
        Some("the refresh token has expired")
    } else if record.client_id != client.client_id.as_str()
        && !state.fault(&fault::REFRESH_ANY_CLIENT)
    {
        Some("the refresh token was issued to another client")
    } else if !client.allow_offline_access {
        Some("the client is not allowed offline access")
    } else if record.consumed {
        Some("the refresh token was already used")
    } else {
        None
    };
    if let Some(why) = why {
        return Err(because(ErrorCode::InvalidGrant, why));
    }
    let mut next = record.clone();
    next.lifetime = if state.fault(&fault::SLIDING_IGNORED) {
        record.lifetime
    } else if state.fault(&fault::ABSOLUTE_IGNORED) {
        fault::absolute_ignored_lifetime(client, record, now)
    } else {
        tokens::slid_refresh_lifetime(client, record, now)
    };
    let new_handle = if tokens::rotates(client) && !state.fault(&fault::REFRESH_NOT_ROTATED) {
        if !state.fault(&fault::REFRESH_REUSABLE) {
            store.spend_refresh(handle);
        }
        tokens::new_refresh_handle(state)
    } else {
        handle.to_owned()
    };
    let stored = next.access_token.clone();
    if state.fault(&fault::REFRESH_REVOKES_ACCESS_TOKEN)
        && let Some(jti) = &stored.jti
    {
        store.revoke_access_token(jti.clone(), stored.exp);
    }
    let subject = stored.sub.as_ref().map(|sub| Subject {
        sub: sub.clone(),
        username: String::new(),
        auth_time: stored.auth_time.unwrap_or(stored.iat),
        idp: stored.idp.clone().unwrap_or_default(),
        amr: stored.amr.clone().unwrap_or_default(),
        sid: stored.sid.clone().unwrap_or_default(),
    });
    let claims = if client.update_access_token_claims_on_refresh {
        // UpdateAccessTokenClaimsOnRefresh: a brand-new token from the same grant: new
        // jti and iat, audiences worked out again (§3.3).
        let scopes = Scopes::parse(&stored.scope.join(" "));
        let mut fresh = tokens::claims(state, client, &scopes, &ctx.issuer, subject.as_ref());
        fresh.sid = stored.sid.clone();
        let grant = store
            .grant_of(stored.jti.as_deref().unwrap_or_default())
            .map(str::to_owned);
        if let (Some(new), Some(grant)) = (&fresh.jti, grant) {
            store.link_grant(new.clone(), grant, fresh.exp);
        }
        fresh
    } else {
        // IdentityServer4 re-serialises the stored access token: only nbf and exp
        // change, so jti and iat repeat (§3.3).
        let mut claims = stored;
        claims.nbf = now;
        claims.exp = now + client.access_token_lifetime;
        claims
    };
    // IdentityServer4 ignores a refresh request's scope; fault `refresh-widens-scope`
    // grants whatever it asks for.
    let mut claims = claims;
    if state.fault(&fault::REFRESH_WIDENS_SCOPE)
        && let Some(asked) = ctx.form.present("scope")
    {
        claims.scope = asked
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
    }
    next.access_token = claims.clone();
    store.keep_refresh(new_handle.clone(), next);
    drop(store);
    let access_token = tokens::sign(state, &claims)?;
    // An identity token again when the grant has openid; no nonce and no sid, which
    // IdentityServer takes from the code only (`CreateIdTokenFromRefreshTokenRequestAsync`).
    let id_token = match &subject {
        Some(subject)
            if claims.scope.iter().any(|s| s == oidc::OPENID)
                && !state.fault(&fault::REFRESH_NO_ID_TOKEN) =>
        {
            Some(oidc::id_token(
                state,
                oidc::IdToken {
                    client,
                    subject,
                    nonce: None,
                    access_token: Some(&access_token),
                    with_sid: false,
                    issuer: &ctx.issuer,
                },
            )?)
        }
        _ => None,
    };
    Ok(TokenResponse {
        id_token,
        access_token,
        expires_in: client.access_token_lifetime,
        token_type: BEARER.into(),
        refresh_token: Some(new_handle),
        scope: claims.scope.join(" "),
    })
}
