//! The services the mock can be, one folder each: MyID is the default and lives in
//! `auth/` and `api/` (it came first and most of the shared machinery grew from it);
//! each other vendor is a folder here with its own routes, settings and state, built on
//! the shared machinery (the clock, faults, the control plane, request limits, client
//! secret hashing, form parsing). Adding a vendor touches this file and its own folder.

pub mod beyond_identity;
pub mod clearid;
pub mod jim2;

use std::fmt;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Which service the mock imitates, with that service's own settings.
#[derive(Debug, Clone, Default)]
pub enum Vendor {
    /// MyID: `web.oauth2` (IdentityServer4) and `rest.core`.
    #[default]
    Myid,
    /// Jim2's token endpoint and licence pool.
    Jim2(Arc<jim2::Jim2Settings>),
    /// Genetec ClearID's STS and Identity Service.
    ClearId(Arc<clearid::ClearIdSettings>),
    /// Beyond Identity's per-application OAuth endpoints.
    BeyondIdentity(Arc<beyond_identity::BeyondIdentitySettings>),
}

impl Vendor {
    /// The names `serve --profile` takes.
    pub const NAMES: [&'static str; 4] = ["myid", "jim2", "clearid", "beyond-identity"];

    /// The profile these settings are for.
    pub fn profile(&self) -> Profile {
        match self {
            Vendor::Myid => Profile::Myid,
            Vendor::Jim2(_) => Profile::Jim2,
            Vendor::ClearId(_) => Profile::ClearId,
            Vendor::BeyondIdentity(_) => Profile::BeyondIdentity,
        }
    }

    /// The profile's name.
    pub fn name(&self) -> &'static str {
        match self {
            Vendor::Myid => "myid",
            Vendor::Jim2(_) => "jim2",
            Vendor::ClearId(_) => "clearid",
            Vendor::BeyondIdentity(_) => "beyond-identity",
        }
    }
}

/// The service a mock imitates, by name: what [`crate::MockBuilder::new`] and
/// `serve --profile` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// MyID: `web.oauth2` (IdentityServer4 4.1.2) and the Core API `rest.core`.
    #[default]
    Myid,
    /// Jim2's token endpoint and licence pool.
    Jim2,
    /// Genetec ClearID's STS and Identity Service.
    ClearId,
    /// A Beyond Identity realm's applications.
    BeyondIdentity,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 4] = [
        Profile::Myid,
        Profile::Jim2,
        Profile::ClearId,
        Profile::BeyondIdentity,
    ];

    /// Its name, as `serve --profile` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Myid => "myid",
            Profile::Jim2 => "jim2",
            Profile::ClearId => "clearid",
            Profile::BeyondIdentity => "beyond-identity",
        }
    }

    /// The profile of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The settings the profile ships, and the name errors give them.
    pub fn shipped_settings(self) -> (&'static str, &'static str) {
        match self {
            Profile::Myid => (
                crate::mock::config::DEFAULT_APPSETTINGS,
                "fixtures/appsettings.json",
            ),
            Profile::Jim2 => (jim2::DEFAULT_APPSETTINGS, "the jim2 defaults"),
            Profile::ClearId => (clearid::DEFAULT_APPSETTINGS, "the clearid defaults"),
            Profile::BeyondIdentity => (
                beyond_identity::DEFAULT_APPSETTINGS,
                "the beyond-identity defaults",
            ),
        }
    }

    /// The profile's own settings, bound from the layered settings.
    pub fn vendor(
        self,
        settings: &crate::mock::config::Settings,
    ) -> Result<Vendor, crate::mock::config::ConfigError> {
        Ok(match self {
            Profile::Myid => Vendor::Myid,
            Profile::Jim2 => Vendor::Jim2(Arc::new(jim2::Jim2Settings::from_settings(settings)?)),
            Profile::ClearId => {
                Vendor::ClearId(Arc::new(clearid::ClearIdSettings::from_settings(settings)?))
            }
            Profile::BeyondIdentity => Vendor::BeyondIdentity(Arc::new(
                beyond_identity::BeyondIdentitySettings::from_settings(settings)?,
            )),
        })
    }

    /// Where the profile's clients are listed in its settings.
    pub(crate) fn clients_section(self) -> &'static str {
        match self {
            Profile::Myid => "Clients",
            Profile::Jim2 => "Jim2:Clients",
            Profile::ClearId => "ClearId:Clients",
            Profile::BeyondIdentity => "BeyondIdentity:Applications",
        }
    }

    /// Where the people who sign in are listed; `None` for a profile without a
    /// sign-in page.
    pub(crate) fn users_section(self) -> Option<&'static str> {
        match self {
            Profile::Myid => Some("TestUsers"),
            Profile::BeyondIdentity => Some("BeyondIdentity:Identities"),
            Profile::Jim2 | Profile::ClearId => None,
        }
    }

    /// A client in the profile's own settings model.
    pub(crate) fn client_entry(
        self,
        c: &crate::mock::builder::Client,
    ) -> Result<serde_json::Map<String, serde_json::Value>, String> {
        let mut entry = match self {
            Profile::Myid => crate::mock::config::clients::entry(c),
            Profile::Jim2 => jim2::settings::client_entry(c)?,
            Profile::ClearId => clearid::settings::client_entry(c),
            Profile::BeyondIdentity => beyond_identity::settings::client_entry(c),
        };
        entry.extend(c.settings.clone());
        Ok(entry)
    }

    /// A person who signs in, in the profile's own settings model.
    pub(crate) fn user_entry(
        self,
        u: &crate::mock::builder::User,
    ) -> serde_json::Map<String, serde_json::Value> {
        match self {
            Profile::BeyondIdentity => beyond_identity::settings::identity_entry(u),
            _ => crate::mock::config::users::entry(u),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile's shipped settings, bound: each profile's `defaults()`. The shipped file is
/// checked by the profile's tests, so a failure here is a build that cannot start.
pub(crate) fn shipped<T>(
    text: &str,
    name: &str,
    bind: impl FnOnce(&crate::mock::config::Settings) -> Result<T, crate::mock::config::ConfigError>,
) -> T {
    let mut s = crate::mock::config::Settings::default();
    s.layer(text, name)
        .and_then(|()| bind(&s))
        .unwrap_or_else(|e| panic!("the shipped {name} are invalid: {e}"))
}

/// The origin a request came in on (its scheme and `Host`): what a service names
/// itself by when no public URL is configured, as IdentityServer does.
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{}://{host}", crate::mock::scheme(headers))
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// An RFC 6749 §5.2 error with no-cache headers; a 401 carries the Basic challenge
/// §5.2 requires after Basic, naming `realm`. For vendors that publish no error bodies
/// of their own.
pub(crate) fn rfc6749_error(
    status: StatusCode,
    error: &str,
    description: Option<&str>,
    realm: &'static str,
) -> Response {
    let mut body = serde_json::json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = serde_json::json!(d);
    }
    let mut r = crate::mock::error::no_cache_json(status, &body);
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(realm));
    }
    r
}

/// A 401 asking for a bearer token (RFC 6750 §3).
pub(crate) fn bearer_challenge() -> Response {
    use axum::response::IntoResponse as _;
    let mut r = StatusCode::UNAUTHORIZED.into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}
