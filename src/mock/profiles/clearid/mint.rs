//! Minting ClearID's access tokens: the client-credentials token `/connect/token`
//! issues (RS512, `at+jwt`, the configured key id), with the given claims laid over.

use super::ClearIdSettings;
use crate::mock::keys::Rsa;
use crate::mock::mint::{Mint, MintError};
use crate::mock::state::AppState;

pub(crate) fn access_token(
    app: &AppState,
    settings: &ClearIdSettings,
    mint: &Mint,
    issuer: &str,
) -> Result<String, MintError> {
    let client = settings
        .client(&mint.client_id)
        .ok_or_else(|| MintError::UnknownClient(mint.client_id.clone()))?;
    let now = app.clock.now();
    let scopes = mint.scopes_or(|| client.scopes.clone());
    let mut claims = super::access_claims(settings, client, issuer, now, false, &scopes);
    mint.overlay(&mut claims, now);
    app.config
        .signing_key
        .sign_with(Rsa::Rs512, &settings.signing_key_id, "at+jwt", &claims)
        .map_err(|_| MintError::Signing)
}
