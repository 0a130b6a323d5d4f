//! The partner's side of the loop: the onward referrals sent to the services
//! of one directory organisation, read and answered by that organisation's
//! staff. Every query here is narrowed, in SQL, to the organisation of the
//! user the grant was given to: a partner user with no organisation sees
//! nothing. Only referrals and accompanied visits that were actually sent
//! (not suggestions, not signposting) reach a partner.

use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

/// The organisation a user works for, if any: `(id, name)`.
pub async fn organization_of(tx: &mut Tx, grant: &Grant) -> crate::Result<Option<(i64, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT d.id, d.name FROM users u JOIN dir_organizations d ON d.id = u.organization_id \
         WHERE u.id = $1 AND u.programme_id = $2 AND d.programme_id = $2")
        .bind(grant.user_id()).bind(grant.programme_id()).fetch_optional(c).await)?)
}

/// One onward referral as its partner organisation's staff may see it:
/// everything about the person is here, and the app hides what the person
/// did not agree to share (see `linkwork_domain::referral::partner_view`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    /// `referral` or `accompanied`.
    pub kind: String,
    pub service_id: i64,
    pub service_name: String,
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::referral::OnwardStatus,
    pub when_and_where: Option<String>,
    pub outcome: Option<String>,
    pub partner_reason: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// 1 when the person has agreed (and not withdrawn) sharing their
    /// details with this organisation.
    pub shared: i64,
    pub referrer_name: Option<String>,
    pub referrer_email: Option<String>,
    pub practice_name: Option<String>,
}

const INBOX: &str = "SELECT o.id, o.kind, s.id AS service_id, s.name AS service_name, o.status, o.when_and_where, \
     o.outcome, o.partner_reason, o.created_at AS sent_at, o.responded_at, \
     p.given_name, p.family_name, p.preferred_name, p.phone, p.email, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = o.participant_id \
       AND c.kind = 'share_partner' AND c.withdrawn_at IS NULL \
       AND (c.organization_id = d.id OR LOWER(TRIM(c.partner)) = LOWER(d.name))) THEN 1 ELSE 0 END AS BIGINT) AS shared, \
     lw.name AS referrer_name, lw.email AS referrer_email, st.name AS practice_name \
     FROM onward_support o \
     JOIN dir_services s ON s.id = o.service_id \
     JOIN dir_organizations d ON d.id = s.organization_id \
     JOIN users me ON me.organization_id = d.id \
     JOIN participants p ON p.id = o.participant_id \
     LEFT JOIN users lw ON lw.id = o.created_by \
     LEFT JOIN sites st ON st.id = p.site_id";

/// The scope every partner query starts from.
fn scoped(grant: &Grant) -> Where {
    let mut w = Where::new();
    w.and(
        "me.id = ? AND o.programme_id = ? AND o.kind IN ('referral', 'accompanied') AND o.status <> 'suggested'",
        [
            Param::I64(grant.user_id()),
            Param::I64(grant.programme_id()),
        ],
    );
    w
}

/// Which of the organisation's referrals to list.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Onward statuses (any of them); none: all.
    pub statuses: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// The onward referrals sent to the user's organisation, the newest first,
/// and how many there are in all.
pub async fn inbox(
    tx: &mut Tx,
    grant: &Grant,
    f: &InboxFilter,
) -> crate::Result<(Vec<InboxRow>, i64)> {
    crate::require(grant, &[Permission::AnswerOnwardReferrals])?;
    let mut w = scoped(grant);
    if !f.statuses.is_empty() {
        let marks = vec!["?"; f.statuses.len()].join(", ");
        w.and(
            &format!("o.status IN ({marks})"),
            f.statuses.iter().map(|s| Param::Text(s.clone())),
        );
    }
    let n = w.next();
    let sql = format!(
        "{INBOX}{} ORDER BY o.created_at DESC, o.id DESC LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let (limit, offset) = (f.limit.clamp(1, 500), f.offset.max(0));
    let rows: Vec<InboxRow> = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(limit).bind(offset).fetch_all(c).await)?;
    let total = match crate::query::known_total(rows.len(), limit, offset) {
        Some(t) => t,
        None => {
            let count_sql = format!(
                "SELECT COUNT(*) FROM onward_support o JOIN dir_services s ON s.id = o.service_id \
                 JOIN dir_organizations d ON d.id = s.organization_id JOIN users me ON me.organization_id = d.id{}",
                w.sql()
            );
            on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?
        }
    };
    Ok((rows, total))
}

/// How many of the organisation's referrals are in each status.
pub async fn inbox_counts(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<(String, i64)>> {
    crate::require(grant, &[Permission::AnswerOnwardReferrals])?;
    let w = scoped(grant);
    let sql = format!(
        "SELECT o.status, COUNT(*) FROM onward_support o JOIN dir_services s ON s.id = o.service_id \
         JOIN dir_organizations d ON d.id = s.organization_id JOIN users me ON me.organization_id = d.id{} \
         GROUP BY o.status ORDER BY o.status",
        w.sql()
    );
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// One onward referral of the organisation; not found outside it.
pub async fn inbox_item(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<InboxRow> {
    crate::require(grant, &[Permission::AnswerOnwardReferrals])?;
    let mut w = scoped(grant);
    w.and("o.id = ?", [Param::I64(id)]);
    let sql = format!("{INBOX}{}", w.sql());
    on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// A partner's answer to an onward referral.
pub struct Answer<'a> {
    pub status: &'a str,
    pub reason: Option<&'a str>,
    pub outcome: Option<&'a str>,
}

/// Record the organisation's answer: the new status, a reason (kept until
/// replaced), an outcome (kept unless a new one is given), who answered and
/// when. Not found unless the referral was sent to the user's organisation.
pub async fn answer(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    a: &Answer<'_>,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::AnswerOnwardReferrals])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE onward_support SET status = $1, partner_reason = COALESCE($2, partner_reason), \
         outcome = COALESCE($3, outcome), responded_by = $4, responded_at = $5, updated_at = $5 \
         WHERE id = $6 AND programme_id = $7 AND kind IN ('referral', 'accompanied') AND status <> 'suggested' \
         AND service_id IN (SELECT s.id FROM dir_services s JOIN users me ON me.organization_id = s.organization_id \
           WHERE me.id = $4 AND me.programme_id = $7)")
        .bind(a.status).bind(a.reason).bind(a.outcome).bind(grant.user_id()).bind(now)
        .bind(id).bind(grant.programme_id())
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A partner's recent answer, for the link worker whose caseload it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PartnerReply {
    pub onward_id: i64,
    pub participant_id: i64,
    pub person_name: String,
    pub service: String,
    #[sqlx(try_from = "String")]
    pub status: linkwork_domain::referral::OnwardStatus,
    pub partner_reason: Option<String>,
    pub outcome: Option<String>,
    pub responded_at: DateTime<Utc>,
    /// The partner's member of staff who answered.
    pub responded_by: Option<String>,
}

/// Partners' answers since `since` to onward referrals of the people in a
/// link worker's open caseload, the latest first.
pub async fn replies_for_worker(
    tx: &mut Tx,
    grant: &Grant,
    link_worker_id: i64,
    since: DateTime<Utc>,
) -> crate::Result<Vec<PartnerReply>> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT o.id AS onward_id, o.participant_id, MIN(r.person_name) AS person_name, o.service, o.status, \
         o.partner_reason, o.outcome, o.responded_at, u.name AS responded_by \
         FROM referrals r JOIN onward_support o ON o.participant_id = r.participant_id \
         LEFT JOIN users u ON u.id = o.responded_by \
         WHERE r.programme_id = $1 AND r.link_worker_id = $2 AND r.status IN ('allocated', 'contacted', 'engaged') \
         AND o.responded_at >= $3 \
         GROUP BY o.id, o.participant_id, o.service, o.status, o.partner_reason, o.outcome, o.responded_at, u.name \
         ORDER BY o.responded_at DESC LIMIT 20")
        .bind(grant.programme_id()).bind(link_worker_id).bind(since).fetch_all(c).await)?)
}

/// Demo data only: tie a partner user to the organisation whose service the
/// demo's onward referrals called `service_text` were linked to, and give
/// those referrals the answers a partner would have given (support given or
/// closed for some of the attended, a reason for the declined, who answered
/// and when), with consent to share for about half. The organisation's id.
pub async fn seed_demo_answers(
    tx: &mut Tx,
    grant: &Grant,
    service_text: &str,
    user_id: i64,
    outcome: &str,
) -> crate::Result<Option<i64>> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    let p = grant.programme_id();
    let org: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MIN(s.organization_id) FROM dir_services s WHERE s.programme_id = $1 \
         AND s.id = (SELECT MIN(o.service_id) FROM onward_support o WHERE o.programme_id = $1 AND o.service = $2)")
        .bind(p).bind(service_text).fetch_one(c).await)?;
    let Some(org) = org else { return Ok(None) };
    // The organisation's sent referrals ($1: programme, $2: organisation).
    let ours = "o.programme_id = $1 AND o.kind IN ('referral', 'accompanied') \
        AND o.service_id IN (SELECT id FROM dir_services WHERE organization_id = $2)";
    let update = |set: &str, cond: &str| {
        format!(
            "UPDATE onward_support SET {set} WHERE id IN (SELECT o.id FROM onward_support o WHERE {ours} AND {cond})"
        )
    };
    on_tx!(tx, c => sqlx::query("UPDATE users SET organization_id = $1 WHERE id = $2 AND programme_id = $3")
        .bind(org).bind(user_id).bind(p).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = update(
        "status = 'support_given', outcome = $3",
        "o.status = 'attended' AND o.id % 3 = 0",
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(p).bind(org).bind(outcome)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let sql = update(
        "status = 'closed'",
        "o.status = 'attended' AND o.id % 3 = 1",
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(p).bind(org).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = update("partner_reason = $3", "o.status = 'declined'");
    on_tx!(tx, c => sqlx::query(&sql).bind(p).bind(org).bind("When we called, the person did not want to go ahead")
        .execute(c).await.map(|r| r.rows_affected()))?;
    let sql = update(
        "responded_by = $3, responded_at = updated_at",
        "o.status IN ('accepted', 'declined', 'attended', 'support_given', 'closed')",
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(p).bind(org).bind(user_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let sql = format!(
        "INSERT INTO consents (programme_id, participant_id, kind, partner, recorded_by, recorded_at, organization_id) \
         SELECT o.programme_id, o.participant_id, 'share_partner', d.name, o.created_by, o.created_at, d.id \
         FROM onward_support o JOIN dir_organizations d ON d.id = $2 WHERE {ours} AND o.id % 2 = 0"
    );
    on_tx!(tx, c => sqlx::query(&sql).bind(p).bind(org).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(Some(org))
}
