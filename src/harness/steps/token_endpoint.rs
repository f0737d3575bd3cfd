//! Steps that talk to the token endpoint and judge its answers.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use reqwest::Method;

use super::{expand, severity, table_params};
use crate::harness::checks::{http, token};
use crate::harness::client::RequestSpec;
use crate::harness::endpoints::Endpoint;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::basic;

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
    let mut spec = token_request(world, &Auth::Basic, Vec::new())?;
    spec.body = b"grant_type=client_credentials&scope=myid.rest.basic%FF%FE\xFF".to_vec();
    world.send(spec).await.map(|_| ())
}

#[then("the token response is a success")]
fn token_success(world: &mut ConformanceWorld) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        crate::harness::checks::Severity::Fail,
        [
            http::status_is(&r, 200, "RFC6749-5.1"),
            http::json_content_type(&r, "RFC6749-5.1"),
            token::has_access_token(&r),
            token::token_type_bearer(&r),
            token::expires_in_positive(&r),
        ],
    )
}

#[then(regex = r"^the response (must|should) not be cached$")]
fn not_cached(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [http::cache_control_no_store(&r)])
}

#[then(regex = r#"^the response (must|should) carry "Pragma: no-cache"$"#)]
fn pragma(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [http::pragma_no_cache(&r)])
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
    world.judge(severity(&word)?, [token::member_order(&r, &expected)])
}

#[then(regex = r#"^the granted scope (must|should) be "([^"]*)"$"#)]
fn granted_scope(world: &mut ConformanceWorld, word: String, scope: String) -> StepResult {
    let scope = expand(world, &scope)?;
    let requested =
        form_value(&world.last_exchange()?.request.body, "scope").unwrap_or_else(|| scope.clone());
    let r = world.last_response()?.clone();
    world.judge(
        severity(&word)?,
        [token::granted_scope_is(&r, &scope, &requested)],
    )
}

/// For client credentials RFC 6749 §4.4.3 says a refresh token SHOULD NOT be issued;
/// that a code exchange without `offline_access` gets none is IdentityServer's rule.
#[then(regex = r"^no refresh token (must|should) be issued( without offline_access)?$")]
fn no_refresh(world: &mut ConformanceWorld, word: String, without_offline: String) -> StepResult {
    let spec = if without_offline.is_empty() {
        "RFC6749-4.4.3"
    } else {
        "IS4-refresh-tokens"
    };
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [token::no_refresh_token(&r, spec)])
}

#[then(regex = r"^the token endpoint (must|should) refuse the request$")]
fn refused(world: &mut ConformanceWorld, word: String) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [token::token_refused(&r)])
}

#[then(regex = r#"^the scope "([^"]*)" (must|should) not be granted$"#)]
fn scope_not_granted(world: &mut ConformanceWorld, scope: String, word: String) -> StepResult {
    let scope = expand(world, &scope)?;
    let r = world.last_response()?.clone();
    world.judge(severity(&word)?, [token::scope_not_granted(&r, &scope)])
}

#[then(
    regex = r#"^the (?:token|revocation) endpoint (must|should) answer with the error "([a-z_]+)"(?: or "([a-z_]+)")?$"#
)]
fn token_error(
    world: &mut ConformanceWorld,
    word: String,
    code: String,
    alternative: String,
) -> StepResult {
    let r = world.last_response()?.clone();
    let code_check = if alternative.is_empty() {
        token::error_code_is(&r, &code)
    } else {
        token::error_code_in(&r, &[&code, &alternative])
    };
    let got = r
        .json()
        .and_then(|b| b.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .filter(|e| *e == alternative)
        .unwrap_or(code);
    world.judge(
        severity(&word)?,
        [
            token::error_status(&r, &got),
            http::json_content_type(&r, "RFC6749-5.2"),
            code_check,
            token::error_charset(&r),
        ],
    )
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
    world.judge(
        severity(&word)?,
        [token::invalid_client_challenge(&r, used_basic)],
    )
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
