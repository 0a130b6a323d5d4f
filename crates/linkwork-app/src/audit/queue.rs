//! Audit events that stand alone — a view of a record, a refusal, the
//! running of a report — appended in groups: every such event waiting when
//! the writer is free goes into one transaction with one commit (one flush
//! to disk), and each request is answered only after the commit that holds
//! its event. Under load, many requests' views cost one commit, not one
//! each; alone, an event is written at once. Changes are not grouped: their
//! event is appended in their own transaction, with the change.

use crate::{AppError, Result};
use linkwork_domain::Clock;
use linkwork_store::audit::{self, NewEvent};
use linkwork_store::{Backend, Db, Tx};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};

/// The most events put in one transaction.
const MOST_AT_ONCE: usize = 256;

/// The most events waiting: beyond this a request waits for room (so a
/// flood slows requests down instead of filling memory).
const MOST_WAITING: usize = 8_192;

type Waiting = (NewEvent, oneshot::Sender<std::result::Result<(), String>>);

/// The writer of stand-alone events (started on first use, stopped by
/// [`Queue::stop`]; after that each event is written on its own).
#[derive(Debug, Default)]
pub struct Queue(Mutex<State>);

#[derive(Debug, Default)]
enum State {
    #[default]
    NotStarted,
    Running(mpsc::Sender<Waiting>),
    Stopped,
}

impl Queue {
    /// Append `event` durably: returns once it is committed.
    pub async fn append(&self, db: &Db, clock: &Arc<dyn Clock>, event: NewEvent) -> Result<()> {
        let sender = {
            let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            if matches!(*s, State::NotStarted) {
                *s = State::Running(start(db.clone(), clock.clone()));
            }
            match &*s {
                State::Running(tx) => Some(tx.clone()),
                _ => None,
            }
        };
        let (reply, answer) = oneshot::channel();
        let unsent = match sender {
            Some(s) => s.send((event, reply)).await.err().map(|e| e.0.0),
            None => Some(event),
        };
        if let Some(event) = unsent {
            // Stopped, or its runtime ended: write it here.
            return write(db, clock, std::slice::from_ref(&event))
                .await
                .map_err(AppError::internal);
        }
        match answer.await {
            Ok(r) => r.map_err(AppError::internal),
            Err(_) => Err(AppError::internal("the audit writer stopped")),
        }
    }

    /// Stop the writer: it appends what is waiting, then lets its
    /// connection go (so that the pool can close).
    pub fn stop(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = State::Stopped;
    }
}

fn start(db: Db, clock: Arc<dyn Clock>) -> mpsc::Sender<Waiting> {
    let (tx, mut rx) = mpsc::channel::<Waiting>(MOST_WAITING);
    tokio::spawn(async move {
        let mut batch: Vec<Waiting> = Vec::with_capacity(MOST_AT_ONCE);
        // On PostgreSQL the writer keeps a connection of its own, so that it
        // never waits in the pool's queue behind the requests waiting on it.
        let mut held: Option<Tx> = None;
        while let Some(first) = rx.recv().await {
            batch.push(first);
            while batch.len() < MOST_AT_ONCE {
                match rx.try_recv() {
                    Ok(w) => batch.push(w),
                    Err(_) => break,
                }
            }
            let events: Vec<NewEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
            let result = match db.backend() {
                Backend::Postgres => write_held(&db, &mut held, &clock, &events).await,
                Backend::Sqlite => write(&db, &clock, &events).await,
            };
            for (_, reply) in batch.drain(..) {
                let _ = reply.send(result.clone());
            }
        }
    });
    tx
}

/// Append events in one transaction on the writer's own connection (made
/// again after an error).
async fn write_held(
    db: &Db,
    held: &mut Option<Tx>,
    clock: &Arc<dyn Clock>,
    events: &[NewEvent],
) -> std::result::Result<(), String> {
    if held.is_none() {
        *held = db.hold().await.map_err(|e| e.to_string())?;
    }
    let Some(c) = held.as_mut() else {
        return write(db, clock, events).await;
    };
    let r = append_held(c, events, clock.now()).await;
    if r.is_err() {
        // Whatever state it is in, do not use this connection again.
        if let Some(mut c) = held.take() {
            let _ = c.rollback_held().await;
        }
    }
    r.map_err(|e: linkwork_store::StoreError| e.to_string())
}

async fn append_held(
    c: &mut Tx,
    events: &[NewEvent],
    at: chrono::DateTime<chrono::Utc>,
) -> std::result::Result<(), linkwork_store::StoreError> {
    c.begin_held().await?;
    audit::append_many(c, events, at).await?;
    c.commit_held().await
}

/// Append events in one transaction.
async fn write(
    db: &Db,
    clock: &Arc<dyn Clock>,
    events: &[NewEvent],
) -> std::result::Result<(), String> {
    let go = async {
        let mut tx = db.write().await?;
        audit::append_many(&mut tx, events, clock.now()).await?;
        tx.commit().await
    };
    go.await
        .map_err(|e: linkwork_store::StoreError| e.to_string())
}
