//! The `jti` values of live tokens, so that a token is accepted once. Each
//! is forgotten when its token expires; the number remembered is bounded.

use std::collections::{BTreeSet, HashSet};

/// What remembering a token's `jti` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    /// First time: accepted and now remembered.
    New,
    /// Seen before: a replay.
    Replayed,
    /// The cache is full of live tokens (refuse for now).
    Full,
}

/// Live `(iss, jti)` pairs with their expiry (unix seconds).
#[derive(Debug)]
pub struct ReplayCache {
    live: HashSet<(String, String)>,
    by_expiry: BTreeSet<(u64, String, String)>,
    capacity: usize,
}

impl ReplayCache {
    /// An empty cache holding at most `capacity` live tokens.
    pub fn new(capacity: usize) -> ReplayCache {
        ReplayCache {
            live: HashSet::new(),
            by_expiry: BTreeSet::new(),
            capacity,
        }
    }

    /// Forgets what expired by `now`, then remembers `(iss, jti)` until `expires`.
    pub fn remember(&mut self, iss: &str, jti: &str, expires: u64, now: u64) -> Remembered {
        while let Some(first) = self.by_expiry.first() {
            if first.0 >= now {
                break;
            }
            if let Some((_, i, j)) = self.by_expiry.pop_first() {
                self.live.remove(&(i, j));
            }
        }
        let key = (iss.to_owned(), jti.to_owned());
        if self.live.contains(&key) {
            return Remembered::Replayed;
        }
        if self.live.len() >= self.capacity {
            return Remembered::Full;
        }
        self.by_expiry
            .insert((expires, key.0.clone(), key.1.clone()));
        self.live.insert(key);
        Remembered::New
    }

    /// How many tokens are remembered.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_until_expiry_and_bounded() {
        let mut c = ReplayCache::new(2);
        assert_eq!(c.remember("a", "1", 100, 10), Remembered::New);
        assert_eq!(c.remember("a", "1", 100, 20), Remembered::Replayed);
        assert_eq!(c.remember("b", "1", 100, 20), Remembered::New);
        assert_eq!(c.remember("a", "2", 100, 20), Remembered::Full);
        // After expiry both are forgotten.
        assert_eq!(c.remember("a", "2", 300, 101), Remembered::New);
        assert_eq!(c.len(), 1);
        assert_eq!(c.remember("a", "1", 300, 101), Remembered::New);
        assert_eq!(c.remember("a", "1", 300, 102), Remembered::Replayed);
    }
}
