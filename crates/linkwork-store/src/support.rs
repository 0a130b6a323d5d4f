//! Consent, voucher funds and handovers.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Consent {
    pub id: i64,
    /// `contact`, `share_gp` or `share_partner`.
    pub kind: String,
    /// For `share_partner`: the named partner organisation.
    pub partner: Option<String>,
    pub recorded_by_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

pub async fn consents(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<Consent>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT k.id, k.kind, k.partner, u.name AS recorded_by_name, k.recorded_at, k.withdrawn_at FROM consents k \
         LEFT JOIN users u ON u.id = k.recorded_by WHERE k.programme_id = $1 AND k.participant_id = $2 ORDER BY k.recorded_at, k.id")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

pub async fn add_consent(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    kind: &str,
    partner: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO consents (programme_id, participant_id, kind, partner, recorded_by, recorded_at, organization_id) \
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT MIN(d.id) FROM dir_organizations d WHERE d.programme_id = $1 AND LOWER(d.name) = LOWER($4))) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(kind).bind(partner).bind(by).bind(now).fetch_one(c).await)?)
}

pub async fn withdraw_consent(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND programme_id = $4 AND participant_id = $5 AND withdrawn_at IS NULL")
        .bind(now).bind(by).bind(id).bind(grant.programme_id()).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Fund {
    pub id: i64,
    pub name: String,
    pub funder: Option<String>,
    /// `food` or `energy`.
    pub kind: String,
    pub balance_pence: i64,
}

pub async fn funds(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Fund>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT id, name, funder, kind, balance_pence FROM funds WHERE programme_id = $1 ORDER BY name")
        .bind(grant.programme_id()).fetch_all(c).await)?,
    )
}

pub async fn create_fund(
    tx: &mut Tx,
    grant: &Grant,
    name: &str,
    funder: Option<&str>,
    kind: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageFunds])?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO funds (programme_id, name, funder, kind, balance_pence, created_at, organization_id) VALUES ($1, $2, $3, $4, 0, $5, \
         (SELECT MIN(d.id) FROM dir_organizations d WHERE d.programme_id = $1 AND LOWER(d.name) = LOWER(TRIM($3)))) RETURNING id")
        .bind(grant.programme_id()).bind(name).bind(funder).bind(kind).bind(now).fetch_one(c).await)
    .map_err(|e| StoreError::on_unique(e, "fund name"))
}

/// Move money into (positive) or out of (negative) a fund. Taking more than
/// the fund holds changes nothing and is [`StoreError::StaleVersion`]'s
/// sibling, `Ok(false)`: the check and the change are one statement, so two
/// workers issuing at once can never take the fund below zero.
#[allow(clippy::too_many_arguments)]
pub async fn move_money(
    tx: &mut Tx,
    grant: &Grant,
    fund_id: i64,
    amount_pence: i64,
    participant_id: Option<i64>,
    note: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<bool> {
    crate::require(
        grant,
        &[Permission::ManageFunds, Permission::WorkWithParticipants],
    )?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE funds SET balance_pence = balance_pence + $1 WHERE id = $2 AND programme_id = $3 AND balance_pence + $1 >= 0")
        .bind(amount_pence).bind(fund_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Ok(false);
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO fund_movements (fund_id, participant_id, amount_pence, note, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(fund_id).bind(participant_id).bind(amount_pence).bind(note).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Voucher {
    pub id: i64,
    pub fund_name: String,
    pub kind: String,
    /// Positive: the value of the voucher.
    pub amount_pence: i64,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn vouchers(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<Voucher>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT m.id, f.name AS fund_name, f.kind, -m.amount_pence AS amount_pence, m.note, m.at FROM fund_movements m \
         JOIN funds f ON f.id = m.fund_id WHERE f.programme_id = $1 AND m.participant_id = $2 ORDER BY m.at DESC, m.id DESC")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Handover {
    pub id: i64,
    pub referral_id: i64,
    pub person_name: String,
    pub from_site_name: String,
    pub to_site_name: String,
    pub from_worker_name: Option<String>,
    pub to_worker_id: i64,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

const HANDOVER: &str = "SELECT h.id, h.referral_id, r.person_name, fs.name AS from_site_name, ts.name AS to_site_name, \
    fw.name AS from_worker_name, h.to_worker_id, h.summary, h.created_at, h.acknowledged_at FROM handovers h \
    JOIN referrals r ON r.id = h.referral_id JOIN sites fs ON fs.id = h.from_site_id JOIN sites ts ON ts.id = h.to_site_id \
    LEFT JOIN users fw ON fw.id = h.from_worker_id";

pub async fn handovers_for_referral(
    tx: &mut Tx,
    grant: &Grant,
    referral_id: i64,
) -> crate::Result<Vec<Handover>> {
    let sql = format!(
        "{HANDOVER} WHERE h.programme_id = $1 AND h.referral_id = $2 ORDER BY h.created_at DESC"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(referral_id).fetch_all(c).await)?,
    )
}

pub async fn handovers_waiting(
    tx: &mut Tx,
    grant: &Grant,
    to_worker: i64,
) -> crate::Result<Vec<Handover>> {
    let sql = format!(
        "{HANDOVER} WHERE h.programme_id = $1 AND h.to_worker_id = $2 AND h.acknowledged_at IS NULL ORDER BY h.created_at"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(to_worker).fetch_all(c).await)?,
    )
}

#[allow(clippy::too_many_arguments)]
pub async fn add_handover(
    tx: &mut Tx,
    grant: &Grant,
    referral_id: i64,
    from_site: i64,
    to_site: i64,
    from_worker: Option<i64>,
    to_worker: i64,
    summary: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO handovers (programme_id, referral_id, from_site_id, to_site_id, from_worker_id, to_worker_id, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(grant.programme_id()).bind(referral_id).bind(from_site).bind(to_site).bind(from_worker).bind(to_worker).bind(summary).bind(now)
        .fetch_one(c).await)?)
}

pub async fn acknowledge_handover(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    worker: i64,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE handovers SET acknowledged_at = $1 WHERE id = $2 AND programme_id = $3 AND to_worker_id = $4 AND acknowledged_at IS NULL")
        .bind(now).bind(id).bind(grant.programme_id()).bind(worker).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Move a case: the referral (and its future appointments) and the person's
/// registered site go to the new practice and worker. History stays whole.
pub async fn move_case(
    tx: &mut Tx,
    grant: &Grant,
    referral_id: i64,
    participant_id: Option<i64>,
    to_site: i64,
    to_worker: i64,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(
        grant,
        &[
            Permission::WorkWithParticipants,
            Permission::ManageCaseloads,
        ],
    )?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE referrals SET site_id = $1, link_worker_id = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND programme_id = $5")
        .bind(to_site).bind(to_worker).bind(now).bind(referral_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE appointments SET site_id = $1, link_worker_id = $2, updated_at = $3 WHERE referral_id = $4 AND status = 'booked' AND programme_id = $5")
        .bind(to_site).bind(to_worker).bind(now).bind(referral_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    if let Some(p) = participant_id {
        on_tx!(tx, c => sqlx::query(
            "UPDATE participants SET site_id = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND programme_id = $4")
            .bind(to_site).bind(now).bind(p).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
