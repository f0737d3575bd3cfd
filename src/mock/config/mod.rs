//! The mock's configuration in MyID's own format: `appsettings.json` with
//! `appsettings.Production.json` (or any number of files) layered on top.
//!
//! Layering is done the way ASP.NET Core does it, because MyID's manual warns about its
//! consequences (§3.2.2): every file is flattened into `Section:Key:0:Key` paths whose
//! names are case-insensitive, later files override earlier ones path by path, so
//! objects merge by key and arrays by index, and an empty `{}` keeps the base entry.
//! Values are strings until a client is bound, which is why `"AccessTokenLifetime":
//! "3600"` and `3600` mean the same.

pub(crate) mod clients;
mod resources;
mod settings;
pub(crate) mod users;

pub use clients::{
    Client, ClientStore, RefreshTokenExpiration, RefreshTokenUsage, RejectedClient, StoredSecret,
};
pub use resources::{ApiResource, ApiScope, IdentityResource, Resources};
pub use settings::{Section, Settings};
pub use users::TestUser;

/// The clients and test data shipped with the crate, used when no `--config` is given.
pub const DEFAULT_APPSETTINGS: &str = include_str!("../../../fixtures/appsettings.json");

/// Why the configuration could not be loaded. Like MyID's web service, which does not
/// start when a settings file is malformed, the mock refuses to start on these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON (comments and trailing commas are allowed).
    #[error("{source_name}: not valid JSON: {message}")]
    Syntax {
        /// The file.
        source_name: String,
        /// What the parser said.
        message: String,
    },
    /// The top level of a file is not an object.
    #[error("{0}: the top level must be a JSON object")]
    NotAnObject(String),
    /// The same key appears twice in one object, ignoring case.
    #[error("{source_name}: duplicate key '{key}' (keys are case-insensitive)")]
    DuplicateKey {
        /// The file.
        source_name: String,
        /// The full path of the key.
        key: String,
    },
    /// A value cannot be converted to the type its setting needs.
    #[error("setting '{path}': cannot convert '{value}' to {expected}")]
    Conversion {
        /// The full setting path.
        path: String,
        /// The value found.
        value: String,
        /// What it should have been.
        expected: &'static str,
    },
}

/// Everything the auth server reads from its settings.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// The clients, with the ones IdentityServer would reject set aside.
    pub clients: ClientStore,
    /// Identity resources, API scopes and API resources.
    pub resources: Resources,
    /// People who can sign in at the login page.
    pub users: Vec<TestUser>,
    /// The request header whose value MyID records in its audit
    /// (`MyID:ClientIdentifierHeader`, manual §3.3.2).
    pub client_identifier_header: String,
    /// How many audit rows the mock keeps, newest last (`Mock:AuditWindow`, a setting
    /// of the mock's own; MyID keeps its audit in a database). Older rows are dropped,
    /// so a long-running mock's memory stays bounded.
    pub audit_window: usize,
    /// The operations the `operation` grant knows (manual §6): `Mock:Operations`, each
    /// `{ "Id", "Name", "Scope" }`, the manual's three unless set. A real server takes
    /// the ids its links offer; a user whose links offer others lists them here.
    pub operations: Vec<Operation>,
    /// The issuer the Core API accepts (`Mock:Authority`, the auth server's URL as the
    /// API is configured with it). MyID's API checks tokens against its configured
    /// authority, not against the host an API call came in on; the manual does not name
    /// the setting, so this one is the mock's own. Unset: the URL the mock serves on.
    pub authority: Option<String>,
    /// `MyID:Cors:AllowedOrigins`: the origins rest.core lets browsers call it from
    /// (manual §4.1.3). Compared with a request's `Origin` as origins, so one written
    /// as a URL (`https://myserver/`) matches nothing, as the manual warns.
    pub api_cors_origins: Vec<String>,
    /// `MyID:SwaggerApiDocumentation` (manual §2.1).
    pub swagger: SwaggerSettings,
    /// `IdentityServer:UserInteraction:LoginUrl` as an absolute URL: a login page on
    /// another origin (IdentityServer's `UserInteractionOptions.LoginUrl`). The
    /// authorize endpoint then sends the browser there with an absolute `ReturnUrl`, as
    /// IdentityServer's `LoginPageResult` does for a login URL that is not local.
    pub login_url: Option<String>,
}

/// `MyID:SwaggerApiDocumentation`: whether the documentation is served
/// (`GenerateDocumentation`, default true) and whether it is a test harness
/// (`AllowTestFromDocumentation`, default false: no Authorize dialog).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwaggerSettings {
    /// `GenerateDocumentation`.
    pub generate: bool,
    /// `AllowTestFromDocumentation`.
    pub allow_test: bool,
    /// `DocumentErrorCodes`: the error codes in each response's description. Off
    /// unless set, as the manual's settings example leaves it (assumed default).
    pub document_error_codes: bool,
    /// `DocumentMIReports`: the reports' paths in the document. On unless set, as
    /// the manual's settings example has it (assumed default).
    pub document_reports: bool,
}

fn flag(settings: &Settings, path: &str, default: bool) -> Result<bool, ConfigError> {
    match settings.section(path).value().map(str::trim) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ConfigError::Conversion {
            path: path.into(),
            value: v.to_owned(),
            expected: "true or false",
        }),
    }
}

/// An operation of the `operation` grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Its id, as a link's `op` gives it (`297`).
    pub id: String,
    /// What it does (`Reset Card PIN`).
    pub name: String,
    /// The scope a token for it needs: `myid.operation` (one target) or
    /// `myid.devicepicker` (none).
    pub scope: String,
}

/// The operations the manual names: Reset Card PIN and Assisted Activation (§6.1),
/// Read Card (Authenticated) for the Select Security Device dialog (§6.2).
fn manual_operations() -> Vec<Operation> {
    [
        ("297", "Reset Card PIN", "myid.operation"),
        ("5007", "Assisted Activation", "myid.operation"),
        ("100221", "Read Card (Authenticated)", "myid.devicepicker"),
    ]
    .into_iter()
    .map(|(id, name, scope)| Operation {
        id: id.into(),
        name: name.into(),
        scope: scope.into(),
    })
    .collect()
}

fn operations(settings: &Settings) -> Result<Vec<Operation>, ConfigError> {
    let entries = settings.section("Mock:Operations").children();
    if entries.is_empty() {
        return Ok(manual_operations());
    }
    entries
        .iter()
        .map(|e| {
            let text = |k: &str| e.get(k).value().unwrap_or_default().trim().to_owned();
            let (id, scope) = (text("Id"), text("Scope"));
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::Conversion {
                    path: format!("{}:Id", e.path()),
                    value: id,
                    expected: "an operation id, digits only",
                });
            }
            if scope != "myid.operation" && scope != "myid.devicepicker" {
                return Err(ConfigError::Conversion {
                    path: format!("{}:Scope", e.path()),
                    value: scope,
                    expected: "myid.operation or myid.devicepicker",
                });
            }
            Ok(Operation {
                id,
                name: text("Name"),
                scope,
            })
        })
        .collect()
}

/// The audit rows kept when the settings do not say.
pub const DEFAULT_AUDIT_WINDOW: usize = 10_000;

impl AuthSettings {
    /// Binds layered settings.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        Ok(AuthSettings {
            clients: ClientStore::bind(settings)?,
            resources: Resources::bind(settings)?,
            users: users::bind(settings),
            client_identifier_header: settings
                .section("MyID:ClientIdentifierHeader")
                .value()
                .filter(|h| !h.trim().is_empty())
                .unwrap_or("CLIENT_IDENTIFIER")
                .to_owned(),
            authority: settings
                .section("Mock:Authority")
                .value()
                .map(|a| a.trim().trim_end_matches('/').to_lowercase())
                .filter(|a| !a.is_empty()),
            api_cors_origins: settings.section("MyID:Cors:AllowedOrigins").strings(),
            login_url: match settings
                .section("IdentityServer:UserInteraction:LoginUrl")
                .value()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => None,
                Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                    Some(u.to_owned())
                }
                Some(u) => {
                    return Err(ConfigError::Conversion {
                        path: "IdentityServer:UserInteraction:LoginUrl".into(),
                        value: u.to_owned(),
                        expected: "an absolute http(s) URL of a login page on another origin",
                    });
                }
            },
            swagger: SwaggerSettings {
                generate: flag(
                    settings,
                    "MyID:SwaggerApiDocumentation:GenerateDocumentation",
                    true,
                )?,
                allow_test: flag(
                    settings,
                    "MyID:SwaggerApiDocumentation:AllowTestFromDocumentation",
                    false,
                )?,
                document_error_codes: flag(
                    settings,
                    "MyID:SwaggerApiDocumentation:DocumentErrorCodes",
                    false,
                )?,
                document_reports: flag(
                    settings,
                    "MyID:SwaggerApiDocumentation:DocumentMIReports",
                    true,
                )?,
            },
            operations: operations(settings)?,
            audit_window: match settings.section("Mock:AuditWindow").value() {
                None => DEFAULT_AUDIT_WINDOW,
                Some(v) => v.trim().parse().map_err(|_| ConfigError::Conversion {
                    path: "Mock:AuditWindow".into(),
                    value: v.to_owned(),
                    expected: "a number of audit rows",
                })?,
            },
        })
    }

    /// The shipped defaults.
    pub fn defaults() -> Self {
        let mut s = Settings::default();
        s.layer(DEFAULT_APPSETTINGS, "fixtures/appsettings.json")
            .and_then(|()| Self::from_settings(&s))
            .expect("the shipped fixtures/appsettings.json is valid (checked by a unit test)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_load_without_rejections() {
        let s = AuthSettings::defaults();
        assert!(
            s.clients.rejected().is_empty(),
            "{:?}",
            s.clients.rejected()
        );
        for id in [
            "myid.mysystem",
            "myid.limited",
            "myid.myclient",
            "myid.webclient",
            "myid.mcs",
        ] {
            assert!(s.clients.find_enabled(id).is_some(), "{id} missing");
        }
        assert_eq!(s.client_identifier_header, "CLIENT_IDENTIFIER");
        let mut layered = Settings::default();
        layered.layer(DEFAULT_APPSETTINGS, "base").unwrap();
        layered
            .layer(
                r#"{"MyID": {"ClientIdentifierHeader": "X-Workstation"}}"#,
                "prod",
            )
            .unwrap();
        assert_eq!(
            AuthSettings::from_settings(&layered)
                .unwrap()
                .client_identifier_header,
            "X-Workstation"
        );
        let user = s.users.iter().find(|u| u.username == "test.user").unwrap();
        assert!(user.password_matches("test-password") && !user.password_matches("Test-Password"));
    }
}
