//! IdentityServer4 4.1.2's observable behaviour, where the RFCs leave a server free (or
//! where it departs from them, which the MyID target lists as a known deviation). Each
//! rule's clause is the source file that does it; they bind only servers whose profile
//! says they are built on IdentityServer4 (`identityserver4`, `myid`).

use super::{Doc, rules};

rules! { Doc::IdentityServer;
    IS4_MEMBER_ORDER = "IS4-token-response-order", "ResponseHandling/Default/TokenResponseGenerator.cs", Must,
        "Token response members come in IdentityServer's order: id_token, access_token, expires_in, token_type, refresh_token, scope";
    IS4_GRANTED_SCOPE = "IS4-token-response-scope", "ResponseHandling/Default/TokenResponseGenerator.cs", Must,
        "The granted scope is exactly what was asked for (or every allowed API scope when none was): a scope is granted whole or the request is refused";
    IS4_EXACT_LIFETIME = "IS4-token-lifetime-exact", "Services/Default/DefaultTokenService.cs", Must,
        "An access token's exp less its iat is exactly expires_in: both come from one clock reading";
    IS4_CODE_FORMAT = "IS4-code-format", "Services/Default/DefaultHandleGenerationService.cs", Must,
        "Authorization codes are 32 random bytes as 64 uppercase hexadecimal characters";
    IS4_ERROR_PAGE = "IS4-authorize-error-page", "Endpoints/AuthorizeEndpointBase.cs", Must,
        "Every authorize validation error stays on IdentityServer's error page, which names the error";
    IS4_REDIRECT_URI_REQUIRED = "IS4-authorize-redirect-uri-required", "Validation/Default/AuthorizeRequestValidator.cs", Must,
        "An authorize request without redirect_uri is refused, even for a client with one registered";
    IS4_VERIFIER_LENGTH = "IS4-token-verifier-length", "Validation/Default/TokenRequestValidator.cs", Must,
        "A code_verifier shorter than 43 or longer than 128 characters is refused";
    IS4_CODE_BURNED = "IS4-token-code-burned", "Validation/Default/TokenRequestValidator.cs", Must,
        "A code is removed from the store before it is checked, so a failed exchange (a wrong redirect_uri) spends it";
    IS4_TOKEN_REDIRECT_URI_REQUIRED = "IS4-token-redirect-uri-required", "Validation/Default/TokenRequestValidator.cs", Must,
        "A code exchange without redirect_uri is unauthorized_client";
    IS4_REFRESH_OFFLINE = "IS4-refresh-offline-access", "ResponseHandling/Default/TokenResponseGenerator.cs", Must,
        "A code granted offline_access brings a refresh token; one without it brings none";
    IS4_GRANTED_OFFLINE = "IS4-refresh-scope-names-offline", "ResponseHandling/Default/TokenResponseGenerator.cs", Must,
        "The scope of a grant with offline_access names offline_access";
    IS4_SLIDING = "IS4-refresh-sliding", "Services/Default/DefaultRefreshTokenService.cs", Must,
        "A sliding refresh token expires its sliding lifetime after its last use, and each use within it slides the expiry on";
    IS4_ABSOLUTE = "IS4-refresh-absolute", "Services/Default/DefaultRefreshTokenService.cs", Must,
        "However often it is used, a refresh token chain ends its absolute lifetime after the first token";
    IS4_REFRESH_KEEPS_ACCESS_TOKEN = "IS4-refresh-keeps-access-token", "Services/Default/DefaultRefreshTokenService.cs", Must,
        "A refresh does not revoke the access tokens issued before it (MyID manual §4.4.4 too)";
    IS4_REFRESH_ID_TOKEN = "IS4-refresh-id-token", "ResponseHandling/Default/TokenResponseGenerator.cs", Must,
        "A refresh of a grant with openid brings a new id_token";
    IS4_USER_CLAIMS = "IS4-access-token-user-claims", "Services/Default/DefaultClaimsService.cs", Must,
        "A signed-in user's access token carries sub, auth_time, idp and amr";
    IS4_SESSION_CLAIMS = "IS4-id-token-session-claims", "Services/Default/DefaultClaimsService.cs", Must,
        "A signed-in user's id_token carries sid, sub, auth_time, idp and amr";
    IS4_SESSION_STATE = "IS4-authorize-session-state", "ResponseHandling/Default/AuthorizeResponseGenerator.cs", Must,
        "The authorization response to an OpenID request carries session_state (Session Management §3) as hash.salt";
    IS4_LOGGED_OUT_LINK = "IS4-end-session-link", "Endpoints/EndSessionCallbackEndpoint.cs", Must,
        "After logout the logged-out page offers the client's registered post-logout redirect URI with the state";
    IS4_UNDER_ISSUER = "IS4-discovery-under-issuer", "ResponseHandling/Default/DiscoveryResponseGenerator.cs", Must,
        "Every endpoint the metadata names sits under the issuer: IdentityServer builds them from its base URL";
    IS4_DISCOVERY_GET_ONLY = "IS4-discovery-get-only", "Endpoints/DiscoveryEndpoint.cs", Must,
        "The discovery endpoint answers GET only: another method is 405";
    IS4_PATH_CASE = "IS4-paths-any-case", "Hosting/EndpointRouter.cs", Must,
        "Endpoint paths are matched without regard to letter case";
    IS4_REVOCATION_HINT = "IS4-revocation-hint", "Validation/Default/TokenRevocationRequestValidator.cs", Must,
        "An unknown token_type_hint is answered 400 unsupported_token_type";
    IS4_REVOCATION_FORM = "IS4-revocation-form-only", "Endpoints/TokenRevocationEndpoint.cs", Must,
        "Revocation takes form posts only: another method is 405, another content type 415";
    IS4_DEFAULT_SCOPES = "IS4-token-default-scopes", "Validation/Default/TokenRequestValidator.cs", Must,
        "A client-credentials request without scope is granted every API scope the client is allowed";
    IS4_FIRST_VALUE = "IS4-token-first-value", "Validation/Default/TokenRequestValidator.cs", Must,
        "A repeated form parameter counts by its first value";
    IS4_BODY_CREDENTIALS = "IS4-client-body-credentials", "Validation/Default/PostBodySecretParser.cs", Must,
        "A client may authenticate with client_id and client_secret in the body as well as with Basic";
    IS4_GRANT_TYPE_EXACT = "IS4-token-grant-type-exact", "Validation/Default/TokenRequestValidator.cs", Must,
        "Grant types are compared exactly: Client_Credentials is no grant type IdentityServer knows";
    IS4_BASIC_FIRST = "IS4-client-basic-first", "Validation/Default/BasicAuthenticationSecretParser.cs", Must,
        "With credentials in the Authorization header, credentials in the body are not read";
    IS4_MALFORMED_BASIC = "IS4-client-malformed-basic", "Validation/Default/BasicAuthenticationSecretParser.cs", Must,
        "A malformed Basic header is no credential at all: invalid_client";
    IS4_EMPTY_GRANT = "IS4-token-empty-grant", "Validation/Default/TokenRequestValidator.cs", Must,
        "An empty grant_type is unsupported_grant_type";
    IS4_KNOWN_GRANT_NOT_ALLOWED = "IS4-token-grant-not-allowed", "Validation/Default/TokenRequestValidator.cs", Must,
        "A grant type IdentityServer knows but the client may not use (password, device code, client credentials) is unauthorized_client";
    IS4_INVALID_SCOPE = "IS4-token-invalid-scope", "Validation/Default/TokenRequestValidator.cs", Must,
        "A scope the client may not have (unknown, another client's, identity scopes at client credentials, too long) is invalid_scope";
    IS4_NOT_A_FORM = "IS4-token-form-only", "Endpoints/TokenEndpoint.cs", Must,
        "A token request that is not a form post, or not a POST, is invalid_request";
    IS4_CONSENT = "IS4-consent", "ResponseHandling/Default/AuthorizeInteractionResponseGenerator.cs", Must,
        "prompt=consent shows a consent page; the scopes passed on it are granted";
    IS4_USERINFO_OPENID = "IS4-userinfo-openid", "Validation/Default/UserInfoRequestValidator.cs", Must,
        "Userinfo refuses an access token without openid, and one with no user (client credentials)";
    IS4_CORS_POLICY = "IS4-cors-policy", "Hosting/CorsPolicyProvider.cs", Must,
        "CORS is allowed only to origins a client lists in AllowedCorsOrigins, and only at the token, revocation, discovery, keys and userinfo endpoints";
}

/// Every IdentityServer rule.
pub static ALL: &[&[&super::Rule]] = &[RULES];
