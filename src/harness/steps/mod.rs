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
mod browser;
mod cors;
mod discovery;
mod introspection;
mod licences;
mod oidc;
mod oidc_request;
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
/// `{other_scope}`, `{audience}`, `{redirect_uri}`, `{verifier}`, `{challenge}`, `{access_token}`,
/// `{id_token}`, values remembered by name, `{reverse:WORDS}` and `{repeat:TEXT:N}`.
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
    if out.contains("{user}") || out.contains("{password}") {
        let (user, password) = login_credentials(world)?;
        out = out
            .replace("{user}", &user)
            .replace("{password}", &password);
    }
    while let Some(start) = out.find("{redirect_uri:") {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or("unclosed {redirect_uri:…}")?;
        let uri = client.redirect_uri.as_deref().ok_or_else(|| {
            StepFailure::skip("the target file gives this client no redirect_uri")
        })?;
        let variant = redirect_variant(uri, &out[start + 14..end])?;
        out = format!("{}{variant}{}", &out[..start], &out[end + 1..]);
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
    if out.contains("{post_logout_redirect_uri}") {
        let uri = client.post_logout_redirect_uri.as_deref().ok_or_else(|| {
            StepFailure::skip("the target file gives this client no post_logout_redirect_uri")
        })?;
        out = out.replace("{post_logout_redirect_uri}", uri);
    }
    if out.contains("{id_token_tampered}") {
        let id_token = newest_id_token(world)?;
        out = out.replace("{id_token_tampered}", &tampered(&id_token));
    }
    if out.contains("{id_token}") {
        out = out.replace("{id_token}", &newest_id_token(world)?);
    }
    for (name, value) in &world.flow.vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    // {reverse:A B C}: the words in the other order, each once (a scope reordered).
    while let Some(start) = out.find("{reverse:") {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or("unclosed {reverse:…}")?;
        let mut words: Vec<&str> = Vec::new();
        for w in out[start + 9..end]
            .split(' ')
            .filter(|w| !w.is_empty())
            .rev()
        {
            if !words.contains(&w) {
                words.push(w);
            }
        }
        out = format!("{}{}{}", &out[..start], words.join(" "), &out[end + 1..]);
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

/// The scenario's newest id_token.
fn newest_id_token(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world
        .flow
        .tokens
        .iter()
        .rev()
        .find_map(|t| t.get("id_token").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .ok_or_else(|| "no id_token has been issued in this scenario".into())
}

/// `jwt` with a claim changed and its signature kept (the OpenID conformance suite's
/// modified hint): `iat` a second later, so only the signature tells it from the
/// original, and a server that honours it did not check the signature.
fn tampered(jwt: &str) -> String {
    use crate::protocol::jwt::{Compact, b64url, decode_segment};
    let Some(c) = Compact::split(jwt) else {
        return format!("{jwt}x");
    };
    let mut claims: serde_json::Map<String, serde_json::Value> =
        decode_segment(c.payload).unwrap_or_default();
    let iat = claims
        .get("iat")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    claims.insert("iat".into(), serde_json::json!(iat + 1));
    format!(
        "{}.{}.{}",
        c.header,
        b64url(serde_json::Value::Object(claims).to_string()),
        c.signature
    )
}

/// The user's name and password, as the target's form login driver types them: the field
/// named `password`, and the one whose name says user, login or e-mail. Another driver
/// gives the harness no password to send, and the step skips.
fn login_credentials(world: &ConformanceWorld) -> Result<(String, String), StepFailure> {
    let no = || StepFailure::skip("the login driver gives the harness no user name and password");
    let Some(crate::harness::target::LoginDriver::Form { fields, .. }) =
        &world.conn()?.profile.login
    else {
        return Err(no());
    };
    let password = fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("password"))
        .map(|(_, v)| v.clone())
        .ok_or_else(no)?;
    let user = fields
        .iter()
        .find(|(k, _)| {
            let k = k.to_ascii_lowercase();
            k.contains("user") || k.contains("login") || k.contains("mail")
        })
        .map(|(_, v)| v.clone())
        .ok_or_else(no)?;
    Ok((user, password))
}

/// A near miss of the registered redirect URI `uri` (RFC 9700 §2.1: only the exact
/// string may match): `query-added`, `query-changed`, `case` (the path's letters),
/// `trailing-slash`, `port` (the default port written out), `http`, `userinfo`
/// (`https://client.example@evil.example/…`), `host-suffix`, `fragment`, `encoded` (a
/// letter of the path percent-encoded). A variant the URI cannot have skips.
fn redirect_variant(uri: &str, variant: &str) -> Result<String, StepFailure> {
    let url = reqwest::Url::parse(uri)
        .map_err(|e| StepFailure::skip(format!("the redirect_uri '{uri}' is not a URL: {e}")))?;
    let cannot = |why: &str| StepFailure::skip(format!("the redirect_uri '{uri}' {why}"));
    let scheme = url.scheme();
    let host = url.host_str().ok_or_else(|| cannot("has no host"))?;
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path();
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let rebuilt = |scheme: &str, authority: &str, path: &str, query: &str| {
        format!("{scheme}://{authority}{path}{query}")
    };
    let authority = format!("{host}{port}");
    Ok(match variant {
        "query-added" => {
            let sep = if query.is_empty() { '?' } else { '&' };
            format!("{uri}{sep}x=1")
        }
        "query-changed" => {
            if query.is_empty() {
                return Err(cannot("has no query to change"));
            }
            rebuilt(scheme, &authority, path, &format!("{query}x"))
        }
        "case" => {
            if !path.chars().any(|c| c.is_ascii_lowercase()) {
                return Err(cannot("has no lower-case letter in its path"));
            }
            rebuilt(scheme, &authority, &path.to_ascii_uppercase(), &query)
        }
        "trailing-slash" => match path.strip_suffix('/') {
            Some(shorter) if !shorter.is_empty() => rebuilt(scheme, &authority, shorter, &query),
            Some(_) => rebuilt(scheme, &authority, "/x/", &query),
            None => rebuilt(scheme, &authority, &format!("{path}/"), &query),
        },
        "port" => {
            let written = match url.port() {
                Some(p) => format!("{host}:{}", p.wrapping_add(1)),
                None => format!("{host}:{}", url.port_or_known_default().unwrap_or(443)),
            };
            rebuilt(scheme, &written, path, &query)
        }
        "http" => {
            if scheme != "https" {
                return Err(cannot("is not https"));
            }
            rebuilt("http", &authority, path, &query)
        }
        "userinfo" => rebuilt(scheme, &format!("{authority}@evil.example"), path, &query),
        "host-suffix" => rebuilt(scheme, &format!("{host}.evil.example{port}"), path, &query),
        "fragment" => format!("{uri}#x"),
        "encoded" => {
            let at = path
                .char_indices()
                .find(|(_, c)| c.is_ascii_alphabetic())
                .map(|(i, _)| i)
                .ok_or_else(|| cannot("has no letter in its path"))?;
            let encoded = format!(
                "{}%{:02X}{}",
                &path[..at],
                path.as_bytes()[at],
                &path[at + 1..]
            );
            rebuilt(scheme, &authority, &encoded, &query)
        }
        other => return Err(format!("no redirect_uri variant '{other}'").into()),
    })
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
