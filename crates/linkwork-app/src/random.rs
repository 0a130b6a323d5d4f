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

/// A random (version 4) UUID, for new directory entries.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: a name-based id from the time is still unique enough
        // for one entry, and never a panic.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        return linkwork_store::directory::uuid_for(&format!("linkwork-fallback/{t}"));
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}
