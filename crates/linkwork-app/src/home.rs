//! Everything on a person's home page, read once and kept in memory at the
//! stamp of what they see (see [`crate::Ctx::stamp`]): a link worker or
//! practice staff member coming back to their home page while nothing at
//! their practices has changed is answered from memory after the one
//! statement that reads their session. A change on any node moves the
//! stamp (triggers in the database), so what is kept is never older than
//! the data. Nothing here is a view of a record (the home page lists names,
//! as the referral lists do), so nothing is audited, kept or not.

use crate::casework::appointments::WorkerPrompts;
use crate::org::SiteFilter;
use crate::referrals::ReferralFilter;
use crate::{App, Ctx, Result};
use linkwork_domain::{Permission, Role};
use linkwork_store::org::{Area, Site};
use linkwork_store::partner::PartnerReply;
use linkwork_store::reasons::Reason;
use linkwork_store::referrals::Referral;
use linkwork_store::support::Handover;
use std::sync::Arc;

/// A home page's data.
#[derive(Debug, Default)]
pub struct Home {
    /// The programme's reasons, to label referral tables (link workers,
    /// practice staff, partners).
    pub reasons: Vec<Reason>,
    /// The user's own sites.
    pub my_sites: Vec<Site>,
    /// Areas with their counts (those who see users).
    pub areas: Vec<Area>,
    /// A link worker's open caseload (first ten) and its size.
    pub caseload: Vec<Referral>,
    pub caseload_total: i64,
    /// New referrals waiting to be triaged, in the user's scope.
    pub to_triage: i64,
    pub prompts: WorkerPrompts,
    pub replies: Vec<PartnerReply>,
    pub handovers: Vec<Handover>,
    /// Referrals the user sent (practice staff, partners).
    pub sent: Vec<Referral>,
}

impl App {
    /// The home page's data for this user: kept when the request carries
    /// the stamp of what they see, for the roles whose view is their
    /// practices (link workers, practice staff).
    pub async fn home(&self, ctx: &Ctx) -> Result<Arc<Home>> {
        let a = &ctx.actor;
        let keep = matches!(a.role, Role::LinkWorker | Role::PracticeStaff);
        let today = linkwork_domain::appointment::london_date(self.now());
        let key = format!("{}|{:?}|{:?}|{today}", a.user_id, a.role, a.site_ids);
        let stamp = ctx.stamp.filter(|_| keep);
        if let Some(s) = stamp
            && let Some(h) = self.pages.get(&key, s)
        {
            return Ok(h);
        }
        // Many requests for the same page at once: one reads it.
        let _reading = match stamp {
            Some(s) => {
                let r = self.pages.reading(&key).await;
                if let Some(h) = self.pages.get(&key, s) {
                    return Ok(h);
                }
                Some(r)
            }
            None => None,
        };
        let home = Arc::new(self.read_home(ctx).await?);
        if let Some(s) = stamp {
            self.pages
                .put(key, s, home.clone(), self.settings.pages_kept);
        }
        Ok(home)
    }

    async fn read_home(&self, ctx: &Ctx) -> Result<Home> {
        let a = &ctx.actor;
        let mut h = Home::default();
        if matches!(
            a.role,
            Role::LinkWorker | Role::PracticeStaff | Role::Partner
        ) {
            h.reasons = self.reasons(ctx).await?;
        }
        let (sites, _) = self
            .list_sites(
                ctx,
                &SiteFilter {
                    limit: 20,
                    ..Default::default()
                },
            )
            .await?;
        h.my_sites = sites
            .into_iter()
            .filter(|s| a.site_ids.contains(&s.id))
            .collect();
        if a.can(Permission::ViewUsers) {
            h.areas = self.list_areas(ctx).await?;
        }
        if a.role == Role::LinkWorker {
            let f = ReferralFilter {
                status: Some(vec![
                    "allocated".to_owned(),
                    "contacted".to_owned(),
                    "engaged".to_owned(),
                ]),
                link_worker_id: Some(a.user_id),
                limit: 10,
                ..Default::default()
            };
            (h.caseload, h.caseload_total) = self.list_referrals(ctx, &f).await?;
            h.handovers = self.handovers_waiting(ctx).await?;
        }
        if a.can(Permission::WorkWithParticipants) {
            let f = ReferralFilter {
                status: Some(vec!["received".into()]),
                limit: 1,
                ..Default::default()
            };
            h.to_triage = self.list_referrals(ctx, &f).await?.1;
        }
        h.prompts = self.worker_prompts(ctx).await?;
        h.replies = self.partner_replies(ctx).await?;
        if matches!(a.role, Role::PracticeStaff | Role::Partner) {
            let f = ReferralFilter {
                limit: 10,
                ..Default::default()
            };
            h.sent = self.list_referrals(ctx, &f).await?.0;
        }
        Ok(h)
    }
}
