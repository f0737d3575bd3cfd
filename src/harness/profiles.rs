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

use crate::protocol::rules::{Document, Source, beyond_identity, clearid, jim2, myid};

// What each product profile adds: its own documentation.
static MYID_SOURCES: [Source; 1] = [Source::Product(&myid::MANUAL)];
static JIM2_SOURCES: [Source; 1] = [Source::Product(&jim2::HELP)];
static CLEARID_SOURCES: [Source; 1] = [Source::Product(&clearid::GUIDE)];
static BI_SOURCES: [Source; 1] = [Source::Product(&beyond_identity::DOCS)];

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

    /// The sources this profile adds to its parent's, and the scenario tag that marks
    /// scenarios resting on them.
    fn adds(self) -> (&'static [Source], &'static str) {
        match self {
            ServerProfile::OAuth2 => (&[Source::Rfc, Source::Web], "oauth2"),
            ServerProfile::Oidc => (&[Source::OpenId], "oidc"),
            ServerProfile::IdentityServer4 => (&[Source::IdentityServer], "identityserver"),
            ServerProfile::Myid => (&MYID_SOURCES, "myid"),
            ServerProfile::Jim2 => (&JIM2_SOURCES, "jim2"),
            ServerProfile::ClearId => (&CLEARID_SOURCES, "clearid"),
            ServerProfile::BeyondIdentity => (&BI_SOURCES, "beyond_identity"),
        }
    }

    /// This profile and its ancestors.
    fn chain(self) -> impl Iterator<Item = ServerProfile> {
        std::iter::successors(Some(self), |p| p.parent())
    }

    /// Whether a target of this profile is judged on rules from `source`. A product's
    /// assumptions are claimed with its documentation, whose silence they fill, and
    /// judged there at reduced strength unless the target is the mock itself.
    pub fn claims(self, source: Source) -> bool {
        match source {
            Source::Assumed(doc) => self.claims(Source::Product(doc)),
            other => self.chain().any(|p| p.adds().0.contains(&other)),
        }
    }

    /// The product whose documentation this profile claims, if any: an `@assumed`
    /// scenario's verdicts rest on an assumption about it.
    pub fn product(self) -> Option<&'static Document> {
        self.chain().find_map(|p| match p.adds().0 {
            [Source::Product(doc)] => Some(*doc),
            _ => None,
        })
    }

    /// The profile a scenario tag names (`oidc`, `identityserver`, `myid`, a vendor's).
    pub fn tagged(tag: &str) -> Option<ServerProfile> {
        Self::ALL.iter().copied().find(|p| p.adds().1 == tag)
    }

    /// How far down the chain the profile is: more specific profiles are deeper.
    pub fn depth(self) -> usize {
        self.chain().count()
    }

    /// The source this profile adds (the first, where it adds several).
    pub fn source(self) -> Source {
        self.adds().0[0]
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
        self.claims(Source::Product(&myid::MANUAL))
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
        let manual = Source::Product(&myid::MANUAL);
        let jim2_help = Source::Product(&jim2::HELP);
        assert!(OAuth2.claims(Source::Rfc) && OAuth2.claims(Source::Web));
        assert!(!OAuth2.claims(Source::OpenId));
        assert!(!OAuth2.claims(Source::Assumed(&myid::MANUAL)));
        assert!(Oidc.claims(Source::OpenId) && !Oidc.claims(Source::IdentityServer));
        assert!(IdentityServer4.claims(Source::IdentityServer));
        assert!(!IdentityServer4.claims(manual));
        assert!(Myid.claims(manual) && Myid.claims(Source::Assumed(&myid::MANUAL)));
        assert!(
            !Myid.claims(Source::Assumed(&jim2::HELP)),
            "one product's assumptions are not another's"
        );
        assert_eq!(OAuth2.takes_tag("myid"), Some(false));
        assert_eq!(Myid.takes_tag("identityserver"), Some(true));
        assert_eq!(Oidc.takes_tag("oidc"), Some(true));
        assert_eq!(Oidc.takes_tag("refresh"), None);
        assert_eq!("oidc".parse::<ServerProfile>(), Ok(Oidc));
        assert!("openid".parse::<ServerProfile>().is_err());
        assert!(Myid.promises_jwt_access_tokens() && !Oidc.promises_jwt_access_tokens());
        assert!(Jim2.claims(jim2_help) && Jim2.claims(Source::Assumed(&jim2::HELP)));
        assert!(!Jim2.claims(Source::OpenId) && !Jim2.claims(manual));
        assert!(
            !Jim2.claims(Source::Product(&clearid::GUIDE)),
            "vendors do not share a bucket"
        );
        assert_eq!(Jim2.takes_tag("myid"), Some(false));
        assert_eq!(Myid.takes_tag("jim2"), Some(false));
        assert_eq!(ClearId.takes_tag("jim2"), Some(false));
        assert_eq!(ClearId.takes_tag("clearid"), Some(true));
        assert!(BeyondIdentity.claims(Source::Assumed(&beyond_identity::DOCS)));
        assert!(!BeyondIdentity.claims(Source::OpenId));
        assert_eq!(Myid.product(), Some(&myid::MANUAL));
        assert_eq!(Oidc.product(), None);
    }
}
