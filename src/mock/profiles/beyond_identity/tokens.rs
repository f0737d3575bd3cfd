//! Beyond Identity's tokens: minting the access token, id_token and refresh token, and
//! reading back the ones this mock signed. All three are RS256 JWTs under the mock's
//! key; a refresh token says so in `bi_ty`, so it is never taken for an access token.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Application, Bi};
use crate::mock::keys::Rsa;
use crate::protocol::handle::random_hex;

/// `bi_ty` of a refresh token (assumed: BI's refresh tokens are JWTs whose claims are
/// not published).
pub(super) const REFRESH_TYPE: &str = "refresh_token";

/// The JOSE header of BI's access and refresh tokens (assumed order: the docs'
/// example starts `typ, alg`).
#[derive(Serialize)]
struct BiHeader<'a> {
    typ: &'static str,
    alg: &'static str,
    kid: &'a str,
    jku: String,
}

/// The id_token's header: the docs' example starts `alg, kid`.
#[derive(Serialize)]
struct IdHeader<'a> {
    alg: &'static str,
    kid: &'a str,
}

/// What an access token is issued for.
pub(super) struct Grant<'a> {
    pub app: &'a Application,
    /// `sub`: the identity, or the app's subject for client credentials.
    pub sub: &'a str,
    /// `bi_p`: the principal's path.
    pub principal: String,
    /// `bi_ty`: the grant type.
    pub grant: &'static str,
    pub scopes: &'a [String],
    pub lifetime: i64,
    pub custom: Option<Value>,
}

fn sign_bi(bi: &Bi, iss: &str, claims: &Map<String, Value>) -> Option<String> {
    let key = &bi.app.config.signing_key;
    let header = BiHeader {
        typ: "JWT",
        alg: "RS256",
        kid: key.kid(),
        jku: format!("{iss}/.well-known/jwks.json"),
    };
    key.sign_with_header(Rsa::Rs256, &header, claims).ok()
}

fn object(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// An access token: the claims of BI's introspection examples, in their order.
pub(super) fn access_token(bi: &Bi, iss: &str, g: Grant<'_>, now: i64) -> Option<String> {
    sign_bi(bi, iss, &access_claims(bi, iss, g, now))
}

/// [`access_token`]'s claims.
pub(super) fn access_claims(bi: &Bi, iss: &str, g: Grant<'_>, now: i64) -> Map<String, Value> {
    let mut aud = vec![g.app.client_id.clone()];
    aud.extend(g.app.audience.iter().cloned());
    let path = bi.app_path(g.app);
    let mut claims = object(vec![
        ("iss", json!(iss)),
        ("sub", json!(g.sub)),
        ("aud", json!(aud)),
        ("exp", json!(now + g.lifetime)),
        ("nbf", json!(now)),
        ("iat", json!(now)),
        ("jti", json!(random_hex(16).to_lowercase())),
        ("scope", json!(g.scopes.join(" "))),
        ("azp", json!(path)),
        ("bi_p", json!(g.principal)),
        ("bi_t", json!(bi.settings.tenant)),
        ("bi_r", json!(bi.settings.realm)),
        ("bi_ty", json!(g.grant)),
        ("bi_s", json!("")),
        ("bi_x", json!(random_hex(16).to_lowercase())),
    ]);
    if let Some(c) = g.custom {
        claims.insert("bi_custom".into(), c);
    }
    claims
}

/// Signs access-token claims with BI's header (`typ, alg, kid, jku`).
pub(super) fn sign_access(bi: &Bi, iss: &str, claims: &Map<String, Value>) -> Option<String> {
    sign_bi(bi, iss, claims)
}

/// An OIDC app's id_token (claims assumed: the OpenID Connect Core §2 set).
pub(super) struct IdToken<'a> {
    pub app: &'a Application,
    pub sub: &'a str,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub lifetime: i64,
}

pub(super) fn id_token(bi: &Bi, iss: &str, t: IdToken<'_>, now: i64) -> Option<String> {
    sign_id(bi, &id_claims(iss, t, now))
}

/// [`id_token`]'s claims.
pub(super) fn id_claims(iss: &str, t: IdToken<'_>, now: i64) -> Map<String, Value> {
    let mut claims = object(vec![
        ("iss", json!(iss)),
        ("sub", json!(t.sub)),
        ("aud", json!(t.app.client_id)),
        ("exp", json!(now + t.lifetime)),
        ("iat", json!(now)),
        ("auth_time", json!(t.auth_time)),
    ]);
    if let Some(n) = t.nonce {
        claims.insert("nonce".into(), json!(n));
    }
    claims
}

/// Signs id_token claims with the id_token's header (`alg, kid`).
pub(super) fn sign_id(bi: &Bi, claims: &Map<String, Value>) -> Option<String> {
    let key = &bi.app.config.signing_key;
    let header = IdHeader {
        alg: "RS256",
        kid: key.kid(),
    };
    key.sign_with_header(Rsa::Rs256, &header, claims).ok()
}

/// A refresh token with id `jti`, living to `expires` (its chain's end).
pub(super) fn refresh_token(
    bi: &Bi,
    iss: &str,
    app: &Application,
    sub: &str,
    jti: &str,
    expires: i64,
    now: i64,
) -> Option<String> {
    let claims = object(vec![
        ("iss", json!(iss)),
        ("sub", json!(sub)),
        ("aud", json!([app.client_id])),
        ("exp", json!(expires)),
        ("iat", json!(now)),
        ("jti", json!(jti)),
        ("azp", json!(bi.app_path(app))),
        ("bi_t", json!(bi.settings.tenant)),
        ("bi_r", json!(bi.settings.realm)),
        ("bi_ty", json!(REFRESH_TYPE)),
    ]);
    sign_bi(bi, iss, &claims)
}

/// The claims of a token this mock signed, whatever its state.
pub(super) fn signed(bi: &Bi, token: &str) -> Option<Map<String, Value>> {
    let key = &bi.app.config.signing_key;
    key.verify_with::<Map<String, Value>>(Rsa::Rs256, key.kid(), token)
}

/// Whether signed claims are a refresh token's.
pub(super) fn is_refresh(claims: &Map<String, Value>) -> bool {
    claims.get("bi_ty").and_then(Value::as_str) == Some(REFRESH_TYPE)
}

pub(super) fn str_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// An access token that is in force now: signed here, not a refresh token, not
/// expired by the mock's clock, not revoked.
pub(super) fn live_access(bi: &Bi, token: &str, now: i64) -> Option<Map<String, Value>> {
    let claims = signed(bi, token).filter(|c| !is_refresh(c))?;
    let exp = claims.get("exp").and_then(Value::as_i64)?;
    let revoked = str_claim(&claims, "jti").is_some_and(|j| bi.store(now).revoked.contains_key(j))
        && !bi
            .app
            .fault(&crate::mock::profiles::beyond_identity::faults::REVOKED_STILL_ACTIVE);
    (exp > now && !revoked).then_some(claims)
}
