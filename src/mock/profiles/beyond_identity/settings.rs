//! The Beyond Identity profile's settings, from the `BeyondIdentity` section of the
//! layered configuration (defaults in `appsettings.json` beside this file). An
//! application is refused at start-up where BI's console would refuse it: a public app
//! without PKCE, an OIDC app with client credentials, refresh tokens on an app without
//! the authorization-code grant.

use std::sync::Arc;

use crate::mock::config::{ConfigError, Section, Settings};

/// The defaults `serve --profile beyond-identity` starts from.
pub const DEFAULT_APPSETTINGS: &str = include_str!("appsettings.json");

/// An application's protocol: `oauth2` apps may use client credentials or the code
/// flow; `oidc` apps only the code flow, and get an `id_token` for `openid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Protocol OAuth2.
    OAuth2,
    /// Protocol OIDC.
    Oidc,
}

/// An application's PKCE setting (BI: `disabled`, the default, `plain` or `s256`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkce {
    /// No challenge needed (one sent is still enforced).
    Disabled,
    /// The challenge is the verifier itself.
    Plain,
    /// RFC 7636 S256.
    S256,
}

/// An application's "Enable Refresh Tokens" settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshSettings {
    /// "Absolute Duration": seconds from the first token of a chain to the end of every
    /// refresh token in it. BI documents 0 as "expires immediately", and so it is here.
    pub absolute_duration: i64,
    /// "Rotate": each use issues a new refresh token and revokes the old one; off, the
    /// same token serves until it expires or is revoked.
    pub rotate: bool,
}

/// An application of the realm.
#[derive(Debug, Clone)]
pub struct Application {
    /// Its id (a UUID), the last segment of its URL.
    pub id: String,
    /// Its client id.
    pub client_id: String,
    /// Base64 of SHA-256 of its client secret; `None` for a public app.
    pub secret_hash: Option<String>,
    /// Its protocol.
    pub protocol: Protocol,
    /// Its PKCE setting.
    pub pkce: Pkce,
    /// The grants it may use: `client_credentials`, `authorization_code`.
    pub grant_types: Vec<String>,
    /// Redirect URIs, compared exactly.
    pub redirect_uris: Vec<String>,
    /// The `sub` of its client-credentials tokens.
    pub subject: String,
    /// Scopes it may be granted; all of them when the request names none.
    pub allowed_scopes: Vec<String>,
    /// Resource-server identifiers its tokens name in `aud`, after its client id.
    pub audience: Vec<String>,
    /// Its "Expires": the longest an access token lives, and the default.
    pub expires: i64,
    /// Refresh tokens, when enabled.
    pub refresh: Option<RefreshSettings>,
}

impl Application {
    /// Whether the app is confidential (has a secret).
    pub fn is_confidential(&self) -> bool {
        self.secret_hash.is_some()
    }

    /// Whether the app may use a grant.
    pub fn allows(&self, grant: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant)
    }
}

/// A person of the realm who can sign in (BI signs in with passkeys; the mock's
/// sign-in page takes a test password in their place).
#[derive(Debug, Clone)]
pub struct Identity {
    /// The identity id (16 hex), the `sub` of their tokens.
    pub id: String,
    /// Their username, typed on the sign-in page.
    pub username: String,
    /// Their e-mail address.
    pub email: String,
    /// Their display name.
    pub display_name: String,
    /// Base64 of SHA-256 of their test password.
    pub password_hash: String,
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
    /// Seconds an authorization code lives (assumed: BI does not publish it).
    pub code_lifetime: i64,
    /// Seconds the sign-in page accepts its request (assumed).
    pub sign_in_lifetime: i64,
    /// The realm's applications, shared with the requests that name them.
    pub applications: Vec<Arc<Application>>,
    /// The realm's identities.
    pub identities: Vec<Identity>,
}

fn conversion(s: &Section<'_>, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Conversion {
        path: s.path().to_owned(),
        value: value.to_owned(),
        expected,
    }
}

/// A number of seconds at `key`, at least `min`.
fn seconds(s: &Section<'_>, key: &str, default: i64, min: i64) -> Result<i64, ConfigError> {
    let at = s.get(key);
    match at.value() {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= min)
            .ok_or_else(|| {
                conversion(
                    &at,
                    v,
                    if min > 0 {
                        "a positive number of seconds"
                    } else {
                        "a number of seconds, 0 or more"
                    },
                )
            }),
    }
}

fn text(s: &Section<'_>, key: &str) -> String {
    s.get(key).value().unwrap_or_default().trim().to_owned()
}

fn flag(s: &Section<'_>, key: &str) -> Result<bool, ConfigError> {
    let at = s.get(key);
    match at.value().map(str::trim) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(conversion(&at, v, "true or false")),
    }
}

/// Long on purpose: one application's settings read key by key: a list, not stages.
fn application(a: &Section<'_>) -> Result<Application, ConfigError> {
    let protocol = match text(a, "Protocol").to_ascii_lowercase().as_str() {
        "" | "oauth2" => Protocol::OAuth2,
        "oidc" => Protocol::Oidc,
        other => return Err(conversion(&a.get("Protocol"), other, "oauth2 or oidc")),
    };
    let pkce = match text(a, "Pkce").to_ascii_lowercase().as_str() {
        "" | "disabled" => Pkce::Disabled,
        "plain" => Pkce::Plain,
        "s256" => Pkce::S256,
        other => return Err(conversion(&a.get("Pkce"), other, "disabled, plain or s256")),
    };
    let public = match text(a, "Confidentiality").to_ascii_lowercase().as_str() {
        "" | "confidential" => false,
        "public" => true,
        other => {
            return Err(conversion(
                &a.get("Confidentiality"),
                other,
                "confidential or public",
            ));
        }
    };
    let secret_hash = Some(text(a, "SecretHash")).filter(|h| !h.is_empty());
    if public && pkce == Pkce::Disabled {
        return Err(conversion(
            &a.get("Pkce"),
            "disabled",
            "plain or s256: a public application must use PKCE",
        ));
    }
    if !public && secret_hash.is_none() {
        return Err(conversion(
            &a.get("SecretHash"),
            "",
            "a secret hash: a confidential application has a secret",
        ));
    }
    let mut grant_types = a.get("GrantTypes").strings();
    if grant_types.is_empty() {
        grant_types.push(
            match protocol {
                Protocol::OAuth2 if !public => "client_credentials",
                _ => "authorization_code",
            }
            .to_owned(),
        );
    }
    for g in &grant_types {
        let ok = match g.as_str() {
            "authorization_code" => true,
            "client_credentials" => protocol == Protocol::OAuth2 && !public,
            _ => false,
        };
        if !ok {
            return Err(conversion(
                &a.get("GrantTypes"),
                g,
                "authorization_code, or client_credentials for a confidential OAuth2 application",
            ));
        }
    }
    let r = a.get("RefreshTokens");
    let refresh = if flag(&r, "Enabled")? {
        if !grant_types.iter().any(|g| g == "authorization_code") {
            return Err(conversion(
                &r.get("Enabled"),
                "true",
                "false: refresh tokens need the authorization-code grant",
            ));
        }
        Some(RefreshSettings {
            absolute_duration: seconds(&r, "AbsoluteDuration", 0, 0)?,
            rotate: flag(&r, "Rotate")?,
        })
    } else {
        None
    };
    Ok(Application {
        id: text(a, "Id"),
        client_id: text(a, "ClientId"),
        secret_hash: secret_hash.filter(|_| !public),
        protocol,
        pkce,
        grant_types,
        redirect_uris: a.get("RedirectUris").strings(),
        subject: text(a, "Subject"),
        allowed_scopes: a.get("AllowedScopes").strings(),
        audience: a.get("Audience").strings(),
        expires: seconds(a, "Expires", 86_400, 1)?,
        refresh,
    })
}

impl BeyondIdentitySettings {
    /// The shipped defaults alone.
    pub fn defaults() -> Self {
        super::super::shipped(
            DEFAULT_APPSETTINGS,
            "Beyond Identity settings",
            Self::from_settings,
        )
    }

    /// Reads the `BeyondIdentity` section.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let section = settings.section("BeyondIdentity");
        let applications = section
            .get("Applications")
            .children()
            .iter()
            .map(|a| application(a).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let identities = section
            .get("Identities")
            .children()
            .iter()
            .map(|i| Identity {
                id: text(i, "Id"),
                username: text(i, "Username"),
                email: text(i, "Email"),
                display_name: text(i, "DisplayName"),
                password_hash: text(i, "PasswordHash"),
            })
            .collect();
        Ok(BeyondIdentitySettings {
            tenant: text(&section, "Tenant"),
            realm: text(&section, "Realm"),
            jwks_max_age: seconds(&section, "JwksMaxAge", 3600, 1)?,
            code_lifetime: seconds(&section, "CodeLifetime", 600, 1)?,
            sign_in_lifetime: seconds(&section, "SignInLifetime", 900, 1)?,
            applications,
            identities,
        })
    }

    /// The application with this id.
    pub fn application(&self, id: &str) -> Option<&Arc<Application>> {
        self.applications
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(id))
    }
}

/// An application given in code: confidential with a secret, else public with S256
/// PKCE; its id (the last segment of its URL) derived from the client id unless an
/// `Id` setting gives one, so a test can name its issuer.
pub(crate) fn client_entry(
    c: &crate::mock::spec::Client,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut e = serde_json::Map::new();
    e.insert("Id".into(), json!(application_id(&c.id)));
    e.insert("ClientId".into(), json!(c.id));
    match &c.secret {
        Some(s) => {
            let hash = crate::protocol::secret::hash_secret(&crate::protocol::ClientSecret::new(
                s.as_str(),
            ));
            e.insert("SecretHash".into(), json!(hash));
        }
        None => {
            e.insert("Confidentiality".into(), json!("public"));
            e.insert("Pkce".into(), json!("s256"));
        }
    }
    if !c.grants.is_empty() {
        e.insert("GrantTypes".into(), json!(c.grants));
    }
    if !c.redirect_uris.is_empty() {
        e.insert("RedirectUris".into(), json!(c.redirect_uris));
    }
    e.insert("AllowedScopes".into(), json!(c.scopes));
    if let Some(l) = c.access_token_lifetime {
        e.insert("Expires".into(), json!(l));
    }
    e
}

/// The application id a client given in code gets: a UUID-shaped digest of its client
/// id, the same on every run.
pub fn application_id(client_id: &str) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, client_id.as_bytes());
    let h: String = d.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A person given in code, as an identity of the realm.
pub(crate) fn identity_entry(
    u: &crate::mock::spec::User,
) -> serde_json::Map<String, serde_json::Value> {
    let hash = crate::protocol::secret::hash_secret(&crate::protocol::ClientSecret::new(
        u.password.as_str(),
    ));
    let json = serde_json::json!({
        "Id": u.subject.as_deref().unwrap_or(&u.username),
        "Username": u.username,
        "Email": u.email.as_deref().unwrap_or_default(),
        "DisplayName": u.name.as_deref().unwrap_or(&u.username),
        "PasswordHash": hash,
    });
    json.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<BeyondIdentitySettings, ConfigError> {
        let mut s = Settings::default();
        s.layer(json, "test")?;
        BeyondIdentitySettings::from_settings(&s)
    }

    #[test]
    fn the_console_s_rules_hold_at_start_up() {
        let public_without_pkce = r#"{"BeyondIdentity":{"Applications":[{"Id":"a","ClientId":"c","Confidentiality":"public"}]}}"#;
        assert!(parse(public_without_pkce).is_err());
        let oidc_cc = r#"{"BeyondIdentity":{"Applications":[{"Id":"a","ClientId":"c","SecretHash":"x","Protocol":"oidc","GrantTypes":["client_credentials"]}]}}"#;
        assert!(parse(oidc_cc).is_err());
        let refresh_cc = r#"{"BeyondIdentity":{"Applications":[{"Id":"a","ClientId":"c","SecretHash":"x","RefreshTokens":{"Enabled":true}}]}}"#;
        assert!(parse(refresh_cc).is_err());
        let ok = r#"{"BeyondIdentity":{"Applications":[{"Id":"a","ClientId":"c","Confidentiality":"public","Pkce":"s256","RefreshTokens":{"Enabled":true,"AbsoluteDuration":0}}]}}"#;
        let s = parse(ok).unwrap();
        let app = &s.applications[0];
        assert!(!app.is_confidential() && app.allows("authorization_code"));
        assert_eq!(app.refresh.map(|r| r.absolute_duration), Some(0));
        let d = BeyondIdentitySettings::defaults();
        assert!(d.applications.iter().any(|a| a.refresh.is_some()));
        assert!(!d.identities.is_empty());
    }
}
