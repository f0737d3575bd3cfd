//! Identity resources, API scopes and API resources. MyID keeps these in the
//! `appsettings.json` it installs (manual §6.2 names its `Scopes` and `ApiResources`
//! arrays), which integrators rarely touch, so the mock has MyID's set built in and a
//! settings file may replace any of the three lists.

use super::ConfigError;
use super::settings::Settings;

/// An identity resource (`openid`, `profile`) and the user claims it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityResource {
    /// Scope name.
    pub name: String,
    /// Claims it releases.
    pub user_claims: Vec<String>,
}

/// An API scope a client may request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiScope {
    /// Scope name.
    pub name: String,
    /// User claims tokens with this scope carry.
    pub user_claims: Vec<String>,
}

/// An API resource: its name becomes the `aud` of tokens carrying its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResource {
    /// Resource name, the audience.
    pub name: String,
    /// The API scopes it owns.
    pub scopes: Vec<String>,
    /// `ApiSecrets[].Value`: Base64(SHA-256) hashes the resource authenticates with at
    /// the introspection endpoint.
    pub secrets: Vec<String>,
}

/// The resource model the token endpoint validates scopes against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    /// Identity resources.
    pub identity: Vec<IdentityResource>,
    /// API scopes.
    pub api_scopes: Vec<ApiScope>,
    /// API resources.
    pub api_resources: Vec<ApiResource>,
}

impl Default for Resources {
    /// MyID's resources: the Core API (`myid.rest`, scope `myid.rest.basic`) and the
    /// MyID web service resource `myid.mws` that owns the `operation` grant's scopes
    /// (manual §6.2 names `myid.devicepicker` there; `myid.operation` is assumed to sit
    /// beside it).
    fn default() -> Self {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Resources {
            identity: vec![
                IdentityResource {
                    name: "openid".into(),
                    user_claims: names(&["sub"]),
                },
                IdentityResource {
                    name: "profile".into(),
                    user_claims: names(&[
                        "name",
                        "family_name",
                        "given_name",
                        "preferred_username",
                    ]),
                },
            ],
            api_scopes: vec![
                ApiScope {
                    name: "myid.rest.basic".into(),
                    user_claims: Vec::new(),
                },
                ApiScope {
                    name: "myid.operation".into(),
                    user_claims: names(&["op"]),
                },
                ApiScope {
                    name: "myid.devicepicker".into(),
                    user_claims: names(&["deviceDetectContext", "op", "myidSessionId"]),
                },
            ],
            api_resources: vec![
                ApiResource {
                    name: "myid.rest".into(),
                    scopes: names(&["myid.rest.basic"]),
                    // The mock's test secret, `myid-rest-api-secret` (fixtures/targets/mock.env):
                    // MyID's installer sets its own.
                    secrets: names(&["2XGL0hjTszuk/Yt/0DJqc07WK9Jl0hAnwZlEv1t7uBo="]),
                },
                ApiResource {
                    name: "myid.mws".into(),
                    scopes: names(&["myid.operation", "myid.devicepicker"]),
                    secrets: Vec::new(),
                },
            ],
        }
    }
}

impl Resources {
    /// The built-in set, with any of `IdentityResources`, `Scopes` (MyID's name; the
    /// IdentityServer name `ApiScopes` is read too) or `ApiResources` replaced by the
    /// settings' own list.
    pub fn bind(settings: &Settings) -> Result<Self, ConfigError> {
        let mut r = Resources::default();
        let identity = settings.section("IdentityResources");
        if identity.exists() {
            r.identity = identity
                .children()
                .iter()
                .filter_map(|c| {
                    Some(IdentityResource {
                        name: c.get("Name").value()?.to_owned(),
                        user_claims: c.get("UserClaims").strings(),
                    })
                })
                .collect();
        }
        for name in ["ApiScopes", "Scopes"] {
            let scopes = settings.section(name);
            if scopes.exists() {
                r.api_scopes = scopes
                    .children()
                    .iter()
                    .filter_map(|c| {
                        Some(ApiScope {
                            name: c.get("Name").value()?.to_owned(),
                            user_claims: c.get("UserClaims").strings(),
                        })
                    })
                    .collect();
            }
        }
        let apis = settings.section("ApiResources");
        if apis.exists() {
            r.api_resources = apis
                .children()
                .iter()
                .filter_map(|c| {
                    Some(ApiResource {
                        name: c.get("Name").value()?.to_owned(),
                        scopes: c.get("Scopes").strings(),
                        secrets: c
                            .get("ApiSecrets")
                            .children()
                            .iter()
                            .filter_map(|s| s.get("Value").value().map(str::to_owned))
                            .collect(),
                    })
                })
                .collect();
        }
        Ok(r)
    }

    /// Whether `name` is an identity scope.
    pub fn is_identity_scope(&self, name: &str) -> bool {
        self.identity.iter().any(|i| i.name == name)
    }

    /// Whether `name` is an API scope.
    pub fn is_api_scope(&self, name: &str) -> bool {
        self.api_scopes.iter().any(|s| s.name == name)
    }

    /// The audiences for a set of granted scopes: every API resource owning one of
    /// them, in resource order.
    pub fn audiences_for(&self, scopes: &[String]) -> Vec<String> {
        self.api_resources
            .iter()
            .filter(|r| r.scopes.iter().any(|s| scopes.contains(s)))
            .map(|r| r.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_scope_maps_to_the_myid_rest_audience() {
        let r = Resources::default();
        assert_eq!(r.audiences_for(&["myid.rest.basic".into()]), ["myid.rest"]);
        assert_eq!(r.audiences_for(&["myid.devicepicker".into()]), ["myid.mws"]);
        assert!(r.is_identity_scope("openid") && !r.is_api_scope("openid"));
    }

    #[test]
    fn settings_replace_a_list() {
        let mut s = Settings::default();
        s.layer(
            r#"{"ApiResources":[{"Name":"other","Scopes":["x"]}],"Scopes":[{"Name":"x"}]}"#,
            "t",
        )
        .unwrap();
        let r = Resources::bind(&s).unwrap();
        assert_eq!(r.audiences_for(&["x".into()]), ["other"]);
        assert!(!r.is_api_scope("myid.rest.basic"));
        assert_eq!(r.identity, Resources::default().identity);
    }
}
