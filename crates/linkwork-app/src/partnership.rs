//! Partnerships (issue 11): agreements with partner organisations of the
//! directory, and everything the programme has to do with a partner, in
//! counts. Managers record agreements; managers, administrators and link
//! workers read them. Nothing here names a person.

use crate::gate::Use;
use crate::{App, Ctx, Result};
use linkwork_domain::Permission;
use linkwork_domain::appointment::london_date;
use linkwork_store::partnership as store;
pub use linkwork_store::partnership::{AgreementRow, PartnerFund, PartnerSummary};
use serde::Deserialize;

/// An agreement as typed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct AgreementInput {
    /// What the agreement is.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub what: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub starts_on: String,
    /// Blank: open-ended.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub ends_on: String,
    /// `none` (the default), `received` or `given`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub funding: String,
    /// Pounds, when money is received or given.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub amount: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub notes: String,
}

/// A partner's agreements and what the programme has to do with it.
#[derive(Debug, Clone)]
pub struct Partnership {
    pub agreements: Vec<AgreementRow>,
    pub summary: PartnerSummary,
}

impl App {
    /// One organisation's partnership with the programme.
    pub async fn partnership(&self, ctx: &Ctx, organization_id: i64) -> Result<Partnership> {
        let u = Use::read(ctx, Permission::ViewReports, "partnership").of(organization_id);
        self.read(u, async |tx, g| {
            linkwork_store::directory::organization(tx, g, organization_id).await?;
            Ok(Partnership {
                agreements: store::agreements(tx, g, organization_id).await?,
                summary: store::summary(tx, g, organization_id).await?,
            })
        })
        .await
    }

    /// Record an agreement with a partner (audited).
    pub async fn add_agreement(
        &self,
        ctx: &Ctx,
        organization_id: i64,
        input: &AgreementInput,
    ) -> Result<i64> {
        let today = london_date(self.now());
        let a = linkwork_domain::partnership::agreement(
            &input.what,
            &input.starts_on,
            &input.ends_on,
            &input.funding,
            &input.amount,
            &input.notes,
            today,
        )?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        let u = Use::write(
            ctx,
            Permission::ManagePartnerships,
            "partnership.create",
            "directory_organization",
            organization_id,
        );
        self.run(u, async |tx, g, ev| {
            let id = store::add_agreement(tx, g, organization_id, &a, by, now).await?;
            ev.detail = format!("{} from {} (agreement {id})", a.what, a.starts_on);
            Ok(id)
        })
        .await
    }
}
