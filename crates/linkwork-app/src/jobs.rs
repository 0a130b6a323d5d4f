//! Long work started from a page runs in the background; its progress and
//! result are kept in the database (`jobs`), so the page that follows it can
//! be served by any node. Only the person who started it sees it.

use crate::directory::oruk::ImportReport;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::Permission;
use linkwork_store::jobs as store;
pub use linkwork_store::jobs::Job;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How often a running job's progress is written down.
const TICK: Duration = Duration::from_millis(500);

/// A job with no progress written for this long was left by a node that
/// stopped (the running ones write every [`TICK`]).
const ABANDONED_SECS: i64 = 120;

impl App {
    /// Start importing a directory file in the background (administrators):
    /// the returned job shows its progress and, at the end, its report.
    pub async fn start_directory_import(
        &self,
        ctx: &Ctx,
        items: Vec<Value>,
        format: String,
    ) -> Result<i64> {
        // Refused now, not in the background.
        self.authorize(ctx, Permission::ManageDirectory, "directory", "import")
            .await?;
        let mut tx = self.db.write().await?;
        let id = store::start(
            &mut tx,
            ctx.actor.programme_id,
            ctx.actor.user_id,
            "directory.import",
            items.len() as i64,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        let (app, ctx) = (self.clone(), ctx.clone());
        tokio::spawn(async move {
            let seen = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
            let ticker = {
                let (app, seen) = (app.clone(), seen.clone());
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(TICK).await;
                        let (d, t) = (
                            seen.0.load(Ordering::Relaxed),
                            seen.1.load(Ordering::Relaxed),
                        );
                        if let Ok(mut tx) = app.db.write().await
                            && store::progress(&mut tx, id, d as i64, t as i64, app.now())
                                .await
                                .is_ok()
                        {
                            let _ = tx.commit().await;
                        }
                    }
                })
            };
            let r = app
                .import_directory(&ctx, items, &format, &|d, t| {
                    seen.1.store(t, Ordering::Relaxed);
                    seen.0.store(d, Ordering::Relaxed);
                })
                .await;
            ticker.abort();
            let outcome = match &r {
                Ok(report) => Ok(serde_json::to_string(report).unwrap_or_default()),
                Err(AppError::Invalid(e)) => Err(e.to_string()),
                Err(e) => {
                    tracing::error!(job = id, error = %e, "directory import failed");
                    Err("The import stopped with an error: what was imported before it is kept, and importing the file again finishes it".to_owned())
                }
            };
            if let Ok(mut tx) = app.db.write().await {
                let ended = store::end(
                    &mut tx,
                    id,
                    outcome.as_deref().map_err(String::as_str),
                    app.now(),
                )
                .await;
                if ended.is_ok() {
                    let _ = tx.commit().await;
                }
            }
        });
        Ok(id)
    }

    /// One of the acting user's jobs (another user's is not found). A job
    /// left running by a node that stopped is marked failed first; reading
    /// one that is moving writes nothing (the page asks every second).
    pub async fn job(&self, ctx: &Ctx, id: i64) -> Result<Job> {
        let now = self.now();
        let stale = now - chrono::Duration::seconds(ABANDONED_SECS);
        let mut tx = self.db.read().await?;
        let job = store::of_user(&mut tx, ctx.actor.user_id, id).await?;
        tx.rollback().await?;
        if job.state != "running" || job.updated_at >= stale {
            return Ok(job);
        }
        let mut tx = self.db.write().await?;
        store::fail_abandoned(&mut tx, stale, now).await?;
        let job = store::of_user(&mut tx, ctx.actor.user_id, id).await?;
        tx.commit().await?;
        Ok(job)
    }

    /// A finished import's report.
    pub fn import_report(job: &Job) -> Option<ImportReport> {
        serde_json::from_str(job.result.as_deref()?).ok()
    }
}
