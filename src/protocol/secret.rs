//! Shared-secret hashing as MyID stores it: Base64(SHA-256(UTF-8 secret)) (manual
//! §3.2.1), and IdentityServer's `HashedSharedSecretValidator` comparison.

use aws_lc_rs::digest::{SHA256, SHA512, digest};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::types::ClientSecret;

/// The value to put in `ClientSecrets[].Value`: Base64(SHA-256(UTF-8(secret))).
pub fn hash_secret(secret: &ClientSecret) -> String {
    STANDARD.encode(digest(&SHA256, secret.expose().as_bytes()))
}

/// What comparing a presented secret with one stored value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMatch {
    /// The presented secret hashes to the stored value.
    Match,
    /// A well-formed stored value that this secret does not match.
    NoMatch,
    /// The stored value is not standard Base64 of 32 or 64 bytes. IdentityServer stops
    /// the whole validation at such a value, even if a later secret would match.
    InvalidStoredValue,
}

/// Compares `presented` with one stored hash the way IdentityServer4 does: a 32-byte
/// value is a SHA-256 hash, a 64-byte one a SHA-512 hash, and the comparison is of the
/// Base64 strings, in constant time.
pub fn verify_secret(stored: &str, presented: &ClientSecret) -> SecretMatch {
    let Ok(raw) = STANDARD.decode(stored) else {
        return SecretMatch::InvalidStoredValue;
    };
    let algorithm = match raw.len() {
        32 => &SHA256,
        64 => &SHA512,
        _ => return SecretMatch::InvalidStoredValue,
    };
    let computed = STANDARD.encode(digest(algorithm, presented.expose().as_bytes()));
    if constant_time_eq(computed.as_bytes(), stored.as_bytes()) {
        SecretMatch::Match
    } else {
        SecretMatch::NoMatch
    }
}

/// Equality whose running time depends only on the lengths, not on where the inputs
/// differ (IdentityModel `TimeConstantComparer`).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_secrets_hash_to_the_spec_vectors() {
        // SPEC.md §5 (the printed manual has OCR damage in the first value).
        let a = ClientSecret::new("82564d6e-c4a6-4f64-a6d4-cac43781c67c");
        assert_eq!(
            hash_secret(&a),
            "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk="
        );
        let b = ClientSecret::new("b5989015-bb9e-4533-874b-2b4a6a8280ed");
        assert_eq!(
            hash_secret(&b),
            "Pxvo4ww2jQ1wWORsnL9q79TcC/f0b57P07os0ZU7Frs="
        );
    }

    #[test]
    fn verification_follows_identityserver() {
        let s = ClientSecret::new("82564d6e-c4a6-4f64-a6d4-cac43781c67c");
        let stored = "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk=";
        assert_eq!(verify_secret(stored, &s), SecretMatch::Match);
        assert_eq!(
            verify_secret(stored, &ClientSecret::new("x")),
            SecretMatch::NoMatch
        );
        // The manual's OCR-damaged copy is well-formed Base64 that matches nothing.
        let damaged = "kv31VP5z/oKS0QMMaIfZ2UrhmqOdgAPpXV/vaF1cymk=";
        assert_eq!(verify_secret(damaged, &s), SecretMatch::NoMatch);
        assert_eq!(
            verify_secret("not base64!", &s),
            SecretMatch::InvalidStoredValue
        );
        assert_eq!(
            verify_secret("c2hvcnQ=", &s),
            SecretMatch::InvalidStoredValue
        );
        let sha512 = STANDARD.encode(digest(&SHA512, s.expose().as_bytes()));
        assert_eq!(verify_secret(&sha512, &s), SecretMatch::Match);
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
