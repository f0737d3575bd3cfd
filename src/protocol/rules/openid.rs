//! The OpenID Foundation's specifications: what binds an OpenID Provider. Where Core
//! words a rule as the relying party's validation (§3.1.3.7), the provider's side of it
//! is cited where Core states it (§2, the ID Token's claims).

use super::{Doc, OpenIdSpec, rules};

rules! { Doc::OpenId(OpenIdSpec::Core);
    OIDC_ID_TOKEN_ISSUED = "OIDC-Core-3.1.3.3-id-token", "3.1.3.3", Must,
        "The token response to an OpenID request (scope openid) carries an id_token";
    OIDC_ID_TOKEN_SIGNED = "OIDC-Core-2-signed", "2", Must,
        "The id_token is signed: with a key of the published set (asymmetric algorithms) or the client's secret (HMAC)";
    OIDC_ID_TOKEN_ISS_AUD = "OIDC-Core-2-iss-aud", "2", Must,
        "The id_token's iss is the issuer and its aud names the client (with azp the client when it names several)";
    OIDC_NONCE = "OIDC-Core-2-nonce", "2", Must,
        "The nonce of the request comes back in the id_token unchanged";
    OIDC_EXP_IAT = "OIDC-Core-2-exp-iat", "2", Must,
        "The id_token carries iat and an exp that has not passed";
    OIDC_SUB = "OIDC-Core-2-sub", "2", Must,
        "The id_token names the user in sub";
    OIDC_AUTH_TIME = "OIDC-Core-2-auth-time", "2", Must,
        "With max_age in the request the id_token carries auth_time, the time of the sign-in";
    OIDC_AT_HASH = "OIDC-Core-3.1.3.6-at-hash", "3.1.3.6", Must,
        "An at_hash, when the id_token has one, is the left half of the access token's hash";
    OIDC_USERINFO_SUB = "OIDC-Core-5.3.2-sub", "5.3.2", Must,
        "Userinfo answers 200 with the sub of the user the id_token names";
    OIDC_MAX_AGE = "OIDC-Core-3.1.2.1-max-age", "3.1.2.1", Must,
        "A sign-in older than max_age is not reused: the user must sign in again";
}

/// OpenID Connect Discovery 1.0.
pub mod discovery {
    use super::super::{Doc, OpenIdSpec, rules};
    rules! { Doc::OpenId(OpenIdSpec::Discovery);
        OIDC_DISCOVERY_REQUIRED = "OIDC-Discovery-3-required", "3", Must,
            "An OpenID Provider's metadata has jwks_uri, subject_types_supported and id_token_signing_alg_values_supported";
    }
}

/// OpenID Connect RP-Initiated Logout 1.0.
pub mod logout {
    use super::super::{Doc, OpenIdSpec, rules};
    rules! { Doc::OpenId(OpenIdSpec::RpLogout);
        OIDC_LOGOUT_ENDS_SESSION = "OIDC-RPLogout-2-ends-session", "2", Must,
            "Once the user confirms a logout the provider ends its own session: prompt=none then finds no sign-in";
    }
}

pub use discovery::*;
pub use logout::*;

/// Every OpenID rule.
pub static ALL: &[&[&super::Rule]] = &[RULES, discovery::RULES, logout::RULES];
