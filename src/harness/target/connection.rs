//! What a scenario talks to: an embedded mock started for it (the profile's shipped
//! target file moved to its port), or the live server, whose endpoints are discovered
//! once and shared.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::secrets::parse_env_file;
use super::{TargetError, TargetProfile};
use crate::harness::endpoints::{Endpoints, Overrides};
use crate::protocol::Clock;
use crate::{MockBuilder, MockConfig, MockServer, Profile};

/// Where the served mocks' target files expect them.
const SERVED_ORIGIN: &str = "http://127.0.0.1:5000";

/// What the suite runs against, prepared once per run.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh in-process mock per scenario.
    Embedded {
        /// The roles and secrets of the default clients.
        profile: Arc<TargetProfile>,
        /// Shared by every scenario's mock: one key per process keeps start-up cheap.
        config: Box<MockConfig>,
        /// Served over HTTPS with this certificate, which the harness then trusts.
        tls: Option<Box<crate::mock::tls::TlsIdentity>>,
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
            tls: None,
        })
    }

    /// The same embedded mock served over HTTPS (MyID is served so: IIS, HTTPS only),
    /// with a self-signed certificate the harness trusts: what judges the rules only
    /// an `https` issuer binds.
    pub fn over_tls(self) -> Result<Self, TargetError> {
        let Target::Embedded {
            profile, config, ..
        } = self
        else {
            return Err(TargetError::Mock(
                "only an embedded mock can be served over TLS here".into(),
            ));
        };
        let identity =
            crate::mock::tls::TlsIdentity::self_signed(&["127.0.0.1".into(), "localhost".into()])
                .map_err(|e| TargetError::Mock(format!("{e:#}")))?;
        let mut profile = (*profile).clone();
        profile.trusted_ca = Some(Arc::new(identity.cert_pem.clone()));
        profile.name = format!("{} over TLS", profile.name);
        Ok(Target::Embedded {
            profile: Arc::new(profile),
            config,
            tls: Some(Box::new(identity)),
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
            Target::Embedded {
                profile,
                config,
                tls,
            } => {
                let clock = Clock::manual_from_system();
                let mock = match tls {
                    Some(identity) => {
                        MockServer::start_tls(
                            (**config).clone(),
                            clock.clone(),
                            (**identity).clone(),
                        )
                        .await
                    }
                    None => MockServer::start((**config).clone(), clock.clone()).await,
                }
                .map_err(|e| TargetError::Mock(e.to_string()))?;
                // The profile's shipped target file, moved to this scenario's port: each
                // scenario's mock is found through its own discovery document (or the
                // file's endpoints), exactly as a live server is.
                let profile = Arc::new(profile.rebased(SERVED_ORIGIN, &mock.base_url()));
                let endpoints = discover(
                    &profile,
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
                            profile,
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
                let e = Arc::new(discover(profile, iss, None, Overrides::default()).await?);
                by_issuer.insert(iss, e.clone());
                e
            }
        };
        out.insert(role.clone(), endpoints);
    }
    Ok(Arc::new(out))
}

async fn discover(
    target: &TargetProfile,
    issuer: &str,
    discovery_url: Option<&str>,
    overrides: Overrides,
) -> Result<Endpoints, TargetError> {
    let trusted = target.trusted_ca.as_deref().map(String::as_str);
    let http = crate::harness::client::Recorder::trusting(trusted).map_err(TargetError::Mock)?;
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
