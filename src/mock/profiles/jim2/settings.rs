//! The Jim2 profile's settings, read from the `Jim2` section of the layered
//! configuration (see `appsettings.json` beside this file for the defaults).

use crate::mock::config::{ConfigError, Settings};

/// The defaults `serve --profile jim2` starts from.
pub const DEFAULT_APPSETTINGS: &str = include_str!("appsettings.json");

/// One OAuth client and the CardFile user's password hash it maps to.
#[derive(Debug, Clone)]
pub struct Jim2Client {
    /// The client id (Jim2's "client id to use initial mapping").
    pub client_id: String,
    /// Base64 of SHA-256 (or SHA-512) of the CardFile user's password.
    pub secret_hash: String,
}

/// What a Jim2 installation is configured with.
#[derive(Debug, Clone)]
pub struct Jim2Settings {
    /// The IIS application path the endpoints live under, without a trailing slash.
    pub base_path: String,
    /// The licensed user sessions the installation has.
    pub licences: usize,
    /// Scopes a client may ask for.
    pub scopes: Vec<String>,
    /// Seconds a licensed session and its refresh token live after the latest token
    /// request.
    pub session_lifetime: i64,
    /// Seconds an access token lives.
    pub access_token_lifetime: i64,
    /// `token_type` as written in the token response.
    pub token_type: String,
    /// The clients.
    pub clients: Vec<Jim2Client>,
}

impl Jim2Settings {
    /// The shipped defaults alone.
    pub fn defaults() -> Self {
        super::super::shipped(DEFAULT_APPSETTINGS, "Jim2 settings", Self::from_settings)
    }

    /// Reads the `Jim2` section.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let section = settings.section("Jim2");
        let text = |key: &str, default: &str| {
            section
                .get(key)
                .value()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        let number =
            |key: &str, default: i64, expected: &'static str| match section.get(key).value() {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| ConfigError::Conversion {
                        path: format!("Jim2:{key}"),
                        value: v.to_owned(),
                        expected,
                    }),
            };
        let clients = section
            .get("Clients")
            .children()
            .iter()
            .filter_map(|c| {
                Some(Jim2Client {
                    client_id: c.get("ClientId").value()?.to_owned(),
                    secret_hash: c.get("SecretHash").value()?.trim().to_owned(),
                })
            })
            .collect();
        let scopes = section.get("Scopes").strings();
        Ok(Jim2Settings {
            base_path: format!("/{}", text("BasePath", "/Jim_Test").trim_matches('/')),
            licences: number("Licences", 2, "a number of licences")? as usize,
            scopes: if scopes.is_empty() {
                vec!["all".into(), "view".into()]
            } else {
                scopes
            },
            session_lifetime: number("SessionLifetime", 1200, "a number of seconds")?,
            access_token_lifetime: number("AccessTokenLifetime", 1200, "a number of seconds")?,
            token_type: text("TokenType", "bearer"),
            clients,
        })
    }

    /// The client with this id (compared exactly, as Jim2's mapping does: assumed).
    pub fn client(&self, client_id: &str) -> Option<&Jim2Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }
}

/// A client given in code: Jim2 maps a client id to a CardFile user whose password is
/// the client secret, so a client without one cannot exist.
pub(crate) fn client_entry(
    c: &crate::mock::spec::Client,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let secret = c.secret.as_deref().ok_or_else(|| {
        format!(
            "Jim2 client '{}' needs a secret: a Jim2 client is a CardFile user and its password",
            c.id
        )
    })?;
    let hash = crate::protocol::secret::hash_secret(&crate::protocol::ClientSecret::new(secret));
    let json = serde_json::json!({ "ClientId": c.id, "SecretHash": hash });
    Ok(json.as_object().cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let d = Jim2Settings::defaults();
        assert_eq!(d.base_path, "/Jim_Test");
        assert_eq!((d.licences, d.session_lifetime), (2, 1200));
        assert!(d.client("TestClientId").is_some());
        let mut s = Settings::default();
        s.layer(DEFAULT_APPSETTINGS, "d").unwrap();
        s.layer(r#"{"Jim2": {"Licences": "5", "BasePath": "jim/"}}"#, "o")
            .unwrap();
        let o = Jim2Settings::from_settings(&s).unwrap();
        assert_eq!((o.licences, o.base_path.as_str()), (5, "/jim"));
        s.layer(r#"{"Jim2": {"Licences": "many"}}"#, "bad").unwrap();
        assert!(Jim2Settings::from_settings(&s).is_err());
    }
}
