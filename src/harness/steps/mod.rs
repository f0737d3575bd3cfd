//! Step definitions, one module per concept. Steps stay thin: they capture typed
//! values, make one harness call and, in `Then`, run named checks. A check's rule says
//! how strongly it binds; a step's "must" or "should" must agree with the rule of the
//! check that is its verdict, and a verdict that has no rule of its own (a refusal,
//! a status) cites the requirement the scenario names with `@rule:ID`.

mod access_token;
pub(crate) mod api;
mod assertion;
mod authorization_code;
mod beyond_identity;
mod cors;
mod discovery;
mod introspection;
mod licences;
mod oidc;
mod operation;
mod paging;
mod refresh;
mod revocation;
pub mod time;
mod token_endpoint;

use cucumber::gherkin::Step;

use super::world::{ConformanceWorld, StepFailure};
use crate::protocol::pkce;

/// A table value that removes the parameter instead of setting it.
const ABSENT: &str = "<absent>";

/// The last response's access token as a JWT (whatever its `typ`) and its
/// `expires_in` (-1 when absent): for vendors' own token rules.
fn last_jwt(world: &ConformanceWorld) -> Result<(super::checks::jwt::Jwt, i64), StepFailure> {
    let body = world
        .last_response()?
        .json()
        .ok_or("the last response is not JSON")?;
    let raw = body
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .ok_or("the last response has no access_token")?;
    let token = super::checks::jwt::Jwt::decode(raw)
        .map_err(|e| format!("the access token is not a JWT: {e}"))?;
    let expires_in = body
        .get("expires_in")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(-1);
    Ok((token, expires_in))
}

/// Expands placeholders in a table value or step argument: `{client_id}`, `{scope}`,
/// `{other_scope}`, `{audience}`, `{redirect_uri}`, `{verifier}`, `{challenge}`, `{access_token}`
/// values remembered by name, and `{repeat:TEXT:N}`.
/// The `aud` of the newest access token of the scenario, when it is a JWT.
fn issued_audience(world: &ConformanceWorld) -> Option<String> {
    use base64::Engine as _;
    let token = world.flow.access_token(0).ok()?;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("aud").map(|a| a.to_string())
}

fn expand(world: &ConformanceWorld, value: &str) -> Result<String, StepFailure> {
    let client = world.client()?;
    let mut out = value
        .replace("{client_id}", client.client_id.as_str())
        .replace("{scope}", &client.scope);
    if out.contains("{other_scope}") {
        let other = client
            .other_scope
            .as_deref()
            .ok_or_else(|| StepFailure::skip("the target file gives this client no other_scope"))?;
        out = out.replace("{other_scope}", other);
    }
    if out.contains("{audience}") {
        let aud = client.audience.as_deref().ok_or_else(|| {
            // What the server put in `aud`, so the reader can copy it into the file.
            let seen = issued_audience(world)
                .map(|a| format!("; its latest access token says aud {a}"))
                .unwrap_or_default();
            StepFailure::skip(format!(
                "the target file gives this client no audience{seen}"
            ))
        })?;
        out = out.replace("{audience}", aud);
    }
    if out.contains("{redirect_uri}") {
        let uri = client.redirect_uri.as_deref().ok_or_else(|| {
            StepFailure::skip("the target file gives this client no redirect_uri")
        })?;
        out = out.replace("{redirect_uri}", uri);
    }
    if out.contains("{verifier}") || out.contains("{challenge}") {
        let verifier = world
            .flow
            .verifier
            .as_ref()
            .ok_or("no PKCE verifier in this scenario")?;
        out = out
            .replace("{verifier}", verifier.expose())
            .replace("{challenge}", pkce::s256_challenge(verifier).as_str());
    }
    if out.contains("{access_token}") {
        out = out.replace("{access_token}", &world.flow.access_token(0)?);
    }
    for (name, value) in &world.flow.vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    while let Some(start) = out.find("{repeat:") {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or("unclosed {repeat:…}")?;
        let (text, count) = out[start + 8..end]
            .rsplit_once(':')
            .ok_or("use {repeat:TEXT:N}")?;
        let n: usize = count
            .parse()
            .map_err(|_| format!("bad repeat count '{count}'"))?;
        out = format!("{}{}{}", &out[..start], text.repeat(n), &out[end + 1..]);
    }
    Ok(out)
}

/// The parameters of a two-column data table (`| name | value |`), expanded.
fn table_params(
    world: &ConformanceWorld,
    step: &Step,
) -> Result<Vec<(String, String)>, StepFailure> {
    let table = step
        .table
        .as_ref()
        .ok_or("this step needs a table of parameters")?;
    table
        .rows
        .iter()
        .map(|row| match row.as_slice() {
            [name, value] => Ok((expand(world, name)?, expand(world, value)?)),
            _ => Err("each table row needs a name and a value".into()),
        })
        .collect()
}

/// Applies table overrides to default parameters: a name in the table replaces the
/// default; `<absent>` removes it; new names are added.
fn with_overrides(
    mut params: Vec<(String, String)>,
    overrides: Vec<(String, String)>,
) -> Vec<(String, String)> {
    for (name, value) in overrides {
        params.retain(|(k, _)| *k != name);
        if value != ABSENT {
            params.push((name, value));
        }
    }
    params
}

#[cfg(test)]
mod tests {
    #[test]
    fn overrides_replace_remove_and_add() {
        let p = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>()
        };
        let out = super::with_overrides(
            p(&[("a", "1"), ("b", "2")]),
            p(&[("a", "9"), ("b", "<absent>"), ("c", "3")]),
        );
        assert_eq!(out, p(&[("a", "9"), ("c", "3")]));
    }
}
