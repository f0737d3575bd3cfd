//! Checks on the discovery document (OpenID Connect Discovery 1.0, RFC 8414) and the
//! JWKS it points to (RFC 7517).

use serde_json::Value;

use super::Check;

/// Discovery §4.3 / RFC 8414 §3.3: `issuer` is the URL the document was fetched from,
/// less the well-known suffix, with no trailing slash. Scheme and host compare without
/// case; the path exactly.
pub fn issuer_matches(doc: &Value, expected: &str) -> Check {
    let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    Check::expect(
        "issuer_matches_url",
        "OIDC-Discovery-4.3",
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
    let check = |required: &[&str], spec: &'static str| {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|m| doc.get(*m).is_none())
            .collect();
        Check::expect(
            "required_members",
            spec,
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
        check(oauth, "RFC8414-2"),
        check(
            &[
                "jwks_uri",
                "subject_types_supported",
                "id_token_signing_alg_values_supported",
            ],
            "OIDC-Discovery-3",
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

/// The array `member` contains `value`; `spec` names the rule that wants it there. An
/// absent member means what RFC 8414 §2 says it means (`grant_types_supported`
/// defaults to `["authorization_code", "implicit"]`,
/// `token_endpoint_auth_methods_supported` to `["client_secret_basic"]`).
pub fn list_includes(doc: &Value, member: &str, value: &str, spec: &'static str) -> Check {
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
        spec,
        ok,
        format!("{member} includes {value}"),
        || format!("{member} should include '{value}', got {list}"),
    )
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
        "IS4-discovery",
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

/// RFC 7517 §4: every key has `kty` and a `kid`, signing keys say `use: sig`, and RSA
/// keys carry `n` and `e`.
pub fn jwks_keys_well_formed(jwks: &Value) -> Check {
    let Some(keys) = jwks
        .get("keys")
        .and_then(Value::as_array)
        .filter(|k| !k.is_empty())
    else {
        return Check::fail(
            "jwks_keys_well_formed",
            "RFC7517-5",
            format!("expected a non-empty keys array, got {jwks}"),
        );
    };
    let mut problems = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let has = |m: &str| {
            k.get(m)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty())
        };
        if !has("kty") || !has("kid") {
            problems.push(format!("key {i} lacks kty or kid"));
        }
        if k.get("use")
            .and_then(Value::as_str)
            .is_some_and(|u| u != "sig")
        {
            problems.push(format!("key {i} has use other than sig"));
        }
        if k.get("kty").and_then(Value::as_str) == Some("RSA") && (!has("n") || !has("e")) {
            problems.push(format!("RSA key {i} lacks n or e"));
        }
    }
    Check::expect(
        "jwks_keys_well_formed",
        "RFC7517-4",
        problems.is_empty(),
        format!("{} key(s)", keys.len()),
        || problems.join("; "),
    )
}

/// RFC 7517 §9.3 / RFC 7518 §6.3.2: a published key set holds no private key material.
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
        "RFC7517-9.3",
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
        assert!(issuer_matches(&doc, "HTTP://H:1/web.oauth2").passed());
        assert!(!issuer_matches(&doc, "http://h:1/Web.OAuth2").passed());
        assert!(
            !issuer_matches(
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
        assert_eq!(oauth.spec, "RFC8414-2");
        assert!(!oidc.passed() && oidc.spec == "OIDC-Discovery-3");
        assert!(list_includes(&doc, "grant_types_supported", "client_credentials", "s").passed());
        assert!(!list_includes(&doc, "grant_types_supported", "refresh_token", "s").passed());
        assert!(!endpoints_under_issuer(&doc).passed());
    }

    #[test]
    fn key_sets() {
        let good = json!({"keys":[{"kty":"RSA","use":"sig","kid":"K","n":"AQ","e":"AQAB"}]});
        assert!(jwks_keys_well_formed(&good).passed());
        assert!(jwks_public_only(&good).passed());
        assert!(!jwks_keys_well_formed(&json!({"keys":[]})).passed());
        assert!(!jwks_keys_well_formed(&json!({"keys":[{"kty":"RSA","kid":"K"}]})).passed());
        assert!(!jwks_public_only(&json!({"keys":[{"kty":"RSA","kid":"K","d":"x"}]})).passed());
    }
}
