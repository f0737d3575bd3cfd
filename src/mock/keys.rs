//! The RSA key that signs access tokens, and its public JWK.
//!
//! Signing is done here by hand rather than through a JWT library so that the header
//! and payload bytes are exactly IdentityServer's (`alg, kid, typ` in that order); the
//! harness verifies with an independent implementation (jsonwebtoken), so the two
//! sides cannot agree with each other on a bug.

use std::fmt;

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA512,
    RSA_PKCS1_SHA256, RSA_PKCS1_SHA512, RsaKeyPair, UnparsedPublicKey,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::protocol::handle::{random_hex, to_upper_hex};
use crate::protocol::jwt::{Compact, Header, b64url, decode_segment};

/// Why a key could not be made or loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM text has no usable block.
    #[error("not a PEM file: {0}")]
    Pem(String),
    /// The PEM block is not an RSA private key aws-lc-rs accepts.
    #[error(
        "the PEM block '{tag}' is not an RSA private key (PKCS#8 'PRIVATE KEY' or PKCS#1 'RSA PRIVATE KEY'): {reason}"
    )]
    NotRsa {
        /// The PEM tag found.
        tag: String,
        /// What aws-lc-rs said.
        reason: String,
    },
    /// Key generation failed.
    #[error("RSA key generation failed")]
    Generation,
    /// Signing failed.
    #[error("signing failed")]
    Signing,
}

/// The RSA signature algorithms the mock signs with: RS256 (MyID, IdentityServer's
/// default) and RS512 (ClearID's tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rsa {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
}

impl Rsa {
    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Rsa::Rs256 => "RS256",
            Rsa::Rs512 => "RS512",
        }
    }

    fn verification(self) -> &'static aws_lc_rs::signature::RsaParameters {
        match self {
            Rsa::Rs256 => &RSA_PKCS1_2048_8192_SHA256,
            Rsa::Rs512 => &RSA_PKCS1_2048_8192_SHA512,
        }
    }
}

/// An RSA signing key with its key id.
pub struct SigningKey {
    pair: RsaKeyPair,
    // The public key parsed once: parsing it for every verification cost about as much
    // as the RSA operation itself on the API's hot path.
    verifier: Option<ParsedPublicKey>,
    kid: String,
    n: String,
    e: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh 2048-bit key. Its `kid` is 16 random bytes in uppercase hex, as
    /// IdentityServer4 v4 names a developer or raw RSA key.
    pub fn generate() -> Result<Self, KeyError> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
        Ok(Self::with_kid(pair, random_hex(16)))
    }

    /// Loads a PKCS#8 or PKCS#1 PEM private key. The `kid` is derived from the public
    /// key, so tokens stay verifiable across restarts with the same key.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let block = pem::parse(text).map_err(|e| KeyError::Pem(e.to_string()))?;
        let tag = block.tag().to_owned();
        let pair = match tag.as_str() {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(block.contents()),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(block.contents()),
            _ => {
                return Err(KeyError::NotRsa {
                    tag,
                    reason: "unsupported PEM tag".into(),
                });
            }
        }
        .map_err(|e| KeyError::NotRsa {
            tag: tag.clone(),
            reason: e.to_string(),
        })?;
        let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let mut material = public.n.clone();
        material.extend_from_slice(&public.e);
        let kid = to_upper_hex(&digest(&SHA256, &material).as_ref()[..16]);
        Ok(Self::with_kid(pair, kid))
    }

    fn with_kid(pair: RsaKeyPair, kid: String) -> Self {
        let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let verifier =
            ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref()).ok();
        SigningKey {
            n: b64url(&public.n),
            e: b64url(&public.e),
            pair,
            verifier,
            kid,
        }
    }

    /// The key id carried in JWT headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `claims` as a compact RS256 JWS with header `alg, kid, typ`.
    pub fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> Result<String, KeyError> {
        self.sign_as(&self.kid, typ, claims)
    }

    /// Signs naming another key id: what a server whose JWKS lacks its key does.
    pub fn sign_as<T: Serialize>(
        &self,
        kid: &str,
        typ: &str,
        claims: &T,
    ) -> Result<String, KeyError> {
        self.sign_with(Rsa::Rs256, kid, typ, claims)
    }

    /// Signs `claims` with `alg`, naming `kid`, header members `alg, kid, typ`.
    pub fn sign_with<T: Serialize>(
        &self,
        alg: Rsa,
        kid: &str,
        typ: &str,
        claims: &T,
    ) -> Result<String, KeyError> {
        let header = Header {
            alg: alg.name().into(),
            kid: Some(kid.to_owned()),
            typ: Some(typ.into()),
        };
        self.sign_with_header(alg, &header, claims)
    }

    /// Signs `claims` under a header of the caller's own shape (its members and their
    /// order as given): for services whose headers carry more than `alg, kid, typ`.
    pub fn sign_with_header<H: Serialize, T: Serialize>(
        &self,
        alg: Rsa,
        header: &H,
        claims: &T,
    ) -> Result<String, KeyError> {
        let encode = |v: &dyn erased::Json| v.to_vec().map(b64url).map_err(|_| KeyError::Signing);
        let input = format!("{}.{}", encode(header)?, encode(claims)?);
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        let encoding = match alg {
            Rsa::Rs256 => &RSA_PKCS1_SHA256,
            Rsa::Rs512 => &RSA_PKCS1_SHA512,
        };
        self.pair
            .sign(
                encoding,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| KeyError::Signing)?;
        Ok(format!("{input}.{}", b64url(signature)))
    }

    /// The claims of a token this key signed, if the signature verifies and the header
    /// names this key and RS256.
    pub fn verify(&self, token: &str) -> Option<Value> {
        self.verify_as(token)
    }

    /// [`Self::verify`], decoding the claims straight into `T`: the Core API reads
    /// a handful of claims on every call and need not build a whole JSON tree.
    pub fn verify_as<T: for<'de> serde::Deserialize<'de>>(&self, token: &str) -> Option<T> {
        self.verify_with(Rsa::Rs256, &self.kid, token)
    }

    /// The claims of a token signed by this key with `alg`, naming `kid`.
    pub fn verify_with<T: for<'de> serde::Deserialize<'de>>(
        &self,
        alg: Rsa,
        kid: &str,
        token: &str,
    ) -> Option<T> {
        let parsed = match (&self.verifier, alg) {
            (Some(parsed), Rsa::Rs256) => Verifier::Parsed(parsed),
            _ => Verifier::Der(self.pair.public_key().as_ref()),
        };
        let (header, claims) = verify_compact(parsed, alg, token)?;
        (header.kid.as_deref() == Some(kid)).then_some(claims)
    }

    /// The public key as a JWK, members in IdentityServer's order for a bare RSA key
    /// (`kty, use, kid, e, n, alg`; no `x5t`/`x5c` without a certificate).
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "e": self.e,
            "n": self.n,
            "alg": "RS256",
        })
    }
}

/// The claims of a compact JWS signed with `alg` by the holder of `public_key` (DER:
/// SubjectPublicKeyInfo or PKCS#1), whatever its `kid`; `None` unless the header names
/// `alg` and the signature verifies. For client assertions (RFC 7523), verified against
/// the key a client registered.
pub fn verify_signed_by<T: for<'de> serde::Deserialize<'de>>(
    public_key: &[u8],
    alg: Rsa,
    token: &str,
) -> Option<(Header, T)> {
    verify_compact(Verifier::Der(public_key), alg, token)
}

/// A public key to verify with: parsed once (the API's hot path) or DER to parse.
enum Verifier<'a> {
    Parsed(&'a ParsedPublicKey),
    Der(&'a [u8]),
}

/// Verifies a compact JWS whose header names `alg`; its header and claims.
fn verify_compact<T: for<'de> serde::Deserialize<'de>>(
    key: Verifier<'_>,
    alg: Rsa,
    token: &str,
) -> Option<(Header, T)> {
    let compact = Compact::split(token)?;
    let header: Header = decode_segment(compact.header)?;
    if header.alg != alg.name() {
        return None;
    }
    let signature = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        compact.signature,
    )
    .ok()?;
    // `header.payload` is the token up to its second dot.
    let input = &token.as_bytes()[..compact.header.len() + 1 + compact.payload.len()];
    match key {
        Verifier::Parsed(parsed) => parsed.verify_sig(input, &signature).ok()?,
        Verifier::Der(der) => UnparsedPublicKey::new(alg.verification(), der)
            .verify(input, &signature)
            .ok()?,
    }
    Some((header, decode_segment(compact.payload)?))
}

/// Object-safe JSON serialisation, so header and claims share one encoder.
mod erased {
    pub trait Json {
        fn to_vec(&self) -> serde_json::Result<Vec<u8>>;
    }
    impl<T: serde::Serialize + ?Sized> Json for T {
        fn to_vec(&self) -> serde_json::Result<Vec<u8>> {
            serde_json::to_vec(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_signs_tokens_jsonwebtoken_verifies() {
        let key = SigningKey::generate().unwrap();
        assert_eq!(key.kid().len(), 32);
        let token = key
            .sign("at+jwt", &json!({"sub": "x", "exp": 4_000_000_000u64}))
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid()));
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.jwk()).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(data.claims["sub"], "x");
        let segments: Vec<&str> = token.split('.').collect();
        let raw_header = crate::protocol::jwt::decode_segment::<Value>(segments[0]).unwrap();
        assert_eq!(
            raw_header.to_string(),
            format!(r#"{{"alg":"RS256","kid":"{}","typ":"at+jwt"}}"#, key.kid())
        );
    }

    #[test]
    fn verify_accepts_only_own_untampered_tokens() {
        let key = SigningKey::generate().unwrap();
        let token = key.sign("at+jwt", &json!({"sub": "x"})).unwrap();
        assert_eq!(key.verify(&token).unwrap()["sub"], "x");
        let other = SigningKey::generate().unwrap();
        assert!(other.verify(&token).is_none());
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = b64url(r#"{"sub":"y"}"#);
        assert!(key.verify(&parts.join(".")).is_none());
        assert!(key.verify("a.b").is_none());
    }

    #[test]
    fn pem_key_has_a_stable_kid() {
        let pem = include_str!("../../fixtures/keys/test-signing-key.pem");
        let a = SigningKey::from_pem(pem).unwrap();
        let b = SigningKey::from_pem(pem).unwrap();
        assert_eq!(a.kid(), b.kid());
        assert_eq!(a.jwk(), b.jwk());
    }

    #[test]
    fn pem_errors_are_clear() {
        assert!(matches!(
            SigningKey::from_pem("nonsense"),
            Err(KeyError::Pem(_))
        ));
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            SigningKey::from_pem(cert),
            Err(KeyError::NotRsa { .. })
        ));
    }
}
