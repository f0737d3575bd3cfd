//! Tokens without a flow: what a test of a resource server needs when the flow itself
//! is not what it tests. A minted token is the one the mock would issue to the named
//! client (its issuer, audience, lifetime, header and claim order), signed with the
//! mock's key, then changed by exactly the claims the test gives. Faults do not apply:
//! a test that wants a wrong token says which claim is wrong.
//!
//! Each profile mints in its own folder (`profiles/<vendor>/mint.rs`; MyID's here,
//! beside the auth server's own minting); this file holds what they share and the one
//! place that picks the profile.

use serde_json::{Map, Value, json};

use super::auth::{oidc, tokens};
use super::store::Subject;
use super::{AUTH_BASE, MockServer, Vendor, profiles};
use crate::protocol::handle::random_hex;
use crate::protocol::jwt::ACCESS_TOKEN_TYP;

/// What to mint: for which client, and what to change.
#[derive(Debug, Clone, PartialEq)]
pub struct Mint {
    pub(crate) client_id: String,
    pub(crate) subject: Option<String>,
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) lifetime: Option<i64>,
    pub(crate) nonce: Option<String>,
    pub(crate) claims: Map<String, Value>,
}

impl Mint {
    /// A token for `client_id`, a client the mock knows: as client credentials would
    /// give it, until [`Self::subject`] makes it a signed-in person's.
    pub fn client(client_id: impl Into<String>) -> Self {
        Mint {
            client_id: client_id.into(),
            subject: None,
            scopes: None,
            lifetime: None,
            nonce: None,
            claims: Map::new(),
        }
    }

    /// A signed-in person's token: `sub` (for MyID, the person's id in the seed data,
    /// which the Core API acts as), signed in now.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The granted scopes, space-separated; by default all the client may have (for a
    /// token without a subject, only its API scopes, as client credentials grants).
    pub fn scope(mut self, scope: &str) -> Self {
        self.scopes = Some(scope.split_whitespace().map(str::to_owned).collect());
        self
    }

    /// Seconds the token lives from the mock's now, in place of the client's lifetime.
    /// Negative makes a token that expired that long ago.
    pub fn lifetime(mut self, seconds: i64) -> Self {
        self.lifetime = Some(seconds);
        self
    }

    /// The id_token's `nonce`.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Sets a claim, replacing the mock's value in place (the order of claims stays
    /// the mock's) or adding it at the end; `Value::Null` removes it.
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.claims.insert(name.into(), value.into());
        self
    }

    /// The lifetime asked for, or the client's.
    pub(crate) fn lifetime_or(&self, default: i64) -> i64 {
        self.lifetime.unwrap_or(default)
    }

    /// The scopes asked for, or `default`.
    pub(crate) fn scopes_or(&self, default: impl FnOnce() -> Vec<String>) -> Vec<String> {
        self.scopes.clone().unwrap_or_else(default)
    }

    /// Lays the given claims over `claims`, and `exp` from the lifetime asked for.
    pub(crate) fn overlay(&self, claims: &mut Map<String, Value>, now: i64) {
        if let Some(l) = self.lifetime {
            claims.insert("exp".into(), json!(now + l));
        }
        for (k, v) in &self.claims {
            if v.is_null() {
                claims.shift_remove(k);
            } else {
                claims.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Why a token could not be minted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MintError {
    /// The mock has no (enabled) client by that id.
    #[error("the mock has no client '{0}'")]
    UnknownClient(String),
    /// The profile does not issue such a token, or not to this client.
    #[error("{0}")]
    Unsupported(String),
    /// Signing failed (the key is unusable).
    #[error("the token could not be signed")]
    Signing,
}

pub(crate) fn access_token(server: &MockServer, mint: &Mint) -> Result<String, MintError> {
    let state = server.state();
    match &state.config.vendor {
        Vendor::Myid => myid_access_token(server, mint),
        Vendor::Jim2(s) => profiles::jim2::mint::access_token(state, s, mint),
        Vendor::ClearId(s) => {
            profiles::clearid::mint::access_token(state, s, mint, &server.base_url())
        }
        Vendor::BeyondIdentity(s) => {
            profiles::beyond_identity::mint::access_token(state, s, mint, &server.base_url())
        }
    }
}

pub(crate) fn id_token(server: &MockServer, mint: &Mint) -> Result<String, MintError> {
    let state = server.state();
    match &state.config.vendor {
        Vendor::Myid => myid_id_token(server, mint),
        Vendor::BeyondIdentity(s) => {
            profiles::beyond_identity::mint::id_token(state, s, mint, &server.base_url())
        }
        Vendor::Jim2(_) | Vendor::ClearId(_) => Err(MintError::Unsupported(format!(
            "the {} profile issues no id_token",
            server.profile()
        ))),
    }
}

pub(crate) fn issuer(server: &MockServer, client_id: &str) -> Option<String> {
    let state = server.state();
    match &state.config.vendor {
        Vendor::Myid => Some(myid_issuer(server)),
        Vendor::Jim2(_) => None,
        Vendor::ClearId(s) => s.client(client_id).map(|_| server.base_url()),
        Vendor::BeyondIdentity(s) => {
            profiles::beyond_identity::mint::issuer(s, client_id, &server.base_url())
        }
    }
}

/// MyID's issuer: the configured authority, or the auth server's URL, lower-cased as
/// IdentityServer writes it.
fn myid_issuer(server: &MockServer) -> String {
    server
        .state()
        .authority()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}{AUTH_BASE}", server.base_url()).to_lowercase())
}

fn myid_client<'a>(
    server: &'a MockServer,
    mint: &Mint,
) -> Result<&'a super::config::Client, MintError> {
    server
        .state()
        .config
        .auth
        .clients
        .find_enabled(&mint.client_id)
        .ok_or_else(|| MintError::UnknownClient(mint.client_id.clone()))
}

/// A signed-in person as the login page would make them: signed in now, with a
/// password, at the local identity provider, in a new session.
fn myid_subject(server: &MockServer, sub: &str) -> Subject {
    let state = server.state();
    let username = state
        .config
        .auth
        .users
        .iter()
        .find(|u| u.subject_id.eq_ignore_ascii_case(sub))
        .map_or_else(|| sub.to_owned(), |u| u.username.clone());
    Subject {
        sub: sub.to_owned(),
        username,
        auth_time: state.clock.now(),
        idp: "local".into(),
        amr: vec!["pwd".into()],
        sid: random_hex(16),
    }
}

fn myid_access_token(server: &MockServer, mint: &Mint) -> Result<String, MintError> {
    let state = server.state();
    let client = myid_client(server, mint)?;
    let subject = mint.subject.as_deref().map(|s| myid_subject(server, s));
    let resources = &state.config.auth.resources;
    let scopes = mint.scopes_or(|| {
        client
            .allowed_scopes
            .iter()
            .filter(|s| subject.is_some() || resources.is_api_scope(s))
            .cloned()
            .collect()
    });
    let claims = tokens::claims(
        state,
        client,
        &crate::protocol::Scopes::from_names(scopes),
        &myid_issuer(server),
        subject.as_ref(),
    );
    let Ok(Value::Object(mut map)) = serde_json::to_value(&claims) else {
        return Err(MintError::Signing);
    };
    mint.overlay(&mut map, state.clock.now());
    state
        .config
        .signing_key
        .sign(ACCESS_TOKEN_TYP, &map)
        .map_err(|_| MintError::Signing)
}

fn myid_id_token(server: &MockServer, mint: &Mint) -> Result<String, MintError> {
    let state = server.state();
    let client = myid_client(server, mint)?;
    let sub = mint.subject.as_deref().ok_or_else(|| {
        MintError::Unsupported("an id_token is about a person: give Mint::subject".into())
    })?;
    let subject = myid_subject(server, sub);
    let issuer = myid_issuer(server);
    let t = oidc::IdToken {
        client,
        subject: &subject,
        nonce: mint.nonce.as_deref(),
        access_token: None,
        with_sid: true,
        issuer: &issuer,
    };
    let now = state.clock.now();
    let mut claims = oidc::id_claims(now, &t);
    mint.overlay(&mut claims, now);
    oidc::sign_id_token(state, &claims).map_err(|_| MintError::Signing)
}
