//! Checks on a JWT access token (RFC 9068, RFC 7515/7517) and its relation to the token
//! response and the discovery document. Signatures are verified with the jsonwebtoken
//! crate, an implementation independent of the one the mock signs with.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::Check;
use crate::protocol::jwt::{ACCESS_TOKEN_TYP, Compact, decode_segment};

/// A JWT decoded without verification, for inspection.
#[derive(Clone)]
pub struct Jwt {
    /// The compact form.
    pub raw: String,
    /// The JOSE header.
    pub header: Value,
    /// The claims.
    pub claims: Value,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl Jwt {
    /// Decodes the header and claims; `Err` says why the value is not a JWT.
    pub fn decode(raw: &str) -> Result<Self, String> {
        let c = Compact::split(raw).ok_or("not three dot-separated segments")?;
        let header = decode_segment::<Value>(c.header).ok_or("the header is not base64url JSON")?;
        let claims =
            decode_segment::<Value>(c.payload).ok_or("the payload is not base64url JSON")?;
        if !claims.is_object() {
            return Err("the payload is not a JSON object".into());
        }
        Ok(Jwt {
            raw: raw.to_owned(),
            header,
            claims,
        })
    }

    /// A JWT with this header and these claims and a dummy signature: for checks'
    /// tests, which judge claims, not signatures.
    #[cfg(test)]
    pub fn unsigned(header: Value, claims: Value) -> Self {
        use crate::protocol::jwt::b64url;
        let raw = format!(
            "{}.{}.c2ln",
            b64url(header.to_string()),
            b64url(claims.to_string())
        );
        Jwt::decode(&raw).expect("a JSON object's claims decode")
    }

    fn int(&self, claim: &str) -> Option<i64> {
        self.claims.get(claim)?.as_i64()
    }
}

/// RFC 7515 §5.2 / RFC 9068 §4: the signature verifies with the JWKS key named by `kid`.
pub fn signature_verifies(token: &Jwt, jwks: &Value) -> Check {
    signature_verifies_as(token, jwks, "RFC9068-4")
}

/// [`signature_verifies`] under another rule (an id_token's, a vendor's).
pub fn signature_verifies_as(token: &Jwt, jwks: &Value, spec: &'static str) -> Check {
    const NAME: &str = "signature_verifies";
    let set: JwkSet = match serde_json::from_value(jwks.clone()) {
        Ok(s) => s,
        Err(e) => return Check::fail(NAME, spec, format!("the JWKS does not parse: {e}")),
    };
    let Some(kid) = token.header.get("kid").and_then(Value::as_str) else {
        return Check::fail(NAME, spec, "the token header has no kid to find its key by");
    };
    let Some(jwk) = set.find(kid) else {
        return Check::fail(NAME, spec, format!("no key with kid '{kid}' in the JWKS"));
    };
    let key = match DecodingKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => return Check::fail(NAME, spec, format!("key '{kid}' is not usable: {e}")),
    };
    let alg = match token.header.get("alg").and_then(Value::as_str) {
        Some("RS256") => Algorithm::RS256,
        Some("RS384") => Algorithm::RS384,
        Some("RS512") => Algorithm::RS512,
        Some("PS256") => Algorithm::PS256,
        Some("ES256") => Algorithm::ES256,
        other => return Check::fail(NAME, spec, format!("unsupported or missing alg {other:?}")),
    };
    // Only the signature is judged here; each claim has its own check.
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    match jsonwebtoken::decode::<Value>(&token.raw, &key, &validation) {
        Ok(_) => Check::pass(
            NAME,
            spec,
            format!("{alg:?} signature verified with key '{kid}'"),
        ),
        Err(e) => Check::fail(
            NAME,
            spec,
            format!("the signature does not verify with key '{kid}': {e}"),
        ),
    }
}

/// RFC 9068 §2.1: header `typ` is `at+jwt` (or `application/at+jwt`).
pub fn typ_is_at_jwt(token: &Jwt) -> Check {
    let typ = token
        .header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ok = typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYP)
        || typ.eq_ignore_ascii_case("application/at+jwt");
    Check::expect("typ_at_jwt", "RFC9068-2.1", ok, typ.to_owned(), || {
        format!("expected typ at+jwt, got '{typ}'")
    })
}

/// RFC 9068 §2.1: signed, never `none`, and (RECOMMENDED there, required for a key
/// published in a JWKS to mean anything) with an asymmetric algorithm, not an HMAC.
pub fn alg_asymmetric(token: &Jwt) -> Check {
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    let asymmetric = ["RS", "PS", "ES", "Ed"].iter().any(|p| alg.starts_with(p));
    Check::expect("alg", "RFC9068-2.1", asymmetric, alg.to_owned(), || {
        format!("expected an asymmetric signature algorithm, got '{alg}'")
    })
}

/// The algorithm a product documents for its tokens (`spec` says whose rule it is:
/// ClearID's RS512, IdentityServer's default RS256).
pub fn alg_is(token: &Jwt, expected: &str, spec: &'static str) -> Check {
    let alg = token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect("alg", spec, alg == expected, alg.to_owned(), || {
        format!("expected alg {expected}, got '{alg}'")
    })
}

/// RFC 9068 §2.2: `iss` is the issuer from discovery.
pub fn issuer_is(token: &Jwt, issuer: &str) -> Check {
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect("iss", "RFC9068-2.2", iss == issuer, iss.to_owned(), || {
        format!("expected iss '{issuer}', got '{iss}'")
    })
}

/// RFC 9068 §2.2 / MyID §5: `aud` names the API (`myid.rest`).
pub fn audience_includes(token: &Jwt, audience: &str) -> Check {
    let aud = token.claims.get("aud").cloned().unwrap_or(Value::Null);
    let ok = match &aud {
        Value::String(a) => a == audience,
        Value::Array(v) => v.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    Check::expect("aud", "RFC9068-2.2", ok, aud.to_string(), || {
        format!("expected aud to include '{audience}', got {aud}")
    })
}

/// RFC 6749 §5.1: `expires_in` is the token's lifetime from the response, so `exp` less
/// the issue time (`iat`, or `nbf` when there is none) equals it, give or take the
/// second between stamping the token and writing the response; IdentityServer stamps
/// both from one clock reading, so its rule is exact (`IS4-token-response`).
pub fn lifetime_matches(token: &Jwt, expires_in: i64) -> [Check; 2] {
    [
        lifetime_within(token, expires_in, 1, "RFC6749-5.1"),
        lifetime_within(token, expires_in, 0, "IS4-token-response"),
    ]
}

fn lifetime_within(token: &Jwt, expires_in: i64, tolerance: i64, spec: &'static str) -> Check {
    // From issuance: a server may backdate nbf for clock skew.
    match (
        token.int("iat").or_else(|| token.int("nbf")),
        token.int("exp"),
    ) {
        (Some(iat), Some(exp)) => Check::expect(
            "lifetime_matches_expires_in",
            spec,
            (exp - iat - expires_in).abs() <= tolerance,
            format!("exp - iat = {}", exp - iat),
            || format!("exp - iat = {} but expires_in = {expires_in}", exp - iat),
        ),
        _ => Check::fail(
            "lifetime_matches_expires_in",
            spec,
            "the token lacks a numeric exp, or both nbf and iat",
        ),
    }
}

/// RFC 9068 §4 / RFC 7519 §4.1.4–5: valid now by the server's clock (`nbf <= now < exp`).
///
/// `leeway` is the clock difference allowed between the harness and the server (RFC
/// 7519 §4.1.4–5 let a verifier allow "a few minutes"): 0 where the harness reads the
/// server's own clock (a mock), more where it can only use its own (a live server).
pub fn valid_at(token: &Jwt, now: i64, leeway: i64) -> Check {
    match token.int("exp") {
        Some(exp) => {
            let nbf = token.int("nbf").unwrap_or(i64::MIN);
            Check::expect(
                "valid_now",
                "RFC7519-4.1.4",
                nbf <= now.saturating_add(leeway) && now.saturating_sub(leeway) < exp,
                format!("nbf {nbf} <= now {now} < exp {exp} (leeway {leeway} s)"),
                || format!("not valid at {now} (leeway {leeway} s): nbf {nbf}, exp {exp}"),
            )
        }
        None => Check::fail("valid_now", "RFC7519-4.1.4", "the token has no numeric exp"),
    }
}

/// RFC 9068 §2.2: `client_id` is the client the token was issued to.
pub fn client_id_is(token: &Jwt, client_id: &str) -> Check {
    let got = token
        .claims
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "client_id",
        "RFC9068-2.2",
        got == client_id,
        got.to_owned(),
        || format!("expected client_id '{client_id}', got '{got}'"),
    )
}

/// RFC 9068 §2.2.3: the `scope` claim carries the granted scopes, whichever form it has.
pub fn scope_claim_lists(token: &Jwt, scopes: &str) -> Check {
    let claim = token.claims.get("scope").cloned().unwrap_or(Value::Null);
    let got: Vec<String> = match &claim {
        Value::String(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::Array(v) => v
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let missing: Vec<&str> = scopes
        .split(' ')
        .filter(|s| !s.is_empty() && !got.iter().any(|g| g == s))
        .collect();
    Check::expect(
        "scope_claim",
        "RFC9068-2.2.3",
        missing.is_empty(),
        claim.to_string(),
        || format!("the scope claim {claim} lacks {}", missing.join(", ")),
    )
}

/// RFC 9068 §2.2.3 (via RFC 8693 §4.2): `scope` is one space-delimited string.
/// IdentityServer emits an array by default.
pub fn scope_claim_is_string(token: &Jwt) -> Check {
    let claim = token.claims.get("scope").cloned().unwrap_or(Value::Null);
    Check::expect(
        "scope_claim_string",
        "RFC9068-2.2.3",
        claim.is_string(),
        claim.to_string(),
        || format!("scope should be a space-delimited string, got {claim}"),
    )
}

/// MyID manual §6.1: an operation token names its operation and target as claims.
pub fn claim_is(token: &Jwt, claim: &str, value: &str, spec: &'static str) -> Check {
    let got = token.claims.get(claim).cloned().unwrap_or(Value::Null);
    Check::expect(
        "operation_claim",
        spec,
        got.as_str() == Some(value),
        got.to_string(),
        || format!("expected {claim} = {value}, got {got}"),
    )
}

/// RFC 9068 §2.2: the claims every JWT access token has.
pub fn required_claims(token: &Jwt, names: &[&str], spec: &'static str) -> Check {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| token.claims.get(*n).is_none())
        .collect();
    Check::expect(
        "required_claims",
        spec,
        missing.is_empty(),
        names.join(", "),
        || format!("missing claims: {}", missing.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::jwt::b64url;
    use serde_json::json;

    fn jwt(header: Value, claims: Value) -> Jwt {
        Jwt::unsigned(header, claims)
    }

    #[test]
    fn claim_checks() {
        let t = jwt(
            json!({"alg":"RS256","kid":"K","typ":"at+jwt"}),
            json!({"nbf":100,"exp":3700,"iss":"http://h/web.oauth2","aud":"myid.rest","client_id":"c","scope":["a","b"]}),
        );
        assert!(typ_is_at_jwt(&t).passed());
        assert!(alg_is(&t, "RS256", "IS4-signing").passed());
        assert!(alg_asymmetric(&t).passed());
        assert!(issuer_is(&t, "http://h/web.oauth2").passed());
        assert!(!issuer_is(&t, "http://h/web.oauth2/").passed());
        assert!(audience_includes(&t, "myid.rest").passed());
        assert!(!audience_includes(&t, "other").passed());
        assert!(lifetime_matches(&t, 3600).iter().all(Check::passed));
        let [rfc, is4] = lifetime_matches(&t, 3599);
        assert!(
            rfc.passed() && !is4.passed(),
            "a second off: only IdentityServer's exact rule fails"
        );
        assert!(lifetime_matches(&t, 3598).iter().all(|c| !c.passed()));
        assert!(valid_at(&t, 100, 0).passed());
        assert!(!valid_at(&t, 3700, 0).passed());
        assert!(!valid_at(&t, 99, 0).passed());
        assert!(valid_at(&t, 99, 60).passed() && valid_at(&t, 3700, 60).passed());
        assert!(client_id_is(&t, "c").passed());
        assert!(scope_claim_lists(&t, "b a").passed());
        assert!(!scope_claim_lists(&t, "c").passed());
        assert!(!scope_claim_is_string(&t).passed());
        assert!(!required_claims(&t, &["iss", "sub"], "RFC9068-2.2").passed());
        assert!(
            claim_is(&t, "client_id", "c", "MyID-6.1").passed()
                && !claim_is(&t, "client_id", "d", "MyID-6.1").passed()
        );
        assert!(!claim_is(&t, "op", "297", "MyID-6.1").passed());
        assert!(!signature_verifies(&t, &json!({"keys": []})).passed());
    }

    #[test]
    fn not_a_jwt() {
        assert!(Jwt::decode("abc").is_err());
        assert!(Jwt::decode("a.b.c").is_err());
        let arr = format!("{}.{}.x", b64url("{}"), b64url("[1]"));
        assert!(Jwt::decode(&arr).is_err());
    }
}
