//! Beyond Identity as a [`Service`]: its settings section, application model, routes
//! and target.

use std::sync::Arc;

use axum::Router;
use serde_json::{Map, Value};

use super::BeyondIdentitySettings;
use crate::mock::config::{ConfigError, Settings};
use crate::mock::faults::Fault;
use crate::mock::mint::{Mint, MintError};
use crate::mock::profiles::{Bound, Service, ShippedTarget};
use crate::mock::spec::{Client, User};
use crate::mock::state::{AppState, MockConfig};

/// A Beyond Identity realm's applications (`serve --profile beyond-identity`).
pub struct BeyondIdentityService;

/// Registered in [`SERVICES`](crate::mock::profiles::SERVICES).
pub static SERVICE: BeyondIdentityService = BeyondIdentityService;

impl Service for BeyondIdentityService {
    fn name(&self) -> &'static str {
        "beyond-identity"
    }

    fn title(&self) -> &'static str {
        "Beyond Identity"
    }

    fn shipped_settings(&self) -> (&'static str, &'static str) {
        (super::DEFAULT_APPSETTINGS, "the beyond-identity defaults")
    }

    fn clients_section(&self) -> &'static str {
        "BeyondIdentity:Applications"
    }

    fn users_section(&self) -> Option<&'static str> {
        Some("BeyondIdentity:Identities")
    }

    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String> {
        Ok(super::settings::client_entry(client))
    }

    fn user_entry(&self, user: &User) -> Map<String, Value> {
        super::settings::identity_entry(user)
    }

    fn bind(&self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        Ok(Arc::new(Realm(Arc::new(
            BeyondIdentitySettings::from_settings(settings)?,
        ))))
    }

    fn faults(&self) -> &'static [Fault] {
        super::faults::FAULTS
    }

    fn target(&self) -> ShippedTarget {
        ShippedTarget {
            path: "fixtures/targets/beyond-identity.toml",
            file: include_str!("../../../../fixtures/targets/beyond-identity.toml"),
            secrets: include_str!("../../../../fixtures/targets/beyond-identity.env"),
            inline: &[],
        }
    }
}

/// The realm's settings as one mock serves them, shared with every request.
#[derive(Debug)]
pub struct Realm(pub Arc<BeyondIdentitySettings>);

impl Bound for Realm {
    fn name(&self) -> &'static str {
        SERVICE.name()
    }

    fn routes(self: Arc<Self>, state: AppState) -> Router {
        super::router(state, self.0.clone())
    }

    // Every application has its own endpoints: the first one's.
    fn token_url(&self, base: &str) -> String {
        self.0
            .applications
            .first()
            .and_then(|a| super::mint::issuer(&self.0, &a.client_id, base))
            .map(|i| format!("{i}/token"))
            .unwrap_or_default()
    }

    fn issuer_for(&self, _state: &AppState, base: &str, client_id: &str) -> Option<String> {
        super::mint::issuer(&self.0, client_id, base)
    }

    fn access_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        super::mint::access_token(state, &self.0, mint, base)
    }

    fn id_token(&self, state: &AppState, base: &str, mint: &Mint) -> Result<String, MintError> {
        super::mint::id_token(state, &self.0, mint, base)
    }

    fn sign_in_client(
        &self,
        _state: &AppState,
        base: &str,
        client_id: &str,
    ) -> Option<crate::mock::sign_in::SignInClient> {
        let app = self
            .0
            .applications
            .iter()
            .find(|a| a.client_id == client_id)?;
        if !app.allows("authorization_code") {
            return None;
        }
        let issuer = super::mint::issuer(&self.0, client_id, base)?;
        Some(crate::mock::sign_in::SignInClient {
            authorize_url: format!("{issuer}/authorize"),
            token_url: format!("{issuer}/token"),
            redirect_uri: app.redirect_uris.first()?.clone(),
            scope: app.allowed_scopes.join(" "),
        })
    }

    fn overview(&self, _state: &AppState, base: &str) -> crate::mock::state::Overview {
        let realm = &self.0;
        let mut endpoints = vec![(
            "introspection (the realm's)".to_owned(),
            format!(
                "{base}/v1/tenants/{}/realms/{}/introspect",
                realm.tenant, realm.realm
            ),
        )];
        for app in &realm.applications {
            let Some(issuer) = super::mint::issuer(realm, &app.client_id, base) else {
                continue;
            };
            endpoints.push((format!("{}: issuer", app.client_id), issuer.clone()));
            endpoints.push((
                format!("{}: token", app.client_id),
                format!("{issuer}/token"),
            ));
            if app.allows("authorization_code") {
                endpoints.push((
                    format!("{}: authorize", app.client_id),
                    format!("{issuer}/authorize"),
                ));
            }
        }
        let clients = realm.applications.iter().map(|a| {
            let kind = if a.is_confidential() {
                "confidential"
            } else {
                "public"
            };
            (
                a.client_id.clone(),
                format!(
                    "{kind}; {}; scopes {}",
                    a.grant_types.join(", "),
                    a.allowed_scopes.join(" ")
                ),
            )
        });
        let users = realm.identities.iter().map(|i| {
            (
                i.username.clone(),
                format!("{} <{}>", i.display_name, i.email),
            )
        });
        crate::mock::state::Overview {
            endpoints,
            clients: clients.collect(),
            users: users.collect(),
        }
    }

    fn describe(&self, _config: &MockConfig) -> String {
        format!(
            "{} application(s) under /v1/tenants/{}/realms/{}/applications/{{id}}",
            self.0.applications.len(),
            self.0.tenant,
            self.0.realm
        )
    }
}
