//! Jim2 as a [`Service`]: its settings section, client model, routes and target.

use std::sync::Arc;

use axum::Router;
use serde_json::{Map, Value};

use super::Jim2Settings;
use crate::mock::config::{ConfigError, Settings};
use crate::mock::faults::Fault;
use crate::mock::mint::{Mint, MintError};
use crate::mock::profiles::{Bound, Service, ShippedTarget};
use crate::mock::spec::Client;
use crate::mock::state::{AppState, MockConfig};

/// Jim2's token endpoint and licence pool (`serve --profile jim2`).
pub struct Jim2Service;

/// Registered in [`SERVICES`](crate::mock::profiles::SERVICES).
pub static SERVICE: Jim2Service = Jim2Service;

impl Service for Jim2Service {
    fn name(&self) -> &'static str {
        "jim2"
    }

    fn title(&self) -> &'static str {
        "Jim2"
    }

    fn shipped_settings(&self) -> (&'static str, &'static str) {
        (super::DEFAULT_APPSETTINGS, "the jim2 defaults")
    }

    fn clients_section(&self) -> &'static str {
        "Jim2:Clients"
    }

    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String> {
        super::settings::client_entry(client)
    }

    fn bind(&self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        Ok(Arc::new(Jim2Settings::from_settings(settings)?))
    }

    fn faults(&self) -> &'static [Fault] {
        super::faults::FAULTS
    }

    fn target(&self) -> ShippedTarget {
        ShippedTarget {
            path: "fixtures/targets/jim2.toml",
            file: include_str!("../../../../fixtures/targets/jim2.toml"),
            secrets: include_str!("../../../../fixtures/targets/jim2.env"),
            inline: &[],
        }
    }
}

impl Bound for Jim2Settings {
    fn name(&self) -> &'static str {
        SERVICE.name()
    }

    fn routes(self: Arc<Self>, state: AppState) -> Router {
        super::router(state, self)
    }

    fn token_url(&self, base: &str) -> String {
        format!("{base}{}/token", self.base_path)
    }

    // Jim2's tokens are opaque handles: nobody validates them by an issuer.
    fn issuer_for(&self, _state: &AppState, _base: &str, _client_id: &str) -> Option<String> {
        None
    }

    fn access_token(
        &self,
        state: &AppState,
        _base: &str,
        mint: &Mint,
    ) -> Result<String, MintError> {
        super::mint::access_token(state, self, mint)
    }

    fn overview(&self, _state: &AppState, base: &str) -> crate::mock::state::Overview {
        crate::mock::state::Overview {
            endpoints: vec![
                ("token".into(), format!("{base}{}/token", self.base_path)),
                ("logoff".into(), format!("{base}{}/logoff", self.base_path)),
            ],
            clients: self
                .clients
                .iter()
                .map(|c| {
                    (
                        c.client_id.clone(),
                        format!("client_credentials; scopes {}", self.scopes.join(" ")),
                    )
                })
                .collect(),
            users: Vec::new(),
        }
    }

    fn describe(&self, _config: &MockConfig) -> String {
        format!(
            "{} client(s), {} licence(s): token endpoint {}/token, logoff {}/logoff",
            self.clients.len(),
            self.licences,
            self.base_path,
            self.base_path
        )
    }
}
