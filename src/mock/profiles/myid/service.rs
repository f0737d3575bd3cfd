//! MyID as a [`Service`]: its settings (IdentityServer's client model in
//! `appsettings.json`), routes, minting and target.

use std::sync::Arc;

use axum::Router;
use serde_json::{Map, Value};

use crate::mock::config::{ConfigError, Settings};
use crate::mock::faults::Fault;
use crate::mock::mint::{Mint, MintError};
use crate::mock::profiles::{Bound, Service, ShippedTarget};
use crate::mock::spec::{Client, User};
use crate::mock::state::{AppState, MockConfig};
use crate::mock::{API_BASE, AUTH_BASE};

/// MyID: `web.oauth2` (IdentityServer4 4.1.2) and the Core API `rest.core` (the
/// default profile).
pub struct MyidService;

/// Registered in [`SERVICES`](crate::mock::profiles::SERVICES).
pub static SERVICE: MyidService = MyidService;

impl Service for MyidService {
    fn name(&self) -> &'static str {
        "myid"
    }

    fn title(&self) -> &'static str {
        "MyID"
    }

    fn shipped_settings(&self) -> (&'static str, &'static str) {
        (
            crate::mock::config::DEFAULT_APPSETTINGS,
            "fixtures/appsettings.json",
        )
    }

    // A real server's appsettings.json names all of its clients.
    fn shipped_under_files(&self) -> bool {
        false
    }

    fn clients_section(&self) -> &'static str {
        "Clients"
    }

    fn users_section(&self) -> Option<&'static str> {
        Some("TestUsers")
    }

    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String> {
        Ok(super::lower::client(client))
    }

    fn user_entry(&self, user: &User) -> Map<String, Value> {
        super::lower::user(user)
    }

    // IdentityServer's clients and resources are bound with every profile's settings
    // (`MockConfig::auth`); MyID keeps nothing else of its own.
    fn bind(&self, _settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        Ok(Arc::new(MyidServer))
    }

    fn faults(&self) -> &'static [Fault] {
        super::faults::FAULTS
    }

    fn target(&self) -> ShippedTarget {
        ShippedTarget {
            path: "fixtures/targets/mock.toml",
            file: include_str!("../../../../fixtures/targets/mock.toml"),
            secrets: include_str!("../../../../fixtures/targets/mock.env"),
            inline: &[(
                "MYID_ASSERTION_KEY",
                include_str!("../../../../fixtures/keys/myid-assertion.pem"),
            )],
        }
    }
}

/// A MyID server: its settings are the shared `MockConfig::auth`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MyidServer;

impl Bound for MyidServer {
    fn name(&self) -> &'static str {
        SERVICE.name()
    }

    fn routes(self: Arc<Self>, state: AppState) -> Router {
        super::router(state)
    }

    fn token_url(&self, base: &str) -> String {
        format!("{base}{AUTH_BASE}/connect/token")
    }

    // The auth server, whichever client.
    fn issuer_for(&self, state: &AppState, base: &str, _client_id: &str) -> Option<String> {
        Some(super::mint::issuer(state, base))
    }

    fn access_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        super::mint::access_token(state, base, mint)
    }

    fn id_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        super::mint::id_token(state, base, mint)
    }

    fn refresh_token(
        &self,
        state: &AppState,
        base: &str,
        mint: &Mint,
    ) -> Result<String, MintError> {
        super::mint::refresh_token(state, base, mint)
    }

    fn sign_in_client(
        &self,
        state: &AppState,
        base: &str,
        client_id: &str,
    ) -> Option<crate::mock::sign_in::SignInClient> {
        super::mint::sign_in_client(state, base, client_id)
    }

    fn overview(&self, state: &AppState, base: &str) -> crate::mock::state::Overview {
        let auth = format!("{base}{AUTH_BASE}");
        let api = format!("{base}{API_BASE}/api");
        let endpoints = [
            (
                "discovery",
                format!("{auth}/.well-known/openid-configuration"),
            ),
            (
                "signing keys",
                format!("{auth}/.well-known/openid-configuration/jwks"),
            ),
            ("authorize", format!("{auth}/connect/authorize")),
            ("token", format!("{auth}/connect/token")),
            ("userinfo", format!("{auth}/connect/userinfo")),
            ("introspection", format!("{auth}/connect/introspect")),
            ("revocation", format!("{auth}/connect/revocation")),
            ("end session", format!("{auth}/connect/endsession")),
            ("Core API", api.clone()),
            ("people", format!("{api}/People")),
            (
                "API documentation",
                format!("{base}{API_BASE}/swagger/index.html"),
            ),
        ];
        let clients = state.config.auth.clients.all().iter().map(|c| {
            let kind = if c.require_client_secret {
                "confidential"
            } else {
                "public"
            };
            let mut what = format!(
                "{kind}; {}; scopes {}",
                c.allowed_grant_types.join(", "),
                c.allowed_scopes.join(" ")
            );
            if let Some(uri) = c.redirect_uris.first() {
                what.push_str(&format!("; redirect {uri}"));
            }
            if !c.enabled {
                what.push_str(" (disabled)");
            }
            (c.client_id.to_string(), what)
        });
        let users = state
            .config
            .auth
            .users
            .iter()
            .map(|u| (u.username.clone(), format!("person {}", u.subject_id)));
        crate::mock::state::Overview {
            endpoints: endpoints
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            clients: clients.collect(),
            users: users.collect(),
        }
    }

    fn describe(&self, config: &MockConfig) -> String {
        format!(
            "{} client(s), signing key {}: auth server {AUTH_BASE}, Core API {API_BASE}/api",
            config.auth.clients.all().len(),
            config.signing_key.kid()
        )
    }
}
