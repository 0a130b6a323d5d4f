//! Partnerships with directory organisations: agreements (what, from and
//! to, funding given or received), and what the programme has to do with a
//! partner — referrals sent to its services and how they ended, voucher
//! funds it funds, groups run with it, its staff's accounts. Counts only:
//! nothing here names a person.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::partnership::Agreement;
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub what: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// `received` (the programme is paid), `given` (the programme pays) or
    /// `none`.
    pub funding: String,
    pub amount_pence: Option<i64>,
    pub notes: Option<String>,
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An organisation's agreements, the latest first.
pub async fn agreements(
    tx: &mut Tx,
    grant: &Grant,
    organization_id: i64,
) -> crate::Result<Vec<AgreementRow>> {
    crate::require(
        grant,
        &[Permission::ViewReports, Permission::ManagePartnerships],
    )?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.what, a.starts_on, a.ends_on, a.funding, a.amount_pence, a.notes, u.name AS recorded_by, a.created_at \
         FROM partnerships a LEFT JOIN users u ON u.id = a.created_by \
         WHERE a.programme_id = $1 AND a.organization_id = $2 ORDER BY a.starts_on DESC, a.id DESC")
        .bind(grant.programme_id()).bind(organization_id).fetch_all(c).await)?)
}

pub async fn add_agreement(
    tx: &mut Tx,
    grant: &Grant,
    organization_id: i64,
    a: &Agreement,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManagePartnerships])?;
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM dir_organizations WHERE id = $1 AND programme_id = $2")
        .bind(organization_id).bind(grant.programme_id()).fetch_one(c).await)?;
    if n != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO partnerships (programme_id, organization_id, what, starts_on, ends_on, funding, amount_pence, notes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(grant.programme_id()).bind(organization_id).bind(&a.what).bind(a.starts_on).bind(a.ends_on)
        .bind(a.funding).bind(a.amount_pence).bind(&a.notes).bind(by).bind(now).fetch_one(c).await)?)
}

/// A voucher fund a partner funds: what it has given out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PartnerFund {
    pub fund_id: i64,
    pub name: String,
    pub kind: String,
    pub balance_pence: i64,
    pub vouchers: i64,
    pub issued_pence: i64,
}

/// Everything the programme has to do with one organisation, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PartnerSummary {
    /// Onward referrals sent to its services, by status.
    pub referrals_by_status: Vec<(String, i64)>,
    pub funds: Vec<PartnerFund>,
    /// Groups and hosted services run with it (or naming it among their
    /// partners), with their sessions and attendance.
    pub groups: Vec<PartnerGroup>,
    /// Its staff's accounts.
    pub staff_accounts: i64,
}

/// A group or hosted service run with a partner: counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PartnerGroup {
    pub id: i64,
    pub name: String,
    /// See `linkwork_domain::group::GROUP_KINDS`.
    pub kind: String,
    /// The practice hosting it (a partner's service at a practice).
    pub site_name: Option<String>,
    pub sessions: i64,
    /// Registered people who came, summed over its sessions.
    pub attended: i64,
    /// Others who came, summed over its sessions.
    pub others: i64,
    pub last_held_on: Option<chrono::NaiveDate>,
}

pub async fn summary(
    tx: &mut Tx,
    grant: &Grant,
    organization_id: i64,
) -> crate::Result<PartnerSummary> {
    crate::require(
        grant,
        &[Permission::ViewReports, Permission::ManagePartnerships],
    )?;
    let p = grant.programme_id();
    let referrals_by_status = on_tx!(tx, c => sqlx::query_as(
        "SELECT o.status, COUNT(*) FROM onward_support o JOIN dir_services s ON s.id = o.service_id \
         WHERE o.programme_id = $1 AND s.organization_id = $2 AND o.kind IN ('referral', 'accompanied') AND o.status <> 'suggested' \
         GROUP BY o.status ORDER BY o.status")
        .bind(p).bind(organization_id).fetch_all(c).await)?;
    let funds = on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id AS fund_id, f.name, f.kind, f.balance_pence, \
         (SELECT COUNT(*) FROM fund_movements m WHERE m.fund_id = f.id AND m.participant_id IS NOT NULL) AS vouchers, \
         CAST(COALESCE((SELECT -SUM(m.amount_pence) FROM fund_movements m WHERE m.fund_id = f.id AND m.participant_id IS NOT NULL), 0) AS BIGINT) AS issued_pence \
         FROM funds f WHERE f.programme_id = $1 AND f.organization_id = $2 ORDER BY f.name")
        .bind(p).bind(organization_id).fetch_all(c).await)?;
    let groups = on_tx!(tx, c => sqlx::query_as(
        "SELECT g.id, g.name, g.kind, st.name AS site_name, \
         (SELECT COUNT(*) FROM group_sessions gs WHERE gs.group_id = g.id) AS sessions, \
         (SELECT COUNT(*) FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id WHERE gs.group_id = g.id) AS attended, \
         CAST(COALESCE((SELECT SUM(gs.others) FROM group_sessions gs WHERE gs.group_id = g.id), 0) AS BIGINT) AS others, \
         (SELECT MAX(gs.held_on) FROM group_sessions gs WHERE gs.group_id = g.id) AS last_held_on \
         FROM community_groups g JOIN dir_organizations d ON d.id = $2 LEFT JOIN sites st ON st.id = g.site_id \
         WHERE g.programme_id = $1 AND (g.organization_id = d.id \
         OR EXISTS (SELECT 1 FROM group_partners gp WHERE gp.group_id = g.id AND gp.organization_id = d.id) \
         OR (g.partners IS NOT NULL AND LOWER(g.partners) LIKE '%' || LOWER(d.name) || '%')) ORDER BY g.name")
        .bind(p).bind(organization_id).fetch_all(c).await)?;
    let staff_accounts = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE programme_id = $1 AND organization_id = $2 AND disabled_at IS NULL")
        .bind(p).bind(organization_id).fetch_one(c).await)?;
    Ok(PartnerSummary {
        referrals_by_status,
        funds,
        groups,
        staff_accounts,
    })
}
