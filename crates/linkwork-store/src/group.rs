//! Group commit for SQLite's one writer.
//!
//! SQLite has one writer at a time, and with `synchronous = FULL` every
//! commit waits for the disk. Under load that flush, and the statements run
//! while holding the writer, are what limit writes. So changes made while
//! others wait share a commit:
//!
//! - a writer takes the seat (the one writer connection's lock, granted in
//!   arrival order) and joins the open transaction, or begins one;
//! - its change runs inside a savepoint of that transaction: if it fails or
//!   is abandoned, only its own statements are undone;
//! - when it has finished it leaves the transaction open, gives up the seat
//!   and queues for it again. Writers already queued go first and join the
//!   same transaction; whoever gets the seat back first with the group
//!   still open commits it, once, for everyone in it;
//! - the work every change does alike — appending its audit event, and
//!   marking its programme's figures out of date — is done once for the
//!   group, just before its commit ([`crate::audit::commit_change`]);
//! - each writer is answered only after the commit that holds its change,
//!   with that commit's outcome. Nothing is acknowledged before it is on
//!   disk, so durability is what it was with a commit each.
//!
//! Alone, a writer commits at once (its second turn at the seat is free).
//! If a commit fails, every change in the group is reported as failed, and
//! none of them is written.

use crate::Tx;
use crate::audit::NewEvent;
use chrono::{DateTime, Utc};
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// The most changes in one commit: beyond this a writer commits the group
/// before it joins, so that no one waits behind an endless group.
const MOST_AT_ONCE: usize = 128;

type Answer = oneshot::Sender<Result<(), String>>;

type Statement<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'a>>;

/// Where the writer's savepoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Savepoint {
    None,
    /// A change is running in it, or was abandoned half way (undone when
    /// the seat is next taken).
    Running,
    /// The last change finished and is kept: the savepoint is released by
    /// the next statement sent anyway (the next change's, or the commit),
    /// which saves a round trip per change.
    Kept,
}

/// The one writer connection and its open group.
pub struct Writer {
    conn: SqliteConnection,
    /// A transaction is open (the group).
    open: bool,
    savepoint: Savepoint,
    /// The writers whose changes are in the open group, to be told its
    /// outcome.
    waiting: Vec<Answer>,
    /// Done once for the group before its commit.
    later: Later,
}

/// The group's audit events and the programmes whose figures it changes.
#[derive(Debug, Default)]
struct Later {
    events: Vec<NewEvent>,
    programmes: Vec<i64>,
    at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("open", &self.open)
            .field("savepoint", &self.savepoint)
            .field("waiting", &self.waiting.len())
            .finish()
    }
}

/// The writer, shared by every clone of one database handle.
pub type Group = Arc<Mutex<Writer>>;

/// Open the writer connection.
pub async fn connect(options: &SqliteConnectOptions) -> crate::Result<Group> {
    let conn = options.connect().await?;
    Ok(Arc::new(Mutex::new(Writer {
        conn,
        open: false,
        savepoint: Savepoint::None,
        waiting: Vec::new(),
        later: Later::default(),
    })))
}

impl Writer {
    /// Statements on the writer, in one round trip (boxed: a future named
    /// by its type, so that the tasks below can be spawned).
    fn run<'a>(&'a mut self, sql: &'static str) -> Statement<'a> {
        Box::pin(async move { sqlx::query(sql).execute(&mut self.conn).await.map(|_| ()) })
    }

    /// Undo an abandoned change; release a kept one.
    async fn settle(&mut self) -> Result<(), sqlx::Error> {
        let sql = match self.savepoint {
            Savepoint::None => return Ok(()),
            Savepoint::Running => {
                "ROLLBACK TO SAVEPOINT linkwork_change; RELEASE SAVEPOINT linkwork_change"
            }
            Savepoint::Kept => "RELEASE SAVEPOINT linkwork_change",
        };
        self.savepoint = Savepoint::None;
        self.run(sql).await
    }

    /// Give up the open group: nothing in it is written, and each writer
    /// waiting on it is told so. The state is reset before the statement
    /// is sent (it runs even if this is cancelled), and the ROLLBACK is
    /// sent whether or not a transaction is thought to be open, so that a
    /// connection left in one by accident is set right.
    async fn abort(&mut self, why: &str) {
        self.open = false;
        self.savepoint = Savepoint::None;
        self.later = Later::default();
        let waiting = std::mem::take(&mut self.waiting);
        let _ = self.run("ROLLBACK").await;
        for w in waiting {
            let _ = w.send(Err(format!("the change was not saved: {why}")));
        }
    }

    /// After a change was undone: end a group that holds no one else's
    /// change, so that the database's write lock is not held for nothing.
    async fn end_if_empty(&mut self) -> Result<(), sqlx::Error> {
        if self.open && self.waiting.is_empty() {
            self.open = false;
            self.later = Later::default();
            self.run("ROLLBACK").await?;
        }
        Ok(())
    }

    /// Make the seat ready for a new change: undo an abandoned one.
    async fn tidy(&mut self) {
        if self.savepoint == Savepoint::Running {
            if self.settle().await.is_err() {
                self.abort("the database could not undo an abandoned change")
                    .await;
            } else if self.end_if_empty().await.is_err() {
                self.abort("the database could not end a transaction").await;
            }
        }
    }
}

/// Commit the open group, if any, and tell each writer in it; the seat is
/// handed back. The commit runs in a task of its own, so that it is seen
/// through even if the request that started it is cancelled half way.
async fn commit(w: OwnedMutexGuard<Writer>) -> OwnedMutexGuard<Writer> {
    let group = OwnedMutexGuard::mutex(&w).clone();
    match tokio::spawn(commit_now(w)).await {
        Ok(w) => w,
        // Not reached (the task does not panic): take the seat afresh.
        Err(_) => group.lock_owned().await,
    }
}

async fn commit_now(mut w: OwnedMutexGuard<Writer>) -> OwnedMutexGuard<Writer> {
    w.tidy().await;
    if !w.open {
        return w;
    }
    let later = std::mem::take(&mut w.later);
    let (mut w, done) = if later.events.is_empty() && later.programmes.is_empty() {
        (w, Ok(()))
    } else {
        let group = OwnedMutexGuard::mutex(&w).clone();
        let mut tx = Tx::SqliteGrouped(Seat::done(w));
        let done = crate::audit::for_group(&mut tx, &later.events, &later.programmes, later.at)
            .await
            .map_err(|e| e.to_string());
        let w = match tx.into_seat() {
            Some(seat) => seat.writer,
            // Not reached: the transaction above is the seat.
            None => group.lock_owned().await,
        };
        (w, done)
    };
    w.open = false;
    w.savepoint = Savepoint::None;
    let r = match done {
        // COMMIT releases a kept savepoint too.
        Ok(()) => w.run("COMMIT").await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    if r.is_err() {
        let _ = w.run("ROLLBACK").await;
    }
    tracing::debug!(changes = w.waiting.len(), ok = r.is_ok(), "group committed");
    for a in w.waiting.drain(..) {
        let _ = a.send(r.clone());
    }
    w
}

/// A writer's turn at the seat while its change runs.
#[derive(Debug)]
pub struct Seat {
    writer: OwnedMutexGuard<Writer>,
    unfinished: Unfinished,
}

/// Take the seat and a savepoint in the open group (beginning one if there
/// is none).
pub async fn join(group: &Group) -> crate::Result<Seat> {
    let mut w = group.clone().lock_owned().await;
    w.tidy().await;
    if w.waiting.len() >= MOST_AT_ONCE {
        w = commit(w).await;
    }
    let sql = match (w.open, w.savepoint) {
        // IMMEDIATE: take the database's write lock now, so that a change
        // never fails half way because another process is writing.
        (false, _) => "BEGIN IMMEDIATE; SAVEPOINT linkwork_change",
        (true, Savepoint::Kept) => "RELEASE SAVEPOINT linkwork_change; SAVEPOINT linkwork_change",
        (true, _) => "SAVEPOINT linkwork_change",
    };
    // The state the statement makes, set before it is sent: if this
    // request is cancelled while it runs, the guard below undoes it.
    w.open = true;
    w.savepoint = Savepoint::Running;
    let mut seat = Seat {
        unfinished: Unfinished(Some(OwnedMutexGuard::mutex(&w).clone())),
        writer: w,
    };
    if let Err(e) = seat.writer.run(sql).await {
        seat.unfinished.0 = None;
        seat.writer
            .abort("the database refused to begin a change")
            .await;
        return Err(e.into());
    }
    Ok(seat)
}

/// Take the seat with no group open (committing any that is), for a
/// statement that must run outside a transaction (`VACUUM INTO`, a
/// checkpoint).
pub async fn alone(group: &Group) -> OwnedMutexGuard<Writer> {
    commit(group.clone().lock_owned().await).await
}

impl std::ops::Deref for Writer {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}
impl std::ops::DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Seat {
    /// A seat for the group's own last work before its commit.
    fn done(writer: OwnedMutexGuard<Writer>) -> Seat {
        Seat {
            writer,
            unfinished: Unfinished(None),
        }
    }

    /// The writer connection, inside this change's savepoint.
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.writer.conn
    }

    /// Keep this writer's change, with the audit event and figures mark to
    /// add for it with the group's, and return once it is committed.
    pub async fn commit(
        self,
        event: Option<(&NewEvent, DateTime<Utc>)>,
        programme: Option<i64>,
    ) -> crate::Result<()> {
        let Seat {
            mut writer,
            mut unfinished,
        } = self;
        unfinished.0 = None;
        let w = &mut *writer;
        w.savepoint = Savepoint::Kept;
        if let Some((e, at)) = event {
            w.later.events.push(e.clone());
            w.later.at = Some(w.later.at.map_or(at, |t| t.max(at)));
        }
        if let Some(p) = programme
            && !w.later.programmes.contains(&p)
        {
            w.later.programmes.push(p);
        }
        let (answer, mut told) = oneshot::channel();
        w.waiting.push(answer);
        let group = OwnedMutexGuard::mutex(&writer).clone();
        drop(writer);
        let mut waiting = Waiting(Some(group.clone()));
        let r = loop {
            tokio::select! {
                biased;
                r = &mut told => break r,
                w = group.clone().lock_owned() => {
                    // Every writer queued before this one has joined: the
                    // group is complete. (If it was committed already, the
                    // answer is waiting and is taken next time round.)
                    drop(commit(w).await);
                }
            }
        };
        waiting.0 = None;
        match r {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(crate::StoreError::Group(why)),
            Err(_) => Err(crate::StoreError::Group(
                "the change was not saved: its group was given up".into(),
            )),
        }
    }

    /// Undo this writer's change only; the group goes on.
    pub async fn rollback(self) -> crate::Result<()> {
        let Seat {
            mut writer,
            mut unfinished,
        } = self;
        unfinished.0 = None;
        if let Err(e) = writer.settle().await {
            writer
                .abort("the database could not undo another change")
                .await;
            return Err(e.into());
        }
        writer.end_if_empty().await?;
        Ok(())
    }
}

impl Tx {
    /// The seat of a grouped change, or `None` for any other transaction.
    fn into_seat(self) -> Option<Seat> {
        match self {
            Tx::SqliteGrouped(seat) => Some(seat),
            _ => None,
        }
    }
}

/// Set while a change runs: dropped half way (an early return, or a
/// cancelled request), the savepoint stays marked as running, so whoever
/// takes the seat next undoes its statements first; if no one comes, a
/// task does.
#[derive(Debug)]
struct Unfinished(Option<Group>);

impl Drop for Unfinished {
    fn drop(&mut self) {
        let Some(group) = self.0.take() else {
            return;
        };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                group.lock_owned().await.tidy().await;
            });
        }
    }
}

/// A writer waiting for its group's commit. If it is abandoned (its request
/// cancelled) before the answer, the group is committed anyway, so that the
/// write lock is not left held.
struct Waiting(Option<Group>);

impl Drop for Waiting {
    fn drop(&mut self) {
        let Some(group) = self.0.take() else {
            return;
        };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                drop(commit(group.lock_owned().await).await);
            });
        }
    }
}
