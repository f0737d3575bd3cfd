//! The IETF RFCs (and the Fetch standard's CORS protocol): what binds every OAuth 2.0
//! authorization server, resource server and JWT issuer. Only clauses that bind the
//! server are here: where an RFC tells the client what to send (POST and a form at the
//! token endpoint, §3.2; a verifier of 43 to 128 characters, RFC 7636 §4.1), the server
//! that is lenient breaks nothing, so no rule judges it.

use super::{Doc, rules};

rules! { Doc::Rfc(6749);
    /// §2.3.1: the client encodes its id and secret before Base64, so the server decodes them.
    RFC6749_BASIC_DECODING = "RFC6749-2.3.1-basic-decoding", "2.3.1", Must,
        "HTTP Basic credentials are form-urlencoded id and secret: the server decodes them, so a secret with reserved characters works when encoded and not when sent raw";
    /// §3.2.1: confidential clients authenticate at the token endpoint.
    RFC6749_CLIENT_AUTHENTICATION = "RFC6749-3.2.1-client-authentication", "3.2.1", Must,
        "A confidential client must authenticate: a wrong, missing, malformed or unknown credential gets no token";
    /// §3.1: the resource owner is authenticated before a grant.
    RFC6749_AUTHENTICATE_OWNER = "RFC6749-3.1-authenticate-owner", "3.1", Must,
        "The resource owner is authenticated before anything is granted: a failed sign-in leaves the user at the sign-in, with no code";
    /// §3.1: the authorization endpoint's parameters.
    RFC6749_AUTHORIZE_UNKNOWN_PARAMS = "RFC6749-3.1-unknown-params", "3.1", Must,
        "The authorization endpoint ignores parameters it does not recognise: a request carrying one is served as without it";
    /// §3.2: the token endpoint's parameters.
    RFC6749_UNKNOWN_PARAMS = "RFC6749-3.2-unknown-params", "3.2", Must,
        "The token endpoint ignores parameters it does not recognise";
    /// §3.3: the granted scope follows the server's policy.
    RFC6749_SCOPE_POLICY = "RFC6749-3.3-scope-policy", "3.3", Must,
        "No scope is granted that the server's policy does not allow the client (the target file's other_scope): it is refused or left out";
    RFC6749_SCOPE_ORDER = "RFC6749-3.3-scope-order", "3.3", Must,
        "The scope is a set of space-delimited values in any order: the same request with them reordered is served alike";
    /// §4.1.2: the authorization response.
    RFC6749_CODE_ISSUED = "RFC6749-4.1.2-code", "4.1.2", Must,
        "A granted authorization request sends the user back to the redirect URI with a code";
    RFC6749_STATE = "RFC6749-4.1.2-state", "4.1.2", Must,
        "The state of the request comes back exactly as sent, and none comes back when none was sent";
    RFC6749_CODE_ONCE = "RFC6749-4.1.2-code-once", "4.1.2", Must,
        "An authorization code works once: a second exchange of it is refused";
    RFC6749_CODE_REPLAY_REVOKES = "RFC6749-4.1.2-code-replay-revokes", "4.1.2", Should,
        "When a code is exchanged a second time, the tokens issued for it are revoked (RFC 9700 §4.2.4 too)";
    RFC6749_CODE_LIFETIME = "RFC6749-4.1.2-code-lifetime", "4.1.2", Must,
        "An authorization code expires shortly after it is issued: after its lifetime it is refused";
    /// §4.1.2.1: error responses of the authorization endpoint.
    RFC6749_NO_REDIRECT = "RFC6749-4.1.2.1-no-redirect", "4.1.2.1", Must,
        "With a missing, unknown or invalid client or redirect URI the user is not sent to the redirect URI: the server shows its own page";
    RFC6749_AUTHORIZE_ERROR = "RFC6749-4.1.2.1-error", "4.1.2.1", Must,
        "Any other invalid authorization request gets no code: it goes back to the client with the error and the state, or stops at the server's page (RFC 9700 §4.11.2)";
    /// §4.1.3: the code exchange.
    RFC6749_REDIRECT_URI_MATCH = "RFC6749-4.1.3-redirect-uri", "4.1.3", Must,
        "The code exchange's redirect_uri is the one sent to the authorization endpoint, or the exchange is refused";
    RFC6749_CODE_CLIENT = "RFC6749-4.1.3-code-client", "4.1.3", Must,
        "A code is exchanged only by the client it was issued to";
    /// §4.4.3: client credentials.
    RFC6749_NO_REFRESH_FOR_CLIENT_CREDENTIALS = "RFC6749-4.4.3-no-refresh", "4.4.3", Should,
        "A client-credentials token response carries no refresh token (SHOULD NOT)";
    /// §5.1: the successful token response.
    RFC6749_TOKEN_ISSUED = "RFC6749-5.1-success", "5.1", Must,
        "A token is issued with status 200 and an application/json body";
    RFC6749_ACCESS_TOKEN = "RFC6749-5.1-access-token", "5.1", Must,
        "The token response carries access_token, a non-empty string of visible characters (§A.12)";
    RFC6749_TOKEN_TYPE = "RFC6749-5.1-token-type", "5.1", Must,
        "The token response carries token_type; a bearer token's is Bearer, compared without case (RFC 6750 §4)";
    RFC6749_EXPIRES_IN = "RFC6749-5.1-expires-in", "5.1", Should,
        "The token response says how long the access token lives (expires_in, RECOMMENDED)";
    RFC6749_EXPIRES_IN_VALUE = "RFC6749-5.1-expires-in-value", "5.1", Must,
        "expires_in, when given, is a positive whole number of seconds (§A.14)";
    RFC6749_LIFETIME = "RFC6749-5.1-lifetime", "5.1", Must,
        "expires_in is the access token's lifetime: a JWT's exp less its issue time agrees with it, give or take a second";
    RFC6749_NO_STORE = "RFC6749-5.1-no-store", "5.1", Must,
        "A response carrying tokens has Cache-Control: no-store";
    RFC6749_PRAGMA = "RFC6749-5.1-pragma", "5.1", Must,
        "A response carrying tokens has Pragma: no-cache beside Cache-Control";
    RFC6749_SCOPE_RETURNED = "RFC6749-5.1-scope", "5.1", Must,
        "The token response names the scope when it differs from the one requested (absent means: as requested)";
    /// §5.2: the error response.
    RFC6749_ERROR_CODE = "RFC6749-5.2-error-code", "5.2", Must,
        "A refused token request names the error §5.2 defines for the case";
    RFC6749_ERROR_STATUS = "RFC6749-5.2-status", "5.2", Must,
        "A token error is answered 400, or 401 for invalid_client";
    RFC6749_ERROR_JSON = "RFC6749-5.2-json", "5.2", Must,
        "A token error's body is an application/json object";
    RFC6749_ERROR_CHARSET = "RFC6749-5.2-error-charset", "5.2", Must,
        "error, error_description and error_uri hold only the characters §5.2 allows";
    RFC6749_INVALID_CLIENT_401 = "RFC6749-5.2-invalid-client-401", "5.2", Must,
        "After HTTP Basic, invalid_client is answered 401 with a WWW-Authenticate challenge of that scheme";
    /// §10.10 and Appendix A: credentials the server makes.
    RFC6749_CODE_ENTROPY = "RFC6749-10.10-code-entropy", "10.10", Must,
        "An authorization code cannot be guessed: at least 128 bits by its length and 96 by a Shannon estimate (the OpenID conformance suite's floors), of visible characters (§A.11)";
    RFC6749_REFRESH_ENTROPY = "RFC6749-10.10-refresh-entropy", "10.10", Must,
        "A refresh token cannot be guessed: at least 128 bits by its length and 96 by a Shannon estimate";
    RFC6749_REFRESH_CHARSET = "RFC6749-A.17-refresh-charset", "A.17", Must,
        "A refresh token is a non-empty string of visible ASCII characters (VSCHAR)";
    /// §6: refreshing.
    RFC6749_REFRESH_VALID = "RFC6749-6-refresh-valid", "6", Must,
        "Only a valid refresh token of this server refreshes: one it never issued, one expired or one revoked is refused";
    RFC6749_REFRESH_CLIENT = "RFC6749-6-refresh-client", "6", Must,
        "A refresh token is used only by the client it was issued to";
}

/// RFC 6750, bearer tokens at protected resources.
pub mod rfc6750 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(6750);
        RFC6750_CHALLENGE = "RFC6750-3-challenge", "3", Must,
            "A protected resource refusing a request for want of a usable token answers 401 with a WWW-Authenticate challenge of the Bearer scheme";
        RFC6750_ERROR_ATTRIBUTE = "RFC6750-3-error-attribute", "3", Should,
            "When a token was sent and refused, the challenge names the error (error=\"invalid_token\")";
        RFC6750_NO_ERROR_WITHOUT_TOKEN = "RFC6750-3.1-no-error-without-token", "3.1", Should,
            "When no token was sent, the challenge names no error (SHOULD NOT)";
    }
}

/// RFC 7009, token revocation.
pub mod rfc7009 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(7009);
        RFC7009_OK = "RFC7009-2.2-ok", "2.2", Must,
            "A revocation is answered 200, for a token that is invalid or unknown too";
        RFC7009_REFRESH_REVOKED = "RFC7009-2-refresh-revoked", "2", Must,
            "Refresh tokens can be revoked: a revoked one is refused from then on";
        RFC7009_NO_HINT = "RFC7009-2.1-search", "2.1", Must,
            "Without a hint, or with one that does not fit, the server still finds and revokes the token";
        RFC7009_UNKNOWN_HINT = "RFC7009-2.1-unknown-hint", "2.1", Must,
            "An unknown token_type_hint is ignored: it does not change the answer";
        RFC7009_CLIENT_BINDING = "RFC7009-2.1-client-binding", "2.1", Must,
            "A client cannot revoke a token issued to another client";
        RFC7009_PUBLIC_CLIENT = "RFC7009-2.1-public-client", "2.1", Must,
            "A public client revokes its own tokens by naming itself (client_id, no secret): the revocation is answered 200";
        RFC7009_ACCESS_TOKEN_REVOKED = "RFC7009-2-access-token-revoked", "2", Should,
            "Access tokens can be revoked too: one revoked is refused from then on";
    }
}

/// RFC 7517 and RFC 7518, keys.
pub mod rfc7517 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(7517);
        RFC7517_JWK_SET = "RFC7517-5-jwk-set", "5", Must,
            "The key set is served (200) as a JSON object whose keys member is a non-empty array";
        RFC7517_KEY_MEMBERS = "RFC7517-4-key-members", "4", Must,
            "Every key has kty and the members its type needs (RSA: n and e; EC: crv, x and y); with encryption keys beside signing keys, every key says its use (OpenID Discovery §3)";
        RFC7517_DISTINCT_KIDS = "RFC7517-4.5-distinct-kids", "4.5", Must,
            "Keys of one type in a set carry distinct kid values, so a token's kid finds one key";
        RFC7517_PUBLIC_ONLY = "RFC7517-9.2-public-only", "9.2", Must,
            "A published key set holds no private or symmetric key material (d, p, q, dp, dq, qi, oth, k)";
    }
}

/// RFC 7519 and RFC 9068, JWT access tokens.
pub mod rfc9068 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(9068);
        RFC9068_TYP = "RFC9068-2.1-typ", "2.1", Must,
            "A JWT access token's header says typ at+jwt";
        RFC9068_SIGNED = "RFC9068-2.1-signed", "2.1", Must,
            "A JWT access token is signed (its alg is not none)";
        RFC9068_ASYMMETRIC = "RFC9068-2.1-asymmetric", "2.1", Should,
            "A JWT access token is signed with an asymmetric algorithm";
        RFC9068_SIGNATURE = "RFC9068-4-signature", "4", Must,
            "The signature verifies with the key of the published key set that its kid names";
        RFC9068_ISS = "RFC9068-2.2-iss", "2.2", Must,
            "iss is the issuer of the server's metadata";
        RFC9068_AUD = "RFC9068-2.2-aud", "2.2", Must,
            "aud names the resource the token is for (the target file's audience)";
        RFC9068_CLAIMS = "RFC9068-2.2-claims", "2.2", Must,
            "The token carries iss, exp, aud, sub, client_id, iat and jti";
        RFC9068_CLIENT_ID = "RFC9068-2.2-client-id", "2.2", Must,
            "client_id names the client the token was issued to";
        RFC9068_CURRENT = "RFC9068-2.2-current", "2.2", Must,
            "A token is valid when issued, by the server's clock: nbf at or before now, exp after it (RFC 7519 §4.1.4–4.1.5)";
        RFC9068_SCOPE = "RFC9068-2.2.3-scope", "2.2.3", Should,
            "A token for a request with scope carries a scope claim listing what was granted";
        RFC9068_SCOPE_STRING = "RFC9068-2.2.3-scope-string", "2.2.3", Should,
            "The scope claim is one space-delimited string (RFC 8693 §4.2)";
    }
}

/// RFC 7523, JWT assertions as grants.
pub mod rfc7523 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(7523);
        RFC7523_CLIENT_AUTH = "RFC7523-2.2-client-auth", "2.2", Must,
            "A client registered to authenticate with a signed assertion (private_key_jwt) does so: one signed with its key, iss and sub its client_id, aud the token endpoint, with exp and jti, gets a token";
        RFC7523_SIGNATURE = "RFC7523-3-signature", "3", Must,
            "An assertion whose signature does not verify with the issuer's key is refused (invalid_grant as a grant, invalid_client as client authentication)";
        RFC7523_AUDIENCE = "RFC7523-3-audience", "3", Must,
            "An assertion whose aud does not name this server is refused";
        RFC7523_EXPIRY = "RFC7523-3-expiry", "3", Must,
            "An expired assertion is refused";
        RFC7523_ISSUER = "RFC7523-3-issuer", "3", Must,
            "An assertion from an issuer the server does not know for the client is refused";
    }
}

/// RFC 7636, PKCE.
pub mod rfc7636 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(7636);
        RFC7636_VERIFIER = "RFC7636-4.6-verifier", "4.6", Must,
            "A code issued with a challenge is exchanged only with the verifier that matches it: a wrong or missing verifier is refused";
    }
}

/// RFC 7662, introspection.
pub mod rfc7662 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(7662);
        RFC7662_ACTIVE = "RFC7662-2.2-active", "2.2", Must,
            "Introspection answers 200 with active true for a valid token";
        RFC7662_INACTIVE = "RFC7662-2.2-inactive", "2.2", Must,
            "Introspection answers 200 with active false for a token that is expired, revoked or was never issued";
        RFC7662_CALLER = "RFC7662-2.1-caller", "2.1", Must,
            "The introspection endpoint answers only callers that authenticate: an anonymous caller learns nothing";
    }
}

/// RFC 8414, authorization server metadata.
pub mod rfc8414 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(8414);
        RFC8414_JSON = "RFC8414-3.2-json", "3.2", Must,
            "The metadata is served with 200 as a JSON object (application/json)";
        RFC8414_ISSUER = "RFC8414-3.3-issuer", "3.3", Must,
            "The metadata's issuer is the URL it was fetched under (less the well-known suffix), with no trailing slash";
        RFC8414_REQUIRED = "RFC8414-2-required", "2", Must,
            "The metadata has issuer, token_endpoint, response_types_supported, and authorization_endpoint when a grant uses it";
        RFC8414_ENDPOINTS_SERVED = "RFC8414-2-endpoints-served", "2", Must,
            "Every endpoint the metadata names is served at that URL";
        RFC8414_GRANT_TYPES = "RFC8414-2-grant-types", "2", Must,
            "grant_types_supported (by default authorization_code and implicit) lists the grants the server serves";
        RFC8414_AUTH_METHODS = "RFC8414-2-auth-methods", "2", Must,
            "token_endpoint_auth_methods_supported (by default client_secret_basic) lists the client authentication the server takes";
        RFC8414_RESPONSE_TYPES = "RFC8414-2-response-types", "2", Must,
            "response_types_supported holds response_type values (code, token, id_token, none and their combinations), not grant types, and code when the code grant is served";
        RFC8414_MEMBER_TYPES = "RFC8414-2-member-types", "2", Must,
            "Each member has the type §2 gives it: endpoints and URLs are absolute URL strings, the *_supported lists arrays of strings, the flags booleans";
        RFC8414_HTTPS = "RFC8414-2-https", "2", Must,
            "When the issuer is https, every endpoint and URL the metadata names is https too (RFC 6749 §3.1, §3.2 require TLS at both endpoints)";
    }
}

/// RFC 9207, the issuer in the authorization response (the defence against mix-up
/// attacks RFC 9700 §4.4 recommends).
pub mod rfc9207 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(9207);
        RFC9207_ISS = "RFC9207-2-iss", "2", Must,
            "An authorization response's iss, when it has one, is the issuer exactly; a server whose metadata says authorization_response_iss_parameter_supported sends it in every response";
    }
}

/// RFC 9700, the OAuth 2.0 Security Best Current Practice: its MUSTs for authorization
/// servers that can be tested from outside.
pub mod rfc9700 {
    use super::super::{Doc, rules};
    rules! { Doc::Rfc(9700);
        RFC9700_EXACT_REDIRECT = "RFC9700-2.1-exact-redirect", "2.1", Must,
            "A redirect URI is compared with the registered ones as an exact string (RFC 3986 §6.2.1): a variant (a query added or changed, other letter case, a trailing slash, the port written out, http for https, userinfo, a longer host, a fragment, percent-encoding) gets no code";
        RFC9700_NO_PASSWORD = "RFC9700-2.4-no-password", "2.4", Must,
            "The resource owner password credentials grant is not used: the metadata does not offer it, and a token request with the user's password gets no token";
        RFC9700_PKCE_PUBLISHED = "RFC9700-2.1.1-pkce-published", "2.1.1", Should,
            "The server says it supports PKCE: code_challenge_methods_supported is published, with S256";
        RFC9700_PKCE_DOWNGRADE = "RFC9700-4.8.2-downgrade", "4.8.2", Must,
            "A code_verifier sent for a code issued without a challenge is refused (no PKCE downgrade)";
        RFC9700_ROTATION = "RFC9700-4.14.2-rotation", "4.14.2", Must,
            "A public client's refresh token that is not sender-constrained is rotated: each refresh issues a new one";
        RFC9700_OLD_REFRESH_REFUSED = "RFC9700-4.14.2-old-refused", "4.14.2", Must,
            "A rotated-out refresh token is refused";
        RFC9700_REPLAY_REVOKES = "RFC9700-4.14.2-replay-revokes", "4.14.2", Must,
            "When a rotated-out refresh token of a public client is replayed, the server revokes the refresh token that replaced it: it cannot tell the client from the thief";
        RFC9700_REFRESH_SCOPE = "RFC9700-4.14.2-refresh-scope", "4.14.2", Must,
            "A refresh asking for a scope the grant did not include gets no wider grant: it is refused, or granted only the grant's scope (RFC 6749 §6)";
        RFC9700_NO_AUTHORIZE_CORS = "RFC9700-2.6-no-authorize-cors", "2.6", Must,
            "The authorization endpoint answers no CORS request: it is navigated to, never fetched";
        RFC9700_FRAMING = "RFC9700-4.16-framing", "4.16", Must,
            "Every HTML page the sign-in passes through forbids framing by other origins: X-Frame-Options DENY or SAMEORIGIN, or a CSP frame-ancestors without a wildcard";
        RFC9700_NO_307 = "RFC9700-4.12-no-307", "4.12", Must,
            "A form the user posts in the sign-in (the credentials, the consent) is not answered 307, which would post it on to the next site";
        RFC9700_303 = "RFC9700-4.12-303", "4.12", Should,
            "A redirect answering a form the user posts in the sign-in is 303";
    }
}

/// The WHATWG Fetch standard's CORS protocol.
pub mod fetch {
    use super::super::{Doc, rules};
    rules! { Doc::Fetch;
        FETCH_CORS_ALLOW = "Fetch-cors-allow", "CORS protocol", Must,
            "A request or preflight from an origin the server allows (the target file's allowed_origin) is answered with Access-Control-Allow-Origin naming it, and a preflight with 2xx";
    }
}

pub use fetch::*;
pub use rfc6750::*;
pub use rfc7009::*;
pub use rfc7517::*;
pub use rfc7523::*;
pub use rfc7636::*;
pub use rfc7662::*;
pub use rfc8414::*;
pub use rfc9068::*;
pub use rfc9207::*;
pub use rfc9700::*;

/// Every RFC and web-standard rule.
pub static ALL: &[&[&super::Rule]] = &[
    RULES,
    rfc6750::RULES,
    rfc7009::RULES,
    rfc7517::RULES,
    rfc9068::RULES,
    rfc9207::RULES,
    rfc7523::RULES,
    rfc7636::RULES,
    rfc7662::RULES,
    rfc8414::RULES,
    rfc9700::RULES,
    fetch::RULES,
];
