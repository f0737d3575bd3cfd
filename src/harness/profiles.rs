//! What a target claims to be, and so which rules it is judged on. This is the one
//! place that says so: a profile claims a set of rule [`Source`]s, and a check whose
//! source the target's profile does not claim is recorded but never judged.
//!
//! The profiles form a chain — `myid` is `identityserver4` plus MyID's manual,
//! `identityserver4` is `oidc` plus IdentityServer's behaviour, `oidc` is `oauth2` plus
//! the OpenID specifications — so a vendor profile names its parent and what it adds.
//! Scenarios tagged with a profile's tag (`@oidc`, `@identityserver`, `@myid`) run only
//! against targets whose profile claims it.

use std::fmt;
use std::str::FromStr;

use crate::protocol::rules::Source;

/// A kind of server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerProfile {
    /// Any OAuth 2.0 authorization server: the RFCs only.
    OAuth2,
    /// An OpenID Provider: the RFCs and the OpenID specifications.
    Oidc,
    /// A server built on IdentityServer4 4.1.2: also its documented behaviour.
    IdentityServer4,
    /// MyID (`web.oauth2` and `rest.core`): also the MyID manual.
    Myid,
    /// Jim2's token endpoint: the RFCs and Jim2's help (not OpenID, not IdentityServer).
    Jim2,
    /// Genetec ClearID's STS and Identity Service: the RFCs and ClearID's guide. Its
    /// STS shows every sign of IdentityServer4, but that is inferred, so IdentityServer's
    /// rules are not claimed.
    ClearId,
    /// Beyond Identity: the RFCs and its developer docs.
    BeyondIdentity,
}

impl ServerProfile {
    /// Every profile, for messages.
    pub const ALL: [ServerProfile; 7] = [
        ServerProfile::OAuth2,
        ServerProfile::Oidc,
        ServerProfile::IdentityServer4,
        ServerProfile::Myid,
        ServerProfile::Jim2,
        ServerProfile::ClearId,
        ServerProfile::BeyondIdentity,
    ];

    /// The name in target files.
    pub fn name(self) -> &'static str {
        match self {
            ServerProfile::OAuth2 => "oauth2",
            ServerProfile::Oidc => "oidc",
            ServerProfile::IdentityServer4 => "identityserver4",
            ServerProfile::Myid => "myid",
            ServerProfile::Jim2 => "jim2",
            ServerProfile::ClearId => "clearid",
            ServerProfile::BeyondIdentity => "beyond-identity",
        }
    }

    /// The profile this one builds on.
    pub fn parent(self) -> Option<ServerProfile> {
        match self {
            ServerProfile::OAuth2 => None,
            ServerProfile::Oidc => Some(ServerProfile::OAuth2),
            ServerProfile::IdentityServer4 => Some(ServerProfile::Oidc),
            ServerProfile::Myid => Some(ServerProfile::IdentityServer4),
            ServerProfile::Jim2 | ServerProfile::ClearId | ServerProfile::BeyondIdentity => {
                Some(ServerProfile::OAuth2)
            }
        }
    }

    /// The source this profile adds to its parent's, and the scenario tag that marks
    /// scenarios resting on it.
    fn adds(self) -> (Source, &'static str) {
        match self {
            ServerProfile::OAuth2 => (Source::Rfc, "oauth2"),
            ServerProfile::Oidc => (Source::Oidc, "oidc"),
            ServerProfile::IdentityServer4 => (Source::IdentityServer, "identityserver"),
            ServerProfile::Myid => (Source::Manual, "myid"),
            ServerProfile::Jim2 => (Source::Vendor, "jim2"),
            ServerProfile::ClearId => (Source::Vendor, "clearid"),
            ServerProfile::BeyondIdentity => (Source::Vendor, "beyond_identity"),
        }
    }

    /// This profile and its ancestors.
    fn chain(self) -> impl Iterator<Item = ServerProfile> {
        std::iter::successors(Some(self), |p| p.parent())
    }

    /// Whether a target of this profile is judged on rules from `source`. Assumptions
    /// are claimed by the product profiles whose silence they fill (MyID's, a
    /// vendor's), and judged there at reduced strength unless the target is the mock
    /// itself.
    pub fn claims(self, source: Source) -> bool {
        match source {
            Source::Assumed => self.chain().any(|p| {
                matches!(
                    p,
                    ServerProfile::Myid
                        | ServerProfile::Jim2
                        | ServerProfile::ClearId
                        | ServerProfile::BeyondIdentity
                )
            }),
            other => self.chain().any(|p| p.adds().0 == other),
        }
    }

    /// Whether a scenario carrying `tag` applies: a profile tag (`@oidc`,
    /// `@identityserver`, `@myid`) needs a profile that claims it; other tags say
    /// nothing about profiles.
    pub fn takes_tag(self, tag: &str) -> Option<bool> {
        let known = Self::ALL.iter().find(|p| p.adds().1 == tag)?;
        Some(self.chain().any(|p| p == *known))
    }

    /// Whether the profile's servers promise JWT access tokens. RFC 6749 leaves the
    /// format open (§1.4); MyID's manual verifies its tokens as JWTs (§8).
    pub fn promises_jwt_access_tokens(self) -> bool {
        self.claims(Source::Manual)
    }
}

impl fmt::Display for ServerProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ServerProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown profile '{s}' (one of: {})",
                    Self::ALL.map(|p| p.name()).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_claims_its_ancestors_sources_and_no_more() {
        use ServerProfile::*;
        assert!(OAuth2.claims(Source::Rfc));
        assert!(!OAuth2.claims(Source::Oidc));
        assert!(!OAuth2.claims(Source::Assumed));
        assert!(Oidc.claims(Source::Oidc) && !Oidc.claims(Source::IdentityServer));
        assert!(IdentityServer4.claims(Source::IdentityServer));
        assert!(!IdentityServer4.claims(Source::Manual));
        assert!(Myid.claims(Source::Manual) && Myid.claims(Source::Assumed));
        assert_eq!(OAuth2.takes_tag("myid"), Some(false));
        assert_eq!(Myid.takes_tag("identityserver"), Some(true));
        assert_eq!(Oidc.takes_tag("oidc"), Some(true));
        assert_eq!(Oidc.takes_tag("refresh"), None);
        assert_eq!("oidc".parse::<ServerProfile>(), Ok(Oidc));
        assert!("openid".parse::<ServerProfile>().is_err());
        assert!(Myid.promises_jwt_access_tokens() && !Oidc.promises_jwt_access_tokens());
        assert!(Jim2.claims(Source::Vendor) && Jim2.claims(Source::Assumed));
        assert!(!Jim2.claims(Source::Oidc) && !Jim2.claims(Source::Manual));
        assert_eq!(Jim2.takes_tag("myid"), Some(false));
        assert_eq!(Myid.takes_tag("jim2"), Some(false));
        assert_eq!(ClearId.takes_tag("jim2"), Some(false));
        assert_eq!(ClearId.takes_tag("clearid"), Some(true));
        assert!(BeyondIdentity.claims(Source::Assumed) && !BeyondIdentity.claims(Source::Oidc));
    }
}
