//! Everything that differs between SQLite and PostgreSQL, in one place.
//! (The schema itself differs too: see `migrations/sqlite` and `migrations/postgres`.)

use crate::{Db, Tx, on_tx};
use sqlx::Connection;

/// Create a PostgreSQL schema if it does not exist (tests use one per test).
pub async fn ensure_pg_schema(url: &str, schema: &str) -> crate::Result<()> {
    let safe = schema
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !safe {
        return Err(crate::StoreError::UnsupportedUrl);
    }
    let mut c = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .execute(&mut c)
        .await?;
    c.close().await?;
    Ok(())
}

/// Drop a test schema and everything in it.
pub async fn drop_pg_schema(url: &str, schema: &str) -> crate::Result<()> {
    if !schema
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(crate::StoreError::UnsupportedUrl);
    }
    let mut c = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut c)
        .await?;
    c.close().await?;
    Ok(())
}

/// Hold the migration lock for the rest of the transaction: several app nodes
/// starting at once migrate one at a time. SQLite's single writer already
/// serialises this.
pub async fn lock_for_migration(tx: &mut Tx) -> crate::Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7345001)")
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// Does the migrations table exist yet?
pub async fn migrations_table_exists(tx: &mut Tx) -> crate::Result<bool> {
    let sql = if is_postgres(tx) {
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    };
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(sql).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Make a consistent copy of a live SQLite database (`VACUUM INTO`). For
/// PostgreSQL the answer is `pg_dump`, so this returns `false`.
pub async fn backup_to(db: &Db, path: &str) -> crate::Result<bool> {
    match db {
        Db::Sqlite { write, .. } => {
            let mut w = crate::group::alone(write).await;
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(&mut **w)
                .await?;
            Ok(true)
        }
        Db::Postgres(_) => Ok(false),
    }
}

/// After loading many rows at once: refresh the planner's statistics, and
/// (SQLite) fold the write-ahead log back into the database file, so the
/// first request afterwards does not pay for either.
pub async fn after_bulk_load(db: &Db) -> crate::Result<()> {
    match db {
        Db::Sqlite { write, .. } => {
            let mut w = crate::group::alone(write).await;
            sqlx::raw_sql("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
                .execute(&mut **w)
                .await?;
        }
        Db::Postgres(p) => {
            // VACUUM too: it sets the visibility map (index-only scans) and
            // spares the first users an autovacuum of millions of new rows.
            sqlx::raw_sql("VACUUM ANALYZE").execute(p).await?;
            // And write the new rows out now rather than during the first
            // minutes of use (needs the pg_checkpoint role or a superuser;
            // without it the checkpointer catches up in its own time).
            let _ = sqlx::raw_sql("CHECKPOINT").execute(p).await;
        }
    }
    Ok(())
}

/// Refresh PostgreSQL's statistics of the figures' pieces after keeping
/// many at once (planned as the few rows they were, a nation's months of
/// onward support were sorted on disk instead of hashed in memory: the
/// nation's quarter 1.6–2.1 s before, 1.5 s after). SQLite plans the
/// pieces by their index, but keeps no statistics of its own accord: the
/// referrals' and onward support's are counted again (an index of
/// referrals it has no counts for, such as one made by a migration on a
/// small database that grew since, is taken as very selective: the cases
/// closed on a run's edge days 1 → 40 ms).
pub async fn analyze_figures(db: &Db) -> crate::Result<()> {
    match db {
        Db::Postgres(p) => {
            sqlx::raw_sql("ANALYZE figure_piece_rows, figure_pieces, figure_marks")
                .execute(p)
                .await?;
        }
        Db::Sqlite { write, .. } => {
            let mut w = crate::group::alone(write).await;
            sqlx::raw_sql("ANALYZE referrals; ANALYZE onward_support;")
                .execute(&mut **w)
                .await?;
        }
    }
    Ok(())
}

/// Refresh the planner's statistics of the directory's tables inside a long
/// import (PostgreSQL: a table that grew from nothing in this import would
/// otherwise be planned as empty, and its look-ups by id turn into scans).
/// SQLite plans by its indexes and needs nothing.
pub async fn analyze_directory(tx: &mut Tx) -> crate::Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query(
            "ANALYZE dir_services, dir_organizations, dir_locations, dir_service_locations",
        )
        .execute(&mut **t)
        .await?;
    }
    Ok(())
}

/// Commands that remove the audit triggers, for tamper-detection tests and
/// nothing else: the audit table refuses updates and deletes otherwise.
pub async fn drop_audit_guards_for_tests(db: &Db) -> crate::Result<()> {
    match db {
        Db::Sqlite { write, .. } => {
            sqlx::raw_sql(
                "DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete; \
                 DROP TRIGGER IF EXISTS audit_heads_no_delete; DROP TRIGGER IF EXISTS audit_heads_forward_only;",
            )
            .execute(&mut **crate::group::alone(write).await)
            .await?;
        }
        Db::Postgres(p) => {
            sqlx::raw_sql(
                "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events; \
                 DROP TRIGGER IF EXISTS audit_heads_guarded ON audit_heads;",
            )
            .execute(p)
            .await?;
        }
    }
    Ok(())
}

/// Run a statement outside the normal API (tests only: simulating tampering).
pub async fn execute_raw_for_tests(db: &Db, sql: &str) -> crate::Result<()> {
    match db {
        Db::Sqlite { write, .. } => sqlx::raw_sql(sql)
            .execute(&mut **crate::group::alone(write).await)
            .await
            .map(|_| ())?,
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ())?,
    }
    Ok(())
}

/// The statement that appends an audit event (binding chain, seq, at,
/// programme, actor user, actor, action, object type, object id, request id,
/// outcome, detail, previous hash, hash) and returns its id; and whether the
/// chain head's hash must then be set by a second statement. On PostgreSQL
/// the head is set in the same statement (a data-modifying CTE), one round
/// trip fewer while the head is locked.
pub(crate) fn audit_insert_sql(tx: &Tx) -> (&'static str, bool) {
    if is_postgres(tx) {
        (
            concat!(
                "WITH e AS (INSERT INTO audit_events (chain_id, seq, at, programme_id, actor_user_id, actor, action, ",
                "object_type, object_id, request_id, outcome, detail, prev_hash, hash) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id) ",
                "UPDATE audit_heads SET hash = $14 WHERE chain_id = $1 RETURNING (SELECT id FROM e)"
            ),
            false,
        )
    } else {
        (
            concat!(
                "INSERT INTO audit_events (chain_id, seq, at, programme_id, actor_user_id, actor, action, ",
                "object_type, object_id, request_id, outcome, detail, prev_hash, hash) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"
            ),
            true,
        )
    }
}

/// A subquery giving a user's site ids as one comma-separated string, in
/// order; `user_id` is the column naming the user (`s.user_id` for a session).
pub(crate) fn user_site_ids(tx: &Tx, user_id: &str) -> String {
    if is_postgres(tx) {
        format!(
            "(SELECT string_agg(us.site_id::text, ',' ORDER BY us.site_id) FROM user_sites us WHERE us.user_id = {user_id})"
        )
    } else {
        format!(
            "(SELECT group_concat(site_id) FROM (SELECT us.site_id FROM user_sites us WHERE us.user_id = {user_id} ORDER BY us.site_id))"
        )
    }
}

/// A subquery giving a referral's (alias `r`) reason codes as one
/// comma-separated string, in code order (the primary key's order: no sort,
/// no join). Pages put them in the order of the programme's list.
pub(crate) fn referral_reasons(tx: &Tx) -> &'static str {
    if is_postgres(tx) {
        "COALESCE((SELECT string_agg(rr.reason, ',' ORDER BY rr.reason) FROM referral_reasons rr \
         WHERE rr.referral_id = r.id), '')"
    } else {
        "COALESCE((SELECT group_concat(reason) FROM (SELECT rr.reason FROM referral_reasons rr \
         WHERE rr.referral_id = r.id ORDER BY rr.reason)), '')"
    }
}

pub(crate) fn is_postgres(tx: &Tx) -> bool {
    matches!(tx, Tx::Postgres(_) | Tx::PostgresRead(_))
}

/// A column SQLite is not to look rows up by (unary `+`): its planner,
/// knowing nothing of how a range of days narrows, would read every row of
/// ten years by day rather than a practice's few. PostgreSQL weighs it from
/// its statistics (and has no unary `+` for instants).
pub(crate) fn not_by_index(tx: &Tx, column: &str) -> String {
    if is_postgres(tx) {
        column.to_owned()
    } else {
        format!("+{column}")
    }
}

/// `count` placeholders for parameters bound in order from `$from`:
/// numbered on PostgreSQL, anonymous `?` on SQLite (which finds its
/// parameters much faster when hundreds are not named). On SQLite every
/// parameter of the statement must then be a `?`, in order.
pub(crate) fn marks(tx: &Tx, from: usize, count: usize) -> String {
    if is_postgres(tx) {
        (from..from + count)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        vec!["?"; count].join(", ")
    }
}

/// The UK date (Europe/London) of a stored instant `at`. SQLite keeps
/// instants as UTC text (`2024-03-31T00:30:00+00:00`) and knows no time
/// zones: the UK date is the UTC date, but the next day for instants from
/// 23:00 UTC during British Summer Time, which runs from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October (the
/// rule since 1996). The costly summer test runs only for those instants.
pub(crate) fn london_date(tx: &Tx, at: &str) -> String {
    if is_postgres(tx) {
        format!("CAST(({at}) AT TIME ZONE 'Europe/London' AS DATE)")
    } else {
        format!(
            "(SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' \
             AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END \
             FROM (SELECT {at} AS x))"
        )
    }
}

/// The month (`YYYY-MM`) of date `d`.
pub(crate) fn month_of(tx: &Tx, d: &str) -> String {
    if is_postgres(tx) {
        format!("to_char({d}, 'YYYY-MM')")
    } else {
        format!("substr({d}, 1, 7)")
    }
}

/// Whole days from date `from` to date `to`.
pub(crate) fn days_between(tx: &Tx, from: &str, to: &str) -> String {
    if is_postgres(tx) {
        format!("CAST(({to}) - ({from}) AS BIGINT)")
    } else {
        format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
    }
}

/// The month of date `d` as a number, year × 12 + month − 1 (the months
/// of the figures' pieces, migration 31).
pub(crate) fn month_number(tx: &Tx, d: &str) -> String {
    if is_postgres(tx) {
        format!("figure_month({d})")
    } else {
        format!(
            "(CAST(substr({d}, 1, 4) AS INTEGER) * 12 + CAST(substr({d}, 6, 2) AS INTEGER) - 1)"
        )
    }
}

/// Age in whole years on date `on` of someone born on date `born`.
pub(crate) fn age_years(tx: &Tx, on: &str, born: &str) -> String {
    if is_postgres(tx) {
        format!("CAST(EXTRACT(YEAR FROM age({on}, {born})) AS BIGINT)")
    } else {
        format!(
            "(CAST(strftime('%Y', {on}) AS INTEGER) - CAST(strftime('%Y', {born}) AS INTEGER) \
             - (strftime('%m-%d', {on}) < strftime('%m-%d', {born})))"
        )
    }
}
