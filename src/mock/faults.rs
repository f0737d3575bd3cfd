//! Named faults: switches that make the mock deliberately non-conformant in one
//! specific way, so the harness can be proved to catch servers that get a rule wrong.
//! The catalogue is the one registry: `myid-conformance faults` prints it, `serve` and
//! `check` take `--fault NAME`, the control plane toggles them, and the self-test
//! checks that the scenarios named here fail when their fault is on.

use std::sync::atomic::{AtomicU64, Ordering};

/// A deliberate departure from the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // Each variant is documented by its catalogue entry.
pub enum Fault {
    CodeReuse,
    PkceIgnored,
    PlainAccepted,
    VerifierLengthUnchecked,
    RedirectMismatchAccepted,
    WrongSecretAccepted,
    InvalidClientMislabelled,
    NoStoreMissing,
    TokenTypeWrong,
    ExpiresInMismatch,
    WrongAudience,
    UnpublishedKey,
    RefreshReusable,
    SlidingIgnored,
    AbsoluteIgnored,
    RefreshSurvivesRevocation,
    StateNotEchoed,
    IssuerTrailingSlash,
    CorsAnyOrigin,
    ApiAcceptsExpired,
    ApiAcceptsRevoked,
    ApiIgnoresPermissions,
    ApiIgnoresScope,
    WrongWsCode,
    PagingDuplicates,
    PagingDrops,
    NextPageNeverEnds,
    EmptyImageAccepted,
    DirectoryPasswordShown,
    DiscoveryMisplacesToken,
    OpenRedirect,
    AudienceMissing,
    Jim2LicenceNotReleased,
    Jim2ViewTakesLicence,
    Jim2PoolUnbounded,
    Jim2SessionNotSliding,
    ClearIdAssertionUnverified,
    ClearIdAudienceIgnored,
    ClearIdExpiredAssertion,
    ClearIdSignsRs256,
    BiCustomClaimsDropped,
    BiExpirationIgnored,
    BiRevokedStillActive,
    BiPublicWithoutPkce,
    BiRotationIgnored,
    BiRefreshWhenDisabled,
    BiNoIdToken,
    IdTokenNonceDropped,
    SessionSurvivesLogout,
    UserinfoIgnoresScope,
}

/// A catalogue entry: what the fault breaks, the rule, and which scenarios catch it
/// (feature tag, scenario name).
#[derive(Debug, Clone, Copy)]
pub struct FaultInfo {
    /// The fault.
    pub fault: Fault,
    /// Its name on the command line.
    pub name: &'static str,
    /// What the server then does wrong.
    pub breaks: &'static str,
    /// The rule it breaks.
    pub rule: &'static str,
    /// The scenarios that must fail with it on: (feature tag, scenario name).
    pub caught_by: &'static [(&'static str, &'static str)],
}

macro_rules! entry {
    ($fault:ident, $name:literal, $breaks:literal, $rule:literal, [$(($tag:literal, $scenario:literal)),+ $(,)?]) => {
        FaultInfo { fault: Fault::$fault, name: $name, breaks: $breaks, rule: $rule, caught_by: &[$(($tag, $scenario)),+] }
    };
}

/// Every fault.
pub const CATALOGUE: [FaultInfo; 50] = [
    entry!(
        CodeReuse,
        "code-reuse",
        "an authorization code can be exchanged twice",
        "RFC6749-4.1.2",
        [("@authorization_code", "A code works once")]
    ),
    entry!(
        PkceIgnored,
        "pkce-ignored",
        "the code_verifier is not checked at all",
        "RFC7636-4.6",
        [
            (
                "@authorization_code",
                "The verifier must match the challenge"
            ),
            (
                "@authorization_code",
                "With both required, the secret alone is not enough"
            )
        ]
    ),
    entry!(
        PlainAccepted,
        "plain-accepted",
        "code_challenge_method=plain is accepted although the client forbids it",
        "RFC9700-2.1.1",
        [(
            "@authorization_code",
            "IdentityServer's error page names the error"
        )]
    ),
    entry!(
        VerifierLengthUnchecked,
        "verifier-length-unchecked",
        "verifiers shorter than 43 or longer than 128 characters are accepted",
        "RFC7636-4.1",
        [(
            "@authorization_code",
            "The verifier must have 43 to 128 characters"
        )]
    ),
    entry!(
        RedirectMismatchAccepted,
        "redirect-mismatch-accepted",
        "the code exchange accepts a redirect_uri other than the one sent to authorize",
        "RFC6749-4.1.3",
        [(
            "@authorization_code",
            "The redirect_uri must be the one sent to authorize"
        )]
    ),
    entry!(
        WrongSecretAccepted,
        "wrong-secret-accepted",
        "a confidential client authenticates with any secret",
        "RFC6749-2.3.1",
        [(
            "@client_credentials",
            "Client authentication failures are invalid_client"
        )]
    ),
    entry!(
        InvalidClientMislabelled,
        "invalid-client-mislabelled",
        "client authentication failures are answered invalid_request",
        "RFC6749-5.2",
        [(
            "@client_credentials",
            "Client authentication failures are invalid_client"
        )]
    ),
    entry!(
        NoStoreMissing,
        "no-store-missing",
        "token responses lack Cache-Control: no-store",
        "RFC6749-5.1",
        [(
            "@client_credentials",
            "A token through HTTP Basic, as the manual shows it"
        )]
    ),
    entry!(
        TokenTypeWrong,
        "token-type-wrong",
        "token_type is not Bearer",
        "RFC6749-5.1",
        [(
            "@client_credentials",
            "A token through HTTP Basic, as the manual shows it"
        )]
    ),
    entry!(
        ExpiresInMismatch,
        "expires-in-mismatch",
        "expires_in does not match the token's exp - nbf",
        "MyID-3.3.1",
        [(
            "@client_credentials",
            "The access token verifies with the keys found through discovery"
        )]
    ),
    entry!(
        WrongAudience,
        "wrong-audience",
        "access tokens name an audience other than myid.rest",
        "RFC9068-2.2",
        [(
            "@client_credentials",
            "The access token verifies with the keys found through discovery"
        )]
    ),
    entry!(
        UnpublishedKey,
        "unpublished-key",
        "access tokens name a signing key that is not in the JWKS",
        "RFC9068-4",
        [(
            "@client_credentials",
            "The access token verifies with the keys found through discovery"
        )]
    ),
    entry!(
        RefreshReusable,
        "refresh-reusable",
        "a refresh token can be used more than once",
        "MyID-4.4.4",
        [("@refresh", "A refresh token works once")]
    ),
    entry!(
        SlidingIgnored,
        "sliding-ignored",
        "refresh tokens do not expire after the sliding lifetime",
        "MyID-4.4",
        [(
            "@refresh",
            "An unused refresh token expires after the sliding lifetime"
        )]
    ),
    entry!(
        AbsoluteIgnored,
        "absolute-ignored",
        "refreshing extends the chain past the absolute lifetime",
        "MyID-4.4",
        [(
            "@refresh",
            "The absolute lifetime ends the chain, however often it is refreshed"
        )]
    ),
    entry!(
        RefreshSurvivesRevocation,
        "refresh-survives-revocation",
        "revoking a token leaves the grant's refresh tokens usable",
        "MyID-4.5",
        [
            (
                "@revocation",
                "Revoking an access token ends its refresh tokens too (manual §4.5)"
            ),
            ("@revocation", "A revoked refresh token is refused")
        ]
    ),
    entry!(
        StateNotEchoed,
        "state-not-echoed",
        "the authorization response drops state",
        "RFC6749-4.1.2",
        [(
            "@authorization_code",
            "The state comes back exactly as sent"
        )]
    ),
    entry!(
        IssuerTrailingSlash,
        "issuer-trailing-slash",
        "the discovery issuer has a trailing slash",
        "OIDC-Discovery-4.3",
        [(
            "@discovery",
            "The discovery document describes the auth server"
        )]
    ),
    entry!(
        CorsAnyOrigin,
        "cors-any-origin",
        "every origin is allowed by CORS",
        "MyID-4.1.3",
        [("@cors", "Other origins are not allowed")]
    ),
    entry!(
        ApiAcceptsExpired,
        "api-accepts-expired",
        "the Core API accepts expired access tokens",
        "RFC6750-3.1",
        [("@authentication", "An expired token is refused")]
    ),
    entry!(
        ApiAcceptsRevoked,
        "api-accepts-revoked",
        "the Core API accepts revoked access tokens",
        "MyID-4.5",
        [(
            "@authentication",
            "A revoked token is refused from then on (manual §4.5)"
        )]
    ),
    entry!(
        ApiIgnoresPermissions,
        "api-ignores-permissions",
        "the Core API lets any user do anything (no 403)",
        "MyID-2.2",
        [("@authentication", "A missing permission is 403 WS50000")]
    ),
    entry!(
        ApiIgnoresScope,
        "api-ignores-scope",
        "the Core API shows people outside the user's scope",
        "MyID-2.2.1",
        [("@scope", "A department-scoped user sees only its own group")]
    ),
    entry!(
        WrongWsCode,
        "wrong-ws-code",
        "a missing mandatory field is answered WS30001 instead of WS30015",
        "MyID-8.8.6",
        [("@errors", "Adding a person checks what MyID requires")]
    ),
    entry!(
        PagingDuplicates,
        "paging-duplicates",
        "each report page repeats the last row of the page before",
        "MyID-8.14",
        [("@paging", "Walking the requests report (100406)")]
    ),
    entry!(
        PagingDrops,
        "paging-drops",
        "each report page after the first skips a row",
        "MyID-8.14",
        [("@paging", "The order does not change which rows there are")]
    ),
    entry!(
        NextPageNeverEnds,
        "next-page-never-ends",
        "every report page links to a next page",
        "MyID-8.14",
        [("@paging", "Walking the requests report (100406)")]
    ),
    entry!(
        EmptyImageAccepted,
        "empty-image-accepted",
        "a zero-length image is stored instead of refused",
        "MyID-8.10.7",
        [(
            "@requests",
            "An empty image is refused with problem details"
        )]
    ),
    entry!(
        DirectoryPasswordShown,
        "directory-password-shown",
        "directory reads include the password",
        "MyID-7",
        [("@directories", "Directories never show their password")]
    ),
    // Caught only by a harness that finds endpoints through discovery, as clients do.
    entry!(
        DiscoveryMisplacesToken,
        "discovery-misplaces-token",
        "the discovery document names a token endpoint the server does not serve",
        "RFC8414-2",
        [(
            "@client_credentials",
            "A token through HTTP Basic, as the manual shows it"
        )]
    ),
    // Caught only by a harness that judges a redirect's Location instead of following it.
    entry!(
        OpenRedirect,
        "open-redirect",
        "authorize sends the user to any redirect_uri, registered or not",
        "RFC6749-4.1.2.1",
        [(
            "@authorization_code",
            "An untrusted client or redirect_uri never gets the user back"
        )]
    ),
    // Caught only if MyID's known "no sub" deviation excuses that finding and no other.
    entry!(
        AudienceMissing,
        "audience-missing",
        "access tokens carry no aud claim",
        "RFC9068-2.2",
        [(
            "@client_credentials",
            "The access token against the strict JWT profile"
        )]
    ),
    // Jim2 (`serve --profile jim2`): caught by the scenarios tagged @jim2.
    entry!(
        Jim2LicenceNotReleased,
        "jim2-licence-not-released",
        "logoff ends the tokens but keeps the licence held",
        "Jim2-token-logoff",
        [("@jim2", "Logging off gives the licence back")]
    ),
    entry!(
        Jim2ViewTakesLicence,
        "jim2-view-takes-licence",
        "a token with scope view alone takes a licence",
        "Jim2-token-view",
        [("@jim2", "A view token needs no licence")]
    ),
    entry!(
        Jim2PoolUnbounded,
        "jim2-pool-unbounded",
        "full-access tokens are issued however many licences are held",
        "Jim2-token-licence",
        [(
            "@jim2",
            "With every licence held, a full-access token is refused"
        )]
    ),
    entry!(
        Jim2SessionNotSliding,
        "jim2-session-not-sliding",
        "a new token request does not extend the licensed session",
        "Jim2-token-refresh-lifetime",
        [("@jim2", "Each token request extends the licensed session")]
    ),
    // Genetec ClearID (`serve --profile clearid`): caught by the scenarios tagged @clearid.
    entry!(
        ClearIdAssertionUnverified,
        "clearid-assertion-unverified",
        "a jwt-bearer assertion is accepted without checking its signature",
        "RFC7523-3",
        [(
            "@clearid",
            "An assertion signed with another key is refused"
        )]
    ),
    entry!(
        ClearIdAudienceIgnored,
        "clearid-audience-ignored",
        "an assertion naming another audience is accepted",
        "RFC7523-3",
        [("@clearid", "An assertion for another audience is refused")]
    ),
    entry!(
        ClearIdExpiredAssertion,
        "clearid-expired-assertion",
        "an expired assertion is accepted",
        "RFC7523-3",
        [("@clearid", "An expired assertion is refused")]
    ),
    entry!(
        ClearIdSignsRs256,
        "clearid-signs-rs256",
        "access tokens are signed RS256 instead of ClearID's RS512",
        "ClearID-access-token",
        [("@clearid", "A token as ClearID's samples show it")]
    ),
    // Beyond Identity (`serve --profile beyond-identity`): caught by @beyond_identity.
    entry!(
        BiCustomClaimsDropped,
        "bi-custom-claims-dropped",
        "custom_claims never reach the token as bi_custom",
        "BI-custom-claims",
        [("@beyond_identity", "Custom claims travel as bi_custom")]
    ),
    entry!(
        BiExpirationIgnored,
        "bi-expiration-ignored",
        "expiration_time is ignored: tokens live the application's Expires",
        "BI-expiration-time",
        [(
            "@beyond_identity",
            "expiration_time shortens the token's life"
        )]
    ),
    entry!(
        BiRevokedStillActive,
        "bi-revoked-still-active",
        "introspection reports a revoked token active",
        "RFC7662-2.2",
        [(
            "@beyond_identity",
            "A revoked token introspects as inactive"
        )]
    ),
    entry!(
        BiPublicWithoutPkce,
        "bi-public-without-pkce",
        "a public application gets a code, and tokens for it, without PKCE",
        "BI-pkce-public",
        [(
            "@beyond_identity",
            "A public application cannot sign in without PKCE"
        )]
    ),
    entry!(
        BiRotationIgnored,
        "bi-rotation-ignored",
        "with Rotate on, a used refresh token still works",
        "BI-refresh-rotate",
        [(
            "@beyond_identity",
            "With rotation on, a used refresh token is spent"
        )]
    ),
    entry!(
        BiRefreshWhenDisabled,
        "bi-refresh-when-disabled",
        "an application without refresh tokens enabled is given one",
        "BI-refresh-enabled",
        [(
            "@beyond_identity",
            "No refresh token for an application that has not enabled them"
        )]
    ),
    entry!(
        BiNoIdToken,
        "bi-no-id-token",
        "an OIDC application's code exchange with openid returns no id_token",
        "BI-token-response",
        [(
            "@beyond_identity",
            "An OIDC application's code flow, as BI's docs show it"
        )]
    ),
    // OpenID Connect (MyID's web.oauth2).
    entry!(
        IdTokenNonceDropped,
        "id-token-nonce-dropped",
        "the identity token does not carry the nonce of the request",
        "OIDC-Core-3.1.3.7",
        [(
            "@oidc",
            "Signing in with OpenID gives an id_token the client can verify"
        )]
    ),
    entry!(
        SessionSurvivesLogout,
        "session-survives-logout",
        "logging out shows the logged-out page but keeps the sign-in session",
        "IS4-end-session",
        [("@oidc", "IdentityServer's end session signs the user out")]
    ),
    entry!(
        UserinfoIgnoresScope,
        "userinfo-ignores-scope",
        "userinfo answers for an access token without openid",
        "RFC6750-3.1",
        [(
            "@oidc",
            "IdentityServer's userinfo wants openid in the token"
        )]
    ),
];

impl Fault {
    /// The catalogue entry.
    pub fn info(self) -> &'static FaultInfo {
        CATALOGUE
            .iter()
            .find(|i| i.fault == self)
            .unwrap_or(&CATALOGUE[0])
    }

    /// The fault with this name.
    pub fn parse(name: &str) -> Option<Fault> {
        CATALOGUE.iter().find(|i| i.name == name).map(|i| i.fault)
    }

    fn bit(self) -> u64 {
        1 << CATALOGUE.iter().position(|i| i.fault == self).unwrap_or(0)
    }
}

/// Fault `absolute-ignored`: a refresh slides the chain on by the sliding lifetime
/// with no absolute cap. A fault's arithmetic is kept here, with the catalogue, rather
/// than in the decision code: it is the self-test's instrument, and cargo-mutants
/// (which mutates the decision code) need not prove how far a fault breaks a rule,
/// only the self-test that it does.
pub fn absolute_ignored_lifetime(
    client: &crate::mock::config::Client,
    record: &crate::mock::store::RefreshRecord,
    now: i64,
) -> i64 {
    now - record.created + client.sliding_refresh_token_lifetime
}

/// Fault `expires-in-mismatch`: the `expires_in` a token response states, a minute
/// longer than the token lives.
pub fn mismatched_expires_in(expires_in: i64) -> i64 {
    expires_in + 60
}

/// Faults `paging-duplicates` and `paging-drops`: a page after the first starts a row
/// early, repeating the last row of the page before, or a row late, dropping one.
pub fn shifted_page_start(
    state: &crate::mock::state::AppState,
    page: usize,
    start: usize,
) -> usize {
    let mut start = start;
    if page > 1 && state.fault(Fault::PagingDuplicates) {
        start -= 1;
    }
    if page > 1 && state.fault(Fault::PagingDrops) {
        start += 1;
    }
    start
}

/// The faults switched on in one mock; read on every request, so a lock-free bitset.
#[derive(Debug, Default)]
pub struct FaultSet(AtomicU64);

impl FaultSet {
    /// A set holding `faults`.
    pub fn new(faults: &[Fault]) -> Self {
        FaultSet(AtomicU64::new(
            faults.iter().fold(0, |acc, f| acc | f.bit()),
        ))
    }

    /// Whether `fault` is on.
    pub fn on(&self, fault: Fault) -> bool {
        self.0.load(Ordering::Relaxed) & fault.bit() != 0
    }

    /// Switches `fault` on or off.
    pub fn set(&self, fault: Fault, on: bool) {
        if on {
            self.0.fetch_or(fault.bit(), Ordering::Relaxed);
        } else {
            self.0.fetch_and(!fault.bit(), Ordering::Relaxed);
        }
    }

    /// The faults that are on, in catalogue order.
    pub fn list(&self) -> Vec<&'static str> {
        CATALOGUE
            .iter()
            .filter(|i| self.on(i.fault))
            .map(|i| i.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for (i, entry) in CATALOGUE.iter().enumerate() {
            assert_eq!(Fault::parse(entry.name), Some(entry.fault));
            assert!(
                CATALOGUE[..i]
                    .iter()
                    .all(|e| e.name != entry.name && e.fault != entry.fault)
            );
            assert!(!entry.caught_by.is_empty());
        }
        let set = FaultSet::new(&[Fault::CodeReuse]);
        assert!(set.on(Fault::CodeReuse) && !set.on(Fault::PkceIgnored));
        set.set(Fault::PkceIgnored, true);
        set.set(Fault::CodeReuse, false);
        assert_eq!(set.list(), ["pkce-ignored"]);
    }
}
