//! Checks on the values of the metadata, not only its members (the OpenID conformance
//! suite's Config OP plan): response types that are response types, the subject types
//! and algorithms OpenID Discovery fixes, `openid` among the scopes, members of the
//! types RFC 8414 §2 gives, and `https` throughout when the issuer is.

use serde_json::Value;

use super::Check;
use super::discovery::uses_authorization_endpoint;
use crate::protocol::rules::oauth::{RFC8414_HTTPS, RFC8414_MEMBER_TYPES, RFC8414_RESPONSE_TYPES};
use crate::protocol::rules::openid::{
    OIDC_DISCOVERY_OPENID_SCOPE, OIDC_DISCOVERY_RS256, OIDC_DISCOVERY_SUBJECT_TYPES,
};

/// The members RFC 8414 §2 and OpenID Discovery §3 give as URLs.
const URL_MEMBERS: &[&str] = &[
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "registration_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "end_session_endpoint",
    "check_session_iframe",
    "device_authorization_endpoint",
    "pushed_authorization_request_endpoint",
    "service_documentation",
    "op_policy_uri",
    "op_tos_uri",
];

/// The members given as booleans.
const FLAG_MEMBERS: &[&str] = &[
    "claims_parameter_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    "require_request_uri_registration",
    "frontchannel_logout_supported",
    "frontchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_logout_session_supported",
    "authorization_response_iss_parameter_supported",
];

/// The parts a response type is made of (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response
/// Type Encoding Practices §3–§5).
const RESPONSE_TYPE_PARTS: &[&str] = &["code", "token", "id_token", "none"];

fn strings(doc: &Value, member: &str) -> Option<Vec<String>> {
    doc.get(member)?.as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

/// `response_types_supported` holds response types, not grant types (a flaw seen on
/// real servers: `authorization_code` listed there), and `code` when a grant uses the
/// authorization endpoint.
pub fn response_types_values(doc: &Value) -> Check {
    const NAME: &str = "response_types_values";
    let Some(types) = strings(doc, "response_types_supported") else {
        return Check::unjudged(
            NAME,
            &RFC8414_RESPONSE_TYPES,
            "no response_types_supported list: judged by required_members",
        );
    };
    let strays: Vec<&String> = types
        .iter()
        .filter(|t| t.is_empty() || !t.split(' ').all(|part| RESPONSE_TYPE_PARTS.contains(&part)))
        .collect();
    let code_missing = uses_authorization_endpoint(doc) && !types.iter().any(|t| t == "code");
    let mut problems = Vec::new();
    if !strays.is_empty() {
        problems.push(format!(
            "not response types: {}",
            strays
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if code_missing {
        problems.push("the code grant is served but 'code' is not listed".to_owned());
    }
    Check::expect(
        NAME,
        &RFC8414_RESPONSE_TYPES,
        problems.is_empty(),
        types.join(", "),
        || format!("response_types_supported: {}", problems.join("; ")),
    )
}

/// `subject_types_supported` names only `public` and `pairwise`, at least one.
pub fn subject_types_values(doc: &Value) -> Check {
    const NAME: &str = "subject_types_values";
    let Some(types) = strings(doc, "subject_types_supported") else {
        return Check::unjudged(
            NAME,
            &OIDC_DISCOVERY_SUBJECT_TYPES,
            "no subject_types_supported list: judged by required_members",
        );
    };
    let ok = !types.is_empty() && types.iter().all(|t| t == "public" || t == "pairwise");
    Check::expect(
        NAME,
        &OIDC_DISCOVERY_SUBJECT_TYPES,
        ok,
        types.join(", "),
        || format!("subject_types_supported must list public or pairwise only, got {types:?}"),
    )
}

/// `id_token_signing_alg_values_supported` includes RS256.
pub fn default_alg_offered(doc: &Value) -> Check {
    const NAME: &str = "default_alg_offered";
    let Some(algs) = strings(doc, "id_token_signing_alg_values_supported") else {
        return Check::unjudged(
            NAME,
            &OIDC_DISCOVERY_RS256,
            "no id_token_signing_alg_values_supported list: judged by required_members",
        );
    };
    Check::expect(
        NAME,
        &OIDC_DISCOVERY_RS256,
        algs.iter().any(|a| a == "RS256"),
        algs.join(", "),
        || format!("id_token_signing_alg_values_supported lacks RS256: {algs:?}"),
    )
}

/// `scopes_supported`, when the server lists its scopes, includes `openid`.
pub fn openid_scope_listed(doc: &Value) -> Check {
    const NAME: &str = "openid_scope_listed";
    let Some(scopes) = strings(doc, "scopes_supported") else {
        return Check::unjudged(
            NAME,
            &OIDC_DISCOVERY_OPENID_SCOPE,
            "no scopes_supported: it is only recommended",
        );
    };
    Check::expect(
        NAME,
        &OIDC_DISCOVERY_OPENID_SCOPE,
        scopes.iter().any(|s| s == "openid"),
        "openid listed",
        || format!("scopes_supported lacks openid: {scopes:?}"),
    )
}

/// Each member the two specifications type has that type: URLs are absolute URL
/// strings, `*_supported` lists are arrays of strings, flags are booleans.
pub fn member_types(doc: &Value) -> Check {
    const NAME: &str = "member_types";
    let Some(members) = doc.as_object() else {
        return Check::unjudged(NAME, &RFC8414_MEMBER_TYPES, "not a JSON object");
    };
    let mut problems = Vec::new();
    for (key, value) in members {
        if URL_MEMBERS.contains(&key.as_str()) {
            let absolute = value
                .as_str()
                .and_then(|s| reqwest::Url::parse(s).ok())
                .is_some_and(|u| u.has_host());
            if !absolute {
                problems.push(format!("{key} is not an absolute URL: {value}"));
            }
        } else if FLAG_MEMBERS.contains(&key.as_str()) {
            if !value.is_boolean() {
                problems.push(format!("{key} is not a boolean: {value}"));
            }
        } else if key.ends_with("_supported")
            && !value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string))
        {
            problems.push(format!("{key} is not an array of strings: {value}"));
        }
    }
    Check::expect(
        NAME,
        &RFC8414_MEMBER_TYPES,
        problems.is_empty(),
        format!("{} members", members.len()),
        || problems.join("; "),
    )
}

/// Under an `https` issuer, every URL the metadata names is `https`. A document served
/// over plain `http` (a test setup) leaves the rule unjudged: there TLS is not claimed.
pub fn https_throughout(doc: &Value) -> Check {
    const NAME: &str = "https_throughout";
    let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    if !issuer.to_ascii_lowercase().starts_with("https://") {
        return Check::unjudged(
            NAME,
            &RFC8414_HTTPS,
            "the issuer is not https: a test setup, where TLS is not claimed",
        );
    }
    let plain: Vec<String> = URL_MEMBERS
        .iter()
        .filter_map(|m| Some((*m, doc.get(*m)?.as_str()?)))
        .filter(|(_, u)| !u.to_ascii_lowercase().starts_with("https://"))
        .map(|(m, u)| format!("{m} = {u}"))
        .collect();
    Check::expect(NAME, &RFC8414_HTTPS, plain.is_empty(), "all https", || {
        format!("not https under an https issuer: {}", plain.join("; "))
    })
}

/// Every value check of the metadata.
pub fn values(doc: &Value) -> [Check; 6] {
    [
        response_types_values(doc),
        subject_types_values(doc),
        default_alg_offered(doc),
        openid_scope_listed(doc),
        member_types(doc),
        https_throughout(doc),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_types_are_not_grant_types() {
        let good = json!({"response_types_supported": ["code", "code id_token", "none"]});
        assert!(response_types_values(&good).passed());
        let grants = json!({"response_types_supported": ["authorization_code", "refresh_token"]});
        assert!(response_types_values(&grants).broken());
        let no_code = json!({"response_types_supported": ["token"]});
        assert!(response_types_values(&no_code).broken());
        let cc_only = json!({"response_types_supported": ["token"], "grant_types_supported": ["client_credentials"]});
        assert!(response_types_values(&cc_only).passed());
    }

    #[test]
    fn openid_values() {
        assert!(subject_types_values(&json!({"subject_types_supported": ["public"]})).passed());
        assert!(subject_types_values(&json!({"subject_types_supported": []})).broken());
        assert!(subject_types_values(&json!({"subject_types_supported": ["open"]})).broken());
        assert!(
            default_alg_offered(&json!({"id_token_signing_alg_values_supported": ["ES256"]}))
                .broken()
        );
        assert!(openid_scope_listed(&json!({"scopes_supported": ["profile"]})).broken());
        let unlisted = openid_scope_listed(&json!({}));
        assert!(!unlisted.passed() && !unlisted.broken());
    }

    #[test]
    fn types_and_tls() {
        let good = json!({"issuer": "https://h/x", "token_endpoint": "https://h/x/t",
            "scopes_supported": ["openid"], "request_parameter_supported": true});
        assert!(member_types(&good).passed());
        assert!(https_throughout(&good).passed());
        assert!(member_types(&json!({"token_endpoint": "/t"})).broken());
        assert!(member_types(&json!({"scopes_supported": "openid"})).broken());
        assert!(member_types(&json!({"claims_parameter_supported": "true"})).broken());
        let mixed = json!({"issuer": "https://h/x", "token_endpoint": "http://h/x/t"});
        assert!(https_throughout(&mixed).broken());
        let plain = https_throughout(&json!({"issuer": "http://h/x"}));
        assert!(!plain.passed() && !plain.broken());
    }
}
