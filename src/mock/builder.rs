//! The front door for a test that wants a mock of its own: [`MockBuilder`] starts one
//! in this process, of any profile, with the clients, users and seed data the test
//! gives in code or in files, on a clock the test moves.
//!
//! A builder is only a convenient way to write what `serve` reads: each client and user
//! given in code becomes one more entry of the profile's settings (MyID's
//! `appsettings.json` client model, or the vendor's section), laid over the files
//! given, and the result is checked exactly as `serve` checks a file. So a client that
//! works here works in a settings file, and one IdentityServer would reject is an error
//! at [`MockBuilder::start`] rather than a silent "unknown client" later.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::api::data::{DataError, SeedData};
use super::config::{AuthSettings, ConfigError, Settings};
use super::faults::Fault;
use super::keys::{KeyError, SigningKey};
use super::profiles::Profile;
pub use super::spec::{Client, User};
use super::{MockConfig, MockServer, tls};
use crate::protocol::Clock;

/// Why a mock could not start: what is wrong, in the words of the setting or file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A settings file, or an entry made from a [`Client`] or [`User`], is not valid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A client IdentityServer would refuse to load, with its reasons.
    #[error("client '{client_id}' would be refused by IdentityServer: {reasons}")]
    RejectedClient {
        /// The client.
        client_id: String,
        /// Why, joined.
        reasons: String,
    },
    /// What was given does not fit the profile (a user for a profile without a
    /// sign-in page, a client without the secret the profile requires, …).
    #[error("{0}")]
    Profile(String),
    /// The seed data does not load.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The signing key does not load.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The TLS identity does not load, or no port could be bound.
    #[error("{0}")]
    Io(String),
}

/// Builds a mock: see the [crate documentation](crate) for a walk through.
#[derive(Debug, Clone)]
pub struct MockBuilder {
    profile: Profile,
    layers: Vec<(String, String)>,
    files: Vec<PathBuf>,
    clients: Vec<Client>,
    users: Vec<User>,
    data_dir: Option<PathBuf>,
    data_files: Vec<(String, String)>,
    people: Vec<Map<String, Value>>,
    faults: Vec<Fault>,
    signing_key: Option<PrivatePem>,
    clock: Option<Clock>,
    control_plane: bool,
    tls: Option<Vec<String>>,
    environment: Vec<(String, String)>,
}

impl Default for MockBuilder {
    fn default() -> Self {
        Self::new(Profile::MYID)
    }
}

impl MockBuilder {
    /// A mock of `profile` with its shipped clients, users and seed data, as
    /// `serve --profile` starts without a `--config`.
    pub fn new(profile: Profile) -> Self {
        MockBuilder {
            profile,
            layers: Vec::new(),
            files: Vec::new(),
            clients: Vec::new(),
            users: Vec::new(),
            data_dir: None,
            data_files: Vec::new(),
            people: Vec::new(),
            faults: Vec::new(),
            signing_key: None,
            clock: None,
            control_plane: false,
            tls: None,
            environment: Vec::new(),
        }
    }

    /// Lays environment variables over the settings as ASP.NET Core reads them, last:
    /// each `Section__Key=value` (a double underscore for each `:`) sets `Section:Key`
    /// (`Mock__Authority`, `Clients__0__AccessTokenLifetime`). Variables without `__`
    /// are not settings and are skipped. Unlike a settings file this keeps the shipped
    /// clients, so a container's definition can change one setting. `serve` passes its
    /// environment.
    pub fn settings_env<I: IntoIterator<Item = (String, String)>>(mut self, vars: I) -> Self {
        self.environment.extend(
            vars.into_iter()
                .filter(|(k, _)| k.contains("__") && !k.starts_with("__"))
                .map(|(k, v)| (k.replace("__", ":"), v)),
        );
        self
    }

    /// Lays a settings document over what is there, as `serve --config` does: MyID's
    /// `appsettings.json` format (JSON with comments), or the vendor's section. For
    /// MyID the first document replaces the shipped clients and users, so a copy of a
    /// real server's file means what it says there; a vendor's document lays over
    /// its shipped defaults (ASP.NET merges arrays entry by entry).
    pub fn settings_json(mut self, text: impl Into<String>) -> Self {
        let n = self.layers.len() + 1;
        self.layers
            .push((text.into(), format!("settings given in code (#{n})")));
        self
    }

    /// [`Self::settings_json`] from a file, read at [`Self::start`].
    pub fn settings_file(mut self, path: impl AsRef<Path>) -> Self {
        self.files.push(path.as_ref().to_owned());
        self
    }

    /// Adds a client after the ones already configured.
    pub fn client(mut self, client: Client) -> Self {
        self.clients.push(client);
        self
    }

    /// Adds a person who can sign in.
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// MyID: loads the Core API's seed data from a directory holding any of the files
    /// of the shipped `fixtures/data` (`people.json`, `groups.json`, `roles.json`, …);
    /// a file it lacks is the shipped one.
    pub fn data_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.data_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// MyID: replaces one seed-data file (`"people.json"`, …) with `text`.
    pub fn data_file(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.data_files.push((name.into(), text.into()));
        self
    }

    /// MyID: adds a person to the seed data, in MyID's JSON (`id`, `logonName`,
    /// `roles`, `group`, …; see the shipped `people.json`). A person whose logon name a
    /// client's [`Client::api_user`] names is that client's API user.
    pub fn person(mut self, person: Value) -> Self {
        if let Value::Object(map) = person {
            self.people.push(map);
        } else {
            // Kept, so that `start` can say what was wrong.
            self.people.push(Map::new());
        }
        self
    }

    /// Switches a fault on from the start (see [`MockServer::set_fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Signs with this RSA key (PKCS#8 or PKCS#1 PEM) instead of a fresh one, so tokens
    /// outlive the mock.
    pub fn signing_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.signing_key = Some(PrivatePem(pem.into()));
        self
    }

    /// The clock every lifetime decision reads. Defaults to a manual clock at the
    /// system's time, which only [`Clock::advance`] and [`Clock::set`] move.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Serves the `/_mock` control plane too (the clock and faults over HTTP, for a
    /// process that cannot hold the handle).
    pub fn control_plane(mut self, on: bool) -> Self {
        self.control_plane = on;
        self
    }

    /// Serves HTTPS with a self-signed certificate for `localhost` and `127.0.0.1`;
    /// [`MockServer::certificate_pem`] gives it for a client to trust.
    pub fn tls(mut self) -> Self {
        self.tls = Some(vec!["localhost".into(), "127.0.0.1".into()]);
        self
    }

    /// The settings this builder describes, checked as `serve` checks them, without
    /// starting anything (for the crate's own runner and tests).
    #[doc(hidden)]
    pub fn config(&self) -> Result<MockConfig, StartError> {
        let mut settings = Settings::default();
        let service = self.profile.service();
        let (shipped, shipped_name) = service.shipped_settings();
        // MyID's shipped clients sit under nothing the caller gave; a vendor's always
        // sit under (they hold its tenant, paths and lifetimes).
        if service.shipped_under_files() || (self.layers.is_empty() && self.files.is_empty()) {
            settings.layer(shipped, shipped_name)?;
        }
        for (text, name) in &self.layers {
            settings.layer(text, name)?;
        }
        for path in &self.files {
            settings.layer_file(path)?;
        }
        settings.layer_pairs(self.environment.iter().cloned());
        for client in &self.clients {
            let mut entry = service.client_entry(client).map_err(StartError::Profile)?;
            entry.extend(client.settings.clone());
            append(&mut settings, service.clients_section(), entry)?;
        }
        for user in &self.users {
            let section = service.users_section().ok_or_else(|| {
                StartError::Profile(format!(
                    "the {} profile has no sign-in page, so no users",
                    self.profile.name()
                ))
            })?;
            append(&mut settings, section, service.user_entry(user))?;
        }
        let vendor = self.profile.bind(&settings)?;
        let auth = AuthSettings::from_settings(&settings)?;
        if settings
            .section(service.clients_section())
            .children()
            .is_empty()
        {
            tracing::warn!(
                "the settings leave the {} mock no clients ({} is empty), so it will refuse \
                 every token request: the shipped clients are read only when no settings \
                 file is given; copy them from {shipped_name} or add your own",
                self.profile.name(),
                service.clients_section()
            );
        }
        if let Some(authority) = &auth.authority
            && !authority.ends_with(super::AUTH_BASE)
        {
            tracing::warn!(
                "Mock:Authority is {authority}, but the auth server's issuer ends in {}: the \
                 Core API will refuse every token, whose issuer is the auth server",
                super::AUTH_BASE
            );
        }
        // A file's client IdentityServer would refuse is unknown there, as `serve`
        // warns; one given in code is an error below, since the test asked for it.
        for r in auth.clients.rejected() {
            tracing::warn!(
                "client '{}' is treated as unknown, as IdentityServer would: {}",
                r.client_id,
                r.reasons.join("; ")
            );
        }
        if let Some(r) = auth.clients.rejected().iter().find(|r| {
            self.clients
                .iter()
                .any(|c| c.id.eq_ignore_ascii_case(&r.client_id))
        }) {
            return Err(StartError::RejectedClient {
                client_id: r.client_id.clone(),
                reasons: r.reasons.join("; "),
            });
        }
        let mut data = match &self.data_dir {
            Some(dir) => SeedData::from_dir(dir)?,
            None => SeedData::shipped(),
        };
        if !self.data_files.is_empty() {
            data = data.with_files(&self.data_files)?;
        }
        for person in &self.people {
            data.add_person(person.clone())?;
        }
        let signing_key = match &self.signing_key {
            Some(pem) => Arc::new(SigningKey::from_pem(&pem.0)?),
            None => shared_key()?,
        };
        Ok(MockConfig {
            auth,
            signing_key,
            control_plane: self.control_plane,
            limits: super::connections::Limits::from_settings(&settings)?,
            caps: super::capped::Caps::from_settings(&settings)?,
            data: Arc::new(data),
            faults: self.faults.clone(),
            vendor,
        })
    }

    /// Starts the mock on `127.0.0.1` and a free port; it stops when the returned
    /// handle is dropped. Needs a Tokio runtime.
    pub async fn start(self) -> Result<MockServer, StartError> {
        let config = self.config()?;
        let clock = self.clock.clone().unwrap_or_else(Clock::manual_from_system);
        let identity = match &self.tls {
            Some(names) => Some(
                tls::TlsIdentity::self_signed(names).map_err(|e| StartError::Io(e.to_string()))?,
            ),
            None => None,
        };
        MockServer::start_with(config, clock, identity, self.profile)
            .await
            .map_err(|e| StartError::Io(format!("cannot start the mock: {e}")))
    }
}

/// A private key's PEM, which `{:?}` does not print.
#[derive(Clone)]
struct PrivatePem(String);

impl std::fmt::Debug for PrivatePem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[private key]")
    }
}

/// One RSA key per process for mocks started without one: generating a key costs tens
/// of milliseconds, and a test suite starts many mocks.
fn shared_key() -> Result<Arc<SigningKey>, KeyError> {
    static KEY: std::sync::OnceLock<Arc<SigningKey>> = std::sync::OnceLock::new();
    if let Some(k) = KEY.get() {
        return Ok(k.clone());
    }
    let key = Arc::new(SigningKey::generate()?);
    Ok(KEY.get_or_init(|| key).clone())
}

/// Writes `entry` as the next element of the array at `section` (`Clients`,
/// `Jim2:Clients`): ASP.NET's configuration keys array elements by index, so the
/// entry goes in at index `len`, after the ones already there.
fn append(
    settings: &mut Settings,
    section: &str,
    entry: Map<String, Value>,
) -> Result<(), ConfigError> {
    let index = settings.section(section).children().len();
    let mut value = json!({ index.to_string(): Value::Object(entry) });
    for part in section.rsplit(':') {
        value = json!({ part: value });
    }
    settings.layer(&value.to_string(), &format!("an entry added to {section}"))
}
