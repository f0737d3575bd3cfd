//! What the auth server remembers between requests: sign-in sessions, authorization
//! codes, refresh tokens and revoked access tokens. Held behind a std `Mutex` in the
//! shared state: every operation is a short map update with no `.await` inside.
//!
//! Expiry is decided by comparing with the mock's clock when a record is used. What has
//! expired is also dropped, so memory stays bounded however long the mock runs: the
//! shared state calls [`Store::purge_due`] each time it hands the store out, which
//! sweeps at most once a minute of mock time (moving the clock forward frees expired
//! records at the next request). Nothing an unauthenticated caller sends is stored:
//! sessions need a password, codes a session, and error pages carry their message in
//! their URL, as IdentityServer's protected message store does.

use std::collections::HashSet;

use super::capped::{Capped, Caps};

use crate::protocol::jwt::AccessTokenClaims;
use crate::protocol::{PkceChallenge, Scopes};

/// How long a sign-in session lasts: IdentityServer's `CookieLifetime` default, 10 hours
/// from sign-in, not sliding (`CookieSlidingExpiration` is off by default).
pub const SESSION_LIFETIME: i64 = 10 * 3600;

pub use crate::mock::capped::PURGE_INTERVAL;

/// Who signed in, as the access tokens of their grants name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Subject id (the person's MyID id).
    pub sub: String,
    /// The logon name.
    pub username: String,
    /// When they signed in.
    pub auth_time: i64,
    /// Identity provider, `local`.
    pub idp: String,
    /// Authentication methods, `["pwd"]`.
    pub amr: Vec<String>,
    /// The sign-in session id (`sid`), 32 uppercase hex.
    pub sid: String,
}

/// A pending authorization code.
#[derive(Debug, Clone)]
pub struct AuthorizationCode {
    /// The client it was issued to.
    pub client_id: String,
    /// The `redirect_uri` sent to /authorize, compared exactly at /token.
    pub redirect_uri: String,
    /// Requested scopes in request order, de-duplicated.
    pub scopes: Scopes,
    /// The PKCE challenge and its method, when one was sent.
    pub challenge: Option<(PkceChallenge, String)>,
    /// The signed-in user.
    pub subject: Subject,
    /// Creation time.
    pub created: i64,
    /// Lifetime at creation (`AuthorizationCodeLifetime`).
    pub lifetime: i64,
    /// The `nonce` sent to /authorize, mirrored in the identity token.
    pub nonce: Option<String>,
}

/// A refresh token's record.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    /// The grant (code exchange) the token descends from.
    pub grant_id: String,
    /// The client it belongs to.
    pub client_id: String,
    /// Creation time of the *first* token of the chain; sliding expiry counts from it.
    pub created: i64,
    /// Current lifetime in seconds from `created`.
    pub lifetime: i64,
    /// Used already (one-time-only tokens are marked, not deleted, in IdentityServer4 v4).
    pub consumed: bool,
    /// The access token of the grant, re-serialised on refresh.
    pub access_token: AccessTokenClaims,
}

/// The auth server's memory, each map capped ([`Caps`]).
#[derive(Debug, Default)]
pub struct Store {
    /// Session handle (cookie value) → subject.
    sessions: Capped<Subject>,
    /// Code handle → code.
    codes: Capped<AuthorizationCode>,
    /// Refresh handle → record.
    refresh_tokens: Capped<RefreshRecord>,
    /// Access-token `jti` → (grant id, `exp`), so revoking an access token can reach
    /// its grant.
    access_grants: Capped<(String, i64)>,
    /// Revoked access tokens (`jti` → `exp`): MyID records these so the Core API refuses
    /// them from then on (manual §4.5).
    revoked_access_tokens: Capped<i64>,
    /// Access-token `jti` → (the `CLIENT_IDENTIFIER` sent with its grant request, `exp`):
    /// MyID captures the identifier on the grant request (manual §3.3.2) and its audit
    /// records it for what the token then does.
    client_identifiers: Capped<(String, i64)>,
    /// Client assertion ids already spent (`private_key_jwt`), IdentityServer's replay
    /// cache.
    client_assertions: crate::mock::assertion::SpentIds,
    /// When the next sweep of expired records is due (mock time).
    next_purge: i64,
}

/// What the error page shows (IdentityServer's `ErrorMessage`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorMessage {
    /// The OAuth error.
    pub error: String,
    /// The description.
    pub description: String,
    /// The client, when known.
    pub client_id: Option<String>,
}

impl Store {
    /// An empty store with these caps.
    pub fn with_caps(caps: &Caps) -> Self {
        Store {
            sessions: Capped::new("sessions", caps.sessions),
            codes: Capped::new("codes", caps.codes),
            refresh_tokens: Capped::new("refresh tokens", caps.refresh_tokens),
            access_grants: Capped::new("access-token grants", caps.access_tokens),
            revoked_access_tokens: Capped::new("revoked access tokens", caps.access_tokens),
            client_identifiers: Capped::new("client identifiers", caps.access_tokens),
            client_assertions: crate::mock::assertion::SpentIds::new(
                "client assertion ids",
                caps.codes,
            ),
            next_purge: 0,
        }
    }

    /// A user signed in: the session behind the cookie `handle`.
    pub fn start_session(&mut self, handle: String, subject: Subject) {
        self.sessions.insert(handle, subject);
    }

    /// A session of the user `sub` (any, when there are several).
    pub fn session_of(&self, sub: &str) -> Option<Subject> {
        self.sessions.values().find(|s| s.sub == sub).cloned()
    }

    /// The user signed out: the session is gone.
    pub fn end_session(&mut self, handle: &str) {
        self.sessions.remove(handle);
    }

    /// A code issued, to be redeemed once.
    pub fn issue_code(&mut self, handle: String, code: AuthorizationCode) {
        self.codes.insert(handle, code);
    }

    /// The code behind `handle`, still unredeemed, without redeeming it.
    pub fn code(&self, handle: &str) -> Option<&AuthorizationCode> {
        self.codes.get(handle)
    }

    /// Redeems a code: it works once, so it is gone after.
    pub fn redeem_code(&mut self, handle: &str) -> Option<AuthorizationCode> {
        self.codes.remove(handle)
    }

    /// A refresh token issued (or its record carried on to its successor).
    pub fn keep_refresh(&mut self, handle: String, record: RefreshRecord) {
        self.refresh_tokens.insert(handle, record);
    }

    /// The record of a refresh token.
    pub fn refresh(&self, handle: &str) -> Option<&RefreshRecord> {
        self.refresh_tokens.get(handle)
    }

    /// Sets a refresh token's lifetime (seconds from its chain's start): a minted
    /// token's, as a test asks for it.
    pub fn set_refresh_lifetime(&mut self, handle: &str, lifetime: i64) {
        if let Some(r) = self.refresh_tokens.get_mut(handle) {
            r.lifetime = lifetime;
        }
    }

    /// Spends a one-time refresh token: it stays recorded, marked used, as
    /// IdentityServer4 v4 keeps it (so a reuse is told apart from an unknown token).
    pub fn spend_refresh(&mut self, handle: &str) {
        if let Some(used) = self.refresh_tokens.get_mut(handle) {
            used.consumed = true;
        }
    }

    /// Links an access token to the grant it came from, so revoking it reaches the
    /// grant's refresh tokens.
    pub fn link_grant(&mut self, jti: String, grant_id: String, exp: i64) {
        self.access_grants.insert(jti, (grant_id, exp));
    }

    /// The grant an access token came from.
    pub fn grant_of(&self, jti: &str) -> Option<&str> {
        self.access_grants.get(jti).map(|(grant, _)| grant.as_str())
    }

    /// Records an access token as revoked until it would have expired (manual §4.5).
    pub fn revoke_access_token(&mut self, jti: String, exp: i64) {
        self.revoked_access_tokens.insert(jti, exp);
    }

    /// Whether an access token was revoked.
    pub fn is_revoked(&self, jti: &str) -> bool {
        self.revoked_access_tokens.contains_key(jti)
    }

    /// Keeps the `CLIENT_IDENTIFIER` of an access token's grant request for its life.
    pub fn remember_client_identifier(&mut self, jti: String, identifier: String, exp: i64) {
        self.client_identifiers.insert(jti, (identifier, exp));
    }

    /// The `CLIENT_IDENTIFIER` an access token's grant request carried.
    pub fn client_identifier(&self, jti: &str) -> Option<&str> {
        self.client_identifiers.get(jti).map(|(id, _)| id.as_str())
    }

    /// Removes every refresh token of a grant (MyID: revocation invalidates them).
    pub fn kill_grant(&mut self, grant_id: &str) -> usize {
        let before = self.refresh_tokens.len();
        self.refresh_tokens.retain(|_, r| r.grant_id != grant_id);
        before - self.refresh_tokens.len()
    }

    /// Forgets what has expired by `now`. Only memory hygiene: every use checks expiry
    /// itself. An access token's grant link outlives the token while the grant's
    /// refresh tokens live, since a refresh re-issues the same `jti`.
    pub fn purge(&mut self, now: i64) {
        self.sessions
            .retain(|_, s| now < s.auth_time + SESSION_LIFETIME);
        self.codes.retain(|_, c| now <= c.created + c.lifetime);
        self.refresh_tokens
            .retain(|_, r| now <= r.created + r.lifetime);
        self.revoked_access_tokens.retain(|_, exp| now <= *exp);
        self.client_identifiers.retain(|_, (_, exp)| now <= *exp);
        let live: HashSet<&str> = self
            .refresh_tokens
            .values()
            .map(|r| r.grant_id.as_str())
            .collect();
        self.access_grants
            .retain(|_, (grant, exp)| now <= *exp || live.contains(grant.as_str()));
    }

    /// Runs [`Self::purge`] when a sweep is due, so its cost is paid once a minute of
    /// mock time rather than on every request.
    pub fn purge_due(&mut self, now: i64) {
        if now >= self.next_purge {
            self.purge(now);
            self.next_purge = now.saturating_add(PURGE_INTERVAL);
        }
    }

    /// How many records each map holds: sessions, codes, refresh tokens, access-token
    /// grant links, revoked access tokens.
    pub fn counts(&self) -> [usize; 5] {
        [
            self.sessions.len(),
            self.codes.len(),
            self.refresh_tokens.len(),
            self.access_grants.len(),
            self.revoked_access_tokens.len(),
        ]
    }

    /// The spent client assertion ids.
    pub fn client_assertions(&mut self) -> &mut crate::mock::assertion::SpentIds {
        &mut self.client_assertions
    }

    /// The session behind a cookie, while it lasts.
    pub fn session(&self, handle: &str, now: i64) -> Option<Subject> {
        self.sessions
            .get(handle)
            .filter(|s| now < s.auth_time + SESSION_LIFETIME)
            .cloned()
    }
}
