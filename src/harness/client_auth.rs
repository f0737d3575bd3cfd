//! How the harness authenticates a client at an endpoint of the server: HTTP Basic for
//! a client with a secret, the body for one without (RFC 6749 §2.3.1), or the body on
//! purpose (`client_secret_post`).

use super::client::RequestSpec;
use super::target::ClientProfile;
use crate::protocol::basic;

/// Client authentication for a token-endpoint request: Basic for a client with a
/// secret, `client_id` in the body for a public one.
pub fn with_client_auth(
    client: &ClientProfile,
    url: String,
    mut params: Vec<(String, String)>,
) -> RequestSpec {
    match &client.secret {
        Some(secret) => RequestSpec::form(url, &params).header(
            "Authorization",
            basic::encode(client.client_id.as_str(), secret.expose()),
        ),
        None => {
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
