//! What a test asks of a mock in the words every profile shares: a [`Client`] and a
//! [`User`]. Each profile lowers them into its own settings model; nothing here knows
//! any profile.

use serde_json::{Map, Value};

/// A client to add, in the words every profile shares; the profile turns it into its
/// own settings entry (see [`Client::setting`] for anything those words do not cover).
#[derive(Clone, PartialEq)]
pub struct Client {
    pub(crate) id: String,
    pub(crate) secret: Option<String>,
    pub(crate) grants: Vec<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) access_token_lifetime: Option<i64>,
    pub(crate) api_user: Option<String>,
    pub(crate) settings: Map<String, Value>,
}

impl Client {
    /// A client that authenticates with `secret` (stored only as its hash). Unless told
    /// otherwise it uses client credentials.
    pub fn confidential(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Client {
            secret: Some(secret.into()),
            ..Self::public(id)
        }
    }

    /// A client without a secret (a single-page or native app): the code flow with
    /// PKCE unless told otherwise.
    pub fn public(id: impl Into<String>) -> Self {
        Client {
            id: id.into(),
            secret: None,
            grants: Vec::new(),
            scopes: Vec::new(),
            redirect_uris: Vec::new(),
            access_token_lifetime: None,
            api_user: None,
            settings: Map::new(),
        }
    }

    /// The grant types it may use (`client_credentials`, `authorization_code`, …);
    /// replaces the default.
    pub fn grants<I: IntoIterator<Item = S>, S: Into<String>>(mut self, grants: I) -> Self {
        self.grants = grants.into_iter().map(Into::into).collect();
        self
    }

    /// The scopes it may ask for (`offline_access` among them gives refresh tokens).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A redirect URI it may use (compared exactly, as every profile compares it).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Seconds its access tokens live.
    pub fn access_token_lifetime(mut self, seconds: i64) -> Self {
        self.access_token_lifetime = Some(seconds);
        self
    }

    /// MyID: the API user it acts as at the Core API (`MyIDLogonName`, manual §3.2),
    /// a person of the seed data with that logon name.
    pub fn api_user(mut self, logon_name: impl Into<String>) -> Self {
        self.api_user = Some(logon_name.into());
        self
    }

    /// Any other setting of the profile's own client model, as its settings file
    /// writes it: `("RequireConsent", true)` for MyID, `("Accounts", ["acme"])` for
    /// ClearID, `("RefreshTokens", {"Enabled": true})` for Beyond Identity. It wins over
    /// what the builder would have written for the same key.
    pub fn setting(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.settings.insert(key.into(), value.into());
        self
    }
}

/// A person who can sign in at the mock's sign-in page (MyID's `TestUsers`, Beyond
/// Identity's identities). The password is stored only as its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) subject: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
}

impl User {
    /// A person signing in as `username` with `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        User {
            username: username.into(),
            password: password.into(),
            subject: None,
            name: None,
            email: None,
        }
    }

    /// The `sub` of their tokens: for MyID the person's id in the seed data (an
    /// upper-case GUID), which the Core API looks them up by. Defaults to the username.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Their display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Their e-mail address (Beyond Identity).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }
}

/// Without the secret: a test's `{:?}` must not print it.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("grants", &self.grants)
            .field("scopes", &self.scopes)
            .field("redirect_uris", &self.redirect_uris)
            .finish_non_exhaustive()
    }
}

/// Without the password.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}
