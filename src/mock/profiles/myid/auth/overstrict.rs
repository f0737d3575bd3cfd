//! Faults that make the authorization endpoint stricter than OAuth and OpenID allow, as
//! servers that validate too eagerly are: they refuse what IdentityServer serves. Kept
//! apart from `authorize`'s validation, which stays IdentityServer's.

use crate::mock::form::FormParams;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;

/// The parameters IdentityServer's authorize validation reads (RFC 6749 §4.1.1, OpenID
/// Connect Core §3.1.2.1, RFC 7636, Session Management) besides [`OPTIONAL`]; any other
/// is ignored.
const KNOWN: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "prompt",
    "max_age",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
];

/// OpenID's optional parameters a too-eager server refuses.
const OPTIONAL: &[&str] = &[
    "display",
    "ui_locales",
    "claims_locales",
    "id_token_hint",
    "login_hint",
    "acr_values",
    "claims",
];

/// The refusals the faults that are on add, before any of IdentityServer's checks: the
/// error and its description, for the error page.
pub fn refusals(state: &AppState, p: &FormParams) -> Result<(), (&'static str, String)> {
    // Fault `authorize-unknown-refused`: a parameter the server does not know fails.
    if state.fault(&fault::AUTHORIZE_UNKNOWN_REFUSED)
        && let Some((name, _)) = p
            .pairs()
            .find(|(k, _)| !KNOWN.contains(k) && !OPTIONAL.contains(k))
    {
        return Err(("invalid_request", format!("Unknown parameter {name}")));
    }
    // Fault `optional-params-refused`: OpenID's optional parameters, and a missing
    // nonce, fail.
    if state.fault(&fault::OPTIONAL_PARAMS_REFUSED) {
        let openid = p
            .get("scope")
            .is_some_and(|s| s.split(' ').any(|x| x == "openid"));
        if OPTIONAL.iter().any(|o| p.present(o).is_some())
            || (openid && p.present("nonce").is_none())
        {
            return Err(("invalid_request", "Unsupported parameter".into()));
        }
    }
    // Fault `scope-order-matters`: the scope compared as a string, openid first.
    if state.fault(&fault::SCOPE_ORDER_MATTERS)
        && let Some(scope) = p.get("scope")
        && scope.split(' ').any(|x| x == "openid")
        && !scope.starts_with("openid")
    {
        return Err(("invalid_scope", "Invalid scope".into()));
    }
    Ok(())
}
