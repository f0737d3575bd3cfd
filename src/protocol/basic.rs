//! HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: the client id and
//! the secret are each form-urlencoded (Appendix B) *before* they are joined with `:`
//! and Base64-encoded. Servers must undo that encoding; many clients and some servers
//! skip it, which breaks secrets containing `+ % : /` or spaces.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// RFC 6749 Appendix B encoding: UTF-8, RFC 3986 unreserved characters kept, space as
/// `+`, everything else `%XX` with uppercase hex.
pub fn form_urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The decoding IdentityServer applies to each Basic component: `+` becomes a space,
/// valid `%XX` escapes are unescaped, and an invalid escape is kept as it is
/// (`BasicAuthenticationSecretParser.Decode` via `Uri.UnescapeDataString`).
pub fn form_urldecode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The `Authorization` header value for a client id and secret, encoded per §2.3.1.
pub fn encode(client_id: &str, secret: &str) -> String {
    let joined = format!("{}:{}", form_urlencode(client_id), form_urlencode(secret));
    format!("Basic {}", STANDARD.encode(joined))
}

/// The header value a client that skips the §2.3.1 encoding sends (Base64 of the raw
/// `id:secret`); the harness uses it to show a server really decodes.
pub fn encode_unescaped(client_id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{client_id}:{secret}")))
}

/// The two components of a Basic header as they were on the wire, before the §2.3.1
/// decoding (IdentityServer applies its length limits to these raw values).
#[derive(Clone, PartialEq, Eq)]
pub struct RawBasic {
    /// The still-encoded client id.
    pub id: String,
    /// The still-encoded secret; empty when the client sent `id:`.
    pub secret: String,
}

impl std::fmt::Debug for RawBasic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawBasic")
            .field("id", &self.id)
            .field("secret", &"«redacted»")
            .finish()
    }
}

impl RawBasic {
    /// The client id after §2.3.1 decoding.
    pub fn client_id(&self) -> String {
        form_urldecode(&self.id)
    }

    /// The secret after §2.3.1 decoding.
    pub fn secret(&self) -> String {
        form_urldecode(&self.secret)
    }
}

/// Reads a Basic `Authorization` header value. `None` when the scheme is not Basic,
/// the Base64 is malformed, or there is no `:`; IdentityServer treats all of those as
/// "no credential found", not as an error of their own.
pub fn parse(header_value: &str) -> Option<RawBasic> {
    let scheme = header_value.get(..6)?;
    if !scheme.eq_ignore_ascii_case("basic ") {
        return None;
    }
    let payload: String = header_value[6..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let decoded = STANDARD.decode(payload).ok()?;
    // .NET's Encoding.UTF8.GetString replaces invalid sequences rather than failing.
    let text = String::from_utf8_lossy(&decoded);
    let (id, secret) = text.split_once(':')?;
    Some(RawBasic {
        id: id.to_owned(),
        secret: secret.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_example_header() {
        // SPEC.md §5: the manual's client and secret.
        assert_eq!(
            encode("myid.mysystem", "82564d6e-c4a6-4f64-a6d4-cac43781c67c"),
            "Basic bXlpZC5teXN5c3RlbTo4MjU2NGQ2ZS1jNGE2LTRmNjQtYTZkNC1jYWM0Mzc4MWM2N2M="
        );
    }

    #[test]
    fn rfc6749_example_decodes() {
        let raw = parse("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3").unwrap();
        assert_eq!(raw.client_id(), "s6BhdRkqt3");
        assert_eq!(raw.secret(), "7Fjfp0ZBr1KtDRbnfVdmIw");
    }

    #[test]
    fn reserved_characters_are_encoded_first() {
        // The differential vector from the conformance checklist §4.1.
        assert_eq!(form_urlencode("client:id"), "client%3Aid");
        assert_eq!(form_urlencode("p@ss w/rd+%"), "p%40ss+w%2Frd%2B%25");
        assert_eq!(
            encode("client:id", "p@ss w/rd+%"),
            "Basic Y2xpZW50JTNBaWQ6cCU0MHNzK3clMkZyZCUyQiUyNQ=="
        );
        assert_eq!(
            encode_unescaped("client:id", "p@ss w/rd+%"),
            "Basic Y2xpZW50OmlkOnBAc3Mgdy9yZCsl"
        );
        let raw = parse("basic Y2xpZW50JTNBaWQ6cCU0MHNzK3clMkZyZCUyQiUyNQ==").unwrap();
        assert_eq!(
            (raw.client_id(), raw.secret()),
            ("client:id".into(), "p@ss w/rd+%".into())
        );
    }

    #[test]
    fn malformed_headers_are_not_credentials() {
        assert_eq!(parse("Bearer abc"), None);
        assert_eq!(parse("Basic !!!"), None);
        assert_eq!(parse("Basic bm9jb2xvbg=="), None, "no colon");
        assert_eq!(parse("Basi"), None);
        let empty_secret = parse(&format!("Basic {}", STANDARD.encode("id:"))).unwrap();
        assert_eq!(empty_secret.secret, "");
    }

    #[test]
    fn invalid_escapes_survive_decoding() {
        assert_eq!(form_urldecode("100%"), "100%");
        assert_eq!(form_urldecode("%zz%4"), "%zz%4");
        assert_eq!(form_urldecode("a+b%2Bc%C3%BC"), "a b+cü");
    }
}
