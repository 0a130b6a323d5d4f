//! Practice development: activities link workers record with and for their
//! practices, and each practice's development fund (allocations and
//! spending, with a balance that never goes below zero). Every query is
//! narrowed to the practices the grant reaches.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::practice::{Activity, FundLine};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

/// Refused (as not found) unless the grant reaches the practice.
async fn practice_in_scope(tx: &mut Tx, grant: &Grant, site_id: i64) -> crate::Result<()> {
    crate::require(grant, &[Permission::DevelopPractices])?;
    let site = crate::org::get_site(tx, grant.scope(), site_id).await?;
    if !site.kind.holds_people() {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub site_id: i64,
    /// `protected_learning`, `team_meeting`, `newsletter`,
    /// `information_stall`, `team_visit`, `staff_wellbeing` or `other`.
    pub kind: String,
    pub held_on: NaiveDate,
    /// The practice staff involved, as typed.
    pub staff: Option<String>,
    /// How many attended.
    pub attending: Option<i64>,
    pub notes: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A practice's activities, the latest first.
pub async fn activities(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
    limit: i64,
) -> crate::Result<Vec<ActivityRow>> {
    practice_in_scope(tx, grant, site_id).await?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.site_id, a.kind, a.held_on, a.staff, a.attending, a.notes, u.name AS recorded_by, a.created_at \
         FROM practice_activities a LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.site_id = $1 AND a.programme_id = $2 ORDER BY a.held_on DESC, a.id DESC LIMIT $3")
        .bind(site_id).bind(grant.programme_id()).bind(limit.clamp(1, 1000)).fetch_all(c).await)?)
}

pub async fn add_activity(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
    a: &Activity,
    by: i64,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    practice_in_scope(tx, grant, site_id).await?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO practice_activities (programme_id, site_id, kind, held_on, staff, attending, notes, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(grant.programme_id()).bind(site_id).bind(a.kind).bind(a.held_on).bind(&a.staff)
        .bind(a.attending).bind(&a.notes).bind(by).bind(now).fetch_one(c).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FundLineRow {
    pub id: i64,
    /// Positive: allocated to the practice; negative: spent.
    pub amount_pence: i64,
    pub purpose: String,
    pub on_date: NaiveDate,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    pub at: DateTime<Utc>,
}

/// A practice's development fund: its balance and every line, the latest
/// first (a practice with no lines yet has a balance of nothing).
pub async fn fund(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
) -> crate::Result<(i64, Vec<FundLineRow>)> {
    practice_in_scope(tx, grant, site_id).await?;
    let balance: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT balance_pence FROM practice_funds WHERE site_id = $1 AND programme_id = $2")
        .bind(site_id).bind(grant.programme_id()).fetch_optional(c).await)?;
    let lines = on_tx!(tx, c => sqlx::query_as(
        "SELECT l.id, l.amount_pence, l.purpose, l.on_date, u.name AS recorded_by, l.at \
         FROM practice_fund_lines l LEFT JOIN users u ON u.id = l.user_id \
         WHERE l.site_id = $1 ORDER BY l.on_date DESC, l.id DESC")
        .bind(site_id).fetch_all(c).await)?;
    Ok((balance.unwrap_or(0), lines))
}

/// Add a line to a practice's fund. Spending more than the fund holds
/// changes nothing and gives `Ok(None)`: the check and the change of the
/// balance are one statement, so two people spending at once can never take
/// it below zero (the row is locked by the first until it commits; the
/// second then sees the new balance). Otherwise the line's id.
pub async fn add_fund_line(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
    line: &FundLine,
    by: i64,
    now: DateTime<Utc>,
) -> crate::Result<Option<i64>> {
    practice_in_scope(tx, grant, site_id).await?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO practice_funds (site_id, programme_id, balance_pence) VALUES ($1, $2, 0) ON CONFLICT (site_id) DO NOTHING")
        .bind(site_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE practice_funds SET balance_pence = balance_pence + $1 WHERE site_id = $2 AND programme_id = $3 AND balance_pence + $1 >= 0")
        .bind(line.amount_pence).bind(site_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Ok(None);
    }
    let id = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO practice_fund_lines (site_id, amount_pence, purpose, on_date, user_id, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(site_id).bind(line.amount_pence).bind(&line.purpose).bind(line.on_date).bind(by).bind(now)
        .fetch_one(c).await)?;
    Ok(Some(id))
}

/// A practice development activity in a list across practices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ActivityListed {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    /// See [`ActivityRow::kind`].
    pub kind: String,
    pub held_on: NaiveDate,
    pub staff: Option<String>,
    pub attending: Option<i64>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
}

/// Practice development activities held from `first` to `last` at the
/// practices the grant reaches (narrowed by the filter's place, or by the
/// link worker who recorded them; of one `kind` if given), earliest first,
/// at most `limit`: the list behind the figures' activities, counted at
/// the practice they were held for.
pub async fn activities_between(
    tx: &mut Tx,
    grant: &Grant,
    (first, last): (Option<NaiveDate>, Option<NaiveDate>),
    kind: Option<&str>,
    f: &crate::casework::OnwardFilter,
    limit: i64,
) -> crate::Result<Vec<ActivityListed>> {
    use crate::query::Param;
    crate::require(grant, &[Permission::DevelopPractices])?;
    let places = crate::casework::OnwardFilter {
        from: None,
        before: None,
        ..f.clone()
    };
    let mut w = crate::casework::place_where(grant, &places, "a.held_on", "a.user_id = ?");
    if let Some(d) = first {
        w.and("a.held_on >= ?", [Param::Date(d)]);
    }
    if let Some(d) = last {
        w.and("a.held_on <= ?", [Param::Date(d)]);
    }
    if let Some(k) = kind {
        w.and("a.kind = ?", [Param::Text(k.to_owned())]);
    }
    let n = w.next();
    let sql = format!(
        "SELECT a.id, a.site_id, s.name AS site, a.kind, a.held_on, a.staff, a.attending, u.name AS recorded_by \
         FROM practice_activities a JOIN sites s ON s.id = a.site_id LEFT JOIN users u ON u.id = a.user_id{} \
         ORDER BY a.held_on, a.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    Ok(
        on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).bind(limit).bind(f.offset.max(0)).fetch_all(c).await)?,
    )
}
