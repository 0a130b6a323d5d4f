//! Sessions, API tokens and the record of failed sign-ins. Session ids and
//! tokens are stored only as SHA-256 hashes.

use crate::{Tx, on_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A live session joined with the user it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub user_id: i64,
    pub programme_id: i64,
    pub role: String,
    pub name: String,
    pub email: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The user's sites, comma-separated in id order (read with the session,
    /// to save a round trip on every request).
    pub site_ids: Option<String>,
    /// The sum of the stamps of the user's practices and of the programme's
    /// reference data, read with the session (before any page data): what
    /// a page kept in memory for this user must have been read at.
    pub stamp: i64,
}

impl SessionUser {
    pub fn site_id_list(&self) -> Vec<i64> {
        split_ids(self.site_ids.as_deref())
    }
}

pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: DateTime<Utc>,
    client_address: Option<&str>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, client_address) \
         VALUES ($1, $2, $3, $4, $4, $5)")
        .bind(id_hash).bind(user_id).bind(csrf_token).bind(now).bind(client_address)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The stamp of a user `u`'s view (see [`SessionUser::stamp`]): the stamps
/// of their practices and of their programme's reference data, summed. Each
/// only ever grows, so any change to either moves the sum.
const STAMP_SQL: &str = "CAST(COALESCE((SELECT SUM(st.version) FROM stamps st WHERE st.kind = 1 AND st.id IN \
     (SELECT us.site_id FROM user_sites us WHERE us.user_id = u.id)), 0) \
     + COALESCE((SELECT st.version FROM stamps st WHERE st.kind = 3 AND st.id = u.programme_id), 0) AS BIGINT)";

pub async fn session(tx: &mut Tx, id_hash: &str) -> crate::Result<Option<SessionUser>> {
    let sites = crate::dialect::user_site_ids(tx, "s.user_id");
    let sql = format!(
        "SELECT s.user_id, u.programme_id, u.role, u.name, u.email, u.disabled_at, s.csrf_token, \
         s.created_at, s.last_seen_at, {sites} AS site_ids, {STAMP_SQL} AS stamp \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(id_hash).fetch_optional(c).await)?)
}

pub async fn touch_session(tx: &mut Tx, id_hash: &str, now: DateTime<Utc>) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now).bind(id_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_user_sessions(tx: &mut Tx, user_id: i64) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// End every session of a user but one (`keep`: its hash; `None` ends all).
pub async fn delete_other_sessions(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<&str>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id).bind(keep.unwrap_or("")).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The user and CSRF token of a session, even one that has ended (until it
/// is pruned).
pub async fn session_owner(tx: &mut Tx, id_hash: &str) -> crate::Result<Option<(i64, String)>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT user_id, csrf_token FROM sessions WHERE id_hash = $1")
        .bind(id_hash).fetch_optional(c).await)?,
    )
}

/// Remove drafts kept before `before`.
pub async fn delete_old_drafts(tx: &mut Tx, before: DateTime<Utc>) -> crate::Result<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Keep a form posted after its session ended.
pub async fn save_draft(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    path: &str,
    body: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO form_drafts (token_hash, user_id, path, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash).bind(user_id).bind(path).bind(body).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Take (read and delete) a user's draft kept since `since`, as (path, body).
pub async fn take_draft(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    since: DateTime<Utc>,
) -> crate::Result<Option<(String, String)>> {
    let found: Option<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT path, body FROM form_drafts WHERE token_hash = $1 AND user_id = $2 AND created_at >= $3")
        .bind(token_hash).bind(user_id).bind(since).fetch_optional(c).await)?;
    on_tx!(tx, c => sqlx::query("DELETE FROM form_drafts WHERE (token_hash = $1 AND user_id = $2) OR created_at < $3")
        .bind(token_hash).bind(user_id).bind(since).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(found)
}

/// Remove sessions idle since before `idle_before` or created before `created_before`.
pub async fn delete_expired_sessions(
    tx: &mut Tx,
    idle_before: DateTime<Utc>,
    created_before: DateTime<Utc>,
) -> crate::Result<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before).bind(created_before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user_id).bind(name).bind(token_hash).bind(now).fetch_one(c).await)?)
}

/// A live (unrevoked) token: its id, its owner, and when it was last used.
/// A live API token joined with its user, in one statement (it is read on
/// every API request).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    pub token_id: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    pub user_id: i64,
    pub programme_id: i64,
    pub role: String,
    pub name: String,
    pub email: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub site_ids: Option<String>,
}

impl TokenUser {
    pub fn site_id_list(&self) -> Vec<i64> {
        split_ids(self.site_ids.as_deref())
    }
}

fn split_ids(ids: Option<&str>) -> Vec<i64> {
    ids.unwrap_or("")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

pub async fn token_user(tx: &mut Tx, token_hash: &str) -> crate::Result<Option<TokenUser>> {
    let sites = crate::dialect::user_site_ids(tx, "t.user_id");
    let sql = format!(
        "SELECT t.id AS token_id, t.last_used_at, t.user_id, u.programme_id, u.role, u.name, u.email, u.disabled_at, \
         {sites} AS site_ids FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(token_hash).fetch_optional(c).await)?)
}

pub async fn touch_token(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn list_tokens(tx: &mut Tx, user_id: i64) -> crate::Result<Vec<ApiToken>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id).fetch_all(c).await)?)
}

pub async fn revoke_token(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> crate::Result<bool> {
    Ok(on_tx!(tx, c => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now).bind(id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?
        == 1)
}

/// Note a failed sign-in against `key` (an account's e-mail, or a client address).
pub async fn record_failure(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO sign_in_failures (kind, key, at) VALUES ($1, $2, $3)")
        .bind(kind).bind(key).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count_failures(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    since: DateTime<Utc>,
) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM sign_in_failures WHERE kind = $1 AND key = $2 AND at >= $3")
        .bind(kind).bind(key).bind(since).fetch_one(c).await)?)
}

pub async fn clear_failures(tx: &mut Tx, kind: &str, key: &str) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sign_in_failures WHERE kind = $1 AND key = $2")
        .bind(kind).bind(key).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn prune_failures(tx: &mut Tx, before: DateTime<Utc>) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sign_in_failures WHERE at < $1").bind(before).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
