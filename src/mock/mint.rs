//! Tokens without a flow: what a test of a resource server needs when the flow itself
//! is not what it tests. A minted token is the one the mock would issue to the named
//! client (its issuer, audience, lifetime, header and claim order), signed with the
//! mock's key, then changed by exactly the claims the test gives. Faults do not apply:
//! a test that wants a wrong token says which claim is wrong.
//!
//! Each profile mints in its own folder (`profiles/<service>/mint.rs`), through its
//! [`Bound`](super::profiles::Bound); this file holds what they share.

use serde_json::{Map, Value, json};

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
