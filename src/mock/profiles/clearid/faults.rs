//! ClearId's faults: its service broken one way each, for the self-test to catch.

use crate::protocol::rules::{clearid, oauth};

crate::mock::faults::faults! { "clearid";
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
    ANY_SECRET = "clearid-any-secret", "a client authenticates with any secret",
        [&oauth::RFC6749_CLIENT_AUTHENTICATION],
        [("@clearid", "A wrong secret is refused")];
    BODY_SECRET_REFUSED = "clearid-body-secret-refused", "a secret in the body, as ClearID's samples send it, is not read",
        [&clearid::CLEARID_SECRET_IN_BODY],
        [("@clearid", "A token as ClearID's samples show it")];
    ISSUER_IGNORED = "clearid-issuer-ignored", "an assertion issued by someone other than the client is accepted",
        [&oauth::RFC7523_ISSUER],
        [("@clearid", "An assertion issued by someone else is refused")];
    ASSERTION_REPLAYABLE = "clearid-assertion-replayable", "an assertion can be used again",
        [&clearid::ASSUMED_CLEARID_ASSERTION_ONCE],
        [("@clearid", "An assertion works once")];
    MISSING_GRANT_INVALID_REQUEST = "clearid-missing-grant-invalid-request", "a request without a grant type is answered invalid_request",
        [&clearid::ASSUMED_CLEARID_MISSING_GRANT],
        [("@clearid", "A request without a grant type is unsupported_grant_type")];
    IDENTITIES_OPEN = "clearid-identities-open", "the Identity Service answers without a token",
        [&clearid::CLEARID_IDENTITIES],
        [("@clearid", "The Identity Service asks for a token")];
    ANY_ACCOUNT = "clearid-any-account", "a token reaches any account's identities",
        [&clearid::ASSUMED_CLEARID_OTHER_ACCOUNT],
        [("@clearid", "Another account's identities are out of reach")];
}
