//! Reading and verifying the audit trail, and checkpoints kept outside the
//! database.
//!
//! A checkpoint records, for every chain, the sequence number and hash of its
//! last event, and is sealed with HMAC-SHA-256 under a key that lives outside
//! the database (a file only the operator can read). Someone who can write to
//! the database can remove the newest events and rewind a chain's head so that
//! the database agrees with itself; they cannot make an older checkpoint agree,
//! nor forge a newer one without the key.

pub mod queue;

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use linkwork_domain::Permission;
use linkwork_store::audit::{self as store};
pub use linkwork_store::audit::{ChainEnd, Event, Filter, Verification};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The format name written in every checkpoint file.
pub const CHECKPOINT_FORMAT: &str = "linkwork-audit-checkpoint/1";

/// The secret that seals checkpoints. Kept outside the database.
#[derive(Clone)]
pub struct CheckpointKey(Vec<u8>);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointKey(…)")
    }
}

impl CheckpointKey {
    /// A key from the contents of a key file (surrounding white space is
    /// ignored). At least 32 characters, so it cannot be guessed.
    pub fn parse(contents: &str) -> std::result::Result<Self, String> {
        let k = contents.trim();
        if k.len() < 32 {
            return Err(
                "The checkpoint key must be at least 32 characters long: make one with `linkwork audit new-key`"
                    .into(),
            );
        }
        Ok(Self(k.as_bytes().to_vec()))
    }

    /// A new random key (64 hex characters), for a key file.
    pub fn generate() -> String {
        crate::random::token_hex(32)
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(message.as_bytes());
        m
    }
}

/// What a checkpoint file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub written_at: DateTime<Utc>,
    pub chains: Vec<ChainEnd>,
    /// HMAC-SHA-256, hex, of [`Checkpoint::message`] under the checkpoint key.
    pub mac: String,
}

impl Checkpoint {
    /// The text the seal covers: the format, the time, and one line per chain.
    fn message(format: &str, written_at: DateTime<Utc>, chains: &[ChainEnd]) -> String {
        let mut m = format!(
            "{format}\n{}\n",
            written_at.to_rfc3339_opts(SecondsFormat::Micros, true)
        );
        for c in chains {
            m.push_str(&format!("{} {} {}\n", c.chain_id, c.seq, c.hash));
        }
        m
    }

    fn seal(written_at: DateTime<Utc>, chains: Vec<ChainEnd>, key: &CheckpointKey) -> Self {
        let mac = key
            .mac(&Self::message(CHECKPOINT_FORMAT, written_at, &chains))
            .finalize()
            .into_bytes();
        Self {
            format: CHECKPOINT_FORMAT.into(),
            written_at,
            chains,
            mac: hex::encode(mac),
        }
    }

    /// Is the seal intact under this key?
    pub fn is_sealed_by(&self, key: &CheckpointKey) -> bool {
        let Ok(mac) = hex::decode(&self.mac) else {
            return false;
        };
        key.mac(&Self::message(&self.format, self.written_at, &self.chains))
            .verify_slice(&mac)
            .is_ok()
    }

    /// Read a checkpoint file's text.
    pub fn from_json(text: &str) -> std::result::Result<Self, String> {
        let c: Checkpoint = serde_json::from_str(text)
            .map_err(|e| format!("This is not a linkwork audit checkpoint: {e}"))?;
        if c.format != CHECKPOINT_FORMAT {
            return Err(format!(
                "This checkpoint's format is {}, which this linkwork does not know",
                c.format
            ));
        }
        Ok(c)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl App {
    pub async fn search_audit(&self, ctx: &Ctx, filter: &Filter) -> Result<(Vec<Event>, i64)> {
        let u = Use::read(ctx, Permission::ViewAudit, "audit").of("search");
        self.read(u, async |tx, g| Ok(store::search(tx, g, filter).await?))
            .await
    }

    /// Verify the actor's programme's chain, in one snapshot.
    pub async fn verify_audit(&self, ctx: &Ctx) -> Result<Verification> {
        let u = Use::snapshot(ctx, Permission::ViewAudit, "audit").of("verify");
        self.read(u, async |tx, g| {
            Ok(store::verify(tx, Some(g.programme_id())).await?)
        })
        .await
    }

    /// Verify every chain in the database (the command line's `audit
    /// verify`), and, given a checkpoint, that no chain is now shorter than
    /// it was then or differs from it.
    pub async fn verify_all_audit(
        &self,
        checkpoint: Option<(&Checkpoint, &CheckpointKey)>,
    ) -> Result<Verification> {
        if let Some((cp, key)) = checkpoint
            && !cp.is_sealed_by(key)
        {
            return Err(AppError::field(
                "checkpoint",
                "The checkpoint's seal does not match this key: the file was altered, or it was sealed with another key",
            ));
        }
        let mut tx = self.db.snapshot().await?;
        let mut v = store::verify(&mut tx, None).await?;
        if let Some((cp, _)) = checkpoint {
            let when = cp.written_at.to_rfc3339_opts(SecondsFormat::Secs, true);
            for c in &cp.chains {
                match store::event_hash_at(&mut tx, c.chain_id, c.seq).await? {
                    None => v.problems.push(format!(
                        "chain {}: the checkpoint of {when} saw event {}, which is no longer there: the chain is shorter than it was",
                        c.chain_id, c.seq
                    )),
                    Some(h) if h != c.hash => v.problems.push(format!(
                        "chain {}: event {} differs from the checkpoint of {when}: the chain was rewritten",
                        c.chain_id, c.seq
                    )),
                    Some(_) => {}
                }
            }
        }
        tx.rollback().await?;
        Ok(v)
    }

    /// Seal a checkpoint of every chain's end. Writing it is itself audited
    /// (chain 0), after the ends are read.
    pub async fn audit_checkpoint(&self, key: &CheckpointKey) -> Result<Checkpoint> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let ends = store::chain_ends(&mut tx, None).await?;
        let cp = Checkpoint::seal(now, ends, key);
        let e = store::NewEvent {
            actor: "linkwork".into(),
            action: "audit.checkpoint".into(),
            object_type: "audit".into(),
            object_id: "checkpoint".into(),
            request_id: format!("checkpoint-{}", crate::random::token_hex(6)),
            outcome: "success".into(),
            detail: format!("{} chains sealed", cp.chains.len()),
            ..store::NewEvent::default()
        };
        store::append(&mut tx, &e, now).await?;
        tx.commit().await?;
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CheckpointKey {
        CheckpointKey::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn a_checkpoint_is_sealed_by_its_key_only() {
        let k = key("0123456789abcdef0123456789abcdef");
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let chains = vec![ChainEnd {
            chain_id: 1,
            seq: 10,
            hash: "ab".repeat(32),
        }];
        let cp = Checkpoint::seal(at, chains, &k);
        assert!(cp.is_sealed_by(&k));
        assert!(!cp.is_sealed_by(&key("another key that is long enough!!")));
        let mut rewound = cp.clone();
        rewound.chains[0].seq = 9;
        assert!(!rewound.is_sealed_by(&k), "a forged checkpoint fails");
        let back = Checkpoint::from_json(&cp.to_json()).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(back.is_sealed_by(&k));
    }

    #[test]
    fn short_keys_and_other_files_are_refused() {
        assert!(CheckpointKey::parse("short").is_err());
        assert!(CheckpointKey::generate().len() == 64);
        assert!(Checkpoint::from_json("{}").is_err());
    }
}
