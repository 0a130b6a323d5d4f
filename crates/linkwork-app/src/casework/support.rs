//! Consent, vouchers from funds, and handing a case over to another practice.

use crate::gate::{Access, Use};
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::referral::ReferralStatus;
use linkwork_domain::{FieldErrors, Permission, text};
use linkwork_store::support::{self as store};
pub use linkwork_store::support::{Consent, Fund, Handover, Voucher};
use serde::Deserialize;

pub const CONSENT_KINDS: [(&str, &str); 3] = [
    ("contact", "To be contacted by the link worker"),
    ("share_gp", "To share information with their GP practice"),
    (
        "share_partner",
        "To share information with a named partner organisation",
    ),
];

pub const FUND_KINDS: [(&str, &str); 2] =
    [("food", "Food vouchers"), ("energy", "Energy vouchers")];

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ConsentInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// For `share_partner`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub partner: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct FundInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub funder: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct MoneyInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub fund_id: String,
    /// Pounds, like `20` or `12.50`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub amount: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct HandoverInput {
    /// The person's new practice.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub site_id: String,
    /// The link worker there who takes the case on.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub link_worker_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub summary: String,
}

/// `12.50` → 1250 pence; 1p to £10,000.
pub fn parse_pounds(raw: &str) -> Option<i64> {
    let t = raw.trim().trim_start_matches('£');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let pence = whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (1..=1_000_000).contains(&pence).then_some(pence)
}

pub fn pounds(pence: i64) -> String {
    format!("£{}.{:02}", pence / 100, pence % 100)
}

impl App {
    pub async fn record_consent(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &ConsentInput,
    ) -> Result<i64> {
        let kind = CONSENT_KINDS
            .iter()
            .find(|(c, _)| *c == input.kind.trim())
            .map(|(c, _)| *c)
            .ok_or_else(|| AppError::field("kind", "Choose what the person agreed to"))?;
        let partner = text::optional_text(&input.partner, "the partner organisation", 200)
            .map_err(|m| AppError::field("partner", m))?;
        if kind == "share_partner" && partner.is_none() {
            return Err(AppError::field("partner", "Name the partner organisation"));
        }
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("consent.record"),
            async |tx, g| {
                Ok(
                    store::add_consent(tx, g, participant_id, kind, partner.as_deref(), by, now)
                        .await?,
                )
            },
        )
        .await
    }

    pub async fn withdraw_consent(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        consent_id: i64,
    ) -> Result<()> {
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("consent.withdraw"),
            async |tx, g| {
                Ok(store::withdraw_consent(tx, g, participant_id, consent_id, by, now).await?)
            },
        )
        .await
    }

    /// The programme's voucher funds, for issuing vouchers from them.
    pub async fn list_funds(&self, ctx: &Ctx) -> Result<Vec<Fund>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "fund");
        self.read(u, async |tx, g| Ok(store::funds(tx, g).await?))
            .await
    }

    /// The funds, for someone who sets them up and tops them up.
    pub async fn funds_to_manage(&self, ctx: &Ctx) -> Result<Vec<Fund>> {
        let u = Use::read(ctx, Permission::ManageFunds, "fund");
        self.read(u, async |tx, g| Ok(store::funds(tx, g).await?))
            .await
    }

    pub async fn create_fund(&self, ctx: &Ctx, input: &FundInput) -> Result<i64> {
        let u = Use::write(ctx, Permission::ManageFunds, "fund.create", "fund", "new");
        self.run(u, async |tx, g, ev| {
            let id = self.create_fund_in(tx, g, input).await?;
            ev.object_id = id.to_string();
            Ok(id)
        })
        .await
    }

    async fn create_fund_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        input: &FundInput,
    ) -> Result<i64> {
        let mut e = FieldErrors::new();
        let name = e.check(
            "name",
            text::required_text(&input.name, "the fund's name", 120),
        );
        let funder = e
            .check(
                "funder",
                text::optional_text(&input.funder, "the funder", 120),
            )
            .flatten();
        let kind = FUND_KINDS
            .iter()
            .find(|(c, _)| *c == input.kind.trim())
            .map(|(c, _)| *c);
        if kind.is_none() {
            e.add("kind", "Choose food or energy vouchers");
        }
        e.into_result()?;
        let now = self.now();
        let id = store::create_fund(
            tx,
            grant,
            &name.unwrap_or_default(),
            funder.as_deref(),
            kind.unwrap_or("food"),
            now,
        )
        .await
        .map_err(|e| match e {
            linkwork_store::StoreError::Duplicate(_) => {
                AppError::field("name", "A fund with this name already exists")
            }
            e => e.into(),
        })?;
        Ok(id)
    }

    fn money(input: &MoneyInput) -> Result<(i64, i64, Option<String>)> {
        let mut e = FieldErrors::new();
        let fund = e.check(
            "fund_id",
            input
                .fund_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose a fund"),
        );
        let amount = e.check(
            "amount",
            parse_pounds(&input.amount).ok_or("Enter an amount in pounds, like 20 or 12.50"),
        );
        let note = e
            .check("note", text::optional_text(&input.note, "the note", 300))
            .flatten();
        e.into_result()?;
        Ok((fund.unwrap_or_default(), amount.unwrap_or_default(), note))
    }

    pub async fn top_up_fund(&self, ctx: &Ctx, input: &MoneyInput) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageFunds,
            "fund.top_up",
            "fund",
            input.fund_id.trim(),
        );
        self.run(u, async |tx, g, ev| {
            let (fund, amount, note) = Self::money(input)?;
            let by = Some(ctx.actor.user_id);
            if !store::move_money(tx, g, fund, amount, None, note.as_deref(), by, self.now())
                .await?
            {
                return Err(AppError::field(
                    "fund_id",
                    "Choose a fund of this programme",
                ));
            }
            ev.object_id = fund.to_string();
            ev.detail = pounds(amount);
            Ok(())
        })
        .await
    }

    /// Issue a voucher to a person from a fund; never takes a fund below zero.
    pub async fn issue_voucher(
        &self,
        ctx: &Ctx,
        participant_id: i64,
        input: &MoneyInput,
    ) -> Result<()> {
        let (fund, amount, note) = Self::money(input)?;
        let (by, now) = (Some(ctx.actor.user_id).filter(|u| *u != 0), self.now());
        self.on_record(
            ctx,
            participant_id,
            Access::Write("voucher.issue"),
            async |tx, g| {
                if store::move_money(
                    tx,
                    g,
                    fund,
                    -amount,
                    Some(participant_id),
                    note.as_deref(),
                    by,
                    now,
                )
                .await?
                {
                    Ok(())
                } else {
                    let left = store::funds(tx, g)
                        .await?
                        .into_iter()
                        .find(|f| f.id == fund)
                        .map(|f| f.balance_pence);
                    Err(match left {
                        Some(p) => AppError::field(
                            "amount",
                            format!("There is only {} left in this fund", pounds(p)),
                        ),
                        None => AppError::field("fund_id", "Choose a fund of this programme"),
                    })
                }
            },
        )
        .await
    }

    /// Hand a case to the link worker of the person's new practice. Access
    /// moves with the case; the history stays whole. Returns the case's
    /// handovers, read in the same transaction: afterwards the case may be
    /// at a practice the person who handed it over cannot see.
    pub async fn hand_over(
        &self,
        ctx: &Ctx,
        referral_id: i64,
        input: &HandoverInput,
    ) -> Result<Vec<Handover>> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "referral.hand_over",
            "referral",
            referral_id,
        );
        self.run(u, async |tx, g, ev| {
            self.hand_over_in(tx, g, ev, referral_id, input).await?;
            Ok(store::handovers_for_referral(tx, g, referral_id).await?)
        })
        .await
    }

    async fn hand_over_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        ev: &mut linkwork_store::audit::NewEvent,
        referral_id: i64,
        input: &HandoverInput,
    ) -> Result<i64> {
        let mut e = FieldErrors::new();
        let site = e.check(
            "site_id",
            input
                .site_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose the person's new practice"),
        );
        let worker = e.check(
            "link_worker_id",
            input
                .link_worker_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose the link worker taking the case on"),
        );
        let summary = e.check(
            "summary",
            text::required_text(&input.summary, "a handover summary", 4000),
        );
        e.into_result()?;
        let (site, worker, summary) = (
            site.unwrap_or_default(),
            worker.unwrap_or_default(),
            summary.unwrap_or_default(),
        );
        let now = self.now();
        let r = linkwork_store::referrals::get(tx, grant.scope(), referral_id).await?;
        if !(r.status.is_open() && r.status != ReferralStatus::Received) {
            return Err(AppError::Conflict(
                "Only an open, allocated referral can be handed over.".into(),
            ));
        }
        if site == r.site_id {
            return Err(AppError::field(
                "site_id",
                "Choose a different practice from the current one",
            ));
        }
        if !linkwork_store::referrals::is_link_worker_at(tx, grant, worker, site).await? {
            return Err(AppError::field(
                "link_worker_id",
                "Choose a link worker at the new practice",
            ));
        }
        store::move_case(tx, grant, referral_id, r.participant_id, site, worker, now).await?;
        let id = store::add_handover(
            tx,
            grant,
            referral_id,
            r.site_id,
            site,
            r.link_worker_id,
            worker,
            &summary,
            now,
        )
        .await?;
        ev.detail = format!(
            "site {} → {site}, worker {:?} → {worker}",
            r.site_id, r.link_worker_id
        );
        Ok(id)
    }

    pub async fn acknowledge_handover(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::WorkWithParticipants,
            "handover.acknowledge",
            "handover",
            id,
        );
        self.run(u, async |tx, g, _| {
            store::acknowledge_handover(tx, g, id, ctx.actor.user_id, self.now()).await?;
            Ok(())
        })
        .await
    }

    /// Handovers waiting for this link worker to acknowledge them.
    pub async fn handovers_waiting(&self, ctx: &Ctx) -> Result<Vec<Handover>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "handover");
        self.read(u, async |tx, g| {
            Ok(store::handovers_waiting(tx, g, g.user_id()).await?)
        })
        .await
    }

    /// The handovers of one referral the actor may see.
    pub async fn referral_handovers(&self, ctx: &Ctx, referral_id: i64) -> Result<Vec<Handover>> {
        let u = Use::read(ctx, Permission::WorkWithParticipants, "referral").of(referral_id);
        self.read(u, async |tx, g| {
            linkwork_store::referrals::get(tx, g.scope(), referral_id).await?;
            Ok(store::handovers_for_referral(tx, g, referral_id).await?)
        })
        .await
    }
}

impl App {
    /// Every GP practice and food bank of the programme (for choosing where a case goes).
    pub async fn practices(&self, ctx: &Ctx) -> Result<Vec<linkwork_store::org::Site>> {
        let u = Use::read(ctx, Permission::ViewProgramme, "site");
        let filter = linkwork_store::org::SiteFilter {
            limit: 1000,
            ..Default::default()
        };
        let (sites, _) = self
            .read(u, async |tx, g| {
                Ok(linkwork_store::org::list_sites(tx, g.scope(), &filter).await?)
            })
            .await?;
        Ok(sites
            .into_iter()
            .filter(|s| s.active && s.kind.holds_people())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_pounds() {
        assert_eq!(parse_pounds("20"), Some(2000));
        assert_eq!(parse_pounds("£12.5"), Some(1250));
        assert_eq!(parse_pounds("12.05"), Some(1205));
        for bad in ["", "0", "-5", "1.234", "ten", "10000.01"] {
            assert_eq!(parse_pounds(bad), None, "{bad}");
        }
        assert_eq!(pounds(1205), "£12.05");
    }
}
