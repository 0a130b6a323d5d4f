//! Groups, courses and events, their members, sessions and attendance.
//! Groups belong to the programme: everyone who works with people sees them
//! all (so they can refer to any). Members and attendance are people: a
//! query of them shows only people whose records the grant reaches, and
//! counts the rest.

use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::group::{Group, Session};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

const WHO: &[Permission] = &[Permission::WorkWithParticipants];
/// A group's details name nobody: those who list it in the directory read
/// them too.
const DETAILS: &[Permission] = &[Permission::WorkWithParticipants, Permission::EditDirectory];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    /// See `linkwork_domain::group::GROUP_KINDS`.
    pub kind: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub in_kind: Option<String>,
    pub partners: Option<String>,
    pub facilitators: Option<String>,
    pub schedule: Option<String>,
    pub risk_assessment: Option<String>,
    /// The practice hosting it, for a partner's service held at a practice.
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    /// The directory organisation running it with the programme.
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    /// Where it meets, as a directory location.
    pub location_id: Option<i64>,
    /// The location's name, address and postcode, in one line.
    pub location: Option<String>,
    /// The directory service listing it (other link workers refer to it
    /// there).
    pub service_id: Option<i64>,
    /// The risk assessment file's name, when one is kept.
    pub file_name: Option<String>,
    pub active: bool,
    /// People registered (all of them, counted).
    pub members: i64,
    pub sessions: i64,
    pub last_held_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

const GROUP: &str = "SELECT g.id, g.name, g.kind, g.description, g.venue, g.in_kind, g.partners, g.facilitators, \
     g.schedule, g.risk_assessment, g.site_id, st.name AS site_name, g.organization_id, d.name AS organization_name, \
     g.location_id, CASE WHEN l.id IS NULL THEN NULL ELSE l.name || ', ' || l.address || COALESCE(', ' || l.postcode, '') END AS location, \
     g.service_id, f.file_name, g.active, \
     (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS members, \
     (SELECT COUNT(*) FROM group_sessions gs WHERE gs.group_id = g.id) AS sessions, \
     (SELECT MAX(gs.held_on) FROM group_sessions gs WHERE gs.group_id = g.id) AS last_held_on, \
     g.created_at FROM community_groups g LEFT JOIN sites st ON st.id = g.site_id \
     LEFT JOIN dir_organizations d ON d.id = g.organization_id LEFT JOIN dir_locations l ON l.id = g.location_id \
     LEFT JOIN group_files f ON f.group_id = g.id";

/// The programme's groups, active first, by name.
pub async fn list(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<GroupRow>> {
    crate::require(grant, WHO)?;
    let sql = format!("{GROUP} WHERE g.programme_id = $1 ORDER BY g.active DESC, g.name, g.id");
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).fetch_all(c).await)?)
}

pub async fn get(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<GroupRow> {
    crate::require(grant, DETAILS)?;
    let sql = format!("{GROUP} WHERE g.programme_id = $1 AND g.id = $2");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    g: &Group,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, WHO)?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO community_groups (programme_id, name, kind, description, venue, in_kind, partners, facilitators, schedule, risk_assessment, created_by, created_at, site_id, organization_id, location_id, active) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id")
        .bind(grant.programme_id()).bind(&g.name).bind(g.kind).bind(&g.description).bind(&g.venue)
        .bind(&g.in_kind).bind(&g.partners).bind(&g.facilitators).bind(&g.schedule).bind(&g.risk_assessment)
        .bind(by).bind(now).bind(g.site_id).bind(g.organization_id).bind(g.location_id).bind(g.active).fetch_one(c).await)
    .map_err(|e| StoreError::on_unique(e, "group name"))
}

/// Change a group's details (all of them, as checked).
pub async fn update(tx: &mut Tx, grant: &Grant, id: i64, g: &Group) -> crate::Result<()> {
    crate::require(grant, WHO)?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE community_groups SET name = $1, kind = $2, description = $3, venue = $4, in_kind = $5, partners = $6, \
         facilitators = $7, schedule = $8, risk_assessment = $9, site_id = $10, organization_id = $11, location_id = $12, active = $13 \
         WHERE programme_id = $14 AND id = $15")
        .bind(&g.name).bind(g.kind).bind(&g.description).bind(&g.venue).bind(&g.in_kind).bind(&g.partners)
        .bind(&g.facilitators).bind(&g.schedule).bind(&g.risk_assessment).bind(g.site_id).bind(g.organization_id)
        .bind(g.location_id).bind(g.active).bind(grant.programme_id()).bind(id).execute(c).await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "group name"))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Note the directory service that lists the group.
pub async fn set_service(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    service_id: i64,
) -> crate::Result<()> {
    crate::require(grant, DETAILS)?;
    on_tx!(tx, c => sqlx::query("UPDATE community_groups SET service_id = $1 WHERE programme_id = $2 AND id = $3")
        .bind(service_id).bind(grant.programme_id()).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The group a directory service lists, if any: its id and name.
pub async fn of_service(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
) -> crate::Result<Option<(i64, String)>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM community_groups WHERE programme_id = $1 AND service_id = $2 ORDER BY id LIMIT 1")
        .bind(grant.programme_id()).bind(service_id).fetch_optional(c).await)?,
    )
}

/// A risk assessment file as kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Keep a group's risk assessment file (replacing the one before).
pub async fn put_file(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    f: &linkwork_domain::group::File,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, WHO)?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO group_files (group_id, file_name, content_type, size, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (group_id) DO UPDATE SET file_name = excluded.file_name, content_type = excluded.content_type, size = excluded.size, \
         content = excluded.content, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at")
        .bind(group_id).bind(&f.file_name).bind(f.content_type).bind(f.content.len() as i64).bind(&f.content)
        .bind(by).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A group's risk assessment file (the caller has checked the group is the
/// programme's).
pub async fn file(tx: &mut Tx, grant: &Grant, group_id: i64) -> crate::Result<StoredFile> {
    crate::require(grant, WHO)?;
    on_tx!(tx, c => sqlx::query_as("SELECT file_name, content_type, content FROM group_files WHERE group_id = $1")
        .bind(group_id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// Remove a group's risk assessment file; whether there was one.
pub async fn remove_file(tx: &mut Tx, grant: &Grant, group_id: i64) -> crate::Result<bool> {
    crate::require(grant, WHO)?;
    let n = on_tx!(tx, c => sqlx::query("DELETE FROM group_files WHERE group_id = $1")
        .bind(group_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Feedback on a course or group as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FeedbackRow {
    pub id: i64,
    pub given_on: NaiveDate,
    pub feedback: String,
    pub recorded_by: Option<String>,
}

pub async fn add_feedback(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    f: &linkwork_domain::group::Feedback,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, WHO)?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO group_feedback (group_id, given_on, feedback, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(group_id).bind(f.given_on).bind(&f.feedback).bind(by).bind(now).fetch_one(c).await)?)
}

/// A group's feedback as a whole, the latest first.
pub async fn feedback(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
) -> crate::Result<Vec<FeedbackRow>> {
    crate::require(grant, WHO)?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id, f.given_on, f.feedback, u.name AS recorded_by FROM group_feedback f LEFT JOIN users u ON u.id = f.created_by \
         WHERE f.group_id = $1 ORDER BY f.given_on DESC, f.id DESC LIMIT 500")
        .bind(group_id).fetch_all(c).await)?)
}

/// A registered member whose record the grant reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberRow {
    pub participant_id: i64,
    pub name: String,
    pub joined_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// Sessions of this group they attended.
    pub attended: i64,
}

/// The members the grant reaches, by name, and how many others there are.
pub async fn members(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
) -> crate::Result<(Vec<MemberRow>, i64)> {
    crate::require(grant, WHO)?;
    let mut w = Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    w.and("m.group_id = ?", [Param::I64(group_id)]);
    let sql = format!(
        "SELECT m.participant_id, p.given_name || ' ' || p.family_name AS name, m.joined_on, m.completed_on, \
         (SELECT COUNT(*) FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id \
          WHERE gs.group_id = m.group_id AND a.participant_id = m.participant_id) AS attended \
         FROM group_members m JOIN participants p ON p.id = m.participant_id JOIN sites s ON s.id = p.site_id{} \
         ORDER BY p.family_name, p.given_name, m.participant_id",
        w.sql()
    );
    let rows: Vec<MemberRow> =
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
    let all: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE group_id = $1")
        .bind(group_id).fetch_one(c).await)?;
    let others = all - rows.len() as i64;
    Ok((rows, others))
}

/// Register someone with a group (already registered: nothing changes).
/// The caller has checked that the grant reaches the person's record.
pub async fn add_member(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    participant_id: i64,
    joined_on: NaiveDate,
) -> crate::Result<bool> {
    crate::require(grant, WHO)?;
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO group_members (group_id, participant_id, joined_on) VALUES ($1, $2, $3) \
         ON CONFLICT (group_id, participant_id) DO NOTHING")
        .bind(group_id).bind(participant_id).bind(joined_on).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Mark a member as having completed the course (or not).
pub async fn set_completed(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    participant_id: i64,
    on: Option<NaiveDate>,
) -> crate::Result<()> {
    crate::require(grant, WHO)?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE group_members SET completed_on = $1 WHERE group_id = $2 AND participant_id = $3")
        .bind(on).bind(group_id).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub held_on: NaiveDate,
    /// Registered people who came (all of them, counted).
    pub registered: i64,
    /// Others who came.
    pub others: i64,
    pub feedback: Option<String>,
    pub recorded_by: Option<String>,
}

/// A group's sessions, the latest first.
pub async fn sessions(tx: &mut Tx, grant: &Grant, group_id: i64) -> crate::Result<Vec<SessionRow>> {
    crate::require(grant, WHO)?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT gs.id, gs.held_on, (SELECT COUNT(*) FROM group_attendance a WHERE a.session_id = gs.id) AS registered, \
         gs.others, gs.feedback, u.name AS recorded_by FROM group_sessions gs LEFT JOIN users u ON u.id = gs.created_by \
         WHERE gs.group_id = $1 ORDER BY gs.held_on DESC, gs.id DESC LIMIT 500")
        .bind(group_id).fetch_all(c).await)?)
}

/// Record a session and who came. `attended` are members the caller has
/// checked the grant reaches.
pub async fn add_session(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    s: &Session,
    attended: &[i64],
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, WHO)?;
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO group_sessions (group_id, held_on, others, feedback, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(group_id).bind(s.held_on).bind(s.others).bind(&s.feedback).bind(by).bind(now)
        .fetch_one(c).await)?;
    for pid in attended {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO group_attendance (session_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id).bind(pid).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(id)
}

/// A person's groups, for their record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PersonGroup {
    pub group_id: i64,
    pub name: String,
    pub kind: String,
    pub joined_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub attended: i64,
    pub last_attended: Option<NaiveDate>,
}

/// The groups one person is registered with (the caller has checked the
/// grant reaches their record).
pub async fn of_person(
    tx: &mut Tx,
    grant: &Grant,
    participant_id: i64,
) -> crate::Result<Vec<PersonGroup>> {
    crate::require(grant, WHO)?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT g.id AS group_id, g.name, g.kind, m.joined_on, m.completed_on, \
         (SELECT COUNT(*) FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id \
          WHERE gs.group_id = g.id AND a.participant_id = m.participant_id) AS attended, \
         (SELECT MAX(gs.held_on) FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id \
          WHERE gs.group_id = g.id AND a.participant_id = m.participant_id) AS last_attended \
         FROM group_members m JOIN community_groups g ON g.id = m.group_id \
         WHERE m.participant_id = $1 AND g.programme_id = $2 ORDER BY m.joined_on DESC, g.name")
        .bind(participant_id).bind(grant.programme_id()).fetch_all(c).await)?)
}

/// Demo data only: up to `limit` people registered at a site.
pub async fn people_at(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
    limit: i64,
) -> crate::Result<Vec<i64>> {
    crate::require(grant, WHO)?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM participants WHERE programme_id = $1 AND site_id = $2 AND merged_into IS NULL ORDER BY id LIMIT $3")
        .bind(grant.programme_id()).bind(site_id).bind(limit).fetch_all(c).await)?)
}

/// A directory organisation a group is run with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PartnerOrg {
    pub organization_id: i64,
    pub name: String,
}

/// The organisations a group is run with, by name.
pub async fn partners(tx: &mut Tx, grant: &Grant, group_id: i64) -> crate::Result<Vec<PartnerOrg>> {
    crate::require(grant, DETAILS)?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT gp.organization_id, d.name FROM group_partners gp JOIN dir_organizations d ON d.id = gp.organization_id \
         WHERE gp.group_id = $1 ORDER BY d.name, d.id")
        .bind(group_id).fetch_all(c).await)?)
}

/// Add (`true`) or remove a partner organisation; whether anything changed.
/// The caller has checked both are the programme's.
pub async fn set_partner(
    tx: &mut Tx,
    grant: &Grant,
    group_id: i64,
    organization_id: i64,
    add: bool,
) -> crate::Result<bool> {
    crate::require(grant, WHO)?;
    let sql = if add {
        "INSERT INTO group_partners (group_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM group_partners WHERE group_id = $1 AND organization_id = $2"
    };
    let n = on_tx!(tx, c => sqlx::query(sql).bind(group_id).bind(organization_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
