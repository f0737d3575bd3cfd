//! What the Jim2 mock holds: the licence pool and the access tokens it has issued, each
//! token dropped once expired on the mock's clock. The sweep is memory keeping only —
//! every read checks a token's expiry itself — so it lives here, beside the records,
//! as MyID's sweep lives in `mock/store.rs`; `tests/bounds.rs` proves the store empties.

use std::sync::Mutex;

use super::licences::Pool;
use crate::mock::capped::{Capped, Caps};
use crate::mock::state::AppState;
use crate::mock::store::PURGE_INTERVAL;

/// What one access token stands for.
#[derive(Debug, Clone)]
pub(super) struct Issued {
    pub client: String,
    pub expires: i64,
}

/// The licence pool and the issued access tokens (capped, [`Caps::vendor_records`]).
#[derive(Debug, Default)]
pub(super) struct Store {
    pub pool: Pool,
    pub access: Capped<Issued>,
    next_purge: i64,
}

/// The mock's Jim2 store, made on first use.
pub(super) fn of(app: &AppState) -> std::sync::Arc<Mutex<Store>> {
    app.vendor_store(|caps: &Caps| {
        Mutex::new(Store {
            access: Capped::new("Jim2 access tokens", caps.vendor_records),
            ..Store::default()
        })
    })
    .unwrap_or_default()
}

impl Store {
    /// Sweeps out what has expired, at most once a mock minute.
    pub fn purge_due(&mut self, now: i64) {
        if now < self.next_purge {
            return;
        }
        self.next_purge = now.saturating_add(PURGE_INTERVAL);
        self.pool.purge(now);
        self.access.retain(|_, t| t.expires > now);
    }

    /// Access tokens and licensed sessions held, live or not yet swept.
    pub fn held(&self) -> usize {
        self.access.len() + self.pool.sessions_kept()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_tokens_are_swept_on_the_clock() {
        let mut s = Store::default();
        let issued = |expires| Issued {
            client: "a".into(),
            expires,
        };
        s.access.insert("x".into(), issued(100));
        s.purge_due(101);
        assert!(s.access.is_empty());
        s.access.insert("z".into(), issued(120));
        // The next sweep is a minute after the last: 161.
        s.purge_due(150);
        assert_eq!(s.access.len(), 1);
        s.purge_due(161);
        assert!(s.access.is_empty());
    }
}
