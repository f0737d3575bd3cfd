//! Where a rule comes from. Every check the harness makes, and every fault the mock can
//! inject, cites a rule as `SOURCE-CLAUSE` (`RFC6749-5.2`, `OIDC-Discovery-4.3`,
//! `IS4-token-response`, `MyID-4.4.3`, `assumed-MyID-ws-status`). The prefix says what
//! kind of document stands behind it, and that decides which servers the rule may judge:
//! an RFC binds every OAuth 2.0 server, IdentityServer's behaviour binds only servers
//! built on it, and an assumption binds nobody but the mock that made it.

use std::fmt;

use serde::Serialize;

/// The kind of document a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// An IETF RFC (`RFC6749-5.2`).
    Rfc,
    /// An OpenID Foundation specification (`OIDC-Core-3.1.3.7`, `OIDC-Discovery-4.3`).
    Oidc,
    /// IdentityServer4 4.1.2's observable behaviour (`IS4-token-response`).
    IdentityServer,
    /// The MyID Core API manual, by section (`MyID-4.4.3`).
    Manual,
    /// A vendor's own documentation (Jim2's help: `Jim2-token-…`; ClearID's developer
    /// guide and published tokens: `ClearID-…`; Beyond Identity's docs: `BI-…`).
    Vendor,
    /// The mock's own reading where the manual is silent (`assumed-…`). Judged as
    /// written only against the mock, which is where it was decided.
    Assumed,
}

impl Source {
    /// The source of a rule, from its citation's prefix. Unknown prefixes are
    /// assumptions: a rule nobody can point to binds only the mock.
    pub fn of(spec: &str) -> Source {
        let lower = spec.to_ascii_lowercase();
        if lower.starts_with("assumed") {
            Source::Assumed
        } else if lower.starts_with("rfc") {
            Source::Rfc
        } else if lower.starts_with("oidc") {
            Source::Oidc
        } else if lower.starts_with("is4") {
            Source::IdentityServer
        } else if lower.starts_with("myid") {
            Source::Manual
        } else if ["jim2", "clearid", "bi-"]
            .iter()
            .any(|v| lower.starts_with(v))
        {
            Source::Vendor
        } else {
            Source::Assumed
        }
    }

    /// The word reports use.
    pub fn label(self) -> &'static str {
        match self {
            Source::Rfc => "RFC",
            Source::Oidc => "OpenID",
            Source::IdentityServer => "IdentityServer4",
            Source::Manual => "MyID manual",
            Source::Vendor => "vendor documentation",
            Source::Assumed => "assumed",
        }
    }
}

/// Where a citation's clause can be read, when it is public: the RFC section at the
/// RFC Editor, the OpenID specification's anchor, IdentityServer4 4.1.2's source file
/// that does it, the vendor's documentation page. `None` for the MyID manual (a PDF
/// that comes with the product, cited by section), Jim2's help (shipped with Jim2),
/// and assumptions, which no document stands behind.
pub fn link(spec: &str) -> Option<String> {
    let (doc, clause) = split_citation(spec);
    let lower = doc.to_ascii_lowercase();
    if let Some(number) = lower
        .strip_prefix("rfc")
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
    {
        let section = clause
            .filter(|c| c.starts_with(|ch: char| ch.is_ascii_digit()))
            .map(|c| format!("#section-{c}"))
            .unwrap_or_default();
        return Some(format!(
            "https://www.rfc-editor.org/rfc/rfc{number}{section}"
        ));
    }
    const CORE: &str = "https://openid.net/specs/openid-connect-core-1_0.html";
    const DISCOVERY: &str = "https://openid.net/specs/openid-connect-discovery-1_0.html";
    const LOGOUT: &str = "https://openid.net/specs/openid-connect-rpinitiated-1_0.html";
    const IS4: &str =
        "https://github.com/IdentityServer/IdentityServer4/blob/4.1.2/src/IdentityServer4/src";
    let oidc = |base: &str, anchors: &[(&str, &str)]| {
        let anchor = clause
            .and_then(|c| anchors.iter().find(|(k, _)| *k == c))
            .map(|(_, a)| format!("#{a}"))
            .unwrap_or_default();
        Some(format!("{base}{anchor}"))
    };
    match lower.as_str() {
        "oidc-core" => oidc(
            CORE,
            &[
                ("2", "IDToken"),
                ("3.1.2.1", "AuthRequest"),
                ("3.1.2.6", "AuthError"),
                ("3.1.3.3", "TokenResponse"),
                ("3.1.3.6", "CodeIDToken"),
                ("3.1.3.7", "IDTokenValidation"),
                ("3.1.3.8", "CodeFlowTokenValidation"),
                ("5.3.2", "UserInfoResponse"),
                ("5.3.3", "UserInfoError"),
                ("5.4", "ScopeClaims"),
                ("11", "OfflineAccess"),
            ],
        ),
        "oidc-discovery" => oidc(
            DISCOVERY,
            &[
                ("3", "ProviderMetadata"),
                ("4", "ProviderConfig"),
                ("4.3", "ProviderConfigurationValidation"),
            ],
        ),
        "oidc-rp-logout" => oidc(
            LOGOUT,
            &[("2", "RPLogout"), ("3", "RedirectionAfterLogout")],
        ),
        _ if lower.starts_with("is4") => {
            let file = [
                ("token-response", "ResponseHandling/Default/TokenResponseGenerator.cs"),
                ("authorize", "Validation/Default/AuthorizeRequestValidator.cs"),
                ("codes", "Validation/Default/TokenRequestValidator.cs"),
                ("discovery", "ResponseHandling/Default/DiscoveryResponseGenerator.cs"),
                ("id-token", "Services/Default/DefaultClaimsService.cs"),
                ("access-token", "Services/Default/DefaultClaimsService.cs"),
                ("signing", "Services/Default/DefaultTokenCreationService.cs"),
                ("end-session", "Endpoints/EndSessionEndpoint.cs"),
                ("refresh", "Services/Default/DefaultRefreshTokenService.cs"),
                ("revocation", "Endpoints/TokenRevocationEndpoint.cs"),
            ]
            .iter()
            .find(|(k, _)| {
                spec.to_ascii_lowercase()
                    .get(4..)
                    .is_some_and(|c| c.starts_with(k))
            })
            .map(|(_, f)| *f)?;
            Some(format!("{IS4}/{file}"))
        }
        _ if lower.starts_with("bi") => Some("https://developer.beyondidentity.com/docs/".into()),
        _ if lower.starts_with("clearid") => Some(
            "https://developer.genetec.com/r/en-us/sample/clearid-developer-guide/authentication-for-the-clearid-api"
                .into(),
        ),
        _ => None,
    }
}

/// `("RFC6749", Some("5.2"))`, `("OIDC-Core", Some("3.1.3.7"))`, `("IS4", Some("token-response"))`.
fn split_citation(spec: &str) -> (&str, Option<&str>) {
    let lower = spec.to_ascii_lowercase();
    for prefix in ["oidc-core", "oidc-discovery", "oidc-rp-logout"] {
        if lower.starts_with(prefix) {
            let rest = &spec[prefix.len()..];
            return (&spec[..prefix.len()], rest.strip_prefix('-'));
        }
    }
    match spec.split_once('-') {
        Some((doc, clause)) => (doc, Some(clause)),
        None => (spec, None),
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How strongly a rule binds, in RFC 2119's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// MUST / MUST NOT / REQUIRED: a failure fails the scenario.
    Must,
    /// SHOULD / RECOMMENDED: a failure is reported as a warning.
    Should,
    /// MAY / OPTIONAL: never judged.
    May,
}

impl Strength {
    /// `must`, `must not`, `should`, `should not`, `may`, `may not`.
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "must" | "must not" => Some(Strength::Must),
            "should" | "should not" => Some(Strength::Should),
            "may" | "may not" => Some(Strength::May),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_name_their_source() {
        assert_eq!(Source::of("RFC6749-5.2"), Source::Rfc);
        assert_eq!(Source::of("OIDC-Discovery-4.3"), Source::Oidc);
        assert_eq!(Source::of("IS4-token-response"), Source::IdentityServer);
        assert_eq!(Source::of("MyID-4.4.3"), Source::Manual);
        assert_eq!(Source::of("assumed-MyID-ws-status"), Source::Assumed);
        assert_eq!(Source::of("Jim2-token-logoff"), Source::Vendor);
        assert_eq!(Source::of("ClearID-access-token"), Source::Vendor);
        assert_eq!(Source::of("BI-custom-claims"), Source::Vendor);
        assert_eq!(Source::of("whatever"), Source::Assumed);
        assert_eq!(Strength::from_word("may"), Some(Strength::May));
        assert_eq!(Strength::from_word("must not"), Some(Strength::Must));
        assert_eq!(Strength::from_word("could"), None);
    }

    #[test]
    fn public_clauses_link_to_where_they_are_read() {
        assert_eq!(
            link("RFC6749-5.2").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#section-5.2")
        );
        assert_eq!(
            link("RFC7636").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc7636")
        );
        assert_eq!(
            link("OIDC-Core-3.1.3.7").as_deref(),
            Some("https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation")
        );
        assert!(
            link("IS4-token-response")
                .unwrap()
                .ends_with("TokenResponseGenerator.cs")
        );
        assert!(
            link("IS4-authorize-errors")
                .unwrap()
                .ends_with("AuthorizeRequestValidator.cs")
        );
        assert!(link("BI-issuer").is_some());
        assert_eq!(
            link("MyID-4.4.3"),
            None,
            "the manual comes with the product"
        );
        assert_eq!(link("assumed-MyID-ws-status"), None);
        assert_eq!(link("Jim2-token"), None);
        assert_eq!(link("IS4"), None);
        assert_eq!(link("RFC"), None);
    }
}
