//! Checks of userinfo (OpenID Connect Core §5.3–5.4): it answers for the id_token's
//! user, as JSON, by GET and POST, with the claims the granted scopes ask for.

use serde_json::Value;

use super::{Check, Rule};
use crate::harness::client::RecordedResponse;
use crate::protocol::rules::openid::{OIDC_CLAIM_TYPES, OIDC_SCOPE_CLAIMS, OIDC_USERINFO_JSON};

/// Core §5.3.2: userinfo's claims are JSON, labelled so (or a signed JWT, labelled
/// `application/jwt`, for a client that registered signing).
pub fn userinfo_json(resp: &RecordedResponse) -> Check {
    if resp.status != 200 {
        return Check::unjudged(
            "userinfo_json",
            &OIDC_USERINFO_JSON,
            format!("userinfo answered {}: no claims to judge", resp.status),
        );
    }
    let ct = resp
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let jwt = ct.starts_with("application/jwt");
    let json = ct.starts_with("application/json") && resp.json().is_some_and(|b| b.is_object());
    Check::expect(
        "userinfo_json",
        &OIDC_USERINFO_JSON,
        json || jwt,
        ct.clone(),
        || {
            format!(
                "userinfo's claims should be a JSON object labelled application/json, got '{ct}'"
            )
        },
    )
}

/// The claims each of Core §5.4's scopes asks for.
pub fn claims_of_scope(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "address" => &["address"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// Core §5.4: userinfo carries claims of each claim scope granted (`scopes`).
pub fn scope_claims(body: Option<&Value>, scopes: &[String]) -> Check {
    let body = body.cloned().unwrap_or(Value::Null);
    let missing: Vec<&str> = scopes
        .iter()
        .filter(|s| !claims_of_scope(s).iter().any(|c| body.get(*c).is_some()))
        .map(String::as_str)
        .collect();
    Check::expect(
        "scope_claims",
        &OIDC_SCOPE_CLAIMS,
        missing.is_empty(),
        format!("claims for {}", scopes.join(" ")),
        || {
            format!(
                "userinfo carries no claim of the scope(s) {}",
                missing.join(", ")
            )
        },
    )
}

/// Userinfo answers 200 with a JSON object whose `sub` is the user's (`sub`, the
/// id_token's; Core §5.3.2), as `rule` says.
pub fn userinfo_sub(status: u16, body: Option<&Value>, sub: &str, rule: &'static Rule) -> Check {
    let got = body
        .and_then(|b| b.get("sub"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "userinfo_sub",
        rule,
        status == 200 && !sub.is_empty() && got == sub,
        format!("sub {got}"),
        || format!("expected 200 with sub '{sub}', got {status} with sub '{got}'"),
    )
}

/// Userinfo carries a claim of a granted identity scope, with the value `rule` says
/// (Core §5.4 names the claims; what they hold is the product's).
pub fn userinfo_claim(
    body: Option<&Value>,
    claim: &str,
    expected: &str,
    rule: &'static Rule,
) -> Check {
    let got = body.and_then(|b| b.get(claim)).and_then(Value::as_str);
    Check::expect(
        "userinfo_claim",
        rule,
        got == Some(expected),
        format!("{claim} {got:?}"),
        || format!("expected {claim} '{expected}', got {got:?}"),
    )
}

/// Core §5.1: the standard claims userinfo carries have the types it gives them: the
/// `*_verified` flags booleans, `updated_at` a number of seconds, `address` an object,
/// the rest strings.
pub fn standard_claim_types(body: Option<&Value>) -> Check {
    const NAME: &str = "standard_claim_types";
    let Some(claims) = body.and_then(Value::as_object) else {
        return Check::unjudged(NAME, &OIDC_CLAIM_TYPES, "userinfo answered no JSON object");
    };
    // Every other claim of §5.4's scopes and §5.1's list is a string.
    let strings = |k: &str| {
        ["sub", "email", "phone_number"].contains(&k) || claims_of_scope("profile").contains(&k)
    };
    let wrong: Vec<String> = claims
        .iter()
        .filter(|(k, v)| match k.as_str() {
            "email_verified" | "phone_number_verified" => !v.is_boolean(),
            "updated_at" => !v.is_number(),
            "address" => !v.is_object(),
            k if strings(k) => !v.is_string(),
            _ => false,
        })
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    Check::expect(
        NAME,
        &OIDC_CLAIM_TYPES,
        wrong.is_empty(),
        format!("{} claim(s)", claims.len()),
        || format!("standard claims of the wrong type: {}", wrong.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn userinfo_answers() {
        let rule = &crate::protocol::rules::openid::OIDC_USERINFO_SUB;
        assert!(userinfo_sub(200, Some(&json!({"sub": "s"})), "s", rule).passed());
        assert!(!userinfo_sub(401, None, "s", rule).passed());
        let scopes = ["profile".to_owned(), "email".to_owned()];
        assert!(scope_claims(Some(&json!({"name": "n", "email": "e"})), &scopes).passed());
        assert!(scope_claims(Some(&json!({"name": "n"})), &scopes).broken());
        let typed = json!({"sub": "s", "email_verified": true, "updated_at": 1, "address": {}});
        assert!(standard_claim_types(Some(&typed)).passed());
        assert!(standard_claim_types(Some(&json!({"email_verified": "true"}))).broken());
    }
}
