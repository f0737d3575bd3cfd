//! The rule catalogue: every requirement the harness judges and the mock's faults break,
//! each once, with the document and clause it comes from and how strongly the clause
//! binds. Checks, faults, scenarios (`@rule:ID`), findings, expectations files and
//! reports all name a rule by its [`Rule`] (in code, a typed `static`; in text, its
//! `id`), so a finding says which requirement broke and what kind of document stands
//! behind it, and the target's profile decides from that whether it binds.
//!
//! The rules are grouped by the document family that states them, one file each:
//! [`oauth`] (the IETF RFCs and the Fetch standard), [`openid`], [`identityserver`]
//! (IdentityServer4 4.1.2's observable behaviour), [`myid`] (the MyID manual and what
//! the mock assumed where it is silent), and the other products' documentation
//! ([`jim2`], [`clearid`], [`beyond_identity`]). [`all`] lists them together.

pub mod beyond_identity;
pub mod clearid;
pub mod identityserver;
pub mod jim2;
pub mod myid;
pub mod oauth;
pub mod openid;

use std::fmt;

use serde::{Serialize, Serializer};

/// A product's own documentation: what its rules cite, and whose silence an assumption
/// fills.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Document {
    /// The product's key, as profiles and scenario tags name it (`myid`, `jim2`).
    pub key: &'static str,
    /// What the document is called in reports.
    pub title: &'static str,
    /// Where it can be read, when it is public.
    pub url: Option<&'static str>,
}

/// The kind of document a rule comes from, which decides which servers it binds: an RFC
/// binds every OAuth 2.0 server, OpenID Connect every OpenID Provider, IdentityServer's
/// behaviour only servers built on it, a product's documentation only that product, and
/// an assumption only the mock that made it (elsewhere it warns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// An IETF RFC.
    Rfc,
    /// A web platform standard (WHATWG Fetch's CORS protocol).
    Web,
    /// An OpenID Foundation specification.
    OpenId,
    /// IdentityServer4 4.1.2's observable behaviour.
    IdentityServer,
    /// A product's own documentation.
    Product(&'static Document),
    /// The mock's reading where a product's documentation is silent.
    Assumed(&'static Document),
}

impl Source {
    /// The words reports use.
    pub fn label(self) -> String {
        match self {
            Source::Rfc => "RFC".into(),
            Source::Web => "web standard".into(),
            Source::OpenId => "OpenID".into(),
            Source::IdentityServer => "IdentityServer4".into(),
            Source::Product(d) => d.title.into(),
            Source::Assumed(d) => format!("assumed ({})", d.key),
        }
    }

    /// The key reports and JSON use: `rfc`, `web`, `openid`, `identityserver`, a
    /// product's key, or `assumed`.
    pub fn key(self) -> &'static str {
        match self {
            Source::Rfc => "rfc",
            Source::Web => "web",
            Source::OpenId => "openid",
            Source::IdentityServer => "identityserver",
            Source::Product(d) => d.key,
            Source::Assumed(_) => "assumed",
        }
    }

    /// Whether the rule is an assumption.
    pub fn is_assumed(self) -> bool {
        matches!(self, Source::Assumed(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// An OpenID Foundation specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenIdSpec {
    /// OpenID Connect Core 1.0.
    Core,
    /// OpenID Connect Discovery 1.0.
    Discovery,
    /// OpenID Connect RP-Initiated Logout 1.0.
    RpLogout,
    /// OpenID Connect Session Management 1.0.
    Session,
}

/// The document a rule is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Doc {
    /// An RFC by number.
    Rfc(u16),
    /// The WHATWG Fetch standard.
    Fetch,
    /// An OpenID specification.
    OpenId(OpenIdSpec),
    /// IdentityServer4 4.1.2: the clause is the source file, under `src/`, that does it.
    IdentityServer,
    /// A product's documentation.
    Product(&'static Document),
    /// Nothing: the mock's reading where the product's documentation is silent.
    Assumed(&'static Document),
}

impl Doc {
    /// The kind of document.
    pub fn source(self) -> Source {
        match self {
            Doc::Rfc(_) => Source::Rfc,
            Doc::Fetch => Source::Web,
            Doc::OpenId(_) => Source::OpenId,
            Doc::IdentityServer => Source::IdentityServer,
            Doc::Product(d) => Source::Product(d),
            Doc::Assumed(d) => Source::Assumed(d),
        }
    }

    /// The document's name as reports show it.
    pub fn title(self) -> String {
        match self {
            Doc::Rfc(n) => format!("RFC {n}"),
            Doc::Fetch => "Fetch (CORS protocol)".into(),
            Doc::OpenId(OpenIdSpec::Core) => "OpenID Connect Core 1.0".into(),
            Doc::OpenId(OpenIdSpec::Discovery) => "OpenID Connect Discovery 1.0".into(),
            Doc::OpenId(OpenIdSpec::RpLogout) => "OpenID Connect RP-Initiated Logout 1.0".into(),
            Doc::OpenId(OpenIdSpec::Session) => "OpenID Connect Session Management 1.0".into(),
            Doc::IdentityServer => "IdentityServer4 4.1.2".into(),
            Doc::Product(d) => d.title.into(),
            Doc::Assumed(d) => format!("assumed, where {} is silent", d.title),
        }
    }
}

/// How strongly a rule binds, in RFC 2119's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// MUST / MUST NOT / REQUIRED: a failure fails the scenario.
    Must,
    /// SHOULD / SHOULD NOT / RECOMMENDED: a failure is reported as a warning.
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

    /// The word a feature uses for it.
    pub fn word(self) -> &'static str {
        match self {
            Strength::Must => "must",
            Strength::Should => "should",
            Strength::May => "may",
        }
    }
}

/// One requirement.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The rule's identity everywhere it is named in text (`RFC6749-5.2-error-code`):
    /// the document, the clause, and a word or two for the requirement.
    pub id: &'static str,
    /// Where it is read.
    pub doc: Doc,
    /// The clause (`5.2`, `3.1.3.7`), or for IdentityServer the source file that does
    /// it, or for a product without numbered sections the page's subject.
    pub clause: &'static str,
    /// How strongly the clause words it.
    pub strength: Strength,
    /// What it requires, in a sentence.
    pub says: &'static str,
}

impl Rule {
    /// The kind of document behind the rule.
    pub fn source(&self) -> Source {
        self.doc.source()
    }

    /// The document and clause, as a reader would look them up: `RFC 6749 §5.2`.
    pub fn citation(&self) -> String {
        match self.doc {
            Doc::IdentityServer => {
                let file = self.clause.rsplit('/').next().unwrap_or(self.clause);
                format!(
                    "IdentityServer4 4.1.2 {}",
                    file.trim_end_matches(".cs").trim_end_matches(".md")
                )
            }
            Doc::Assumed(d) => format!("assumed ({}: {})", d.key, self.clause),
            Doc::Product(_) if !self.clause.starts_with(|c: char| c.is_ascii_digit()) => {
                format!("{}: {}", self.doc.title(), self.clause)
            }
            _ => format!("{} §{}", self.doc.title(), self.clause),
        }
    }

    /// Where the clause can be read, when it is public.
    pub fn link(&self) -> Option<String> {
        const CORE: &str = "https://openid.net/specs/openid-connect-core-1_0.html";
        const DISCOVERY: &str = "https://openid.net/specs/openid-connect-discovery-1_0.html";
        const LOGOUT: &str = "https://openid.net/specs/openid-connect-rpinitiated-1_0.html";
        const SESSION: &str = "https://openid.net/specs/openid-connect-session-1_0.html";
        const IS4: &str =
            "https://github.com/IdentityServer/IdentityServer4/blob/4.1.2/src/IdentityServer4/src";
        let section = |base: &str| {
            let number: String = self
                .clause
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || c.is_ascii_uppercase())
                .collect();
            let number = number.trim_end_matches('.');
            if number.is_empty() {
                base.to_owned()
            } else if number.starts_with(|c: char| c.is_ascii_uppercase()) {
                format!("{base}#appendix-{number}")
            } else {
                format!("{base}#section-{number}")
            }
        };
        match self.doc {
            Doc::Rfc(n) => Some(section(&format!("https://www.rfc-editor.org/rfc/rfc{n}"))),
            Doc::Fetch => Some("https://fetch.spec.whatwg.org/#http-cors-protocol".into()),
            Doc::OpenId(OpenIdSpec::Core) => Some(openid_anchor(CORE, self.clause)),
            Doc::OpenId(OpenIdSpec::Discovery) => Some(openid_anchor(DISCOVERY, self.clause)),
            Doc::OpenId(OpenIdSpec::RpLogout) => Some(openid_anchor(LOGOUT, self.clause)),
            Doc::OpenId(OpenIdSpec::Session) => Some(openid_anchor(SESSION, self.clause)),
            Doc::IdentityServer => Some(format!("{IS4}/{}", self.clause)),
            Doc::Product(d) => d.url.map(str::to_owned),
            Doc::Assumed(_) => None,
        }
    }
}

/// An OpenID specification's anchor for a section: their HTML names sections by their
/// number with an `rfc.section.` prefix.
fn openid_anchor(base: &str, clause: &str) -> String {
    let number: String = clause
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let number = number.trim_end_matches('.');
    if number.is_empty() {
        base.to_owned()
    } else {
        format!("{base}#rfc.section.{number}")
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares a document family's rules as `pub static`s and lists them in `RULES`, in
/// the order written.
macro_rules! rules {
    ($doc:expr; $( $(#[$meta:meta])* $name:ident = $id:literal, $clause:literal, $strength:ident, $says:literal; )*) => {
        $( $(#[$meta])* pub static $name: $crate::protocol::rules::Rule = $crate::protocol::rules::Rule {
            id: $id,
            doc: $doc,
            clause: $clause,
            strength: $crate::protocol::rules::Strength::$strength,
            says: $says,
        }; )*
        /// Every rule of this file, in order.
        pub static RULES: &[&$crate::protocol::rules::Rule] = &[$(&$name),*];
    };
}
pub(crate) use rules;

/// Every rule of the catalogue.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        oauth::ALL,
        openid::ALL,
        identityserver::ALL,
        myid::ALL,
        jim2::ALL,
        clearid::ALL,
        beyond_identity::ALL,
    ]
    .into_iter()
    .flatten()
    .flat_map(|rules| rules.iter().copied())
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().find(|r| r.id == id)
}

/// The products whose documentation the catalogue cites.
pub fn documents() -> [&'static Document; 4] {
    [
        &myid::MANUAL,
        &jim2::HELP,
        &clearid::GUIDE,
        &beyond_identity::DOCS,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_name_their_document() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in all() {
            assert!(seen.insert(rule.id), "{} is declared twice", rule.id);
            assert!(
                !rule.says.is_empty() && !rule.clause.is_empty(),
                "{}",
                rule.id
            );
            assert!(
                !rule.id.contains(char::is_whitespace),
                "{}: ids are tags, no spaces",
                rule.id
            );
            let prefix = match rule.doc {
                Doc::Rfc(n) => format!("RFC{n}-"),
                Doc::Fetch => "Fetch-".into(),
                Doc::OpenId(OpenIdSpec::Core) => "OIDC-Core-".into(),
                Doc::OpenId(OpenIdSpec::Discovery) => "OIDC-Discovery-".into(),
                Doc::OpenId(OpenIdSpec::RpLogout) => "OIDC-RPLogout-".into(),
                Doc::OpenId(OpenIdSpec::Session) => "OIDC-Session-".into(),
                Doc::IdentityServer => "IS4-".into(),
                Doc::Product(d) => format!("{}-", product_prefix(d)),
                Doc::Assumed(d) => format!("assumed-{}-", product_prefix(d)),
            };
            assert!(
                rule.id.starts_with(&prefix),
                "{} should start with {prefix}",
                rule.id
            );
        }
        assert!(seen.len() > 100);
    }

    fn product_prefix(d: &Document) -> &'static str {
        match d.key {
            "myid" => "MyID",
            "jim2" => "Jim2",
            "clearid" => "ClearID",
            "beyond-identity" => "BI",
            other => panic!("no prefix for {other}"),
        }
    }

    #[test]
    fn citations_and_links_point_at_the_clause() {
        let r = by_id("RFC6749-5.2-error-code").unwrap();
        assert_eq!(r.citation(), "RFC 6749 §5.2");
        assert_eq!(
            r.link().as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#section-5.2")
        );
        assert_eq!(r.source(), Source::Rfc);
        let core = by_id("OIDC-Core-2-nonce").unwrap();
        assert!(
            core.link()
                .unwrap()
                .ends_with("core-1_0.html#rfc.section.2")
        );
        let is4 = identityserver::RULES[0];
        assert!(is4.link().unwrap().ends_with(".cs"), "{:?}", is4.link());
        assert!(is4.citation().starts_with("IdentityServer4 4.1.2 "));
        let manual = myid::RULES
            .iter()
            .find(|r| matches!(r.doc, Doc::Product(_)))
            .unwrap();
        assert!(
            manual.citation().starts_with("MyID"),
            "{}",
            manual.citation()
        );
        assert_eq!(manual.link(), None, "the manual comes with the product");
        let assumed = &myid::ASSUMED_WS_STATUS;
        assert_eq!(assumed.link(), None);
        assert_eq!(Strength::from_word("must not"), Some(Strength::Must));
        assert_eq!(Strength::from_word("could"), None);
    }
}
