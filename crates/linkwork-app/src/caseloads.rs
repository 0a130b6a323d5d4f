//! Managers move a link worker's caseload to colleagues: when someone leaves,
//! goes on long leave or changes practice.

use crate::{App, AppError, Ctx, Result};
use linkwork_domain::{FieldErrors, Permission};
use linkwork_store::audit;
pub use linkwork_store::caseloads::Caseload;
use linkwork_store::caseloads::{self as store};
use serde::Deserialize;

/// Whose caseload, at which practice, goes to whom.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct CaseloadMove {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub from_worker_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub site_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub to_worker_id: String,
}

impl App {
    /// Every link worker's open referrals, by practice (managers).
    pub async fn caseloads(&self, ctx: &Ctx) -> Result<Vec<Caseload>> {
        let grant = self
            .authorize(ctx, Permission::ManageCaseloads, "caseload", "list")
            .await?;
        let mut tx = self.db.read().await?;
        let c = store::list(&mut tx, grant.programme_id()).await?;
        tx.rollback().await?;
        Ok(c)
    }

    /// Move one worker's open referrals at one practice (and their booked
    /// appointments) to a link worker there. Each referral's move is audited.
    pub async fn move_caseload(&self, ctx: &Ctx, input: &CaseloadMove) -> Result<usize> {
        let grant = self
            .authorize(
                ctx,
                Permission::ManageCaseloads,
                "caseload",
                input.from_worker_id.trim(),
            )
            .await?;
        let mut e = FieldErrors::new();
        let number = |raw: &str| raw.trim().parse::<i64>().ok().filter(|n| *n > 0);
        let from = number(&input.from_worker_id);
        if from.is_none() {
            e.add("from_worker_id", "Choose whose caseload to move");
        }
        let site = number(&input.site_id);
        if site.is_none() {
            e.add("site_id", "Choose the practice");
        }
        let to = number(&input.to_worker_id);
        if to.is_none() {
            e.add(
                "to_worker_id",
                "Choose the link worker taking the caseload on",
            );
        }
        e.into_result()?;
        let (from, site, to) = (
            from.unwrap_or_default(),
            site.unwrap_or_default(),
            to.unwrap_or_default(),
        );
        if from == to {
            return Err(AppError::field(
                "to_worker_id",
                "Choose a different link worker",
            ));
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        if !linkwork_store::referrals::is_link_worker_at(&mut tx, grant.programme_id(), to, site)
            .await?
        {
            tx.rollback().await?;
            return Err(AppError::field(
                "to_worker_id",
                "Choose a link worker at this practice",
            ));
        }
        let moved = store::move_caseload(&mut tx, &grant, from, to, site, now).await?;
        if moved.is_empty() {
            tx.rollback().await?;
            return Err(AppError::field(
                "from_worker_id",
                "This link worker has no open referrals at this practice",
            ));
        }
        for id in &moved {
            let mut ev = ctx.event("referral.reallocate", "referral", id);
            ev.detail = format!("caseload moved from user {from} to user {to}");
            audit::append(&mut tx, &ev, now).await?;
        }
        let mut ev = ctx.event("caseload.move", "user", from);
        ev.detail = format!("{} open referrals at site {site} to user {to}", moved.len());
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(moved.len())
    }
}
