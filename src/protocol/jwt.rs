//! The access-token JWT as IdentityServer4 v4 writes it (RFC 9068 profile, with
//! IdentityServer's choices): header `alg, kid, typ`; claims in the order they are
//! added (`nbf, exp, iss, aud, client_id, [sub, auth_time, idp,] jti, [sid,] iat,
//! scope[, amr]`); `scope` always a JSON array; `aud` a string when there is one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// `typ` of access tokens (`IdentityServerOptions.AccessTokenJwtType`, RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// The JOSE header, fields in IdentityServer's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Signing algorithm, `RS256` here.
    pub alg: String,
    /// Id of the signing key in the JWKS.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kid: Option<String>,
    /// Token type, `at+jwt` for access tokens.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub typ: Option<String>,
}

/// `aud`: a string for one audience, an array for several (IdentityServer4 v4 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

impl Audience {
    /// Builds the claim from a list, choosing the string form for one value.
    pub fn from_names(mut names: Vec<String>) -> Option<Audience> {
        match names.len() {
            0 => None,
            1 => names.pop().map(Audience::One),
            _ => Some(Audience::Many(names)),
        }
    }

    /// Whether `name` is one of the audiences.
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Audience::One(a) => a == name,
            Audience::Many(v) => v.iter().any(|a| a == name),
        }
    }
}

/// Access-token claims, declared in IdentityServer's emission order so that the
/// serialised payload matches it member for member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// Not before: the issue time.
    pub nbf: i64,
    /// Expiry: `nbf + AccessTokenLifetime`.
    pub exp: i64,
    /// Issuer: the lower-cased auth-server base URL.
    pub iss: String,
    /// Audience: the API resources owning the granted scopes (`myid.rest`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub aud: Option<Audience>,
    /// The client the token was issued to.
    pub client_id: String,
    /// The user, for user tokens only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub: Option<String>,
    /// When the user signed in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_time: Option<i64>,
    /// Identity provider, `local` for local sign-ins.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub idp: Option<String>,
    /// User claims of the granted resources (the `operation` grant's `op` and target),
    /// emitted where IdentityServer emits profile claims.
    #[serde(flatten, default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Token id, 32 uppercase hex characters.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jti: Option<String>,
    /// Session id of code-flow tokens.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sid: Option<String>,
    /// When the token was created.
    pub iat: i64,
    /// Granted scopes, always an array in IdentityServer4's default configuration.
    pub scope: Vec<String>,
    /// Authentication methods of user tokens, e.g. `["pwd"]`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amr: Option<Vec<String>>,
}

/// The three segments of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compact<'a> {
    /// Base64url header.
    pub header: &'a str,
    /// Base64url payload.
    pub payload: &'a str,
    /// Base64url signature.
    pub signature: &'a str,
}

impl<'a> Compact<'a> {
    /// Splits `token` into its three segments; `None` unless there are exactly three.
    pub fn split(token: &'a str) -> Option<Self> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        parts.next().is_none().then_some(Compact {
            header,
            payload,
            signature,
        })
    }

    /// The bytes that are signed: `header.payload`.
    pub fn signing_input(&self) -> String {
        format!("{}.{}", self.header, self.payload)
    }
}

/// Decodes one base64url segment as JSON, without verifying anything.
pub fn decode_segment<T: for<'de> Deserialize<'de>>(segment: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Base64url without padding, the JOSE encoding.
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> AccessTokenClaims {
        AccessTokenClaims {
            nbf: 100,
            exp: 3700,
            iss: "http://localhost/web.oauth2".into(),
            aud: Audience::from_names(vec!["myid.rest".into()]),
            client_id: "myid.mysystem".into(),
            sub: None,
            auth_time: None,
            idp: None,
            extra: Default::default(),
            jti: Some("AB".into()),
            sid: None,
            iat: 100,
            scope: vec!["myid.rest.basic".into()],
            amr: None,
        }
    }

    #[test]
    fn client_credentials_claims_serialise_in_identityserver_order() {
        let json = serde_json::to_string(&claims()).unwrap();
        assert_eq!(
            json,
            r#"{"nbf":100,"exp":3700,"iss":"http://localhost/web.oauth2","aud":"myid.rest","client_id":"myid.mysystem","jti":"AB","iat":100,"scope":["myid.rest.basic"]}"#
        );
    }

    #[test]
    fn audience_forms() {
        assert_eq!(Audience::from_names(vec![]), None);
        let many = Audience::from_names(vec!["a".into(), "b".into()]).unwrap();
        assert_eq!(serde_json::to_string(&many).unwrap(), r#"["a","b"]"#);
        assert!(many.contains("b"));
    }

    #[test]
    fn header_order_and_compact_split() {
        let h = Header {
            alg: "RS256".into(),
            kid: Some("K".into()),
            typ: Some(ACCESS_TOKEN_TYP.into()),
        };
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"alg":"RS256","kid":"K","typ":"at+jwt"}"#
        );
        let seg = b64url(serde_json::to_vec(&h).unwrap());
        let token = format!("{seg}.e30.c2ln");
        let c = Compact::split(&token).unwrap();
        assert_eq!(decode_segment::<Header>(c.header), Some(h));
        assert_eq!(c.signing_input(), format!("{seg}.e30"));
        assert!(Compact::split("a.b").is_none());
        assert!(Compact::split("a.b.c.d").is_none());
    }
}
