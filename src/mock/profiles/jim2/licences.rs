//! The licence pool: Jim2's distinctive rule. A token with any scope other than `view`
//! alone holds a licensed user session for its client; the session lives as long as
//! the refresh token, 20 minutes from the client's latest token request, and a new
//! request extends it without taking a second licence. `logoff` releases it. With no
//! free licence, authentication fails. Every time here is the mock's clock.

use std::collections::HashMap;

/// The sessions holding licences, by client id, with the time each ends.
#[derive(Debug, Default)]
pub struct Pool {
    sessions: HashMap<String, i64>,
}

/// What asking for a licence found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The client already held one: its session now ends later.
    Extended,
    /// A free licence was taken.
    Taken,
    /// Every licence is held by another client's live session.
    NoneFree,
}

impl Pool {
    /// Drops sessions that have ended.
    pub fn purge(&mut self, now: i64) {
        self.sessions.retain(|_, ends| *ends > now);
    }

    /// Sessions kept, live or ended but not yet purged (for the bounds tests).
    pub fn sessions_kept(&self) -> usize {
        self.sessions.len()
    }

    /// A licence for `client` until `now + lifetime`, out of `size`. `extend` false
    /// leaves a held session's end where it was (fault `jim2-session-not-sliding`).
    pub fn acquire(
        &mut self,
        client: &str,
        now: i64,
        lifetime: i64,
        size: usize,
        extend: bool,
    ) -> Grant {
        self.purge(now);
        if let Some(ends) = self.sessions.get_mut(client) {
            if extend {
                *ends = now + lifetime;
            }
            return Grant::Extended;
        }
        if self.sessions.len() >= size {
            return Grant::NoneFree;
        }
        self.sessions.insert(client.to_owned(), now + lifetime);
        Grant::Taken
    }

    /// Releases `client`'s licence; whether it held one.
    pub fn release(&mut self, client: &str) -> bool {
        self.sessions.remove(client).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_of_one() {
        let mut p = Pool::default();
        assert_eq!(p.acquire("a", 0, 1200, 1, true), Grant::Taken);
        assert_eq!(p.acquire("b", 10, 1200, 1, true), Grant::NoneFree);
        // A's second request extends its session to 1000 + 1200.
        assert_eq!(p.acquire("a", 1000, 1200, 1, true), Grant::Extended);
        assert_eq!(p.acquire("b", 1300, 1200, 1, true), Grant::NoneFree);
        assert_eq!(p.acquire("b", 2200, 1200, 1, true), Grant::Taken);
        assert_eq!(p.sessions_kept(), 1);
        assert!(p.release("b") && !p.release("b"));
        assert_eq!(p.acquire("a", 2201, 1200, 1, true), Grant::Taken);
    }

    #[test]
    fn without_extension_the_session_ends_from_the_first_request() {
        let mut p = Pool::default();
        p.acquire("a", 0, 1200, 1, false);
        assert_eq!(p.acquire("a", 1000, 1200, 1, false), Grant::Extended);
        // A's session ended 1200 s after its first request: B may have the licence.
        assert_eq!(p.acquire("b", 1200, 1200, 1, false), Grant::Taken);
    }
}
