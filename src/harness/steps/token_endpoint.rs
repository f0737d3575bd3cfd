//! Steps that talk to the token endpoint and judge its answers.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use reqwest::Method;

use super::{expand, table_params};
use crate::harness::checks::{http, token};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::basic;
use crate::protocol::rules::identityserver::IS4_REFRESH_OFFLINE;
use crate::protocol::rules::oauth::{
    RFC6749_ERROR_JSON, RFC6749_NO_REFRESH_FOR_CLIENT_CREDENTIALS, RFC6749_TOKEN_ISSUED,
};

/// IdentityServer's member order for token responses.
const TOKEN_MEMBER_ORDER: [&str; 6] = [
    "id_token",
    "access_token",
    "expires_in",
    "token_type",
    "refresh_token",
    "scope",
];

/// How a request authenticates the client.
enum Auth {
    Basic,
    BasicWrongSecret,
    BasicEmptySecret,
    BasicUnencoded,
    BasicUnknownClient(String),
    Body,
    BodyWrongSecret,
    BodyIdOnly,
    BasicAndForeignBody,
    RawHeader(String),
    None,
}

impl Auth {
    fn parse(text: &str) -> Result<Auth, StepFailure> {
        Ok(match text {
            "with HTTP Basic" => Auth::Basic,
            "with HTTP Basic and a wrong secret" => Auth::BasicWrongSecret,
            "with HTTP Basic and an empty secret" => Auth::BasicEmptySecret,
            "with HTTP Basic encoded without RFC 6749 §2.3.1" => Auth::BasicUnencoded,
            "with its credentials in the body" => Auth::Body,
            "with a wrong secret in the body" => Auth::BodyWrongSecret,
            "with only its client id in the body" => Auth::BodyIdOnly,
            "with HTTP Basic and another client's credentials in the body" => {
                Auth::BasicAndForeignBody
            }
            "without credentials" => Auth::None,
            other => {
                if let Some(id) = other.strip_prefix("with HTTP Basic as the unknown client ") {
                    Auth::BasicUnknownClient(id.trim_matches('"').to_owned())
                } else if let Some(h) = other.strip_prefix("with the Authorization header ") {
                    Auth::RawHeader(h.trim_matches('"').to_owned())
                } else {
                    return Err(format!("unknown way to authenticate: '{other}'").into());
                }
            }
        })
    }
}

fn token_url(world: &ConformanceWorld) -> Result<String, StepFailure> {
    world.endpoint(Endpoint::Token)
}

/// Builds the token request for `auth` and `params`.
fn token_request(
    world: &ConformanceWorld,
    auth: &Auth,
    mut params: Vec<(String, String)>,
) -> Result<RequestSpec, StepFailure> {
    let client = world.client()?;
    let id = client.client_id.as_str().to_owned();
    let secret = client
        .secret
        .as_ref()
        .map(|s| s.expose().to_owned())
        .unwrap_or_default();
    // A scenario that succeeds only by one secret method skips for a client
    // registered for the other; the refusals are judged whatever the registration.
    match auth {
        Auth::Basic | Auth::BasicAndForeignBody => {
            crate::harness::client_auth::may_use(
                client,
                crate::harness::target::AuthMethod::Basic,
            )?;
        }
        Auth::Body => {
            crate::harness::client_auth::may_use(client, crate::harness::target::AuthMethod::Post)?;
        }
        _ => {}
    }
    let mut header = None;
    match auth {
        Auth::Basic => header = Some(basic::encode(&id, &secret)),
        Auth::BasicWrongSecret => header = Some(basic::encode(&id, &format!("{secret}-wrong"))),
        Auth::BasicEmptySecret => header = Some(basic::encode(&id, "")),
        Auth::BasicUnencoded => header = Some(basic::encode_unescaped(&id, &secret)),
        Auth::BasicUnknownClient(other) => header = Some(basic::encode(other, &secret)),
        Auth::RawHeader(h) => header = Some(h.clone()),
        Auth::Body => {
            params.push(("client_id".into(), id));
            params.push(("client_secret".into(), secret));
        }
        Auth::BodyWrongSecret => {
            params.push(("client_id".into(), id));
            params.push(("client_secret".into(), format!("{secret}-wrong")));
        }
        Auth::BodyIdOnly => params.push(("client_id".into(), id)),
        Auth::BasicAndForeignBody => {
            header = Some(basic::encode(&id, &secret));
            params.push(("client_id".into(), "unknown.client".into()));
            params.push(("client_secret".into(), "not-the-secret".into()));
        }
        Auth::None => {}
    }
    let mut spec = RequestSpec::form(token_url(world)?, &params);
    if let Some(h) = header {
        spec = spec.header("Authorization", h);
    }
    Ok(spec)
}

#[given(regex = r#"^the client "([^"]+)"$"#)]
fn the_client(world: &mut ConformanceWorld, role: String) -> StepResult {
    world.use_role(&role)
}

#[when(
    regex = r"^the client requests a token with client credentials (with HTTP Basic|with its credentials in the body)$"
)]
async fn request_client_credentials(world: &mut ConformanceWorld, auth: String) -> StepResult {
    let scope = world.client()?.scope.clone();
    let params = vec![
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("scope".to_owned(), scope),
    ];
    let spec = token_request(world, &Auth::parse(&auth)?, params)?;
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^the client sends a token request (.+) and the form:$")]
async fn token_request_with_form(
    world: &mut ConformanceWorld,
    auth: String,
    step: &Step,
) -> StepResult {
    let params = table_params(world, step)?;
    let spec = token_request(world, &Auth::parse(&auth)?, params)?;
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^the client sends a client credentials request by (GET|PUT|DELETE|PATCH)$")]
async fn token_request_by_method(world: &mut ConformanceWorld, method: String) -> StepResult {
    let client = world.client()?;
    let scope = client.scope.clone();
    let auth = basic::encode(
        client.client_id.as_str(),
        client.secret.as_ref().map(|s| s.expose()).unwrap_or(""),
    );
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", &scope)
        .finish();
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let spec = RequestSpec {
        method,
        url: format!("{}?{query}", token_url(world)?),
        headers: vec![("Authorization".into(), auth)],
        body: Vec::new(),
    };
    world.send(spec).await.map(|_| ())
}

#[when(regex = r#"^the client posts a client credentials request as "([^"]*)" with HTTP Basic$"#)]
async fn token_request_with_content_type(
    world: &mut ConformanceWorld,
    content_type: String,
) -> StepResult {
    let client = world.client()?;
    let scope = client.scope.clone();
    let body = if content_type.starts_with("application/json") {
        serde_json::json!({"grant_type": "client_credentials", "scope": scope}).to_string()
    } else if content_type.starts_with("multipart/form-data") {
        format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--XyZ\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\n{scope}\r\n--XyZ--\r\n"
        )
    } else {
        format!("grant_type=client_credentials&scope={scope}")
    };
    let mut spec = token_request(world, &Auth::Basic, Vec::new())?;
    spec.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
    if !content_type.is_empty() {
        spec = spec.header("Content-Type", content_type);
    }
    spec.body = body.into_bytes();
    world.send(spec).await.map(|_| ())
}

#[when(regex = r"^the client sends a token request with HTTP Basic whose scope is not UTF-8$")]
async fn token_request_not_utf8(world: &mut ConformanceWorld) -> StepResult {
    let scope = world.client()?.scope.clone();
    let mut spec = token_request(world, &Auth::Basic, Vec::new())?;
    let mut body = format!("grant_type=client_credentials&scope={scope}%FF%FE").into_bytes();
    body.push(0xFF);
    spec.body = body;
    world.send(spec).await.map(|_| ())
}

/// A token was issued: the verdict cites the scenario's requirement when it names one
/// (a refresh still works after another client tried to revoke it), and the response's
/// shape is RFC 6749 §5.1's.
#[then("the token response is a success")]
fn token_success(world: &mut ConformanceWorld) -> StepResult {
    let r = world.last_response()?.clone();
    let verdict = http::status(&r, 200, world.rule_or(&RFC6749_TOKEN_ISSUED));
    // The response's shape is judged when a token came; a refusal is the verdict's.
    if !verdict.passed() {
        return world.record([verdict]);
    }
    world.record([
        verdict,
        http::json_content_type(&r, &RFC6749_TOKEN_ISSUED),
        token::access_token_present(&r),
        token::token_type_bearer(&r),
        token::expires_in_given(&r),
        token::expires_in_positive(&r),
    ])
}

#[then(regex = r"^the response (must|should) not be cached$")]
fn not_cached(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [http::cache_control_no_store(&r)])
}

#[then(regex = r#"^the response (must|should) carry "Pragma: no-cache"$"#)]
fn pragma(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(&word, [http::pragma_no_cache(&r)])
}

#[then(regex = r"^the token response members (must|should) be in IdentityServer's order$")]
fn member_order(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    let present = r.json_member_order().unwrap_or_default();
    let expected: Vec<&str> = TOKEN_MEMBER_ORDER
        .iter()
        .copied()
        .filter(|m| present.iter().any(|p| p == m))
        .collect();
    world.judge(&word, [token::member_order(&r, &expected)])
}

/// What was granted: IdentityServer's rule (a scope whole or not at all), or the
/// product's the scenario names.
#[then(regex = r#"^the granted scope (must|should) be "([^"]*)"$"#)]
fn granted_scope(world: &mut ConformanceWorld, word: String, scope: String) -> StepResult {
    let scope = expand(world, &scope)?;
    let requested =
        form_value(&world.last_exchange()?.request.body, "scope").unwrap_or_else(|| scope.clone());
    let r = world.last_response()?.clone();
    let mut check = token::granted_scope(&r, &scope, &requested);
    check.rule = world.rule_or(check.rule);
    world.judge(&word, [check])
}

/// For client credentials RFC 6749 §4.4.3 says a refresh token SHOULD NOT be issued;
/// that a code exchange without `offline_access` gets none is IdentityServer's rule; a
/// product that never issues one says so in the scenario's rule.
#[then(regex = r"^no refresh token (must|should) be issued( without offline_access)?$")]
fn no_refresh(world: &mut ConformanceWorld, word: String, without_offline: String) -> StepResult {
    let rule = if without_offline.is_empty() {
        world.rule_or(&RFC6749_NO_REFRESH_FOR_CLIENT_CREDENTIALS)
    } else {
        &IS4_REFRESH_OFFLINE
    };
    let r = world.last_response()?.clone();
    world.judge(&word, [token::no_refresh_token(&r, rule)])
}

/// RFC 6749 §3.3: a forbidden scope is refused or left out; §5.1: a response that left
/// it out says what it granted.
#[then(regex = r#"^the scope "([^"]*)" (must|should) not be granted$"#)]
fn scope_not_granted(world: &mut ConformanceWorld, scope: String, word: String) -> StepResult {
    let scope = expand(world, &scope)?;
    let requested = form_value(&world.last_exchange()?.request.body, "scope").unwrap_or_default();
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [
            token::scope_not_granted(&r, &scope),
            token::scope_returned(&r, &requested),
        ],
    )
}

/// A refusal. `answer with`: its verdict is the requirement the scenario tests (a code
/// works once, a client authenticates), and which error it names is RFC 6749 §5.2's.
/// `name`: the error named is itself the requirement (IdentityServer's choice of code,
/// MyID's operation grant), so it is judged under the scenario's rule. Either way the
/// error's shape is §5.2's, judged when a refusal came.
#[then(
    regex = r#"^the (?:token|revocation) endpoint (must|should) (answer with|name) the error "([a-z_]+)"(?: or "([a-z_]+)")?$"#
)]
fn token_error(
    world: &mut ConformanceWorld,
    word: String,
    how: String,
    code: String,
    alternative: String,
) -> StepResult {
    let r = world.last_response()?.clone();
    let mut allowed = vec![code.as_str()];
    if !alternative.is_empty() {
        allowed.push(&alternative);
    }
    let rule = world.rule()?;
    let mut named = token::error_code(&r, &allowed);
    if how == "name" {
        named.rule = rule;
    }
    let mut checks = vec![token::refused(&r, rule)];
    if (400..500).contains(&r.status) {
        checks.push(http::json_content_type(&r, &RFC6749_ERROR_JSON));
    }
    checks.extend([token::error_status(&r), named, token::error_charset(&r)]);
    world.judge(&word, checks)
}

#[then(regex = r"^the invalid_client answer (must|should) be 401 with a Basic challenge$")]
fn invalid_client_challenge(world: &mut ConformanceWorld, word: String) -> StepResult {
    let exchange = world.last_exchange()?;
    let used_basic = exchange
        .request
        .header("authorization")
        .and_then(|h| h.split_whitespace().next())
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("basic"));
    let r = world.last_response()?.clone();
    world.judge(&word, [token::invalid_client_challenge(&r, used_basic)])
}

/// The first value of `name` in a form body.
fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_phrases_parse() {
        for phrase in [
            "with HTTP Basic",
            "with HTTP Basic and a wrong secret",
            "with HTTP Basic and an empty secret",
            "with HTTP Basic encoded without RFC 6749 §2.3.1",
            "with its credentials in the body",
            "with a wrong secret in the body",
            "with only its client id in the body",
            "with HTTP Basic and another client's credentials in the body",
            "without credentials",
            "with HTTP Basic as the unknown client \"x\"",
            "with the Authorization header \"Basic !!\"",
        ] {
            assert!(Auth::parse(phrase).is_ok(), "{phrase}");
        }
        assert!(Auth::parse("with a smile").is_err());
    }
}
