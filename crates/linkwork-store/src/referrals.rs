//! Referrals (episodes of support) and contact attempts, narrowed to a
//! [`SiteScope`] by the referral's site.

use crate::org::site_scope;
use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::referral::ReferralStatus;
use linkwork_domain::{Grant, Permission, SiteScope};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Referral {
    pub id: i64,
    pub site_id: i64,
    pub site_name: String,
    /// The person's record, once triage has linked or made one.
    pub participant_id: Option<i64>,
    pub person_name: String,
    pub person_date_of_birth: Option<NaiveDate>,
    pub person_chi_number: Option<String>,
    pub person_phone: Option<String>,
    /// `gp`, `nurse_anp`, `practice_staff`, `self`, `food_bank` or `other_agency`.
    pub source: String,
    pub referrer: Option<String>,
    pub received_on: NaiveDate,
    /// `routine`, `soon` or `urgent`.
    pub urgency: String,
    /// Reason codes (e.g. `housing`, `money`), in code order; from the
    /// `referral_reasons` rows.
    #[sqlx(try_from = "String")]
    pub reasons: Codes,
    pub details: Option<String>,
    /// `received`, `allocated`, `contacted`, `engaged`, `declined` or `closed`.
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::referral::ReferralStatus,
    pub link_worker_id: Option<i64>,
    pub link_worker_name: Option<String>,
    pub decline_reason: Option<String>,
    pub closure_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    /// SNOMED CT: 871731000000106 (referral to social prescribing service) or
    /// 871711000000103 (social prescribing declined).
    pub snomed_code: String,
    /// Whether the person agreed to be referred (`None`: not asked).
    pub person_agreed: Option<bool>,
    /// When the person was first reached (a contact attempt that spoke with them).
    pub contacted_at: Option<DateTime<Utc>>,
    /// When the person first came to an appointment.
    pub first_seen_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewReferral {
    pub site_id: i64,
    pub participant_id: Option<i64>,
    pub person_name: String,
    pub person_date_of_birth: Option<NaiveDate>,
    pub person_chi_number: Option<String>,
    pub person_phone: Option<String>,
    pub source: String,
    pub referrer: Option<String>,
    pub received_on: NaiveDate,
    pub urgency: String,
    /// Reason codes: one `referral_reasons` row each.
    pub reasons: Vec<String>,
    pub details: Option<String>,
    pub person_agreed: Option<bool>,
    pub snomed_code: String,
    pub created_by: Option<i64>,
}

/// The lifecycle fields, written together by every triage and status change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lifecycle {
    pub status: ReferralStatus,
    pub participant_id: Option<i64>,
    pub link_worker_id: Option<i64>,
    pub decline_reason: Option<String>,
    pub closure_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub snomed_code: String,
}

impl Lifecycle {
    /// The lifecycle fields as a referral has them now, moved to `status`.
    pub fn of(r: &Referral, status: ReferralStatus) -> Lifecycle {
        Lifecycle {
            status,
            participant_id: r.participant_id,
            link_worker_id: r.link_worker_id,
            decline_reason: r.decline_reason.clone(),
            closure_reason: r.closure_reason.clone(),
            closed_on: r.closed_on,
            snomed_code: r.snomed_code.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ContactAttempt {
    pub id: i64,
    pub referral_id: i64,
    pub at: DateTime<Utc>,
    /// `phone`, `text`, `letter` or `in_person`.
    pub method: String,
    /// `reached`, `no_answer`, `left_message` or `wrong_number`.
    pub outcome: String,
    pub note: Option<String>,
    pub user_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    pub status: Option<Vec<String>>,
    pub participant_id: Option<i64>,
    pub link_worker_id: Option<i64>,
    /// The practice (site) referred from.
    pub site_id: Option<i64>,
    /// A reason code the referral gives.
    pub reason: Option<String>,
    /// Received on or after.
    pub received_from: Option<NaiveDate>,
    /// Received on or before.
    pub received_to: Option<NaiveDate>,
    /// Part of the person's name.
    pub text: Option<String>,
    /// Practices of an area or a cluster (the figures link here).
    pub area_id: Option<i64>,
    pub cluster_id: Option<i64>,
    /// Where the referral came from (`gp`, `self`…).
    pub source: Option<String>,
    /// Closed (not declined) on or after, on or before, and why (the
    /// figures' closures link here).
    pub closed_from: Option<NaiveDate>,
    pub closed_to: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    /// Who is reached (the figures link here): the person's sex as
    /// recorded (`""`: not recorded), their age in whole years when
    /// referred (`Some((from, below))`; `None`: not known), the SIMD deciles
    /// of their postcode (empty: not known), the person's first referral to
    /// the programme, a Deep End practice.
    pub sex: Option<String>,
    pub age: Option<Option<(i64, i64)>>,
    pub simd_deciles: Option<Vec<i64>>,
    pub new_person: bool,
    pub deep_end: bool,
    /// Made by a partner organisation's staff (`Some("")`: any
    /// organisation; else the organisation's name).
    pub partner: Option<String>,
    /// Reopened (from closed or declined) at or after the first instant,
    /// if given, and before the second, if given.
    pub reopened: Option<Between>,
    pub limit: i64,
    pub offset: i64,
}

/// A run of time: at or after the first instant, if given, and before the
/// second, if given.
pub type Between = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Codes aggregated into one column by a query, split again when read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Codes(pub Vec<String>);

impl From<String> for Codes {
    fn from(s: String) -> Self {
        Codes(
            s.split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

impl std::ops::Deref for Codes {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl From<Codes> for Vec<String> {
    fn from(c: Codes) -> Vec<String> {
        c.0
    }
}

/// The columns of a referral (alias `r`), its reasons gathered from their
/// rows in one subquery.
fn columns(tx: &Tx) -> String {
    COLUMNS.replace("{reasons}", crate::dialect::referral_reasons(tx))
}

const COLUMNS: &str = "r.id, r.site_id, s.name AS site_name, r.participant_id, r.person_name, r.person_date_of_birth, \
    r.person_chi_number, r.person_phone, r.source, r.referrer, r.received_on, r.urgency, {reasons} AS reasons, r.details, r.status, \
    r.link_worker_id, u.name AS link_worker_name, r.decline_reason, r.closure_reason, r.closed_on, r.snomed_code, \
    r.person_agreed, \
    (SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = r.id AND ca.outcome = 'reached') AS contacted_at, \
    (SELECT MIN(ap.starts_at) FROM appointments ap WHERE ap.referral_id = r.id AND ap.status = 'attended') AS first_seen_at, \
    r.version, r.created_at, r.updated_at \
    FROM referrals r JOIN sites s ON s.id = r.site_id LEFT JOIN users u ON u.id = r.link_worker_id";

/// The scope of a referral query (alias `r`, sites `s`): the sites the
/// scope reaches, and for a partner only the referrals they made.
fn referral_scope(w: &mut Where, scope: SiteScope) {
    site_scope(w, scope);
    if let Some(user) = scope.made_by() {
        w.and("r.created_by = ?", [Param::I64(user)]);
    }
}

/// The clauses of a referral filter (alias `r`, sites `s`). Each clause of
/// who is reached is written as [`crate::reports::referral_counts`] counts
/// it, so that a figure and its list agree.
fn filter_where(tx: &Tx, scope: SiteScope, f: &ReferralFilter) -> Where {
    let mut w = Where::new();
    referral_scope(&mut w, scope);
    if let Some(statuses) = &f.status {
        let marks = vec!["?"; statuses.len()].join(", ");
        w.and(
            &format!("r.status IN ({marks})"),
            statuses.iter().map(|x| Param::Text(x.clone())),
        );
    }
    if let Some(p) = f.participant_id {
        w.and("r.participant_id = ?", [Param::I64(p)]);
    }
    if let Some(u) = f.link_worker_id {
        w.and("r.link_worker_id = ?", [Param::I64(u)]);
    }
    if let Some(site) = f.site_id {
        w.and("r.site_id = ?", [Param::I64(site)]);
    }
    if let Some(c) = f.cluster_id {
        w.and("s.cluster_id = ?", [Param::I64(c)]);
    }
    if let Some(a) = f.area_id {
        w.and(
            "s.cluster_id IN (SELECT cl.id FROM clusters cl WHERE cl.area_id = ?)",
            [Param::I64(a)],
        );
    }
    if let Some(src) = &f.source {
        w.and("r.source = ?", [Param::Text(src.clone())]);
    }
    if let Some(reason) = &f.reason {
        w.and(
            "EXISTS (SELECT 1 FROM referral_reasons rr WHERE rr.referral_id = r.id AND rr.reason = ?)",
            [Param::Text(reason.clone())],
        );
    }
    if let Some(d) = f.received_from {
        w.and("r.received_on >= ?", [Param::Date(d)]);
    }
    if let Some(d) = f.received_to {
        w.and("r.received_on <= ?", [Param::Date(d)]);
    }
    if f.closed_from.is_some() || f.closed_to.is_some() || f.closure_reason.is_some() {
        w.and("r.status = 'closed'", []);
    }
    if let Some(d) = f.closed_from {
        w.and("r.closed_on >= ?", [Param::Date(d)]);
    }
    if let Some(d) = f.closed_to {
        w.and("r.closed_on <= ?", [Param::Date(d)]);
    }
    if let Some(why) = &f.closure_reason {
        w.and("r.closure_reason = ?", [Param::Text(why.clone())]);
    }
    if let Some(sex) = &f.sex {
        w.and(
            "COALESCE((SELECT p.sex FROM participants p WHERE p.id = r.participant_id), '') = ?",
            [Param::Text(sex.clone())],
        );
    }
    if let Some(age) = f.age {
        let years = crate::dialect::age_years(
            tx,
            "r.received_on",
            "COALESCE((SELECT p.date_of_birth FROM participants p WHERE p.id = r.participant_id), r.person_date_of_birth)",
        );
        match age {
            Some((from, below)) => w.and(
                &format!("{years} >= ? AND {years} < ?"),
                [Param::I64(from), Param::I64(below)],
            ),
            None => w.and(&format!("{years} IS NULL"), []),
        };
    }
    if let Some(deciles) = &f.simd_deciles {
        let decile = "(SELECT z.decile FROM participants p JOIN postcodes pc ON pc.postcode = p.postcode \
             JOIN simd_datazones z ON z.datazone = pc.datazone WHERE p.id = r.participant_id)";
        if deciles.is_empty() {
            w.and(&format!("{decile} IS NULL"), []);
        } else {
            let marks = vec!["?"; deciles.len()].join(", ");
            w.and(
                &format!("{decile} IN ({marks})"),
                deciles.iter().map(|d| Param::I64(*d)),
            );
        }
    }
    if f.new_person {
        // Kept on the referral by migration 29's triggers, as the figures
        // count it.
        w.and("r.first_for_person", []);
    }
    if f.deep_end {
        w.and("s.deep_end", []);
    }
    if let Some(org) = &f.partner {
        let made = "EXISTS (SELECT 1 FROM users pu LEFT JOIN dir_organizations pd ON pd.id = pu.organization_id \
             WHERE pu.id = r.created_by AND pu.role = 'partner'";
        if org.is_empty() {
            w.and(&format!("{made})"), []);
        } else {
            w.and(
                &format!("{made} AND pd.name = ?)"),
                [Param::Text(org.clone())],
            );
        }
    }
    if let Some((from, before)) = f.reopened {
        let mut sql = "EXISTS (SELECT 1 FROM referral_status_changes x WHERE x.referral_id = r.id \
             AND x.from_status IN ('closed', 'declined') AND x.to_status NOT IN ('closed', 'declined')"
            .to_owned();
        let mut params = Vec::new();
        for (t, clause) in [(from, " AND x.at >= ?"), (before, " AND x.at < ?")] {
            if let Some(t) = t {
                sql.push_str(clause);
                params.push(Param::Time(t));
            }
        }
        sql.push(')');
        w.and(&sql, params);
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        w.and(
            "LOWER(r.person_name) LIKE ?",
            [Param::Text(format!("%{}%", t.to_lowercase()))],
        );
    }
    w
}

pub async fn list(
    tx: &mut Tx,
    scope: SiteScope,
    f: &ReferralFilter,
) -> crate::Result<(Vec<Referral>, i64)> {
    let w = filter_where(tx, scope, f);
    let n = w.next();
    let sql = format!(
        "SELECT {}{} ORDER BY r.received_on DESC, r.id DESC LIMIT ${n} OFFSET ${}",
        columns(tx),
        w.sql(),
        n + 1
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0)).fetch_all(c).await)?;
    let count_sql = format!(
        "SELECT COUNT(*) FROM referrals r JOIN sites s ON s.id = r.site_id{}",
        w.sql()
    );
    let total = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

/// Every referral a filter finds, up to `max`, oldest first (for export).
pub async fn export(
    tx: &mut Tx,
    scope: SiteScope,
    f: &ReferralFilter,
    max: i64,
) -> crate::Result<Vec<Referral>> {
    let w = filter_where(tx, scope, f);
    let n = w.next();
    let sql = format!(
        "SELECT {}{} ORDER BY r.received_on, r.id LIMIT ${n}",
        columns(tx),
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).bind(max).fetch_all(c).await)?)
}

pub async fn get(tx: &mut Tx, scope: SiteScope, id: i64) -> crate::Result<Referral> {
    let mut w = Where::new();
    referral_scope(&mut w, scope);
    w.and("r.id = ?", [Param::I64(id)]);
    let sql = format!("SELECT {}{}", columns(tx), w.sql());
    on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    r: &NewReferral,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(
        grant,
        &[Permission::MakeReferral, Permission::WorkWithParticipants],
    )?;
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO referrals (programme_id, site_id, participant_id, person_name, person_date_of_birth, \
         person_chi_number, person_phone, source, referrer, received_on, urgency, reasons, details, status, \
         snomed_code, created_by, created_at, updated_at, person_agreed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14, $15, $16, $16, $17) RETURNING id")
        .bind(grant.programme_id()).bind(r.site_id).bind(r.participant_id).bind(&r.person_name)
        .bind(r.person_date_of_birth).bind(&r.person_chi_number).bind(&r.person_phone).bind(&r.source)
        .bind(&r.referrer).bind(r.received_on).bind(&r.urgency).bind(r.reasons.join(",")).bind(&r.details)
        .bind(&r.snomed_code).bind(r.created_by).bind(now).bind(r.person_agreed)
        .fetch_one(c).await)?;
    for reason in &r.reasons {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO referral_reasons (referral_id, programme_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id).bind(grant.programme_id()).bind(reason).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

/// Write a new lifecycle state if the version still matches.
pub async fn set_lifecycle(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    from: ReferralStatus,
    l: &Lifecycle,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE referrals SET status = $1, participant_id = $2, link_worker_id = $3, decline_reason = $4, \
         closure_reason = $5, closed_on = $6, snomed_code = $7, updated_at = $8, version = version + 1 \
         WHERE id = $9 AND programme_id = $10 AND version = $11")
        .bind(l.status.code()).bind(l.participant_id).bind(l.link_worker_id).bind(&l.decline_reason)
        .bind(&l.closure_reason).bind(l.closed_on).bind(&l.snomed_code).bind(now)
        .bind(id).bind(grant.programme_id()).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::StaleVersion);
    }
    if from != l.status {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO referral_status_changes (programme_id, referral_id, from_status, to_status, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(grant.programme_id()).bind(id).bind(from.code()).bind(l.status.code()).bind(now)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn add_contact_attempt(
    tx: &mut Tx,
    referral_id: i64,
    at: DateTime<Utc>,
    method: &str,
    outcome: &str,
    note: Option<&str>,
    user_id: Option<i64>,
) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO contact_attempts (referral_id, at, method, outcome, note, user_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(referral_id).bind(at).bind(method).bind(outcome).bind(note).bind(user_id)
        .fetch_one(c).await)?)
}

pub async fn contact_attempts(tx: &mut Tx, referral_id: i64) -> crate::Result<Vec<ContactAttempt>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.referral_id, a.at, a.method, a.outcome, a.note, u.name AS user_name FROM contact_attempts a \
         LEFT JOIN users u ON u.id = a.user_id WHERE a.referral_id = $1 ORDER BY a.at DESC, a.id DESC")
        .bind(referral_id).fetch_all(c).await)?)
}

/// Every contact attempt of a person's referrals at sites within `scope`,
/// newest first.
pub async fn contact_attempts_of(
    tx: &mut Tx,
    scope: SiteScope,
    participant_id: i64,
) -> crate::Result<Vec<ContactAttempt>> {
    let mut w = Where::new();
    referral_scope(&mut w, scope);
    w.and("r.participant_id = ?", [Param::I64(participant_id)]);
    let sql = format!(
        "SELECT a.id, a.referral_id, a.at, a.method, a.outcome, a.note, u.name AS user_name FROM contact_attempts a \
         JOIN referrals r ON r.id = a.referral_id JOIN sites s ON s.id = r.site_id LEFT JOIN users u ON u.id = a.user_id{} \
         ORDER BY a.at DESC, a.id DESC LIMIT 500",
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// Is `user_id` an active link worker of the programme at `site_id`?
pub async fn is_link_worker_at(
    tx: &mut Tx,
    grant: &Grant,
    user_id: i64,
    site_id: i64,
) -> crate::Result<bool> {
    Ok(link_worker_at(tx, grant, user_id, site_id).await?.is_some())
}

/// The name of an active link worker at a site, or `None` if the user is
/// not one there.
pub async fn link_worker_at(
    tx: &mut Tx,
    grant: &Grant,
    user_id: i64,
    site_id: i64,
) -> crate::Result<Option<String>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT u.name FROM users u JOIN user_sites us ON us.user_id = u.id \
         WHERE u.id = $1 AND u.programme_id = $2 AND u.role = 'link-worker' AND u.disabled_at IS NULL AND us.site_id = $3")
        .bind(user_id).bind(grant.programme_id()).bind(site_id).fetch_optional(c).await)?)
}

/// Link workers at a site, for allocation: (id, name).
/// Every active link worker of the programme, by name.
pub async fn link_workers(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<(i64, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.name FROM users u WHERE u.programme_id = $1 AND u.role = 'link-worker' \
         AND u.disabled_at IS NULL ORDER BY u.name, u.id")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

pub async fn link_workers_at(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
) -> crate::Result<Vec<(i64, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.name FROM users u JOIN user_sites us ON us.user_id = u.id \
         WHERE u.programme_id = $1 AND u.role = 'link-worker' AND u.disabled_at IS NULL AND us.site_id = $2 ORDER BY u.name")
        .bind(grant.programme_id()).bind(site_id).fetch_all(c).await)?)
}
