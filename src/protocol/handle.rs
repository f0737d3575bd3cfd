//! Random handles in IdentityServer4 v4's format: random bytes as uppercase hex
//! (IdentityModel `CryptoRandom.CreateUniqueId(n, Hex)`), used for authorization codes,
//! refresh tokens (32 bytes, 64 chars), `jti` and key ids (16 bytes, 32 chars).

use aws_lc_rs::rand::{SecureRandom, SystemRandom};

/// `bytes` random bytes rendered as uppercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The system RNG fails only when the OS has no entropy source at all; a mock
    // cannot mint anything safely then, so stopping loudly is right.
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the operating system's random number generator failed");
    to_upper_hex(&buf)
}

/// Bytes as uppercase hex, the way .NET's `BitConverter` prints them without dashes.
pub fn to_upper_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xF)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_uppercase_hex_of_the_requested_size() {
        let h = random_hex(32);
        assert_eq!(h.len(), 64);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_ne!(h, random_hex(32));
        assert_eq!(to_upper_hex(&[0x00, 0xAB, 0x0F]), "00AB0F");
    }
}
