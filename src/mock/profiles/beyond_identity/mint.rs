//! Minting Beyond Identity's tokens: an application's access token (client
//! credentials, or a signed-in identity's with [`Mint::subject`]) and an OIDC
//! application's id_token, as its token endpoint issues them.

use std::sync::Arc;

use super::tokens::{self, Grant, IdToken};
use super::{Application, BeyondIdentitySettings, Bi, Protocol, Store};
use crate::mock::mint::{Mint, MintError};
use crate::mock::state::AppState;

fn bi(app: &AppState, settings: &Arc<BeyondIdentitySettings>) -> Bi {
    Bi {
        app: app.clone(),
        settings: settings.clone(),
        store: Store::of(app),
    }
}

/// The minting client's application, the profile's state and the application's
/// issuer: what both tokens start from.
fn context<'a>(
    app: &AppState,
    settings: &'a Arc<BeyondIdentitySettings>,
    mint: &Mint,
    base: &str,
) -> Result<(&'a Arc<Application>, Bi, String), MintError> {
    let application = settings
        .applications
        .iter()
        .find(|a| a.client_id == mint.client_id)
        .ok_or_else(|| MintError::UnknownClient(mint.client_id.clone()))?;
    let iss = issuer(settings, &mint.client_id, base).ok_or(MintError::Signing)?;
    Ok((application, bi(app, settings), iss))
}

/// The application's URL, its issuer, for a client id.
pub(crate) fn issuer(
    settings: &BeyondIdentitySettings,
    client_id: &str,
    base: &str,
) -> Option<String> {
    let app = settings
        .applications
        .iter()
        .find(|a| a.client_id == client_id)?;
    Some(format!(
        "{base}/v1/tenants/{}/realms/{}/applications/{}",
        settings.tenant, settings.realm, app.id
    ))
}

pub(crate) fn access_token(
    app: &AppState,
    settings: &Arc<BeyondIdentitySettings>,
    mint: &Mint,
    base: &str,
) -> Result<String, MintError> {
    let (application, bi, iss) = context(app, settings, mint, base)?;
    let scopes = mint.scopes_or(|| application.allowed_scopes.clone());
    let (sub, principal, grant) = match &mint.subject {
        Some(s) => (s.as_str(), bi.identity_path(s), "authorization_code"),
        None => (
            application.subject.as_str(),
            bi.app_path(application),
            "client_credentials",
        ),
    };
    let now = app.clock.now();
    let g = Grant {
        app: application,
        sub,
        principal,
        grant,
        scopes: &scopes,
        lifetime: mint.lifetime_or(application.expires),
        custom: None,
    };
    let mut claims = tokens::access_claims(&bi, &iss, g, now);
    mint.overlay(&mut claims, now);
    tokens::sign_access(&bi, &iss, &claims).ok_or(MintError::Signing)
}

pub(crate) fn id_token(
    app: &AppState,
    settings: &Arc<BeyondIdentitySettings>,
    mint: &Mint,
    base: &str,
) -> Result<String, MintError> {
    let (application, bi, iss) = context(app, settings, mint, base)?;
    if application.protocol != Protocol::Oidc {
        return Err(MintError::Unsupported(format!(
            "application '{}' is an OAuth2 application: only OIDC applications issue id_tokens",
            mint.client_id
        )));
    }
    let sub = mint.subject.as_deref().ok_or_else(|| {
        MintError::Unsupported("an id_token is about a person: give Mint::subject".into())
    })?;
    let now = app.clock.now();
    let t = IdToken {
        app: application,
        sub,
        nonce: mint.nonce.as_deref(),
        auth_time: now,
        lifetime: mint.lifetime_or(application.expires),
    };
    let mut claims = tokens::id_claims(&iss, t, now);
    mint.overlay(&mut claims, now);
    tokens::sign_id(&bi, &claims).ok_or(MintError::Signing)
}
