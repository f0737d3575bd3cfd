//! The shared state every handler sees.

use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use super::api::data::{ApiStore, SeedData};
use super::config::AuthSettings;
use super::faults::{Fault, FaultSet};
use super::keys::SigningKey;
use super::store::Store;
use crate::protocol::Clock;

/// What a mock is started with.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Clients and resources.
    pub auth: AuthSettings,
    /// The token-signing key; shared so that many embedded mocks reuse one key.
    pub signing_key: Arc<SigningKey>,
    /// Whether the `/_mock` control plane is served.
    pub control_plane: bool,
    /// The Core API's seed data; shared, each mock works on its own copy.
    pub data: Arc<SeedData>,
    /// Faults switched on from the start.
    pub faults: Vec<Fault>,
}

/// A cheap handle on the shared state (`Arc` inside), cloned into every request.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The state behind [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// What the mock was started with.
    pub config: MockConfig,
    /// The clock every lifetime decision reads.
    pub clock: Clock,
    // A std Mutex, not tokio's: every critical section is a few map operations and
    // never spans an `.await`.
    store: Mutex<Store>,
    // The Core API's people, requests, images and audit; a std Mutex for the same reason.
    api: Mutex<ApiStore>,
    /// Deliberate departures from the rules, for proving the harness catches them.
    pub faults: FaultSet,
}

impl AppState {
    /// Wraps a configuration and a clock.
    pub fn new(config: MockConfig, clock: Clock) -> Self {
        let api = Mutex::new(ApiStore::new(&config.data));
        let faults = FaultSet::new(&config.faults);
        AppState(Arc::new(Shared {
            config,
            clock,
            store: Mutex::default(),
            api,
            faults,
        }))
    }

    /// The store, locked. A panic elsewhere while it was held cannot leave a map half
    /// written (each update is one insert or remove), so a poisoned lock is recovered.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a fault is switched on.
    pub fn fault(&self, fault: Fault) -> bool {
        self.0.faults.on(fault)
    }

    /// The Core API's store, locked.
    pub fn api(&self) -> MutexGuard<'_, ApiStore> {
        self.0.api.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether an access token was revoked: the record MyID keeps for the Core API
    /// (manual §4.5).
    pub fn is_access_token_revoked(&self, jti: &str) -> bool {
        self.store().revoked_access_tokens.contains_key(jti)
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
