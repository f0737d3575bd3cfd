//! Genetec ClearID as a [`Service`]: its settings section, client model, routes and
//! target.

use std::sync::Arc;

use axum::Router;
use serde_json::{Map, Value};

use super::ClearIdSettings;
use crate::mock::config::{ConfigError, Settings};
use crate::mock::faults::Fault;
use crate::mock::mint::{Mint, MintError};
use crate::mock::profiles::{Bound, Service, ShippedTarget};
use crate::mock::spec::Client;
use crate::mock::state::{AppState, MockConfig};

/// ClearID's STS and Identity Service (`serve --profile clearid`).
pub struct ClearIdService;

/// Registered in [`SERVICES`](crate::mock::profiles::SERVICES).
pub static SERVICE: ClearIdService = ClearIdService;

impl Service for ClearIdService {
    fn name(&self) -> &'static str {
        "clearid"
    }

    fn title(&self) -> &'static str {
        "ClearID"
    }

    fn shipped_settings(&self) -> (&'static str, &'static str) {
        (super::DEFAULT_APPSETTINGS, "the clearid defaults")
    }

    fn clients_section(&self) -> &'static str {
        "ClearId:Clients"
    }

    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String> {
        Ok(super::settings::client_entry(client))
    }

    fn bind(&self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        Ok(Arc::new(ClearIdSettings::from_settings(settings)?))
    }

    fn faults(&self) -> &'static [Fault] {
        super::faults::FAULTS
    }

    fn target(&self) -> ShippedTarget {
        ShippedTarget {
            path: "fixtures/targets/clearid.toml",
            file: include_str!("../../../../fixtures/targets/clearid.toml"),
            secrets: include_str!("../../../../fixtures/targets/clearid.env"),
            inline: &[(
                "CLEARID_ASSERTION_KEY",
                include_str!("../../../../fixtures/keys/clearid-client.pem"),
            )],
        }
    }
}

impl Bound for ClearIdSettings {
    fn name(&self) -> &'static str {
        SERVICE.name()
    }

    fn routes(self: Arc<Self>, state: AppState) -> Router {
        super::router(state, self)
    }

    fn token_url(&self, base: &str) -> String {
        format!("{base}/connect/token")
    }

    // The STS names itself by its origin.
    fn issuer_for(&self, _state: &AppState, base: &str, client_id: &str) -> Option<String> {
        self.client(client_id).map(|_| self.issuer(base))
    }

    fn access_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        super::mint::access_token(state, self, mint, &self.issuer(base))
    }

    fn overview(&self, _state: &AppState, base: &str) -> crate::mock::state::Overview {
        let mut endpoints = vec![
            (
                "STS discovery".to_owned(),
                format!("{base}/.well-known/openid-configuration"),
            ),
            ("STS token".to_owned(), format!("{base}/connect/token")),
        ];
        let mut accounts: Vec<&String> = self.clients.iter().flat_map(|c| &c.accounts).collect();
        accounts.sort();
        accounts.dedup();
        for account in accounts {
            endpoints.push((
                format!("identities of account {account}"),
                format!("{base}/api/v2/accounts/{account}/identities"),
            ));
        }
        crate::mock::state::Overview {
            endpoints,
            clients: self
                .clients
                .iter()
                .map(|c| {
                    let how = if c.assertion_key.is_some() {
                        "signed assertion"
                    } else {
                        "client secret"
                    };
                    (
                        c.client_id.clone(),
                        format!(
                            "{how}; accounts {}; scopes {}",
                            c.accounts.join(", "),
                            c.scopes.join(" ")
                        ),
                    )
                })
                .collect(),
            users: Vec::new(),
        }
    }

    fn describe(&self, _config: &MockConfig) -> String {
        format!(
            "{} client(s): STS /connect/token, Identity Service /api/v2/accounts/{{account}}/identities",
            self.clients.len()
        )
    }
}
