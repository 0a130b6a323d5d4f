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
use linkwork_domain::Grant;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
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
    /// The acting user's name (read with a search; not part of the hash).
    #[sqlx(default)]
    pub actor_name: Option<String>,
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
///
/// If the chain's head row is missing (removed by someone with the database's
/// keys), the head is rebuilt from the chain's last event and an
/// `audit.head_restored` event is written first, so the service keeps working
/// and the repair is itself on the record.
pub async fn append(tx: &mut Tx, e: &NewEvent, at: DateTime<Utc>) -> crate::Result<i64> {
    let chain_id = e.programme_id.unwrap_or(0);
    // The chain's head is locked from here to the commit: keep it short.
    let head = match advance_head(tx, chain_id).await? {
        Some(h) => h,
        None => {
            if let Some(last) = restore_head(tx, chain_id).await? {
                let restored = NewEvent {
                    programme_id: e.programme_id,
                    actor: "linkwork".into(),
                    action: "audit.head_restored".into(),
                    object_type: "audit_chain".into(),
                    object_id: chain_id.to_string(),
                    request_id: e.request_id.clone(),
                    outcome: "success".into(),
                    detail: format!(
                        "The chain's head was missing; it was rebuilt from its last event ({last})."
                    ),
                    ..NewEvent::default()
                };
                tracing::warn!(
                    chain_id,
                    last,
                    "audit chain head was missing and was rebuilt"
                );
                let h = advance_head(tx, chain_id)
                    .await?
                    .ok_or(crate::StoreError::NotFound)?;
                write_event(tx, chain_id, h, &restored, at).await?;
            }
            advance_head(tx, chain_id)
                .await?
                .ok_or(crate::StoreError::NotFound)?
        }
    };
    write_event(tx, chain_id, head, e, at).await
}

/// Commit a change with its audit event, marking the figures of
/// `programme` (when given) out of date. On SQLite's grouped writer both are
/// done once for the whole group just before its commit
/// ([`crate::group`]); elsewhere here, in the change's transaction.
pub async fn commit_change(
    tx: Tx,
    event: &NewEvent,
    programme: Option<i64>,
    at: DateTime<Utc>,
) -> crate::Result<()> {
    match tx {
        Tx::SqliteGrouped(seat) => seat.commit(Some((event, at)), programme).await,
        mut tx => {
            if let Some(p) = programme {
                crate::reports::bump_data_version(&mut tx, p).await?;
            }
            append(&mut tx, event, at).await?;
            tx.commit().await
        }
    }
}

/// A group's work before its commit: the figures marks and the events.
pub(crate) async fn for_group(
    tx: &mut Tx,
    events: &[NewEvent],
    programmes: &[i64],
    at: Option<DateTime<Utc>>,
) -> crate::Result<()> {
    for p in programmes {
        crate::reports::bump_data_version(tx, *p).await?;
    }
    if let Some(at) = at {
        append_many(tx, events, at).await?;
    }
    Ok(())
}

/// Append several events in the transaction: per chain, the head is moved
/// on once for all of them (one statement), their hashes are chained here,
/// they are inserted by one statement, and the head's hash set by another —
/// three statements for any number of events. A chain without a head row
/// goes the way of [`append`] (which repairs it).
pub async fn append_many(tx: &mut Tx, events: &[NewEvent], at: DateTime<Utc>) -> crate::Result<()> {
    let mut chains: Vec<i64> = events.iter().map(|e| e.programme_id.unwrap_or(0)).collect();
    chains.sort_unstable();
    chains.dedup();
    for chain_id in chains {
        let mine: Vec<&NewEvent> = events
            .iter()
            .filter(|e| e.programme_id.unwrap_or(0) == chain_id)
            .collect();
        let n = i64::try_from(mine.len()).unwrap_or(i64::MAX);
        let head: Option<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
            "UPDATE audit_heads SET seq = seq + $2 WHERE chain_id = $1 RETURNING seq, hash")
            .bind(chain_id).bind(n).fetch_optional(c).await)?;
        let Some((last, head_hash)) = head else {
            for e in mine {
                append(tx, e, at).await?;
            }
            continue;
        };
        // The head said `last` after moving on by n: the events take the
        // n numbers before it, and the hash it held was the previous one's.
        let mut prev = head_hash;
        let mut rows = Vec::with_capacity(mine.len());
        for (i, e) in mine.iter().enumerate() {
            let seq = last - n + 1 + i64::try_from(i).unwrap_or(0);
            let hash = event_hash(&prev, chain_id, seq, at, e);
            rows.push((seq, prev, hash.clone()));
            prev = hash;
        }
        let mut sql = String::from(
            "INSERT INTO audit_events (chain_id, seq, at, programme_id, actor_user_id, actor, action, \
             object_type, object_id, request_id, outcome, detail, prev_hash, hash) VALUES ",
        );
        for i in 0..rows.len() {
            let b = i * 14;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for k in 1..=14 {
                if k > 1 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(b + k).to_string());
            }
            sql.push(')');
        }
        on_tx!(tx, c => {
            // Its shape changes with the number of events: not kept among
            // the connection's prepared statements, where one per group
            // size would push out the statements every request uses.
            let mut q = sqlx::query(&sql).persistent(rows.len() == 1);
            for (e, (seq, prev, hash)) in mine.iter().zip(&rows) {
                q = q.bind(chain_id).bind(*seq).bind(at).bind(e.programme_id).bind(e.actor_user_id)
                    .bind(&e.actor).bind(&e.action).bind(&e.object_type).bind(&e.object_id)
                    .bind(&e.request_id).bind(&e.outcome).bind(&e.detail).bind(prev).bind(hash);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        on_tx!(tx, c => sqlx::query("UPDATE audit_heads SET hash = $1 WHERE chain_id = $2")
            .bind(&prev).bind(chain_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Move the chain's head one on and lock it: the new sequence number and the
/// previous hash, or `None` when the chain has no head row.
async fn advance_head(tx: &mut Tx, chain_id: i64) -> crate::Result<Option<(i64, String)>> {
    let sql = "UPDATE audit_heads SET seq = seq + 1 WHERE chain_id = $1 RETURNING seq, hash";
    Ok(on_tx!(tx, c => sqlx::query_as(sql).bind(chain_id).fetch_optional(c).await)?)
}

/// Make a missing head from the chain's last event (a new chain starts from
/// the genesis hash). Returns the last event's sequence number when this
/// made the head of a chain that already had events, i.e. a repair.
async fn restore_head(tx: &mut Tx, chain_id: i64) -> crate::Result<Option<i64>> {
    let last: Option<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT seq, hash FROM audit_events WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1")
        .bind(chain_id).fetch_optional(c).await)?;
    let (seq, hash) = last.clone().unwrap_or((0, GENESIS.to_owned()));
    let inserted = on_tx!(tx, c => sqlx::query("INSERT INTO audit_heads (chain_id, seq, hash) VALUES ($1, $2, $3) ON CONFLICT (chain_id) DO NOTHING")
        .bind(chain_id).bind(seq).bind(&hash).execute(c).await.map(|r| r.rows_affected()))?;
    // Two first appends racing on a new chain: the one whose head lost the
    // race repaired nothing (the other made the head).
    Ok(last.filter(|_| inserted == 1).map(|(seq, _)| seq))
}

/// Insert the event at `seq` after `prev`, and set the head's hash to it.
async fn write_event(
    tx: &mut Tx,
    chain_id: i64,
    (seq, prev): (i64, String),
    e: &NewEvent,
    at: DateTime<Utc>,
) -> crate::Result<i64> {
    let hash = event_hash(&prev, chain_id, seq, at, e);
    let (sql, head_separately) = crate::dialect::audit_insert_sql(tx);
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(sql)
        .bind(chain_id).bind(seq).bind(at).bind(e.programme_id).bind(e.actor_user_id)
        .bind(&e.actor).bind(&e.action).bind(&e.object_type).bind(&e.object_id).bind(&e.request_id)
        .bind(&e.outcome).bind(&e.detail).bind(&prev).bind(&hash)
        .fetch_one(c).await)?;
    if head_separately {
        on_tx!(tx, c => sqlx::query("UPDATE audit_heads SET hash = $1 WHERE chain_id = $2")
            .bind(&hash).bind(chain_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

/// The last event of every chain (or of `chain`): what a checkpoint records.
pub async fn chain_ends(tx: &mut Tx, chain: Option<i64>) -> crate::Result<Vec<ChainEnd>> {
    let sql = "SELECT e.chain_id, e.seq, e.hash FROM audit_events e \
        JOIN (SELECT chain_id, MAX(seq) AS seq FROM audit_events WHERE ($1 IS NULL OR chain_id = $1) GROUP BY chain_id) m \
        ON m.chain_id = e.chain_id AND m.seq = e.seq ORDER BY e.chain_id";
    Ok(on_tx!(tx, c => sqlx::query_as(sql).bind(chain).fetch_all(c).await)?)
}

/// One chain's last event: its sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ChainEnd {
    pub chain_id: i64,
    pub seq: i64,
    pub hash: String,
}

/// The hash of event `seq` of a chain, if it exists.
pub async fn event_hash_at(tx: &mut Tx, chain_id: i64, seq: i64) -> crate::Result<Option<String>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT hash FROM audit_events WHERE chain_id = $1 AND seq = $2")
        .bind(chain_id).bind(seq).fetch_optional(c).await)?,
    )
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
pub async fn search(tx: &mut Tx, grant: &Grant, f: &Filter) -> crate::Result<(Vec<Event>, i64)> {
    let mut w = Where::new();
    w.and("e.programme_id = ?", [Param::I64(grant.programme_id())]);
    if let Some(a) = f
        .actor
        .as_deref()
        .map(|a| format!("%{}%", a.trim().to_lowercase()))
    {
        w.and("LOWER(e.actor) LIKE ?", [Param::Text(a)]);
    }
    if let Some(t) = &f.object_type {
        w.and("e.object_type = ?", [Param::Text(t.clone())]);
    }
    if let Some(o) = &f.object_id {
        w.and("e.object_id = ?", [Param::Text(o.clone())]);
    }
    if let Some(a) = f.action.as_deref().map(|a| format!("{}%", a.trim())) {
        w.and("e.action LIKE ?", [Param::Text(a)]);
    }
    if let Some(t) = f.from {
        w.and("e.at >= ?", [Param::Time(t)]);
    }
    if let Some(t) = f.to {
        w.and("e.at < ?", [Param::Time(t)]);
    }
    let n = w.next();
    let sql = format!(
        "SELECT e.*, u.name AS actor_name FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id{} \
         ORDER BY e.at DESC, e.id DESC LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0))
        .fetch_all(c).await)?;
    let count_sql = format!("SELECT COUNT(*) FROM audit_events e{}", w.sql());
    let total = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub chains: i64,
    pub events: i64,
    /// Empty when the trail is whole.
    pub problems: Vec<String>,
    /// Repairs the service made itself (e.g. a chain head rebuilt), each
    /// recorded as an event: worth knowing, not a break in the trail.
    pub notices: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recompute every chain (or only `chain`) and compare with the stored hashes
/// and heads. Chains are found from the events as well as from the heads, so
/// a removed head is reported, and so is a programme with no chain at all.
/// Reads in pages, so a long trail does not fill memory.
pub async fn verify(tx: &mut Tx, chain: Option<i64>) -> crate::Result<Verification> {
    let heads: Vec<(i64, i64, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT chain_id, seq, hash FROM audit_heads WHERE ($1 IS NULL OR chain_id = $1) ORDER BY chain_id")
        .bind(chain).fetch_all(c).await)?;
    let ends = chain_ends(tx, chain).await?;
    let mut chain_ids: Vec<i64> = heads
        .iter()
        .map(|h| h.0)
        .chain(ends.iter().map(|e| e.chain_id))
        .collect();
    chain_ids.sort_unstable();
    chain_ids.dedup();
    let mut v = Verification {
        chains: chain_ids.len() as i64,
        events: 0,
        problems: Vec::new(),
        notices: Vec::new(),
    };
    let missing: Vec<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name FROM programmes p WHERE ($1 IS NULL OR id = $1) \
         AND NOT EXISTS (SELECT 1 FROM audit_heads h WHERE h.chain_id = p.id) \
         AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_id = p.id) ORDER BY id")
        .bind(chain).fetch_all(c).await)?;
    for (id, name) in missing {
        v.problems.push(format!(
            "chain {id}: the programme \"{name}\" has no audit trail at all: its chain (events and head) was removed"
        ));
    }
    for chain_id in chain_ids {
        let head = heads.iter().find(|h| h.0 == chain_id);
        let last = ends.iter().find(|e| e.chain_id == chain_id);
        let until = match (head, last) {
            (Some(h), Some(l)) => h.1.max(l.seq),
            (Some(h), None) => h.1,
            (None, Some(l)) => l.seq,
            (None, None) => 0,
        };
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1i64;
        loop {
            let page: Vec<Event> = on_tx!(tx, c => sqlx::query_as(
                "SELECT * FROM audit_events WHERE chain_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT 5000")
                .bind(chain_id).bind(expected_seq).bind(until).fetch_all(c).await)?;
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
                if e.action == "audit.head_restored" {
                    v.notices.push(format!(
                        "chain {chain_id}: its head was found missing and rebuilt at {} (event {})",
                        e.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                        e.seq
                    ));
                }
                prev = e.hash.clone();
                expected_seq = e.seq + 1;
            }
            if v.problems.len() > 100 {
                break;
            }
        }
        let found = expected_seq - 1;
        match head {
            None => v.problems.push(format!(
                "chain {chain_id}: its head (the record of how many events were written) is missing: it was removed"
            )),
            Some((_, head_seq, head_hash)) => {
                if found < *head_seq {
                    v.problems.push(format!(
                        "chain {chain_id}: the trail ends at event {found} but {head_seq} events were written: events were removed from the end"
                    ));
                } else if found > *head_seq {
                    v.problems.push(format!(
                        "chain {chain_id}: its head says {head_seq} events were written but the trail goes on to event {found}: the head was rewound"
                    ));
                } else if prev != *head_hash {
                    v.problems.push(format!(
                        "chain {chain_id}: its last event does not match the hash its head holds"
                    ));
                }
            }
        }
    }
    Ok(v)
}
