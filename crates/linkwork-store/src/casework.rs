//! The work itself, kept on a person's record: notes (with their earlier
//! versions), risk flags and wellbeing measures. Callers check the person is
//! within scope first (`participants::get`); these queries add the programme.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::referral::NeedStatus;
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Note {
    pub id: i64,
    pub participant_id: i64,
    pub author_name: Option<String>,
    /// Restricted notes are never shared outside the link work team.
    pub restricted: bool,
    pub body: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How many earlier versions are kept.
    pub earlier_versions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NoteVersion {
    pub body: String,
    pub restricted: bool,
    pub edited_by: Option<String>,
    pub replaced_at: DateTime<Utc>,
}

pub async fn notes(tx: &mut Tx, grant: &Grant, participant_id: i64) -> crate::Result<Vec<Note>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT n.id, n.participant_id, u.name AS author_name, n.restricted, n.body, n.version, n.created_at, n.updated_at, \
         (SELECT COUNT(*) FROM note_versions v WHERE v.note_id = n.id) AS earlier_versions \
         FROM notes n LEFT JOIN users u ON u.id = n.author_id \
         WHERE n.programme_id = $1 AND n.participant_id = $2 ORDER BY n.created_at DESC, n.id DESC")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

pub async fn note_versions(
    tx: &mut Tx,
    grant: &Grant,
    note_id: i64,
) -> crate::Result<Vec<NoteVersion>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT v.body, v.restricted, u.name AS edited_by, v.replaced_at FROM note_versions v \
         JOIN notes n ON n.id = v.note_id LEFT JOIN users u ON u.id = v.edited_by \
         WHERE n.programme_id = $1 AND v.note_id = $2 ORDER BY v.replaced_at DESC, v.id DESC")
        .bind(grant.programme_id()).bind(note_id).fetch_all(c).await)?)
}

pub async fn add_note(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    author: Option<i64>,
    restricted: bool,
    body: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO notes (programme_id, participant_id, author_id, restricted, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(author).bind(restricted).bind(body).bind(now)
        .fetch_one(c).await)?)
}

/// Edit a note, keeping the text it replaces.
#[allow(clippy::too_many_arguments)]
pub async fn edit_note(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    note_id: i64,
    version: i64,
    editor: Option<i64>,
    restricted: bool,
    body: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let old: Option<(String, bool, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT body, restricted, version FROM notes WHERE id = $1 AND programme_id = $2 AND participant_id = $3")
        .bind(note_id).bind(grant.programme_id()).bind(participant_id).fetch_optional(c).await)?;
    let Some((old_body, old_restricted, current)) = old else {
        return Err(StoreError::NotFound);
    };
    if current != version {
        return Err(StoreError::StaleVersion);
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO note_versions (note_id, body, restricted, edited_by, replaced_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(note_id).bind(&old_body).bind(old_restricted).bind(editor).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE notes SET body = $1, restricted = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5")
        .bind(body).bind(restricted).bind(now).bind(note_id).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleVersion)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RiskFlag {
    pub id: i64,
    /// `suicide_self_harm`, `adult_protection`, `child_protection`, `domestic_abuse` or `other`.
    pub kind: String,
    pub details: Option<String>,
    pub review_on: Option<NaiveDate>,
    pub raised_by_name: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

pub async fn risk_flags(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<RiskFlag>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id, f.kind, f.details, f.review_on, u.name AS raised_by_name, f.raised_at, f.resolved_at \
         FROM risk_flags f LEFT JOIN users u ON u.id = f.raised_by \
         WHERE f.programme_id = $1 AND f.participant_id = $2 ORDER BY f.resolved_at IS NOT NULL, f.raised_at DESC")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

#[allow(clippy::too_many_arguments)]
pub async fn raise_flag(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    kind: &str,
    details: Option<&str>,
    review_on: Option<NaiveDate>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO risk_flags (programme_id, participant_id, kind, details, review_on, raised_by, raised_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(kind).bind(details).bind(review_on).bind(by).bind(now)
        .fetch_one(c).await)?)
}

pub async fn resolve_flag(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    flag_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE risk_flags SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND programme_id = $4 AND participant_id = $5 AND resolved_at IS NULL")
        .bind(now).bind(by).bind(flag_id).bind(grant.programme_id()).bind(participant_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Measure {
    pub id: i64,
    /// `swemwbs` or `ons4`.
    pub kind: String,
    /// `baseline`, `review` or `exit`.
    pub stage: String,
    pub taken_on: NaiveDate,
    /// The item answers, comma-separated, in questionnaire order.
    pub answers: String,
    /// SWEMWBS: the metric score (7–35); ONS4: life satisfaction (0–10).
    pub score: f64,
}

pub async fn measures(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<Measure>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, kind, stage, taken_on, answers, score FROM measures \
         WHERE programme_id = $1 AND participant_id = $2 ORDER BY taken_on, id")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_measure(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    kind: &str,
    stage: &str,
    taken_on: NaiveDate,
    answers: &str,
    score: f64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO measures (programme_id, participant_id, kind, stage, taken_on, answers, score, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(kind).bind(stage).bind(taken_on).bind(answers).bind(score).bind(by).bind(now)
        .fetch_one(c).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Goal {
    pub id: i64,
    /// In the person's own words.
    pub words: String,
    /// `working_on`, `some_progress`, `achieved` or `set_aside`.
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::referral::GoalStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_comment: Option<String>,
    pub reviews: i64,
}

pub async fn goals(tx: &mut Tx, grant: &Grant, participant_id: i64) -> crate::Result<Vec<Goal>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT g.id, g.words, g.status, g.created_at, g.updated_at, \
         (SELECT r.comment FROM goal_reviews r WHERE r.goal_id = g.id ORDER BY r.reviewed_at DESC, r.id DESC LIMIT 1) AS last_comment, \
         (SELECT COUNT(*) FROM goal_reviews r WHERE r.goal_id = g.id) AS reviews \
         FROM goals g WHERE g.programme_id = $1 AND g.participant_id = $2 ORDER BY g.created_at, g.id")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

pub async fn add_goal(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    words: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO goals (programme_id, participant_id, words, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'working_on', $4, $5, $5) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(words).bind(by).bind(now).fetch_one(c).await)?)
}

#[allow(clippy::too_many_arguments)]
pub async fn review_goal(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    goal_id: i64,
    status: &str,
    comment: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE goals SET status = $1, updated_at = $2 WHERE id = $3 AND programme_id = $4 AND participant_id = $5")
        .bind(status).bind(now).bind(goal_id).bind(grant.programme_id()).bind(participant_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::NotFound);
    }
    on_tx!(tx, c => sqlx::query("INSERT INTO goal_reviews (goal_id, status, comment, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(goal_id).bind(status).bind(comment).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OnwardSupport {
    pub id: i64,
    /// `referral`, `signposting` or `accompanied`.
    pub kind: String,
    pub service: String,
    pub contact: Option<String>,
    /// Days, times and place, in plain words.
    pub when_and_where: Option<String>,
    /// `suggested`, `referred`, `accepted`, `attended`, `declined`,
    /// `no_response`, `support_given` or `closed`.
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::referral::OnwardStatus,
    pub outcome: Option<String>,
    /// The partner organisation's reason, when it declined.
    pub partner_reason: Option<String>,
    /// When the partner organisation last answered, and who did.
    pub responded_at: Option<DateTime<Utc>>,
    pub responded_by: Option<String>,
    /// The directory service, when it is one.
    pub service_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn onward(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<OnwardSupport>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT o.id, o.kind, o.service, o.contact, o.when_and_where, o.status, o.outcome, o.partner_reason, o.responded_at, \
         u.name AS responded_by, o.service_id, o.created_at, o.updated_at FROM onward_support o LEFT JOIN users u ON u.id = o.responded_by \
         WHERE o.programme_id = $1 AND o.participant_id = $2 ORDER BY o.created_at, o.id")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

pub struct NewOnward<'a> {
    pub kind: &'a str,
    pub service: &'a str,
    pub contact: Option<&'a str>,
    pub when_and_where: Option<&'a str>,
    pub status: &'a str,
    pub service_id: Option<i64>,
}

pub async fn add_onward(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    o: &NewOnward<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO onward_support (programme_id, participant_id, kind, service, contact, when_and_where, status, created_by, created_at, updated_at, service_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(o.kind).bind(o.service).bind(o.contact).bind(o.when_and_where)
        .bind(o.status).bind(by).bind(now).bind(o.service_id).fetch_one(c).await)?)
}

pub async fn update_onward(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    id: i64,
    status: &str,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE onward_support SET status = $1, outcome = COALESCE($2, outcome), updated_at = $3 \
         WHERE id = $4 AND programme_id = $5 AND participant_id = $6")
        .bind(status).bind(outcome).bind(now).bind(id).bind(grant.programme_id()).bind(participant_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    pub id: i64,
    /// A reason code (the referral reasons taxonomy), e.g. `housing`.
    pub need: String,
    pub status: NeedStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every status the need has had, oldest first.
    pub history: Vec<NeedUpdate>,
}

/// One status a need had, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedUpdate {
    pub status: NeedStatus,
    pub at: DateTime<Utc>,
}

/// One row of a need joined with one of its updates.
#[derive(sqlx::FromRow)]
struct NeedRow {
    id: i64,
    need: String,
    #[sqlx(try_from = "String")]
    status: NeedStatus,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    update_status: Option<String>,
    update_at: Option<DateTime<Utc>>,
}

/// A person's needs with their histories, in one query.
pub async fn needs(tx: &mut Tx, grant: &Grant, participant_id: i64) -> crate::Result<Vec<Need>> {
    let rows: Vec<NeedRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT n.id, n.need, n.status, n.created_at, n.updated_at, u.status AS update_status, u.at AS update_at \
         FROM needs n LEFT JOIN need_updates u ON u.need_id = n.id \
         WHERE n.programme_id = $1 AND n.participant_id = $2 ORDER BY n.created_at, n.id, u.at, u.id")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?;
    let mut out: Vec<Need> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|n| n.id != r.id) {
            out.push(Need {
                id: r.id,
                need: r.need,
                status: r.status,
                created_at: r.created_at,
                updated_at: r.updated_at,
                history: Vec::new(),
            });
        }
        if let (Some(s), Some(at), Some(n)) = (r.update_status, r.update_at, out.last_mut()) {
            let status = NeedStatus::try_from(s).map_err(|e| StoreError::Decode(e.to_string()))?;
            n.history.push(NeedUpdate { status, at });
        }
    }
    Ok(out)
}

/// Record a need, or a new status of one; either way the status joins its history.
pub async fn set_need(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    need: &str,
    status: NeedStatus,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let existing: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM needs WHERE programme_id = $1 AND participant_id = $2 AND need = $3")
        .bind(grant.programme_id()).bind(participant_id).bind(need).fetch_optional(c).await)?;
    let id = match existing {
        Some(id) => {
            on_tx!(tx, c => sqlx::query("UPDATE needs SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(status.code()).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
            id
        }
        None => on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO needs (programme_id, participant_id, need, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
            .bind(grant.programme_id()).bind(participant_id).bind(need).bind(status.code()).bind(now).fetch_one(c).await)?,
    };
    on_tx!(tx, c => sqlx::query("INSERT INTO need_updates (need_id, status, user_id, at) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(status.code()).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SafetyPlan {
    pub plan: String,
    pub written_by_name: Option<String>,
    pub written_at: DateTime<Utc>,
}

/// Every version of the safety plan, newest first (the first is the current one).
pub async fn safety_plans(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<SafetyPlan>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT p.plan, u.name AS written_by_name, p.written_at FROM safety_plans p LEFT JOIN users u ON u.id = p.written_by \
         WHERE p.programme_id = $1 AND p.participant_id = $2 ORDER BY p.written_at DESC, p.id DESC")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

pub async fn write_safety_plan(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    plan: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO safety_plans (programme_id, participant_id, plan, written_by, written_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(plan).bind(by).bind(now).fetch_one(c).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SafeguardingAction {
    pub id: i64,
    /// `asp_referral`, `police_welfare_check`, `child_protection_referral` or `other`.
    pub kind: String,
    pub taken_on: NaiveDate,
    pub agency: String,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

pub async fn safeguarding_actions(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<SafeguardingAction>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, kind, taken_on, agency, note, recorded_at FROM safeguarding_actions \
         WHERE programme_id = $1 AND participant_id = $2 ORDER BY taken_on DESC, id DESC")
        .bind(grant.programme_id()).bind(participant_id).fetch_all(c).await)?)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_safeguarding_action(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
    kind: &str,
    taken_on: NaiveDate,
    agency: &str,
    note: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO safeguarding_actions (programme_id, participant_id, kind, taken_on, agency, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(grant.programme_id()).bind(participant_id).bind(kind).bind(taken_on).bind(agency).bind(note).bind(by).bind(now)
        .fetch_one(c).await)?)
}

/// Onward support recorded across people: the list behind the figures'
/// onward counts. Its run of time and its place or link worker narrow the
/// lists of needs and goals too ([`recorded_between`]).
#[derive(Debug, Clone, Default)]
pub struct OnwardFilter {
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    /// `signposting`, or `referral` for referrals and accompanied visits.
    pub kind: Option<&'static str>,
    /// One status, or (`taken_up`) accepted, attended or support given.
    pub statuses: Vec<String>,
    /// Answered by a partner organisation's staff in the run of time
    /// (instead of recorded in it).
    pub answered_by_partners: bool,
    /// The directory service's category (the top-level category of its
    /// first "what" term, as the figures name it) or organisation.
    pub category: Option<String>,
    pub organization: Option<String>,
    /// The person's practice, or every practice of a cluster or area.
    pub site_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub area_id: Option<i64>,
    /// People with a referral of this link worker's.
    pub link_worker_id: Option<i64>,
    /// Rows to pass over before the first listed (a list shown a page at
    /// a time).
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OnwardRow {
    pub id: i64,
    pub participant_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub site: String,
    pub kind: String,
    /// The service as recorded (its name, or the text typed).
    pub service: String,
    pub organization: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

use crate::reports::PERSON_OF_WORKER;

/// The people a list across people may name (their record's practice in
/// the grant's scope, not merged away), narrowed by the filter's place or
/// link worker and by the run of time of column `at` (alias `p` for the
/// person, `s` for their practice).
fn people_where(grant: &Grant, f: &OnwardFilter, at: &str) -> crate::query::Where {
    let mut w = place_where(grant, f, at, PERSON_OF_WORKER);
    w.and("p.merged_into IS NULL", []);
    w
}

/// The rows of practices (alias `s`) in the grant's scope, narrowed by the
/// filter's place, by its link worker (`worker`, with one `?`), and by the
/// run of time of column `at`.
pub(crate) fn place_where(
    grant: &Grant,
    f: &OnwardFilter,
    at: &str,
    worker: &str,
) -> crate::query::Where {
    use crate::query::{Param, Where};
    let mut w = Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    if let Some(t) = f.from {
        w.and(&format!("{at} >= ?"), [Param::Time(t)]);
    }
    if let Some(t) = f.before {
        w.and(&format!("{at} < ?"), [Param::Time(t)]);
    }
    if let Some(id) = f.site_id {
        w.and("s.id = ?", [Param::I64(id)]);
    }
    if let Some(id) = f.cluster_id {
        w.and("s.cluster_id = ?", [Param::I64(id)]);
    }
    if let Some(id) = f.area_id {
        w.and(
            "s.cluster_id IN (SELECT c.id FROM clusters c WHERE c.area_id = ?)",
            [Param::I64(id)],
        );
    }
    if let Some(id) = f.link_worker_id {
        w.and(worker, [Param::I64(id)]);
    }
    w
}

/// A case handed from one practice or link worker to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HandedRow {
    pub id: i64,
    pub referral_id: i64,
    /// The person's record, once the referral is linked to one.
    pub participant_id: Option<i64>,
    pub person_name: String,
    pub from_site: String,
    pub to_site: String,
    pub from_worker: Option<String>,
    pub to_worker: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The case is at a practice the grant reaches now (it may be opened).
    pub open_here: bool,
}

/// Handovers made in the filter's run of time from the practices the grant
/// reaches (narrowed by place, or by the link worker who handed over),
/// earliest first, at most `limit`: the list behind the figures'
/// handovers, which count them at the practice the case left.
pub async fn handovers_between(
    tx: &mut Tx,
    grant: &Grant,
    f: &OnwardFilter,
    limit: i64,
) -> crate::Result<Vec<HandedRow>> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let w = place_where(grant, f, "h.created_at", "h.from_worker_id = ?");
    let n = w.next();
    let (_, whole, user) = grant.scope().params();
    let sql = format!(
        "SELECT h.id, h.referral_id, r.participant_id, r.person_name, s.name AS from_site, ts.name AS to_site, fu.name AS from_worker, \
         tu.name AS to_worker, h.created_at, h.acknowledged_at, \
         (CASE WHEN ${} THEN TRUE WHEN r.site_id IN (SELECT us.site_id FROM user_sites us WHERE us.user_id = ${}) THEN TRUE ELSE FALSE END) AS open_here \
         FROM handovers h JOIN referrals r ON r.id = h.referral_id JOIN sites s ON s.id = h.from_site_id \
         JOIN sites ts ON ts.id = h.to_site_id LEFT JOIN users fu ON fu.id = h.from_worker_id JOIN users tu ON tu.id = h.to_worker_id{} \
         ORDER BY h.created_at, h.id LIMIT ${n} OFFSET ${}",
        n + 1,
        n + 2,
        w.sql(),
        n + 3
    );
    Ok(
        on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).bind(limit).bind(whole).bind(user).bind(f.offset.max(0)).fetch_all(c).await)?,
    )
}

/// Onward support of the people the grant reaches (their record's practice
/// in its scope), earliest first, at most `limit`.
pub async fn onward_between(
    tx: &mut Tx,
    grant: &Grant,
    f: &OnwardFilter,
    limit: i64,
) -> crate::Result<Vec<OnwardRow>> {
    use crate::query::Param;
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let at = if f.answered_by_partners {
        "o.responded_at"
    } else {
        "o.created_at"
    };
    let mut w = people_where(grant, f, at);
    if f.answered_by_partners {
        w.and(
            "EXISTS (SELECT 1 FROM users u WHERE u.id = o.responded_by AND u.role = 'partner')",
            [],
        );
    }
    match f.kind {
        Some("signposting") => {
            w.and("o.kind = 'signposting'", []);
        }
        Some(_) => {
            w.and("o.kind <> 'signposting'", []);
        }
        None => {}
    }
    if let Some(c) = &f.category {
        w.and(
            &format!("{} = ?", crate::reports::service_category("o.service_id")),
            [Param::Text(c.clone())],
        );
    }
    if let Some(org) = &f.organization {
        w.and("org.name = ?", [Param::Text(org.clone())]);
    }
    if !f.statuses.is_empty() {
        let marks = vec!["?"; f.statuses.len()].join(", ");
        w.and(
            &format!("o.status IN ({marks})"),
            f.statuses.iter().map(|s| Param::Text(s.clone())),
        );
    }
    let n = w.next();
    let sql = format!(
        "SELECT o.id, o.participant_id, p.given_name, p.family_name, s.name AS site, o.kind, \
         COALESCE(ds.name, o.service) AS service, org.name AS organization, o.status, o.created_at \
         FROM onward_support o JOIN participants p ON p.id = o.participant_id JOIN sites s ON s.id = p.site_id \
         LEFT JOIN dir_services ds ON ds.id = o.service_id LEFT JOIN dir_organizations org ON org.id = ds.organization_id{} \
         ORDER BY o.created_at, o.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    Ok(
        on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).bind(limit).bind(f.offset.max(0)).fetch_all(c).await)?,
    )
}

/// What a list across people holds besides onward support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Needs identified (one row a need, when it was first recorded).
    Needs,
    /// Goals achieved (one row a review that marked a goal achieved).
    Goals,
    /// Vouchers issued (one row a voucher, with its fund and amount).
    Vouchers,
}

/// A need identified or a goal achieved, with whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RecordedRow {
    /// The need's id, the goal's, or the voucher's.
    pub id: i64,
    pub participant_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub site: String,
    /// The need's code, the goal in the person's words, or the fund.
    pub what: String,
    pub at: DateTime<Utc>,
    /// A voucher's value.
    pub amount_pence: Option<i64>,
}

/// Needs identified (of one kind, if `need` is given), goals achieved or
/// vouchers issued (from one fund, by name, if `need` is given) to the
/// people the grant reaches, earliest first, at most `limit`: the
/// lists behind those figures, counted as the figures count them.
pub async fn recorded_between(
    tx: &mut Tx,
    grant: &Grant,
    what: Recorded,
    need: Option<&str>,
    f: &OnwardFilter,
    limit: i64,
) -> crate::Result<Vec<RecordedRow>> {
    use crate::query::Param;
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    // `key`: what orders rows of the same time, so pages never overlap.
    let (columns, from, at, key) = match what {
        Recorded::Needs => (
            "n.id, n.participant_id, n.need AS what, CAST(NULL AS BIGINT) AS amount_pence",
            "needs n JOIN participants p ON p.id = n.participant_id",
            "n.created_at",
            "n.id",
        ),
        Recorded::Goals => (
            "g.id, g.participant_id, g.words AS what, CAST(NULL AS BIGINT) AS amount_pence",
            "goal_reviews gr JOIN goals g ON g.id = gr.goal_id JOIN participants p ON p.id = g.participant_id",
            "gr.reviewed_at",
            "gr.id",
        ),
        Recorded::Vouchers => (
            "m.id, m.participant_id, fu.name AS what, -m.amount_pence AS amount_pence",
            "fund_movements m JOIN funds fu ON fu.id = m.fund_id JOIN participants p ON p.id = m.participant_id",
            "m.at",
            "m.id",
        ),
    };
    let mut w = people_where(grant, f, at);
    match (what, need) {
        (Recorded::Needs, Some(need)) => {
            w.and("n.need = ?", [Param::Text(need.to_owned())]);
        }
        (Recorded::Goals, _) => {
            w.and("gr.status = 'achieved'", []);
        }
        (Recorded::Vouchers, Some(fund)) => {
            w.and("fu.name = ?", [Param::Text(fund.to_owned())]);
        }
        _ => {}
    }
    let n = w.next();
    let sql = format!(
        "SELECT {columns}, p.given_name, p.family_name, s.name AS site, {at} AS at \
         FROM {from} JOIN sites s ON s.id = p.site_id{} ORDER BY {at}, {key} LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    Ok(
        on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).bind(limit).bind(f.offset.max(0)).fetch_all(c).await)?,
    )
}

/// A person's change of one kind of wellbeing score in a period: the list
/// behind the figures' outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ChangedRow {
    pub participant_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub site: String,
    /// `swemwbs` (metric score) or `ons4` (life satisfaction).
    pub kind: String,
    pub base_score: f64,
    pub base_on: NaiveDate,
    pub score: f64,
    pub taken_on: NaiveDate,
}

/// The people the grant reaches (narrowed by the filter's place or link
/// worker; its times are not used) with a score of `kind` taken from
/// `first` to `last`, each with their baseline and latest score, paired as
/// the figures pair them, and changed by at least `at_least` if given:
/// greatest change first, at most `limit`.
pub async fn wellbeing_changes(
    tx: &mut Tx,
    grant: &Grant,
    kind: &str,
    (first, last): (NaiveDate, NaiveDate),
    at_least: Option<f64>,
    f: &OnwardFilter,
    limit: i64,
) -> crate::Result<Vec<ChangedRow>> {
    use crate::query::Param;
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let f = OnwardFilter {
        from: None,
        before: None,
        ..f.clone()
    };
    let mut w = people_where(grant, &f, "m.taken_on");
    w.and("m.kind = ?", [Param::Text(kind.to_owned())]);
    let n = w.next();
    let sql = format!(
        "SELECT y.participant_id, p.given_name, p.family_name, s.name AS site, y.kind, y.base_score, y.base_on, y.score, y.taken_on \
         FROM ({}) y JOIN participants p ON p.id = y.participant_id JOIN sites s ON s.id = p.site_id \
         WHERE y.score - y.base_score >= ${} ORDER BY y.score - y.base_score DESC, p.family_name, p.given_name, y.participant_id LIMIT ${} OFFSET ${}",
        crate::reports::paired_scores(
            tx,
            "JOIN sites s ON s.id = p.site_id",
            &w.sql(),
            n,
            &crate::reports::scores_of_worker(f.link_worker_id)
        ),
        n + 3,
        n + 4,
        n + 5
    );
    Ok(on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w)
        .bind(first).bind(last).bind(grant.programme_id()).bind(at_least.unwrap_or(f64::MIN)).bind(limit).bind(f.offset.max(0)).fetch_all(c).await)?)
}
