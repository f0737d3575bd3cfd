//! The grants of the token endpoint, each validated in IdentityServer4's order.

pub mod authorization_code;
pub mod client_credentials;
pub mod operation;
pub mod refresh_token;

use crate::mock::config::Client;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

/// `InputLengthRestrictions` for codes, refresh tokens and scopes.
pub const MAX_HANDLE: usize = 100;
pub const MAX_SCOPE: usize = 300;

/// What every grant works from.
pub struct GrantContext<'a> {
    pub state: &'a AppState,
    pub client: &'a Client,
    pub form: &'a FormParams,
    pub issuer: String,
}
