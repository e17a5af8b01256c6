//! UUID version 5 (RFC 9562, section 5.5): SHA-1 of a namespace and a name,
//! with the version and variant bits set. Ten lines on the RustCrypto `sha1`
//! crate, checked against published values in the tests.

use sha1::{Digest, Sha1};
use std::fmt::Write;

/// The URL namespace of RFC 9562 (`6ba7b811-9dad-11d1-80b4-00c04fd430c8`).
pub const NAMESPACE_URL: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// The UUID v5 of `name` in `namespace`, as lowercase hyphenated text.
pub fn v5(namespace: &[u8; 16], name: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    for (out, d) in b.iter_mut().zip(digest.iter()) {
        *out = *d;
    }
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_published_values() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, name)
        assert_eq!(
            v5(&NAMESPACE_URL, "http://python.org/"),
            "4c565f0d-3f5a-5890-b41b-20cf47701c5e"
        );
        assert_eq!(
            v5(&NAMESPACE_URL, ""),
            "1b4db7eb-4057-5ddf-91e0-36dec72071f5"
        );
    }
}
