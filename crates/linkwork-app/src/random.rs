//! Random secrets from the operating system.

/// `n` random bytes as lower-case hex (so `2n` characters).
pub fn token_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // getrandom only fails when the OS has no entropy source at all; fall back
    // to a value that will never match anything stored rather than panic.
    if getrandom::fill(&mut buf).is_err() {
        tracing::error!("the operating system gave no random bytes");
        return "x".repeat(2 * n);
    }
    hex::encode(buf)
}

/// SHA-256 of a secret, hex, as stored in the database.
pub fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}
