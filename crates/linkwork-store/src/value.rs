//! The social value estimate's settings and the programme's costs, and the
//! SIMD table (each data zone's deprivation rank, decile and quintile).

use crate::{Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::report::ValueSettings;
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

const READ: &[Permission] = &[Permission::ViewReports, Permission::ManageOrganisation];
const EDIT: &[Permission] = &[Permission::ManageOrganisation];

type SettingsRow = (
    f64,
    i32,
    f64,
    f64,
    f64,
    f64,
    f64,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The programme's settings (the defaults when none were saved), with when
/// and by whom they were last changed.
pub async fn settings(
    tx: &mut Tx,
    grant: &Grant,
) -> crate::Result<(ValueSettings, Option<(DateTime<Utc>, String)>)> {
    crate::require(grant, READ)?;
    let row: Option<SettingsRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT v.wellby_value, v.price_year, v.low_value, v.high_value, v.uplift, v.deadweight, v.duration_years, \
         v.updated_at, u.name FROM value_settings v LEFT JOIN users u ON u.id = v.updated_by WHERE v.programme_id = $1")
        .bind(grant.programme_id()).fetch_optional(c).await)?;
    Ok(match row {
        None => (ValueSettings::default(), None),
        Some((
            wellby_value,
            price_year,
            low_value,
            high_value,
            uplift,
            deadweight,
            duration_years,
            at,
            by,
        )) => (
            ValueSettings {
                wellby_value,
                price_year,
                low_value,
                high_value,
                uplift,
                deadweight,
                duration_years,
            },
            at.map(|a| (a, by.unwrap_or_else(|| "the command line".to_owned()))),
        ),
    })
}

pub async fn save_settings(
    tx: &mut Tx,
    grant: &Grant,
    s: &ValueSettings,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, EDIT)?;
    let by = (grant.user_id() > 0).then_some(grant.user_id());
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO value_settings (programme_id, wellby_value, price_year, low_value, high_value, uplift, deadweight, duration_years, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (programme_id) DO UPDATE SET wellby_value = excluded.wellby_value, \
         price_year = excluded.price_year, low_value = excluded.low_value, high_value = excluded.high_value, uplift = excluded.uplift, \
         deadweight = excluded.deadweight, duration_years = excluded.duration_years, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
        .bind(grant.programme_id()).bind(s.wellby_value).bind(s.price_year).bind(s.low_value).bind(s.high_value)
        .bind(s.uplift).bind(s.deadweight).bind(s.duration_years).bind(by).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A cost of the programme over a run of days.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Cost {
    pub id: i64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub amount_pence: i64,
    pub note: String,
}

pub async fn costs(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Cost>> {
    crate::require(grant, READ)?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, first_day, last_day, amount_pence, note FROM programme_costs WHERE programme_id = $1 ORDER BY first_day, id")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

pub async fn add_cost(
    tx: &mut Tx,
    grant: &Grant,
    first: NaiveDate,
    last: NaiveDate,
    amount_pence: i64,
    note: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, EDIT)?;
    let by = (grant.user_id() > 0).then_some(grant.user_id());
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO programme_costs (programme_id, first_day, last_day, amount_pence, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(grant.programme_id()).bind(first).bind(last).bind(amount_pence).bind(note).bind(by).bind(now)
        .fetch_one(c).await)?)
}

/// Remove a cost; the cost as it was, for the audit trail.
pub async fn delete_cost(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<Cost> {
    crate::require(grant, EDIT)?;
    let cost: Cost = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, first_day, last_day, amount_pence, note FROM programme_costs WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).fetch_optional(c).await)?
    .ok_or(crate::StoreError::NotFound)?;
    on_tx!(tx, c => sqlx::query("DELETE FROM programme_costs WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(cost)
}
