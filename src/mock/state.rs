//! The shared state every handler sees.

use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;

use super::api::data::{ApiStore, SeedData};
use super::config::AuthSettings;
use super::faults::{Fault, FaultSet};
use super::keys::SigningKey;
use super::mint::{Mint, MintError};
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
    /// How long connections may wait, and how many may be open (the `Mock` section).
    pub limits: super::connections::Limits,
    /// The most records each store keeps (the `Mock:Caps` section).
    pub caps: super::capped::Caps,
    /// The Core API's seed data; shared, each mock works on its own copy.
    pub data: Arc<SeedData>,
    /// Faults switched on from the start.
    pub faults: Vec<Fault>,
    /// The service imitated, bound to its settings; MyID unless `serve --profile` says
    /// otherwise.
    pub vendor: Arc<dyn Bound>,
}

/// A service bound to its settings: what one mock serves. Declared beside the state
/// that holds it (each service implements it in its folder).
pub trait Bound: Send + Sync + std::fmt::Debug {
    /// The name of its profile (`myid`, `jim2`).
    fn name(&self) -> &'static str;
    /// Its routes, before the control plane and the shared request limits.
    fn routes(self: Arc<Self>, state: AppState) -> Router;
    /// The token endpoint a client uses (the first configured client's, where each
    /// has its own), under the mock's `base` URL.
    fn token_url(&self, base: &str) -> String;
    /// The issuer of `client_id`'s tokens; `None` for a client it does not know, or a
    /// service whose tokens are opaque.
    fn issuer_for(&self, state: &AppState, base: &str, client_id: &str) -> Option<String>;
    /// An access token as it would issue it ([`Mint`]).
    fn access_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError>;
    /// An id_token as it would issue it; by default it issues none.
    fn id_token(&self, _state: &AppState, _base: &str, _mint: &Mint) -> Result<String, MintError> {
        Err(MintError::Unsupported(format!(
            "the {} profile issues no id_token",
            self.name()
        )))
    }
    /// A refresh token as it would issue it after a sign-in ([`Mint::subject`] and the
    /// client's offline access required); by default it issues none.
    fn refresh_token(
        &self,
        _state: &AppState,
        _base: &str,
        _mint: &Mint,
    ) -> Result<String, MintError> {
        Err(MintError::Unsupported(format!(
            "the {} mock mints no refresh tokens",
            self.name()
        )))
    }
    /// Where `client_id`'s code flow goes, for the test helpers' sign-in; `None` for
    /// a client without one, and for a service without a sign-in page.
    fn sign_in_client(
        &self,
        _state: &AppState,
        _base: &str,
        _client_id: &str,
    ) -> Option<super::sign_in::SignInClient> {
        None
    }
    /// What a served mock shows of itself (the start-up log, the page at `/`): its
    /// endpoints as full URLs under `base`, its clients and the people who can sign in.
    fn overview(&self, state: &AppState, base: &str) -> Overview;
    /// What `serve` says it serves, after `mock TITLE at URL: `.
    fn describe(&self, config: &MockConfig) -> String;
}

/// What a served mock shows of itself, each line ready to print.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Overview {
    /// Each endpoint: what it is, and its full URL.
    pub endpoints: Vec<(String, String)>,
    /// Each client: its id, then what it may do (never its secret).
    pub clients: Vec<(String, String)>,
    /// Each person who can sign in: their user name, then who they are.
    pub users: Vec<(String, String)>,
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
    // Seals what the mock hands a browser to bring back (error pages), so nothing of
    // it is kept on the server and nobody can make the mock's pages say other things.
    seal_key: aws_lc_rs::hmac::Key,
    // The issuer the Core API accepts, lower-cased: the configured authority, or
    // `http://ADDR/web.oauth2` when the mock serves a known address (not 0.0.0.0).
    // Worked out once: the API reads it on every call.
    authority: Option<String>,
    // A vendor profile's own store (Jim2's tokens and licence pool), made on first use
    // and typed by the profile that owns it, so this file knows no vendor.
    vendor_store: std::sync::OnceLock<Arc<dyn std::any::Any + Send + Sync>>,
    /// What the mock received, bounded (`Mock:Caps:Journal`).
    pub journal: super::journal::Journal,
}

impl AppState {
    /// Wraps a configuration and a clock.
    pub fn new(config: MockConfig, clock: Clock) -> Self {
        Self::serving(config, clock, None)
    }

    /// Wraps a configuration and a clock for a mock served at `public_url`.
    pub fn serving(config: MockConfig, clock: Clock, public_url: Option<String>) -> Self {
        let api = Mutex::new(ApiStore::new(&config.data, config.auth.audit_window));
        let faults = FaultSet::new(&config.faults);
        let store = Mutex::new(Store::with_caps(&config.caps));
        let seal_key = aws_lc_rs::hmac::Key::generate(
            aws_lc_rs::hmac::HMAC_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
        )
        .unwrap_or_else(|_| {
            // Key generation fails only without an entropy source; a fixed key then
            // still seals against accidental damage.
            aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, b"myid-conformance")
        });
        let authority = config
            .auth
            .authority
            .clone()
            .or_else(|| public_url.map(|u| format!("{u}{}", super::AUTH_BASE).to_lowercase()));
        let journal = super::journal::Journal::new(config.caps.journal);
        AppState(Arc::new(Shared {
            config,
            clock,
            store,
            api,
            faults,
            seal_key,
            authority,
            vendor_store: std::sync::OnceLock::new(),
            journal,
        }))
    }

    /// The store, locked, with what has expired swept out when a sweep is due. A panic
    /// elsewhere while it was held cannot leave a map half written (each update is one
    /// insert or remove), so a poisoned lock is recovered.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        let mut store = self.0.store.lock().unwrap_or_else(|p| p.into_inner());
        store.purge_due(self.0.clock.now());
        store
    }

    /// Seals bytes so that they can travel through a client and come back unchanged:
    /// `base64url(bytes).base64url(HMAC-SHA-256)`, with a key made per mock.
    pub fn seal(&self, bytes: &[u8]) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let tag = aws_lc_rs::hmac::sign(&self.0.seal_key, bytes);
        format!("{}.{}", b64.encode(bytes), b64.encode(tag.as_ref()))
    }

    /// Opens what [`Self::seal`] made; `None` for anything else.
    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (body, tag) = sealed.split_once('.')?;
        let bytes = b64.decode(body).ok()?;
        let tag = b64.decode(tag).ok()?;
        aws_lc_rs::hmac::verify(&self.0.seal_key, &bytes, &tag).ok()?;
        Some(bytes)
    }

    /// The auth server's URL the Core API accepts as the issuer, lower-cased: the
    /// configured authority, or the address the mock serves on. `None` in process,
    /// where the only name the mock has is the request's `Host`.
    pub fn authority(&self) -> Option<&str> {
        self.0.authority.as_deref()
    }

    /// The vendor profile's store, made on first use by `make` with the mock's caps;
    /// one per mock however often its router is built. `None` if another type was
    /// stored first (never, as one mock imitates one vendor).
    pub fn vendor_store<T: Send + Sync + 'static>(
        &self,
        make: impl FnOnce(&super::capped::Caps) -> T,
    ) -> Option<Arc<T>> {
        self.0
            .vendor_store
            .get_or_init(|| Arc::new(make(&self.0.config.caps)))
            .clone()
            .downcast::<T>()
            .ok()
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
        self.store().is_revoked(jti)
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
