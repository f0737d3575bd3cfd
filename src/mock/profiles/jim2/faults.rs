//! Jim2's faults: its service broken one way each, for the self-test to catch.

use crate::protocol::rules::jim2;

crate::mock::faults::faults! { "jim2";
    LICENCE_NOT_RELEASED = "jim2-licence-not-released", "logoff ends the tokens but keeps the licence held",
        [&jim2::JIM2_LOGOFF],
        [("@jim2", "Logging off gives the licence back")];
    VIEW_TAKES_LICENCE = "jim2-view-takes-licence", "a token with scope view alone takes a licence",
        [&jim2::JIM2_VIEW],
        [("@jim2", "A view token needs no licence")];
    POOL_UNBOUNDED = "jim2-pool-unbounded", "full-access tokens are issued however many licences are held",
        [&jim2::JIM2_LICENCE],
        [("@jim2", "With every licence held, a full-access token is refused")];
    SESSION_NOT_SLIDING = "jim2-session-not-sliding", "a new token request does not extend the licensed session",
        [&jim2::JIM2_SESSION],
        [("@jim2", "Each token request extends the licensed session")];
    NO_REFRESH_TOKEN = "jim2-no-refresh-token", "a token comes without the refresh token that carries the session",
        [&jim2::JIM2_TOKEN],
        [("@jim2", "The C# sample's request gets a token")];
    ANY_GRANT = "jim2-any-grant", "every grant type is served as client credentials",
        [&jim2::JIM2_GRANT],
        [("@jim2", "Only the client credentials grant is served")];
    TOKEN_SHORT_LIVED = "jim2-token-short-lived", "an access token lives a minute, so a holder cannot log off after it",
        [&jim2::ASSUMED_JIM2_ACCESS_LIFETIME],
        [("@jim2", "A holder may log off a minute later")];
    LICENCE_ERROR_ACCESS_DENIED = "jim2-licence-error-access-denied", "a refusal for want of a licence names access_denied",
        [&jim2::ASSUMED_JIM2_LICENCE_ERROR],
        [("@jim2", "A refusal for want of a licence names invalid_grant")];
    LOGOFF_KEEPS_TOKENS = "jim2-logoff-keeps-tokens", "logoff gives the licence back but leaves the session's tokens usable",
        [&jim2::ASSUMED_JIM2_LOGOFF_ENDS_TOKENS],
        [("@jim2", "A logged-off session's token is no longer accepted")];
}
