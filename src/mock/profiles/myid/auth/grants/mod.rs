//! The grants of the token endpoint, each validated in IdentityServer4's order.

pub mod authorization_code;
pub mod client_credentials;
pub mod operation;
pub mod refresh_token;

use crate::mock::config::Client;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

/// `InputLengthRestrictions.Scope`. (Its limits for codes and refresh tokens, 100
/// characters, are not kept: a longer handle is one this server never issued, so the
/// answer is the same `invalid_grant` as for any unknown one.)
pub const MAX_SCOPE: usize = 300;

/// What every grant works from.
pub struct GrantContext<'a> {
    pub state: &'a AppState,
    pub client: &'a Client,
    pub form: &'a FormParams,
    pub issuer: String,
}
