//! Long work started from a page, with its progress and result, readable
//! from any app node by the person who started it.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// `running`, `finished` or `failed`.
    pub state: String,
    pub done: i64,
    pub total: i64,
    /// What the work produced (JSON), once finished.
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn start(
    tx: &mut Tx,
    programme_id: i64,
    user_id: i64,
    kind: &str,
    total: i64,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO jobs (programme_id, user_id, kind, state, done, total, created_at, updated_at) \
         VALUES ($1, $2, $3, 'running', 0, $4, $5, $5) RETURNING id")
        .bind(programme_id).bind(user_id).bind(kind).bind(total).bind(now).fetch_one(c).await)?)
}

pub async fn progress(
    tx: &mut Tx,
    id: i64,
    done: i64,
    total: i64,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE jobs SET done = $1, total = $2, updated_at = $3 WHERE id = $4 AND state = 'running'")
        .bind(done).bind(total).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The work ended: with a result (`Ok`) or an error message.
pub async fn end(
    tx: &mut Tx,
    id: i64,
    outcome: Result<&str, &str>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    let (state, result, error) = match outcome {
        Ok(r) => ("finished", Some(r), None),
        Err(e) => ("failed", None, Some(e)),
    };
    on_tx!(tx, c => sqlx::query("UPDATE jobs SET state = $1, result = $2, error = $3, done = CASE WHEN $1 = 'finished' THEN total ELSE done END, updated_at = $4 WHERE id = $5")
        .bind(state).bind(result).bind(error).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One of a user's own jobs; another user's is not found.
pub async fn of_user(tx: &mut Tx, user_id: i64, id: i64) -> crate::Result<Job> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, kind, state, done, total, result, error, created_at, updated_at FROM jobs WHERE id = $1 AND user_id = $2")
        .bind(id).bind(user_id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

/// Work left running by a node that stopped (no progress for `before`)
/// is marked failed, so that nobody waits for it forever.
pub async fn fail_abandoned(
    tx: &mut Tx,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> crate::Result<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("UPDATE jobs SET state = 'failed', error = 'The server stopped before the work was finished: start it again', updated_at = $1 WHERE state = 'running' AND updated_at < $2")
        .bind(now).bind(before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}
