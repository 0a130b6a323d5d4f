//! The community asset directory: organisations, services, locations,
//! schedules, taxonomy terms, problem reports, history, visits and the
//! postcode lookup. Directory data is not personal data: reads are scoped to
//! the programme; writes check their grant.

use crate::{StoreError, Tx, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A stable UUID made from `seed` (RFC 9562 version 8: name-based, SHA-256).
/// The same seed always gives the same id, so a re-import or a re-run of a
/// migration never duplicates.
pub fn uuid_for(seed: &str) -> String {
    let h = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// The HSDS id of a service-at-location link.
pub fn sal_uuid(service_uuid: &str, location_uuid: &str) -> String {
    uuid_for(&format!("sal/{service_uuid}/{location_uuid}"))
}

const ALISS_TERMS: &str = include_str!("../data/aliss_terms.csv");

/// Give a new programme its directory: the change counter and the ALISS
/// taxonomy ("what" categories, "who" community groups). Does nothing twice.
pub async fn seed_programme(tx: &mut Tx, programme_id: i64) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO dir_state (programme_id, version) VALUES ($1, 0) ON CONFLICT (programme_id) DO NOTHING")
        .bind(programme_id).execute(c).await.map(|r| r.rows_affected()))?;
    let have: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM dir_terms WHERE programme_id = $1")
        .bind(programme_id).fetch_one(c).await)?;
    if have > 0 {
        return Ok(());
    }
    for line in ALISS_TERMS.lines().skip(1) {
        let f = split_csv_line(line);
        let [taxonomy, code, name, parent] =
            [0, 1, 2, 3].map(|i| f.get(i).cloned().unwrap_or_default());
        let parent_id: Option<i64> = if parent.is_empty() {
            None
        } else {
            on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM dir_terms WHERE programme_id = $1 AND taxonomy = $2 AND code = $3")
                .bind(programme_id).bind(&taxonomy).bind(&parent).fetch_optional(c).await)?
        };
        let uuid = uuid_for(&format!("linkwork-term/{programme_id}/{taxonomy}/{code}"));
        on_tx!(tx, c => sqlx::query("INSERT INTO dir_terms (programme_id, uuid, taxonomy, code, name, parent_id) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(programme_id).bind(uuid).bind(&taxonomy).bind(&code).bind(&name).bind(parent_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The embedded taxonomy file has only simple quoting.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// The programme's directory change counter.
pub async fn version(tx: &mut Tx, programme_id: i64) -> crate::Result<i64> {
    let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT version FROM dir_state WHERE programme_id = $1")
        .bind(programme_id).fetch_optional(c).await)?;
    Ok(v.unwrap_or(0))
}

/// Take the next change number (this also queues concurrent directory
/// writers of one programme behind each other, so numbers commit in order).
async fn bump(tx: &mut Tx, programme_id: i64) -> crate::Result<i64> {
    let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("UPDATE dir_state SET version = version + 1 WHERE programme_id = $1 RETURNING version")
        .bind(programme_id).fetch_optional(c).await)?;
    if let Some(v) = v {
        return Ok(v);
    }
    on_tx!(tx, c => sqlx::query("INSERT INTO dir_state (programme_id, version) VALUES ($1, 1) ON CONFLICT (programme_id) DO UPDATE SET version = dir_state.version + 1")
        .bind(programme_id).execute(c).await.map(|r| r.rows_affected()))?;
    version(tx, programme_id).await
}

/// The ids of the services (by HSDS id) already in the directory.
pub async fn existing_services(
    tx: &mut Tx,
    grant: &Grant,
    uuids: &[String],
) -> crate::Result<std::collections::HashMap<String, i64>> {
    let mut out = std::collections::HashMap::new();
    for chunk in uuids.chunks(400) {
        let sql = format!(
            "SELECT uuid, id FROM dir_services WHERE programme_id = {} AND uuid IN ({})",
            crate::dialect::marks(tx, 1, 1),
            crate::dialect::marks(tx, 2, chunk.len())
        );
        let rows: Vec<(String, i64)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&sql).bind(grant.programme_id());
            for u in chunk {
                q = q.bind(u);
            }
            q.fetch_all(c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Insert or update many locations at once (by uuid): uuid → id.
pub async fn save_locations(
    tx: &mut Tx,
    grant: &Grant,
    locs: &[Location],
) -> crate::Result<std::collections::HashMap<String, i64>> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let mut out = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&Location> = locs
        .iter()
        .filter(|l| seen.insert(l.uuid.clone()))
        .collect();
    const LOCATIONS: crate::bulk::Table = crate::bulk::Table {
        name: "dir_locations",
        columns: &[
            "programme_id",
            "uuid",
            "organization_id",
            "name",
            "address",
            "city",
            "postcode",
            "latitude",
            "longitude",
            "accessibility",
        ],
    };
    let rows: Vec<Vec<crate::bulk::Value>> = unique
        .iter()
        .map(|l| {
            crate::row![
                p,
                l.uuid.clone(),
                l.organization_id,
                l.name.clone(),
                l.address.clone(),
                l.city.clone(),
                l.postcode.clone(),
                l.latitude,
                l.longitude,
                l.accessibility.clone()
            ]
        })
        .collect();
    out.extend(crate::bulk::insert_keyed(tx, &LOCATIONS, &rows, &LOCATIONS.columns[2..]).await?);
    Ok(out)
}

/// Insert many new services at once (an import): one change number, one
/// statement per table per chunk. Each service's `location_ids` must be set,
/// with their HSDS ids, in the same order, beside it.
pub async fn insert_services(
    tx: &mut Tx,
    grant: &Grant,
    items: &[(ServiceIn, Vec<String>)],
    by: (Option<i64>, &str),
    summary: &str,
    now: DateTime<Utc>,
) -> crate::Result<Vec<i64>> {
    use crate::bulk::{self, Table};
    crate::require(grant, EDIT)?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let p = grant.programme_id();
    let seq = bump(tx, p).await?;
    const SERVICES: Table = Table {
        name: "dir_services",
        columns: &[
            "programme_id",
            "uuid",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "phone",
            "status",
            "closed_reason",
            "closed_until",
            "reach",
            "min_age",
            "max_age",
            "free",
            "cost",
            "languages",
            "referral_routes",
            "referral_notes",
            "capacity_note",
            "staff_notes",
            "assured_on",
            "assured_by",
            "change_seq",
            "created_at",
            "updated_at",
        ],
    };
    let rows: Vec<Vec<bulk::Value>> = items
        .iter()
        .map(|(s, _)| {
            crate::row![
                p,
                s.uuid.clone(),
                s.organization_id,
                s.name.clone(),
                s.description.clone(),
                s.url.clone(),
                s.email.clone(),
                s.phone.clone(),
                s.status.clone(),
                s.closed_reason.clone(),
                s.closed_until,
                s.reach.clone(),
                s.min_age,
                s.max_age,
                s.free,
                s.cost.clone(),
                s.languages.clone(),
                s.referral_routes.clone(),
                s.referral_notes.clone(),
                s.capacity_note.clone(),
                s.staff_notes.clone(),
                s.assured_on,
                s.assured_by.clone(),
                seq,
                now,
                now
            ]
        })
        .collect();
    let ids = bulk::insert(tx, &SERVICES, &rows).await?;
    const SCHEDULES: Table = Table {
        name: "dir_schedules",
        columns: &[
            "service_id",
            "freq",
            "freq_interval",
            "byday",
            "opens_at",
            "closes_at",
            "dtstart",
            "valid_from",
            "valid_to",
            "note",
        ],
    };
    const TERMS: Table = Table {
        name: "dir_service_terms",
        columns: &["service_id", "term_id"],
    };
    const SITES: Table = Table {
        name: "dir_service_sites",
        columns: &["service_id", "site_id"],
    };
    const LINKS: Table = Table {
        name: "dir_service_locations",
        columns: &["programme_id", "uuid", "service_id", "location_id"],
    };
    const HISTORY: Table = Table {
        name: "dir_history",
        columns: &[
            "service_id",
            "changed_by",
            "changed_by_name",
            "changed_at",
            "summary",
        ],
    };
    let (mut sch, mut terms, mut sites, mut links, mut hist) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((s, loc_uuids), id) in items.iter().zip(&ids) {
        for sc in &s.schedules {
            sch.push(crate::row![
                *id,
                sc.freq.clone(),
                sc.freq_interval,
                sc.byday.clone(),
                sc.opens_at.clone(),
                sc.closes_at.clone(),
                sc.dtstart,
                sc.valid_from,
                sc.valid_to,
                sc.note.clone()
            ]);
        }
        for t in dedup(&s.term_ids) {
            terms.push(crate::row![*id, t]);
        }
        for site in dedup(&s.site_ids) {
            sites.push(crate::row![*id, site]);
        }
        let mut seen = std::collections::HashSet::new();
        for (l, lu) in s.location_ids.iter().zip(loc_uuids) {
            if seen.insert(*l) {
                links.push(crate::row![p, sal_uuid(&s.uuid, lu), *id, *l]);
            }
        }
        hist.push(crate::row![*id, by.0, by.1, now, summary]);
    }
    bulk::insert_plain(tx, &SCHEDULES, &sch).await?;
    bulk::insert_plain(tx, &TERMS, &terms).await?;
    bulk::insert_plain(tx, &SITES, &sites).await?;
    bulk::insert_plain(tx, &LINKS, &links).await?;
    bulk::insert_plain(tx, &HISTORY, &hist).await?;
    Ok(ids)
}

const EDIT: &[Permission] = &[Permission::EditDirectory, Permission::ManageDirectory];

// ---------------------------------------------------------------- terms

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Term {
    pub id: i64,
    pub uuid: String,
    /// `what` (categories) or `who` (audiences).
    pub taxonomy: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

pub async fn terms(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Term>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT id, uuid, taxonomy, code, name, parent_id FROM dir_terms WHERE programme_id = $1 ORDER BY taxonomy, name")
        .bind(grant.programme_id()).fetch_all(c).await)?,
    )
}

pub async fn add_term(
    tx: &mut Tx,
    grant: &Grant,
    taxonomy: &str,
    code: &str,
    name: &str,
    parent_id: Option<i64>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    let p = grant.programme_id();
    let uuid = uuid_for(&format!("linkwork-term/{p}/{taxonomy}/{code}"));
    let id = on_tx!(tx, c => sqlx::query_scalar("INSERT INTO dir_terms (programme_id, uuid, taxonomy, code, name, parent_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(p).bind(uuid).bind(taxonomy).bind(code).bind(name).bind(parent_id).fetch_one(c).await)
        .map_err(|e| StoreError::on_unique(e, "term"))?;
    Ok(id)
}

pub async fn rename_term(tx: &mut Tx, grant: &Grant, id: i64, name: &str) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    let p = grant.programme_id();
    let n = on_tx!(tx, c => sqlx::query("UPDATE dir_terms SET name = $1 WHERE id = $2 AND programme_id = $3")
        .bind(name).bind(id).bind(p).execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::NotFound);
    }
    // Every service under the term is found by its new name.
    let v = bump(tx, p).await?;
    on_tx!(tx, c => sqlx::query("UPDATE dir_services SET change_seq = $1 WHERE programme_id = $2 AND id IN (SELECT service_id FROM dir_service_terms WHERE term_id = $3)")
        .bind(v).bind(p).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

// ---------------------------------------------------------------- organisations

#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct Organization {
    pub id: i64,
    pub uuid: String,
    pub name: String,
    pub description: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Insert or (by uuid) update an organisation; its services are re-indexed.
pub async fn save_organization(
    tx: &mut Tx,
    grant: &Grant,
    o: &Organization,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let same: Option<Organization> = on_tx!(tx, c => sqlx::query_as("SELECT id, uuid, name, description, url, email, phone FROM dir_organizations WHERE programme_id = $1 AND uuid = $2")
        .bind(p).bind(&o.uuid).fetch_optional(c).await)?;
    let is_new = same.is_none();
    if let Some(cur) = same
        && (
            &cur.name,
            &cur.description,
            &cur.url,
            &cur.email,
            &cur.phone,
        ) == (&o.name, &o.description, &o.url, &o.email, &o.phone)
    {
        return Ok(cur.id);
    }
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO dir_organizations (programme_id, uuid, name, description, url, email, phone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (programme_id, uuid) DO UPDATE SET name = excluded.name, description = excluded.description, \
         url = excluded.url, email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at RETURNING id")
        .bind(p).bind(&o.uuid).bind(&o.name).bind(&o.description).bind(&o.url).bind(&o.email).bind(&o.phone).bind(now)
        .fetch_one(c).await)?;
    if is_new {
        // No service names it yet: nothing to re-index.
        return Ok(id);
    }
    let v = bump(tx, p).await?;
    on_tx!(tx, c => sqlx::query("UPDATE dir_services SET change_seq = $1 WHERE organization_id = $2")
        .bind(v).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Insert or update many organisations at once (an import): new ones in
/// multi-row statements, changed ones one by one (their services are
/// re-indexed), unchanged ones left alone. Returns uuid → id.
pub async fn save_organizations(
    tx: &mut Tx,
    grant: &Grant,
    orgs: &[Organization],
    now: DateTime<Utc>,
) -> crate::Result<std::collections::HashMap<String, i64>> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&Organization> = orgs
        .iter()
        .filter(|o| seen.insert(o.uuid.clone()))
        .collect();
    let mut current: std::collections::HashMap<String, Organization> =
        std::collections::HashMap::new();
    for chunk in unique.chunks(400) {
        let sql = format!(
            "SELECT id, uuid, name, description, url, email, phone FROM dir_organizations WHERE programme_id = {} AND uuid IN ({})",
            crate::dialect::marks(tx, 1, 1),
            crate::dialect::marks(tx, 2, chunk.len())
        );
        let rows: Vec<Organization> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&sql).bind(p);
            for o in chunk {
                q = q.bind(&o.uuid);
            }
            q.fetch_all(c).await
        })?;
        current.extend(rows.into_iter().map(|o| (o.uuid.clone(), o)));
    }
    let mut out = std::collections::HashMap::new();
    let mut fresh: Vec<&Organization> = Vec::new();
    for o in unique {
        match current.get(&o.uuid) {
            Some(cur)
                if (
                    &cur.name,
                    &cur.description,
                    &cur.url,
                    &cur.email,
                    &cur.phone,
                ) == (&o.name, &o.description, &o.url, &o.email, &o.phone) =>
            {
                out.insert(o.uuid.clone(), cur.id);
            }
            Some(_) => {
                out.insert(o.uuid.clone(), save_organization(tx, grant, o, now).await?);
            }
            None => fresh.push(o),
        }
    }
    const ORGANIZATIONS: crate::bulk::Table = crate::bulk::Table {
        name: "dir_organizations",
        columns: &[
            "programme_id",
            "uuid",
            "name",
            "description",
            "url",
            "email",
            "phone",
            "created_at",
            "updated_at",
        ],
    };
    let rows: Vec<Vec<crate::bulk::Value>> = fresh
        .iter()
        .map(|o| {
            crate::row![
                p,
                o.uuid.clone(),
                o.name.clone(),
                o.description.clone(),
                o.url.clone(),
                o.email.clone(),
                o.phone.clone(),
                now,
                now
            ]
        })
        .collect();
    out.extend(crate::bulk::insert_keyed(tx, &ORGANIZATIONS, &rows, &[]).await?);
    Ok(out)
}

pub async fn organizations(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Organization>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT id, uuid, name, description, url, email, phone FROM dir_organizations WHERE programme_id = $1 ORDER BY name, id")
        .bind(grant.programme_id()).fetch_all(c).await)?,
    )
}

pub async fn organization(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<Organization> {
    on_tx!(tx, c => sqlx::query_as("SELECT id, uuid, name, description, url, email, phone FROM dir_organizations WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

/// A service named in a list (an organisation's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ServiceOfOrganization {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub assured_on: Option<NaiveDate>,
}

/// An organisation's services, by name.
pub async fn services_of_organization(
    tx: &mut Tx,
    grant: &Grant,
    organization_id: i64,
) -> crate::Result<Vec<ServiceOfOrganization>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, status, assured_on FROM dir_services WHERE programme_id = $1 AND organization_id = $2 ORDER BY name, id")
        .bind(grant.programme_id()).bind(organization_id).fetch_all(c).await)?)
}

/// A site of the programme, as named beside an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SiteOfOrganization {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub organization_id: Option<i64>,
}

/// The programme's sites that are not GP practices (food banks, partner
/// organisations, community venues): those that can be a directory
/// organisation's. Few in any programme.
pub async fn organization_sites(
    tx: &mut Tx,
    grant: &Grant,
) -> crate::Result<Vec<SiteOfOrganization>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, kind, organization_id FROM sites WHERE programme_id = $1 AND kind <> 'gp_practice' ORDER BY name, id")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

/// Point a site at a directory organisation, or at none.
pub async fn set_site_organization(
    tx: &mut Tx,
    grant: &Grant,
    site_id: i64,
    organization_id: Option<i64>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    let n = on_tx!(tx, c => sqlx::query("UPDATE sites SET organization_id = $1 WHERE id = $2 AND programme_id = $3 AND kind <> 'gp_practice'")
        .bind(organization_id).bind(site_id).bind(grant.programme_id()).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---------------------------------------------------------------- locations

#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct Location {
    pub id: i64,
    pub uuid: String,
    pub organization_id: Option<i64>,
    pub name: String,
    pub address: String,
    pub city: String,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accessibility: String,
}

pub async fn save_location(tx: &mut Tx, grant: &Grant, l: &Location) -> crate::Result<i64> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO dir_locations (programme_id, uuid, organization_id, name, address, city, postcode, latitude, longitude, accessibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (programme_id, uuid) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, \
         address = excluded.address, city = excluded.city, postcode = excluded.postcode, latitude = excluded.latitude, \
         longitude = excluded.longitude, accessibility = excluded.accessibility RETURNING id")
        .bind(p).bind(&l.uuid).bind(l.organization_id).bind(&l.name).bind(&l.address).bind(&l.city).bind(&l.postcode)
        .bind(l.latitude).bind(l.longitude).bind(&l.accessibility).fetch_one(c).await)?;
    Ok(id)
}

// ---------------------------------------------------------------- services

/// A schedule as stored (the domain's [`linkwork_domain::directory::Schedule`]
/// is read from it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ScheduleRow {
    pub service_id: i64,
    pub freq: String,
    pub freq_interval: i64,
    pub byday: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub dtstart: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A service as written: its own fields plus what hangs off it (replaced
/// whole on every save).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceIn {
    pub uuid: String,
    pub organization_id: i64,
    pub name: String,
    pub description: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_until: Option<NaiveDate>,
    pub reach: String,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub free: bool,
    pub cost: Option<String>,
    pub languages: String,
    pub referral_routes: String,
    pub referral_notes: Option<String>,
    pub capacity_note: Option<String>,
    pub staff_notes: Option<String>,
    pub assured_on: Option<NaiveDate>,
    pub assured_by: Option<String>,
    pub term_ids: Vec<i64>,
    pub location_ids: Vec<i64>,
    pub site_ids: Vec<i64>,
    pub schedules: Vec<ScheduleRow>,
}

/// What [`save_service`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

impl Saved {
    pub fn id(self) -> i64 {
        match self {
            Saved::Created(i) | Saved::Updated(i) | Saved::Unchanged(i) => i,
        }
    }
}

/// Insert a service, or update the one with its uuid. `expected_version`
/// (when editing from a form) refuses a change made on a stale copy. A
/// re-import of identical content changes nothing (not even the history).
pub async fn save_service(
    tx: &mut Tx,
    grant: &Grant,
    s: &ServiceIn,
    expected_version: Option<i64>,
    by: (Option<i64>, &str),
    summary: &str,
    now: DateTime<Utc>,
) -> crate::Result<Saved> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let existing: Option<(i64, i64)> = on_tx!(tx, c => sqlx::query_as("SELECT id, version FROM dir_services WHERE programme_id = $1 AND uuid = $2")
        .bind(p).bind(&s.uuid).fetch_optional(c).await)?;
    if let (Some((_, v)), Some(want)) = (existing, expected_version)
        && v != want
    {
        return Err(StoreError::StaleVersion);
    }
    if let Some((id, _)) = existing
        && current_input(tx, p, id).await?.as_ref() == Some(s)
    {
        return Ok(Saved::Unchanged(id));
    }
    let seq = bump(tx, p).await?;
    let id: i64 = match existing {
        Some((id, _)) => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE dir_services SET organization_id = $1, name = $2, description = $3, url = $4, email = $5, phone = $6, status = $7, \
                 closed_reason = $8, closed_until = $9, reach = $10, min_age = $11, max_age = $12, free = $13, cost = $14, languages = $15, \
                 referral_routes = $16, referral_notes = $17, capacity_note = $18, staff_notes = $19, assured_on = $20, assured_by = $21, \
                 change_seq = $22, version = version + 1, updated_at = $23 WHERE id = $24")
                .bind(s.organization_id).bind(&s.name).bind(&s.description).bind(&s.url).bind(&s.email).bind(&s.phone).bind(&s.status)
                .bind(&s.closed_reason).bind(s.closed_until).bind(&s.reach).bind(s.min_age).bind(s.max_age).bind(s.free).bind(&s.cost)
                .bind(&s.languages).bind(&s.referral_routes).bind(&s.referral_notes).bind(&s.capacity_note).bind(&s.staff_notes)
                .bind(s.assured_on).bind(&s.assured_by).bind(seq).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
            for table in [
                "dir_schedules",
                "dir_service_terms",
                "dir_service_sites",
                "dir_service_locations",
            ] {
                let sql = format!("DELETE FROM {table} WHERE service_id = $1");
                on_tx!(tx, c => sqlx::query(&sql).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
            }
            id
        }
        None => on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO dir_services (programme_id, uuid, organization_id, name, description, url, email, phone, status, closed_reason, \
             closed_until, reach, min_age, max_age, free, cost, languages, referral_routes, referral_notes, capacity_note, staff_notes, \
             assured_on, assured_by, change_seq, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25) RETURNING id")
            .bind(p).bind(&s.uuid).bind(s.organization_id).bind(&s.name).bind(&s.description).bind(&s.url).bind(&s.email).bind(&s.phone)
            .bind(&s.status).bind(&s.closed_reason).bind(s.closed_until).bind(&s.reach).bind(s.min_age).bind(s.max_age).bind(s.free)
            .bind(&s.cost).bind(&s.languages).bind(&s.referral_routes).bind(&s.referral_notes).bind(&s.capacity_note).bind(&s.staff_notes)
            .bind(s.assured_on).bind(&s.assured_by).bind(seq).bind(now).fetch_one(c).await)?,
    };
    for sc in &s.schedules {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO dir_schedules (service_id, freq, freq_interval, byday, opens_at, closes_at, dtstart, valid_from, valid_to, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(id).bind(&sc.freq).bind(sc.freq_interval).bind(&sc.byday).bind(&sc.opens_at).bind(&sc.closes_at).bind(sc.dtstart)
            .bind(sc.valid_from).bind(sc.valid_to).bind(&sc.note).execute(c).await.map(|r| r.rows_affected()))?;
    }
    for t in dedup(&s.term_ids) {
        on_tx!(tx, c => sqlx::query("INSERT INTO dir_service_terms (service_id, term_id) SELECT $1, id FROM dir_terms WHERE id = $2 AND programme_id = $3")
            .bind(id).bind(t).bind(p).execute(c).await.map(|r| r.rows_affected()))?;
    }
    for site in dedup(&s.site_ids) {
        on_tx!(tx, c => sqlx::query("INSERT INTO dir_service_sites (service_id, site_id) SELECT $1, id FROM sites WHERE id = $2 AND programme_id = $3")
            .bind(id).bind(site).bind(p).execute(c).await.map(|r| r.rows_affected()))?;
    }
    for l in dedup(&s.location_ids) {
        let loc_uuid: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT uuid FROM dir_locations WHERE id = $1 AND programme_id = $2")
            .bind(l).bind(p).fetch_optional(c).await)?;
        let Some(loc_uuid) = loc_uuid else { continue };
        let uuid = sal_uuid(&s.uuid, &loc_uuid);
        on_tx!(tx, c => sqlx::query("INSERT INTO dir_service_locations (programme_id, uuid, service_id, location_id) SELECT $1, $2, $3, id FROM dir_locations WHERE id = $4 AND programme_id = $1")
            .bind(p).bind(uuid).bind(id).bind(l).execute(c).await.map(|r| r.rows_affected()))?;
    }
    on_tx!(tx, c => sqlx::query("INSERT INTO dir_history (service_id, changed_by, changed_by_name, changed_at, summary) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(by.0).bind(by.1).bind(now).bind(summary).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(if existing.is_some() {
        Saved::Updated(id)
    } else {
        Saved::Created(id)
    })
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

#[derive(sqlx::FromRow)]
struct ServiceFields {
    uuid: String,
    organization_id: i64,
    name: String,
    description: String,
    url: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    status: String,
    closed_reason: Option<String>,
    closed_until: Option<NaiveDate>,
    reach: String,
    min_age: Option<i64>,
    max_age: Option<i64>,
    free: bool,
    cost: Option<String>,
    languages: String,
    referral_routes: String,
    referral_notes: Option<String>,
    capacity_note: Option<String>,
    staff_notes: Option<String>,
    assured_on: Option<NaiveDate>,
    assured_by: Option<String>,
}

const SERVICE_FIELDS: &str = "uuid, organization_id, name, description, url, email, phone, status, closed_reason, closed_until, reach, \
    min_age, max_age, free, cost, languages, referral_routes, referral_notes, capacity_note, staff_notes, assured_on, assured_by";

/// A stored service read back as the input that would write it.
async fn current_input(
    tx: &mut Tx,
    programme_id: i64,
    id: i64,
) -> crate::Result<Option<ServiceIn>> {
    let sql =
        format!("SELECT {SERVICE_FIELDS} FROM dir_services WHERE programme_id = $1 AND id = $2");
    let Some(f): Option<ServiceFields> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(programme_id).bind(id).fetch_optional(c).await)?
    else {
        return Ok(None);
    };
    let term_ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT term_id FROM dir_service_terms WHERE service_id = $1 ORDER BY term_id").bind(id).fetch_all(c).await)?;
    let location_ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT location_id FROM dir_service_locations WHERE service_id = $1 ORDER BY location_id").bind(id).fetch_all(c).await)?;
    let site_ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT site_id FROM dir_service_sites WHERE service_id = $1 ORDER BY site_id").bind(id).fetch_all(c).await)?;
    // As written: a schedule's service is the service itself.
    let schedules: Vec<ScheduleRow> = schedules_of(tx, &[id])
        .await?
        .into_iter()
        .map(|s| ScheduleRow { service_id: 0, ..s })
        .collect();
    Ok(Some(ServiceIn {
        uuid: f.uuid,
        organization_id: f.organization_id,
        name: f.name,
        description: f.description,
        url: f.url,
        email: f.email,
        phone: f.phone,
        status: f.status,
        closed_reason: f.closed_reason,
        closed_until: f.closed_until,
        reach: f.reach,
        min_age: f.min_age,
        max_age: f.max_age,
        free: f.free,
        cost: f.cost,
        languages: f.languages,
        referral_routes: f.referral_routes,
        referral_notes: f.referral_notes,
        capacity_note: f.capacity_note,
        staff_notes: f.staff_notes,
        assured_on: f.assured_on,
        assured_by: f.assured_by,
        term_ids,
        location_ids,
        site_ids,
        schedules,
    }))
}

/// A service as stored, for editing.
pub async fn service_input(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<ServiceIn> {
    current_input(tx, grant.programme_id(), id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every service's id, in id order (for export).
pub async fn service_ids(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM dir_services WHERE programme_id = $1 ORDER BY id")
        .bind(grant.programme_id()).fetch_all(c).await)?,
    )
}

pub async fn service_modified(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<DateTime<Utc>> {
    on_tx!(tx, c => sqlx::query_scalar("SELECT updated_at FROM dir_services WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

/// The service of a service-at-location link, by the link's HSDS id.
pub async fn service_of_location_link(
    tx: &mut Tx,
    grant: &Grant,
    uuid: &str,
) -> crate::Result<Option<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT sl.service_id FROM dir_service_locations sl JOIN dir_services s ON s.id = sl.service_id WHERE sl.programme_id = $1 AND sl.uuid = $2 AND s.status <> 'defunct'")
        .bind(grant.programme_id()).bind(uuid).fetch_optional(c).await)?,
    )
}

pub async fn service_version(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<i64> {
    on_tx!(tx, c => sqlx::query_scalar("SELECT version FROM dir_services WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

pub async fn service_id_by_uuid(
    tx: &mut Tx,
    grant: &Grant,
    uuid: &str,
) -> crate::Result<Option<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM dir_services WHERE programme_id = $1 AND uuid = $2")
        .bind(grant.programme_id()).bind(uuid).fetch_optional(c).await)?,
    )
}

async fn schedules_of(tx: &mut Tx, service_ids: &[i64]) -> crate::Result<Vec<ScheduleRow>> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = service_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT service_id, freq, freq_interval, byday, opens_at, closes_at, dtstart, valid_from, valid_to, note FROM dir_schedules \
         WHERE service_id IN ({list}) ORDER BY service_id, id"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?)
}

/// Mark a service checked today by `by_name`.
pub async fn assure(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    on: NaiveDate,
    by: (Option<i64>, &str),
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let seq = bump(tx, p).await?;
    let n = on_tx!(tx, c => sqlx::query("UPDATE dir_services SET assured_on = $1, assured_by = $2, change_seq = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND programme_id = $6")
        .bind(on).bind(by.1).bind(seq).bind(now).bind(id).bind(p).execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Err(StoreError::NotFound);
    }
    on_tx!(tx, c => sqlx::query("INSERT INTO dir_history (service_id, changed_by, changed_by_name, changed_at, summary) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(by.0).bind(by.1).bind(now).bind("Checked and confirmed as correct").execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

// ---------------------------------------------------------------- reading for the index

/// One service as the search index holds it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct IndexService {
    pub id: i64,
    pub uuid: String,
    pub organization_id: i64,
    pub organization: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_until: Option<NaiveDate>,
    pub reach: String,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub free: bool,
    pub cost: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub referral_routes: String,
    pub assured_on: Option<NaiveDate>,
    pub change_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct IndexLocation {
    pub service_id: i64,
    pub location_id: i64,
    pub name: String,
    pub address: String,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IndexTerm {
    pub service_id: i64,
    pub term_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IndexSite {
    pub service_id: i64,
    pub site_id: i64,
}

/// Everything the search index needs about services changed after `since`.
#[derive(Debug, Clone, Default)]
pub struct IndexRows {
    pub version: i64,
    pub services: Vec<IndexService>,
    pub locations: Vec<IndexLocation>,
    pub schedules: Vec<ScheduleRow>,
    pub terms: Vec<IndexTerm>,
    pub sites: Vec<IndexSite>,
}

/// Read the services changed since `since` (all of them for 0), in the
/// same transaction as the version they are current to.
pub async fn changed_since(tx: &mut Tx, grant: &Grant, since: i64) -> crate::Result<IndexRows> {
    let p = grant.programme_id();
    let version = version(tx, p).await?;
    if version <= since {
        return Ok(IndexRows {
            version,
            ..Default::default()
        });
    }
    let services: Vec<IndexService> = on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.uuid, s.organization_id, o.name AS organization, s.name, s.description, s.status, s.closed_reason, s.closed_until, \
         s.reach, s.min_age, s.max_age, s.free, s.cost, s.phone, s.email, s.url, s.referral_routes, s.assured_on, s.change_seq \
         FROM dir_services s JOIN dir_organizations o ON o.id = s.organization_id WHERE s.programme_id = $1 AND s.change_seq > $2 ORDER BY s.id")
        .bind(p).bind(since).fetch_all(c).await)?;
    let sub = "SELECT id FROM dir_services WHERE programme_id = $1 AND change_seq > $2";
    let locations: Vec<IndexLocation> = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT sl.service_id, l.id AS location_id, l.name, l.address, l.postcode, l.latitude, l.longitude FROM dir_service_locations sl \
         JOIN dir_locations l ON l.id = sl.location_id WHERE sl.service_id IN ({sub}) ORDER BY sl.service_id, l.id"))
        .bind(p).bind(since).fetch_all(c).await)?;
    let schedules: Vec<ScheduleRow> = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT service_id, freq, freq_interval, byday, opens_at, closes_at, dtstart, valid_from, valid_to, note FROM dir_schedules \
         WHERE service_id IN ({sub}) ORDER BY service_id, id"))
        .bind(p).bind(since).fetch_all(c).await)?;
    let terms: Vec<IndexTerm> = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT service_id, term_id FROM dir_service_terms WHERE service_id IN ({sub})"))
        .bind(p).bind(since).fetch_all(c).await)?;
    let sites: Vec<IndexSite> = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT service_id, site_id FROM dir_service_sites WHERE service_id IN ({sub})"))
        .bind(p).bind(since).fetch_all(c).await)?;
    Ok(IndexRows {
        version,
        services,
        locations,
        schedules,
        terms,
        sites,
    })
}

// ---------------------------------------------------------------- one service, in full

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct HistoryEntry {
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
    pub summary: String,
}

pub async fn history(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
) -> crate::Result<Vec<HistoryEntry>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT h.changed_by_name, h.changed_at, h.summary FROM dir_history h JOIN dir_services s ON s.id = h.service_id \
         WHERE s.programme_id = $1 AND h.service_id = $2 ORDER BY h.id DESC")
        .bind(grant.programme_id()).bind(service_id).fetch_all(c).await)?)
}

pub async fn locations_of(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
) -> crate::Result<Vec<Location>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT l.id, l.uuid, l.organization_id, l.name, l.address, l.city, l.postcode, l.latitude, l.longitude, l.accessibility \
         FROM dir_locations l JOIN dir_service_locations sl ON sl.location_id = l.id WHERE l.programme_id = $1 AND sl.service_id = $2 ORDER BY l.id")
        .bind(grant.programme_id()).bind(service_id).fetch_all(c).await)?)
}

/// Whether a location is the programme's.
pub async fn location_exists(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM dir_locations WHERE programme_id = $1 AND id = $2")
        .bind(grant.programme_id()).bind(id).fetch_one(c).await)?;
    Ok(n > 0)
}

pub async fn locations(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Location>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, uuid, organization_id, name, address, city, postcode, latitude, longitude, accessibility FROM dir_locations WHERE programme_id = $1 ORDER BY id")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

/// How many onward referrals and signpostings point at a service, by status.
pub async fn onward_counts(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
) -> crate::Result<Vec<(String, i64)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT status, COUNT(*) FROM onward_support WHERE programme_id = $1 AND service_id = $2 GROUP BY status ORDER BY status")
        .bind(grant.programme_id()).bind(service_id).fetch_all(c).await)?)
}

/// One onward referral or signposting to a service, with its person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OnwardToService {
    pub id: i64,
    pub participant_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub site: String,
    pub kind: String,
    pub status: String,
    pub outcome: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The latest onward referrals and signpostings to a service, of the people
/// a grant to work with people reaches (their record's site in its scope).
pub async fn onward_to_service(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
    limit: i64,
) -> crate::Result<Vec<OnwardToService>> {
    crate::require(grant, &[Permission::WorkWithParticipants])?;
    let mut w = crate::query::Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    w.and("o.service_id = ?", [crate::query::Param::I64(service_id)]);
    w.and("p.merged_into IS NULL", []);
    let n = w.next();
    let sql = format!(
        "SELECT o.id, o.participant_id, p.given_name, p.family_name, s.name AS site, o.kind, o.status, o.outcome, o.updated_at \
         FROM onward_support o JOIN participants p ON p.id = o.participant_id JOIN sites s ON s.id = p.site_id{} \
         ORDER BY o.updated_at DESC, o.id DESC LIMIT ${n}",
        w.sql()
    );
    Ok(on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).bind(limit).fetch_all(c).await)?)
}

// ---------------------------------------------------------------- problems

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Report {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub kind: String,
    pub details: Option<String>,
    pub reported_by_name: Option<String>,
    pub reported_at: DateTime<Utc>,
}

pub async fn report_problem(
    tx: &mut Tx,
    grant: &Grant,
    service_id: i64,
    kind: &str,
    details: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ViewDirectory])?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO dir_reports (programme_id, service_id, kind, details, reported_by, reported_at) \
         SELECT $1, id, $2, $3, $4, $5 FROM dir_services WHERE id = $6 AND programme_id = $1 RETURNING id")
        .bind(grant.programme_id()).bind(kind).bind(details).bind(by).bind(now).bind(service_id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

pub async fn open_reports(
    tx: &mut Tx,
    grant: &Grant,
    service_id: Option<i64>,
) -> crate::Result<Vec<Report>> {
    let (clause, sid) = match service_id {
        Some(s) => (" AND r.service_id = $2", s),
        None => (" AND $2 = $2", 0),
    };
    let sql = format!(
        "SELECT r.id, r.service_id, s.name AS service_name, r.kind, r.details, u.name AS reported_by_name, r.reported_at \
         FROM dir_reports r JOIN dir_services s ON s.id = r.service_id LEFT JOIN users u ON u.id = r.reported_by \
         WHERE r.programme_id = $1 AND r.resolved_at IS NULL{clause} ORDER BY r.reported_at, r.id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(&sql).bind(grant.programme_id()).bind(sid).fetch_all(c).await)?,
    )
}

pub async fn resolve_report(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    resolution: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, EDIT)?;
    on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE dir_reports SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE id = $4 AND programme_id = $5 AND resolved_at IS NULL RETURNING service_id")
        .bind(now).bind(by).bind(resolution).bind(id).bind(grant.programme_id()).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

/// Services due for review: never checked, or last checked on or before
/// `checked_before`. Defunct services are not reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub assured_on: Option<NaiveDate>,
    pub assured_by: Option<String>,
    pub open_reports: i64,
}

pub async fn due_for_review(
    tx: &mut Tx,
    grant: &Grant,
    checked_before: NaiveDate,
    limit: i64,
) -> crate::Result<Vec<Due>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.name, o.name AS organization, s.assured_on, s.assured_by, \
         (SELECT COUNT(*) FROM dir_reports r WHERE r.service_id = s.id AND r.resolved_at IS NULL) AS open_reports \
         FROM dir_services s JOIN dir_organizations o ON o.id = s.organization_id \
         WHERE s.programme_id = $1 AND s.status <> 'defunct' AND (s.assured_on IS NULL OR s.assured_on <= $2) \
         ORDER BY s.assured_on NULLS FIRST, s.id LIMIT $3")
        .bind(grant.programme_id()).bind(checked_before).bind(limit).fetch_all(c).await)?)
}

// ---------------------------------------------------------------- visits

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Visit {
    pub id: i64,
    pub visited_on: NaiveDate,
    pub visited_by_name: Option<String>,
    pub met: Option<String>,
    pub pathway: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_visit(
    tx: &mut Tx,
    grant: &Grant,
    organization_id: i64,
    on: NaiveDate,
    met: Option<&str>,
    pathway: Option<&str>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, EDIT)?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO dir_visits (programme_id, organization_id, visited_on, visited_by, met, pathway, created_at) \
         SELECT $1, id, $2, $3, $4, $5, $6 FROM dir_organizations WHERE id = $7 AND programme_id = $1 RETURNING id")
        .bind(grant.programme_id()).bind(on).bind(by).bind(met).bind(pathway).bind(now).bind(organization_id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

pub async fn visits(tx: &mut Tx, grant: &Grant, organization_id: i64) -> crate::Result<Vec<Visit>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT v.id, v.visited_on, u.name AS visited_by_name, v.met, v.pathway FROM dir_visits v LEFT JOIN users u ON u.id = v.visited_by \
         WHERE v.programme_id = $1 AND v.organization_id = $2 ORDER BY v.visited_on DESC, v.id DESC")
        .bind(grant.programme_id()).bind(organization_id).fetch_all(c).await)?)
}

// ---------------------------------------------------------------- postcodes

/// Add or replace postcodes (postcode, district, latitude, longitude).
pub async fn import_postcodes(
    tx: &mut Tx,
    grant: &Grant,
    rows: &[(String, String, f64, f64, Option<String>)],
) -> crate::Result<u64> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    let mut n = 0;
    for (pc, district, lat, lon, zone) in rows {
        // A file without data zones leaves those already known alone.
        n += on_tx!(tx, c => sqlx::query(
            "INSERT INTO postcodes (postcode, district, latitude, longitude, datazone) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (postcode) DO UPDATE SET district = excluded.district, latitude = excluded.latitude, \
             longitude = excluded.longitude, datazone = COALESCE(excluded.datazone, postcodes.datazone)")
            .bind(pc).bind(district).bind(lat).bind(lon).bind(zone).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(n)
}

/// One data zone of the Scottish Index of Multiple Deprivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimdZone {
    pub datazone: String,
    pub name: String,
    pub council: String,
    pub rank: i64,
    pub decile: i64,
    pub quintile: i64,
}

/// Add or replace data zones' SIMD ranks (reference data, shared by every
/// programme on the database, like the postcode lookup).
pub async fn import_simd(tx: &mut Tx, grant: &Grant, zones: &[SimdZone]) -> crate::Result<u64> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    let mut n = 0;
    for z in zones {
        n += on_tx!(tx, c => sqlx::query(
            "INSERT INTO simd_datazones (datazone, name, council, simd_rank, decile, quintile) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (datazone) DO UPDATE SET name = excluded.name, council = excluded.council, simd_rank = excluded.simd_rank, \
             decile = excluded.decile, quintile = excluded.quintile")
            .bind(&z.datazone).bind(&z.name).bind(&z.council).bind(z.rank as i32).bind(z.decile as i32).bind(z.quintile as i32)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(n)
}

/// Postcodes on the programme's records that the lookup does not know (the
/// demo generator places its invented postcodes with these).
pub async fn unknown_person_postcodes(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<String>> {
    crate::require(grant, &[Permission::ManageDirectory])?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT p.postcode FROM participants p WHERE p.programme_id = $1 AND p.postcode IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM postcodes pc WHERE pc.postcode = p.postcode) ORDER BY p.postcode")
        .bind(grant.programme_id()).fetch_all(c).await)?)
}

/// How many postcodes know their data zone, and how many data zones have
/// SIMD ranks (for the import page).
pub async fn simd_counts(tx: &mut Tx) -> crate::Result<(i64, i64)> {
    let a: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM postcodes WHERE datazone IS NOT NULL").fetch_one(c).await)?;
    let b: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM simd_datazones").fetch_one(c).await)?;
    Ok((a, b))
}

/// Where a postcode is; for an unknown postcode (or a bare district), the
/// middle of its district's known postcodes. `None` when neither is known.
pub async fn locate(
    tx: &mut Tx,
    postcode: Option<&str>,
    district: &str,
) -> crate::Result<Option<(f64, f64, bool)>> {
    if let Some(pc) = postcode {
        let exact: Option<(f64, f64)> = on_tx!(tx, c => sqlx::query_as("SELECT latitude, longitude FROM postcodes WHERE postcode = $1")
            .bind(pc).fetch_optional(c).await)?;
        if let Some((a, b)) = exact {
            return Ok(Some((a, b, true)));
        }
    }
    let mid: (Option<f64>, Option<f64>) = on_tx!(tx, c => sqlx::query_as("SELECT AVG(latitude), AVG(longitude) FROM postcodes WHERE district = $1")
        .bind(district).fetch_one(c).await)?;
    Ok(match mid {
        (Some(a), Some(b)) => Some((a, b, false)),
        _ => None,
    })
}

pub async fn postcode_count(tx: &mut Tx) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM postcodes").fetch_one(c).await)?)
}

// ---------------------------------------------------------------- onward support to the directory

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ServiceBrief {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub status: String,
}

pub async fn service_brief(tx: &mut Tx, programme_id: i64, id: i64) -> crate::Result<ServiceBrief> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.name, o.name AS organization, s.phone, s.email, s.status FROM dir_services s \
         JOIN dir_organizations o ON o.id = s.organization_id WHERE s.programme_id = $1 AND s.id = $2")
        .bind(programme_id).bind(id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)
}

/// Point onward support written as `text` at the programme's first service
/// whose name ends with `suffix` (the demo data's history).
pub async fn link_onward_by_text(
    tx: &mut Tx,
    grant: &Grant,
    text: &str,
    suffix: &str,
) -> crate::Result<u64> {
    crate::require(grant, EDIT)?;
    let p = grant.programme_id();
    let pattern = format!("%{suffix}");
    let id: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM dir_services WHERE programme_id = $1 AND name LIKE $2 AND status = 'active' ORDER BY id LIMIT 1")
        .bind(p).bind(&pattern).fetch_optional(c).await)?;
    let Some(id) = id else { return Ok(0) };
    Ok(
        on_tx!(tx, c => sqlx::query("UPDATE onward_support SET service_id = $1 WHERE programme_id = $2 AND service = $3")
        .bind(id).bind(p).bind(text).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

// ---------------------------------------------------------------- asset mapping

/// People with an open need, by the place their record is held: (site,
/// need code, people). Scoped to the sites the grant reaches.
pub async fn open_needs_by_site(
    tx: &mut Tx,
    grant: &Grant,
) -> crate::Result<Vec<(i64, String, i64)>> {
    let mut w = crate::query::Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    w.and("n.status <> 'resolved'", []);
    let sql = format!(
        "SELECT p.site_id, n.need, COUNT(DISTINCT n.participant_id) FROM needs n JOIN participants p ON p.id = n.participant_id \
         JOIN sites s ON s.id = p.site_id{} GROUP BY p.site_id, n.need",
        w.sql()
    );
    Ok(on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// The practices a grant reaches, with their area, cluster and postcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlaceOfSite {
    pub site_id: i64,
    pub site: String,
    pub cluster_id: i64,
    pub cluster: String,
    pub area_id: i64,
    pub area: String,
    pub postcode: Option<String>,
}

pub async fn practices(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<PlaceOfSite>> {
    let mut w = crate::query::Where::new();
    crate::org::site_scope(&mut w, grant.scope());
    w.and("s.kind = 'gp_practice' AND s.active = TRUE", []);
    let sql = format!(
        "SELECT s.id AS site_id, s.name AS site, c.id AS cluster_id, c.name AS cluster, a.id AS area_id, a.name AS area, s.postcode \
         FROM sites s JOIN clusters c ON c.id = s.cluster_id JOIN areas a ON a.id = c.area_id{} ORDER BY a.name, c.name, s.name",
        w.sql()
    );
    Ok(on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

/// Services added, changed or closed since a moment (the practice digest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Change {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub status: String,
    pub closed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn changed_after(
    tx: &mut Tx,
    grant: &Grant,
    since: DateTime<Utc>,
) -> crate::Result<Vec<Change>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.name, o.name AS organization, s.status, s.closed_reason, s.created_at, s.updated_at FROM dir_services s \
         JOIN dir_organizations o ON o.id = s.organization_id WHERE s.programme_id = $1 AND s.updated_at >= $2 ORDER BY s.updated_at DESC, s.id LIMIT 500")
        .bind(grant.programme_id()).bind(since).fetch_all(c).await)?)
}

/// Coordinates of many postcodes at once (exact ones only).
pub async fn points(tx: &mut Tx, postcodes: &[String]) -> crate::Result<Vec<(String, f64, f64)>> {
    if postcodes.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = crate::query::Where::new();
    let marks = vec!["?"; postcodes.len()].join(", ");
    w.and(
        &format!("postcode IN ({marks})"),
        postcodes
            .iter()
            .map(|p| crate::query::Param::Text(p.clone())),
    );
    let sql = format!(
        "SELECT postcode, latitude, longitude FROM postcodes{}",
        w.sql()
    );
    Ok(on_tx!(tx, c => crate::bind_where!(sqlx::query_as(&sql), w).fetch_all(c).await)?)
}

// ---------------------------------------------------------------- partner sites become organisations

/// Sites of kind `partner_organisation` or `food_bank` that do not point at
/// a directory organisation get one of their own name (migration 14's data
/// step, and after a site import).
pub async fn adopt_partner_sites(tx: &mut Tx, now: DateTime<Utc>) -> crate::Result<u64> {
    let rows: Vec<(i64, i64, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, programme_id, name FROM sites WHERE kind IN ('partner_organisation', 'food_bank') AND organization_id IS NULL ORDER BY id")
        .fetch_all(c).await)?;
    let mut n = 0;
    for (site, programme, name) in rows {
        seed_programme(tx, programme).await?;
        let uuid = uuid_for(&format!("linkwork-site-org/{programme}/{site}"));
        let org: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO dir_organizations (programme_id, uuid, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (programme_id, uuid) DO UPDATE SET updated_at = excluded.updated_at RETURNING id")
            .bind(programme).bind(uuid).bind(&name).bind(now).fetch_one(c).await)?;
        on_tx!(tx, c => sqlx::query("UPDATE sites SET organization_id = $1 WHERE id = $2").bind(org).bind(site).execute(c).await.map(|r| r.rows_affected()))?;
        n += 1;
    }
    Ok(n)
}

/// Seed every programme's directory (migration 14's data step).
pub async fn seed_all(tx: &mut Tx, now: DateTime<Utc>) -> crate::Result<()> {
    let ps: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM programmes ORDER BY id").fetch_all(c).await)?;
    for p in ps {
        seed_programme(tx, p).await?;
    }
    adopt_partner_sites(tx, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = uuid_for("x");
        assert_eq!(a, uuid_for("x"));
        assert_ne!(a, uuid_for("y"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
    }

    #[test]
    fn the_embedded_taxonomy_reads() {
        let lines: Vec<Vec<String>> = ALISS_TERMS.lines().skip(1).map(split_csv_line).collect();
        assert!(lines.len() > 300);
        assert!(lines.iter().all(|l| l.len() == 4), "four fields each");
        assert!(
            lines
                .iter()
                .any(|l| l[2] == "Black, Black British, Caribbean or African")
        );
    }
}
