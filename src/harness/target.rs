//! What the suite runs against: an embedded mock (a fresh one per scenario, each with
//! its own clock) or a live server described by a TOML target file.
//!
//! A target file needs little: the server's issuer (or its discovery URL), the profile
//! it claims (`oauth2`, `oidc`, `identityserver4`, `myid`), and the clients the features
//! may use, by role, so the same feature works against any installation. Every endpoint
//! comes from the server's discovery document ([`super::endpoints`]), with overrides for
//! servers that publish none. Secrets are never in the file: it names the environment
//! variables that hold them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::endpoints::{Endpoints, Overrides};
use super::profiles::ServerProfile;
use crate::protocol::{ClientId, ClientSecret, Clock};
use crate::{MockBuilder, MockConfig, MockServer, Profile};

/// Where the served mocks' target files expect them.
const SERVED_ORIGIN: &str = "http://127.0.0.1:5000";

/// Why a target cannot be used. The CLI exits with status 2 on these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The file could not be read.
    #[error("cannot read target file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid target description.
    #[error("target file {path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Secrets' environment variables are not set.
    #[error("target file {path}: these environment variables must hold client secrets but are not set: {}", .missing.join(", "))]
    MissingSecret {
        /// The file.
        path: String,
        /// `VARIABLE (role ROLE)` for each missing secret.
        missing: Vec<String>,
    },
    /// The embedded mock could not be prepared.
    #[error("cannot prepare the embedded mock: {0}")]
    Mock(String),
}

/// The target file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    name: String,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    mock: bool,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    discovery_url: Option<String>,
    #[serde(default)]
    auth_base: Option<String>,
    #[serde(default)]
    api_base: Option<String>,
    #[serde(default)]
    endpoints: Overrides,
    #[serde(default)]
    access_tokens: Option<String>,
    #[serde(default)]
    control_base: Option<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    max_wait_seconds: u64,
    #[serde(default)]
    min_judged: Option<usize>,
    #[serde(default)]
    clients: BTreeMap<String, ClientEntry>,
    #[serde(default)]
    login: Option<LoginEntry>,
    #[serde(default)]
    cors: Option<CorsEntry>,
    #[serde(default)]
    expectations: Option<String>,
    #[serde(default)]
    licences: Option<Licences>,
    #[serde(default)]
    apis: BTreeMap<String, String>,
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
struct LoginEntry {
    driver: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    submit: Option<String>,
    #[serde(default)]
    command: Vec<String>,
    #[serde(default)]
    max_steps: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorsEntry {
    allowed_origin: String,
    #[serde(default)]
    disallowed_origin: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    client_id: String,
    #[serde(default)]
    secret_env: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    other_scope: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    access_token_lifetime: Option<u64>,
    #[serde(default)]
    code_lifetime: Option<u64>,
    #[serde(default)]
    sliding_refresh_lifetime: Option<u64>,
    #[serde(default)]
    absolute_refresh_lifetime: Option<u64>,
    #[serde(default)]
    assertion_key_env: Option<String>,
    #[serde(default)]
    assertion_audience: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    post_logout_redirect_uri: Option<String>,
}

/// The private key a client signs its RFC 7523 assertions with, and the audience they
/// name. The key is never printed.
#[derive(Clone)]
pub struct AssertionKey {
    /// PEM text of the RSA private key.
    pub pem: Arc<String>,
    /// The `aud` the server expects.
    pub audience: String,
}

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionKey")
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// A client the features can use, by role.
#[derive(Debug, Clone)]
pub struct ClientProfile {
    /// The client id.
    pub client_id: ClientId,
    /// Its secret; `None` for a public client.
    pub secret: Option<ClientSecret>,
    /// Where the secret came from (an environment variable), for messages.
    pub secret_source: Option<String>,
    /// The scope to ask for.
    pub scope: String,
    /// A scope the server knows but this client may not ask for.
    pub other_scope: Option<String>,
    /// The audience the server puts in this client's access tokens (RFC 9068 §3).
    pub audience: Option<String>,
    /// The registered redirect URI, for code-flow clients.
    pub redirect_uri: Option<String>,
    /// How long the server's tokens and codes for this client live.
    pub lifetimes: Lifetimes,
    /// Its assertion key, for the jwt-bearer grant.
    pub assertion: Option<AssertionKey>,
    /// The account its tokens reach, for APIs scoped by account (ClearID's).
    pub account: Option<String>,
    /// Its own issuer, for servers where each client has its own endpoints (Beyond
    /// Identity's applications): its endpoints are discovered from it.
    pub issuer: Option<String>,
    /// A registered post-logout redirect URI, for OpenID Connect logout.
    pub post_logout_redirect_uri: Option<String>,
}

/// Lifetimes the server applies to a client, in seconds; `None` where neither the
/// target file nor the profile says. MyID targets default to MyID's documented values
/// (manual §4.4, `AccessTokenLifetime` 3600, codes 300 s, sliding 7200, absolute
/// 518400); IdentityServer4 targets to its defaults; other servers declare theirs, and
/// a scenario that needs an undeclared lifetime is skipped with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lifetimes {
    /// `AccessTokenLifetime`.
    pub access_token: Option<u64>,
    /// `AuthorizationCodeLifetime`.
    pub code: Option<u64>,
    /// `SlidingRefreshTokenLifetime`.
    pub sliding_refresh: Option<u64>,
    /// `AbsoluteRefreshTokenLifetime`.
    pub absolute_refresh: Option<u64>,
}

impl Lifetimes {
    /// The documented defaults of a profile.
    fn defaults(profile: ServerProfile) -> Lifetimes {
        match profile {
            ServerProfile::Myid => Lifetimes {
                access_token: Some(3_600),
                code: Some(300),
                sliding_refresh: Some(7_200),
                absolute_refresh: Some(518_400),
            },
            // IdentityServer4's `Client` defaults (IS4-client-defaults).
            ServerProfile::IdentityServer4 => Lifetimes {
                access_token: Some(3_600),
                code: Some(300),
                sliding_refresh: Some(1_296_000),
                absolute_refresh: Some(2_592_000),
            },
            ServerProfile::OAuth2
            | ServerProfile::Oidc
            | ServerProfile::Jim2
            | ServerProfile::ClearId
            | ServerProfile::BeyondIdentity => Lifetimes::default(),
        }
    }
}

/// How the harness signs a user in at the authorize endpoint.
#[derive(Debug, Clone)]
pub enum LoginDriver {
    /// Follow redirects with a cookie jar and post every HTML form met, filling these
    /// fields (hidden fields keep their values) and pressing the `submit` button.
    Form {
        /// Field name → value.
        fields: Vec<(String, String)>,
        /// The value of the submit button to press, when forms have several.
        submit: Option<String>,
        /// How many pages to pass through at most.
        max_steps: usize,
    },
    /// Run a program with the authorize URL; it prints the final redirect URL.
    Command(Vec<String>),
}

/// Origins for CORS scenarios.
#[derive(Debug, Clone)]
pub struct CorsOrigins {
    /// An origin some client lists in `AllowedCorsOrigins`.
    pub allowed: String,
    /// An origin no client lists.
    pub disallowed: String,
}

/// A target with its secrets resolved.
#[derive(Debug, Clone)]
pub struct TargetProfile {
    /// A name for reports.
    pub name: String,
    /// What the server claims to be, and so which rules judge it.
    pub server: ServerProfile,
    /// Whether the target is this project's own mock, where assumed rules were decided
    /// and are judged as written; elsewhere they only warn.
    pub is_mock: bool,
    /// The issuer the server is expected to name (no trailing slash).
    pub issuer: String,
    /// Where the metadata is, when the target file says.
    pub discovery_url: Option<String>,
    /// Endpoints set by hand.
    pub endpoint_overrides: Overrides,
    /// The server promises RFC 9068 JWT access tokens (`access_tokens = "rfc9068"`, or
    /// a profile that documents them), so a token of another shape fails rather than
    /// skipping the JWT rules.
    pub promises_rfc9068: bool,
    /// Auth-server base URL (no trailing slash): MyID's `/web.oauth2`, or the issuer.
    pub auth_base: String,
    /// Core API base URL (no trailing slash), for servers that have MyID's Core API.
    pub api_base: Option<String>,
    /// The mock control plane, when the target is a served mock started with `--control`.
    pub control_base: Option<String>,
    /// What the server can do; scenarios tagged `@requires:X` need `X`.
    pub capabilities: BTreeSet<String>,
    /// How long a scenario may wait for real time against this target.
    pub max_wait_seconds: u64,
    /// How many scenarios a run must judge (pass or fail) before `check` believes it:
    /// fewer exits 2, so a gate notices coverage that silently drops.
    pub min_judged: Option<usize>,
    /// Clients by role.
    pub clients: BTreeMap<String, ClientProfile>,
    /// How users sign in, when the target supports interactive flows.
    pub login: Option<LoginDriver>,
    /// Origins for CORS checks.
    pub cors: Option<CorsOrigins>,
    /// Values that must never appear in transcripts (secrets, passwords).
    pub sensitive: Vec<String>,
    /// The server's known deviations from the strict rules.
    pub deviations: Vec<super::expectations::Deviation>,
    /// The licence pool, for servers that have one.
    pub licences: Option<Licences>,
    /// Base URLs of a vendor's APIs by name (`[apis]`; ClearID's `identities`).
    pub apis: BTreeMap<String, String>,
}

impl TargetProfile {
    /// Parses a target file, reading secrets through `lookup` (the environment, for a
    /// live target).
    pub fn parse(
        text: &str,
        path: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, TargetError> {
        let file: TargetFile = toml::from_str(text).map_err(|e| TargetError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| TargetError::Invalid {
            path: path.to_owned(),
            message,
        };
        let server: ServerProfile = file
            .profile
            .as_deref()
            .unwrap_or("oauth2")
            .parse()
            .map_err(invalid)?;
        let issuer = file
            .issuer
            .clone()
            .or_else(|| file.auth_base.clone())
            .ok_or_else(|| {
                invalid("give the server's issuer (issuer = \"https://…\"), or auth_base".into())
            })?;
        let urls = [
            ("issuer", Some(&issuer)),
            ("discovery_url", file.discovery_url.as_ref()),
            ("auth_base", file.auth_base.as_ref()),
            ("api_base", file.api_base.as_ref()),
        ];
        let overrides = file.endpoints.urls().map(|u| ("[endpoints]", Some(u)));
        let client_issuers = file
            .clients
            .values()
            .map(|c| ("a client's issuer", c.issuer.as_ref()));
        for (key, url) in urls.into_iter().chain(overrides).chain(client_issuers) {
            if let Some(url) = url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err(invalid(format!(
                    "{key} must be an http:// or https:// URL, found '{url}'"
                )));
            }
        }
        let promises_rfc9068 = match file.access_tokens.as_deref() {
            None => server.promises_jwt_access_tokens(),
            Some("rfc9068") => true,
            Some("any") => false,
            Some(other) => {
                return Err(invalid(format!(
                    "access_tokens must be \"rfc9068\" or \"any\", found '{other}'"
                )));
            }
        };
        let defaults = Lifetimes::defaults(server);
        let default_scope = if server == ServerProfile::Myid {
            "myid.rest.basic"
        } else {
            ""
        };
        let mut clients = BTreeMap::new();
        let mut missing = Vec::new();
        for (role, entry) in file.clients {
            // The assertion key: the variable holds the PEM itself or a path to it.
            let assertion = match &entry.assertion_key_env {
                None => None,
                Some(var) => match lookup(var) {
                    None => {
                        missing.push(format!("{var} (role {role})"));
                        None
                    }
                    Some(value) => {
                        let pem = if value.trim_start().starts_with("-----BEGIN") {
                            value
                        } else {
                            std::fs::read_to_string(value.trim()).map_err(|e| {
                                invalid(format!("{var} names the key file '{value}': {e}"))
                            })?
                        };
                        Some(AssertionKey {
                            pem: Arc::new(pem),
                            audience: entry.assertion_audience.clone().unwrap_or_default(),
                        })
                    }
                },
            };
            let secret = match &entry.secret_env {
                Some(var) => match lookup(var) {
                    Some(value) => Some(ClientSecret::new(value)),
                    None => {
                        missing.push(format!("{var} (role {role})"));
                        None
                    }
                },
                None => None,
            };
            clients.insert(
                role,
                ClientProfile {
                    client_id: ClientId::new(entry.client_id),
                    secret,
                    secret_source: entry.secret_env,
                    scope: entry.scope.unwrap_or_else(|| default_scope.into()),
                    other_scope: entry.other_scope,
                    // MyID's access tokens are for its Core API (manual §3.3).
                    audience: entry.audience.or_else(|| {
                        (server == ServerProfile::Myid).then(|| "myid.rest".to_owned())
                    }),
                    redirect_uri: entry.redirect_uri,
                    lifetimes: Lifetimes {
                        access_token: entry.access_token_lifetime.or(defaults.access_token),
                        code: entry.code_lifetime.or(defaults.code),
                        sliding_refresh: entry
                            .sliding_refresh_lifetime
                            .or(defaults.sliding_refresh),
                        absolute_refresh: entry
                            .absolute_refresh_lifetime
                            .or(defaults.absolute_refresh),
                    },
                    assertion,
                    account: entry.account,
                    issuer: entry.issuer,
                    post_logout_redirect_uri: entry.post_logout_redirect_uri,
                },
            );
        }
        let mut sensitive: Vec<String> = Vec::new();
        let login = match file.login {
            None => None,
            Some(l) => {
                Some(login_driver(l, lookup, &mut missing, &mut sensitive).map_err(invalid)?)
            }
        };
        if !missing.is_empty() {
            return Err(TargetError::MissingSecret {
                path: path.to_owned(),
                missing,
            });
        }
        let mut capabilities: BTreeSet<String> = file.capabilities.into_iter().collect();
        capabilities.extend(clients.keys().map(|role| format!("client.{role}")));
        if file.control_base.is_some() {
            capabilities.insert("clock_control".into());
        }
        if let Some(l) = &login {
            capabilities.insert("login".into());
            // The form driver keeps the browser's cookies for the scenario, so a second
            // authorization meets the first sign-in's session; a login command does not,
            // and scenarios about that session (max_age, logout) would pass on nothing.
            if matches!(l, LoginDriver::Form { .. }) {
                capabilities.insert("login.form".into());
                capabilities.insert("login.session".into());
            }
        }
        if file.cors.is_some() {
            capabilities.insert("cors".into());
        }
        if file.api_base.is_some() {
            capabilities.insert("core_api".into());
        }
        if let Some(l) = &file.licences {
            let roles = l.holders.iter().chain([&l.waiting]);
            if let Some(role) = roles.clone().find(|r| !clients.contains_key(*r)) {
                return Err(invalid(format!(
                    "[licences] names the client role '{role}', which [clients] does not define"
                )));
            }
            if l.holders.len() != l.size {
                return Err(invalid(format!(
                    "[licences] has {} holders for {} licences: give one holder a licence",
                    l.holders.len(),
                    l.size
                )));
            }
            capabilities.insert("licences".into());
        }
        sensitive.extend(
            clients
                .values()
                .filter_map(|c| c.secret.as_ref().map(|s| s.expose().to_owned())),
        );
        sensitive.extend(
            clients
                .values()
                .filter_map(|c| c.assertion.as_ref().map(|a| a.pem.to_string())),
        );
        let trim = |u: &str| u.trim_end_matches('/').to_owned();
        Ok(TargetProfile {
            name: file.name,
            server,
            is_mock: file.mock,
            auth_base: trim(file.auth_base.as_deref().unwrap_or(&issuer)),
            issuer: trim(&issuer),
            discovery_url: file.discovery_url,
            endpoint_overrides: file.endpoints,
            promises_rfc9068,
            api_base: file.api_base.as_deref().map(trim),
            control_base: file
                .control_base
                .map(|c| c.trim_end_matches('/').to_owned()),
            capabilities,
            max_wait_seconds: file.max_wait_seconds,
            min_judged: file.min_judged,
            clients,
            login,
            cors: file.cors.map(|c| CorsOrigins {
                allowed: c.allowed_origin,
                disallowed: c
                    .disallowed_origin
                    .unwrap_or_else(|| "https://not-allowed.example".into()),
            }),
            sensitive,
            licences: file.licences,
            apis: file
                .apis
                .into_iter()
                .map(|(k, v)| (k, v.trim_end_matches('/').to_owned()))
                .collect(),
            deviations: match &file.expectations {
                None => Vec::new(),
                // The shipped list, by name, so the embedded mock needs no file.
                Some(e) if e == "myid" => {
                    super::expectations::Expectations::parse(super::expectations::MYID, "myid")
                        .map_err(invalid)?
                }
                Some(e) if e == "clearid" => super::expectations::Expectations::parse(
                    super::expectations::CLEARID,
                    "clearid",
                )
                .map_err(invalid)?,
                Some(e) => {
                    let base = Path::new(path).parent().unwrap_or(Path::new("."));
                    super::expectations::Expectations::load(&base.join(e)).map_err(invalid)?
                }
            },
        })
    }

    /// Reads a live target file; secrets come from the process environment.
    pub fn load(path: &Path) -> Result<Self, TargetError> {
        let text = std::fs::read_to_string(path).map_err(|source| TargetError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string(), &|var| {
            std::env::var(var).ok()
        })
    }

    /// The same target with every URL under `from` moved to `to`: a shipped target file
    /// for a mock served on `127.0.0.1:5000`, pointed at a mock on another port.
    pub fn rebased(&self, from: &str, to: &str) -> TargetProfile {
        let move_to = |u: &str| match u.strip_prefix(from) {
            Some(rest) => format!("{to}{rest}"),
            None => u.to_owned(),
        };
        let mut p = self.clone();
        p.issuer = move_to(&p.issuer);
        p.auth_base = move_to(&p.auth_base);
        p.api_base = p.api_base.as_deref().map(move_to);
        p.control_base = p.control_base.as_deref().map(move_to);
        p.discovery_url = p.discovery_url.as_deref().map(move_to);
        p.endpoint_overrides = p.endpoint_overrides.rebased(from, to);
        for url in p.apis.values_mut() {
            *url = move_to(url);
        }
        for client in p.clients.values_mut() {
            if let Some(iss) = &mut client.issuer {
                *iss = move_to(iss);
            }
        }
        p
    }

    /// Whether the target has `capability`.
    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.contains(capability)
    }
}

/// Expands `${VAR}` from the environment (through `lookup`), noting missing variables.
fn expand_env(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
    sensitive: &mut Vec<String>,
) -> String {
    let mut out = value.to_owned();
    while let Some(start) = out.find("${") {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let var = out[start + 2..start + len].to_owned();
        let resolved = lookup(&var).unwrap_or_else(|| {
            missing.push(format!("{var} (login)"));
            String::new()
        });
        sensitive.push(resolved.clone());
        out.replace_range(start..start + len + 1, &resolved);
    }
    out
}

fn login_driver(
    l: LoginEntry,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
    sensitive: &mut Vec<String>,
) -> Result<LoginDriver, String> {
    let max_steps = l.max_steps.unwrap_or(8);
    match l.driver.as_str() {
        // The mock's own login page: its field names are known.
        "mock" => {
            let username = l.username.ok_or("login driver 'mock' needs username")?;
            let var = l
                .password_env
                .ok_or("login driver 'mock' needs password_env")?;
            let password = expand_env(&format!("${{{var}}}"), lookup, missing, sensitive);
            Ok(LoginDriver::Form {
                fields: vec![("Username".into(), username), ("Password".into(), password)],
                submit: Some("login".into()),
                max_steps,
            })
        }
        "form" => {
            if l.fields.is_empty() {
                return Err("login driver 'form' needs [login.fields]".into());
            }
            let fields = l
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), expand_env(v, lookup, missing, sensitive)))
                .collect();
            Ok(LoginDriver::Form {
                fields,
                submit: l.submit,
                max_steps,
            })
        }
        // A server that signs nobody in (a test double that approves every request):
        // follow its redirects, submit nothing.
        "redirects" => Ok(LoginDriver::Form {
            fields: Vec::new(),
            submit: None,
            max_steps: 0,
        }),
        "command" => {
            if l.command.is_empty() {
                return Err(
                    "login driver 'command' needs command = [\"program\", \"{url}\"]".into(),
                );
            }
            Ok(LoginDriver::Command(l.command))
        }
        other => Err(format!(
            "unknown login driver '{other}' (mock, form, command or redirects)"
        )),
    }
}

/// Reads `export NAME=value` / `NAME=value` lines.
fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("export ").unwrap_or(l).split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('\'').to_owned()))
        .collect()
}

/// What the suite runs against, prepared once per run.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh in-process mock per scenario.
    Embedded {
        /// The roles and secrets of the default clients.
        profile: Arc<TargetProfile>,
        /// Shared by every scenario's mock: one key per process keeps start-up cheap.
        config: Box<MockConfig>,
    },
    /// A server reached over HTTP.
    Live {
        /// What the target file says.
        profile: Arc<TargetProfile>,
        /// The server's endpoints and those of clients with issuers of their own,
        /// discovered by the first scenario and shared.
        endpoints: Arc<tokio::sync::OnceCell<(Arc<Endpoints>, ClientEndpoints)>>,
    },
}

impl Target {
    /// The embedded MyID mock with the shipped clients.
    pub fn embedded() -> Result<Self, TargetError> {
        Self::embedded_with_faults(&[])
    }

    /// The embedded MyID mock with `faults` switched on in every scenario's mock.
    pub fn embedded_with_faults(faults: &[crate::Fault]) -> Result<Self, TargetError> {
        Self::embedded_vendor(Profile::MYID.name(), faults)
    }

    /// The embedded mock imitating the profile named `vendor` (`myid`, `jim2`), with
    /// `faults` on, checked through the profile's shipped target file. It is built as a
    /// user builds one ([`crate::MockBuilder`]), and every scenario gets its own.
    pub fn embedded_vendor(vendor: &str, faults: &[crate::Fault]) -> Result<Self, TargetError> {
        let found = Profile::parse(vendor).ok_or_else(|| {
            TargetError::Mock(format!(
                "no mock profile '{vendor}' (one of: {})",
                Profile::names().join(", ")
            ))
        })?;
        let shipped = found.service().target();
        let mut secrets = parse_env_file(shipped.secrets);
        // Secrets that name a file travel with the mock, so it runs from any directory.
        for (name, value) in shipped.inline {
            secrets.insert((*name).to_owned(), (*value).to_owned());
        }
        let mut profile =
            TargetProfile::parse(shipped.file, shipped.path, &|v| secrets.get(v).cloned())?;
        profile.name = if found == Profile::MYID {
            "embedded mock".into()
        } else {
            format!("embedded {vendor} mock")
        };
        profile.capabilities.insert("clock_control".into());
        let mut builder = MockBuilder::new(found).control_plane(true);
        for fault in faults {
            builder = builder.fault(fault);
        }
        let config = builder
            .config()
            .map_err(|e| TargetError::Mock(e.to_string()))?;
        Ok(Target::Embedded {
            profile: Arc::new(profile),
            config: Box::new(config),
        })
    }

    /// A live target from a file.
    pub fn live(path: &Path) -> Result<Self, TargetError> {
        Ok(Self::from_profile(TargetProfile::load(path)?))
    }

    /// A live target from a parsed profile.
    pub fn from_profile(profile: TargetProfile) -> Self {
        Target::Live {
            profile: Arc::new(profile),
            endpoints: Arc::default(),
        }
    }

    /// Whether the target is a server reached over HTTP and shared by every scenario.
    pub fn is_shared(&self) -> bool {
        matches!(self, Target::Live { .. })
    }

    /// The profile: roles, capabilities, name.
    pub fn profile(&self) -> &Arc<TargetProfile> {
        match self {
            Target::Embedded { profile, .. } | Target::Live { profile, .. } => profile,
        }
    }

    /// Opens what one scenario talks to: for the embedded target a new mock with its
    /// own manual clock.
    pub async fn connect(&self) -> Result<Connection, TargetError> {
        match self {
            Target::Embedded { profile, config } => {
                let clock = Clock::manual_from_system();
                let mock = MockServer::start((**config).clone(), clock.clone())
                    .await
                    .map_err(|e| TargetError::Mock(e.to_string()))?;
                // The profile's shipped target file, moved to this scenario's port: each
                // scenario's mock is found through its own discovery document (or the
                // file's endpoints), exactly as a live server is.
                let profile = Arc::new(profile.rebased(SERVED_ORIGIN, &mock.base_url()));
                let endpoints = discover(
                    &profile.issuer,
                    profile.discovery_url.as_deref(),
                    profile.endpoint_overrides.clone(),
                )
                .await?;
                let client_endpoints = discover_clients(&profile).await?;
                Ok(Connection {
                    auth_base: profile.auth_base.clone(),
                    api_base: profile.api_base.clone(),
                    profile,
                    endpoints: Arc::new(endpoints),
                    client_endpoints,
                    clock: TargetClock::InProcess(clock),
                    _mock: Some(mock),
                })
            }
            Target::Live { profile, endpoints } => {
                let (endpoints, client_endpoints) = endpoints
                    .get_or_try_init(|| async {
                        let main = discover(
                            &profile.issuer,
                            profile.discovery_url.as_deref(),
                            profile.endpoint_overrides.clone(),
                        )
                        .await?;
                        Ok::<_, TargetError>((Arc::new(main), discover_clients(profile).await?))
                    })
                    .await?
                    .clone();
                Ok(Connection {
                    profile: profile.clone(),
                    auth_base: profile.auth_base.clone(),
                    api_base: profile.api_base.clone(),
                    endpoints,
                    client_endpoints,
                    clock: match &profile.control_base {
                        Some(url) => TargetClock::ControlPlane(url.clone()),
                        None => TargetClock::Real(Clock::system()),
                    },
                    _mock: None,
                })
            }
        }
    }
}

/// The endpoints of each client role with an issuer of its own, by role.
pub type ClientEndpoints = Arc<BTreeMap<String, Arc<Endpoints>>>;

/// Discovers every distinct client issuer once.
async fn discover_clients(profile: &TargetProfile) -> Result<ClientEndpoints, TargetError> {
    let mut by_issuer: BTreeMap<&str, Arc<Endpoints>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (role, client) in &profile.clients {
        let Some(iss) = client.issuer.as_deref().filter(|i| *i != profile.issuer) else {
            continue;
        };
        let endpoints = match by_issuer.get(iss) {
            Some(e) => e.clone(),
            None => {
                let e = Arc::new(discover(iss, None, Overrides::default()).await?);
                by_issuer.insert(iss, e.clone());
                e
            }
        };
        out.insert(role.clone(), endpoints);
    }
    Ok(Arc::new(out))
}

async fn discover(
    issuer: &str,
    discovery_url: Option<&str>,
    overrides: Overrides,
) -> Result<Endpoints, TargetError> {
    let http = super::client::Recorder::new().map_err(TargetError::Mock)?;
    Ok(Endpoints::discover(&http, issuer, discovery_url, overrides).await)
}

/// How the harness learns (and, for a mock, moves) the server's time.
#[derive(Debug, Clone)]
pub enum TargetClock {
    /// The embedded mock's own clock.
    InProcess(Clock),
    /// A served mock's control plane at this base URL.
    ControlPlane(String),
    /// A live server: only real time.
    Real(Clock),
}

/// One scenario's view of the target.
#[derive(Debug)]
pub struct Connection {
    /// Roles and capabilities.
    pub profile: Arc<TargetProfile>,
    /// Auth-server base URL.
    pub auth_base: String,
    /// Core API base URL, for servers with MyID's Core API.
    pub api_base: Option<String>,
    /// The server's endpoints.
    pub endpoints: Arc<Endpoints>,
    /// The endpoints of client roles with issuers of their own.
    pub client_endpoints: ClientEndpoints,
    /// The server's time.
    pub clock: TargetClock,
    // Keeps the embedded mock alive for the scenario; dropping it stops the server.
    _mock: Option<MockServer>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOCK_TARGET: &str = include_str!("../../fixtures/targets/mock.toml");
    const MOCK_SECRETS: &str = include_str!("../../fixtures/targets/mock.env");
    const BI_TARGET: &str = include_str!("../../fixtures/targets/beyond-identity.toml");

    #[test]
    fn shipped_mock_target_resolves_with_its_env_file() {
        let secrets = parse_env_file(MOCK_SECRETS);
        let p =
            TargetProfile::parse(MOCK_TARGET, "mock.toml", &|v| secrets.get(v).cloned()).unwrap();
        assert!(p.has("client.service") && p.has("clock_control"));
        let service = &p.clients["service"];
        assert_eq!(service.client_id.as_str(), "myid.mysystem");
        assert_eq!(
            crate::protocol::secret::hash_secret(service.secret.as_ref().unwrap()),
            "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk="
        );
    }

    #[test]
    fn missing_secrets_and_bad_files_are_named() {
        let err = TargetProfile::parse(MOCK_TARGET, "mock.toml", &|_| None).unwrap_err();
        assert!(matches!(err, TargetError::MissingSecret { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("MYID_MYSYSTEM_SECRET (role service)"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("MYID_ENCODED_SECRET (role encoded)"),
            "{err}"
        );
        let bad = TargetProfile::parse("name = 1", "x.toml", &|_| None).unwrap_err();
        assert!(matches!(bad, TargetError::Invalid { .. }));
        let url = TargetProfile::parse(
            "name='x'\nauth_base='ftp://x'\napi_base='http://x'",
            "x.toml",
            &|_| None,
        )
        .unwrap_err();
        assert!(url.to_string().contains("'ftp://x'"), "{url}");
        let profile = TargetProfile::parse(
            "name='x'\nissuer='https://x'\nprofile='keycloak'",
            "x.toml",
            &|_| None,
        )
        .unwrap_err();
        assert!(
            profile.to_string().contains("unknown profile 'keycloak'"),
            "{profile}"
        );
    }

    /// The least a target file needs: a name, the issuer and a client.
    #[test]
    fn an_issuer_and_a_client_are_enough() {
        let p = TargetProfile::parse(
            "name = 'any'\nissuer = 'https://op.example/'\n[clients.service]\nclient_id = 'c'\nsecret_env = 'S'\nscope = 'api'",
            "any.toml",
            &|_| Some("s3cret".into()),
        )
        .unwrap();
        assert_eq!(p.server, ServerProfile::OAuth2);
        assert_eq!(p.issuer, "https://op.example");
        assert!(!p.is_mock && p.api_base.is_none() && !p.has("core_api"));
        assert_eq!(p.clients["service"].lifetimes, Lifetimes::default());
        assert!(p.deviations.is_empty());
    }

    #[test]
    fn example_live_target_is_valid() {
        let text = include_str!("../../fixtures/targets/live.example.toml");
        let p = TargetProfile::parse(text, "live.example.toml", &|_| Some("x".into())).unwrap();
        assert!(p.auth_base.starts_with("https://"));
        assert!(p.control_base.is_none() && !p.has("clock_control"));
    }

    /// Every vendor's example live target parses, and Beyond Identity's clients carry
    /// the issuers of their own applications.
    #[test]
    fn vendor_targets_are_valid() {
        let key = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/keys/clearid-client.pem"
        );
        let any = |v: &str| Some(if v.contains("KEY") { key } else { "x" }.to_owned());
        for (name, text) in [
            (
                "jim2-live.example.toml",
                include_str!("../../fixtures/targets/jim2-live.example.toml"),
            ),
            (
                "clearid-live.example.toml",
                include_str!("../../fixtures/targets/clearid-live.example.toml"),
            ),
            (
                "beyond-identity-live.example.toml",
                include_str!("../../fixtures/targets/beyond-identity-live.example.toml"),
            ),
            ("beyond-identity.toml", BI_TARGET),
        ] {
            TargetProfile::parse(text, name, &any).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let p = TargetProfile::parse(BI_TARGET, "beyond-identity.toml", &any).unwrap();
        let spa = &p.clients["spa"];
        assert!(spa.secret.is_none());
        assert!(
            spa.issuer.as_deref().is_some_and(
                |i| i != p.issuer && i.ends_with("c79348d3-8e5a-49b1-8725-4f94aed38c59")
            )
        );
        assert!(p.has("login.form") && p.has("login.session") && p.has("client.management"));
        // A login command keeps no browser session between sign-ins.
        let command = "name = \"c\"\nissuer = \"https://a.example\"\n[login]\ndriver = \"command\"\ncommand = [\"sign-in\", \"{url}\"]\n";
        let c = TargetProfile::parse(command, "command.toml", &any).unwrap();
        assert!(c.has("login") && !c.has("login.form") && !c.has("login.session"));
        let bad = "issuer = \"https://a.example\"\n[clients.x]\nclient_id = \"c\"\nissuer = \"ftp://b\"\n";
        assert!(TargetProfile::parse(bad, "bad.toml", &any).is_err());
    }
}
