//! Reading and verifying the audit trail.

use crate::{App, Ctx, Result};
use linkwork_domain::Permission;
use linkwork_store::audit::{self as store, Event, Filter, Verification};

impl App {
    pub async fn search_audit(&self, ctx: &Ctx, filter: &Filter) -> Result<(Vec<Event>, i64)> {
        self.authorize(ctx, Permission::ViewAudit, "audit", "search")
            .await?;
        let mut tx = self.db.read().await?;
        let r = store::search(&mut tx, ctx.actor.programme_id, filter).await?;
        tx.rollback().await?;
        Ok(r)
    }

    /// Verify the actor's programme's chain.
    pub async fn verify_audit(&self, ctx: &Ctx) -> Result<Verification> {
        self.authorize(ctx, Permission::ViewAudit, "audit", "verify")
            .await?;
        let mut tx = self.db.snapshot().await?;
        let v = store::verify(&mut tx, Some(ctx.actor.programme_id)).await?;
        tx.rollback().await?;
        Ok(v)
    }

    /// Verify every chain in the database (the command line's `audit verify`).
    pub async fn verify_all_audit(&self) -> Result<Verification> {
        let mut tx = self.db.snapshot().await?;
        let v = store::verify(&mut tx, None).await?;
        tx.rollback().await?;
        Ok(v)
    }
}
