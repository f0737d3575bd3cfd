//! Before any scenario of a live target: the server answers, its metadata is a JSON
//! document (unless the target file gives the endpoints), and every client role's
//! credentials are accepted. A gate that meets an unreachable server, an HTML page
//! where the metadata should be, or a refused secret must not run hundreds of scenarios
//! into skips or failures: it stops with one message that names what to fix, and the
//! command exits 2.
//!
//! The credentials are tried once each (and once more in the body, should HTTP Basic
//! be refused), with a grant that can give nothing away: a refresh with a token the
//! server never issued. Every server authenticates the client
//! before it looks at the grant (RFC 6749 §3.2.1, §6), so a refused credential is
//! `invalid_client`, and an accepted one is `invalid_grant` (or `unsupported_grant_type`,
//! `unauthorized_client` for a client without refresh). An API resource that only
//! introspects (the `resource` role) is tried at the introspection endpoint instead.

use serde_json::Value;

use super::client::{Recorder, RequestSpec};
use super::client_auth::{with_body_auth, with_client_auth};
use super::endpoints::{Endpoint, Endpoints};
use super::target::{ClientProfile, TargetProfile};

/// The role whose credentials are an API resource's, for introspection only.
const RESOURCE_ROLE: &str = "resource";
/// What the credential probe presents: no server issued it.
const NEVER_ISSUED: &str = "preflight-never-issued";

/// Checks that the target can be tested at all; `Err` is the one message to show.
pub async fn check(profile: &TargetProfile) -> Result<(), String> {
    let http = Recorder::trusting(profile.trusted_ca.as_deref().map(String::as_str))?;
    let main = usable_endpoints(
        &http,
        &profile.issuer,
        profile.discovery_url.as_deref(),
        profile.endpoint_overrides.clone(),
    )
    .await?;
    for (role, client) in &profile.clients {
        // Roles that prove who they are: by a secret, or by a signed assertion.
        let secret_source =
            if client.auth_method == crate::harness::target::AuthMethod::PrivateKeyJwt {
                "the key it signs its assertions with".to_owned()
            } else {
                let Some(source) = client.secret.as_ref().map(|_| describe_secret(client)) else {
                    continue;
                };
                source
            };
        let own;
        let endpoints = match client.issuer.as_deref().filter(|i| *i != profile.issuer) {
            Some(issuer) => {
                own = usable_endpoints(&http, issuer, None, Default::default()).await?;
                &own
            }
            None => &main,
        };
        probe_role(&http, role, client, endpoints, &secret_source).await?;
    }
    Ok(())
}

/// The server's endpoints: its metadata, or the target file's `[endpoints]` with a
/// token endpoint that answers HTTP at all.
async fn usable_endpoints(
    http: &Recorder,
    issuer: &str,
    discovery_url: Option<&str>,
    overrides: super::endpoints::Overrides,
) -> Result<Endpoints, String> {
    let given = overrides.get(Endpoint::Token).cloned();
    // A server that does not answer at all is said so plainly, before the metadata's
    // locations are listed one by one.
    if given.is_none() {
        let first = discovery_url.map_or_else(
            || super::endpoints::candidate_urls(issuer).remove(0),
            str::to_owned,
        );
        if let Err(e) = http.send(RequestSpec::get(first.clone())).await.response() {
            return Err(format!(
                "the server does not answer at {first} ({}): is it running, and is the target file's issuer right?",
                innermost(&e)
            ));
        }
    }
    let endpoints = Endpoints::discover(http, issuer, discovery_url, overrides).await;
    if endpoints.metadata.is_some() {
        return Ok(endpoints);
    }
    let problem = endpoints.discovery_problem.clone().unwrap_or_default();
    match given {
        Some(token) => {
            let exchange = http.send(RequestSpec::get(token.clone())).await;
            match exchange.response() {
                Ok(_) => Ok(endpoints),
                Err(e) => Err(format!(
                    "the token endpoint {token} does not answer ({}): is the server running, and is [endpoints] in the target file right?",
                    innermost(&e)
                )),
            }
        }
        None => Err(format!(
            "no metadata for the issuer {issuer}: {problem}. Check the target file's issuer (the server must be running and serve its discovery document as JSON), or give the endpoints under [endpoints]"
        )),
    }
}

/// The last cause of an HTTP client error: "Connection refused", not the whole chain.
fn innermost(error: &str) -> &str {
    error.rsplit("): ").next().unwrap_or(error)
}

/// Where a role's secret comes from, for the message that blames it.
fn describe_secret(client: &ClientProfile) -> String {
    match &client.secret_source {
        Some(source) => format!("the secret in ${source}"),
        None => "its secret".into(),
    }
}

/// One authenticated request for `role`; `Err` when the server refuses its credentials
/// or cannot be reached.
async fn probe_role(
    http: &Recorder,
    role: &str,
    client: &ClientProfile,
    endpoints: &Endpoints,
    secret_source: &str,
) -> Result<(), String> {
    let (what, url, params) = if role == RESOURCE_ROLE {
        let Ok(url) = endpoints.get(Endpoint::Introspection) else {
            return Ok(());
        };
        (
            "introspection",
            url,
            vec![("token".to_owned(), NEVER_ISSUED.to_owned())],
        )
    } else {
        let Ok(url) = endpoints.get(Endpoint::Token) else {
            return Ok(());
        };
        let params = vec![
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), NEVER_ISSUED.to_owned()),
        ];
        ("token", url, params)
    };
    // HTTP Basic first, as the scenarios send; a client registered for the body only
    // (client_secret_post) is refused that way by a correct server, so the body is
    // tried before the credentials are blamed.
    let mut refusal = None;
    let mut requests = vec![with_client_auth(client, url.clone(), params.clone())];
    // A client registered for one method is tried by that one alone.
    if client.auth_method == crate::harness::target::AuthMethod::AnySecret {
        requests.push(with_body_auth(client, url.clone(), params));
    }
    for request in requests {
        let exchange = http.send(request).await;
        let response = exchange.response().map_err(|e| {
            format!(
                "the {what} endpoint {url} does not answer ({}), so client role '{role}' cannot be tried",
                innermost(&e)
            )
        })?;
        let error = response
            .json()
            .and_then(|b| b.get("error").and_then(Value::as_str).map(str::to_owned));
        let refused = match what {
            "introspection" => matches!(response.status, 401 | 403),
            // invalid_client, or any 401: some servers (Keycloak) answer a failed
            // client authentication unauthorized_client with 401.
            _ => error.as_deref() == Some("invalid_client") || response.status == 401,
        };
        if !refused {
            return Ok(());
        }
        refusal = Some(error.unwrap_or_else(|| format!("status {}", response.status)));
    }
    if let Some(error) = refusal {
        return Err(format!(
            "the server refused the credentials of client role '{role}' (client_id '{}', {secret_source}) at its {what} endpoint with {error}, by {}: check that client's id, secret and auth_method",
            client.client_id,
            match client.auth_method {
                crate::harness::target::AuthMethod::AnySecret => "HTTP Basic and in the body",
                other => other.name(),
            },
        ));
    }
    Ok(())
}
