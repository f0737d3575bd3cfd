//! Checks on the discovery document (OpenID Connect Discovery 1.0, RFC 8414) and the
//! JWKS it points to (RFC 7517).

use serde_json::Value;

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::identityserver::IS4_UNDER_ISSUER;
use crate::protocol::rules::oauth::{
    RFC7517_DISTINCT_KIDS, RFC7517_JWK_SET, RFC7517_KEY_MEMBERS, RFC7517_PUBLIC_ONLY,
    RFC8414_ISSUER, RFC8414_REQUIRED, RFC9700_PKCE_PUBLISHED,
};
use crate::protocol::rules::openid::OIDC_DISCOVERY_REQUIRED;

/// `issuer` is the URL the document was fetched from, less the well-known suffix, with
/// no trailing slash (RFC 8414 §3.3; OpenID Connect Discovery §4.3 says the same).
/// Scheme and host compare without case; the path exactly.
pub fn issuer_matches_url(doc: &Value, expected: &str) -> Check {
    let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    Check::expect(
        "issuer_matches_url",
        &RFC8414_ISSUER,
        normalise(issuer) == normalise(expected) && !issuer.ends_with('/'),
        issuer.to_owned(),
        || format!("issuer '{issuer}' does not match the base URL '{expected}'"),
    )
}

fn normalise(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_owned(),
    }
}

/// The members every authorization server's metadata has (RFC 8414 §2; the
/// authorization and token endpoints because the suite uses both grants), and those an
/// OpenID Provider's adds (OpenID Connect Discovery §3).
pub fn required_members(doc: &Value) -> [Check; 2] {
    let check = |required: &[&str], rule: &'static Rule| {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|m| doc.get(*m).is_none())
            .collect();
        Check::expect(
            "required_members",
            rule,
            missing.is_empty(),
            "all present",
            || format!("missing members: {}", missing.join(", ")),
        )
    };
    // RFC 8414 §2: the authorization endpoint is required unless no grant type the
    // server supports uses it.
    let oauth: &[&str] = if uses_authorization_endpoint(doc) {
        &[
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "response_types_supported",
        ]
    } else {
        &["issuer", "token_endpoint", "response_types_supported"]
    };
    [
        check(oauth, &RFC8414_REQUIRED),
        check(
            &[
                "jwks_uri",
                "subject_types_supported",
                "id_token_signing_alg_values_supported",
            ],
            &OIDC_DISCOVERY_REQUIRED,
        ),
    ]
}

/// Whether the server supports a grant that goes through the authorization endpoint:
/// `grant_types_supported` names `authorization_code` or `implicit`, or is absent (RFC
/// 8414 §2's default is both).
pub fn uses_authorization_endpoint(doc: &Value) -> bool {
    match doc.get("grant_types_supported").and_then(Value::as_array) {
        None => true,
        Some(grants) => grants
            .iter()
            .any(|g| g == "authorization_code" || g == "implicit"),
    }
}

/// The array `member` contains `value`; `rule` is the one that wants it there. An
/// absent member means what RFC 8414 §2 says it means (`grant_types_supported`
/// defaults to `["authorization_code", "implicit"]`,
/// `token_endpoint_auth_methods_supported` to `["client_secret_basic"]`).
pub fn list_includes(doc: &Value, member: &str, value: &str, rule: &'static Rule) -> Check {
    let default = match member {
        "grant_types_supported" => serde_json::json!(["authorization_code", "implicit"]),
        "token_endpoint_auth_methods_supported" => serde_json::json!(["client_secret_basic"]),
        _ => Value::Null,
    };
    let list = doc.get(member).cloned().unwrap_or(default);
    let ok = list
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x.as_str() == Some(value)));
    Check::expect(
        "list_includes",
        rule,
        ok,
        format!("{member} includes {value}"),
        || format!("{member} should include '{value}', got {list}"),
    )
}

/// The array `member` leaves `value` out (an absent member lists nothing); `rule` is the
/// one that wants it left out.
pub fn list_excludes(doc: &Value, member: &str, value: &str, rule: &'static Rule) -> Check {
    let list = doc.get(member).cloned().unwrap_or(Value::Null);
    let listed = list
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x.as_str() == Some(value)));
    Check::expect(
        "list_excludes",
        rule,
        !listed,
        format!("{member} leaves out {value}"),
        || format!("{member} should not list '{value}', got {list}"),
    )
}

/// The server says how to use PKCE: `code_challenge_methods_supported` lists S256. A
/// server with no grant through the authorization endpoint has nothing to say.
pub fn pkce_methods_published(doc: &Value) -> Check {
    const NAME: &str = "pkce_methods_published";
    if !uses_authorization_endpoint(doc) {
        return Check::unjudged(
            NAME,
            &RFC9700_PKCE_PUBLISHED,
            "no grant uses the authorization endpoint: PKCE does not apply",
        );
    }
    let list = doc
        .get("code_challenge_methods_supported")
        .cloned()
        .unwrap_or(Value::Null);
    let ok = list
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x.as_str() == Some("S256")));
    Check::expect(NAME, &RFC9700_PKCE_PUBLISHED, ok, format!("{list}"), || {
        format!("code_challenge_methods_supported should list S256, got {list}")
    })
}

/// The endpoint URLs sit under the issuer: IdentityServer builds every one from its base
/// URL (the RFCs let a server put its endpoints anywhere).
pub fn endpoints_under_issuer(doc: &Value) -> Check {
    let issuer = normalise(doc.get("issuer").and_then(Value::as_str).unwrap_or(""));
    let strays: Vec<String> = ["token_endpoint", "jwks_uri", "authorization_endpoint"]
        .iter()
        .filter_map(|m| doc.get(*m)?.as_str().map(|u| (m, u)))
        .filter(|(_, u)| {
            !normalise(u)
                .to_ascii_lowercase()
                .starts_with(&issuer.to_ascii_lowercase())
        })
        .map(|(m, u)| format!("{m} = {u}"))
        .collect();
    Check::expect(
        "endpoints_under_issuer",
        &IS4_UNDER_ISSUER,
        strays.is_empty(),
        "all under the issuer",
        || {
            format!(
                "endpoints outside the issuer '{issuer}': {}",
                strays.join("; ")
            )
        },
    )
}

/// The key set is served with 200 as a JSON object whose `keys` is a non-empty array.
pub fn jwk_set(resp: &RecordedResponse) -> Check {
    let body = resp.json();
    let keys = body
        .as_ref()
        .and_then(|b| b.get("keys"))
        .and_then(Value::as_array)
        .map(Vec::len);
    Check::expect(
        "jwk_set",
        &RFC7517_JWK_SET,
        resp.status == 200 && keys.is_some_and(|n| n > 0),
        format!("{} key(s)", keys.unwrap_or(0)),
        || {
            format!(
                "expected 200 with a JSON object holding a non-empty keys array, got status {} with {}",
                resp.status,
                String::from_utf8_lossy(&resp.body)
                    .chars()
                    .take(120)
                    .collect::<String>()
            )
        },
    )
}

/// Every key has `kty` and the members its type needs (RFC 7518 §6.2.1, §6.3.1: EC
/// `crv`, `x`, `y`; RSA `n`, `e`). `kid` and `use` are optional (RFC 7517 §4.2, §4.5),
/// and a set may carry encryption keys beside signing keys, but then every key says
/// its `use` (OpenID Connect Discovery §3).
pub fn jwks_keys_well_formed(jwks: &Value) -> Check {
    const NAME: &str = "jwks_keys_well_formed";
    let Some(keys) = jwks.get("keys").and_then(Value::as_array) else {
        return Check::unjudged(
            NAME,
            &RFC7517_KEY_MEMBERS,
            "no keys array: judged by jwk_set",
        );
    };
    let mut problems = Vec::new();
    let with_use = keys.iter().filter(|k| k.get("use").is_some()).count();
    let encryption = keys
        .iter()
        .any(|k| k.get("use").and_then(Value::as_str) == Some("enc"));
    if encryption && with_use != keys.len() {
        problems.push(
            "signing and encryption keys together, but not every key says its use".to_owned(),
        );
    }
    for (i, k) in keys.iter().enumerate() {
        let has = |m: &str| {
            k.get(m)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty())
        };
        match k.get("kty").and_then(Value::as_str) {
            None | Some("") => problems.push(format!("key {i} has no kty")),
            Some("RSA") if !has("n") || !has("e") => {
                problems.push(format!("RSA key {i} lacks n or e"))
            }
            Some("EC") if !has("crv") || !has("x") || !has("y") => {
                problems.push(format!("EC key {i} lacks crv, x or y"))
            }
            Some("OKP") if !has("crv") || !has("x") => {
                problems.push(format!("OKP key {i} lacks crv or x"))
            }
            Some(_) => {}
        }
    }
    Check::expect(
        NAME,
        &RFC7517_KEY_MEMBERS,
        problems.is_empty(),
        format!("{} key(s)", keys.len()),
        || problems.join("; "),
    )
}

/// Keys of one type carry distinct `kid`s, so a token's `kid` finds one key.
pub fn jwks_distinct_kids(jwks: &Value) -> Check {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut seen = std::collections::BTreeSet::new();
    let repeated: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            let kid = k.get("kid")?.as_str()?;
            let kty = k.get("kty").and_then(Value::as_str).unwrap_or("");
            (!seen.insert((kty.to_owned(), kid.to_owned()))).then(|| kid.to_owned())
        })
        .collect();
    Check::expect(
        "jwks_distinct_kids",
        &RFC7517_DISTINCT_KIDS,
        repeated.is_empty(),
        "distinct kids",
        || format!("kid used by more than one key: {}", repeated.join(", ")),
    )
}

/// A published key set holds no private or symmetric key material: these are the keys
/// anyone verifies with.
pub fn jwks_public_only(jwks: &Value) -> Check {
    let private = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
    let leaks: Vec<String> = jwks
        .get("keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .flat_map(|(i, k)| {
            private
                .iter()
                .filter(move |m| k.get(**m).is_some())
                .map(move |m| format!("key {i} has '{m}'"))
        })
        .collect();
    Check::expect(
        "jwks_public_only",
        &RFC7517_PUBLIC_ONLY,
        leaks.is_empty(),
        "public members only",
        || format!("private key material published: {}", leaks.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn issuer_rules() {
        let doc = json!({"issuer": "http://h:1/web.oauth2"});
        assert!(issuer_matches_url(&doc, "HTTP://H:1/web.oauth2").passed());
        assert!(!issuer_matches_url(&doc, "http://h:1/Web.OAuth2").passed());
        assert!(
            !issuer_matches_url(
                &json!({"issuer": "http://h:1/web.oauth2/"}),
                "http://h:1/web.oauth2/"
            )
            .passed()
        );
    }

    #[test]
    fn document_members() {
        let doc = json!({"issuer":"http://h/x","token_endpoint":"http://h/x/connect/token","jwks_uri":"http://other/jwks",
            "grant_types_supported":["client_credentials"]});
        let [oauth, oidc] = required_members(&doc);
        assert!(!oauth.passed(), "no authorization_endpoint");
        assert_eq!(oauth.rule, &RFC8414_REQUIRED);
        assert!(!oidc.passed() && oidc.rule == &OIDC_DISCOVERY_REQUIRED);
        let g = &crate::protocol::rules::oauth::RFC8414_GRANT_TYPES;
        assert!(list_includes(&doc, "grant_types_supported", "client_credentials", g).passed());
        assert!(!list_includes(&doc, "grant_types_supported", "refresh_token", g).passed());
        assert!(!endpoints_under_issuer(&doc).passed());
    }

    #[test]
    fn key_sets() {
        let good = json!({"keys":[{"kty":"RSA","use":"sig","kid":"K","n":"AQ","e":"AQAB"}]});
        assert!(jwks_keys_well_formed(&good).passed());
        assert!(jwks_public_only(&good).passed());
        assert!(
            jwks_keys_well_formed(&json!({"keys":[{"kty":"RSA","n":"AQ","e":"AQAB"}]})).passed(),
            "kid is optional"
        );
        assert!(
            jwks_keys_well_formed(&json!({"keys":[{"kty":"RSA","use":"sig","n":"AQ","e":"AQAB"},{"kty":"RSA","use":"enc","n":"AQ","e":"AQAB"}]})).passed(),
            "an encryption key beside a signing key, each saying so"
        );
        assert!(jwks_keys_well_formed(&json!({"keys":[{"kty":"RSA","n":"AQ","e":"AQAB"},{"kty":"RSA","use":"enc","n":"AQ","e":"AQAB"}]})).broken());
        assert!(jwks_keys_well_formed(&json!({"keys":[{"kty":"RSA","kid":"K"}]})).broken());
        assert!(jwks_distinct_kids(&good).passed());
        assert!(
            jwks_distinct_kids(&json!({"keys":[{"kty":"RSA","kid":"K"},{"kty":"RSA","kid":"K"}]}))
                .broken()
        );
        assert!(!jwks_public_only(&json!({"keys":[{"kty":"RSA","kid":"K","d":"x"}]})).passed());
    }
}
