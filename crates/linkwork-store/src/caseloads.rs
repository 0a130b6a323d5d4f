//! Link workers' caseloads: how many open referrals each holds at each
//! practice, and moving a caseload from one worker to another.

use crate::{Tx, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

/// The open statuses: a referral someone is working on.
const OPEN: &str = "('allocated', 'contacted', 'engaged')";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Caseload {
    pub link_worker_id: i64,
    pub link_worker_name: String,
    /// Whether the worker's account is disabled (someone who has left).
    pub disabled: bool,
    pub site_id: i64,
    pub site_name: String,
    pub open_referrals: i64,
}

/// Every link worker's open referrals in the programme, by practice.
pub async fn list(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Caseload>> {
    let sql = format!(
        "SELECT u.id AS link_worker_id, u.name AS link_worker_name, (u.disabled_at IS NOT NULL) AS disabled, \
         s.id AS site_id, s.name AS site_name, COUNT(*) AS open_referrals \
         FROM referrals r JOIN users u ON u.id = r.link_worker_id JOIN sites s ON s.id = r.site_id \
         WHERE r.programme_id = $1 AND r.status IN {OPEN} \
         GROUP BY u.id, u.name, u.disabled_at, s.id, s.name ORDER BY u.name, u.id, s.name"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).fetch_all(c).await)?)
}

/// Move `from`'s open referrals at `site_id`, and their booked appointments,
/// to `to`. Returns the referrals moved.
pub async fn move_caseload(
    tx: &mut Tx,
    grant: &Grant,
    from: i64,
    to: i64,
    site_id: i64,
    now: DateTime<Utc>,
) -> crate::Result<Vec<i64>> {
    crate::require(grant, &[Permission::ManageCaseloads])?;
    let sql = format!(
        "SELECT id FROM referrals WHERE programme_id = $1 AND link_worker_id = $2 AND site_id = $3 \
         AND status IN {OPEN} ORDER BY id"
    );
    let ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(&sql)
        .bind(grant.programme_id()).bind(from).bind(site_id).fetch_all(c).await)?;
    for id in &ids {
        on_tx!(tx, c => sqlx::query(
            "UPDATE referrals SET link_worker_id = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND programme_id = $4")
            .bind(to).bind(now).bind(id).bind(grant.programme_id())
            .execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query(
            "UPDATE appointments SET link_worker_id = $1, updated_at = $2 \
             WHERE referral_id = $3 AND programme_id = $4 AND status = 'booked' AND link_worker_id = $5")
            .bind(to).bind(now).bind(id).bind(grant.programme_id()).bind(from)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(ids)
}
