//! PKCE (RFC 7636): verifier generation, the S256 transform, and the grammar rules.

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::types::{PkceChallenge, PkceVerifier};

/// Shortest verifier RFC 7636 §4.1 allows.
pub const MIN_LEN: usize = 43;
/// Longest verifier RFC 7636 §4.1 allows.
pub const MAX_LEN: usize = 128;

/// A fresh verifier: 32 random octets as base64url, 43 characters (RFC 7636 §4.1
/// recommends exactly this).
pub fn generate_verifier() -> PkceVerifier {
    let mut octets = [0u8; 32];
    SystemRandom::new()
        .fill(&mut octets)
        .expect("the operating system's random number generator failed");
    PkceVerifier::new(URL_SAFE_NO_PAD.encode(octets))
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
///
/// IdentityServer converts the verifier with .NET's ASCII encoding, which turns every
/// non-ASCII character into `?` before hashing; this does the same so the mock matches
/// it byte for byte on such (invalid) verifiers.
pub fn s256_challenge(verifier: &PkceVerifier) -> PkceChallenge {
    let ascii: Vec<u8> = verifier
        .expose()
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect();
    PkceChallenge::new(URL_SAFE_NO_PAD.encode(digest(&SHA256, &ascii)))
}

/// Whether a character is in RFC 3986's unreserved set, the verifier alphabet.
pub fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// RFC 7636 §4.1: `code-verifier = 43*128unreserved`.
pub fn verifier_is_well_formed(verifier: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&verifier.chars().count()) && verifier.chars().all(is_unreserved)
}

/// The length rule alone, which is all IdentityServer checks at the token endpoint.
pub fn length_is_valid(value: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let v = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            s256_challenge(&v).as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn manual_example() {
        let v = PkceVerifier::new("TiGVEDHIRkdTpif4zLw8v6tcdG2VJXvP4r0fuLhsXIj");
        assert!(verifier_is_well_formed(v.expose()));
        assert_eq!(
            s256_challenge(&v).as_str(),
            "lzKaVv4bWu06z_m0yFynJj6zttnU5gYpXah8tLYKzGg"
        );
    }

    #[test]
    fn generated_verifiers_are_valid_and_distinct() {
        let a = generate_verifier();
        assert_eq!(a.expose().len(), 43);
        assert!(verifier_is_well_formed(a.expose()));
        assert_ne!(a.expose(), generate_verifier().expose());
    }

    #[test]
    fn grammar_bounds() {
        assert!(!verifier_is_well_formed(&"a".repeat(42)));
        assert!(verifier_is_well_formed(&"a".repeat(43)));
        assert!(verifier_is_well_formed(&"~".repeat(128)));
        assert!(!verifier_is_well_formed(&"a".repeat(129)));
        assert!(!verifier_is_well_formed(&format!("{}+", "a".repeat(43))));
        assert!(length_is_valid(&format!("{}+", "a".repeat(43))));
    }
}
