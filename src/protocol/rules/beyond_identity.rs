//! Beyond Identity's developer documentation (its applications' endpoints, tokens,
//! introspection and revocation), and what the mock assumed where it is silent.

use super::{Doc, Document, rules};

/// Beyond Identity's developer docs.
pub static DOCS: Document = Document {
    key: "beyond-identity",
    title: "Beyond Identity developer docs",
    url: Some("https://developer.beyondidentity.com/docs/"),
};

rules! { Doc::Product(&DOCS);
    BI_CLIENT_CREDENTIALS = "BI-token-client-credentials", "create an API token", Must,
        "A confidential application gets a token by client credentials with Basic (or in the body), granted the scopes asked for that it allows, all of them when none are asked";
    BI_ACCESS_TOKEN = "BI-access-token", "access tokens", Must,
        "An access token's aud is an array naming the application's client id, and its bi_t, bi_r, bi_p, azp and bi_ty name one tenant, realm, principal and the grant";
    BI_IDENTITY = "BI-access-token-identity", "access tokens", Must,
        "A signed-in user's token names the identity: bi_p is its path in the token's tenant and realm, ending in sub";
    BI_OFFLINE_VALIDATION = "BI-offline-validation", "validate access tokens", Must,
        "A token's header names its key set in jku (under the issuer) and its key in kid; the key set says by Cache-Control max-age how long it may be cached";
    BI_EXPIRATION_TIME = "BI-expiration-time", "expiration time", Must,
        "expiration_time sets how long the token lives (exp less iat, and expires_in)";
    BI_CUSTOM_CLAIMS = "BI-custom-claims", "custom claims", Must,
        "custom_claims arrive in the token as the object bi_custom";
    BI_LIFETIME = "BI-access-token-lifetime", "access tokens", Must,
        "A token lives the application's Expires (86400 s by default) unless expiration_time says less";
    BI_ID_TOKEN = "BI-token-id-token", "hosted web authentication", Must,
        "An OIDC application's code exchange with openid returns an RS256 id_token signed by a key of the application, issued by the application URL for the client";
    BI_CODE_FLOW = "BI-token-code-flow", "hosted web authentication", Must,
        "A code-flow application signs a user in and exchanges the code (confidential: Basic or in the body; public: its client_id and the PKCE verifier) for tokens with the scopes asked that it allows";
    BI_PKCE_PUBLIC = "BI-pkce-public", "PKCE", Must,
        "A public application must use PKCE: an authorize request without a challenge is sent back with invalid_request";
    BI_REFRESH_ENABLED = "BI-refresh-enabled", "refresh tokens", Must,
        "Only an application with refresh tokens enabled gets one";
    BI_REFRESH_ROTATE = "BI-refresh-rotate", "refresh tokens", Must,
        "With Rotate on, each refresh returns a new refresh token and the used one is spent; with it off the same one serves again";
    BI_REFRESH_ABSOLUTE = "BI-refresh-absolute", "refresh tokens", Must,
        "No refresh token serves past the application's Absolute Duration from the first";
    BI_REVOKE = "BI-revoke", "revoke access tokens", Must,
        "OAuth2 applications revoke with their credentials; OIDC applications' own Basic credentials are refused there, and a Management API token of scope tokens:delete revokes any token";
    BI_INTROSPECTION = "BI-introspection", "validate access tokens", Must,
        "Introspection at the realm answers active false for a revoked token";
    BI_DISCOVERY = "BI-discovery", "hosted web authentication", Must,
        "Each application's metadata describes it: its issuer is the application URL";
}

/// What the mock decided where Beyond Identity's docs are silent.
pub mod assumed {
    use super::super::{Doc, rules};
    use super::DOCS;
    rules! { Doc::Assumed(&DOCS);
        ASSUMED_BI_EXPIRATION_ERROR = "assumed-BI-expiration-error", "expiration time", Must,
            "An expiration_time that is not whole seconds within the application's Expires is invalid_request";
        ASSUMED_BI_REFRESH_INTROSPECTION = "assumed-BI-refresh-introspection", "refresh tokens", Must,
            "A refresh token introspects active while it serves: until rotation spends it, and through its absolute duration's last second";
        ASSUMED_BI_CODE_LIFETIME = "assumed-BI-code-lifetime", "authorization codes", Must,
            "A code is refused on the second its lifetime ends";
        ASSUMED_BI_PLAIN_PKCE = "assumed-BI-plain-pkce", "PKCE", Must,
            "A plain challenge is met by the verifier that is the challenge itself, and by no other";
        ASSUMED_BI_REPLAY_ENDS_CHAIN = "assumed-BI-replay-ends-chain", "refresh tokens", Must,
            "A spent refresh token presented again ends its whole chain";
        ASSUMED_BI_USERINFO = "assumed-BI-userinfo", "userinfo", Must,
            "Userinfo names the signed-in user of the token (sub), and refuses an application's own token";
        ASSUMED_BI_NO_ID_TOKEN = "assumed-BI-no-id-token", "hosted web authentication", Must,
            "A code asked without openid brings no id_token";
    }
}

pub use assumed::*;

/// Every Beyond Identity rule.
pub static ALL: &[&[&super::Rule]] = &[RULES, assumed::RULES];
