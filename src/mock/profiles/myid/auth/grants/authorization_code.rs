//! `authorization_code` (`ValidateAuthorizationCodeRequestAsync`). The order matters:
//! the code is removed after the client-binding check, so a failed redirect_uri or PKCE
//! check burns it, while presenting it as the wrong client does not (v4).

use super::GrantContext;
use crate::mock::auth::oidc;
use crate::mock::auth::tokens::{self, OFFLINE_ACCESS};
use crate::mock::error::OAuthError;
use crate::mock::profiles::myid::faults as fault;
use crate::protocol::handle::random_hex;
use crate::protocol::secret::constant_time_eq;
use crate::protocol::token::{BEARER, TokenResponse};
use crate::protocol::{ErrorCode, PkceVerifier, pkce};

/// Long on purpose: IdentityServer's checks in its order, then the response; the order
/// decides which error a client sees (a failed redirect_uri burns the code, a wrong
/// client does not), so it stays on one page.
pub fn issue(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let err = OAuthError::new;
    let (state, client, form) = (ctx.state, ctx.client, ctx.form);
    if !(client.allows_grant("authorization_code") || client.allows_grant("hybrid")) {
        return Err(err(ErrorCode::UnauthorizedClient));
    }
    let because = OAuthError::because;
    let handle = form
        .present("code")
        .ok_or_else(|| because(ErrorCode::InvalidGrant, "no code"))?;
    let code = {
        let mut store = state.store();
        let code = store
            .code(handle)
            .ok_or_else(|| because(ErrorCode::InvalidGrant, "unknown, redeemed or expired code"))?;
        if code.client_id != client.client_id.as_str() && !state.fault(&fault::CODE_ANY_CLIENT) {
            return Err(because(
                ErrorCode::InvalidGrant,
                "the code was issued to another client",
            ));
        }
        if state.fault(&fault::CODE_REUSE) {
            code.clone()
        } else {
            store
                .redeem_code(handle)
                .ok_or(err(ErrorCode::InvalidGrant))?
        }
    };
    let now = state.clock.now();
    // Expired against the lifetime stored in the code, the client's when it was issued
    // (`HasExceeded(code.Lifetime)`): good through its last second.
    if now > code.created + code.lifetime {
        return Err(because(ErrorCode::InvalidGrant, "the code has expired"));
    }
    // A missing redirect_uri is unauthorized_client: an IdentityServer quirk (§1.4).
    let redirect_uri = match form.present("redirect_uri") {
        None if state.fault(&fault::TOKEN_REDIRECT_URI_OPTIONAL) => code.redirect_uri.as_str(),
        found => found.ok_or(err(ErrorCode::UnauthorizedClient))?,
    };
    if redirect_uri != code.redirect_uri && !state.fault(&fault::REDIRECT_MISMATCH_ACCEPTED) {
        if state.fault(&fault::FAILED_CODE_KEPT) {
            state.store().issue_code(handle.to_owned(), code.clone());
        }
        return Err(because(
            ErrorCode::InvalidGrant,
            "redirect_uri differs from the authorize request's",
        ));
    }
    if code.scopes.is_empty() {
        return Err(err(ErrorCode::InvalidRequest));
    }
    if !state.fault(&fault::PKCE_IGNORED) {
        check_pkce(
            client.require_pkce,
            code.challenge.as_ref(),
            form.present("code_verifier").filter(|_| {
                code.challenge.is_some() || !state.fault(&fault::PKCE_DOWNGRADE_ACCEPTED)
            }),
            !state.fault(&fault::VERIFIER_LENGTH_UNCHECKED),
        )?;
    }

    let grant_id = random_hex(16);
    let claims = tokens::claims(
        state,
        client,
        &code.scopes,
        &ctx.issuer,
        Some(&code.subject),
    );
    if let Some(jti) = &claims.jti {
        state
            .store()
            .link_grant(jti.clone(), grant_id.clone(), claims.exp);
    }
    // A refresh token iff the code carries offline_access; AllowOfflineAccess was
    // checked at /authorize and is not re-checked here (IdentityServer's behaviour).
    let refresh_token = code
        .scopes
        .contains(OFFLINE_ACCESS)
        .then_some(())
        .filter(|_| !state.fault(&fault::OFFLINE_WITHOUT_REFRESH))
        .map(|()| tokens::store_refresh(state, client, &grant_id, &claims));
    let access_token = tokens::sign(state, &claims)?;
    // An identity token iff the code carries openid (`TokenResponseGenerator`).
    let id_token = if code.scopes.contains(oidc::OPENID) {
        Some(oidc::id_token(
            state,
            oidc::IdToken {
                client,
                subject: &code.subject,
                nonce: code.nonce.as_deref(),
                access_token: Some(&access_token),
                with_sid: true,
                issuer: &ctx.issuer,
            },
        )?)
    } else {
        None
    };
    Ok(TokenResponse {
        id_token,
        access_token,
        expires_in: client.access_token_lifetime,
        token_type: BEARER.into(),
        refresh_token,
        // The scopes as the client sent them to /authorize, de-duplicated.
        scope: if state.fault(&fault::SCOPE_DROPS_OFFLINE) {
            code.scopes
                .names()
                .iter()
                .filter(|s| *s != OFFLINE_ACCESS)
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            code.scopes.to_param()
        },
    })
}

/// IdentityServer's PKCE checks at the token endpoint; every failure is invalid_grant.
/// Only the verifier's length is checked, not its characters.
fn check_pkce(
    require_pkce: bool,
    challenge: Option<&(crate::protocol::PkceChallenge, String)>,
    verifier: Option<&str>,
    check_length: bool,
) -> Result<(), OAuthError> {
    let invalid = || OAuthError::new(ErrorCode::InvalidGrant);
    let Some((challenge, method)) = challenge else {
        // A verifier for a code issued without a challenge is a downgrade attempt.
        return if require_pkce || verifier.is_some() {
            Err(invalid())
        } else {
            Ok(())
        };
    };
    let verifier = verifier.ok_or_else(invalid)?;
    if check_length && !pkce::length_is_valid(verifier) {
        return Err(invalid());
    }
    let matches = match method.as_str() {
        "S256" => {
            let computed = pkce::s256_challenge(&PkceVerifier::new(verifier));
            constant_time_eq(computed.as_str().as_bytes(), challenge.as_str().as_bytes())
        }
        "plain" => constant_time_eq(verifier.as_bytes(), challenge.as_str().as_bytes()),
        _ => false,
    };
    if matches { Ok(()) } else { Err(invalid()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PkceChallenge;

    #[test]
    fn pkce_rules() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let s256 = (
            PkceChallenge::new("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            "S256".to_owned(),
        );
        assert!(check_pkce(true, Some(&s256), Some(v), true).is_ok());
        assert!(check_pkce(true, Some(&s256), Some(&v.replace('d', "e")), true).is_err());
        assert!(check_pkce(true, Some(&s256), None, true).is_err());
        assert!(
            check_pkce(true, None, Some(v), true).is_err(),
            "RequirePkce without a challenge"
        );
        assert!(check_pkce(false, None, Some(v), true).is_err(), "downgrade");
        assert!(check_pkce(false, None, None, true).is_ok());
        let short = (PkceChallenge::new("a".repeat(42)), "plain".to_owned());
        assert!(
            check_pkce(false, Some(&short), Some(&"a".repeat(42)), true).is_err(),
            "length is checked"
        );
        assert!(check_pkce(false, Some(&short), Some(&"a".repeat(42)), false).is_ok());
        let plain = (PkceChallenge::new("a".repeat(43)), "plain".to_owned());
        assert!(check_pkce(false, Some(&plain), Some(&"a".repeat(43)), true).is_ok());
    }
}
