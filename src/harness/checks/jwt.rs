//! Checks on a JWT access token (RFC 9068, RFC 7515/7517) and its relation to the token
//! response and the discovery document. Signatures are verified with the jsonwebtoken
//! crate, an implementation independent of the one the mock signs with.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::{Check, Rule};
use crate::protocol::jwt::{ACCESS_TOKEN_TYP, Compact, decode_segment};
use crate::protocol::rules::identityserver::IS4_EXACT_LIFETIME;
use crate::protocol::rules::oauth::{
    RFC6749_LIFETIME, RFC9068_ASYMMETRIC, RFC9068_AUD, RFC9068_CLIENT_ID, RFC9068_CURRENT,
    RFC9068_ISS, RFC9068_SCOPE, RFC9068_SCOPE_STRING, RFC9068_SIGNED, RFC9068_TYP,
};

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

/// The signature verifies with the key of `jwks` that the header's `kid` names (or the
/// only key, when the set has one and the header names none); `rule` says whose rule
/// (RFC 9068's for access tokens, OpenID Connect's for id_tokens). An HMAC signature is
/// checked with `secret` when the harness has it (an id_token for a confidential
/// client, OpenID Connect Core §10.1), and otherwise cannot be judged from outside.
pub fn signature_verifies(
    token: &Jwt,
    jwks: &Value,
    secret: Option<&str>,
    rule: &'static Rule,
) -> Check {
    const NAME: &str = "signature_verifies";
    let alg = match token.header.get("alg").and_then(Value::as_str) {
        Some("RS256") => Algorithm::RS256,
        Some("RS384") => Algorithm::RS384,
        Some("RS512") => Algorithm::RS512,
        Some("PS256") => Algorithm::PS256,
        Some("PS384") => Algorithm::PS384,
        Some("PS512") => Algorithm::PS512,
        Some("ES256") => Algorithm::ES256,
        Some("ES384") => Algorithm::ES384,
        Some("EdDSA") => Algorithm::EdDSA,
        Some(h @ ("HS256" | "HS384" | "HS512")) => {
            let Some(secret) = secret else {
                return Check::unjudged(
                    NAME,
                    rule,
                    format!("signed {h} with a secret the harness does not hold"),
                );
            };
            let alg = match h {
                "HS256" => Algorithm::HS256,
                "HS384" => Algorithm::HS384,
                _ => Algorithm::HS512,
            };
            let key = DecodingKey::from_secret(secret.as_bytes());
            return verify(token, &key, alg, rule, "the client's secret");
        }
        other => return Check::fail(NAME, rule, format!("unsupported or missing alg {other:?}")),
    };
    let set: JwkSet = match serde_json::from_value(jwks.clone()) {
        Ok(s) => s,
        Err(e) => return Check::fail(NAME, rule, format!("the JWKS does not parse: {e}")),
    };
    let kid = token.header.get("kid").and_then(Value::as_str);
    let jwk = match kid {
        Some(kid) => set.find(kid),
        // OpenID Connect Core §10.1: a set of one key needs no kid to find it by.
        None if set.keys.len() == 1 => set.keys.first(),
        None => {
            return Check::fail(
                NAME,
                rule,
                "the token header has no kid to find its key by, and the key set has several",
            );
        }
    };
    let Some(jwk) = jwk else {
        return Check::fail(
            NAME,
            rule,
            format!("no key with kid '{}' in the JWKS", kid.unwrap_or_default()),
        );
    };
    match DecodingKey::from_jwk(jwk) {
        Ok(key) => {
            let which = format!("key '{}'", kid.unwrap_or("(the only one)"));
            verify(token, &key, alg, rule, &which)
        }
        Err(e) => Check::fail(NAME, rule, format!("the key is not usable: {e}")),
    }
}

fn verify(
    token: &Jwt,
    key: &DecodingKey,
    alg: Algorithm,
    rule: &'static Rule,
    with: &str,
) -> Check {
    // Only the signature is judged here; each claim has its own check.
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    match jsonwebtoken::decode::<Value>(&token.raw, key, &validation) {
        Ok(_) => Check::pass(
            "signature_verifies",
            rule,
            format!("{alg:?} signature verified with {with}"),
        ),
        Err(e) => Check::fail(
            "signature_verifies",
            rule,
            format!("the signature does not verify with {with}: {e}"),
        ),
    }
}

/// The access token of a token response, when it is an RFC 9068 JWT. RFC 6749 §1.4
/// leaves the token's format to the server, and RFC 9068 is a profile a server opts
/// into (its tokens say so with `typ: at+jwt`, §2.1): an opaque token, or a JWT that
/// does not declare the profile, leaves the JWT access-token rules not judged, unless
/// the target `promises` RFC 9068 tokens (MyID's manual verifies its tokens as such),
/// where it breaks that promise. `Err` is that check.
pub fn jwt_access_token(body: &Value, promises: bool) -> Result<(Jwt, i64), Check> {
    const NAME: &str = "jwt_access_token";
    let Some(raw) = body.get("access_token").and_then(Value::as_str) else {
        return Err(Check::unjudged(
            NAME,
            &RFC9068_TYP,
            "no access_token in the last response",
        ));
    };
    let expires_in = body.get("expires_in").and_then(Value::as_i64).unwrap_or(-1);
    let token = match Jwt::decode(raw) {
        Ok(t) => t,
        Err(e) if promises => {
            return Err(Check::fail(
                NAME,
                &RFC9068_TYP,
                format!("the access token is not a JWT: {e}"),
            ));
        }
        Err(_) => {
            return Err(Check::unjudged(
                NAME,
                &RFC9068_TYP,
                "the access token is opaque (RFC 6749 §1.4 allows it): JWT access-token rules do not apply",
            ));
        }
    };
    if !promises && !typ_at_jwt(&token).passed() {
        return Err(Check::unjudged(
            NAME,
            &RFC9068_TYP,
            format!(
                "the access token is a JWT of typ {} rather than an RFC 9068 one (at+jwt), so RFC 9068's rules do not apply to it; access_tokens = \"rfc9068\" in the target file would judge it as one, and fail it",
                token.header.get("typ").unwrap_or(&Value::Null)
            ),
        ));
    }
    Ok((token, expires_in))
}

/// The header's `typ` is `at+jwt` (or `application/at+jwt`).
pub fn typ_at_jwt(token: &Jwt) -> Check {
    let typ = token
        .header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ok = typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYP)
        || typ.eq_ignore_ascii_case("application/at+jwt");
    Check::expect("typ_at_jwt", &RFC9068_TYP, ok, typ.to_owned(), || {
        format!("expected typ at+jwt, got '{typ}'")
    })
}

fn alg(token: &Jwt) -> &str {
    token
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The token is signed: its `alg` is not `none`.
pub fn alg_signed(token: &Jwt) -> Check {
    let alg = alg(token);
    Check::expect(
        "alg_signed",
        &RFC9068_SIGNED,
        !alg.is_empty() && !alg.eq_ignore_ascii_case("none"),
        alg.to_owned(),
        || format!("an unsigned token (alg '{alg}')"),
    )
}

/// The token is signed with an asymmetric algorithm, not an HMAC, so that the
/// published keys verify it (RECOMMENDED).
pub fn alg_asymmetric(token: &Jwt) -> Check {
    let alg = alg(token);
    let asymmetric = ["RS", "PS", "ES", "Ed"].iter().any(|p| alg.starts_with(p));
    Check::expect(
        "alg_asymmetric",
        &RFC9068_ASYMMETRIC,
        asymmetric,
        alg.to_owned(),
        || format!("expected an asymmetric signature algorithm, got '{alg}'"),
    )
}

/// The algorithm a product documents for its tokens (`rule` says whose: ClearID's
/// RS512).
pub fn alg_is(token: &Jwt, expected: &str, rule: &'static Rule) -> Check {
    let alg = alg(token);
    Check::expect("alg_is", rule, alg == expected, alg.to_owned(), || {
        format!("expected alg {expected}, got '{alg}'")
    })
}

/// `iss` is the issuer from discovery.
pub fn iss_is_issuer(token: &Jwt, issuer: &str) -> Check {
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "iss_is_issuer",
        &RFC9068_ISS,
        iss == issuer,
        iss.to_owned(),
        || format!("expected iss '{issuer}', got '{iss}'"),
    )
}

/// `aud` names `audience` (as a string or in an array). Without an audience in the
/// target file nothing is judged, and the finding shows what the server issued.
pub fn aud_includes(token: &Jwt, audience: Option<&str>) -> Check {
    let aud = token.claims.get("aud").cloned().unwrap_or(Value::Null);
    let Some(audience) = audience else {
        return Check::unjudged(
            "aud_includes",
            &RFC9068_AUD,
            format!("the target file gives this client no audience; the server issued aud {aud}"),
        );
    };
    let ok = match &aud {
        Value::String(a) => a == audience,
        Value::Array(v) => v.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    Check::expect("aud_includes", &RFC9068_AUD, ok, aud.to_string(), || {
        format!("expected aud to include '{audience}', got {aud}")
    })
}

/// `expires_in` is the token's lifetime: `exp` less the issue time (`iat`, or `nbf`
/// when there is none) agrees with it, give or take the second between stamping the
/// token and writing the response.
pub fn lifetime_matches_expires_in(token: &Jwt, expires_in: i64) -> Check {
    lifetime_within(
        "lifetime_matches_expires_in",
        token,
        expires_in,
        1,
        &RFC6749_LIFETIME,
    )
}

/// IdentityServer stamps the token and the response from one clock reading: `exp` less
/// `iat` is exactly `expires_in`.
pub fn lifetime_exact(token: &Jwt, expires_in: i64) -> Check {
    lifetime_within("lifetime_exact", token, expires_in, 0, &IS4_EXACT_LIFETIME)
}

fn lifetime_within(
    name: &'static str,
    token: &Jwt,
    expires_in: i64,
    tolerance: i64,
    rule: &'static Rule,
) -> Check {
    if expires_in < 0 {
        return Check::unjudged(name, rule, "the response gives no expires_in");
    }
    // From issuance: a server may backdate nbf for clock skew.
    match (
        token.int("iat").or_else(|| token.int("nbf")),
        token.int("exp"),
    ) {
        (Some(iat), Some(exp)) => Check::expect(
            name,
            rule,
            (exp - iat - expires_in).abs() <= tolerance,
            format!("exp - iat = {}", exp - iat),
            || format!("exp - iat = {} but expires_in = {expires_in}", exp - iat),
        ),
        _ => Check::fail(
            name,
            rule,
            "the token lacks a numeric exp, or both nbf and iat",
        ),
    }
}

/// Valid now by the server's clock (`nbf <= now < exp`).
///
/// `leeway` is the clock difference allowed between the harness and the server (RFC
/// 7519 §4.1.4–5 let a verifier allow "a few minutes"): 0 where the harness reads the
/// server's own clock (a mock), more where it can only use its own (a live server).
pub fn valid_now(token: &Jwt, now: i64, leeway: i64) -> Check {
    match token.int("exp") {
        Some(exp) => {
            let nbf = token.int("nbf").unwrap_or(i64::MIN);
            Check::expect(
                "valid_now",
                &RFC9068_CURRENT,
                nbf <= now.saturating_add(leeway) && now.saturating_sub(leeway) < exp,
                format!("nbf {nbf} <= now {now} < exp {exp} (leeway {leeway} s)"),
                || format!("not valid at {now} (leeway {leeway} s): nbf {nbf}, exp {exp}"),
            )
        }
        None => Check::fail(
            "valid_now",
            &RFC9068_CURRENT,
            "the token has no numeric exp",
        ),
    }
}

/// `client_id` is the client the token was issued to.
pub fn client_id_claim(token: &Jwt, client_id: &str) -> Check {
    let got = token
        .claims
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    Check::expect(
        "client_id_claim",
        &RFC9068_CLIENT_ID,
        got == client_id,
        got.to_owned(),
        || format!("expected client_id '{client_id}', got '{got}'"),
    )
}

/// The `scope` claim carries the granted scopes, whichever form it has.
pub fn scope_claim(token: &Jwt, scopes: &str) -> Check {
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
        &RFC9068_SCOPE,
        missing.is_empty() && !claim.is_null(),
        claim.to_string(),
        || {
            if claim.is_null() {
                "the token has no scope claim".to_owned()
            } else {
                format!("the scope claim {claim} lacks {}", missing.join(", "))
            }
        },
    )
}

/// The `scope` claim is one space-delimited string (RFC 8693 §4.2). IdentityServer
/// emits an array by default.
pub fn scope_claim_string(token: &Jwt) -> Check {
    let claim = token.claims.get("scope").cloned().unwrap_or(Value::Null);
    if claim.is_null() {
        return Check::unjudged(
            "scope_claim_string",
            &RFC9068_SCOPE_STRING,
            "no scope claim",
        );
    }
    Check::expect(
        "scope_claim_string",
        &RFC9068_SCOPE_STRING,
        claim.is_string(),
        claim.to_string(),
        || format!("scope should be a space-delimited string, got {claim}"),
    )
}

/// The claim `claim` is `value`, as `rule` says it is (MyID's operation tokens name
/// their operation and target).
pub fn claim_is(token: &Jwt, claim: &str, value: &str, rule: &'static Rule) -> Check {
    let got = token.claims.get(claim).cloned().unwrap_or(Value::Null);
    Check::expect(
        "claim_is",
        rule,
        got.as_str() == Some(value),
        got.to_string(),
        || format!("expected {claim} = {value}, got {got}"),
    )
}

/// The claims `names` are all there, as `rule` requires.
pub fn required_claims(token: &Jwt, names: &[&str], rule: &'static Rule) -> Check {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| token.claims.get(*n).is_none())
        .collect();
    Check::expect(
        "required_claims",
        rule,
        missing.is_empty(),
        names.join(", "),
        || format!("missing claims: {}", missing.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::jwt::b64url;
    use crate::protocol::rules::myid::MYID_OPERATION;
    use crate::protocol::rules::oauth::{RFC9068_CLAIMS, RFC9068_SIGNATURE};
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
        assert!(typ_at_jwt(&t).passed());
        assert!(alg_is(&t, "RS256", &MYID_OPERATION).passed());
        assert!(alg_asymmetric(&t).passed() && alg_signed(&t).passed());
        let none = jwt(json!({"alg":"none"}), json!({}));
        assert!(alg_signed(&none).broken() && alg_asymmetric(&none).broken());
        let hmac = jwt(json!({"alg":"HS256"}), json!({}));
        assert!(alg_signed(&hmac).passed() && alg_asymmetric(&hmac).broken());
        assert!(iss_is_issuer(&t, "http://h/web.oauth2").passed());
        assert!(!iss_is_issuer(&t, "http://h/web.oauth2/").passed());
        assert!(aud_includes(&t, Some("myid.rest")).passed());
        assert!(aud_includes(&t, Some("other")).broken());
        let unsaid = aud_includes(&t, None);
        assert!(!unsaid.broken() && !unsaid.passed() && unsaid.detail.contains("myid.rest"));
        assert!(
            lifetime_matches_expires_in(&t, 3600).passed() && lifetime_exact(&t, 3600).passed()
        );
        assert!(
            lifetime_matches_expires_in(&t, 3599).passed() && lifetime_exact(&t, 3599).broken(),
            "a second off: only IdentityServer's exact rule fails"
        );
        assert!(lifetime_matches_expires_in(&t, 3598).broken());
        assert!(
            !lifetime_matches_expires_in(&t, -1).broken(),
            "no expires_in: not judged"
        );
        assert!(valid_now(&t, 100, 0).passed());
        assert!(!valid_now(&t, 3700, 0).passed());
        assert!(!valid_now(&t, 99, 0).passed());
        assert!(valid_now(&t, 99, 60).passed() && valid_now(&t, 3700, 60).passed());
        assert!(client_id_claim(&t, "c").passed());
        assert!(scope_claim(&t, "b a").passed());
        assert!(!scope_claim(&t, "c").passed());
        assert!(scope_claim(&jwt(json!({}), json!({})), "a").broken());
        assert!(scope_claim_string(&t).broken());
        assert!(!scope_claim_string(&jwt(json!({}), json!({}))).broken());
        assert!(!required_claims(&t, &["iss", "sub"], &RFC9068_CLAIMS).passed());
        assert!(
            claim_is(&t, "client_id", "c", &MYID_OPERATION).passed()
                && !claim_is(&t, "client_id", "d", &MYID_OPERATION).passed()
        );
        assert!(!claim_is(&t, "op", "297", &MYID_OPERATION).passed());
        assert!(signature_verifies(&t, &json!({"keys": []}), None, &RFC9068_SIGNATURE).broken());
        let unsure = signature_verifies(&hmac, &json!({"keys": []}), None, &RFC9068_SIGNATURE);
        assert!(
            !unsure.broken() && !unsure.passed(),
            "HMAC without the secret: not judged"
        );
    }

    #[test]
    fn not_a_jwt() {
        assert!(Jwt::decode("abc").is_err());
        assert!(Jwt::decode("a.b.c").is_err());
        let arr = format!("{}.{}.x", b64url("{}"), b64url("[1]"));
        assert!(Jwt::decode(&arr).is_err());
    }
}
