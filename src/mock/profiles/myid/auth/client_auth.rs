//! Client authentication at the token endpoint, as IdentityServer4's
//! `ClientSecretValidator` does it: the Basic parser first, then the body parser, then
//! the client assertion parser; `HashedSharedSecretValidator` against the stored hashes,
//! `PrivateKeyJwtSecretValidator` against a client's public keys (secrets of Type
//! `JWK`).

use axum::http::{HeaderMap, header};

use crate::mock::config::Client;
use crate::mock::error::OAuthError;
use crate::mock::form::FormParams;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, ErrorCode, basic};

/// IdentityServer's `InputLengthRestrictions.ClientId` and `ClientSecret`.
const MAX_ID: usize = 100;
const MAX_SECRET: usize = 100;

/// RFC 7523 §2.2's assertion type.
const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// What the parsers found.
enum Credential {
    /// An id with a non-empty secret.
    Shared { id: String, secret: ClientSecret },
    /// A signed assertion (`private_key_jwt`), with the client it names.
    Assertion { id: String, jwt: String },
    /// An id and no secret (public clients, or a confidential client that forgot it).
    IdOnly { id: String },
}

impl Credential {
    fn id(&self) -> &str {
        match self {
            Credential::Shared { id, .. }
            | Credential::Assertion { id, .. }
            | Credential::IdOnly { id } => id,
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

/// `JwtBearerClientAssertionSecretParser`: an assertion of the jwt-bearer type names
/// its client in `sub`; a `client_id` beside it must agree.
fn from_assertion(form: &FormParams) -> Option<Credential> {
    if form.present("client_assertion_type") != Some(JWT_BEARER_ASSERTION) {
        return None;
    }
    let jwt = form
        .present("client_assertion")
        .filter(|a| a.len() <= crate::mock::assertion::MAX_ASSERTION)?;
    let payload = crate::protocol::jwt::Compact::split(jwt)?.payload;
    let claims: crate::mock::assertion::Claims = crate::protocol::jwt::decode_segment(payload)?;
    let id = claims.sub?;
    if form.present("client_id").is_some_and(|c| c != id) || id.len() > MAX_ID {
        return None;
    }
    Some(Credential::Assertion {
        id,
        jwt: jwt.to_owned(),
    })
}

/// `SecretParser.ParseAsync`: the first parser that finds a secret wins; an id-only
/// result is kept unless a later parser finds something. So with a Basic secret the
/// body's `client_id`/`client_secret` are ignored outright.
fn parse(state: &AppState, headers: &HeaderMap, form: &FormParams) -> Option<Credential> {
    if state.fault(&fault::BODY_CREDENTIALS_FIRST) {
        return from_body(state, form).or_else(|| from_basic(state, headers));
    }
    match from_basic(state, headers) {
        found @ Some(Credential::Shared { .. }) => found,
        basic_id_only => match from_body(state, form) {
            found @ Some(Credential::Shared { .. }) => found,
            body_id_only => from_assertion(form).or(body_id_only).or(basic_id_only),
        },
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
        Credential::IdOnly { id } | Credential::Assertion { id, .. } => (id, None),
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
    let now = state.clock.now();
    let secret = match &credential {
        Credential::Shared { secret, .. } => secret,
        Credential::Assertion { jwt, .. } => {
            return private_key_jwt(state, client, jwt, &token_endpoint(headers), now)
                .map(|()| client)
                .map_err(invalid);
        }
        Credential::IdOnly { .. } => {
            return Err(invalid("the client needs a secret and sent none"));
        }
    };
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
    Err(invalid(
        "the secret matches none of the client's unexpired secrets",
    ))
}

/// Where an assertion must be addressed: the token endpoint, which IdentityServer4
/// 4.1.2's `PrivateKeyJwtSecretValidator` takes as the only audience.
fn token_endpoint(headers: &HeaderMap) -> String {
    format!("{}/connect/token", super::issuer(headers))
}

/// `PrivateKeyJwtSecretValidator`: the assertion verifies with one of the client's
/// unexpired public keys (secrets of Type `JWK`), then RFC 7523 §3's checks, its `jti`
/// spent in the replay cache.
fn private_key_jwt(
    state: &AppState,
    client: &Client,
    jwt: &str,
    audience: &str,
    now: i64,
) -> Result<(), &'static str> {
    let mut keys = client
        .secrets
        .iter()
        .filter(|s| s.kind == "JWK" && s.expiration.is_none_or(|e| e >= now))
        .peekable();
    if keys.peek().is_none() {
        return Err("the client has no key to verify an assertion with");
    }
    // Fault `client-assertion-refused`: no assertion authenticates, however good.
    if state.fault(&fault::CLIENT_ASSERTION_REFUSED) {
        return Err("client assertions are not taken");
    }
    let claims = keys
        .find_map(|k| verify_with_jwk(&k.value, jwt))
        .or_else(|| {
            // Fault `client-assertion-unverified`: the claims read without the signature.
            state
                .fault(&fault::CLIENT_ASSERTION_UNVERIFIED)
                .then(|| {
                    let payload = crate::protocol::jwt::Compact::split(jwt)?.payload;
                    crate::protocol::jwt::decode_segment(payload)
                })
                .flatten()
        })
        .ok_or("the assertion's signature verifies with none of the client's keys")?;
    let audiences = [audience.to_owned()];
    let expected = crate::mock::assertion::Expected {
        client_id: client.client_id.as_str(),
        audiences: &audiences,
        max_lifetime: None,
    };
    let lenient = crate::mock::assertion::Lenience {
        issuer: false,
        audience: state.fault(&fault::CLIENT_ASSERTION_ANY_AUDIENCE),
        expiry: state.fault(&fault::CLIENT_ASSERTION_EXPIRED_TAKEN),
        replay: state.fault(&fault::CLIENT_ASSERTION_REPLAYABLE),
    };
    let mut store = state.store();
    crate::mock::assertion::check(&claims, &expected, now, lenient, store.client_assertions())
}

/// The claims of `jwt` when its RSA signature verifies with the public key `jwk` (a
/// JSON Web Key, as the secret's Value holds it).
fn verify_with_jwk(jwk: &str, jwt: &str) -> Option<crate::mock::assertion::Claims> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let key: serde_json::Value = serde_json::from_str(jwk).ok()?;
    if key.get("kty")?.as_str()? != "RSA" {
        return None;
    }
    let decoding =
        DecodingKey::from_rsa_components(key.get("n")?.as_str()?, key.get("e")?.as_str()?).ok()?;
    let alg = jsonwebtoken::decode_header(jwt).ok()?.alg;
    let rsa = [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ];
    if !rsa.contains(&alg) {
        return None;
    }
    // Only the signature here: the claims are judged by `assertion::check`.
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode(jwt, &decoding, &validation)
        .ok()
        .map(|d| d.claims)
}
