//! Audit events that stand alone — a view of a record, a refusal, the
//! running of a report — appended in groups: every such event waiting when
//! the writer is free goes into one transaction with one commit (one flush
//! to disk), and each request is answered only after the commit that holds
//! its event. Under load, many requests' views cost one commit, not one
//! each; alone, an event is written at once. Changes are not grouped: their
//! event is appended in their own transaction, with the change.

use crate::{AppError, Result};
use linkwork_domain::Clock;
use linkwork_store::Db;
use linkwork_store::audit::{self, NewEvent};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// The most events put in one transaction.
const MOST_AT_ONCE: usize = 256;

type Waiting = (NewEvent, oneshot::Sender<std::result::Result<(), String>>);

/// The writer of stand-alone events (started on first use).
#[derive(Debug, Default)]
pub struct Queue(OnceLock<mpsc::UnboundedSender<Waiting>>);

impl Queue {
    /// Append `event` durably: returns once it is committed.
    pub async fn append(&self, db: &Db, clock: &Arc<dyn Clock>, event: NewEvent) -> Result<()> {
        let sender = self.0.get_or_init(|| start(db.clone(), clock.clone()));
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError((event, _))) = sender.send((event, reply)) {
            // The writer has stopped (its runtime ended): write it here.
            return write(db, clock, std::slice::from_ref(&event))
                .await
                .map_err(AppError::internal);
        }
        match answer.await {
            Ok(r) => r.map_err(AppError::internal),
            Err(_) => Err(AppError::internal("the audit writer stopped")),
        }
    }
}

fn start(db: Db, clock: Arc<dyn Clock>) -> mpsc::UnboundedSender<Waiting> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Waiting>();
    tokio::spawn(async move {
        let mut batch: Vec<Waiting> = Vec::with_capacity(MOST_AT_ONCE);
        while let Some(first) = rx.recv().await {
            batch.push(first);
            while batch.len() < MOST_AT_ONCE {
                match rx.try_recv() {
                    Ok(w) => batch.push(w),
                    Err(_) => break,
                }
            }
            let events: Vec<NewEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
            let result = write(&db, &clock, &events).await;
            for (_, reply) in batch.drain(..) {
                let _ = reply.send(result.clone());
            }
        }
    });
    tx
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
