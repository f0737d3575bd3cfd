//! The token endpoint's success body (RFC 6749 §5.1), members in the order
//! IdentityServer's response DTO declares them; absent optional members are omitted.

use serde::{Deserialize, Serialize};

/// `token_type` of every access token IdentityServer issues.
pub const BEARER: &str = "Bearer";

/// A successful token response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Only when `openid` was granted.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_token: Option<String>,
    /// The access token (a JWT here).
    pub access_token: String,
    /// Seconds until `exp`, equal to the client's `AccessTokenLifetime`.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
    /// Only when a refresh token was issued.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refresh_token: Option<String>,
    /// Granted scopes, space-delimited.
    pub scope: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"«redacted»")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "«redacted»"),
            )
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_order_matches_identityserver() {
        let r = TokenResponse {
            id_token: None,
            access_token: "eyJ".into(),
            expires_in: 3600,
            token_type: BEARER.into(),
            refresh_token: Some("AB".into()),
            scope: "myid.rest.basic offline_access".into(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"access_token":"eyJ","expires_in":3600,"token_type":"Bearer","refresh_token":"AB","scope":"myid.rest.basic offline_access"}"#
        );
        assert!(!format!("{r:?}").contains("eyJ"));
    }
}
