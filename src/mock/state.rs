//! The shared state every handler sees.

use std::ops::Deref;
use std::sync::Arc;

use super::config::AuthSettings;
use super::keys::SigningKey;
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
}

impl AppState {
    /// Wraps a configuration and a clock.
    pub fn new(config: MockConfig, clock: Clock) -> Self {
        AppState(Arc::new(Shared { config, clock }))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
