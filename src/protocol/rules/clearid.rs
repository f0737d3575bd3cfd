//! Genetec ClearID's developer guide and the tokens it publishes, and what the mock
//! assumed where they are silent (the STS shows every sign of IdentityServer4, whose
//! behaviour fills the gaps).

use super::{Doc, Document, rules};

/// ClearID's developer guide, "Authentication for the ClearID API".
pub static GUIDE: Document = Document {
    key: "clearid",
    title: "ClearID developer guide",
    url: Some(
        "https://developer.genetec.com/r/en-us/sample/clearid-developer-guide/authentication-for-the-clearid-api",
    ),
};

rules! { Doc::Product(&GUIDE);
    CLEARID_SECRET_IN_BODY = "ClearID-token-secret", "client secret", Must,
        "The client secret in the body, with no scope, buys an access token and no refresh token";
    CLEARID_ASSERTION = "ClearID-token-assertion", "client assertion", Must,
        "A JWT assertion the client signs RS512 with its key buys an access token, whose amr says assertion";
    CLEARID_ALG = "ClearID-token-alg", "access token", Must,
        "Access tokens are RS512 JWTs of typ at+jwt naming their key by kid";
    CLEARID_LIFETIME = "ClearID-token-lifetime", "access token", Must,
        "An access token lives at most 3600 s (exp less nbf, and expires_in)";
    CLEARID_ACCOUNT_ID = "ClearID-token-account-id", "access token", Must,
        "account_id is one account as a string, or several as an array of strings";
    CLEARID_CLAIM_ORDER = "ClearID-token-claim-order", "access token", Must,
        "The claims come in the order ClearID's published tokens show";
    CLEARID_IDENTITIES = "ClearID-identities", "Identity Service", Must,
        "The Identity Service lists an account's identities as a JSON array for a valid bearer token, and refuses (401) none or an expired one";
}

/// What the mock decided where ClearID's guide is silent.
pub mod assumed {
    use super::super::{Doc, rules};
    use super::GUIDE;
    rules! { Doc::Assumed(&GUIDE);
        ASSUMED_CLEARID_OTHER_ACCOUNT = "assumed-ClearID-other-account", "Identity Service", Must,
            "Another account's identities are 403";
        ASSUMED_CLEARID_ASSERTION_ONCE = "assumed-ClearID-assertion-once", "client assertion", Must,
            "An assertion works once (RFC 7523 §3 leaves replay checks to the server)";
        ASSUMED_CLEARID_MISSING_GRANT = "assumed-ClearID-missing-grant", "token endpoint", Must,
            "A request without grant_type is unsupported_grant_type, as IdentityServer answers";
    }
}

pub use assumed::*;

/// Every ClearID rule.
pub static ALL: &[&[&super::Rule]] = &[RULES, assumed::RULES];
