//! `client_credentials` (`ValidateClientCredentialsRequestAsync`).

use super::{GrantContext, MAX_SCOPE};
use crate::mock::auth::tokens::{self, OFFLINE_ACCESS};
use crate::mock::error::OAuthError;
use crate::mock::profiles::myid::faults as fault;
use crate::protocol::token::{BEARER, TokenResponse};
use crate::protocol::{ErrorCode, Scopes};

pub fn issue(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client;
    if !client.allows_grant("client_credentials") {
        return Err(OAuthError::new(ErrorCode::UnauthorizedClient));
    }
    let scopes = scopes(ctx, ctx.form.get("scope"))?;
    let claims = tokens::claims(ctx.state, client, &scopes, &ctx.issuer, None);
    Ok(TokenResponse {
        id_token: None,
        access_token: tokens::sign(ctx.state, &claims)?,
        expires_in: client.access_token_lifetime,
        token_type: BEARER.into(),
        refresh_token: None,
        scope: if ctx.state.fault(&fault::GRANTED_SCOPE_NAMES_RESOURCE) {
            ctx.state
                .config
                .auth
                .resources
                .audiences_for(scopes.names())
                .join(" ")
        } else {
            scopes.to_param()
        },
    })
}

/// Requested scopes, validated: API scopes only, each allowed for the client and known;
/// no identity scopes and never `offline_access`. Without a `scope` parameter the client
/// gets all of its allowed API scopes. Sorted, as IdentityServer's `ParseScopesString` sorts.
fn scopes(ctx: &GrantContext<'_>, requested: Option<&str>) -> Result<Scopes, OAuthError> {
    let invalid = || OAuthError::new(ErrorCode::InvalidScope);
    let client = ctx.client;
    let resources = &ctx.state.config.auth.resources;
    let scopes = match requested.filter(|s| !s.trim().is_empty()) {
        Some(s) if s.len() > MAX_SCOPE => return Err(invalid()),
        Some(s) => Scopes::parse(s),
        None if ctx.state.fault(&fault::NO_SCOPE_NO_GRANT) => return Err(invalid()),
        None => Scopes::from_names(
            client
                .allowed_scopes
                .iter()
                .filter(|s| resources.is_api_scope(s))
                .cloned(),
        ),
    };
    let grantable = |scope: &String| {
        let allowed = client.allowed_scopes.iter().any(|a| a == scope);
        scope != OFFLINE_ACCESS && allowed && resources.is_api_scope(scope)
    };
    let scopes = if ctx.state.fault(&fault::FORBIDDEN_SCOPE_DROPPED) {
        Scopes::from_names(scopes.names().iter().filter(|s| grantable(s)).cloned())
    } else {
        scopes
    };
    if scopes.is_empty() {
        return Err(invalid());
    }
    if !scopes.names().iter().all(grantable) && !ctx.state.fault(&fault::SCOPE_POLICY_IGNORED) {
        return Err(invalid());
    }
    Ok(scopes.sorted())
}
