//! Clients in IdentityServer4's model, bound from the `Clients` array with
//! IdentityServer4 v4 defaults and MyID's refresh-token settings, and validated the way
//! `DefaultClientConfigurationValidator` does at first use.

use std::collections::BTreeMap;

use super::ConfigError;
use super::settings::{Section, Settings};
use crate::protocol::ClientId;

/// MyID's refresh-token lifetimes (manual §4.4: two hours, at most six days), which
/// differ from IdentityServer's 15/30-day defaults.
const MYID_SLIDING_REFRESH: i64 = 7_200;
const MYID_ABSOLUTE_REFRESH: i64 = 518_400;

/// Schemes IdentityServer refuses in redirect URIs (`ValidationOptions.InvalidRedirectUriPrefixes`).
const INVALID_REDIRECT_PREFIXES: [&str; 12] = [
    "javascript:",
    "file:",
    "data:",
    "mailto:",
    "ftp:",
    "blob:",
    "about:",
    "ssh:",
    "tel:",
    "view-source:",
    "ws:",
    "wss:",
];

/// What happens to a refresh token's handle when it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshTokenUsage {
    /// The handle stays the same.
    ReUse,
    /// A new handle each time; the used one is consumed (IdentityServer4's default).
    OneTimeOnly,
}

/// How a refresh token's lifetime is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshTokenExpiration {
    /// `min(now + sliding, first issue + absolute)`.
    Sliding,
    /// First issue + absolute, never extended.
    Absolute,
}

/// One entry of `ClientSecrets`: the stored hash, never a plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    /// Base64 of the secret's SHA-256 (or SHA-512) hash.
    pub value: String,
    /// `SharedSecret` unless configured otherwise; only shared secrets are checked.
    pub kind: String,
    /// Unix time after which the secret no longer counts.
    pub expiration: Option<i64>,
}

/// A client, as IdentityServer4 4.1.2's `Client` model with its defaults.
#[derive(Debug, Clone)]
#[allow(missing_docs)] // The fields are IdentityServer's settings of the same names.
pub struct Client {
    pub client_id: ClientId,
    pub client_name: Option<String>,
    pub enabled: bool,
    pub protocol_type: String,
    pub secrets: Vec<StoredSecret>,
    pub require_client_secret: bool,
    pub require_pkce: bool,
    pub allow_plain_text_pkce: bool,
    pub require_consent: bool,
    pub allow_access_tokens_via_browser: bool,
    pub allow_offline_access: bool,
    pub include_jwt_id: bool,
    pub update_access_token_claims_on_refresh: bool,
    pub access_token_lifetime: i64,
    pub authorization_code_lifetime: i64,
    pub identity_token_lifetime: i64,
    pub sliding_refresh_token_lifetime: i64,
    pub absolute_refresh_token_lifetime: i64,
    pub refresh_token_usage: RefreshTokenUsage,
    pub refresh_token_expiration: RefreshTokenExpiration,
    pub allowed_grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub allowed_scopes: Vec<String>,
    pub allowed_cors_origins: Vec<String>,
    pub properties: BTreeMap<String, String>,
}

impl Client {
    /// The `MyIDLogonName` property: the MyID user the API acts as for this client.
    pub fn myid_logon_name(&self) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("MyIDLogonName"))
            .map(|(_, v)| v.as_str())
    }

    /// Whether `grant` is in `AllowedGrantTypes` (case-sensitive, as IdentityServer compares).
    pub fn allows_grant(&self, grant: &str) -> bool {
        self.allowed_grant_types.iter().any(|g| g == grant)
    }

    /// The reasons IdentityServer's configuration validator would reject this client;
    /// empty when it is valid.
    ///
    /// Long on purpose: IdentityServer's client validation rule by rule, in its order:
    /// a list.
    pub fn validation_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let grants = &self.allowed_grant_types;
        if self.client_id.as_str().trim().is_empty() {
            errors.push("ClientId is empty".to_owned());
        }
        if grants.is_empty() {
            errors.push("no AllowedGrantTypes".to_owned());
        }
        if grants.iter().any(|g| g.contains(' ')) {
            errors.push("a grant type contains a space".to_owned());
        }
        for (i, g) in grants.iter().enumerate() {
            if grants[..i].contains(g) {
                errors.push(format!("grant type '{g}' is listed twice"));
            }
        }
        let has = |g: &str| grants.iter().any(|x| x == g);
        for (a, b) in [
            ("implicit", "authorization_code"),
            ("implicit", "hybrid"),
            ("authorization_code", "hybrid"),
        ] {
            if has(a) && has(b) {
                errors.push(format!("grant types '{a}' and '{b}' cannot be combined"));
            }
        }
        for (name, value) in [
            ("AccessTokenLifetime", self.access_token_lifetime),
            ("IdentityTokenLifetime", self.identity_token_lifetime),
            (
                "AuthorizationCodeLifetime",
                self.authorization_code_lifetime,
            ),
        ] {
            if value <= 0 {
                errors.push(format!("{name} must be greater than 0 (is {value})"));
            }
        }
        for (name, value) in [
            (
                "SlidingRefreshTokenLifetime",
                self.sliding_refresh_token_lifetime,
            ),
            (
                "AbsoluteRefreshTokenLifetime",
                self.absolute_refresh_token_lifetime,
            ),
        ] {
            if value < 0 {
                errors.push(format!("{name} must not be negative (is {value})"));
            }
        }
        if (has("authorization_code") || has("hybrid") || has("implicit"))
            && self.redirect_uris.is_empty()
        {
            errors.push("an interactive client needs RedirectUris".to_owned());
        }
        for origin in &self.allowed_cors_origins {
            if !is_origin(origin) {
                errors.push(format!(
                    "AllowedCorsOrigins entry '{origin}' is not an origin (no path or trailing slash)"
                ));
            }
        }
        if self.require_client_secret && self.secrets.is_empty() && !only_implicit(grants) {
            errors.push("RequireClientSecret is true but ClientSecrets is empty".to_owned());
        }
        for uri in &self.redirect_uris {
            let lower = uri.to_ascii_lowercase();
            if let Some(p) = INVALID_REDIRECT_PREFIXES
                .iter()
                .find(|p| lower.starts_with(**p))
            {
                errors.push(format!(
                    "redirect URI '{uri}' uses a forbidden scheme '{p}'"
                ));
            }
        }
        errors
    }
}

fn only_implicit(grants: &[String]) -> bool {
    !grants.is_empty() && grants.iter().all(|g| g == "implicit")
}

/// `scheme://host[:port]`, nothing after it (IdentityServer's origin check).
fn is_origin(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && !rest.is_empty()
        && !rest.contains('/')
        && !rest.contains('?')
        && !rest.contains('#')
}

/// A client set aside at start-up, with IdentityServer's reasons.
#[derive(Debug, Clone)]
pub struct RejectedClient {
    /// The client id as configured.
    pub client_id: String,
    /// Why it is invalid.
    pub reasons: Vec<String>,
}

/// The configured clients. Invalid ones are kept apart: to callers they are unknown,
/// exactly as IdentityServer's `ValidatingClientStore` makes them.
#[derive(Debug, Clone, Default)]
pub struct ClientStore {
    clients: Vec<Client>,
    rejected: Vec<RejectedClient>,
}

impl ClientStore {
    /// Binds and validates every entry of `Clients`.
    pub fn bind(settings: &Settings) -> Result<Self, ConfigError> {
        let mut store = ClientStore::default();
        for section in settings.section("Clients").children() {
            let client = bind_client(&section)?;
            let reasons = client.validation_errors();
            if reasons.is_empty() {
                store.clients.push(client);
            } else {
                store.rejected.push(RejectedClient {
                    client_id: client.client_id.to_string(),
                    reasons,
                });
            }
        }
        Ok(store)
    }

    /// A valid client with exactly this id (case-sensitive) that is enabled.
    pub fn find_enabled(&self, id: &str) -> Option<&Client> {
        self.clients
            .iter()
            .find(|c| c.enabled && c.client_id.as_str() == id)
    }

    /// Registers Swagger UI's redirect page at `base` too, for every client that has it
    /// registered on a loopback address: the shipped `myid.operatorclient` names ports
    /// 5000 and 5443, and a mock served on any other port would otherwise end Swagger's
    /// sign-in on an error page. A real server's clients name their real host, which
    /// this leaves alone.
    pub fn register_swagger_at(&mut self, base: &str) {
        const SWAGGER_REDIRECT: &str = "/rest.core/swagger/oauth2-redirect.html";
        let loopback = |uri: &str| {
            [
                "http://127.0.0.1:",
                "http://localhost:",
                "https://127.0.0.1:",
                "https://localhost:",
            ]
            .iter()
            .any(|p| uri.starts_with(p))
        };
        let port = base.rsplit(':').next().unwrap_or_default();
        let scheme = base.split("://").next().unwrap_or("http");
        for client in &mut self.clients {
            let has = client
                .redirect_uris
                .iter()
                .any(|u| loopback(u) && u.ends_with(SWAGGER_REDIRECT));
            if !has {
                continue;
            }
            for host in ["127.0.0.1", "localhost"] {
                let uri = format!("{scheme}://{host}:{port}{SWAGGER_REDIRECT}");
                if !client.redirect_uris.contains(&uri) {
                    client.redirect_uris.push(uri);
                }
            }
        }
    }

    /// Every valid client, enabled or not.
    pub fn all(&self) -> &[Client] {
        &self.clients
    }

    /// The clients set aside at start-up.
    pub fn rejected(&self) -> &[RejectedClient] {
        &self.rejected
    }
}

/// Long on purpose: IdentityServer's client model bound property by property: a list,
/// not stages.
fn bind_client(s: &Section<'_>) -> Result<Client, ConfigError> {
    let secrets = s
        .get("ClientSecrets")
        .children()
        .iter()
        .filter_map(|sec| {
            let value = sec.get("Value").value()?.to_owned();
            Some((sec.clone(), value))
        })
        .map(|(sec, value)| {
            Ok(StoredSecret {
                value,
                kind: sec.get("Type").value().unwrap_or("SharedSecret").to_owned(),
                expiration: sec
                    .get("Expiration")
                    .value()
                    .map(|v| parse_date(&sec.get("Expiration"), v))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    let properties = s
        .get("Properties")
        .children()
        .iter()
        .filter_map(|p| {
            let name = p.path().rsplit(':').next()?.to_owned();
            Some((name, p.value()?.to_owned()))
        })
        .collect();
    Ok(Client {
        client_id: ClientId::new(s.get("ClientId").value().unwrap_or_default()),
        client_name: s.get("ClientName").value().map(str::to_owned),
        enabled: bool_of(s, "Enabled", true)?,
        protocol_type: s.get("ProtocolType").value().unwrap_or("oidc").to_owned(),
        secrets,
        require_client_secret: bool_of(s, "RequireClientSecret", true)?,
        require_pkce: bool_of(s, "RequirePkce", true)?,
        allow_plain_text_pkce: bool_of(s, "AllowPlainTextPkce", false)?,
        require_consent: bool_of(s, "RequireConsent", false)?,
        allow_access_tokens_via_browser: bool_of(s, "AllowAccessTokensViaBrowser", false)?,
        allow_offline_access: bool_of(s, "AllowOfflineAccess", false)?,
        include_jwt_id: bool_of(s, "IncludeJwtId", true)?,
        update_access_token_claims_on_refresh: bool_of(
            s,
            "UpdateAccessTokenClaimsOnRefresh",
            false,
        )?,
        access_token_lifetime: int_of(s, "AccessTokenLifetime", 3_600)?,
        authorization_code_lifetime: int_of(s, "AuthorizationCodeLifetime", 300)?,
        identity_token_lifetime: int_of(s, "IdentityTokenLifetime", 300)?,
        sliding_refresh_token_lifetime: int_of(
            s,
            "SlidingRefreshTokenLifetime",
            MYID_SLIDING_REFRESH,
        )?,
        absolute_refresh_token_lifetime: int_of(
            s,
            "AbsoluteRefreshTokenLifetime",
            MYID_ABSOLUTE_REFRESH,
        )?,
        refresh_token_usage: enum_of(
            s,
            "RefreshTokenUsage",
            RefreshTokenUsage::OneTimeOnly,
            &[
                ("ReUse", RefreshTokenUsage::ReUse),
                ("OneTimeOnly", RefreshTokenUsage::OneTimeOnly),
            ],
        )?,
        // MyID documents a sliding two-hour refresh lifetime capped at six days, which
        // needs Sliding; IdentityServer's own default is Absolute.
        refresh_token_expiration: enum_of(
            s,
            "RefreshTokenExpiration",
            RefreshTokenExpiration::Sliding,
            &[
                ("Sliding", RefreshTokenExpiration::Sliding),
                ("Absolute", RefreshTokenExpiration::Absolute),
            ],
        )?,
        allowed_grant_types: s.get("AllowedGrantTypes").strings(),
        redirect_uris: s.get("RedirectUris").strings(),
        post_logout_redirect_uris: s.get("PostLogoutRedirectUris").strings(),
        allowed_scopes: s.get("AllowedScopes").strings(),
        allowed_cors_origins: s.get("AllowedCorsOrigins").strings(),
        properties,
    })
}

/// .NET `bool.Parse`: `true`/`false` in any case, surrounding white space allowed.
fn bool_of(s: &Section<'_>, key: &str, default: bool) -> Result<bool, ConfigError> {
    let field = s.get(key);
    match field.value().map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(conversion(&field, v, "a boolean (true or false)")),
    }
}

/// .NET `int.Parse` with the invariant culture: an optional sign and digits.
fn int_of(s: &Section<'_>, key: &str, default: i64) -> Result<i64, ConfigError> {
    let field = s.get(key);
    match field.value().map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse::<i32>()
            .map(i64::from)
            .map_err(|_| conversion(&field, v, "a whole number of seconds")),
    }
}

/// .NET enum binding: the member name in any case, or its number.
fn enum_of<T: Copy>(
    s: &Section<'_>,
    key: &str,
    default: T,
    members: &[(&str, T)],
) -> Result<T, ConfigError> {
    let field = s.get(key);
    let Some(v) = field.value().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    members
        .iter()
        .enumerate()
        .find(|(i, (name, _))| name.eq_ignore_ascii_case(v) || v.parse::<usize>() == Ok(*i))
        .map(|(_, (_, m))| *m)
        .ok_or_else(|| conversion(&field, v, "one of the documented names"))
}

fn conversion(field: &Section<'_>, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Conversion {
        path: field.path().to_owned(),
        value: value.to_owned(),
        expected,
    }
}

/// `YYYY-MM-DD`, optionally followed by `THH:MM[:SS]` and `Z`, read as UTC.
fn parse_date(field: &Section<'_>, value: &str) -> Result<i64, ConfigError> {
    let err = || conversion(field, value, "a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
    let v = value.trim().trim_end_matches('Z');
    let (date, time) = v.split_once('T').unwrap_or((v, "00:00:00"));
    let d: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().map_err(|_| err()))
        .collect::<Result<_, _>>()?;
    let t: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().map_err(|_| err()))
        .collect::<Result<_, _>>()?;
    let ([y, m, day], [hh, mm, rest @ ..]) = (d.as_slice(), t.as_slice()) else {
        return Err(err());
    };
    let ss = rest.first().copied().unwrap_or(0);
    if !(1..=12).contains(m) || !(1..=31).contains(day) || *hh > 23 || *mm > 59 || ss > 59 {
        return Err(err());
    }
    Ok(days_from_civil(*y, *m, *day) * 86_400 + hh * 3_600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(json: &str) -> Result<ClientStore, ConfigError> {
        let mut s = Settings::default();
        s.layer(json, "test")?;
        ClientStore::bind(&s)
    }

    #[test]
    fn manual_example_binds_with_string_numbers_and_defaults() {
        let st = store(
            r#"{"Clients":[{"ClientId":"myid.mysystem","AccessTokenLifetime":"3600",
            "AllowedGrantTypes":["client_credentials"],
            "ClientSecrets":[{"Value":"kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk="}],
            "AllowedScopes":["myid.rest.basic"],"Properties":{"MyIDLogonName":"api.external"}}]}"#,
        )
        .unwrap();
        let c = st.find_enabled("myid.mysystem").unwrap();
        assert_eq!(c.access_token_lifetime, 3600);
        assert_eq!(c.sliding_refresh_token_lifetime, 7_200);
        assert_eq!(c.absolute_refresh_token_lifetime, 518_400);
        assert!(c.require_pkce && c.require_client_secret && !c.allow_offline_access);
        assert_eq!(c.refresh_token_usage, RefreshTokenUsage::OneTimeOnly);
        assert_eq!(c.myid_logon_name(), Some("api.external"));
        assert_eq!(c.secrets[0].kind, "SharedSecret");
        assert!(
            st.find_enabled("MYID.MYSYSTEM").is_none(),
            "ids are case-sensitive"
        );
    }

    #[test]
    fn invalid_clients_are_set_aside_with_reasons() {
        let st = store(
            r#"{"Clients":[
              {"ClientId":"nogrants"},
              {"ClientId":"cors","AllowedGrantTypes":["client_credentials"],"ClientSecrets":[{"Value":"x"}],
               "AllowedCorsOrigins":["https://app.example/"]},
              {"ClientId":"code","AllowedGrantTypes":["authorization_code"],"RequireClientSecret":false},
              {"ClientId":"nosecret","AllowedGrantTypes":["client_credentials"]},
              {"ClientId":"life","AllowedGrantTypes":["client_credentials"],"RequireClientSecret":false,"AccessTokenLifetime":0},
              {"ClientId":"mix","AllowedGrantTypes":["implicit","authorization_code"],"RequireClientSecret":false,
               "RedirectUris":["javascript:alert(1)"]}
            ]}"#,
        )
        .unwrap();
        assert!(st.all().is_empty());
        let reasons = |id: &str| {
            st.rejected()
                .iter()
                .find(|r| r.client_id == id)
                .unwrap()
                .reasons
                .join("; ")
        };
        assert!(reasons("nogrants").contains("no AllowedGrantTypes"));
        assert!(reasons("cors").contains("not an origin"));
        assert!(reasons("code").contains("RedirectUris"));
        assert!(reasons("nosecret").contains("ClientSecrets is empty"));
        assert!(reasons("life").contains("AccessTokenLifetime"));
        assert!(reasons("mix").contains("cannot be combined"));
        assert!(reasons("mix").contains("forbidden scheme"));
    }

    #[test]
    fn unconvertible_values_stop_the_load() {
        let err =
            store(r#"{"Clients":[{"ClientId":"a","AccessTokenLifetime":"an hour"}]}"#).unwrap_err();
        assert!(
            err.to_string().contains("Clients:0:AccessTokenLifetime"),
            "{err}"
        );
        assert!(store(r#"{"Clients":[{"ClientId":"a","Enabled":"yes"}]}"#).is_err());
        let ok = store(
            r#"{"Clients":[{"ClientId":"a","AllowedGrantTypes":["client_credentials"],"RequireClientSecret":"False",
            "RefreshTokenUsage":"reuse","RefreshTokenExpiration":"1","Enabled":" TRUE "}]}"#,
        )
        .unwrap();
        let a = ok.find_enabled("a").unwrap();
        assert_eq!(a.refresh_token_usage, RefreshTokenUsage::ReUse);
        assert_eq!(a.refresh_token_expiration, RefreshTokenExpiration::Absolute);
    }

    #[test]
    fn disabled_clients_are_not_found() {
        let st = store(
            r#"{"Clients":[{"ClientId":"a","Enabled":false,"AllowedGrantTypes":["client_credentials"],"RequireClientSecret":false}]}"#,
        )
        .unwrap();
        assert!(st.find_enabled("a").is_none());
        assert_eq!(st.all().len(), 1);
    }

    #[test]
    fn secret_expiration_dates() {
        let st = store(
            r#"{"Clients":[{"ClientId":"a","AllowedGrantTypes":["client_credentials"],
            "ClientSecrets":[{"Value":"x","Expiration":"2021-12-20T20:35:22Z"},{"Value":"y","Expiration":"1970-01-02"}]}]}"#,
        )
        .unwrap();
        let c = st.find_enabled("a").unwrap();
        assert_eq!(c.secrets[0].expiration, Some(1_640_032_522));
        assert_eq!(c.secrets[1].expiration, Some(86_400));
        assert!(store(r#"{"Clients":[{"ClientId":"a","ClientSecrets":[{"Value":"x","Expiration":"soon"}]}]}"#).is_err());
    }
}
