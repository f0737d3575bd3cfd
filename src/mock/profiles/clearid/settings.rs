//! The ClearID profile's settings, from the `ClearId` section of the layered
//! configuration (defaults in `appsettings.json` beside this file).

use crate::mock::config::{ConfigError, Settings};

/// The defaults `serve --profile clearid` starts from.
pub const DEFAULT_APPSETTINGS: &str = include_str!("appsettings.json");

/// An API integration of a ClearID account.
#[derive(Debug, Clone)]
pub struct ClearIdClient {
    /// `{guid}:{account}`.
    pub client_id: String,
    /// Base64 of SHA-256 of the client secret, when it has one.
    pub secret_hash: Option<String>,
    /// The `sub` of its tokens (the GUID part, in ClearID's sample).
    pub subject: String,
    /// The accounts its tokens reach: `account_id` and the per-account claims.
    pub accounts: Vec<String>,
    /// The scopes its tokens carry (ClearID needs none asked for).
    pub scopes: Vec<String>,
    /// The public key (SPKI DER) its RFC 7523 assertions are verified against.
    pub assertion_key: Option<Vec<u8>>,
}

/// A person of an account, as the Identity Service lists them.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The identity's id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// `Active`, `Inactive`, ….
    pub state: String,
    /// The account it belongs to.
    #[serde(skip)]
    pub account: String,
}

/// What the ClearID mock is configured with.
#[derive(Debug, Clone)]
pub struct ClearIdSettings {
    /// The `kid` of the signing key.
    pub signing_key_id: String,
    /// `ClearId:Authority`: the STS's URL (`https://sts-demo.clearid.io`), its tokens'
    /// `iss`, which the Identity Service on another host trusts. Unset, the STS names
    /// the origin it was called on, and the Identity Service takes any origin's token
    /// its key signed, as it cannot know the STS's other names.
    pub authority: Option<String>,
    /// Seconds an access token lives, at most 3600.
    pub access_token_lifetime: i64,
    /// The `aud` a client assertion must name.
    pub assertion_audience: String,
    /// The clients.
    pub clients: Vec<ClearIdClient>,
    /// The identities of every account.
    pub identities: Vec<Identity>,
}

impl ClearIdSettings {
    /// The shipped defaults alone.
    pub fn defaults() -> Self {
        super::super::shipped(DEFAULT_APPSETTINGS, "ClearID settings", Self::from_settings)
    }

    /// Reads the `ClearId` section. An assertion key that is not a PEM public key stops
    /// start-up, naming the client.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let section = settings.section("ClearId");
        let text = |s: &crate::mock::config::Section<'_>, key: &str| {
            s.get(key).value().unwrap_or_default().trim().to_owned()
        };
        let lifetime = match section.get("AccessTokenLifetime").value() {
            None => 3600,
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| ConfigError::Conversion {
                    path: "ClearId:AccessTokenLifetime".into(),
                    value: v.to_owned(),
                    expected: "seconds from 1 to 3600 (ClearID's most)",
                })?,
        };
        let mut clients = Vec::new();
        for c in section.get("Clients").children() {
            let Some(client_id) = c.get("ClientId").value().map(str::to_owned) else {
                continue;
            };
            let assertion_key = match c.get("AssertionKey").value() {
                None => None,
                Some(pem_text) => Some(
                    pem::parse(pem_text)
                        .ok()
                        .filter(|p| p.tag() == "PUBLIC KEY" || p.tag() == "RSA PUBLIC KEY")
                        .map(|p| p.contents().to_vec())
                        .ok_or_else(|| ConfigError::Conversion {
                            path: format!("{}:AssertionKey", c.path()),
                            value: "(the key)".into(),
                            expected: "a PEM public key",
                        })?,
                ),
            };
            clients.push(ClearIdClient {
                secret_hash: c.get("SecretHash").value().map(|h| h.trim().to_owned()),
                subject: text(&c, "Subject"),
                accounts: c.get("Accounts").strings(),
                scopes: c.get("Scopes").strings(),
                assertion_key,
                client_id,
            });
        }
        let identities = section
            .get("Identities")
            .children()
            .iter()
            .map(|i| Identity {
                id: text(i, "Id"),
                first_name: text(i, "FirstName"),
                last_name: text(i, "LastName"),
                email: text(i, "Email"),
                state: text(i, "State"),
                account: text(i, "Account"),
            })
            .collect();
        let or = |v: String, d: &str| if v.is_empty() { d.to_owned() } else { v };
        Ok(ClearIdSettings {
            signing_key_id: or(
                text(&section, "SigningKeyId"),
                "2018-01-26-iams-signing-credential",
            ),
            authority: Some(text(&section, "Authority"))
                .filter(|a| !a.is_empty())
                .map(|a| a.trim_end_matches('/').to_owned()),
            access_token_lifetime: lifetime,
            assertion_audience: or(text(&section, "AssertionAudience"), "iams-sts"),
            clients,
            identities,
        })
    }

    /// The STS's issuer: the configured authority, or the origin it was called on.
    pub fn issuer(&self, origin: &str) -> String {
        self.authority.clone().unwrap_or_else(|| origin.to_owned())
    }

    /// The client with this id.
    pub fn client(&self, client_id: &str) -> Option<&ClearIdClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }
}

/// A client given in code: an API integration `{subject}:{account}` of one account,
/// unless `Subject` and `Accounts` are given as settings.
pub(crate) fn client_entry(
    c: &crate::mock::spec::Client,
) -> serde_json::Map<String, serde_json::Value> {
    let (subject, account) = c.id.split_once(':').unwrap_or((c.id.as_str(), ""));
    let mut json = serde_json::json!({
        "ClientId": c.id,
        "Subject": subject,
        "Accounts": if account.is_empty() { vec![] } else { vec![account] },
        "Scopes": c.scopes,
    });
    if let Some(s) = &c.secret {
        json["SecretHash"] = serde_json::json!(crate::protocol::secret::hash_secret(
            &crate::protocol::ClientSecret::new(s.as_str())
        ));
    }
    json.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_lifetimes_are_capped() {
        let d = ClearIdSettings::defaults();
        assert_eq!(d.access_token_lifetime, 3600);
        assert!(d.clients[0].assertion_key.is_some());
        assert_eq!(d.identities.len(), 4);
        let mut s = Settings::default();
        s.layer(DEFAULT_APPSETTINGS, "d").unwrap();
        s.layer(r#"{"ClearId": {"AccessTokenLifetime": 7200}}"#, "o")
            .unwrap();
        assert!(ClearIdSettings::from_settings(&s).is_err());
    }
}
