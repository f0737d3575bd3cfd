//! BeyondIdentity's faults: its service broken one way each, for the self-test to catch.

use crate::protocol::rules::beyond_identity;

crate::mock::faults::faults! { "beyond-identity";
    // Beyond Identity (`serve --profile beyond-identity`): caught by @beyond_identity.
    CUSTOM_CLAIMS_DROPPED = "bi-custom-claims-dropped", "custom_claims never reach the token as bi_custom",
        [&beyond_identity::BI_CUSTOM_CLAIMS],
        [("@beyond_identity", "Custom claims travel as bi_custom")];
    EXPIRATION_IGNORED = "bi-expiration-ignored", "expiration_time is ignored: tokens live the application's Expires",
        [&beyond_identity::BI_EXPIRATION_TIME],
        [("@beyond_identity", "expiration_time shortens the token's life")];
    REVOKED_STILL_ACTIVE = "bi-revoked-still-active", "introspection reports a revoked token active",
        [&beyond_identity::BI_INTROSPECTION],
        [("@beyond_identity", "A revoked token introspects as inactive")];
    PUBLIC_WITHOUT_PKCE = "bi-public-without-pkce", "a public application gets a code, and tokens for it, without PKCE",
        [&beyond_identity::BI_PKCE_PUBLIC],
        [("@beyond_identity", "A public application cannot sign in without PKCE")];
    ROTATION_IGNORED = "bi-rotation-ignored", "with Rotate on, a used refresh token still works",
        [&beyond_identity::BI_REFRESH_ROTATE],
        [("@beyond_identity", "With rotation on, a used refresh token is spent")];
    REFRESH_WHEN_DISABLED = "bi-refresh-when-disabled", "an application without refresh tokens enabled is given one",
        [&beyond_identity::BI_REFRESH_ENABLED],
        [("@beyond_identity", "No refresh token for an application that has not enabled them")];
    NO_ID_TOKEN = "bi-no-id-token", "an OIDC application's code exchange with openid returns no id_token",
        [&beyond_identity::BI_ID_TOKEN],
        [("@beyond_identity", "An OIDC application's code flow, as BI's docs show it")];
    LIFETIME_HOUR = "bi-lifetime-hour", "tokens live an hour, not the application's Expires",
        [&beyond_identity::BI_LIFETIME],
        [("@beyond_identity", "A token as Beyond Identity's docs show it")];
    NO_SCOPE_NO_GRANT = "bi-no-scope-no-grant", "a client-credentials request without a scope is granted none",
        [&beyond_identity::BI_CLIENT_CREDENTIALS],
        [("@beyond_identity", "Without a scope the application gets every allowed scope")];
    BODY_CREDENTIALS_REFUSED = "bi-body-credentials-refused", "a confidential application cannot authenticate in the body",
        [&beyond_identity::BI_CODE_FLOW],
        [("@beyond_identity", "A confidential application may authenticate in the body instead")];
    DISCOVERY_TENANT_ISSUER = "bi-discovery-tenant-issuer", "discovery names the realm as issuer, not the application",
        [&beyond_identity::BI_DISCOVERY],
        [("@beyond_identity", "The application's discovery document describes the code flow")];
    REFRESH_FOREVER = "bi-refresh-forever", "a refresh chain outlives the application's absolute duration",
        [&beyond_identity::BI_REFRESH_ABSOLUTE],
        [("@beyond_identity", "No refresh past the application's absolute duration")];
    REVOKE_BY_APPLICATION = "bi-revoke-by-application", "an OIDC application revokes with its own credentials",
        [&beyond_identity::BI_REVOKE],
        [("@beyond_identity", "An OIDC application's token is revoked with a Management API token")];
    CODE_SECOND_LATE = "bi-code-second-late", "a code is still taken on the second its lifetime ends",
        [&beyond_identity::ASSUMED_BI_CODE_LIFETIME],
        [("@beyond_identity", "A code is refused on the second its lifetime ends")];
    EXPIRATION_CLAMPED = "bi-expiration-clamped", "an expiration_time out of range is brought within it instead of refused",
        [&beyond_identity::ASSUMED_BI_EXPIRATION_ERROR],
        [("@beyond_identity", "An expiration_time that is not seconds within the application's Expires is refused")];
    ID_TOKEN_ALWAYS = "bi-id-token-always", "an OIDC application's code brings an id_token without openid",
        [&beyond_identity::ASSUMED_BI_NO_ID_TOKEN],
        [("@beyond_identity", "Without openid there is no id_token")];
    PLAIN_AS_S256 = "bi-plain-as-s256", "a plain challenge is checked as S256",
        [&beyond_identity::ASSUMED_BI_PLAIN_PKCE],
        [("@beyond_identity", "A plain challenge is met by the verifier itself")];
    REFRESH_INTROSPECTS_INACTIVE = "bi-refresh-introspects-inactive", "a live refresh token introspects as inactive",
        [&beyond_identity::ASSUMED_BI_REFRESH_INTROSPECTION],
        [("@beyond_identity", "A refresh token introspects as active until rotation spends it")];
    REPLAY_KEEPS_CHAIN = "bi-replay-keeps-chain", "replaying a spent refresh token leaves its chain alive",
        [&beyond_identity::ASSUMED_BI_REPLAY_ENDS_CHAIN],
        [("@beyond_identity", "Replaying a spent refresh token ends its chain")];
    USERINFO_ANY_TOKEN = "bi-userinfo-any-token", "userinfo answers for any token of the realm, an application's too",
        [&beyond_identity::ASSUMED_BI_USERINFO],
        [("@beyond_identity", "Userinfo is for a signed-in user's token, not an application's")];
}

/// Fault `bi-refresh-forever`: how long a refresh chain lasts under it, ten years.
pub const REFRESH_FOREVER_DURATION: i64 = 10 * 365 * 86400;
