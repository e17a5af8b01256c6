//! The `jti` values of live tokens, so that a token is accepted once. Each
//! is forgotten when its token expires; the number remembered is bounded.
//!
//! A token is remembered by the first 128 bits of SHA-256 over its issuer
//! and `jti` (about 70 bytes a token with the expiry index), not by the
//! strings: at 5,000 calls a second with 5-minute tokens that is 1.65 M
//! tokens in about 115 MB. Two different tokens colliding would need a
//! SHA-256 collision on 128 bits.

use sha2::{Digest, Sha256};
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

/// Live tokens with their expiry (unix seconds).
#[derive(Debug)]
pub struct ReplayCache {
    live: HashSet<u128>,
    by_expiry: BTreeSet<(u64, u128)>,
    capacity: usize,
}

fn key(iss: &str, jti: &str) -> u128 {
    let mut h = Sha256::new();
    h.update((iss.len() as u64).to_le_bytes());
    h.update(iss.as_bytes());
    h.update(jti.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    u128::from_le_bytes(first)
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
        while let Some(&(exp, k)) = self.by_expiry.first() {
            if exp >= now {
                break;
            }
            self.by_expiry.pop_first();
            self.live.remove(&k);
        }
        let k = key(iss, jti);
        if self.live.contains(&k) {
            return Remembered::Replayed;
        }
        if self.live.len() >= self.capacity {
            return Remembered::Full;
        }
        self.by_expiry.insert((expires, k));
        self.live.insert(k);
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
        // The issuer is part of the key, unambiguously.
        assert_eq!(c.remember("ab", "c", 300, 102), Remembered::Full);
        let mut d = ReplayCache::new(10);
        assert_eq!(d.remember("ab", "c", 300, 1), Remembered::New);
        assert_eq!(d.remember("a", "bc", 300, 1), Remembered::New);
    }
}
