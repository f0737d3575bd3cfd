//! BeyondIdentity's faults: its service broken one way each, for the self-test to catch.

use crate::mock::profiles::Profile;
use crate::protocol::rules::beyond_identity;

crate::mock::faults::faults! { Profile::BeyondIdentity;
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
}
