//! A code flow from a test in one call each: [`Pkce`], [`MockServer::sign_in`] (the
//! authorize request, the login page's form with its anti-forgery token, the redirect
//! back), [`MockServer::exchange`] and [`MockServer::refresh`]. Each goes over HTTP
//! to the running mock exactly as a browser and a client would, so the mock's checks
//! and faults apply and the journal shows every request.
//!
//! [`MockServer::sign_in`]: super::MockServer::sign_in
//! [`MockServer::exchange`]: super::MockServer::exchange
//! [`MockServer::refresh`]: super::MockServer::refresh

use crate::protocol::html;
use crate::protocol::pkce::{generate_verifier, s256_challenge};
use crate::protocol::types::{PkceChallenge, PkceVerifier};

/// A PKCE pair (RFC 7636): a fresh random verifier and its S256 challenge.
pub struct Pkce {
    verifier: PkceVerifier,
    challenge: PkceChallenge,
}

impl Pkce {
    /// A new pair: 32 random octets as the verifier, its SHA-256 as the challenge.
    pub fn new() -> Self {
        let verifier = generate_verifier();
        let challenge = s256_challenge(&verifier);
        Pkce {
            verifier,
            challenge,
        }
    }

    /// The verifier, sent with the code to the token endpoint.
    pub fn verifier(&self) -> &str {
        self.verifier.expose()
    }

    /// The challenge (`S256`), sent to the authorize endpoint.
    pub fn challenge(&self) -> &str {
        self.challenge.as_str()
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pkce(«redacted»)")
    }
}

/// Where a client's code flow goes, as the profile registered it.
#[derive(Debug, Clone)]
pub struct SignInClient {
    /// The authorize endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The client's first registered redirect URI.
    pub redirect_uri: String,
    /// The scopes asked for: all the client may have.
    pub scope: String,
}

/// An authorization code from [`MockServer::sign_in`](super::MockServer::sign_in), with
/// what its exchange needs.
pub struct Code {
    /// The code itself.
    pub code: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URI it was sent to, which the exchange repeats.
    pub redirect_uri: String,
    pub(crate) token_url: String,
    pub(crate) verifier: String,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Code")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// A token response.
#[derive(Clone, serde::Deserialize)]
pub struct Tokens {
    /// The access token.
    pub access_token: String,
    /// The refresh token, when the grant gave one (`offline_access`).
    pub refresh_token: Option<String>,
    /// The id_token, when the grant gave one (`openid`).
    pub id_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: Option<i64>,
    /// The scopes granted.
    pub scope: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "«redacted»"),
            )
            .field("id_token", &self.id_token.as_ref().map(|_| "«redacted»"))
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Why a helper's flow did not end in a code or tokens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// The profile has no code flow, or not for this client.
    #[error("{0}")]
    Unsupported(String),
    /// The mock refused: the status and the OAuth `error` it answered (the journal,
    /// [`MockServer::received`](super::MockServer::received), says why).
    #[error("refused with {status} {error}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The `error` code, or the page or redirect the sign-in stopped on.
        error: String,
    },
    /// The request could not be sent.
    #[error("the request failed: {0}")]
    Http(String),
}

impl From<reqwest::Error> for FlowError {
    fn from(e: reqwest::Error) -> Self {
        FlowError::Http(e.without_url().to_string())
    }
}

/// A browser for the mock: cookies kept, redirects left to the caller, no proxy, and
/// the mock's own certificate trusted when it serves TLS.
pub(crate) fn browser(certificate: Option<&str>) -> Result<reqwest::Client, FlowError> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = certificate {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes())?;
        builder = builder.add_root_certificate(cert);
    }
    Ok(builder.build()?)
}

/// Walks an authorize request through the login page as `user` to the client's
/// redirect URI and answers the code. The login page is the first form of any page
/// on the way; its hidden fields (the anti-forgery token, `ReturnUrl`) are posted back
/// with `Username`, `Password` and the `login` button.
pub(crate) async fn walk(
    http: &reqwest::Client,
    route: &SignInClient,
    client_id: &str,
    user: (&str, &str),
    pkce: &Pkce,
) -> Result<String, FlowError> {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", client_id),
            ("redirect_uri", route.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", route.scope.as_str()),
            ("state", "sign-in"),
            ("nonce", "sign-in"),
            ("code_challenge", pkce.challenge()),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let mut url = format!("{}?{query}", route.authorize_url);
    let mut posted = false;
    // Authorize, login page, post, back to authorize, then the client: a few hops.
    for _ in 0..8 {
        if url.starts_with(&route.redirect_uri) {
            let params = html::redirect_params(&url);
            let find = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            return match (find("code"), find("error")) {
                (Some(code), _) => Ok(code),
                (None, error) => Err(FlowError::Refused {
                    status: 302,
                    error: error.unwrap_or_else(|| "no code in the redirect".into()),
                }),
            };
        }
        let response = http.get(&url).send().await?;
        let status = response.status().as_u16();
        if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
            url = html::resolve(&url, location.to_str().unwrap_or_default());
            continue;
        }
        let page = response.text().await?;
        let form = html::forms(&page).into_iter().next().filter(|_| !posted);
        let Some(form) = form else {
            return Err(FlowError::Refused {
                status,
                error: format!("the sign-in stopped on a page at {}", path_of(&url)),
            });
        };
        let mut fields = form.fields.clone();
        fields.retain(|(k, _)| k != "Username" && k != "Password" && k != "button");
        fields.extend([
            ("Username".into(), user.0.into()),
            ("Password".into(), user.1.into()),
            ("button".into(), "login".into()),
        ]);
        let action = html::resolve(&url, form.action.as_deref().unwrap_or(&url));
        let response = http.post(&action).form(&fields).send().await?;
        posted = true;
        let Some(location) = response.headers().get(reqwest::header::LOCATION) else {
            return Err(FlowError::Refused {
                status: response.status().as_u16(),
                error: "the login page refused the user name or password".into(),
            });
        };
        url = html::resolve(&action, location.to_str().unwrap_or_default());
    }
    Err(FlowError::Refused {
        status: 0,
        error: "the sign-in went round in circles".into(),
    })
}

/// The path of a URL, without its query (which may hold a code).
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// Posts a token request, authenticating by HTTP Basic with `secret` or, for a public
/// client, naming it in the body; answers the tokens or the refusal.
pub(crate) async fn token(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    secret: Option<&str>,
    mut form: Vec<(&str, &str)>,
) -> Result<Tokens, FlowError> {
    let mut request = http.post(token_url);
    match secret {
        Some(secret) => {
            request = request.header(
                reqwest::header::AUTHORIZATION,
                crate::protocol::basic::encode(client_id, secret),
            );
        }
        None => form.push(("client_id", client_id)),
    }
    let response = request.form(&form).send().await?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if status != 200 {
        return Err(FlowError::Refused {
            status,
            error: body["error"].as_str().unwrap_or("no error code").to_owned(),
        });
    }
    serde_json::from_value(body).map_err(|e| FlowError::Http(format!("not a token response: {e}")))
}
