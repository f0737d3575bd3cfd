//! Reading form posts the way ASP.NET Core and IdentityServer read them.

use axum::http::{HeaderMap, header};

/// A parsed `application/x-www-form-urlencoded` body.
///
/// Names are looked up case-insensitively and a repeated parameter yields its first
/// value (`IReadableStringCollectionExtensions.AsNameValueCollection`); bytes that are
/// not UTF-8 are replaced, as ASP.NET's form reader does, so they can only fail to
/// match, never crash.
#[derive(Debug, Default, Clone)]
pub struct FormParams(Vec<(String, String)>);

impl FormParams {
    /// Parses a body.
    pub fn parse(body: &[u8]) -> Self {
        FormParams(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of `name`, whatever its case; `None` when absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name` unless it is absent or blank. RFC 6749 §3.2: a
    /// parameter without a value is treated as omitted (IdentityServer's `IsMissing`).
    pub fn present(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

/// Whether the request's media type is `application/x-www-form-urlencoded`, any case,
/// parameters such as `charset` allowed (`HttpRequestExtensions.HasApplicationFormContentType`).
pub fn has_form_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_wins_and_names_ignore_case() {
        let f = FormParams::parse(b"Grant_Type=client_credentials&grant_type=x&scope=&a=%FF");
        assert_eq!(f.get("grant_type"), Some("client_credentials"));
        assert_eq!(f.get("scope"), Some(""));
        assert_eq!(f.present("scope"), None);
        assert_eq!(f.get("a"), Some("\u{FFFD}"));
    }

    #[test]
    fn content_type_rules() {
        let mut h = HeaderMap::new();
        assert!(!has_form_content_type(&h));
        h.insert(
            header::CONTENT_TYPE,
            "Application/X-WWW-Form-Urlencoded; charset=utf-8"
                .parse()
                .unwrap(),
        );
        assert!(has_form_content_type(&h));
        h.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=x".parse().unwrap(),
        );
        assert!(!has_form_content_type(&h));
    }
}
