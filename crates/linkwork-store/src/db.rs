//! The database handle, transactions and the dispatch macro.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("a record with this {0} already exists")]
    Duplicate(&'static str),
    #[error("the record was changed by someone else")]
    StaleVersion,
    #[error("not found")]
    NotFound,
    /// A value read from the database is not one the code knows.
    #[error("unreadable value in the database: {0}")]
    Decode(String),
    /// A write was handed a grant for another permission: a bug in the
    /// calling use case, refused rather than carried out.
    #[error("a write was attempted with a grant for {held:?}, which does not allow it")]
    WrongGrant { held: linkwork_domain::Permission },
    #[error(
        "the database schema is at version {found}, newer than this linkwork knows ({known}); upgrade linkwork"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A change grouped with others in one commit (SQLite) that was not
    /// saved: the commit failed, or the group was given up.
    #[error("database error: {0}")]
    Group(String),
}

impl StoreError {
    /// A deadlock or a serialization failure (PostgreSQL): the transaction
    /// was given up so that another could go on, and running it again may
    /// well succeed.
    pub fn is_contention(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(d))
            if matches!(d.code().as_deref(), Some("40P01" | "40001")))
    }
}

impl StoreError {
    /// Turn a unique-constraint violation into [`StoreError::Duplicate`] naming `what`.
    pub fn on_unique(e: sqlx::Error, what: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(what),
            _ => StoreError::Sqlx(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to either backend. SQLite gets one writer connection (so
/// writers queue in-process instead of failing with SQLITE_BUSY), whose
/// changes are committed in groups ([`crate::group`]), and several readers
/// (WAL lets them read while the writer writes).
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite {
        read: crate::readers::Readers,
        write: crate::group::Group,
    },
    Postgres(PgPool),
}

/// One unit of database work on either backend: a transaction (writes, and
/// reads that need a snapshot) or, for plain reads, a pooled connection in
/// autocommit mode, which saves the BEGIN/ROLLBACK round trips.
pub enum Tx {
    /// A change on SQLite's one writer, in a savepoint of a transaction it
    /// may share with other changes ([`crate::group`]); its commit returns
    /// once the group's commit is on disk.
    SqliteGrouped(crate::group::Seat),
    Postgres(Transaction<'static, Postgres>),
    /// A SQLite reader, in autocommit mode or with a snapshot open
    /// ([`crate::readers`]).
    SqliteRead(crate::readers::Reader),
    PostgresRead(PoolConnection<Postgres>),
}

/// The connection a [`Tx`] holds, by backend: for code whose statements
/// differ in shape between the two (bulk inserts).
pub enum Conn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::SqliteGrouped(s) => Conn::Sqlite(s.conn()),
            Tx::SqliteRead(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
            Tx::PostgresRead(t) => Conn::Postgres(t),
        }
    }
}

/// Run the same query tokens on whichever backend a [`Tx`] holds. Inside the
/// body, `$c` is `&mut` the backend's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::SqliteGrouped(s) => {
                let $c = s.conn();
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::SqliteRead(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::PostgresRead(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// For PostgreSQL: use this schema (created if missing). Tests use one each.
    pub pg_schema: Option<String>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            pg_schema: None,
        }
    }
}

/// Statements slower than this are logged, at debug level: bulk work (demo
/// data, backups) is slow by nature, and its warnings are noise in a
/// person's terminal. Set `LINKWORK_LOG=sqlx=debug` to see them.
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

/// A pooled connection is checked (one round trip) before use only when it
/// has been idle a while: on a busy server that check would otherwise double
/// the round trips of a page that makes one query. (sqlx also checks every
/// connection as it goes back to the pool, off the request's path, and drops
/// a broken one there.)
async fn ping_if_idle<C: sqlx::Connection>(
    c: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for >= Duration::from_secs(10) {
        c.ping().await?;
    }
    Ok(true)
}

impl Db {
    pub async fn connect(url: &str) -> crate::Result<Db> {
        Self::connect_with(url, &PoolOptions::default()).await
    }

    pub async fn connect_with(url: &str, opts: &PoolOptions) -> crate::Result<Db> {
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-16000")
                .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT);
            // The one writer (made first: it creates the file and sets WAL).
            let write = crate::group::connect(&base).await?;
            let read = crate::readers::Readers::open(
                &base.read_only(true),
                opts.max_connections.max(2) as usize,
            )
            .await?;
            Ok(Db::Sqlite { read, write })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut o = PgConnectOptions::from_str(url)?
                .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT);
            if let Some(schema) = &opts.pg_schema {
                crate::dialect::ensure_pg_schema(url, schema).await?;
                o = o.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|c, meta| Box::pin(ping_if_idle(c, meta)))
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(o)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(crate::StoreError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction that may write. On SQLite it may be shared with other
    /// writers' changes and committed with them ([`crate::group`]): its
    /// commit returns once all of them are on disk.
    pub async fn write(&self) -> crate::Result<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::SqliteGrouped(crate::group::join(write).await?),
            Db::Postgres(p) => Tx::Postgres(begin_whole(p, "BEGIN").await?),
        })
    }

    /// A connection for reading (each statement sees committed data; use
    /// [`Db::snapshot`] when several reads must agree with each other).
    pub async fn read(&self) -> crate::Result<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => Tx::SqliteRead(read.acquire().await?),
            Db::Postgres(p) => Tx::PostgresRead(p.acquire().await?),
        })
    }

    /// A read-only transaction: a consistent snapshot for several reads
    /// (on PostgreSQL at REPEATABLE READ: every statement sees the data as
    /// the first one did, as SQLite's read transaction does).
    pub async fn snapshot(&self) -> crate::Result<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => Tx::SqliteRead(read.begin().await?),
            Db::Postgres(p) => Tx::Postgres(begin_whole(p, SNAPSHOT).await?),
        })
    }

    /// A second transaction seeing the same data as `tx` (one from
    /// [`Db::snapshot`]), for reads run side by side on two connections
    /// (two cores). On PostgreSQL it takes `tx`'s exported snapshot. SQLite
    /// cannot share a snapshot: the one begun here is given only when it
    /// sees the same data version of `programme_id` as `tx` (moved by every
    /// change to the programme's data, [`crate::reports::bump_data_version`]).
    /// `None` when no such transaction can be had: read on `tx` alone.
    pub async fn snapshot_beside(
        &self,
        tx: &mut Tx,
        programme_id: i64,
    ) -> crate::Result<Option<Tx>> {
        match self {
            Db::Sqlite { read, .. } => {
                let mut twin = Tx::SqliteRead(read.begin().await?);
                let seen = crate::reports::data_version(tx, programme_id).await?;
                let now = crate::reports::data_version(&mut twin, programme_id).await?;
                if seen == now {
                    Ok(Some(twin))
                } else {
                    twin.rollback().await?;
                    Ok(None)
                }
            }
            Db::Postgres(p) => {
                let Tx::Postgres(t) = tx else {
                    return Ok(None);
                };
                let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
                    .fetch_one(&mut **t)
                    .await?;
                // A snapshot's id is hex digits and dashes; anything else is
                // not put into a statement.
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                    return Ok(None);
                }
                let mut twin = begin_whole(p, SNAPSHOT).await?;
                sqlx::query(&format!("SET TRANSACTION SNAPSHOT '{id}'"))
                    .execute(&mut *twin)
                    .await?;
                Ok(Some(Tx::Postgres(twin)))
            }
        }
    }

    /// A connection kept by one long-lived writer that must not queue
    /// behind requests for the pool (the audit queue): on PostgreSQL one
    /// of the pool's connections, to be used with [`Tx::begin_held`] and
    /// kept between transactions; on SQLite `None` (writes have a pool of
    /// their own, [`Db::write`]).
    pub async fn hold(&self) -> crate::Result<Option<Tx>> {
        Ok(match self {
            Db::Sqlite { .. } => None,
            Db::Postgres(p) => Some(Tx::PostgresRead(p.acquire().await?)),
        })
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> crate::Result<()> {
        match self {
            Db::Sqlite { read, .. } => {
                let mut r = read.acquire().await?;
                sqlx::query("SELECT 1").execute(&mut *r).await.map(|_| ())
            }
            Db::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
        }
        .map_err(Into::into)
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                // Commit any open group; the writer connection closes with
                // the last handle.
                drop(crate::group::alone(write).await);
                read.close();
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// Begin a PostgreSQL transaction in a task of its own, so that a request
/// cancelled while its BEGIN is in flight (its client went away) cannot
/// leave the pooled connection inside a transaction: sqlx 0.8 would hand
/// such a connection back to the pool as it is, "idle in transaction",
/// holding whatever it had locked until it was next used. Here the
/// transaction is always made whole; if nobody is left to take it, it is
/// dropped, which rolls it back before the connection returns to the pool.
/// How a PostgreSQL transaction for [`Db::snapshot`] begins.
const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ";

async fn begin_whole(
    p: &PgPool,
    begin: &'static str,
) -> crate::Result<Transaction<'static, Postgres>> {
    let p = p.clone();
    tokio::spawn(async move { p.begin_with(begin).await })
        .await
        .map_err(|e| StoreError::Group(format!("beginning a transaction: {e}")))?
        .map_err(Into::into)
}

impl Tx {
    /// On a connection from [`Db::hold`]: start, commit or roll back a
    /// transaction by statement, keeping the connection.
    pub async fn begin_held(&mut self) -> crate::Result<()> {
        self.held("BEGIN").await
    }
    pub async fn commit_held(&mut self) -> crate::Result<()> {
        self.held("COMMIT").await
    }
    pub async fn rollback_held(&mut self) -> crate::Result<()> {
        self.held("ROLLBACK").await
    }
    async fn held(&mut self, sql: &'static str) -> crate::Result<()> {
        on_tx!(self, c => sqlx::query(sql).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn commit(self) -> crate::Result<()> {
        match self {
            Tx::SqliteRead(mut r) => r.end("COMMIT").await?,
            Tx::SqliteGrouped(seat) => seat.commit(None, None).await?,
            Tx::Postgres(t) => t.commit().await?,
            Tx::PostgresRead(_) => {}
        }
        Ok(())
    }
    pub async fn rollback(self) -> crate::Result<()> {
        match self {
            Tx::SqliteRead(mut r) => r.end("ROLLBACK").await?,
            Tx::SqliteGrouped(seat) => seat.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
            Tx::PostgresRead(_) => {}
        }
        Ok(())
    }
}
