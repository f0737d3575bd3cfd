//! Jim2's help (Happen Business), shipped with Jim2: its token endpoint and licence
//! pool, and what the mock assumed where the help is silent.

use super::{Doc, Document, rules};

/// Jim2's help, which comes with Jim2 (no public link).
pub static HELP: Document = Document {
    key: "jim2",
    title: "Jim2 help",
    url: None,
};

rules! { Doc::Product(&HELP);
    JIM2_TOKEN = "Jim2-token", "token", Must,
        "A client-credentials request with the CardFile user's id and password, by Basic or in the body, gets an access token and a refresh token";
    JIM2_GRANT = "Jim2-token-grant", "token", Must,
        "Only the client credentials grant is served";
    JIM2_LICENCE = "Jim2-token-licence", "token", Must,
        "A token with any scope but view takes a licence; with none free the authentication fails";
    JIM2_VIEW = "Jim2-token-view", "token", Must,
        "A view token needs no licence";
    JIM2_SESSION = "Jim2-token-session", "token", Must,
        "A licence is held while the session lives: 20 minutes from the client's latest token request, which takes no second licence and extends the session";
    JIM2_LOGOFF = "Jim2-logoff", "logoff", Must,
        "logoff releases the session's licence";
}

/// What the mock decided where Jim2's help is silent.
pub mod assumed {
    use super::super::{Doc, rules};
    use super::HELP;
    rules! { Doc::Assumed(&HELP);
        ASSUMED_JIM2_LICENCE_ERROR = "assumed-Jim2-licence-error", "no licence free", Must,
            "A refusal for want of a licence is invalid_grant";
        ASSUMED_JIM2_LOGOFF_ENDS_TOKENS = "assumed-Jim2-logoff-ends-tokens", "logoff", Must,
            "After logoff the session's access token is refused (401)";
        ASSUMED_JIM2_ACCESS_LIFETIME = "assumed-Jim2-access-lifetime", "access token lifetime", Must,
            "An access token outlives a minute (the OWIN server's default is 20 minutes), so a holder may log off later";
    }
}

pub use assumed::*;

/// Every Jim2 rule.
pub static ALL: &[&[&super::Rule]] = &[RULES, assumed::RULES];
