//! OAuth 2.0 error codes (RFC 6749 §5.2, §4.1.2.1; RFC 7009 §2.2.1) and the error body.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The `error` values the auth server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A required parameter is missing, repeated or malformed (RFC 6749 §5.2).
    InvalidRequest,
    /// Client authentication failed (RFC 6749 §5.2).
    InvalidClient,
    /// The grant (code, refresh token, extension token) is invalid (RFC 6749 §5.2).
    InvalidGrant,
    /// The client may not use this grant type (RFC 6749 §5.2).
    UnauthorizedClient,
    /// The server does not support the grant type (RFC 6749 §5.2).
    UnsupportedGrantType,
    /// The scope is invalid, unknown or not allowed (RFC 6749 §5.2).
    InvalidScope,
    /// The response type is not supported (RFC 6749 §4.1.2.1).
    UnsupportedResponseType,
    /// The resource owner or server denied the request (RFC 6749 §4.1.2.1).
    AccessDenied,
    /// The token type hint is not one the server knows (RFC 7009 §2.2.1).
    UnsupportedTokenType,
    /// The server failed (RFC 6749 §4.1.2.1).
    ServerError,
}

impl ErrorCode {
    /// Every code, for parsing and for tests.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidClient,
        ErrorCode::InvalidGrant,
        ErrorCode::UnauthorizedClient,
        ErrorCode::UnsupportedGrantType,
        ErrorCode::InvalidScope,
        ErrorCode::UnsupportedResponseType,
        ErrorCode::AccessDenied,
        ErrorCode::UnsupportedTokenType,
        ErrorCode::ServerError,
    ];

    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::ServerError => "server_error",
        }
    }

    /// The code for a wire string, if it is one of ours.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON error body (RFC 6749 §5.2). IdentityServer omits null members, so absent
/// optional fields are not serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The error code.
    pub error: String,
    /// Human-readable text; IdentityServer's built-in token errors never set it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_description: Option<String>,
    /// A page about the error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_uri: Option<String>,
}

/// RFC 6749 §5.2: `error` and `error_description` use `%x20-21 / %x23-5B / %x5D-7E`
/// (printable ASCII without `"` and `\`).
pub fn is_valid_error_text(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// RFC 6749 §5.2: `error_uri` uses `%x21 / %x23-5B / %x5D-7E` (no space either).
pub fn is_valid_error_uri(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(ErrorCode::parse("Invalid_Client"), None);
    }

    #[test]
    fn body_omits_absent_members() {
        let body = ErrorResponse {
            error: "invalid_client".into(),
            error_description: None,
            error_uri: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":"invalid_client"}"#
        );
    }

    #[test]
    fn error_charset() {
        assert!(is_valid_error_text("invalid_grant"));
        assert!(is_valid_error_text("Invalid scope."));
        assert!(!is_valid_error_text("bad \"quote\""));
        assert!(!is_valid_error_text("back\\slash"));
        assert!(!is_valid_error_text("ünïcode"));
        assert!(is_valid_error_uri("https://e.example/err#1"));
        assert!(!is_valid_error_uri("https://e.example/a b"));
    }
}
