//! Participants: the people a programme supports. Every query is narrowed to
//! a [`SiteScope`] (the site the person is registered at).

use crate::org::site_scope;
use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::{Grant, Permission, SiteScope, matching};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Participant {
    pub id: i64,
    pub site_id: i64,
    pub site_name: String,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    /// ISO 8601 date.
    pub date_of_birth: NaiveDate,
    /// Scottish CHI number (10 digits, as text).
    pub chi_number: Option<String>,
    /// NHS number (10 digits, as text).
    pub nhs_number: Option<String>,
    pub sex: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// `phone`, `text`, `email`, `letter` or `in_person`.
    pub preferred_contact: Option<String>,
    pub contact_times: Option<String>,
    pub language: Option<String>,
    pub interpreter_needed: bool,
    pub accessibility_needs: Option<String>,
    pub emergency_contact: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when this record was merged into another (the one to use).
    pub merged_into: Option<i64>,
}

/// The fields of a participant as entered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantFields {
    pub site_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub chi_number: Option<String>,
    pub nhs_number: Option<String>,
    pub sex: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub preferred_contact: Option<String>,
    pub contact_times: Option<String>,
    pub language: Option<String>,
    pub interpreter_needed: bool,
    pub accessibility_needs: Option<String>,
    pub emergency_contact: Option<String>,
}

const COLUMNS: &str = "p.id, p.site_id, s.name AS site_name, p.given_name, p.family_name, \
    p.preferred_name, p.date_of_birth, p.chi_number, p.nhs_number, p.sex, p.phone, p.email, p.address, p.postcode, \
    p.preferred_contact, p.contact_times, p.language, p.interpreter_needed, p.accessibility_needs, \
    p.emergency_contact, p.version, p.created_at, p.updated_at, p.merged_into \
    FROM participants p JOIN sites s ON s.id = p.site_id";

/// What to look for: a name, a CHI or NHS number, a date of birth or a postcode.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub number: Option<String>,
    pub postcode: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// How many records a name search weighs before the typo-tolerant test.
const NAME_CANDIDATES: i64 = 20_000;

pub async fn search(
    tx: &mut Tx,
    scope: SiteScope,
    f: &Search,
) -> crate::Result<(Vec<Participant>, i64)> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    w.and("p.merged_into IS NULL", []);
    if let Some(n) = &f.number {
        w.and(
            "(p.chi_number = ? OR p.nhs_number = ?)",
            [Param::Text(n.clone()), Param::Text(n.clone())],
        );
    }
    if let Some(d) = f.date_of_birth {
        w.and("p.date_of_birth = ?", [Param::Date(d)]);
    }
    if let Some(pc) = &f.postcode {
        w.and("p.postcode LIKE ?", [Param::Text(format!("{pc}%"))]);
    }
    if let Some(t) = &f.text {
        return search_names(tx, w, t, f).await;
    }
    let n = w.next();
    let sql = format!(
        "SELECT {COLUMNS}{} ORDER BY p.family_name, p.given_name, p.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0)).fetch_all(c).await)?;
    let count_sql = format!(
        "SELECT COUNT(*) FROM participants p JOIN sites s ON s.id = p.site_id{}",
        w.sql()
    );
    let total = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

/// A name search that forgives typos and titles: SQL narrows to names that
/// hold the first two letters of every word typed (at most 20,000), then
/// [`matching::search_finds`] keeps those where every word is alike a word
/// of the name; the page's rows are read in full afterwards.
async fn search_names(
    tx: &mut Tx,
    mut w: Where,
    text: &str,
    f: &Search,
) -> crate::Result<(Vec<Participant>, i64)> {
    let query = matching::words(text);
    if query.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let mut ors = Vec::new();
    let mut params = Vec::new();
    for q in query.iter().filter(|q| q.chars().count() >= 2) {
        let like = format!("%{}%", q.chars().take(2).collect::<String>());
        ors.push("LOWER(p.given_name) LIKE ? OR LOWER(p.family_name) LIKE ? OR LOWER(COALESCE(p.preferred_name, '')) LIKE ?");
        params.extend([
            Param::Text(like.clone()),
            Param::Text(like.clone()),
            Param::Text(like),
        ]);
    }
    if !ors.is_empty() {
        w.and(&format!("({})", ors.join(" OR ")), params);
    }
    let n = w.next();
    let sql = format!(
        "SELECT p.id, p.given_name, p.family_name, p.preferred_name FROM participants p JOIN sites s ON s.id = p.site_id{} \
         ORDER BY p.family_name, p.given_name, p.id LIMIT ${n}",
        w.sql()
    );
    let names: Vec<(i64, String, String, Option<String>)> = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(NAME_CANDIDATES).fetch_all(c).await)?;
    let found: Vec<i64> = names
        .into_iter()
        .filter(|(_, g, fam, pref)| {
            let name = format!("{g} {fam} {}", pref.as_deref().unwrap_or(""));
            matching::search_finds(&query, &matching::words(&name))
        })
        .map(|(id, ..)| id)
        .collect();
    let total = found.len() as i64;
    let page: Vec<i64> = found
        .into_iter()
        .skip(f.offset.max(0) as usize)
        .take(f.limit.clamp(1, 1000) as usize)
        .collect();
    if page.is_empty() {
        return Ok((Vec::new(), total));
    }
    let mut w = Where::new();
    let marks = vec!["?"; page.len()].join(", ");
    w.and(
        &format!("p.id IN ({marks})"),
        page.iter().map(|i| Param::I64(*i)),
    );
    let sql = format!("SELECT {COLUMNS}{}", w.sql());
    let mut rows: Vec<Participant> =
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?;
    rows.sort_by_key(|r| page.iter().position(|i| *i == r.id));
    Ok((rows, total))
}

/// Which of these records have an open referral with this link worker.
pub async fn on_caseload(tx: &mut Tx, user_id: i64, ids: &[i64]) -> crate::Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::new();
    w.and("link_worker_id = ?", [Param::I64(user_id)]);
    w.and("status NOT IN ('received', 'declined', 'closed')", []);
    let marks = vec!["?"; ids.len()].join(", ");
    w.and(
        &format!("participant_id IN ({marks})"),
        ids.iter().map(|i| Param::I64(*i)),
    );
    let sql = format!("SELECT DISTINCT participant_id FROM referrals{}", w.sql());
    Ok(on_tx!(tx, c => bind_where!(sqlx::query_scalar(&sql), w).fetch_all(c).await)?)
}

pub async fn get(tx: &mut Tx, scope: SiteScope, id: i64) -> crate::Result<Participant> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    w.and("p.id = ?", [Param::I64(id)]);
    let sql = format!("SELECT {COLUMNS}{}", w.sql());
    on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// A possible duplicate, seen across the whole programme (so that a person
/// registered at another practice is not entered twice). Only ids and sites
/// are returned: the caller shows details only of those within its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Match {
    pub id: i64,
    pub site_id: i64,
    /// `chi_number`, `nhs_number` or `name_and_date_of_birth`.
    pub reason: String,
    /// The names, for the caller's likeness test (never shown out of scope).
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
}

/// Records that may be the same person: the same CHI or NHS number, or the
/// same date of birth (the caller keeps those whose names are alike).
pub async fn possible_duplicates(
    tx: &mut Tx,
    grant: &Grant,
    f: &ParticipantFields,
    except: Option<i64>,
) -> crate::Result<Vec<Match>> {
    let sql = "SELECT id, site_id, CASE \
            WHEN chi_number IS NOT NULL AND chi_number = $2 THEN 'chi_number' \
            WHEN nhs_number IS NOT NULL AND nhs_number = $3 THEN 'nhs_number' \
            ELSE 'name_and_date_of_birth' END AS reason, given_name, family_name, preferred_name \
        FROM participants WHERE programme_id = $1 AND id <> $5 AND merged_into IS NULL AND ( \
            (chi_number IS NOT NULL AND chi_number = $2) OR (nhs_number IS NOT NULL AND nhs_number = $3) \
            OR date_of_birth = $4) \
        ORDER BY CASE WHEN chi_number = $2 THEN 0 WHEN nhs_number = $3 THEN 1 ELSE 2 END, id LIMIT 200";
    Ok(on_tx!(tx, c => sqlx::query_as(sql)
        .bind(grant.programme_id())
        .bind(f.chi_number.clone().unwrap_or_default())
        .bind(f.nhs_number.clone().unwrap_or_default())
        .bind(f.date_of_birth)
        .bind(except.unwrap_or(0))
        .fetch_all(c).await)?)
}

pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    f: &ParticipantFields,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO participants (programme_id, site_id, given_name, family_name, preferred_name, date_of_birth, \
         chi_number, nhs_number, sex, phone, email, address, postcode, preferred_contact, contact_times, language, \
         interpreter_needed, accessibility_needs, emergency_contact, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id")
        .bind(grant.programme_id()).bind(f.site_id).bind(&f.given_name).bind(&f.family_name).bind(&f.preferred_name)
        .bind(f.date_of_birth).bind(&f.chi_number).bind(&f.nhs_number).bind(&f.sex).bind(&f.phone).bind(&f.email)
        .bind(&f.address).bind(&f.postcode).bind(&f.preferred_contact).bind(&f.contact_times).bind(&f.language)
        .bind(f.interpreter_needed).bind(&f.accessibility_needs).bind(&f.emergency_contact).bind(now)
        .fetch_one(c).await)?)
}

pub async fn update(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    f: &ParticipantFields,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE participants SET site_id = $1, given_name = $2, family_name = $3, preferred_name = $4, \
         date_of_birth = $5, chi_number = $6, nhs_number = $7, sex = $8, phone = $9, email = $10, address = $11, \
         postcode = $12, preferred_contact = $13, contact_times = $14, language = $15, interpreter_needed = $16, \
         accessibility_needs = $17, emergency_contact = $18, updated_at = $19, version = version + 1 \
         WHERE id = $20 AND programme_id = $21 AND version = $22 AND merged_into IS NULL")
        .bind(f.site_id).bind(&f.given_name).bind(&f.family_name).bind(&f.preferred_name).bind(f.date_of_birth)
        .bind(&f.chi_number).bind(&f.nhs_number).bind(&f.sex).bind(&f.phone).bind(&f.email).bind(&f.address)
        .bind(&f.postcode).bind(&f.preferred_contact).bind(&f.contact_times).bind(&f.language)
        .bind(f.interpreter_needed).bind(&f.accessibility_needs).bind(&f.emergency_contact).bind(now)
        .bind(id).bind(grant.programme_id()).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        return Ok(());
    }
    let exists: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE id = $1 AND programme_id = $2")
        .bind(id).bind(grant.programme_id()).fetch_one(c).await)?;
    Err(if exists > 0 {
        StoreError::StaleVersion
    } else {
        StoreError::NotFound
    })
}

/// Everything recorded against a person, by table.
const PERSONAL_TABLES: [&str; 11] = [
    "referrals",
    "notes",
    "risk_flags",
    "measures",
    "goals",
    "onward_support",
    "consents",
    "fund_movements",
    "needs",
    "safety_plans",
    "safeguarding_actions",
];

/// Merge `dup` into `keep`: everything recorded against `dup` moves to
/// `keep`; `keep`'s blank details are filled from `dup`; `dup` stays, marked
/// as merged. Both must be at the versions given (else
/// [`StoreError::StaleVersion`]).
pub async fn merge(
    tx: &mut Tx,
    grant: &Grant,
    keep: &Participant,
    dup: &Participant,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageCaseloads])?;
    let pid = grant.programme_id();
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE participants SET merged_into = $1, merged_at = $2, updated_at = $2, version = version + 1 \
         WHERE id = $3 AND programme_id = $4 AND version = $5 AND merged_into IS NULL")
        .bind(keep.id).bind(now).bind(dup.id).bind(pid).bind(dup.version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::StaleVersion);
    }
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE participants SET preferred_name = COALESCE(preferred_name, $1), chi_number = COALESCE(chi_number, $2), \
         nhs_number = COALESCE(nhs_number, $3), sex = COALESCE(sex, $4), phone = COALESCE(phone, $5), \
         email = COALESCE(email, $6), address = COALESCE(address, $7), postcode = COALESCE(postcode, $8), \
         preferred_contact = COALESCE(preferred_contact, $9), contact_times = COALESCE(contact_times, $10), \
         language = COALESCE(language, $11), accessibility_needs = COALESCE(accessibility_needs, $12), \
         emergency_contact = COALESCE(emergency_contact, $13), interpreter_needed = (interpreter_needed OR $14), \
         updated_at = $15, version = version + 1 \
         WHERE id = $16 AND programme_id = $17 AND version = $18 AND merged_into IS NULL")
        .bind(&dup.preferred_name).bind(&dup.chi_number).bind(&dup.nhs_number).bind(&dup.sex).bind(&dup.phone)
        .bind(&dup.email).bind(&dup.address).bind(&dup.postcode).bind(&dup.preferred_contact)
        .bind(&dup.contact_times).bind(&dup.language).bind(&dup.accessibility_needs)
        .bind(&dup.emergency_contact).bind(dup.interpreter_needed).bind(now)
        .bind(keep.id).bind(pid).bind(keep.version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::StaleVersion);
    }
    for table in PERSONAL_TABLES {
        let sql = format!("UPDATE {table} SET participant_id = $1 WHERE participant_id = $2");
        on_tx!(tx, c => sqlx::query(&sql).bind(keep.id).bind(dup.id)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The stamp of a person's record as a page shows it: the record's own
/// stamp (moved by every change to the person or their case work) plus
/// the programme's reference stamp (names of staff, practices, funds,
/// groups, services), both moved by triggers (migration 26).
const RECORD_STAMP: &str = "CAST(COALESCE((SELECT st.version FROM stamps st WHERE st.kind = 2 AND st.id = p.id), 0) \
     + COALESCE((SELECT st.version FROM stamps st WHERE st.kind = 3 AND st.id = s.programme_id), 0) AS BIGINT)";

#[derive(Debug, sqlx::FromRow)]
struct Stamped {
    #[sqlx(flatten)]
    participant: Participant,
    stamp: i64,
}

/// A person's record within the scope ([`get`]) with its stamp, in one
/// statement.
pub async fn get_with_stamp(
    tx: &mut Tx,
    scope: SiteScope,
    id: i64,
) -> crate::Result<(Participant, i64)> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    w.and("p.id = ?", [Param::I64(id)]);
    let columns = COLUMNS.replacen(" FROM ", &format!(", {RECORD_STAMP} AS stamp FROM "), 1);
    let sql = format!("SELECT {columns}{}", w.sql());
    let row: Stamped =
        on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
            .ok_or(StoreError::NotFound)?;
    Ok((row.participant, row.stamp))
}
