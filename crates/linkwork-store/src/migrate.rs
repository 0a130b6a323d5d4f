//! Schema migrations for both backends, embedded in the binary.
//!
//! Migrations are expand-then-contract: a new version only adds, so an older
//! app node keeps working while a newer one migrates. A database whose schema
//! is newer than this binary knows is refused.

use crate::{Backend, Db, Tx, dialect, on_tx};
use chrono::{DateTime, Utc};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration: its version, its name, and the file (same name in both folders).
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "foundation", "0001_foundation"),
    migration!(2, "participants", "0002_participants"),
    migration!(3, "referrals", "0003_referrals"),
    migration!(4, "appointments", "0004_appointments"),
    migration!(5, "casework", "0005_casework"),
    migration!(6, "plans", "0006_plans"),
    migration!(7, "support", "0007_support"),
    migration!(8, "needs", "0008_needs"),
    migration!(9, "safety", "0009_safety"),
    migration!(10, "reasons and merging", "0010_reasons_and_merging"),
    migration!(11, "audit guards", "0011_audit_guards"),
    migration!(12, "referral reasons", "0012_referral_reasons"),
    migration!(13, "one-to-one safety", "0013_one_to_one_safety"),
    migration!(14, "directory", "0014_directory"),
    migration!(15, "jobs", "0015_jobs"),
    migration!(
        16,
        "referral status changes",
        "0016_referral_status_changes"
    ),
    migration!(17, "social value and SIMD", "0017_social_value_and_simd"),
    migration!(18, "data versions", "0018_data_versions"),
    migration!(19, "closed-on index", "0019_closed_on_index"),
    migration!(20, "practice development", "0020_practice_development"),
    migration!(21, "the partner's side of the loop", "0021_partner_loop"),
    migration!(22, "groups, sessions and attendance", "0022_groups"),
    migration!(23, "partnerships", "0023_partnerships"),
    migration!(24, "services hosted in practices", "0024_hosted_services"),
    migration!(
        25,
        "group venues, files and feedback",
        "0025_group_venues_files_feedback"
    ),
    migration!(26, "stamps for pages kept in memory", "0026_stamps"),
    migration!(
        27,
        "a referral's first attended appointment by index",
        "0027_appointment_outcome_index"
    ),
    migration!(
        28,
        "a referral's first contact and first attended day, kept on it",
        "0028_referral_firsts"
    ),
    migration!(
        29,
        "whether a referral is the person's first, kept on it",
        "0029_referral_first_of_person"
    ),
    migration!(
        30,
        "each person's first and baseline wellbeing scores, kept",
        "0030_measure_baselines"
    ),
    migration!(
        31,
        "the referrals' counts of each month of a programme, kept",
        "0031_figure_pieces"
    ),
    migration!(
        32,
        "the cases open and closed of each month of a programme, kept",
        "0032_case_pieces"
    ),
    migration!(
        33,
        "the referrals and partners' answers the figures read, indexed",
        "0033_report_indexes"
    ),
    migration!(
        34,
        "the referrals' and onward support's month counts kept by area",
        "0034_area_pieces"
    ),
    migration!(
        35,
        "the wider work's figures of a period kept",
        "0035_wider_pieces"
    ),
];

/// The SQL of one migration for one backend (tests re-run a migration's
/// data step against rows written the old way).
pub fn migration_sql(version: i64, backend: Backend) -> Option<&'static str> {
    MIGRATIONS
        .iter()
        .find(|m| m.version == version)
        .map(|m| match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        })
}

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

/// What [`run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub applied: Vec<i64>,
    pub version: i64,
}

/// Bring the schema up to date, or refuse if it is newer than we know.
pub async fn run(db: &Db, now: DateTime<Utc>) -> crate::Result<Outcome> {
    let mut tx = db.write().await?;
    dialect::lock_for_migration(&mut tx).await?;
    if !dialect::migrations_table_exists(&mut tx).await? {
        let ddl = "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        on_tx!(&mut tx, c => sqlx::raw_sql(ddl).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let current = current_version(&mut tx).await?;
    if current > latest_version() {
        tx.rollback().await?;
        return Err(crate::StoreError::SchemaTooNew {
            found: current,
            known: latest_version(),
        });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let sql = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        tracing::info!(version = m.version, name = m.name, "applying migration");
        on_tx!(&mut tx, c => sqlx::raw_sql(sql).execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now.to_rfc3339())
            .execute(c)
            .await.map(|r| r.rows_affected()))?;
        if m.version == 13 {
            mend_practice_names(&mut tx).await?;
        }
        if m.version == 14 {
            crate::directory::seed_all(&mut tx, now).await?;
        }
        applied.push(m.version);
    }
    tx.commit().await?;
    Ok(Outcome {
        applied,
        version: latest_version().max(current),
    })
}

/// Practice names imported before version 13 lost the capitals and spaces
/// after their commas ("Drs Cron,howat,mckinlay"): title-case them again.
/// Only names with a comma straight before a small letter are touched.
async fn mend_practice_names(tx: &mut Tx) -> crate::Result<()> {
    let rows: Vec<(i64, String)> = on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM sites WHERE name LIKE '%,%'").fetch_all(c).await)?;
    for (id, name) in rows {
        let broken = name
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b',' && w[1].is_ascii_lowercase());
        if !broken {
            continue;
        }
        let mended = linkwork_domain::text::title_case(&name);
        on_tx!(tx, c => sqlx::query("UPDATE sites SET name = $1 WHERE id = $2").bind(&mended).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// [`mend_practice_names`] on its own, for tests of migration 13's data step.
pub async fn mend_practice_names_for_tests(db: &Db) -> crate::Result<()> {
    let mut tx = db.write().await?;
    mend_practice_names(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn current_version(tx: &mut Tx) -> crate::Result<i64> {
    let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations").fetch_one(c).await)?;
    Ok(v.unwrap_or(0))
}

/// The schema version of a database, without changing it (0 when empty).
pub async fn version(db: &Db) -> crate::Result<i64> {
    let mut tx = db.read().await?;
    let v = if dialect::migrations_table_exists(&mut tx).await? {
        current_version(&mut tx).await?
    } else {
        0
    };
    tx.rollback().await?;
    Ok(v)
}
