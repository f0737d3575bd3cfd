//! ClearId's faults: its service broken one way each, for the self-test to catch.

use crate::mock::profiles::Profile;
use crate::protocol::rules::{clearid, oauth};

crate::mock::faults::faults! { Profile::ClearId;
    // Genetec ClearID (`serve --profile clearid`): caught by the scenarios tagged @clearid.
    ASSERTION_UNVERIFIED = "clearid-assertion-unverified", "a jwt-bearer assertion is accepted without checking its signature",
        [&oauth::RFC7523_SIGNATURE],
        [("@clearid", "An assertion signed with another key is refused")];
    AUDIENCE_IGNORED = "clearid-audience-ignored", "an assertion naming another audience is accepted",
        [&oauth::RFC7523_AUDIENCE],
        [("@clearid", "An assertion for another audience is refused")];
    EXPIRED_ASSERTION = "clearid-expired-assertion", "an expired assertion is accepted",
        [&oauth::RFC7523_EXPIRY],
        [("@clearid", "An expired assertion is refused")];
    SIGNS_RS256 = "clearid-signs-rs256", "access tokens are signed RS256 instead of ClearID's RS512",
        [&clearid::CLEARID_ALG],
        [("@clearid", "A token as ClearID's samples show it")];
}
