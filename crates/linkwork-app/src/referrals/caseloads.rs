//! Managers move a link worker's caseload to colleagues: when someone leaves,
//! goes on long leave or changes practice.

use crate::gate::Use;
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
        self.read(
            Use::read(ctx, Permission::ManageCaseloads, "caseload"),
            async |tx, g| Ok(store::list(tx, g).await?),
        )
        .await
    }

    /// Move one worker's open referrals at one practice (and their booked
    /// appointments) to a link worker there. Each referral's move is audited.
    pub async fn move_caseload(&self, ctx: &Ctx, input: &CaseloadMove) -> Result<usize> {
        let u = Use::write(
            ctx,
            Permission::ManageCaseloads,
            "caseload.move",
            "user",
            input.from_worker_id.trim(),
        );
        self.run(u, async |tx, g, ev| {
            self.move_caseload_in(tx, g, ev, input).await
        })
        .await
    }

    async fn move_caseload_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        event: &mut linkwork_store::audit::NewEvent,
        input: &CaseloadMove,
    ) -> Result<usize> {
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
        if !linkwork_store::referrals::is_link_worker_at(tx, grant, to, site).await? {
            return Err(AppError::field(
                "to_worker_id",
                "Choose a link worker at this practice",
            ));
        }
        let moved = store::move_caseload(tx, grant, from, to, site, now).await?;
        if moved.is_empty() {
            return Err(AppError::field(
                "from_worker_id",
                "This link worker has no open referrals at this practice",
            ));
        }
        for id in &moved {
            let mut ev = event.clone();
            ev.action = "referral.reallocate".into();
            ev.object_type = "referral".into();
            ev.object_id = id.to_string();
            ev.detail = format!("caseload moved from user {from} to user {to}");
            audit::append(tx, &ev, now).await?;
        }
        event.object_id = from.to_string();
        event.detail = format!("{} open referrals at site {site} to user {to}", moved.len());
        Ok(moved.len())
    }
}
