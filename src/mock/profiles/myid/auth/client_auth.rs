//! Client authentication at the token endpoint, as IdentityServer4's
//! `ClientSecretValidator` does it: the Basic parser first, then the body parser, then
//! `HashedSharedSecretValidator` against the stored hashes.

use axum::http::{HeaderMap, header};

use crate::mock::config::Client;
use crate::mock::error::OAuthError;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, ErrorCode, basic};

/// IdentityServer's `InputLengthRestrictions.ClientId` and `ClientSecret`.
const MAX_ID: usize = 100;
const MAX_SECRET: usize = 100;

/// What the parsers found.
enum Credential {
    /// An id with a non-empty secret.
    Shared { id: String, secret: ClientSecret },
    /// An id and no secret (public clients, or a confidential client that forgot it).
    IdOnly { id: String },
}

impl Credential {
    fn id(&self) -> &str {
        match self {
            Credential::Shared { id, .. } | Credential::IdOnly { id } => id,
        }
    }
}

/// `BasicAuthenticationSecretParser`: a malformed header is "not found", never an error.
fn from_basic(state: &AppState, headers: &HeaderMap) -> Option<Credential> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let raw = basic::parse(value)?;
    // Lengths are checked on the still-encoded values.
    if raw.id.trim().is_empty() || raw.id.len() > MAX_ID || raw.secret.len() > MAX_SECRET {
        return None;
    }
    let (id, secret) = if state.fault(&fault::BASIC_NOT_DECODED) {
        (raw.id.clone(), raw.secret.clone())
    } else {
        (raw.client_id(), raw.secret())
    };
    Some(if secret.is_empty() {
        Credential::IdOnly { id }
    } else {
        Credential::Shared {
            id,
            secret: ClientSecret::new(secret),
        }
    })
}

/// `PostBodySecretParser`.
fn from_body(state: &AppState, form: &FormParams) -> Option<Credential> {
    if state.fault(&fault::BODY_CREDENTIALS_IGNORED) {
        return None;
    }
    let id = form
        .present("client_id")
        .filter(|id| id.len() <= MAX_ID)?
        .to_owned();
    match form.present("client_secret") {
        Some(secret) if secret.len() > MAX_SECRET => None,
        Some(secret) => Some(Credential::Shared {
            id,
            secret: ClientSecret::new(secret),
        }),
        None => Some(Credential::IdOnly { id }),
    }
}

/// `SecretParser.ParseAsync`: the first parser that finds a shared secret wins; an
/// id-only result is kept unless a later parser finds something. So with a Basic
/// secret the body's `client_id`/`client_secret` are ignored outright.
fn parse(state: &AppState, headers: &HeaderMap, form: &FormParams) -> Option<Credential> {
    if state.fault(&fault::BODY_CREDENTIALS_FIRST) {
        return from_body(state, form).or_else(|| from_basic(state, headers));
    }
    match from_basic(state, headers) {
        found @ Some(Credential::Shared { .. }) => found,
        basic_id_only => from_body(state, form).or(basic_id_only),
    }
}

/// The id and secret a caller presents, parsed as for clients: what IdentityServer's
/// `ApiSecretValidator` reads an API resource's credentials with.
pub fn presented(
    state: &AppState,
    headers: &HeaderMap,
    form: &FormParams,
) -> Option<(String, Option<ClientSecret>)> {
    Some(match parse(state, headers, form)? {
        Credential::Shared { id, secret } => (id, Some(secret)),
        Credential::IdOnly { id } => (id, None),
    })
}

/// Authenticates the calling client; every failure is `invalid_client`.
pub fn authenticate<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    form: &FormParams,
) -> Result<&'a Client, OAuthError> {
    let invalid = |why: &str| OAuthError::because(ErrorCode::InvalidClient, why);
    if state.fault(&fault::MALFORMED_BASIC_INVALID_REQUEST)
        && headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| basic::parse(v).is_none())
    {
        return Err(OAuthError::new(ErrorCode::InvalidRequest));
    }
    let credential = parse(state, headers, form).ok_or_else(|| invalid("no client credentials"))?;
    crate::mock::journal::client(credential.id());
    let client = state
        .config
        .auth
        .clients
        .find_enabled(credential.id())
        .ok_or_else(|| invalid("no enabled client has this id"))?;
    if client.protocol_type != "oidc" {
        return Err(invalid("the client's protocol is not oidc"));
    }
    // A public client is identified, not authenticated: any secret, or none, passes.
    if !client.require_client_secret || client.allowed_grant_types.iter().all(|g| g == "implicit") {
        return Ok(client);
    }
    let Credential::Shared { secret, .. } = &credential else {
        return Err(invalid("the client needs a secret and sent none"));
    };
    let now = state.clock.now();
    for stored in client
        .secrets
        .iter()
        .filter(|s| s.kind == "SharedSecret" && s.expiration.is_none_or(|e| e >= now))
    {
        match verify_secret(&stored.value, secret) {
            SecretMatch::Match => return Ok(client),
            SecretMatch::NoMatch if state.fault(&fault::WRONG_SECRET_ACCEPTED) => {
                return Ok(client);
            }
            SecretMatch::NoMatch => {}
            // IdentityServer stops at a malformed stored value, even if a later one would match.
            SecretMatch::InvalidStoredValue => {
                tracing::warn!(client_id = %client.client_id, "a stored secret is not Base64 of a SHA-256/512 hash");
                return Err(invalid("a stored secret of the client is malformed"));
            }
        }
    }
    Err(invalid("the secret matches none of the client's unexpired secrets"))
}
