//! Stores with a ceiling. A record expires on the mock's clock and is swept then, but a
//! caller with valid credentials can make records faster than they expire (codes by the
//! tens of thousands a second, sign-ins that last ten hours): every store is therefore
//! also capped, and inserting into a full one drops its oldest record, with a debug
//! line. The caps are the `Mock:Caps` section of the settings.

use std::collections::{HashMap, VecDeque};

use super::config::{ConfigError, Settings};

/// Mock seconds between sweeps of expired records.
pub const PURGE_INTERVAL: i64 = 60;

/// The most records each kind of store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Sign-in sessions.
    pub sessions: usize,
    /// Authorization codes.
    pub codes: usize,
    /// Refresh tokens (every record of every chain).
    pub refresh_tokens: usize,
    /// What is kept per access token: grant links, revocations, client identifiers.
    pub access_tokens: usize,
    /// A vendor profile's records: Jim2's tokens, ClearID's assertion ids, Beyond
    /// Identity's codes, chains and revocations.
    pub vendor_records: usize,
    /// Requests kept in the journal of what the mock received.
    pub journal: usize,
}

impl Caps {
    /// The default ceiling of every store.
    pub const DEFAULT: usize = 10_000;
    /// The default number of requests the journal keeps: enough for a test's whole
    /// story, a few hundred kilobytes at most.
    pub const JOURNAL: usize = 1_000;

    /// The `Mock:Caps` section: `Sessions`, `Codes`, `RefreshTokens`, `AccessTokens`,
    /// `VendorRecords`, each at least 1; `Journal` (requests remembered, by default
    /// [`Self::JOURNAL`]).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let s = settings.section("Mock:Caps");
        let cap_or = |key: &str, default: usize| -> Result<usize, ConfigError> {
            let at = s.get(key);
            match at.value() {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ConfigError::Conversion {
                        path: at.path().to_owned(),
                        value: v.to_owned(),
                        expected: "a whole number of records, at least 1",
                    }),
            }
        };
        let cap = |key: &str| cap_or(key, Self::DEFAULT);
        Ok(Caps {
            sessions: cap("Sessions")?,
            codes: cap("Codes")?,
            refresh_tokens: cap("RefreshTokens")?,
            access_tokens: cap("AccessTokens")?,
            vendor_records: cap("VendorRecords")?,
            journal: cap_or("Journal", Self::JOURNAL)?,
        })
    }
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            sessions: Self::DEFAULT,
            codes: Self::DEFAULT,
            refresh_tokens: Self::DEFAULT,
            access_tokens: Self::DEFAULT,
            vendor_records: Self::DEFAULT,
            journal: Self::JOURNAL,
        }
    }
}

/// A map of records by handle that keeps at most `cap` of them: inserting a new
/// handle into a full map first drops the oldest record.
#[derive(Debug)]
pub struct Capped<V> {
    map: HashMap<String, V>,
    // Handles in the order they were first inserted; a handle removed since stays here
    // until it reaches the front or the queue is compacted.
    order: VecDeque<String>,
    cap: usize,
    what: &'static str,
}

impl<V> Default for Capped<V> {
    fn default() -> Self {
        Self::new("records", Caps::DEFAULT)
    }
}

impl<V> Capped<V> {
    /// An empty map of `what` (for the debug line) keeping at most `cap` records.
    pub fn new(what: &'static str, cap: usize) -> Self {
        Capped {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
            what,
        }
    }

    /// Inserts or replaces the record of `handle`; a new handle in a full map drops
    /// the oldest record first.
    pub fn insert(&mut self, handle: String, value: V) -> Option<V> {
        if let Some(old) = self.map.get_mut(&handle) {
            return Some(std::mem::replace(old, value));
        }
        while self.map.len() >= self.cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if self.map.remove(&oldest).is_some() {
                tracing::debug!(
                    store = self.what,
                    cap = self.cap,
                    "store full: its oldest record dropped"
                );
            }
        }
        self.order.push_back(handle.clone());
        self.map.insert(handle, value);
        // Handles removed out of order are forgotten now and then, so the queue stays
        // within twice the map.
        if self.order.len() > 2 * self.cap.max(self.map.len()) + 16 {
            let map = &self.map;
            self.order.retain(|h| map.contains_key(h));
        }
        None
    }

    /// The record of `handle`.
    pub fn get(&self, handle: &str) -> Option<&V> {
        self.map.get(handle)
    }

    /// The record of `handle`, to change.
    pub fn get_mut(&mut self, handle: &str) -> Option<&mut V> {
        self.map.get_mut(handle)
    }

    /// Whether `handle` has a record.
    pub fn contains_key(&self, handle: &str) -> bool {
        self.map.contains_key(handle)
    }

    /// Removes and answers the record of `handle`.
    pub fn remove(&mut self, handle: &str) -> Option<V> {
        self.map.remove(handle)
    }

    /// Keeps only the records `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.map.retain(|k, v| keep(k, v));
        let map = &self.map;
        self.order.retain(|h| map.contains_key(h));
    }

    /// Every record.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.map.values()
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_map_drops_its_oldest_record() {
        let mut m = Capped::new("codes", 3);
        for i in 0..3 {
            m.insert(format!("c{i}"), i);
        }
        m.insert("c1".into(), 10);
        assert_eq!(m.len(), 3, "replacing is not inserting");
        m.insert("c3".into(), 3);
        assert!(!m.contains_key("c0") && m.contains_key("c1") && m.contains_key("c3"));
        m.remove("c1");
        m.insert("c4".into(), 4);
        m.insert("c5".into(), 5);
        assert_eq!(m.len(), 3);
        assert!(!m.contains_key("c2"), "the oldest still there went");
        for i in 6..1000 {
            m.insert(format!("c{i}"), i);
            m.remove(&format!("c{i}"));
        }
        assert!(m.order.len() <= 2 * 3 + 16 + 1, "the queue stays bounded");
    }
}
