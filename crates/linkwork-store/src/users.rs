//! Staff users and their site assignments.

use crate::org::changed_or_why;
use crate::query::{Param, Where};
use crate::{StoreError, Tx, bind_where, on_tx};
use chrono::{DateTime, Utc};
use linkwork_domain::{Grant, Permission};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub programme_id: i64,
    pub email: String,
    pub name: String,
    /// `administrator`, `manager`, `link-worker`, `practice-staff` or `partner`.
    pub role: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// For partner users: the directory organisation they work for.
    pub organization_id: Option<i64>,
}

/// What sign-in needs to know about a user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub programme_id: i64,
    pub password_hash: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SiteRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Filters for [`list_users`].
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub text: Option<String>,
    pub role: Option<String>,
    pub site_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

const USER_COLUMNS: &str = "u.id, u.programme_id, u.email, u.name, u.role, u.disabled_at, u.version, u.created_at, u.organization_id";

pub async fn count_all(tx: &mut Tx) -> crate::Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
}

pub async fn credentials(tx: &mut Tx, email: &str) -> crate::Result<Option<Credentials>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, programme_id, password_hash, disabled_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(c)
        .await)?)
}

pub async fn get(tx: &mut Tx, grant: &Grant, id: i64) -> crate::Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.programme_id = $2");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).bind(grant.programme_id()).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

/// Any user by e-mail, in any programme (the command line's view).
pub async fn find_by_email(tx: &mut Tx, email: &str) -> crate::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(email).fetch_optional(c).await)?)
}

pub async fn list(tx: &mut Tx, grant: &Grant, f: &UserFilter) -> crate::Result<(Vec<User>, i64)> {
    let mut w = Where::new();
    w.and("u.programme_id = ?", [Param::I64(grant.programme_id())]);
    if let Some(t) = f
        .text
        .as_deref()
        .map(|t| format!("%{}%", t.trim().to_lowercase()))
    {
        w.and(
            "(LOWER(u.name) LIKE ? OR u.email LIKE ?)",
            [Param::Text(t.clone()), Param::Text(t)],
        );
    }
    if let Some(r) = &f.role {
        w.and("u.role = ?", [Param::Text(r.clone())]);
    }
    if let Some(site) = f.site_id {
        w.and(
            "u.id IN (SELECT us.user_id FROM user_sites us WHERE us.site_id = ?)",
            [Param::I64(site)],
        );
    }
    let n = w.next();
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u{} ORDER BY u.name, u.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let rows = on_tx!(tx, c => bind_where!(sqlx::query_as(&sql), w)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0))
        .fetch_all(c).await)?;
    let count_sql = format!("SELECT COUNT(*) FROM users u{}", w.sql());
    let total = match crate::query::known_total(rows.len(), f.limit, f.offset) {
        Some(t) => t,
        None => on_tx!(tx, c => bind_where!(sqlx::query_scalar(&count_sql), w).fetch_one(c).await)?,
    };
    Ok((rows, total))
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: Option<&'a str>,
}

pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    u: &NewUser<'_>,
    now: DateTime<Utc>,
) -> crate::Result<i64> {
    crate::require(grant, &[Permission::ManageUsers])?;
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (programme_id, email, name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id")
        .bind(grant.programme_id())
        .bind(u.email)
        .bind(u.name)
        .bind(u.role)
        .bind(u.password_hash)
        .bind(now)
        .fetch_one(c)
        .await)
    .map_err(|e| StoreError::on_unique(e, "email address"))
}

pub async fn update(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    version: i64,
    name: &str,
    role: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageUsers])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE users SET name = $1, role = $2, updated_at = $3, version = version + 1 \
         WHERE id = $4 AND programme_id = $5 AND version = $6")
        .bind(name).bind(role).bind(now).bind(id).bind(grant.programme_id()).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    changed_or_why(tx, "users", grant.programme_id(), id, n).await
}

/// Tie a user to the directory organisation they work for (partners), or
/// to none.
pub async fn set_organization(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    organization_id: Option<i64>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageUsers])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE users SET organization_id = $1 WHERE id = $2 AND programme_id = $3 \
         AND ($1 IS NULL OR $1 IN (SELECT id FROM dir_organizations WHERE programme_id = $3))")
        .bind(organization_id).bind(id).bind(grant.programme_id())
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Disable (or enable again) a user. Disabling ends all their sessions and
/// revokes nothing else: tokens stop working because their owner is disabled.
pub async fn set_disabled(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageUsers])?;
    let at = disabled.then_some(now);
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE users SET disabled_at = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND programme_id = $4")
        .bind(at).bind(now).bind(id).bind(grant.programme_id())
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        crate::auth::delete_user_sessions(tx, id).await?;
    }
    Ok(())
}

pub async fn set_password_hash(
    tx: &mut Tx,
    grant: &Grant,
    id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageUsers])?;
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND programme_id = $4")
        .bind(hash).bind(now).bind(id).bind(grant.programme_id())
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// A user's own new password (the app has checked the current one).
pub async fn set_own_password_hash(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> crate::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(hash).bind(now).bind(user_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn site_ids(tx: &mut Tx, user_id: i64) -> crate::Result<Vec<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT site_id FROM user_sites WHERE user_id = $1 ORDER BY site_id")
        .bind(user_id).fetch_all(c).await)?,
    )
}

pub async fn sites(tx: &mut Tx, user_id: i64) -> crate::Result<Vec<SiteRef>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.code, s.name FROM user_sites us JOIN sites s ON s.id = us.site_id \
         WHERE us.user_id = $1 ORDER BY s.name")
        .bind(user_id).fetch_all(c).await)?)
}

/// Replace a user's site assignments. Every site must belong to the grant's
/// programme, or nothing changes and [`StoreError::NotFound`] is returned.
pub async fn set_sites(
    tx: &mut Tx,
    grant: &Grant,
    user_id: i64,
    site_ids: &[i64],
) -> crate::Result<()> {
    crate::require(grant, &[Permission::ManageUsers])?;
    get(tx, grant, user_id).await?;
    for site in site_ids {
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE id = $1 AND programme_id = $2")
            .bind(site).bind(grant.programme_id()).fetch_one(c).await)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
    }
    on_tx!(tx, c => sqlx::query("DELETE FROM user_sites WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    for site in site_ids {
        on_tx!(tx, c => sqlx::query("INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id).bind(site).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Who a user is, for building an actor from a session or token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActorRow {
    pub programme_id: i64,
    pub role: String,
    pub name: String,
    pub email: String,
    pub disabled_at: Option<DateTime<Utc>>,
}

pub async fn actor_row(tx: &mut Tx, user_id: i64) -> crate::Result<Option<ActorRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT programme_id, role, name, email, disabled_at FROM users WHERE id = $1")
        .bind(user_id).fetch_optional(c).await)?)
}
