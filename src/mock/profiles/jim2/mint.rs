//! Minting Jim2's tokens: they are opaque handles the mock remembers, so a minted one
//! is a handle registered to the client with the token endpoint's lifetime. It takes no
//! licence (a minted token is not a session anyone logged on to); `logoff` with it
//! ends the client's tokens as it would after a real sign-in.

use super::Issued;
use crate::mock::mint::{Mint, MintError};
use crate::mock::state::AppState;

pub(crate) fn access_token(
    app: &AppState,
    settings: &super::Jim2Settings,
    mint: &Mint,
) -> Result<String, MintError> {
    if settings.client(&mint.client_id).is_none() {
        return Err(MintError::UnknownClient(mint.client_id.clone()));
    }
    if !mint.claims.is_empty() || mint.subject.is_some() {
        return Err(MintError::Unsupported(
            "Jim2's access tokens are opaque: they carry no claims to set".into(),
        ));
    }
    let store = super::store::of(app);
    let now = app.clock.now();
    let token = crate::protocol::handle::random_hex(32);
    let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
    store.purge_due(now);
    store.access.insert(
        token.clone(),
        Issued {
            client: mint.client_id.clone(),
            expires: now + mint.lifetime_or(settings.access_token_lifetime),
        },
    );
    Ok(token)
}
