//! Recorded proofs of the rules that reach the OpenID conformance suite's plans and RFC
//! 9700: metadata values, id_token headers, credentials' strength, what the browser
//! is shown. Each is what a broken server answered beside what a correct one does.

use serde_json::json;

use super::Replay;
use super::{access_token, jwt};
use crate::harness::checks::{
    browser, entropy, jwt as jwt_checks, metadata, oidc, session, userinfo,
};
use crate::harness::flow::PageSeen;

/// The recorded proofs of the reach's rules.
pub static REPLAYS: &[Replay] = &[
    // The Config OP plan's value checks.
    Replay {
        what: "metadata whose subject_types_supported names a type OpenID does not define",
        broken: || metadata::subject_types_values(&json!({"subject_types_supported": ["global"]})),
        correct: || metadata::subject_types_values(&json!({"subject_types_supported": ["public"]})),
    },
    Replay {
        what: "metadata offering ES256 alone for id_tokens",
        broken: || {
            metadata::default_alg_offered(
                &json!({"id_token_signing_alg_values_supported": ["ES256"]}),
            )
        },
        correct: || {
            metadata::default_alg_offered(
                &json!({"id_token_signing_alg_values_supported": ["ES256", "RS256"]}),
            )
        },
    },
    Replay {
        what: "metadata listing its scopes without openid",
        broken: || {
            metadata::openid_scope_listed(&json!({"scopes_supported": ["profile", "email"]}))
        },
        correct: || {
            metadata::openid_scope_listed(&json!({"scopes_supported": ["openid", "profile"]}))
        },
    },
    Replay {
        what: "metadata with a relative token endpoint and a flag written as a string",
        broken: || {
            metadata::member_types(
                &json!({"issuer": "https://op", "token_endpoint": "/token", "claims_parameter_supported": "false"}),
            )
        },
        correct: || {
            metadata::member_types(
                &json!({"issuer": "https://op", "token_endpoint": "https://op/token", "claims_parameter_supported": false}),
            )
        },
    },
    Replay {
        what: "metadata under an https issuer naming an http token endpoint",
        broken: || {
            metadata::https_throughout(
                &json!({"issuer": "https://op", "token_endpoint": "http://op/token"}),
            )
        },
        correct: || {
            metadata::https_throughout(
                &json!({"issuer": "https://op", "token_endpoint": "https://op/token"}),
            )
        },
    },
    Replay {
        what: "an id_token without kid from a server publishing two keys",
        broken: || {
            oidc::id_token_kid(
                &jwt(json!({"alg": "RS256"}), json!({"sub": "s"})),
                &json!({"keys": [{"kid": "a"}, {"kid": "b"}]}),
            )
        },
        correct: || {
            oidc::id_token_kid(
                &jwt(json!({"alg": "RS256", "kid": "a"}), json!({"sub": "s"})),
                &json!({"keys": [{"kid": "a"}, {"kid": "b"}]}),
            )
        },
    },
    Replay {
        what: "an id_token signed with PS256 for a client that registered no algorithm",
        broken: || {
            oidc::id_token_default_alg(&jwt(
                json!({"alg": "PS256", "kid": "a"}),
                json!({"sub": "s"}),
            ))
        },
        correct: || {
            oidc::id_token_default_alg(&jwt(
                json!({"alg": "RS256", "kid": "a"}),
                json!({"sub": "s"}),
            ))
        },
    },
    Replay {
        what: "an access token whose aud is the granted scopes joined by spaces",
        broken: || {
            jwt_checks::aud_includes(
                &access_token(json!({"aud": "myid.rest myid.rest.basic openid"})),
                Some("myid.rest"),
            )
        },
        correct: || {
            jwt_checks::aud_includes(
                &access_token(json!({"aud": ["myid.rest", "https://op/resources"]})),
                Some("myid.rest"),
            )
        },
    },
    Replay {
        what: "a refresh token holding a character outside VSCHAR",
        broken: || entropy::refresh_token_vschar("8f2c1e9a7b3d5f6e\u{e9}4a0c2b8d6f1e3a5c7"),
        correct: || entropy::refresh_token_vschar("8f2c1e9a7b3d5f6e4a0c2b8d6f1e3a5c7"),
    },
    Replay {
        what: "userinfo whose email_verified is the string \"true\" and updated_at a date",
        broken: || {
            userinfo::standard_claim_types(Some(
                &json!({"sub": "s", "email_verified": "true", "updated_at": "2024-01-01"}),
            ))
        },
        correct: || {
            userinfo::standard_claim_types(Some(
                &json!({"sub": "s", "email_verified": true, "updated_at": 1704067200}),
            ))
        },
    },
    Replay {
        what: "a sign-in form answered 302, and one answered 303",
        broken: || browser::post_see_other(&[posted(302)]),
        correct: || browser::post_see_other(&[posted(303)]),
    },
    Replay {
        what: "prompt=none answered with the sign-in form although the session is current",
        broken: || {
            session::nothing_shown(&[PageSeen {
                url: "https://op/login".into(),
                status: 200,
                html: true,
                ..PageSeen::default()
            }])
        },
        correct: || {
            session::nothing_shown(&[PageSeen {
                url: "https://op/authorize".into(),
                status: 302,
                ..PageSeen::default()
            }])
        },
    },
];

/// A form of the sign-in posted, answered with `status`.
fn posted(status: u16) -> PageSeen {
    PageSeen {
        url: "https://op/login".into(),
        posted: true,
        status,
        ..PageSeen::default()
    }
}
