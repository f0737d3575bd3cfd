//! IdentityServer's validation of its own access tokens (`TokenValidator`
//! `ValidateAccessTokenAsync`, 4.1.2), in one place for every endpoint that takes one
//! back: introspection, userinfo, and the `operation` grant, whose validator is MyID's
//! own but is given IdentityServer's token validator to check the token it trades
//! (assumed: it is the validator IdentityServer hands an extension grant, and the
//! manual says nothing of its own).

use serde_json::{Map, Value};

use crate::mock::state::AppState;

/// The clock skew the JWT handler allows each way: `TokenValidationParameters.ClockSkew`'s
/// default of five minutes, which IdentityServer's validator does not change. So a token
/// is good through `exp` + 300 s and from `nbf` − 300 s, both inclusive.
const CLOCK_SKEW: i64 = 300;

/// The claims of an access token of this server that is valid now: signed by the
/// mock's key, issued by `issuer`, within its lifetime give or take the clock skew,
/// and an access token (it names its client; identity tokens do not).
pub fn valid_access_token(
    state: &AppState,
    issuer: &str,
    token: &str,
) -> Option<Map<String, Value>> {
    let claims: Map<String, Value> = state.config.signing_key.verify_as(token)?;
    let now = state.clock.now();
    let int = |k: &str| claims.get(k).and_then(Value::as_i64);
    let skew = if state.fault(&crate::mock::profiles::myid::faults::NO_CLOCK_SKEW) {
        0
    } else {
        CLOCK_SKEW
    };
    let in_time =
        int("exp").is_some_and(|e| now <= e + skew) && int("nbf").is_none_or(|n| n <= now + skew);
    let ours = claims.get("iss").and_then(Value::as_str) == Some(issuer);
    (in_time && ours && claims.contains_key("client_id")).then_some(claims)
}

/// Whether a token's `scope` (an array, or a string) holds `name`.
pub fn has_scope(claims: &Map<String, Value>, name: &str) -> bool {
    match claims.get("scope") {
        Some(Value::Array(a)) => a.iter().any(|s| s == name),
        Some(Value::String(s)) => s.split(' ').any(|x| x == name),
        _ => false,
    }
}
