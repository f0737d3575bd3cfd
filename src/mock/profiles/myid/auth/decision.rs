//! A user's consent decision as it travels: sealed into the authorize callback's URL
//! (nothing is stored), read back there, and the redirect that asks for one. What the
//! authorization endpoint needs of consent, apart from the page that asks.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::mock::AUTH_BASE;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;
use crate::protocol::basic::form_urlencode;

/// A query value as the authorize pages encode it (`%20` for a space).
fn encode(value: &str) -> String {
    form_urlencode(value).replace('+', "%20")
}

/// The parameter of the callback URL that carries the user's decision.
pub const CONSENT_PARAM: &str = "consent";
/// How long a decision counts (assumed).
const DECISION_LIFETIME: i64 = 300;

/// A user's decision: who allowed which scopes to which client, when.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Decision {
    pub(super) client_id: String,
    pub(super) sub: String,
    pub(super) scopes: Vec<String>,
    pub(super) at: i64,
}

pub(super) fn callback_prefix() -> String {
    format!("{AUTH_BASE}/connect/authorize/callback?")
}

/// The scopes this user allowed this client, if the request carries a fresh decision.
pub fn allowed(
    state: &AppState,
    params: &FormParams,
    client_id: &str,
    sub: &str,
) -> Option<Vec<String>> {
    let d: Decision = state
        .open(params.present(CONSENT_PARAM)?)
        .and_then(|b| serde_json::from_slice(&b).ok())?;
    if state.fault(&crate::mock::profiles::myid::faults::CONSENT_NEVER_TAKEN) {
        return None;
    }
    let fresh = state.clock.now() <= d.at + DECISION_LIFETIME;
    (fresh && d.client_id == client_id && d.sub == sub).then_some(d.scopes)
}

/// Sends the browser to the consent page for the request `params`.
pub fn ask(params: &FormParams) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.pairs().filter(|(k, _)| *k != CONSENT_PARAM))
        .finish();
    let return_url = format!("{}{query}", callback_prefix());
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{AUTH_BASE}/consent?returnUrl={}",
        encode(&return_url)
    )) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
