//! A target file resolved: what the server claims, its clients by role with their
//! secrets, how users sign in, what it can do, and its known deviations.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use super::TargetError;
use super::file::{ClientEntry, Licences, TargetFile};
use super::login::login_driver;
use crate::harness::endpoints::Overrides;
use crate::harness::expectations::{self, Deviation, Expectations};
use crate::harness::profiles::ServerProfile;
use crate::protocol::{ClientId, ClientSecret};

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
    /// How the server has this client authenticate (`auth_method`).
    pub auth_method: AuthMethod,
}

/// How a client authenticates at the token, revocation and introspection endpoints
/// (OpenID Connect Discovery's `token_endpoint_auth_method` values). Many servers
/// register each client for one; a scenario that needs another skips with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// Either secret method: the harness sends HTTP Basic, and the body where a
    /// scenario asks for it.
    #[default]
    AnySecret,
    /// `client_secret_basic` only.
    Basic,
    /// `client_secret_post` only.
    Post,
    /// `none`: a public client, named by `client_id` in the body.
    None,
    /// `private_key_jwt` (RFC 7523 §2.2): an assertion signed with the client's key.
    PrivateKeyJwt,
}

impl AuthMethod {
    /// The value a target file gives.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "client_secret_basic" => Ok(AuthMethod::Basic),
            "client_secret_post" => Ok(AuthMethod::Post),
            "none" => Ok(AuthMethod::None),
            "private_key_jwt" => Ok(AuthMethod::PrivateKeyJwt),
            other => Err(format!(
                "unknown auth_method '{other}' (client_secret_basic, client_secret_post, none or private_key_jwt)"
            )),
        }
    }

    /// Its name, as discovery writes it.
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::AnySecret => "client_secret_basic or client_secret_post",
            AuthMethod::Basic => "client_secret_basic",
            AuthMethod::Post => "client_secret_post",
            AuthMethod::None => "none",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
        }
    }
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
    /// Origins a sign-in may pass through besides the server's own (`[login] origins`,
    /// lower-cased): a login application on another origin. Every other origin a
    /// sign-in is sent to is judged as an open redirect and never followed.
    pub login_origins: Vec<String>,
    /// PEM certificates the harness trusts besides the platform's: the target file's
    /// `ca_file` (a private CA), or an embedded mock's own certificate over TLS.
    pub trusted_ca: Option<Arc<String>>,
    /// Origins for CORS checks.
    pub cors: Option<CorsOrigins>,
    /// Values that must never appear in transcripts (secrets, passwords).
    pub sensitive: Vec<String>,
    /// The server's known deviations from the strict rules.
    pub deviations: Vec<Deviation>,
    /// The licence pool, for servers that have one.
    pub licences: Option<Licences>,
    /// Base URLs of a vendor's APIs by name (`[apis]`; ClearID's `identities`).
    pub apis: BTreeMap<String, String>,
}

impl TargetProfile {
    /// Parses a target file, reading secrets through `lookup` (the environment, for a
    /// live target). Each stage is a function below, in the order they run.
    pub fn parse(
        text: &str,
        path: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, TargetError> {
        let mut file: TargetFile = toml::from_str(text).map_err(|e| TargetError::Invalid {
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
        let issuer = issuer_of(&file).map_err(invalid)?;
        check_urls(&file, &issuer).map_err(invalid)?;
        let promises_rfc9068 = access_token_promise(&file, server).map_err(invalid)?;
        let mut missing = Vec::new();
        let entries = std::mem::take(&mut file.clients);
        let clients = clients(entries, server, lookup, &mut missing).map_err(invalid)?;
        let mut sensitive: Vec<String> = Vec::new();
        let login_origins = login_origins(file.login.as_ref()).map_err(invalid)?;
        let login = file
            .login
            .take()
            .map(|l| login_driver(l, lookup, &mut missing, &mut sensitive))
            .transpose()
            .map_err(invalid)?;
        if !missing.is_empty() {
            return Err(TargetError::MissingSecret {
                path: path.to_owned(),
                missing,
            });
        }
        check_licences(file.licences.as_ref(), &clients).map_err(invalid)?;
        let capabilities = capabilities(&file, &clients, login.as_ref());
        sensitive.extend(secrets_of(&clients));
        let deviations = deviations(file.expectations.as_deref(), path).map_err(invalid)?;
        let trusted_ca = trusted_ca(file.ca_file.as_deref(), path).map_err(invalid)?;
        let trim = |u: &str| u.trim_end_matches('/').to_owned();
        Ok(TargetProfile {
            server,
            is_mock: file.mock,
            auth_base: trim(file.auth_base.as_deref().unwrap_or(&issuer)),
            issuer: trim(&issuer),
            promises_rfc9068,
            api_base: file.api_base.as_deref().map(trim),
            control_base: file.control_base.as_deref().map(trim),
            capabilities,
            max_wait_seconds: file.max_wait_seconds,
            min_judged: file.min_judged,
            clients,
            login,
            login_origins,
            trusted_ca,
            cors: file.cors.map(|c| CorsOrigins {
                allowed: c.allowed_origin,
                disallowed: c
                    .disallowed_origin
                    .unwrap_or_else(|| "https://not-allowed.example".into()),
            }),
            sensitive,
            deviations,
            apis: file.apis.into_iter().map(|(k, v)| (k, trim(&v))).collect(),
            licences: file.licences,
            name: file.name,
            discovery_url: file.discovery_url,
            endpoint_overrides: file.endpoints,
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
        for o in &mut p.login_origins {
            *o = move_to(o);
        }
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

/// `[login] origins`, each `scheme://host[:port]` and nothing more, lower-cased.
fn login_origins(login: Option<&super::file::LoginEntry>) -> Result<Vec<String>, String> {
    let Some(l) = login else {
        return Ok(Vec::new());
    };
    l.origins
        .iter()
        .map(|o| {
            let o = o.trim().trim_end_matches('/');
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains(['/', '?', '#']) => {
                    Ok(o.to_ascii_lowercase())
                }
                _ => Err(format!(
                    "[login] origins: '{o}' is not an origin (scheme://host[:port], no path)"
                )),
            }
        })
        .collect()
}

/// The issuer the file names, or its auth server's base URL.
fn issuer_of(file: &TargetFile) -> Result<String, String> {
    file.issuer
        .clone()
        .or_else(|| file.auth_base.clone())
        .ok_or_else(|| "give the server's issuer (issuer = \"https://…\"), or auth_base".into())
}

/// Every URL the file gives is http(s).
fn check_urls(file: &TargetFile, issuer: &str) -> Result<(), String> {
    let urls = [
        ("issuer", Some(issuer)),
        ("discovery_url", file.discovery_url.as_deref()),
        ("auth_base", file.auth_base.as_deref()),
        ("api_base", file.api_base.as_deref()),
    ];
    let overrides = file
        .endpoints
        .urls()
        .map(|u| ("[endpoints]", Some(u.as_str())));
    let client_issuers = file
        .clients
        .values()
        .map(|c| ("a client's issuer", c.issuer.as_deref()));
    for (key, url) in urls.into_iter().chain(overrides).chain(client_issuers) {
        if let Some(url) = url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "{key} must be an http:// or https:// URL, found '{url}'"
            ));
        }
    }
    Ok(())
}

/// Whether the server promises RFC 9068 access tokens: the file's `access_tokens`, or
/// what its profile documents.
fn access_token_promise(file: &TargetFile, server: ServerProfile) -> Result<bool, String> {
    match file.access_tokens.as_deref() {
        None => Ok(server.promises_jwt_access_tokens()),
        Some("rfc9068") => Ok(true),
        Some("any") => Ok(false),
        Some(other) => Err(format!(
            "access_tokens must be \"rfc9068\" or \"any\", found '{other}'"
        )),
    }
}

/// The client roles, their secrets and keys looked up; a variable that is not set is
/// noted in `missing`.
fn clients(
    entries: BTreeMap<String, ClientEntry>,
    server: ServerProfile,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
) -> Result<BTreeMap<String, ClientProfile>, String> {
    let defaults = Lifetimes::defaults(server);
    let mut clients = BTreeMap::new();
    for (role, entry) in entries {
        let assertion = assertion_key(&role, &entry, lookup, missing)?;
        let secret = entry.secret_env.as_deref().and_then(|var| {
            let found = lookup(var).map(ClientSecret::new);
            if found.is_none() {
                missing.push(format!("{var} (role {role})"));
            }
            found
        });
        let method = match entry.auth_method.as_deref() {
            Some(m) => AuthMethod::parse(m).map_err(|e| format!("[clients.{role}] {e}"))?,
            None => AuthMethod::AnySecret,
        };
        // A key variable that is named but unset is reported with the other missing ones.
        if method == AuthMethod::PrivateKeyJwt && entry.assertion_key_env.is_none() {
            return Err(format!(
                "[clients.{role}] auth_method private_key_jwt needs assertion_key_env: the key the client signs with"
            ));
        }
        let mut client = client(entry, server, defaults, secret, assertion);
        client.auth_method = method;
        clients.insert(role, client);
    }
    Ok(clients)
}

/// One client role's profile.
fn client(
    entry: ClientEntry,
    server: ServerProfile,
    defaults: Lifetimes,
    secret: Option<ClientSecret>,
    assertion: Option<AssertionKey>,
) -> ClientProfile {
    let default_scope = if server == ServerProfile::Myid {
        "myid.rest.basic"
    } else {
        ""
    };
    ClientProfile {
        client_id: ClientId::new(entry.client_id),
        secret,
        secret_source: entry.secret_env,
        scope: entry.scope.unwrap_or_else(|| default_scope.into()),
        other_scope: entry.other_scope,
        // MyID's access tokens are for its Core API (manual §3.3).
        audience: entry
            .audience
            .or_else(|| (server == ServerProfile::Myid).then(|| "myid.rest".to_owned())),
        redirect_uri: entry.redirect_uri,
        lifetimes: Lifetimes {
            access_token: entry.access_token_lifetime.or(defaults.access_token),
            code: entry.code_lifetime.or(defaults.code),
            sliding_refresh: entry.sliding_refresh_lifetime.or(defaults.sliding_refresh),
            absolute_refresh: entry
                .absolute_refresh_lifetime
                .or(defaults.absolute_refresh),
        },
        assertion,
        auth_method: AuthMethod::AnySecret,
        account: entry.account,
        issuer: entry.issuer,
        post_logout_redirect_uri: entry.post_logout_redirect_uri,
    }
}

/// A role's assertion key: its variable holds the PEM itself or a path to it.
fn assertion_key(
    role: &str,
    entry: &ClientEntry,
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
) -> Result<Option<AssertionKey>, String> {
    let Some(var) = &entry.assertion_key_env else {
        return Ok(None);
    };
    let Some(value) = lookup(var) else {
        missing.push(format!("{var} (role {role})"));
        return Ok(None);
    };
    let pem = if value.trim_start().starts_with("-----BEGIN") {
        value
    } else {
        std::fs::read_to_string(value.trim())
            .map_err(|e| format!("{var} names the key file '{value}': {e}"))?
    };
    Ok(Some(AssertionKey {
        pem: Arc::new(pem),
        audience: entry.assertion_audience.clone().unwrap_or_default(),
    }))
}

/// The `[licences]` section names defined roles, one holder a licence.
fn check_licences(
    licences: Option<&Licences>,
    clients: &BTreeMap<String, ClientProfile>,
) -> Result<(), String> {
    let Some(l) = licences else {
        return Ok(());
    };
    let mut roles = l.holders.iter().chain([&l.waiting]);
    if let Some(role) = roles.find(|r| !clients.contains_key(*r)) {
        return Err(format!(
            "[licences] names the client role '{role}', which [clients] does not define"
        ));
    }
    if l.holders.len() != l.size {
        return Err(format!(
            "[licences] has {} holders for {} licences: give one holder a licence",
            l.holders.len(),
            l.size
        ));
    }
    Ok(())
}

/// What the target can do: the listed capabilities and what follows from the file.
fn capabilities(
    file: &TargetFile,
    clients: &BTreeMap<String, ClientProfile>,
    login: Option<&LoginDriver>,
) -> BTreeSet<String> {
    let mut capabilities: BTreeSet<String> = file.capabilities.iter().cloned().collect();
    capabilities.extend(clients.keys().map(|role| format!("client.{role}")));
    let mut add = |c: &str, when: bool| {
        if when {
            capabilities.insert(c.into());
        }
    };
    add("clock_control", file.control_base.is_some());
    add("login", login.is_some());
    // The form driver keeps the browser's cookies for the scenario, so a second
    // authorization meets the first sign-in's session; a login command does not, and
    // scenarios about that session (max_age, logout) would pass on nothing.
    let form = matches!(login, Some(LoginDriver::Form { .. }));
    add("login.form", form);
    add("login.session", form);
    add("cors", file.cors.is_some());
    add("core_api", file.api_base.is_some());
    add("licences", file.licences.is_some());
    capabilities
}

/// Values no transcript may show: every client's secret and assertion key.
fn secrets_of(clients: &BTreeMap<String, ClientProfile>) -> Vec<String> {
    let secrets = clients
        .values()
        .filter_map(|c| c.secret.as_ref().map(|s| s.expose().to_owned()));
    let keys = clients
        .values()
        .filter_map(|c| c.assertion.as_ref().map(|a| a.pem.to_string()));
    secrets.chain(keys).collect()
}

/// The known deviations: a shipped list by name, or a file beside the target file.
/// The certificates of `ca_file`, read relative to the target file, checked to be PEM.
fn trusted_ca(name: Option<&str>, path: &str) -> Result<Option<Arc<String>>, String> {
    let Some(name) = name else {
        return Ok(None);
    };
    let base = Path::new(path).parent().unwrap_or(Path::new("."));
    let file = base.join(name);
    let pem =
        std::fs::read_to_string(&file).map_err(|e| format!("ca_file '{}': {e}", file.display()))?;
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "ca_file '{}' holds no PEM certificate",
            file.display()
        ));
    }
    Ok(Some(Arc::new(pem)))
}

fn deviations(name: Option<&str>, path: &str) -> Result<Vec<Deviation>, String> {
    match name {
        None => Ok(Vec::new()),
        // The shipped list, by name, so the embedded mock needs no file.
        Some("myid") => Expectations::parse(expectations::MYID, "myid"),
        Some("clearid") => Expectations::parse(expectations::CLEARID, "clearid"),
        Some(e) => {
            let base = Path::new(path).parent().unwrap_or(Path::new("."));
            Expectations::load(&base.join(e))
        }
    }
}
