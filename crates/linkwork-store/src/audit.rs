//! The append-only, hash-chained audit trail.
//!
//! Each programme has its own chain (chain 0 holds events outside any
//! programme, such as a sign-in attempt for an unknown address). Appending
//! takes the chain's head row with an `UPDATE … RETURNING`, which locks it until
//! the transaction ends on PostgreSQL (SQLite has one writer anyway), so two
//! app nodes can never fork a chain. Each event's hash covers its fields and
//! the previous hash: editing, deleting or reordering events breaks the chain.

use crate::query::{Param, Where};
use crate::{Tx, bind_where, on_tx};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub programme_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// Who acted, readable: a user's e-mail, `operator` for the command line.
    pub actor: String,
    /// What was done, e.g. `site.create`, `participant.view`, `session.sign_in`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    /// `success`, `refused`, or `failed`.
    pub outcome: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub chain_id: i64,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub programme_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of one event given the previous hash.
#[allow(clippy::too_many_arguments)]
fn event_hash(prev: &str, chain_id: i64, seq: i64, at: DateTime<Utc>, e: &NewEvent) -> String {
    let mut h = Sha256::new();
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields = [
        prev.to_owned(),
        chain_id.to_string(),
        seq.to_string(),
        at,
        e.programme_id.map(|p| p.to_string()).unwrap_or_default(),
        e.actor_user_id.map(|p| p.to_string()).unwrap_or_default(),
        e.actor.clone(),
        e.action.clone(),
        e.object_type.clone(),
        e.object_id.clone(),
        e.request_id.clone(),
        e.outcome.clone(),
        e.detail.clone(),
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Append one event inside the caller's transaction.
pub async fn append(tx: &mut Tx, e: &NewEvent, at: DateTime<Utc>) -> crate::Result<i64> {
    let chain_id = e.programme_id.unwrap_or(0);
    // The chain's head is locked from here to the commit: keep it short. A
    // chain's first event makes its head.
    let head = "UPDATE audit_heads SET seq = seq + 1 WHERE chain_id = $1 RETURNING seq, hash";
    let found: Option<(i64, String)> =
        on_tx!(tx, c => sqlx::query_as(head).bind(chain_id).fetch_optional(c).await)?;
    let (seq, prev) = match found {
        Some(x) => x,
        None => {
            on_tx!(tx, c => sqlx::query("INSERT INTO audit_heads (chain_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain_id) DO NOTHING")
                .bind(chain_id).bind(GENESIS).execute(c).await.map(|r| r.rows_affected()))?;
            on_tx!(tx, c => sqlx::query_as(head).bind(chain_id).fetch_one(c).await)?
        }
    };
    let hash = event_hash(&prev, chain_id, seq, at, e);
    // The event and the head's new hash: on PostgreSQL one statement (one
    // round trip fewer while the head is locked), on SQLite two.
    let insert = "INSERT INTO audit_events (chain_id, seq, at, programme_id, actor_user_id, actor, action, object_type, \
         object_id, request_id, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
    let postgres = crate::dialect::is_postgres(tx);
    let sql = if postgres {
        format!(
            "WITH e AS ({insert}) UPDATE audit_heads SET hash = $14 WHERE chain_id = $1 RETURNING (SELECT id FROM e)"
        )
    } else {
        insert.to_owned()
    };
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(&sql)
        .bind(chain_id).bind(seq).bind(at).bind(e.programme_id).bind(e.actor_user_id)
        .bind(&e.actor).bind(&e.action).bind(&e.object_type).bind(&e.object_id).bind(&e.request_id)
        .bind(&e.outcome).bind(&e.detail).bind(&prev).bind(&hash)
        .fetch_one(c).await)?;
    if !postgres {
        on_tx!(tx, c => sqlx::query("UPDATE audit_heads SET hash = $1 WHERE chain_id = $2")
            .bind(&hash).bind(chain_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

/// Filters for [`search`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

/// Events of one programme, newest first.
pub async fn search(
    tx: &mut Tx,
    programme_id: i64,
    f: &Filter,
) -> crate::Result<(Vec<Event>, i64)> {
    let mut w = Where::new();
    w.and("programme_id = ?", [Param::I64(programme_id)]);
    if let Some(a) = f
        .actor
        .as_deref()
        .map(|a| format!("%{}%", a.trim().to_lowercase()))
    {
        w.and("LOWER(actor) LIKE ?", [Param::Text(a)]);
    }
    if let Some(t) = &f.object_type {
        w.and("object_type = ?", [Param::Text(t.clone())]);
    }
    if let Some(o) = &f.object_id {
        w.and("object_id = ?", [Param::Text(o.clone())]);
    }
    if let Some(a) = f.action.as_deref().map(|a| format!("{}%", a.trim())) {
        w.and("action LIKE ?", [Param::Text(a)]);
    }
    if let Some(t) = f.from {
        w.and("at >= ?", [Param::Time(t)]);
    }
    if let Some(t) = f.to {
        w.and("at < ?", [Param::Time(t)]);
    }
    let n = w.next();
    let sql = format!(
        "SELECT * FROM audit_events{} ORDER BY at DESC, id DESC LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0))
        .fetch_all(c).await)?;
    let count_sql = format!("SELECT COUNT(*) FROM audit_events{}", w.sql());
    let total = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub chains: i64,
    pub events: i64,
    /// Empty when the trail is whole.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recompute every chain (or only `chain`) and compare with the stored hashes
/// and heads. Reads in pages, so a long trail does not fill memory.
pub async fn verify(tx: &mut Tx, chain: Option<i64>) -> crate::Result<Verification> {
    let heads: Vec<(i64, i64, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT chain_id, seq, hash FROM audit_heads WHERE ($1 IS NULL OR chain_id = $1) ORDER BY chain_id")
        .bind(chain).fetch_all(c).await)?;
    let mut v = Verification {
        chains: heads.len() as i64,
        events: 0,
        problems: Vec::new(),
    };
    for (chain_id, head_seq, head_hash) in heads {
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1i64;
        loop {
            let page: Vec<Event> = on_tx!(tx, c => sqlx::query_as(
                "SELECT * FROM audit_events WHERE chain_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT 5000")
                .bind(chain_id).bind(expected_seq).bind(head_seq).fetch_all(c).await)?;
            if page.is_empty() {
                break;
            }
            for e in page {
                v.events += 1;
                if e.seq != expected_seq {
                    v.problems.push(format!(
                        "chain {chain_id}: event {expected_seq} is missing (next found is {})",
                        e.seq
                    ));
                }
                let new = NewEvent {
                    programme_id: e.programme_id,
                    actor_user_id: e.actor_user_id,
                    actor: e.actor.clone(),
                    action: e.action.clone(),
                    object_type: e.object_type.clone(),
                    object_id: e.object_id.clone(),
                    request_id: e.request_id.clone(),
                    outcome: e.outcome.clone(),
                    detail: e.detail.clone(),
                };
                let h = event_hash(&prev, chain_id, e.seq, e.at, &new);
                if e.prev_hash != prev || e.hash != h {
                    v.problems.push(format!(
                        "chain {chain_id}: event {} (id {}, {} at {}) does not match its hash: it was changed, or an earlier event was",
                        e.seq, e.id, e.action, e.at.to_rfc3339_opts(SecondsFormat::Secs, true)
                    ));
                }
                prev = e.hash.clone();
                expected_seq = e.seq + 1;
            }
            if v.problems.len() > 100 {
                break;
            }
        }
        if expected_seq - 1 != head_seq || prev != head_hash {
            v.problems.push(format!(
                "chain {chain_id}: the trail ends at event {} but {} events were written: events were removed from the end",
                expected_seq - 1,
                head_seq
            ));
        }
    }
    Ok(v)
}
