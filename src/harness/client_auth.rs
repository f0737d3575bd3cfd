//! How the harness authenticates a client at an endpoint of the server, as the target
//! registers it (`auth_method`): HTTP Basic for a client with a secret (RFC 6749
//! §2.3.1), the body for one registered for `client_secret_post` or asked to on
//! purpose, `client_id` alone for a public one, or a signed assertion for
//! `private_key_jwt` (RFC 7523 §2.2). A scenario that needs a method the client is not
//! registered for skips with the reason, rather than failing a correct server.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use super::client::RequestSpec;
use super::target::{AuthMethod, ClientProfile};
use super::world::StepFailure;
use crate::protocol::basic;

/// The assertion type of RFC 7523 §2.2.
const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Client authentication for a request to `url` as the client is registered: Basic
/// for a client with a secret (either method, or `client_secret_basic`), the body for
/// `client_secret_post`, `client_id` alone for a public one, an assertion for
/// `private_key_jwt`.
pub fn with_client_auth(
    client: &ClientProfile,
    url: String,
    mut params: Vec<(String, String)>,
) -> RequestSpec {
    match (client.auth_method, &client.secret) {
        (AuthMethod::Post, Some(_)) => with_body_auth(client, url, params),
        (AuthMethod::PrivateKeyJwt, _) => {
            params.push(("client_id".into(), client.client_id.to_string()));
            match client_assertion(client, &url) {
                Ok(assertion) => {
                    params.push(("client_assertion_type".into(), JWT_BEARER_ASSERTION.into()));
                    params.push(("client_assertion".into(), assertion));
                }
                // An unusable key is sent as no assertion at all; the refusal that
                // follows carries the server's reason, and the target file was checked.
                Err(e) => tracing::warn!("cannot sign the client assertion: {e}"),
            }
            RequestSpec::form(url, &params)
        }
        (AuthMethod::AnySecret | AuthMethod::Basic, Some(secret)) => {
            RequestSpec::form(url, &params).header(
                "Authorization",
                basic::encode(client.client_id.as_str(), secret.expose()),
            )
        }
        _ => {
            params.push(("client_id".into(), client.client_id.to_string()));
            RequestSpec::form(url, &params)
        }
    }
}

/// Client authentication in the body (RFC 6749 §2.3.1 `client_secret_post`): the
/// client id, and the secret when the client has one.
pub fn with_body_auth(
    client: &ClientProfile,
    url: String,
    mut params: Vec<(String, String)>,
) -> RequestSpec {
    params.push(("client_id".into(), client.client_id.to_string()));
    if let Some(secret) = &client.secret {
        params.push(("client_secret".into(), secret.expose().to_owned()));
    }
    RequestSpec::form(url, &params)
}

/// Whether a scenario may authenticate the client by `wanted` (`client_secret_basic`
/// or `client_secret_post`, sent on purpose); a skip naming the registered method
/// otherwise. Public clients are not asked: they send no secret either way.
pub fn may_use(client: &ClientProfile, wanted: AuthMethod) -> Result<(), StepFailure> {
    let registered = client.auth_method;
    if registered == AuthMethod::AnySecret || registered == wanted || client.secret.is_none() {
        return Ok(());
    }
    Err(StepFailure::skip(format!(
        "client '{}' is registered for {}; this scenario authenticates with {}",
        client.client_id,
        registered.name(),
        wanted.name()
    )))
}

/// An RFC 7523 client assertion: `iss` = `sub` = the client id, `aud` the token
/// endpoint (or the audience the target file gives), a fresh `jti`, five minutes long,
/// signed RS256 with the client's key.
fn client_assertion(client: &ClientProfile, url: &str) -> Result<String, String> {
    let key = client
        .assertion
        .as_ref()
        .ok_or("the target file gives this client no assertion key")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs() as i64;
    let id = client.client_id.as_str();
    let audience = if key.audience.is_empty() {
        url
    } else {
        key.audience.as_str()
    };
    let claims = json!({
        "iss": id, "sub": id, "aud": audience,
        "jti": crate::protocol::handle::random_hex(16).to_lowercase(),
        "iat": now, "exp": now + 300,
    });
    let encoding = EncodingKey::from_rsa_pem(key.pem.as_bytes())
        .map_err(|e| format!("the assertion key is not an RSA private key: {e}"))?;
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &encoding)
        .map_err(|e| e.to_string())
}
