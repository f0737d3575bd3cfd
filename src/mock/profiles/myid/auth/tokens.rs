//! Minting access and refresh tokens, shared by every grant.

use crate::mock::config::{Client, RefreshTokenExpiration, RefreshTokenUsage};
use crate::mock::error::OAuthError;
use crate::mock::state::AppState;
use crate::mock::store::{RefreshRecord, Subject};
use crate::protocol::handle::random_hex;
use crate::protocol::jwt::{ACCESS_TOKEN_TYP, AccessTokenClaims, Audience};
use crate::protocol::{ErrorCode, Scopes};

/// The scope that asks for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Signs claims with the mock's key.
pub fn sign(state: &AppState, claims: &AccessTokenClaims) -> Result<String, OAuthError> {
    let mut claims = claims.clone();
    if state.fault(&crate::mock::profiles::myid::faults::WRONG_AUDIENCE) {
        claims.aud = Audience::from_names(vec!["api.other".into()]);
    }
    if state.fault(&crate::mock::profiles::myid::faults::AUDIENCE_MISSING) {
        claims.aud = Audience::from_names(Vec::new());
    }
    let key = &state.config.signing_key;
    let signed = if state.fault(&crate::mock::profiles::myid::faults::UNPUBLISHED_KEY) {
        key.sign_as(&random_hex(16), ACCESS_TOKEN_TYP, &claims)
    } else {
        key.sign(ACCESS_TOKEN_TYP, &claims)
    };
    signed.map_err(|e| {
        tracing::error!("cannot sign an access token: {e}");
        OAuthError::new(ErrorCode::ServerError)
    })
}

/// Claims for a new access token on the mock's clock: `exp = nbf + AccessTokenLifetime`.
/// User tokens list `offline_access` last in `scope`, as IdentityServer orders them.
pub fn claims(
    state: &AppState,
    client: &Client,
    scopes: &Scopes,
    issuer: &str,
    subject: Option<&Subject>,
) -> AccessTokenClaims {
    let now = state.clock.now();
    let resources = &state.config.auth.resources;
    let mut scope: Vec<String> = scopes
        .names()
        .iter()
        .filter(|s| *s != OFFLINE_ACCESS)
        .cloned()
        .collect();
    if scopes.contains(OFFLINE_ACCESS) {
        scope.push(OFFLINE_ACCESS.to_owned());
    }
    AccessTokenClaims {
        nbf: now,
        exp: now + client.access_token_lifetime,
        iss: issuer.to_owned(),
        aud: Audience::from_names(resources.audiences_for(&scope)),
        client_id: client.client_id.to_string(),
        sub: subject.map(|s| s.sub.clone()),
        auth_time: subject.map(|s| s.auth_time),
        idp: subject.map(|s| s.idp.clone()),
        extra: Default::default(),
        jti: client.include_jwt_id.then(|| random_hex(16)),
        sid: subject.map(|s| s.sid.clone()),
        iat: now,
        scope,
        amr: subject.map(|s| s.amr.clone()),
    }
}

/// The first lifetime of a refresh token: sliding capped by absolute, or absolute.
pub fn first_refresh_lifetime(client: &Client) -> i64 {
    match client.refresh_token_expiration {
        RefreshTokenExpiration::Sliding if client.absolute_refresh_token_lifetime > 0 => client
            .sliding_refresh_token_lifetime
            .min(client.absolute_refresh_token_lifetime),
        RefreshTokenExpiration::Sliding => client.sliding_refresh_token_lifetime,
        RefreshTokenExpiration::Absolute => client.absolute_refresh_token_lifetime,
    }
}

/// The lifetime after a refresh at `now` (`DefaultRefreshTokenService.UpdateRefreshTokenAsync`):
/// `min(now + sliding, first issue + absolute)` counted from the first token's creation;
/// an absolute expiration never changes.
pub fn slid_refresh_lifetime(client: &Client, record: &RefreshRecord, now: i64) -> i64 {
    match client.refresh_token_expiration {
        RefreshTokenExpiration::Absolute => record.lifetime,
        RefreshTokenExpiration::Sliding => {
            let elapsed = now - record.created;
            let slid = elapsed + client.sliding_refresh_token_lifetime;
            if client.absolute_refresh_token_lifetime > 0 {
                slid.min(client.absolute_refresh_token_lifetime)
            } else {
                slid
            }
        }
    }
}

/// A new refresh token handle: 32 random bytes as hexadecimal, as IdentityServer's
/// `DefaultHandleGenerationService` makes them; four under fault `short-refresh-tokens`.
pub fn new_refresh_handle(state: &AppState) -> String {
    if state.fault(&crate::mock::profiles::myid::faults::SHORT_REFRESH_TOKENS) {
        random_hex(4)
    } else {
        random_hex(32)
    }
}

/// Stores a new refresh token for a grant and answers its handle.
pub fn store_refresh(
    state: &AppState,
    client: &Client,
    grant_id: &str,
    access_token: &AccessTokenClaims,
) -> String {
    let handle = new_refresh_handle(state);
    let record = RefreshRecord {
        grant_id: grant_id.to_owned(),
        client_id: client.client_id.to_string(),
        created: state.clock.now(),
        // Fault `refresh-never-expires`: a century, as good as never.
        lifetime: if state.fault(&crate::mock::profiles::myid::faults::REFRESH_NEVER_EXPIRES) {
            crate::mock::profiles::myid::faults::REFRESH_NEVER_EXPIRES_LIFETIME
        } else if state.fault(&crate::mock::profiles::myid::faults::SLIDING_IGNORED) {
            client.absolute_refresh_token_lifetime
        } else {
            first_refresh_lifetime(client)
        },
        consumed: false,
        access_token: access_token.clone(),
    };
    state.store().keep_refresh(handle.clone(), record);
    handle
}

/// Whether refresh handles rotate on use.
pub fn rotates(client: &Client) -> bool {
    client.refresh_token_usage == RefreshTokenUsage::OneTimeOnly
}
