//! MyID's faults: its auth server (IdentityServer4 underneath) and its Core API broken
//! one way each, and the arithmetic of the faults that bend a number.

use crate::protocol::rules::{identityserver, myid, oauth, openid};

crate::mock::faults::faults! { "myid";
    CODE_REUSE = "code-reuse", "an authorization code can be exchanged twice",
        [&oauth::RFC6749_CODE_ONCE],
        [("@authorization_code", "A code works once")];
    PKCE_IGNORED = "pkce-ignored", "the code_verifier is not checked at all",
        [&oauth::RFC7636_VERIFIER],
        [("@authorization_code", "The verifier must match the challenge"), ("@authorization_code", "With both required, the secret alone is not enough")];
    PLAIN_ACCEPTED = "plain-accepted", "code_challenge_method=plain is accepted although the client forbids it",
        [&identityserver::IS4_ERROR_PAGE],
        [("@authorization_code", "IdentityServer's error page names the error")];
    VERIFIER_LENGTH_UNCHECKED = "verifier-length-unchecked", "verifiers shorter than 43 or longer than 128 characters are accepted",
        [&identityserver::IS4_VERIFIER_LENGTH],
        [("@authorization_code", "IdentityServer refuses a verifier of fewer than 43 or more than 128 characters")];
    REDIRECT_MISMATCH_ACCEPTED = "redirect-mismatch-accepted", "the code exchange accepts a redirect_uri other than the one sent to authorize",
        [&oauth::RFC6749_REDIRECT_URI_MATCH],
        [("@authorization_code", "The redirect_uri must be the one sent to authorize")];
    WRONG_SECRET_ACCEPTED = "wrong-secret-accepted", "a confidential client authenticates with any secret",
        [&oauth::RFC6749_CLIENT_AUTHENTICATION],
        [("@client_credentials", "Client authentication failures are invalid_client")];
    INVALID_CLIENT_MISLABELLED = "invalid-client-mislabelled", "client authentication failures are answered invalid_request",
        [&oauth::RFC6749_ERROR_CODE],
        [("@client_credentials", "Client authentication failures are invalid_client")];
    NO_STORE_MISSING = "no-store-missing", "token responses lack Cache-Control: no-store",
        [&oauth::RFC6749_NO_STORE],
        [("@client_credentials", "A token through HTTP Basic, as the manual shows it")];
    TOKEN_TYPE_WRONG = "token-type-wrong", "token_type is not Bearer",
        [&oauth::RFC6749_TOKEN_TYPE],
        [("@client_credentials", "A token through HTTP Basic, as the manual shows it")];
    EXPIRES_IN_MISMATCH = "expires-in-mismatch", "expires_in does not match the token's exp - nbf",
        [&oauth::RFC6749_LIFETIME],
        [("@client_credentials", "The access token verifies with the keys found through discovery")];
    WRONG_AUDIENCE = "wrong-audience", "access tokens name an audience other than myid.rest",
        [&oauth::RFC9068_AUD],
        [("@client_credentials", "The access token verifies with the keys found through discovery")];
    UNPUBLISHED_KEY = "unpublished-key", "access tokens name a signing key that is not in the JWKS",
        [&oauth::RFC9068_SIGNATURE],
        [("@client_credentials", "The access token verifies with the keys found through discovery")];
    REFRESH_REUSABLE = "refresh-reusable", "a refresh token can be used more than once",
        [&oauth::RFC9700_OLD_REFRESH_REFUSED],
        [("@refresh", "A refresh token works once")];
    REFRESH_NEVER_EXPIRES = "refresh-never-expires", "refresh tokens never expire",
        [&oauth::RFC6749_REFRESH_VALID, &identityserver::IS4_SLIDING],
        [
            ("@refresh", "A refresh token past the lifetime the server gives it is refused"),
            ("@refresh", "An unused refresh token expires after the sliding lifetime"),
        ];
    SLIDING_IGNORED = "sliding-ignored", "refresh tokens do not expire after the sliding lifetime",
        [&identityserver::IS4_SLIDING],
        [("@refresh", "An unused refresh token expires after the sliding lifetime")];
    ABSOLUTE_IGNORED = "absolute-ignored", "refreshing extends the chain past the absolute lifetime",
        [&identityserver::IS4_ABSOLUTE],
        [("@refresh", "The absolute lifetime ends the chain, however often it is refreshed")];
    REFRESH_SURVIVES_REVOCATION = "refresh-survives-revocation", "revoking a token leaves the grant's refresh tokens usable",
        [&myid::MYID_REVOCATION_ENDS_GRANT, &oauth::RFC7009_REFRESH_REVOKED],
        [("@revocation", "Revoking an access token ends its refresh tokens too (manual §4.5)"), ("@revocation", "A revoked refresh token is refused")];
    STATE_NOT_ECHOED = "state-not-echoed", "the authorization response drops state",
        [&oauth::RFC6749_STATE],
        [("@authorization_code", "The state comes back exactly as sent")];
    RESPONSE_TYPES_LIST_GRANTS = "response-types-list-grants", "response_types_supported lists grant types (authorization_code, refresh_token) instead of response types",
        [&oauth::RFC8414_RESPONSE_TYPES],
        [("@discovery", "The metadata's values are what the specifications give")];
    AUTH_TIME_ZERO = "auth-time-zero", "the id_token's auth_time is 0, not the time of the sign-in",
        [&openid::OIDC_AUTH_TIME],
        [("@oidc", "Signing in with OpenID gives an id_token the client can verify")];
    LOGIN_FRAMEABLE = "login-frameable", "the sign-in form carries no X-Frame-Options, so any site can frame it",
        [&oauth::RFC9700_FRAMING],
        [("@authorization_code", "The sign-in's pages cannot be framed, and its forms are not posted on")];
    LOGIN_307 = "login-307", "the sign-in form's POST is answered 307, which would post the credentials on",
        [&oauth::RFC9700_NO_307],
        [("@authorization_code", "The sign-in's pages cannot be framed, and its forms are not posted on")];
    AUTHORIZE_UNKNOWN_REFUSED = "authorize-unknown-refused", "an authorization request with a parameter the server does not know is refused",
        [&oauth::RFC6749_AUTHORIZE_UNKNOWN_PARAMS],
        [("@authorization_code", "A parameter the authorization endpoint does not know is ignored")];
    OPTIONAL_PARAMS_REFUSED = "optional-params-refused", "OpenID's optional authorization parameters (display, locales, hints, acr_values, claims) and a missing nonce are refused",
        [&openid::OIDC_OPTIONAL_PARAMS],
        [("@oidc", "OpenID's optional parameters do not stop the sign-in"), ("@oidc", "prompt=none with the id_token as a hint returns a code")];
    SCOPE_ORDER_MATTERS = "scope-order-matters", "an OpenID request whose scope does not start with openid is refused: the scope is compared as a string",
        [&oauth::RFC6749_SCOPE_ORDER],
        [("@oidc", "The scope values may come in any order")];
    AUTHORIZE_GET_ONLY = "authorize-get-only", "the authorization endpoint refuses a request sent by POST",
        [&openid::OIDC_AUTHORIZE_POST],
        [("@oidc", "The authorization request may be a form POST")];
    PROMPT_LOGIN_IGNORED = "prompt-login-ignored", "prompt=login reuses the session instead of asking the user to sign in again",
        [&openid::OIDC_PROMPT_LOGIN],
        [("@oidc", "prompt=login asks a signed-in user to sign in again")];
    PROMPT_NONE_IGNORED = "prompt-none-ignored", "prompt=none is ignored: the user is shown the sign-in form even with a current session",
        [&openid::OIDC_PROMPT_NONE],
        [("@oidc", "prompt=none with a current session returns a code at once")];
    REDIRECT_PREFIX_MATCH = "redirect-prefix-match", "a redirect_uri is accepted when it begins with a registered one (a query, a slash or a fragment added)",
        [&oauth::RFC9700_EXACT_REDIRECT],
        [("@authorization_code", "A redirect_uri that is not exactly a registered one never gets the user back")];
    REFRESH_WIDENS_SCOPE = "refresh-widens-scope", "a refresh asking for more scope than the grant had is granted it",
        [&oauth::RFC9700_REFRESH_SCOPE],
        [("@refresh", "A refresh cannot widen the scope of the grant")];
    SHORT_CODES = "short-codes", "authorization codes are 4 random bytes, a guess in four billion",
        [&oauth::RFC6749_CODE_ENTROPY, &identityserver::IS4_CODE_FORMAT],
        [("@authorization_code", "PKCE code flow for a public client (manual §4.2)"), ("@authorization_code", "Codes have IdentityServer4's format")];
    SHORT_REFRESH_TOKENS = "short-refresh-tokens", "refresh tokens are 4 random bytes, a guess in four billion",
        [&oauth::RFC6749_REFRESH_ENTROPY],
        [("@refresh", "A refresh gives a new access token and a new refresh token")];
    USERINFO_GET_ONLY = "userinfo-get-only", "userinfo refuses a POST",
        [&openid::OIDC_USERINFO_POST],
        [("@oidc", "Userinfo takes a POST as well as a GET")];
    USERINFO_NOT_JSON = "userinfo-not-json", "userinfo labels its JSON text/plain",
        [&openid::OIDC_USERINFO_JSON],
        [("@oidc", "Userinfo answers for the id_token's subject")];
    PASSWORD_ADVERTISED = "password-advertised", "the metadata offers the resource owner password grant",
        [&oauth::RFC9700_NO_PASSWORD],
        [("@authorization_code", "The password grant is neither offered nor honoured")];
    WRONG_ISS_IN_RESPONSE = "wrong-iss-in-response", "the authorization response names another issuer in iss (RFC 9207)",
        [&oauth::RFC9207_ISS],
        [("@authorization_code", "PKCE code flow for a public client (manual §4.2)")];
    LOGOUT_ANY_REDIRECT = "logout-any-redirect", "after logout the user is led to any post_logout_redirect_uri, registered or not",
        [&openid::OIDC_LOGOUT_REDIRECT],
        [("@oidc", "After logout the user is led nowhere the client did not register")];
    LOGOUT_HINT_UNVERIFIED = "logout-hint-unverified", "the logout's id_token_hint is read without checking its signature",
        [&openid::OIDC_LOGOUT_REDIRECT],
        [("@oidc", "After logout the user is led nowhere the client did not register")];
    REQUEST_OBJECT_IGNORED = "request-object-ignored", "request objects (request, request_uri) are ignored: the query alone decides",
        [&openid::OIDC_REQUEST_OBJECT],
        [("@oidc", "A request object is processed or refused, never ignored")];
    USERINFO_SCOPE_CLAIMS_DROPPED = "userinfo-scope-claims-dropped", "userinfo answers sub alone, whatever claim scopes were granted",
        [&openid::OIDC_SCOPE_CLAIMS],
        [("@oidc", "A claim scope brings its claims at userinfo")];
    CLIENT_ASSERTION_REFUSED = "client-assertion-refused", "no client assertion authenticates, however well it is made",
        [&oauth::RFC7523_CLIENT_AUTH],
        [("@client_credentials", "A client may authenticate with a signed assertion")];
    CLIENT_ASSERTION_REPLAYABLE = "client-assertion-replayable", "a client assertion (private_key_jwt) can be sent again",
        [&openid::OIDC_ASSERTION_ONCE],
        [("@client_credentials", "A client assertion works once")];
    CLIENT_ASSERTION_ANY_AUDIENCE = "client-assertion-any-audience", "a client assertion addressed to another server is taken",
        [&oauth::RFC7523_AUDIENCE],
        [("@client_credentials", "A client assertion for another audience is invalid_client")];
    CLIENT_ASSERTION_EXPIRED_TAKEN = "client-assertion-expired-taken", "an expired client assertion is taken",
        [&oauth::RFC7523_EXPIRY],
        [("@client_credentials", "An expired client assertion is invalid_client")];
    CLIENT_ASSERTION_UNVERIFIED = "client-assertion-unverified", "a client assertion's signature is not checked",
        [&oauth::RFC7523_SIGNATURE],
        [("@client_credentials", "A client assertion signed with another key is invalid_client")];
    REVOCATION_PUBLIC_REFUSED = "revocation-public-refused", "a public client may not revoke its own tokens: revocation wants a secret",
        [&oauth::RFC7009_PUBLIC_CLIENT],
        [("@revocation", "A public client revokes its own access token")];
    SESSIONS_MERGED = "sessions-merged", "a user's second sign-in takes over the first's session: its sid and auth_time",
        [&openid::OIDC_OWN_SESSION],
        [("@oidc", "One user signed in twice has two sessions, and each can log out")];
    ISSUER_TRAILING_SLASH = "issuer-trailing-slash", "the discovery issuer has a trailing slash",
        [&oauth::RFC8414_ISSUER],
        [("@discovery", "The discovery document describes the auth server")];
    CORS_ANY_ORIGIN = "cors-any-origin", "every origin is allowed by CORS",
        [&identityserver::IS4_CORS_POLICY, &myid::MYID_CORS],
        [("@cors", "Other origins are not allowed"), ("@cors", "Another origin's preflight is not allowed (manual §4.1.3.1)")];
    CORS_ALLOWS_NOBODY = "cors-allows-nobody", "no origin is allowed by CORS, the configured ones included",
        [&oauth::FETCH_CORS_ALLOW, &myid::MYID_CORS],
        [("@cors", "A request from an allowed origin carries the allow header"), ("@cors", "A preflight from an allowed origin is answered before authentication")];
    AUTHORIZE_CORS = "authorize-cors", "the authorize endpoint answers CORS requests",
        [&oauth::RFC9700_NO_AUTHORIZE_CORS],
        [("@cors", "The authorize endpoint is not a CORS endpoint")];
    API_ACCEPTS_EXPIRED = "api-accepts-expired", "the Core API accepts expired access tokens",
        [&myid::MYID_API_TOKEN],
        [("@authentication", "An expired token is refused")];
    API_ACCEPTS_REVOKED = "api-accepts-revoked", "the Core API accepts revoked access tokens",
        [&myid::MYID_REVOCATION_AT_API],
        [("@authentication", "A revoked token is refused from then on (manual §4.5)")];
    API_IGNORES_PERMISSIONS = "api-ignores-permissions", "the Core API lets any user do anything (no 403)",
        [&myid::MYID_PERMISSIONS],
        [("@authentication", "A missing permission is 403 WS50000")];
    API_IGNORES_SCOPE = "api-ignores-scope", "the Core API shows people outside the user's scope",
        [&myid::MYID_SCOPE],
        [("@scope", "A department-scoped user sees only its own group")];
    WRONG_WS_CODE = "wrong-ws-code", "a missing mandatory field is answered WS30001 instead of WS30015",
        [&myid::MYID_WS_ERRORS],
        [("@errors", "Adding a person checks what MyID requires")];
    PAGING_DUPLICATES = "paging-duplicates", "each report page repeats the last row of the page before",
        [&myid::MYID_PAGES_ONCE],
        [("@paging", "Walking the requests report (100406)")];
    PAGING_DROPS = "paging-drops", "each report page after the first skips a row",
        [&myid::MYID_PAGES_SAME_ROWS],
        [("@paging", "The order does not change which rows there are")];
    NEXT_PAGE_NEVER_ENDS = "next-page-never-ends", "every report page links to a next page",
        [&myid::MYID_PAGES_NEXT],
        [("@paging", "Walking the requests report (100406)")];
    EMPTY_IMAGE_ACCEPTED = "empty-image-accepted", "a zero-length image is stored instead of refused",
        [&myid::MYID_PROBLEM_DETAILS],
        [("@requests", "An empty image is refused with problem details")];
    DIRECTORY_PASSWORD_SHOWN = "directory-password-shown", "directory reads include the password",
        [&myid::MYID_DIRECTORIES],
        [("@directories", "Directories never show their password")];
    // Caught only by a harness that finds endpoints through discovery, as clients do.
    DISCOVERY_MISPLACES_TOKEN = "discovery-misplaces-token", "the discovery document names a token endpoint the server does not serve",
        [&oauth::RFC8414_ENDPOINTS_SERVED],
        [("@client_credentials", "A token through HTTP Basic, as the manual shows it"), ("@discovery", "Every endpoint the metadata names is served")];
    // Caught only by a harness that judges a redirect's Location instead of following it.
    OPEN_REDIRECT = "open-redirect", "authorize sends the user to any redirect_uri, registered or not",
        [&oauth::RFC6749_NO_REDIRECT],
        [("@authorization_code", "An untrusted client or redirect_uri never gets the user back")];
    // Caught only if MyID's known "no sub" deviation excuses that finding and no other.
    AUDIENCE_MISSING = "audience-missing", "access tokens carry no aud claim",
        [&oauth::RFC9068_CLAIMS],
        [("@client_credentials", "The access token against the strict JWT profile")];
    // OpenID Connect (MyID's web.oauth2).
    ID_TOKEN_NONCE_DROPPED = "id-token-nonce-dropped", "the identity token does not carry the nonce of the request",
        [&openid::OIDC_NONCE],
        [("@oidc", "Signing in with OpenID gives an id_token the client can verify")];
    SESSION_SURVIVES_LOGOUT = "session-survives-logout", "logging out shows the logged-out page but keeps the sign-in session",
        [&openid::OIDC_LOGOUT_ENDS_SESSION],
        [("@oidc", "After logging out, the session is gone")];
    USERINFO_IGNORES_SCOPE = "userinfo-ignores-scope", "userinfo answers for an access token without openid",
        [&identityserver::IS4_USERINFO_OPENID],
        [("@oidc", "IdentityServer's userinfo wants openid in the token")];
    // The token endpoint's reading of a request.
    BODY_CREDENTIALS_IGNORED = "body-credentials-ignored", "client credentials in the form body are not read",
        [&identityserver::IS4_BODY_CREDENTIALS],
        [("@client_credentials", "A token with the credentials in the body")];
    BODY_CREDENTIALS_FIRST = "body-credentials-first", "credentials in the body are read before a Basic secret",
        [&identityserver::IS4_BASIC_FIRST],
        [("@client_credentials", "With a Basic secret, body credentials are ignored")];
    MALFORMED_BASIC_INVALID_REQUEST = "malformed-basic-invalid-request", "a malformed Basic header is answered invalid_request",
        [&identityserver::IS4_MALFORMED_BASIC],
        [("@client_credentials", "IdentityServer calls a malformed Basic header invalid_client")];
    BASIC_NOT_DECODED = "basic-not-decoded", "Basic credentials are compared without form-urldecoding them",
        [&oauth::RFC6749_BASIC_DECODING],
        [("@client_credentials", "A secret with reserved characters through RFC 6749 §2.3.1 encoding"), ("@client_credentials", "The server decodes Basic credentials, so an unencoded secret fails")];
    UNKNOWN_PARAMETER_REFUSED = "unknown-parameter-refused", "a token request with a parameter the server does not know is refused",
        [&oauth::RFC6749_UNKNOWN_PARAMS],
        [("@client_credentials", "Parameters the server does not know are ignored")];
    EMPTY_GRANT_INVALID_REQUEST = "empty-grant-invalid-request", "an empty grant_type is answered invalid_request",
        [&identityserver::IS4_EMPTY_GRANT],
        [("@client_credentials", "IdentityServer calls an empty grant type unsupported")];
    LAST_VALUE_COUNTS = "last-value-counts", "a repeated grant_type counts by its last value",
        [&identityserver::IS4_FIRST_VALUE],
        [("@client_credentials", "A repeated parameter counts by its first value")];
    TOKEN_WRONG_REQUEST_UNSUPPORTED = "token-wrong-request-unsupported", "a token request that is not a form post is answered unsupported_grant_type",
        [&identityserver::IS4_NOT_A_FORM],
        [("@client_credentials", "IdentityServer answers a request that is not a form post with invalid_request"), ("@client_credentials", "IdentityServer answers other methods with invalid_request")];
    GRANT_TYPE_ANY_CASE = "grant-type-any-case", "grant types are matched without regard to case",
        [&identityserver::IS4_GRANT_TYPE_EXACT],
        [("@client_credentials", "IdentityServer compares grant types exactly")];
    KNOWN_GRANT_UNSUPPORTED = "known-grant-unsupported", "a known grant type the client may not use is answered unsupported_grant_type",
        [&identityserver::IS4_KNOWN_GRANT_NOT_ALLOWED],
        [("@client_credentials", "IdentityServer refuses a known grant type the client may not use as unauthorized_client")];
    FORM_NOT_UTF8_FAILS = "form-not-utf8-fails", "a form value that is not UTF-8 is a server error",
        [&myid::MYID_FORM_UTF8],
        [("@client_credentials", "A form that is not UTF-8 is refused cleanly")];
    // Scope.
    SCOPE_POLICY_IGNORED = "scope-policy-ignored", "any scope asked for is granted, the client's allowed scopes or not",
        [&oauth::RFC6749_SCOPE_POLICY, &identityserver::IS4_INVALID_SCOPE],
        [("@client_credentials", "A scope the client may not have is refused or left out"), ("@client_credentials", "Scopes the client cannot have are invalid_scope")];
    FORBIDDEN_SCOPE_DROPPED = "forbidden-scope-dropped", "a scope the client may not have is left out of the grant instead of refused",
        [&identityserver::IS4_INVALID_SCOPE],
        [("@client_credentials", "Scopes the client cannot have are invalid_scope")];
    NO_SCOPE_NO_GRANT = "no-scope-no-grant", "a client-credentials request without a scope is refused",
        [&identityserver::IS4_DEFAULT_SCOPES],
        [("@client_credentials", "Without a scope the client gets all of its API scopes")];
    GRANTED_SCOPE_NAMES_RESOURCE = "granted-scope-names-resource", "the token response's scope names the API resource rather than the scope granted",
        [&identityserver::IS4_GRANTED_SCOPE],
        [("@client_credentials", "A token through HTTP Basic, as the manual shows it")];
    // The code flow.
    CODE_ANY_CLIENT = "code-any-client", "a code is exchanged by any client",
        [&oauth::RFC6749_CODE_CLIENT],
        [("@authorization_code", "A code is bound to the client it was issued to")];
    CODE_NEVER_EXPIRES = "code-never-expires", "an authorization code outlives its lifetime",
        [&oauth::RFC6749_CODE_LIFETIME],
        [("@authorization_code", "A code expires after its lifetime")];
    PKCE_DOWNGRADE_ACCEPTED = "pkce-downgrade-accepted", "a verifier sent for a code issued without a challenge is ignored",
        [&oauth::RFC9700_PKCE_DOWNGRADE],
        [("@authorization_code", "A verifier for a code issued without a challenge is refused (downgrade)")];
    FAILED_CODE_KEPT = "failed-code-kept", "a code survives an exchange refused for its redirect_uri",
        [&identityserver::IS4_CODE_BURNED],
        [("@authorization_code", "A failed redirect_uri check burns the code")];
    TOKEN_REDIRECT_URI_OPTIONAL = "token-redirect-uri-optional", "the code exchange does without the redirect_uri",
        [&identityserver::IS4_TOKEN_REDIRECT_URI_REQUIRED, &oauth::RFC6749_REDIRECT_URI_MATCH],
        [
            ("@authorization_code", "A missing redirect_uri is unauthorized_client, as IdentityServer answers"),
            ("@authorization_code", "A code exchange without the redirect_uri sent to authorize is refused"),
        ];
    REDIRECT_URI_OPTIONAL = "redirect-uri-optional", "authorize without a redirect_uri sends the user to the client's first registered one",
        [&identityserver::IS4_REDIRECT_URI_REQUIRED],
        [("@authorization_code", "IdentityServer requires the redirect_uri")];
    UNKNOWN_RESPONSE_TYPE_CODE = "unknown-response-type-code", "a missing or unknown response_type is taken for code",
        [&oauth::RFC6749_AUTHORIZE_ERROR],
        [("@authorization_code", "An invalid authorization request is refused")];
    SIGN_IN_ANY_PASSWORD = "sign-in-any-password", "the sign-in takes any password for a known user",
        [&oauth::RFC6749_AUTHENTICATE_OWNER],
        [("@authorization_code", "Without a successful sign-in there is no code")];
    CONSENT_NEVER_TAKEN = "consent-never-taken", "the user's consent is asked for again and again, never taken",
        [&identityserver::IS4_CONSENT],
        [("@authorization_code", "prompt=consent shows a consent page the user can pass")];
    MAX_AGE_IGNORED = "max-age-ignored", "an older sign-in is kept whatever max_age asks",
        [&openid::OIDC_MAX_AGE],
        [("@oidc", "max_age asks for a fresh sign-in, and the id_token says when it was")];
    // Refresh.
    OFFLINE_WITHOUT_REFRESH = "offline-without-refresh", "a grant with offline_access gets no refresh token",
        [&identityserver::IS4_REFRESH_OFFLINE],
        [("@refresh", "offline_access gives a refresh token (manual §4.4.3)")];
    SCOPE_DROPS_OFFLINE = "scope-drops-offline", "the granted scope leaves out offline_access",
        [&identityserver::IS4_GRANTED_OFFLINE],
        [("@refresh", "The granted scope names offline_access")];
    REFRESH_NOT_ROTATED = "refresh-not-rotated", "a refresh gives back the same refresh token",
        [&oauth::RFC9700_ROTATION],
        [("@refresh", "A refresh gives a new access token and a new refresh token")];
    REFRESH_ANY_CLIENT = "refresh-any-client", "a refresh token is used by any client",
        [&oauth::RFC6749_REFRESH_CLIENT],
        [("@refresh", "A refresh token is bound to its client")];
    REFRESH_NO_ID_TOKEN = "refresh-no-id-token", "a refresh of an OpenID grant brings no id_token",
        [&identityserver::IS4_REFRESH_ID_TOKEN],
        [("@oidc", "A refresh of an OpenID grant brings a new id_token")];
    REFRESH_REVOKES_ACCESS_TOKEN = "refresh-revokes-access-token", "a refresh revokes the access token issued before it",
        [&identityserver::IS4_REFRESH_KEEPS_ACCESS_TOKEN],
        [("@refresh", "The earlier access token stays valid after a refresh (manual §4.4.4)")];
    // Revocation and introspection.
    REVOKE_ANY_CLIENT = "revoke-any-client", "a client revokes another client's tokens",
        [&oauth::RFC7009_CLIENT_BINDING],
        [("@revocation", "Another client cannot revoke a client's tokens")];
    REVOCATION_NEEDS_HINT = "revocation-needs-hint", "without a hint only access tokens are looked for",
        [&oauth::RFC7009_NO_HINT],
        [("@revocation", "Without a hint the server finds the refresh token")];
    REVOKE_UNKNOWN_REFUSED = "revoke-unknown-refused", "revoking a token the server does not know is refused",
        [&oauth::RFC7009_OK],
        [("@revocation", "An unknown token is answered with success (RFC 7009 §2.2)")];
    UNKNOWN_HINT_IGNORED = "unknown-hint-ignored", "an unknown token_type_hint is ignored",
        [&identityserver::IS4_REVOCATION_HINT],
        [("@revocation", "IdentityServer refuses an unknown hint")];
    REVOCATION_WRONG_REQUEST_400 = "revocation-wrong-request-400", "a revocation request that is not a form post is answered 400",
        [&identityserver::IS4_REVOCATION_FORM],
        [("@revocation", "Revocation takes only form posts")];
    INTROSPECTION_OPEN = "introspection-open", "introspection answers callers that do not authenticate",
        [&oauth::RFC7662_CALLER],
        [("@introspection", "The endpoint answers only callers that authenticate (RFC 7662 §2.1)")];
    INTROSPECTION_NEVER_ACTIVE = "introspection-never-active", "introspection calls every token inactive",
        [&oauth::RFC7662_ACTIVE],
        [("@introspection", "A fresh access token is active")];
    INTROSPECTION_ALWAYS_ACTIVE = "introspection-always-active", "introspection calls any token active",
        [&oauth::RFC7662_INACTIVE],
        [("@introspection", "A token the server never issued is inactive (RFC 7662 §2.2)")];
    // Userinfo.
    USERINFO_WRONG_SUB = "userinfo-wrong-sub", "userinfo names the user by its username, not its subject",
        [&openid::OIDC_USERINFO_SUB],
        [("@oidc", "Userinfo answers for the id_token's subject")];
    USERINFO_NAME_MISSING = "userinfo-name-missing", "userinfo leaves out the name the profile scope asks for",
        [&myid::ASSUMED_USERINFO_NAME],
        [("@oidc", "With profile, userinfo gives the signed-in person's name")];
    // Discovery.
    DISCOVERY_ANY_METHOD = "discovery-any-method", "discovery answers POST as GET",
        [&identityserver::IS4_DISCOVERY_GET_ONLY],
        [("@discovery", "Discovery answers GET only")];
    PATHS_CASE_SENSITIVE = "paths-case-sensitive", "the discovery path is matched with regard to letter case",
        [&identityserver::IS4_PATH_CASE],
        [("@discovery", "Endpoint paths are matched without regard to letter case")];
    API_SCOPE_UNPUBLISHED = "api-scope-unpublished", "discovery does not list the API's scope",
        [&myid::MYID_API_SCOPE_PUBLISHED],
        [("@discovery", "MyID publishes its API scope")];
    // The operation grant (manual §6).
    OPERATION_CLAIMS_MISSING = "operation-claims-missing", "an operation token does not name its operation or target",
        [&myid::MYID_OPERATION],
        [("@operation", "An operation token for one device (manual §6.1)")];
    OPERATION_FIRST_TARGET = "operation-first-target", "an operation request naming several targets is served for the first",
        [&myid::MYID_OPERATION_REFUSALS],
        [("@operation", "Exactly one target")];
    OPERATION_LONG_LIVED = "operation-long-lived", "an operation token lives an hour",
        [&myid::ASSUMED_OPERATION_LIFETIME],
        [("@operation", "An operation token for one device (manual §6.1)")];
    NO_CLOCK_SKEW = "no-clock-skew", "a token is refused the second it expires, with no clock skew",
        [&myid::ASSUMED_CLOCK_SKEW],
        [("@authentication", "ASP.NET's five minutes of clock skew still accept a just-expired token"), ("@operation", "A token just past its lifetime still buys an operation within the clock skew")];
    // The Core API.
    API_TOKEN_SCOPE_UNCHECKED = "api-token-scope-unchecked", "the Core API takes a token without its audience and scope",
        [&myid::MYID_SIGNED_IN_USER],
        [("@users", "A sign-in without the API's scope buys nothing there (manual §4.2)")];
    NOT_FOUND_400 = "not-found-400", "WS40005 is answered 400 instead of 404",
        [&myid::ASSUMED_WS_STATUS],
        [("@errors", "A group that does not exist is WS40005")];
    AUDIT_DROPS_IDENTIFIER = "audit-drops-identifier", "the audit does not record the client identifier",
        [&myid::ASSUMED_AUDIT_COLUMNS],
        [("@paging", "An identifier sent with an API call is recorded for that call (290015)")];
    ANY_MEDIA_TYPE = "any-media-type", "a body of any media type is read as JSON",
        [&myid::MYID_UNSUPPORTED_MEDIA],
        [("@errors", "A body that is not JSON at all is 415")];
    PATCH_REPLACES_OBJECTS = "patch-replaces-objects", "PATCH replaces an object's stored attributes with the ones sent",
        [&myid::MYID_PATCH],
        [("@mutating", "PATCH ignores attributes MyID does not know, with 200")];
    LOGON_SEARCH_BLIND = "logon-search-blind", "a search by logonName finds nobody",
        [&myid::MYID_WORKED_EXAMPLE],
        [("@mutating", "Groups, then add, find and rename a person (manual §8.7–8.9)")];
    PERSON_REQUESTS_EMPTY = "person-requests-empty", "a person's requests list is always empty",
        [&myid::MYID_REQUESTS],
        [("@requests", "Request a device and follow the request (manual §8.11–8.13)")];
    REQUEST_AWAITING_VALIDATION = "request-awaiting-validation", "a new request waits for validation, not for issue",
        [&myid::ASSUMED_REQUEST_STATUS],
        [("@requests", "Request a device and follow the request (manual §8.11–8.13)")];
    DEVICE_REQUESTS_ALL = "device-requests-all", "a device's requests list every request",
        [&myid::MYID_DEVICES],
        [("@requests", "A completed request shows its device, and the device its requests")];
    HREF_SINGULAR = "href-singular", "a group's href names the collection in the singular",
        [&myid::MYID_LINKS],
        [("@links", "A group's href reads the group")];
    SWAGGER_MISSING = "swagger-missing", "the OpenAPI document is not served",
        [&myid::MYID_DOCUMENTATION],
        [("@documentation", "The OpenAPI document is served")];
}

/// Fault `absolute-ignored`: a refresh slides the chain on by the sliding lifetime
/// with no absolute cap. A fault's arithmetic is kept here, with the catalogue, rather
/// than in the decision code: it is the self-test's instrument, and cargo-mutants
/// (which mutates the decision code) need not prove how far a fault breaks a rule,
/// only the self-test that it does.
pub fn absolute_ignored_lifetime(
    client: &crate::mock::config::Client,
    record: &crate::mock::store::RefreshRecord,
    now: i64,
) -> i64 {
    now - record.created + client.sliding_refresh_token_lifetime
}

/// Fault `code-never-expires`: a code kept (and good) for a year.
pub const CODE_NEVER_EXPIRES_LIFETIME: i64 = 365 * 24 * 3600;

/// Fault `refresh-never-expires`: a refresh token's lifetime under it, a century.
pub const REFRESH_NEVER_EXPIRES_LIFETIME: i64 = 100 * 365 * 86_400;

/// Fault `operation-long-lived`: an operation token's lifetime under it, an hour.
pub const OPERATION_LONG_LIVED_LIFETIME: i64 = 3600;

/// Fault `operation-long-lived`: when an operation token valid from `nbf` expires.
pub fn operation_long_lived_exp(nbf: i64) -> i64 {
    nbf + OPERATION_LONG_LIVED_LIFETIME
}

/// Fault `expires-in-mismatch`: the `expires_in` a token response states, a minute
/// longer than the token lives.
pub fn mismatched_expires_in(expires_in: i64) -> i64 {
    expires_in + 60
}

/// Faults `paging-duplicates` and `paging-drops`: a page after the first starts a row
/// early, repeating the last row of the page before, or a row late, dropping one.
pub fn shifted_page_start(
    state: &crate::mock::state::AppState,
    page: usize,
    start: usize,
) -> usize {
    let mut start = start;
    if page > 1 && state.fault(&PAGING_DUPLICATES) {
        start -= 1;
    }
    if page > 1 && state.fault(&PAGING_DROPS) {
        start += 1;
    }
    start
}
