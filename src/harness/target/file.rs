//! The target file as written: its TOML, field by field, before anything is resolved.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::harness::endpoints::Overrides;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TargetFile {
    pub(super) name: String,
    #[serde(default)]
    pub(super) profile: Option<String>,
    #[serde(default)]
    pub(super) mock: bool,
    #[serde(default)]
    pub(super) issuer: Option<String>,
    #[serde(default)]
    pub(super) discovery_url: Option<String>,
    #[serde(default)]
    pub(super) auth_base: Option<String>,
    #[serde(default)]
    pub(super) api_base: Option<String>,
    #[serde(default)]
    pub(super) endpoints: Overrides,
    #[serde(default)]
    pub(super) access_tokens: Option<String>,
    #[serde(default)]
    pub(super) control_base: Option<String>,
    #[serde(default)]
    pub(super) capabilities: Vec<String>,
    #[serde(default)]
    pub(super) max_wait_seconds: u64,
    #[serde(default)]
    pub(super) min_judged: Option<usize>,
    #[serde(default)]
    pub(super) clients: BTreeMap<String, ClientEntry>,
    #[serde(default)]
    pub(super) login: Option<LoginEntry>,
    #[serde(default)]
    pub(super) cors: Option<CorsEntry>,
    #[serde(default)]
    pub(super) expectations: Option<String>,
    /// PEM certificates to trust besides the platform's (a private CA), relative to the
    /// target file.
    #[serde(default)]
    pub(super) ca_file: Option<String>,
    #[serde(default)]
    pub(super) licences: Option<Licences>,
    #[serde(default)]
    pub(super) apis: BTreeMap<String, String>,
}

/// A licence pool, as Jim2 keeps one: the scenarios take every licence with the
/// `holders` (one role each) and then try with `waiting`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licences {
    /// How many licences the server has.
    pub size: usize,
    /// Client roles that take the licences, as many as `size`.
    pub holders: Vec<String>,
    /// A further client role that finds none free.
    pub waiting: String,
    /// Seconds a licensed session lives after its latest token request.
    pub session_lifetime: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LoginEntry {
    pub(super) driver: String,
    #[serde(default)]
    pub(super) username: Option<String>,
    #[serde(default)]
    pub(super) password_env: Option<String>,
    #[serde(default)]
    pub(super) fields: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) submit: Option<String>,
    #[serde(default)]
    pub(super) command: Vec<String>,
    #[serde(default)]
    pub(super) max_steps: Option<usize>,
    /// Origins besides the server's own that a sign-in may pass through: a login
    /// application on another origin.
    #[serde(default)]
    pub(super) origins: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CorsEntry {
    pub(super) allowed_origin: String,
    #[serde(default)]
    pub(super) disallowed_origin: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClientEntry {
    pub(super) client_id: String,
    /// How the server has the client authenticate: `client_secret_basic`,
    /// `client_secret_post`, `none` or `private_key_jwt`; either secret method unless set.
    #[serde(default)]
    pub(super) auth_method: Option<String>,
    #[serde(default)]
    pub(super) secret_env: Option<String>,
    #[serde(default)]
    pub(super) scope: Option<String>,
    #[serde(default)]
    pub(super) other_scope: Option<String>,
    #[serde(default)]
    pub(super) audience: Option<String>,
    #[serde(default)]
    pub(super) redirect_uri: Option<String>,
    #[serde(default)]
    pub(super) access_token_lifetime: Option<u64>,
    #[serde(default)]
    pub(super) code_lifetime: Option<u64>,
    #[serde(default)]
    pub(super) sliding_refresh_lifetime: Option<u64>,
    #[serde(default)]
    pub(super) absolute_refresh_lifetime: Option<u64>,
    #[serde(default)]
    pub(super) assertion_key_env: Option<String>,
    #[serde(default)]
    pub(super) assertion_audience: Option<String>,
    #[serde(default)]
    pub(super) account: Option<String>,
    #[serde(default)]
    pub(super) issuer: Option<String>,
    #[serde(default)]
    pub(super) post_logout_redirect_uri: Option<String>,
}
