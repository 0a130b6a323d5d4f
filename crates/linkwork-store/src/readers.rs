//! SQLite's readers: a few connections, each lent to one request at a time.
//!
//! sqlx's pool checks every connection as it comes back ("ping"), which on
//! SQLite is a round trip to the connection's own thread — two thread
//! switches per borrowing, as many as the statement the request came for.
//! A SQLite connection does not break as a network one does, and one whose
//! request was cancelled half way finishes or drops that statement before
//! it runs the next, so here a connection goes straight back. Only a
//! snapshot left open (a request that ended before its commit) is undone,
//! by whoever borrows the connection next.

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// The longest a request waits for a reader before it is refused.
const WAIT: Duration = Duration::from_secs(30);

/// The readers, shared by every clone of one database handle.
#[derive(Debug, Clone)]
pub struct Readers(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    slots: Vec<Arc<tokio::sync::Mutex<Slot>>>,
    /// The slots not lent now.
    free: Mutex<Vec<usize>>,
    /// One permit per free slot.
    permits: Arc<Semaphore>,
}

#[derive(Debug)]
struct Slot {
    conn: SqliteConnection,
    /// A snapshot (transaction) is open on it.
    open: bool,
}

/// A reader lent to one request; it goes back when dropped.
#[derive(Debug)]
pub struct Reader {
    slot: OwnedMutexGuard<Slot>,
    index: usize,
    readers: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl Readers {
    /// Open `count` connections (at least one).
    pub async fn open(options: &SqliteConnectOptions, count: usize) -> crate::Result<Readers> {
        let mut slots = Vec::new();
        for _ in 0..count.max(1) {
            let conn = options.connect().await?;
            slots.push(Arc::new(tokio::sync::Mutex::new(Slot {
                conn,
                open: false,
            })));
        }
        Ok(Readers(Arc::new(Inner {
            free: Mutex::new((0..slots.len()).collect()),
            permits: Arc::new(Semaphore::new(slots.len())),
            slots,
        })))
    }

    /// Borrow a reader in autocommit mode: each statement sees what is
    /// committed when it runs.
    pub async fn acquire(&self) -> crate::Result<Reader> {
        let permit = match tokio::time::timeout(WAIT, self.0.permits.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Err(sqlx::Error::PoolClosed.into()),
            Err(_) => return Err(sqlx::Error::PoolTimedOut.into()),
        };
        let free = self
            .0
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        // A permit is given back only after its slot is: one is free.
        let Some(index) = free else {
            return Err(sqlx::Error::PoolTimedOut.into());
        };
        let slot = match self.0.slots.get(index) {
            Some(s) => s.clone().lock_owned().await,
            None => return Err(sqlx::Error::PoolTimedOut.into()),
        };
        let mut r = Reader {
            slot,
            index,
            readers: self.0.clone(),
            _permit: permit,
        };
        if r.slot.open {
            // Left open by a request that ended early (or never begun, if
            // it was cancelled before the BEGIN ran: then this fails, and
            // that is fine).
            r.slot.open = false;
            let _ = sqlx::query("ROLLBACK").execute(&mut *r).await;
        }
        Ok(r)
    }

    /// Borrow a reader with a snapshot open: its statements all see the
    /// database as it was at the first of them.
    pub async fn begin(&self) -> crate::Result<Reader> {
        let mut r = self.acquire().await?;
        // Marked first: if this request is cancelled now, the next
        // borrower ends whatever was begun.
        r.slot.open = true;
        sqlx::query("BEGIN").execute(&mut *r).await?;
        Ok(r)
    }

    /// Refuse new borrowers (the connections close with the last handle).
    pub fn close(&self) {
        self.0.permits.close();
    }
}

impl Reader {
    /// End the snapshot, if one is open (a read-only one: commit and
    /// rollback are alike).
    pub async fn end(&mut self, sql: &'static str) -> crate::Result<()> {
        if self.slot.open {
            self.slot.open = false;
            sqlx::query(sql).execute(&mut **self).await?;
        }
        Ok(())
    }
}

impl std::ops::Deref for Reader {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.slot.conn
    }
}

impl std::ops::DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.slot.conn
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // The slot's lock and then the permit are given back after this.
        self.readers
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self.index);
    }
}
