//! Spec-named newtypes, so a verifier cannot be passed where a secret is expected and a
//! secret never shows up in a `{:?}`.

use std::fmt;

/// An OAuth client identifier (RFC 6749 §2.2). Compared case-sensitively, as
/// IdentityServer's client store does.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client id as given.
    pub fn new(id: impl Into<String>) -> Self {
        ClientId(id.into())
    }

    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client secret in plaintext. It has no `Debug`, `Display` or `PartialEq`: the only
/// ways out are [`ClientSecret::expose`] (to put it on the wire) and hashing.
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a plaintext secret.
    pub fn new(secret: impl Into<String>) -> Self {
        ClientSecret(secret.into())
    }

    /// The plaintext, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(«redacted»)")
    }
}

/// A set of scopes in the order they were given, without duplicates (RFC 6749 §3.3:
/// space-delimited, case-sensitive).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses a space-delimited `scope` parameter. Empty parts (double spaces) are
    /// dropped and the first occurrence of a repeated scope wins.
    pub fn parse(value: &str) -> Self {
        let mut out: Vec<String> = Vec::new();
        for s in value.split(' ').filter(|s| !s.is_empty()) {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_owned());
            }
        }
        Scopes(out)
    }

    /// Builds a set from names, dropping repeats.
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = Scopes::default();
        for n in names {
            let n = n.into();
            if !out.contains(&n) {
                out.0.push(n);
            }
        }
        out
    }

    /// The scopes in order.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// Whether there are no scopes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorted by ordinal comparison. IdentityServer sorts token-endpoint scopes with
    /// .NET's culture-aware default sort (`StringsExtensions.ParseScopesString`); for
    /// the ASCII lowercase names scopes use, ordinal order gives the same result.
    pub fn sorted(&self) -> Scopes {
        let mut v = self.0.clone();
        v.sort();
        Scopes(v)
    }

    /// The space-delimited wire form.
    pub fn to_param(&self) -> String {
        self.0.join(" ")
    }
}

/// A PKCE code verifier (RFC 7636 §4.1). Treated like a secret: no `Debug` output.
#[derive(Clone)]
pub struct PkceVerifier(String);

impl PkceVerifier {
    /// Wraps a verifier without checking its grammar, so that the harness can send
    /// deliberately bad ones; see [`crate::protocol::pkce::verifier_is_well_formed`].
    pub fn new(v: impl Into<String>) -> Self {
        PkceVerifier(v.into())
    }

    /// The verifier as sent to the token endpoint.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(«redacted»)")
    }
}

/// A PKCE code challenge (RFC 7636 §4.2): public, sent in the authorize URL.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PkceChallenge(String);

impl PkceChallenge {
    /// Wraps a challenge as given.
    pub fn new(c: impl Into<String>) -> Self {
        PkceChallenge(c.into())
    }

    /// The challenge as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_keep_order_and_drop_repeats() {
        let s = Scopes::parse("b  a b offline_access");
        assert_eq!(s.names(), ["b", "a", "offline_access"]);
        assert_eq!(s.sorted().to_param(), "a b offline_access");
        assert!(Scopes::parse("   ").is_empty());
    }

    #[test]
    fn secrets_do_not_print() {
        let s = ClientSecret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        let v = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert!(!format!("{v:?}").contains("dBjf"));
    }
}
