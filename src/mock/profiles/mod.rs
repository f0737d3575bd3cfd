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

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
