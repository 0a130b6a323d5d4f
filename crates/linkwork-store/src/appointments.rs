//! Appointments and the link worker's diary, narrowed by the referral's (current) site, so access moves with a handed-over case.

use crate::org::site_scope;
use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::appointment::AppointmentStatus;
use linkwork_domain::{Grant, Permission, SiteScope};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Appointment {
    pub id: i64,
    pub referral_id: i64,
    pub participant_id: Option<i64>,
    pub person_name: String,
    pub site_id: i64,
    pub site_name: String,
    pub link_worker_id: Option<i64>,
    pub link_worker_name: Option<String>,
    /// UTC instant (shown in Europe/London).
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    /// `practice`, `home_visit`, `phone`, `video`, `community_venue` or `accompanied`.
    pub mode: String,
    /// `booked`, `attended`, `did_not_attend`, `cancelled_by_participant` or `cancelled_by_service`.
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::appointment::AppointmentStatus,
    pub notes: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewAppointment {
    pub referral_id: i64,
    pub site_id: i64,
    pub link_worker_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub mode: String,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AppointmentFilter {
    pub referral_id: Option<i64>,
    /// All of one person's referrals.
    pub participant_id: Option<i64>,
    pub link_worker_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// An appointment status; `cancelled` for either kind of cancellation.
    pub status: Option<String>,
    /// The appointment's site, or every site of a cluster or an area.
    pub site_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub area_id: Option<i64>,
    pub limit: i64,
    /// Rows to pass over before the first listed (a page at a time).
    pub offset: i64,
}

const COLUMNS: &str = "a.id, a.referral_id, r.participant_id, r.person_name, a.site_id, s.name AS site_name, \
    a.link_worker_id, u.name AS link_worker_name, a.starts_at, a.duration_minutes, a.mode, a.status, a.notes, a.version \
    FROM appointments a JOIN referrals r ON r.id = a.referral_id JOIN sites s ON s.id = r.site_id \
    LEFT JOIN users u ON u.id = a.link_worker_id";

pub async fn list(
    tx: &mut Tx,
    scope: SiteScope,
    f: &AppointmentFilter,
) -> crate::Result<Vec<Appointment>> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    if let Some(r) = f.referral_id {
        w.and("a.referral_id = ?", [Param::I64(r)]);
    }
    if let Some(p) = f.participant_id {
        w.and("r.participant_id = ?", [Param::I64(p)]);
    }
    if let Some(u) = f.link_worker_id {
        w.and("a.link_worker_id = ?", [Param::I64(u)]);
    }
    if let Some(t) = f.from {
        w.and("a.starts_at >= ?", [Param::Time(t)]);
    }
    if let Some(t) = f.to {
        w.and("a.starts_at < ?", [Param::Time(t)]);
    }
    match f.status.as_deref() {
        None => {}
        Some("cancelled") => {
            w.and(
                "a.status IN ('cancelled_by_participant', 'cancelled_by_service')",
                [],
            );
        }
        Some(st) => {
            w.and("a.status = ?", [Param::Text(st.to_owned())]);
        }
    }
    if let Some(id) = f.site_id {
        w.and("a.site_id = ?", [Param::I64(id)]);
    }
    if let Some(id) = f.cluster_id {
        w.and(
            "a.site_id IN (SELECT sc.id FROM sites sc WHERE sc.cluster_id = ?)",
            [Param::I64(id)],
        );
    }
    if let Some(id) = f.area_id {
        w.and(
            "a.site_id IN (SELECT sa.id FROM sites sa JOIN clusters ca ON ca.id = sa.cluster_id WHERE ca.area_id = ?)",
            [Param::I64(id)],
        );
    }
    let n = w.next();
    let sql = format!(
        "SELECT {COLUMNS}{} ORDER BY a.starts_at, a.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    Ok(
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(f.limit.clamp(1, 2000)).bind(f.offset.max(0)).fetch_all(c).await)?,
    )
}

pub async fn get(tx: &mut Tx, scope: SiteScope, id: i64) -> crate::Result<Appointment> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    w.and("a.id = ?", [Param::I64(id)]);
    let sql = format!("SELECT {COLUMNS}{}", w.sql());
    on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    a: &NewAppointment,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO appointments (programme_id, referral_id, site_id, link_worker_id, starts_at, duration_minutes, mode, \
         status, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'booked', $8, $9, $9) RETURNING id")
        .bind(grant.programme_id()).bind(a.referral_id).bind(a.site_id).bind(a.link_worker_id).bind(a.starts_at)
        .bind(a.duration_minutes).bind(&a.mode).bind(&a.notes).bind(now)
        .fetch_one(c).await)?)
}

/// [`create`], only if the referral is still at `referral_version` and the
/// link worker (if any) still works at the practice as a link worker — the
/// checks a booking made before taking the writer, made again in the insert
/// itself. `None` when either has changed.
pub async fn create_unchanged(
    tx: &mut Tx,
    grant: &Grant,
    a: &NewAppointment,
    referral_version: i64,
    now: DateTime<Utc>,
) -> crate::Result<Option<i64>> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO appointments (programme_id, referral_id, site_id, link_worker_id, starts_at, duration_minutes, mode, \
         status, notes, created_at, updated_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, 'booked', $8, $9, $9 \
         WHERE EXISTS (SELECT 1 FROM referrals WHERE id = $2 AND programme_id = $1 AND site_id = $3 AND version = $10) \
         AND ($4 IS NULL OR EXISTS (SELECT 1 FROM users u JOIN user_sites us ON us.user_id = u.id \
              WHERE u.id = $4 AND u.programme_id = $1 AND u.role = 'link-worker' AND u.disabled_at IS NULL AND us.site_id = $3)) \
         RETURNING id")
        .bind(grant.programme_id()).bind(a.referral_id).bind(a.site_id).bind(a.link_worker_id).bind(a.starts_at)
        .bind(a.duration_minutes).bind(&a.mode).bind(&a.notes).bind(now).bind(referral_version)
        .fetch_optional(c).await)?)
}

/// Record an outcome if the version still matches, keeping the outcome it
/// replaces (a correction) as history.
pub async fn set_status(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    previous: AppointmentStatus,
    status: AppointmentStatus,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE appointments SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND programme_id = $4 AND version = $5")
        .bind(status.code()).bind(now).bind(id).bind(grant.programme_id()).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::StaleVersion);
    }
    let by = Some(grant.user_id()).filter(|u| *u != 0);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO appointment_outcomes (appointment_id, status, previous, set_by, set_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(status.code()).bind(previous.code()).bind(by).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One outcome recorded for an appointment (the latest is its status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutcomeChange {
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
    #[sqlx(try_from = "String")]
    pub previous: AppointmentStatus,
    pub set_by_name: Option<String>,
    pub set_at: DateTime<Utc>,
}

/// Every outcome recorded for these appointments, oldest first, by appointment id.
pub async fn outcomes(
    tx: &mut Tx,
    scope: SiteScope,
    ids: &[i64],
) -> crate::Result<Vec<(i64, OutcomeChange)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::new();
    site_scope(&mut w, scope);
    let marks = vec!["?"; ids.len()].join(", ");
    w.and(
        &format!("o.appointment_id IN ({marks})"),
        ids.iter().map(|i| Param::I64(*i)),
    );
    let sql = format!(
        "SELECT o.appointment_id, o.status, o.previous, u.name AS set_by_name, o.set_at \
         FROM appointment_outcomes o JOIN appointments a ON a.id = o.appointment_id \
         JOIN referrals r ON r.id = a.referral_id JOIN sites s ON s.id = r.site_id LEFT JOIN users u ON u.id = o.set_by{} ORDER BY o.id",
        w.sql()
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        appointment_id: i64,
        #[sqlx(flatten)]
        change: OutcomeChange,
    }
    let rows: Vec<Row> = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.appointment_id, r.change))
        .collect())
}

/// A link worker's booked or held appointments starting in `[from, to)`,
/// across the whole programme, as (id, start, minutes): times only, for
/// the clash check (no one's details).
pub async fn busy(
    tx: &mut Tx,
    grant: &Grant,
    worker: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> crate::Result<Vec<(i64, DateTime<Utc>, i64)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, starts_at, duration_minutes FROM appointments WHERE programme_id = $1 AND link_worker_id = $2 \
         AND starts_at >= $3 AND starts_at < $4 AND status NOT IN ('cancelled_by_participant', 'cancelled_by_service') \
         ORDER BY starts_at")
        .bind(grant.programme_id()).bind(worker).bind(from).bind(to).fetch_all(c).await)?)
}

/// Set (or replace) a user's calendar feed secret, stored hashed.
pub async fn set_feed(
    tx: &mut Tx,
    user_id: i64,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at")
        .bind(user_id).bind(secret_hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_feed(tx: &mut Tx, user_id: i64) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn has_feed(tx: &mut Tx, user_id: i64) -> crate::Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM calendar_feeds WHERE user_id = $1").bind(user_id).fetch_one(c).await)?;
    Ok(n > 0)
}

/// The user whose feed this secret opens.
pub async fn feed_user(tx: &mut Tx, secret_hash: &str) -> crate::Result<Option<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT user_id FROM calendar_feeds WHERE secret_hash = $1").bind(secret_hash).fetch_optional(c).await)?,
    )
}

/// Open referrals of a link worker whose person has not attended an
/// appointment since `since` (nor been referred since then): (referral id,
/// person, last attended).
pub async fn not_seen_since(
    tx: &mut Tx,
    grant: &Grant,
    link_worker_id: i64,
    since: DateTime<Utc>,
) -> crate::Result<Vec<(i64, String, Option<DateTime<Utc>>)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT r.id, r.person_name, (SELECT MAX(a.starts_at) FROM appointments a WHERE a.referral_id = r.id AND a.status = 'attended') AS last_seen \
         FROM referrals r WHERE r.programme_id = $1 AND r.link_worker_id = $2 AND r.status IN ('allocated', 'contacted', 'engaged') \
         AND r.created_at < $3 \
         AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.referral_id = r.id AND a.status = 'attended' AND a.starts_at >= $3) \
         ORDER BY r.id LIMIT 50")
        .bind(grant.programme_id()).bind(link_worker_id).bind(since).fetch_all(c).await)?)
}

/// Risk flags due for review by `on` on a link worker's open referrals: (participant id, person, kind, review date).
/// Starts from the worker's open caseload (indexed), not from every flag.
pub async fn flags_due(
    tx: &mut Tx,
    grant: &Grant,
    link_worker_id: i64,
    on: chrono::NaiveDate,
) -> crate::Result<Vec<(i64, String, String, chrono::NaiveDate)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT DISTINCT f.participant_id, r.person_name, f.kind, f.review_on FROM referrals r \
         JOIN risk_flags f ON f.participant_id = r.participant_id \
         WHERE r.programme_id = $1 AND r.link_worker_id = $2 AND r.status IN ('allocated', 'contacted', 'engaged') \
         AND f.programme_id = $1 AND f.resolved_at IS NULL AND f.review_on IS NOT NULL AND f.review_on <= $3 \
         ORDER BY f.review_on LIMIT 50")
        .bind(grant.programme_id()).bind(link_worker_id).bind(on).fetch_all(c).await)?)
}
