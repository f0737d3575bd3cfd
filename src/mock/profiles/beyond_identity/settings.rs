//! The Beyond Identity profile's settings, from the `BeyondIdentity` section of the
//! layered configuration (defaults in `appsettings.json` beside this file).

use crate::mock::config::{ConfigError, Settings};

/// The defaults `serve --profile beyond-identity` starts from.
pub const DEFAULT_APPSETTINGS: &str = include_str!("appsettings.json");

/// An application of the realm.
#[derive(Debug, Clone)]
pub struct Application {
    /// Its id (a UUID), the last segment of its URL.
    pub id: String,
    /// Its client id.
    pub client_id: String,
    /// Base64 of SHA-256 of its client secret.
    pub secret_hash: String,
    /// The `sub` of its client-credentials tokens.
    pub subject: String,
    /// Scopes it may be granted; all of them when the request names none.
    pub allowed_scopes: Vec<String>,
    /// Resource-server identifiers its tokens name in `aud`, after its client id.
    pub audience: Vec<String>,
    /// Its "Expires": the longest an access token lives, and the default.
    pub expires: i64,
}

/// What the Beyond Identity mock is configured with.
#[derive(Debug, Clone)]
pub struct BeyondIdentitySettings {
    /// The tenant id.
    pub tenant: String,
    /// The realm id.
    pub realm: String,
    /// `Cache-Control: max-age` of the JWKS, in seconds.
    pub jwks_max_age: i64,
    /// The realm's applications.
    pub applications: Vec<Application>,
}

impl BeyondIdentitySettings {
    /// The shipped defaults alone.
    pub fn defaults() -> Self {
        let mut s = Settings::default();
        s.layer(DEFAULT_APPSETTINGS, "beyond-identity defaults")
            .and_then(|()| Self::from_settings(&s))
            .expect("the shipped Beyond Identity settings are valid")
    }

    /// Reads the `BeyondIdentity` section.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let section = settings.section("BeyondIdentity");
        let number = |s: &crate::mock::config::Section<'_>, key: &str, default: i64| match s
            .get(key)
            .value()
        {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError::Conversion {
                    path: format!("{}:{key}", s.path()),
                    value: v.to_owned(),
                    expected: "a positive number of seconds",
                }),
        };
        let text = |s: &crate::mock::config::Section<'_>, key: &str| {
            s.get(key).value().unwrap_or_default().trim().to_owned()
        };
        let mut applications = Vec::new();
        for a in section.get("Applications").children() {
            applications.push(Application {
                id: text(&a, "Id"),
                client_id: text(&a, "ClientId"),
                secret_hash: text(&a, "SecretHash"),
                subject: text(&a, "Subject"),
                allowed_scopes: a.get("AllowedScopes").strings(),
                audience: a.get("Audience").strings(),
                expires: number(&a, "Expires", 86_400)?,
            });
        }
        Ok(BeyondIdentitySettings {
            tenant: text(&section, "Tenant"),
            realm: text(&section, "Realm"),
            jwks_max_age: number(&section, "JwksMaxAge", 3600)?,
            applications,
        })
    }

    /// The application with this id.
    pub fn application(&self, id: &str) -> Option<&Application> {
        self.applications
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(id))
    }
}
