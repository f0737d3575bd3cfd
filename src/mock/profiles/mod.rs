//! The services the mock can be, one folder each (`myid/`, `jim2/`, `clearid/`,
//! `beyond_identity/`, and any other), each implementing [`Service`] and
//! registered by one line of `services!` below:
//! its routes, settings and their client model, minting, faults and the target file
//! the harness checks it with. What they share stays outside the folders: the clock,
//! faults, the control plane, request limits, client-secret hashing, form reading, and
//! the helpers below and the [`oauth`](super::oauth) machinery. Adding a service is a
//! folder and one line.

use std::fmt;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use super::config::{ConfigError, Settings};
use super::faults::Fault;
use super::spec::{Client, User};
pub use super::state::Bound;

// Each service's folder. Declared as plain `mod` lines, not inside the macro below,
// because tools that read the module tree from source (cargo-mutants) cannot see a
// module a macro declares: every profile's decision code would be left unmutated.
pub mod beyond_identity;
pub mod clearid;
pub mod client_credentials;
pub mod jim2;
pub mod myid;

/// Registers each service's `SERVICE`: one line a service (and its `mod` line above).
macro_rules! services {
    ($($module:ident),* $(,)?) => {
        /// Every service the mock imitates, in the order `--profile` lists them.
        pub static SERVICES: &[&dyn Service] = &[$(&$module::SERVICE),*];
    };
}

services! {
    myid,
    jim2,
    clearid,
    beyond_identity,
    client_credentials,
}

/// Every fault of every service, in the order the services are registered.
pub fn all_faults() -> impl Iterator<Item = Fault> {
    SERVICES.iter().flat_map(|s| s.faults()).copied()
}

/// The fault with this name.
pub fn fault_named(name: &str) -> Option<Fault> {
    all_faults().find(|f| f.name == name)
}

/// A service the mock imitates: what differs from one to another. Implemented once, in
/// the service's folder.
pub trait Service: Sync + 'static {
    /// Its name on the command line (`serve --profile`, `check --mock`).
    fn name(&self) -> &'static str;
    /// What it is called in messages (`Jim2`, `Beyond Identity`).
    fn title(&self) -> &'static str;
    /// The settings it ships (JSON with comments) and the name errors give them.
    fn shipped_settings(&self) -> (&'static str, &'static str);
    /// Whether its shipped settings stay under settings files a user gives (a
    /// vendor's hold its paths and lifetimes), rather than being replaced by them
    /// (MyID's shipped clients, which a real server's files replace).
    fn shipped_under_files(&self) -> bool {
        true
    }
    /// Where its clients are listed in its settings.
    fn clients_section(&self) -> &'static str;
    /// Where the people who sign in are listed; `None` for a service without a sign-in
    /// page.
    fn users_section(&self) -> Option<&'static str> {
        None
    }
    /// A client, in its own settings model.
    fn client_entry(&self, client: &Client) -> Result<Map<String, Value>, String>;
    /// A person who signs in, in its own settings model (asked only of a service with
    /// a [`users_section`](Self::users_section)).
    fn user_entry(&self, _user: &User) -> Map<String, Value> {
        Map::new()
    }
    /// Its settings, bound and checked: what one mock of it serves.
    fn bind(&self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError>;
    /// Its named faults.
    fn faults(&self) -> &'static [Fault];
    /// The target file the harness checks a mock of it with, and its secrets.
    fn target(&self) -> ShippedTarget;
}

/// A service's shipped target file (its endpoints on `http://127.0.0.1:5000`, its
/// client roles, what it claims to be) and the secrets file that goes with it.
#[derive(Debug, Clone, Copy)]
pub struct ShippedTarget {
    /// The file's path in the repository, for messages.
    pub path: &'static str,
    /// The target file.
    pub file: &'static str,
    /// Its secrets, as `export NAME=value` lines.
    pub secrets: &'static str,
    /// Secrets whose file the secrets name, given inline so that an embedded mock
    /// runs from any directory: (variable, value).
    pub inline: &'static [(&'static str, &'static str)],
}

/// The service a mock imitates, by name: what [`crate::MockBuilder::new`] and
/// `serve --profile` take.
#[derive(Clone, Copy)]
pub struct Profile(&'static dyn Service);

impl Profile {
    /// MyID: `web.oauth2` (IdentityServer4 4.1.2) and the Core API `rest.core`.
    pub const MYID: Profile = Profile(&myid::MyidService);
    /// Jim2's token endpoint and licence pool.
    pub const JIM2: Profile = Profile(&jim2::Jim2Service);
    /// Genetec ClearID's STS and Identity Service.
    pub const CLEARID: Profile = Profile(&clearid::ClearIdService);
    /// A Beyond Identity realm's applications.
    pub const BEYOND_IDENTITY: Profile = Profile(&beyond_identity::BeyondIdentityService);

    /// Every registered profile.
    pub fn all() -> impl Iterator<Item = Profile> {
        SERVICES.iter().map(|s| Profile(*s))
    }

    /// Every profile's name, as `serve --profile` takes them.
    pub fn names() -> Vec<&'static str> {
        Self::all().map(Profile::name).collect()
    }

    /// Its name, as `serve --profile` takes it.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The profile of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::all().find(|p| p.name() == name)
    }

    /// The service behind it.
    pub fn service(self) -> &'static dyn Service {
        self.0
    }

    /// The settings the profile ships, and the name errors give them.
    pub fn shipped_settings(self) -> (&'static str, &'static str) {
        self.0.shipped_settings()
    }

    /// The profile's own settings, bound from the layered settings.
    pub fn bind(self, settings: &Settings) -> Result<Arc<dyn Bound>, ConfigError> {
        self.0.bind(settings)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::MYID
    }
}

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Profile {}

impl std::hash::Hash for Profile {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({})", self.name())
    }
}

impl fmt::Display for Profile {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_are_unique_and_round_trip() {
        let faults: Vec<Fault> = all_faults().collect();
        for (i, fault) in faults.iter().enumerate() {
            assert_eq!(fault_named(fault.name), Some(*fault));
            assert!(Profile::parse(fault.profile).is_some(), "{}", fault.name);
            assert!(
                faults[..i].iter().all(|f| f.name != fault.name),
                "{} twice",
                fault.name
            );
            assert!(
                !fault.caught_by.is_empty() && !fault.rules.is_empty(),
                "{}",
                fault.name
            );
        }
        let set = crate::mock::faults::FaultSet::new(&[&myid::faults::CODE_REUSE]);
        assert!(set.on(&myid::faults::CODE_REUSE) && !set.on(&myid::faults::PKCE_IGNORED));
        set.set(&myid::faults::PKCE_IGNORED, true);
        set.set(&myid::faults::CODE_REUSE, false);
        assert_eq!(set.list(), ["pkce-ignored"]);
        set.set(&myid::faults::PKCE_IGNORED, false);
        assert!(!set.on(&myid::faults::PKCE_IGNORED) && set.list().is_empty());
    }
}
