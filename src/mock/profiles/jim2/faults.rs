//! Jim2's faults: its service broken one way each, for the self-test to catch.

use crate::mock::profiles::Profile;
use crate::protocol::rules::jim2;

crate::mock::faults::faults! { Profile::Jim2;
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
}
