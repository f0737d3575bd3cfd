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
}
