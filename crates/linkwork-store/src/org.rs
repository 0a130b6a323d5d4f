//! Programmes, areas, clusters and sites.

use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission, SiteScope};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Area {
    pub id: i64,
    pub name: String,
    pub version: i64,
    /// How many clusters the area has.
    pub cluster_count: i64,
    /// How many sites the area has.
    pub site_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Cluster {
    pub id: i64,
    pub area_id: i64,
    pub area_name: String,
    pub name: String,
    pub version: i64,
    pub site_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Site {
    pub id: i64,
    /// Short code, unique in the programme (a GP practice uses its practice code).
    pub code: String,
    pub name: String,
    /// `gp_practice`, `food_bank`, `partner_organisation` or `other`.
    #[sqlx(try_from = "String")]
    pub kind: linkwork_domain::text::SiteKind,
    pub cluster_id: i64,
    pub cluster_name: String,
    pub area_id: i64,
    pub area_name: String,
    pub practice_code: Option<String>,
    pub list_size: Option<i64>,
    /// Serves one of the most deprived populations ("Deep End").
    pub deep_end: bool,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a site as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFields {
    pub cluster_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub practice_code: Option<String>,
    pub list_size: Option<i64>,
    pub deep_end: bool,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

/// Filters for [`list_sites`].
#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    /// Matches name, code or postcode (case-insensitive).
    pub text: Option<String>,
    pub cluster_id: Option<i64>,
    pub area_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

const SITE_COLUMNS: &str = "s.id, s.code, s.name, s.kind, s.cluster_id, c.name AS cluster_name, \
     c.area_id, a.name AS area_name, s.practice_code, s.list_size, s.deep_end, s.address, \
     s.postcode, s.phone, s.active, s.version, s.updated_at \
     FROM sites s JOIN clusters c ON c.id = s.cluster_id JOIN areas a ON a.id = c.area_id";

/// A new programme, with the seed list of reasons for referral.
pub async fn create_programme(tx: &mut Tx, name: &str, now: DateTime<Utc>) -> crate::Result<i64> {
    let id = on_tx!(tx, c => sqlx::query_scalar("INSERT INTO programmes (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(now)
        .fetch_one(c)
        .await)
    .map_err(|e| StoreError::on_unique(e, "programme name"))?;
    crate::reasons::seed(tx, id).await?;
    crate::directory::seed_programme(tx, id).await?;
    Ok(id)
}

pub async fn list_programmes(tx: &mut Tx) -> crate::Result<Vec<Programme>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT id, name, created_at FROM programmes ORDER BY id").fetch_all(c).await)?,
    )
}

pub async fn get_programme(tx: &mut Tx, id: i64) -> crate::Result<Programme> {
    on_tx!(tx, c => sqlx::query_as("SELECT id, name, created_at FROM programmes WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await)?
    .ok_or(StoreError::NotFound)
}

pub async fn list_areas(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Area>> {
    let sql = "SELECT a.id, a.name, a.version, COUNT(DISTINCT c.id) AS cluster_count, COUNT(s.id) AS site_count \
         FROM areas a LEFT JOIN clusters c ON c.area_id = a.id LEFT JOIN sites s ON s.cluster_id = c.id \
         WHERE a.programme_id = $1 GROUP BY a.id, a.name, a.version ORDER BY a.name";
    Ok(on_tx!(tx, c => sqlx::query_as(sql).bind(grant.programme_id()).fetch_all(c).await)?)
}

pub async fn get_area(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<Area> {
    list_areas(tx, grant)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(StoreError::NotFound)
}

pub async fn create_area(
    tx: &mut Tx,
    grant: &Grant,
    name: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO areas (programme_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id")
        .bind(grant.programme_id())
        .bind(name)
        .bind(now)
        .fetch_one(c)
        .await)
    .map_err(|e| StoreError::on_unique(e, "area name"))
}

pub async fn update_area(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    name: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE areas SET name = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3 AND programme_id = $4 AND version = $5")
        .bind(name)
        .bind(now)
        .bind(id)
        .bind(grant.programme_id())
        .bind(version)
        .execute(c)
        .await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "area name"))?;
    changed_or_why(tx, "areas", grant.programme_id(), id, n).await
}

/// After an update touched `n` rows: nothing missing, or a stale version?
pub(crate) async fn changed_or_why(
    tx: &mut Tx,
    table: &'static str,
    programme_id: i64,
    id: i64,
    n: u64,
) -> crate::Result<()> {
    if n == 1 {
        return Ok(());
    }
    let sql = match table {
        "areas" => "SELECT COUNT(*) FROM areas WHERE id = $1 AND programme_id = $2",
        "clusters" => "SELECT COUNT(*) FROM clusters WHERE id = $1 AND programme_id = $2",
        "sites" => "SELECT COUNT(*) FROM sites WHERE id = $1 AND programme_id = $2",
        _ => "SELECT COUNT(*) FROM users WHERE id = $1 AND programme_id = $2",
    };
    let exists: i64 =
        on_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(programme_id).fetch_one(c).await)?;
    Err(if exists > 0 {
        StoreError::StaleVersion
    } else {
        StoreError::NotFound
    })
}

pub async fn list_clusters(tx: &mut Tx, grant: &Grant) -> crate::Result<Vec<Cluster>> {
    let sql = "SELECT c.id, c.area_id, a.name AS area_name, c.name, c.version, COUNT(s.id) AS site_count \
         FROM clusters c JOIN areas a ON a.id = c.area_id LEFT JOIN sites s ON s.cluster_id = c.id \
         WHERE c.programme_id = $1 GROUP BY c.id, c.area_id, a.name, c.name, c.version ORDER BY a.name, c.name";
    Ok(on_tx!(tx, c => sqlx::query_as(sql).bind(grant.programme_id()).fetch_all(c).await)?)
}

pub async fn get_cluster(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<Cluster> {
    list_clusters(tx, grant)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(StoreError::NotFound)
}

async fn area_in_programme(tx: &mut Tx, programme_id: i64, area_id: i64) -> crate::Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE id = $1 AND programme_id = $2")
        .bind(area_id)
        .bind(programme_id)
        .fetch_one(c)
        .await)?;
    Ok(n > 0)
}

pub async fn cluster_in_programme(
    tx: &mut Tx,
    grant: &Grant,
    cluster_id: i64,
) -> crate::Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM clusters WHERE id = $1 AND programme_id = $2")
        .bind(cluster_id)
        .bind(grant.programme_id())
        .fetch_one(c)
        .await)?;
    Ok(n > 0)
}

/// Create a cluster in an area of the grant's programme. An area of another
/// programme is [`StoreError::NotFound`].
pub async fn create_cluster(
    tx: &mut Tx,
    grant: &Grant,
    area_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    if !area_in_programme(tx, grant.programme_id(), area_id).await? {
        return Err(StoreError::NotFound);
    }
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO clusters (programme_id, area_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(grant.programme_id())
        .bind(area_id)
        .bind(name)
        .bind(now)
        .fetch_one(c)
        .await)
    .map_err(|e| StoreError::on_unique(e, "cluster name"))
}

pub async fn update_cluster(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    area_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    if !area_in_programme(tx, grant.programme_id(), area_id).await? {
        return Err(StoreError::NotFound);
    }
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE clusters SET name = $1, area_id = $2, updated_at = $3, version = version + 1 \
         WHERE id = $4 AND programme_id = $5 AND version = $6")
        .bind(name)
        .bind(area_id)
        .bind(now)
        .bind(id)
        .bind(grant.programme_id())
        .bind(version)
        .execute(c)
        .await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "cluster name"))?;
    changed_or_why(tx, "clusters", grant.programme_id(), id, n).await
}

/// The scope of a site query (alias `s`) as clauses: the programme, and for
/// users who see only their sites, those sites.
pub fn site_scope(w: &mut Where, scope: SiteScope) {
    let (programme_id, whole, user_id) = scope.params();
    w.and("s.programme_id = ?", [Param::I64(programme_id)]);
    if !whole {
        w.and(
            "s.id IN (SELECT us.site_id FROM user_sites us WHERE us.user_id = ?)",
            [Param::I64(user_id)],
        );
    }
}

/// Sites within `scope`, filtered, a page at a time, with the total count.
pub async fn list_sites(
    tx: &mut Tx,
    scope: SiteScope,
    f: &SiteFilter,
) -> crate::Result<(Vec<Site>, i64)> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    if let Some(t) = f
        .text
        .as_deref()
        .map(|t| format!("%{}%", t.trim().to_lowercase()))
    {
        w.and(
            "(LOWER(s.name) LIKE ? OR LOWER(s.code) LIKE ? OR LOWER(COALESCE(s.postcode, '')) LIKE ?)",
            [Param::Text(t.clone()), Param::Text(t.clone()), Param::Text(t)],
        );
    }
    if let Some(c) = f.cluster_id {
        w.and("s.cluster_id = ?", [Param::I64(c)]);
    }
    if let Some(a) = f.area_id {
        w.and("c.area_id = ?", [Param::I64(a)]);
    }
    let n = w.next();
    let sql = format!(
        "SELECT {SITE_COLUMNS}{} ORDER BY s.name, s.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let count_sql = format!(
        "SELECT COUNT(*) FROM sites s JOIN clusters c ON c.id = s.cluster_id{}",
        w.sql()
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0))
        .fetch_all(c)
        .await)?;
    let total: i64 = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

/// One site, if it is within `scope`.
pub async fn get_site(tx: &mut Tx, scope: SiteScope, id: i64) -> crate::Result<Site> {
    let mut w = Where::new();
    site_scope(&mut w, scope);
    w.and("s.id = ?", [Param::I64(id)]);
    let sql = format!("SELECT {SITE_COLUMNS}{}", w.sql());
    on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

pub async fn find_site_by_code(
    tx: &mut Tx,
    programme_id: i64,
    code: &str,
) -> crate::Result<Option<Site>> {
    let sql = format!("SELECT {SITE_COLUMNS} WHERE s.programme_id = $1 AND s.code = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(programme_id).bind(code).fetch_optional(c).await)?)
}

pub async fn create_site(
    tx: &mut Tx,
    grant: &Grant,
    s: &SiteFields,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    if !cluster_in_programme(tx, grant, s.cluster_id).await? {
        return Err(StoreError::NotFound);
    }
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO sites (programme_id, cluster_id, code, name, kind, practice_code, list_size, deep_end, \
         address, postcode, phone, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id")
        .bind(grant.programme_id())
        .bind(s.cluster_id)
        .bind(&s.code)
        .bind(&s.name)
        .bind(&s.kind)
        .bind(&s.practice_code)
        .bind(s.list_size)
        .bind(s.deep_end)
        .bind(&s.address)
        .bind(&s.postcode)
        .bind(&s.phone)
        .bind(s.active)
        .bind(now)
        .fetch_one(c)
        .await)
    .map_err(|e| StoreError::on_unique(e, "site code"))
}

pub async fn update_site(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    s: &SiteFields,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageOrganisation])?;
    if !cluster_in_programme(tx, grant, s.cluster_id).await? {
        return Err(StoreError::NotFound);
    }
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE sites SET cluster_id = $1, code = $2, name = $3, kind = $4, practice_code = $5, list_size = $6, \
         deep_end = $7, address = $8, postcode = $9, phone = $10, active = $11, updated_at = $12, \
         version = version + 1 WHERE id = $13 AND programme_id = $14 AND version = $15")
        .bind(s.cluster_id)
        .bind(&s.code)
        .bind(&s.name)
        .bind(&s.kind)
        .bind(&s.practice_code)
        .bind(s.list_size)
        .bind(s.deep_end)
        .bind(&s.address)
        .bind(&s.postcode)
        .bind(&s.phone)
        .bind(s.active)
        .bind(now)
        .bind(id)
        .bind(grant.programme_id())
        .bind(version)
        .execute(c)
        .await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, "site code"))?;
    changed_or_why(tx, "sites", grant.programme_id(), id, n).await
}

/// Count rows of the organisation, for the home page and the demo report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrgCounts {
    pub areas: i64,
    pub clusters: i64,
    pub sites: i64,
    pub users: i64,
}

pub async fn counts(tx: &mut Tx, grant: &Grant) -> crate::Result<OrgCounts> {
    let sql = "SELECT (SELECT COUNT(*) FROM areas WHERE programme_id = $1) AS areas, \
        (SELECT COUNT(*) FROM clusters WHERE programme_id = $1) AS clusters, \
        (SELECT COUNT(*) FROM sites WHERE programme_id = $1) AS sites, \
        (SELECT COUNT(*) FROM users WHERE programme_id = $1) AS users";
    Ok(on_tx!(tx, c => sqlx::query_as(sql).bind(grant.programme_id()).fetch_one(c).await)?)
}
