//! Practice development (issue 11): what link workers do with and for their
//! practices, and each practice's development fund. Managers work with
//! every practice of the programme, link workers with their own; nothing
//! here is about a person, so reads are not audited, and every change is.

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::Permission;
use linkwork_domain::appointment::london_date;
use linkwork_store::org::Site;
use linkwork_store::practice as store;
pub use linkwork_store::practice::{ActivityListed, ActivityRow, FundLineRow};
use serde::Deserialize;

/// An activity as typed (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct ActivityInput {
    /// `protected_learning`, `team_meeting`, `newsletter`,
    /// `information_stall`, `team_visit`, `staff_wellbeing` or `other`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// The day it took place (`2026-11-12` or `12/11/2026`).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub held_on: String,
    /// The practice staff involved.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub staff: String,
    /// How many attended (a whole number; blank if not counted).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub attending: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub notes: String,
}

/// A line of a practice's development fund as typed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct FundLineInput {
    /// `allocate` (money given to the practice's fund) or `spend`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub direction: String,
    /// Pounds, like `45.50`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub amount: String,
    /// What the money is for.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub purpose: String,
    /// The day (blank: today).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub on_date: String,
}

/// A practice's development work: its activities and its fund.
#[derive(Debug, Clone)]
pub struct PracticeDevelopment {
    pub site: Site,
    pub activities: Vec<ActivityRow>,
    pub balance_pence: i64,
    pub lines: Vec<FundLineRow>,
}

impl App {
    pub async fn practice_development(
        &self,
        ctx: &Ctx,
        site_id: i64,
    ) -> Result<PracticeDevelopment> {
        let u = Use::read(ctx, Permission::DevelopPractices, "practice_development");
        self.read(u, async |tx, g| {
            let site = linkwork_store::org::get_site(tx, g.scope(), site_id).await?;
            let activities = store::activities(tx, g, site_id, 200).await?;
            let (balance_pence, lines) = store::fund(tx, g, site_id).await?;
            Ok(PracticeDevelopment {
                site,
                activities,
                balance_pence,
                lines,
            })
        })
        .await
    }

    /// Practice development activities held over a run of UK days (`from`,
    /// `to` inclusive, as typed) at the practices the caller may see,
    /// narrowed by place, by the link worker who recorded them, or to one
    /// `kind`: the list behind the figures' activities. 500 a page,
    /// earliest first; errors name the field.
    pub async fn practice_activities_between(
        &self,
        ctx: &Ctx,
        (from, to): (&str, &str),
        kind: &str,
        f: crate::casework::OnwardFilter,
    ) -> Result<Vec<store::ActivityListed>> {
        let mut e = linkwork_domain::FieldErrors::new();
        let days = crate::participants::uk_dates(&mut e, from, to);
        let kind = match kind.trim() {
            "" => None,
            k if linkwork_domain::practice::ACTIVITY_KINDS
                .iter()
                .any(|(c, _)| *c == k) =>
            {
                Some(k)
            }
            _ => {
                e.add("kind", "Choose a kind of activity from the list");
                None
            }
        };
        e.into_result()?;
        let u = Use::read(ctx, Permission::DevelopPractices, "practice_development");
        self.read(u, async |tx, g| {
            Ok(store::activities_between(
                tx,
                g,
                days,
                kind,
                &f,
                crate::casework::MOST_LISTED as i64,
            )
            .await?)
        })
        .await
    }

    /// Record a practice development activity; audited.
    pub async fn record_practice_activity(
        &self,
        ctx: &Ctx,
        site_id: i64,
        input: &ActivityInput,
    ) -> Result<i64> {
        let today = london_date(self.now());
        let a = linkwork_domain::practice::activity(
            &input.kind,
            &input.held_on,
            &input.staff,
            &input.attending,
            &input.notes,
            today,
        )?;
        let u = Use::write(
            ctx,
            Permission::DevelopPractices,
            "practice_activity.create",
            "site",
            site_id,
        );
        self.run(u, async |tx, g, ev| {
            let id = store::add_activity(tx, g, site_id, &a, ctx.actor.user_id, self.now()).await?;
            ev.detail = format!("{} on {} (activity {id})", a.kind, a.held_on);
            Ok(id)
        })
        .await
    }

    /// Allocate money to a practice's development fund or spend from it;
    /// audited. Spending more than the fund holds is refused, whoever else
    /// is spending at the same moment.
    pub async fn add_practice_fund_line(
        &self,
        ctx: &Ctx,
        site_id: i64,
        input: &FundLineInput,
    ) -> Result<i64> {
        let today = london_date(self.now());
        let line = linkwork_domain::practice::fund_line(
            &input.direction,
            &input.amount,
            &input.purpose,
            &input.on_date,
            today,
        )?;
        let action = if line.amount_pence < 0 {
            "practice_fund.spend"
        } else {
            "practice_fund.allocate"
        };
        let u = Use::write(ctx, Permission::DevelopPractices, action, "site", site_id);
        self.run(u, async |tx, g, ev| {
            match store::add_fund_line(tx, g, site_id, &line, ctx.actor.user_id, self.now()).await?
            {
                Some(id) => {
                    ev.detail = format!(
                        "{} for {} (line {id})",
                        crate::casework::support::pounds(line.amount_pence.abs()),
                        line.purpose
                    );
                    Ok(id)
                }
                None => {
                    let (balance, _) = store::fund(tx, g, site_id).await?;
                    Err(AppError::field(
                        "amount",
                        format!(
                            "The fund holds {}: spend no more than that",
                            crate::casework::support::pounds(balance)
                        ),
                    ))
                }
            }
        })
        .await
    }
}
