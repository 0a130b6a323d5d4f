//! Each programme's list of reasons for referral (also used for needs).
//! Codes never change once made; labels can be renamed and reasons retired,
//! so past referrals keep their meaning.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Reason {
    /// Stable code, stored on referrals and needs.
    pub code: String,
    pub label: String,
    pub position: i64,
    /// When it was taken off the list of choices (still shown on old records).
    pub retired_at: Option<DateTime<Utc>>,
}

/// The programme's reasons, in order, retired ones included.
pub async fn list(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Reason>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT code, label, position, retired_at FROM reasons WHERE programme_id = $1 ORDER BY position, code")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

/// Give a new programme the seed list.
pub async fn seed(tx: &mut Tx, programme_id: i64) -> crate::Result<()> {
    for (i, (code, label)) in linkwork_domain::referral::REASONS.iter().enumerate() {
        on_tx!(tx, c => sqlx::query("INSERT INTO reasons (programme_id, code, label, position) VALUES ($1, $2, $3, $4)")
            .bind(programme_id).bind(*code).bind(*label).bind(i as i64 + 1)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Add a reason at the end of the list. A clash of code or label is
/// [`StoreError::Duplicate`].
pub async fn add(tx: &mut Tx, grant: &Grant, code: &str, label: &str) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageReasons])?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO reasons (programme_id, code, label, position) \
         SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1 FROM reasons WHERE programme_id = $1")
        .bind(grant.programme_id()).bind(code).bind(label)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "reason"))?;
    Ok(())
}

/// Rename a reason, and retire it (`Some(when)`) or bring it back (`None`).
pub async fn update(
    tx: &mut Tx,
    grant: &Grant,
    code: &str,
    label: &str,
    retired_at: Option<DateTime<Utc>>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageReasons])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE reasons SET label = $1, retired_at = $2 WHERE programme_id = $3 AND code = $4")
        .bind(label).bind(retired_at).bind(grant.programme_id()).bind(code)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "reason"))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}
