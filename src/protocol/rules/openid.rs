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
        "With max_age in the request the id_token carries auth_time; whenever it carries one, it is the time of the sign-in (not a placeholder such as 0)";
    OIDC_ASSERTION_ONCE = "OIDC-Core-9-assertion-once", "9", Must,
        "A client assertion (private_key_jwt, client_secret_jwt) is taken once: the same one sent again is invalid_client";
    OIDC_OWN_SESSION = "OIDC-Core-2-own-session", "2", Must,
        "A user signed in twice (two browsers) has two sessions: each id_token's auth_time is its own sign-in's, and its sid (when it has one) its own session's";
    OIDC_KID = "OIDC-Core-10.1-kid", "10.1", Must,
        "An id_token signed with a key of a set that holds several names that key in its header's kid";
    OIDC_RS256 = "OIDC-Core-3.1.3.7-rs256", "3.1.3.7", Should,
        "Unless the client registered another algorithm, the id_token is signed with RS256, the default";
    OIDC_AT_HASH = "OIDC-Core-3.1.3.6-at-hash", "3.1.3.6", Must,
        "An at_hash, when the id_token has one, is the left half of the access token's hash";
    OIDC_USERINFO_SUB = "OIDC-Core-5.3.2-sub", "5.3.2", Must,
        "Userinfo answers 200 with the sub of the user the id_token names";
    OIDC_CLAIM_TYPES = "OIDC-Core-5.1-claim-types", "5.1", Must,
        "The standard claims have the types §5.1 gives: email_verified and phone_number_verified booleans, updated_at a number, address an object, the others strings";
    OIDC_SCOPE_CLAIMS = "OIDC-Core-5.4-scope-claims", "5.4", Should,
        "A claim scope the server offers and grants (profile, email, address, phone) brings claims of that scope at userinfo";
    OIDC_USERINFO_JSON = "OIDC-Core-5.3.2-json", "5.3.2", Must,
        "Userinfo's claims come as a JSON object labelled application/json (or, when the client registered signing, a JWT labelled application/jwt)";
    OIDC_USERINFO_POST = "OIDC-Core-5.3.1-post", "5.3.1", Must,
        "Userinfo takes POST as well as GET, with the access token in the Authorization header";
    OIDC_MAX_AGE = "OIDC-Core-3.1.2.1-max-age", "3.1.2.1", Must,
        "A sign-in older than max_age is not reused: the user must sign in again";
    OIDC_OPTIONAL_PARAMS = "OIDC-Core-3.1.2.1-optional-params", "3.1.2.1", Must,
        "An authentication request with any of the optional parameters (no nonce in a code flow, display, ui_locales, claims_locales, login_hint, acr_values, a claims request, the id_token as id_token_hint) is served: the user gets back to the client with a code";
    OIDC_REQUEST_OBJECT = "OIDC-Core-6-request-object", "6", Must,
        "A request object (request, or a request_uri naming one) is never ignored: the server processes it (the state only it carries comes back) or refuses the request (request_not_supported, request_uri_not_supported, invalid_request_object, or its own page)";
    OIDC_AUTHORIZE_POST = "OIDC-Core-3.1.2.1-post", "3.1.2.1", Must,
        "The authorization endpoint takes the request as a form POST as well as by GET";
    OIDC_PROMPT_LOGIN = "OIDC-Core-3.1.2.1-prompt-login", "3.1.2.1", Must,
        "prompt=login makes a signed-in user sign in again: the sign-in form is shown, and the new id_token's auth_time is later";
    OIDC_PROMPT_NONE = "OIDC-Core-3.1.2.1-prompt-none", "3.1.2.1", Must,
        "prompt=none with a current session returns a code without showing anything, and the id_token keeps the session's auth_time";
}

/// OpenID Connect Discovery 1.0.
pub mod discovery {
    use super::super::{Doc, OpenIdSpec, rules};
    rules! { Doc::OpenId(OpenIdSpec::Discovery);
        OIDC_DISCOVERY_REQUIRED = "OIDC-Discovery-3-required", "3", Must,
            "An OpenID Provider's metadata has jwks_uri, subject_types_supported and id_token_signing_alg_values_supported";
        OIDC_DISCOVERY_SUBJECT_TYPES = "OIDC-Discovery-3-subject-types", "3", Must,
            "subject_types_supported is a non-empty list of pairwise and public";
        OIDC_DISCOVERY_RS256 = "OIDC-Discovery-3-rs256", "3", Must,
            "id_token_signing_alg_values_supported includes RS256";
        OIDC_DISCOVERY_OPENID_SCOPE = "OIDC-Discovery-3-openid-scope", "3", Must,
            "scopes_supported, when given, includes openid: every OpenID Provider supports it";
    }
}

/// OpenID Connect RP-Initiated Logout 1.0.
pub mod logout {
    use super::super::{Doc, OpenIdSpec, rules};
    rules! { Doc::OpenId(OpenIdSpec::RpLogout);
        OIDC_LOGOUT_ENDS_SESSION = "OIDC-RPLogout-2-ends-session", "2", Must,
            "Once the user confirms a logout the provider ends its own session: prompt=none then finds no sign-in";
        OIDC_LOGOUT_REDIRECT = "OIDC-RPLogout-3-redirect", "3", Must,
            "After logout the provider leads the user (by a redirect or a link) only to a post_logout_redirect_uri registered for the client, and only when a valid id_token_hint names the client: an unregistered or altered URI, or a hint that is not the provider's or was tampered with, leads nowhere";
    }
}

pub use discovery::*;
pub use logout::*;

/// Every OpenID rule.
pub static ALL: &[&[&super::Rule]] = &[RULES, discovery::RULES, logout::RULES];
