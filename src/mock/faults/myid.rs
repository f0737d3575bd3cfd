//! MyID's faults: its auth server (IdentityServer4 underneath) and its Core API broken
//! one way each, and the arithmetic of the faults that bend a number.

use crate::mock::profiles::Profile;
use crate::protocol::rules::{identityserver, myid, oauth, openid};

super::faults! { Profile::Myid;
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
    ISSUER_TRAILING_SLASH = "issuer-trailing-slash", "the discovery issuer has a trailing slash",
        [&oauth::RFC8414_ISSUER],
        [("@discovery", "The discovery document describes the auth server")];
    CORS_ANY_ORIGIN = "cors-any-origin", "every origin is allowed by CORS",
        [&identityserver::IS4_CORS_POLICY],
        [("@cors", "Other origins are not allowed")];
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
