//! The plain client-credentials server as a [`Service`]: its settings section, client
//! model, routes, minting and shipped target. What it decides is in its `mod.rs`.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::{CcSettings, jwks, metadata, sign, token};
use crate::mock::config::{ConfigError, Settings};
use crate::mock::faults::Fault;
use crate::mock::mint::{Mint, MintError};
use crate::mock::profiles::{Bound, Service, ShippedTarget};
use crate::mock::spec::Client;
use crate::mock::state::{AppState, MockConfig};

/// The service (`serve --profile client-credentials`).
pub struct ClientCredentialsService;

/// Registered in [`SERVICES`](crate::mock::profiles::SERVICES).
pub static SERVICE: ClientCredentialsService = ClientCredentialsService;

impl Service for ClientCredentialsService {
    fn name(&self) -> &'static str {
        "client-credentials"
    }

    fn title(&self) -> &'static str {
        "OAuth 2.0 client credentials"
    }

    fn shipped_settings(&self) -> (&'static str, &'static str) {
        (
            include_str!("appsettings.json"),
            "the client-credentials defaults",
        )
    }

    fn clients_section(&self) -> &'static str {
        "ClientCredentials:Clients"
    }

    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String> {
        let secret = client.secret.as_deref().ok_or_else(|| {
            format!(
                "client '{}' needs a secret: client credentials authenticate",
                client.id
            )
        })?;
        let hash =
            crate::protocol::secret::hash_secret(&crate::protocol::ClientSecret::new(secret));
        let entry = json!({ "ClientId": client.id, "SecretHash": hash, "Scopes": client.scopes });
        Ok(entry.as_object().cloned().unwrap_or_default())
    }

    fn bind(&self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        Ok(Arc::new(CcSettings::from_settings(settings)?))
    }

    fn faults(&self) -> &'static [Fault] {
        &[]
    }

    fn target(&self) -> ShippedTarget {
        ShippedTarget {
            path: "src/mock/profiles/client_credentials/target.toml",
            file: include_str!("target.toml"),
            secrets: include_str!("target.env"),
            inline: &[],
        }
    }
}

impl Bound for CcSettings {
    fn name(&self) -> &'static str {
        SERVICE.name()
    }

    fn routes(self: Arc<Self>, state: AppState) -> Router {
        Router::new()
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state((state, self))
    }

    fn token_url(&self, base: &str) -> String {
        format!("{base}/token")
    }

    // The server names itself by its origin.
    fn issuer_for(&self, _state: &AppState, base: &str, client_id: &str) -> Option<String> {
        self.client(client_id).map(|_| base.to_owned())
    }

    fn access_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        let client = self
            .client(&mint.client_id)
            .ok_or_else(|| MintError::UnknownClient(mint.client_id.clone()))?;
        let now = state.clock.now();
        let scopes = mint.scopes_or(|| client.scopes.clone());
        let mut claims = self.claims(client, base, &scopes, now);
        mint.overlay(&mut claims, now);
        sign(state, &claims).ok_or(MintError::Signing)
    }

    fn overview(&self, _state: &AppState, base: &str) -> crate::mock::state::Overview {
        crate::mock::state::Overview {
            endpoints: vec![
                (
                    "metadata".into(),
                    format!("{base}/.well-known/oauth-authorization-server"),
                ),
                ("signing keys".into(), format!("{base}/jwks")),
                ("token".into(), format!("{base}/token")),
            ],
            clients: self
                .clients
                .iter()
                .map(|c| {
                    (
                        c.client_id.clone(),
                        format!("client_credentials; scopes {}", c.scopes.join(" ")),
                    )
                })
                .collect(),
            users: Vec::new(),
        }
    }

    fn describe(&self, _config: &MockConfig) -> String {
        format!(
            "{} client(s): token endpoint /token, metadata /.well-known/oauth-authorization-server",
            self.clients.len()
        )
    }
}
